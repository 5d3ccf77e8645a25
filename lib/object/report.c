/* report.c - the load report: each step of open, load and attach, with its time (L4 object) */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"
#include "ebpfmini/btf.h"
#include "ebpfmini/map.h"
#include "ebpfmini/sys.h"
#include "internal.h"
#include "objapi.h"

uint64_t em_report_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct ebpfmini_load_step *em_report_add(struct ebpfmini_object *obj, enum ebpfmini_step_kind kind,
					 uint64_t start, int err, const char *subject,
					 const char *name, const char *fmt, ...)
{
	uint64_t now = em_report_now();
	struct ebpfmini_load_step *steps;
	char *text = NULL, *subj = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	if (!name)
		subj = em_strdup(subject);
	else if (asprintf(&subj, "%s '%s'", subject, name) < 0)
		subj = NULL;
	if (!subj)
		goto nomem;
	steps = em_reallocarray(obj->steps, obj->nsteps + 1, sizeof(*steps));
	if (!steps)
		goto nomem;
	obj->steps = steps;
	steps[obj->nsteps] = (struct ebpfmini_load_step){
		.kind = kind,
		.subject = subj,
		.text = text,
		.err = err < 0 ? err : 0,
		.start_ns = start - obj->t0,
		.duration_ns = now - start,
	};
	return &steps[obj->nsteps++];
nomem:
	free(text);
	free(subj);
	return NULL;
}

/* Summary lines the verifier appends after its verdict. */
static bool is_summary_line(const char *line, size_t len)
{
	static const char *const prefixes[] = { "processed ", "verification time ", "stack depth ",
						"max_states_per_insn " };

	for (size_t i = 0; i < EM_ARRAY_SIZE(prefixes); i++) {
		size_t n = strlen(prefixes[i]);

		if (len >= n && strncmp(line, prefixes[i], n) == 0)
			return true;
	}
	return false;
}

const char *em_report_verdict(const char *log, char *buf, size_t size)
{
	size_t end = log ? strlen(log) : 0;

	buf[0] = '\0';
	while (end) {
		size_t start = end;

		while (start && log[start - 1] != '\n')
			start--;
		if (end > start && !is_summary_line(log + start, end - start)) {
			snprintf(buf, size, "%.*s", (int)(end - start), log + start);
			break;
		}
		end = start ? start - 1 : 0;
	}
	return buf;
}

void em_report_btf(struct ebpfmini_object *obj, enum ebpfmini_step_kind kind, uint64_t start,
		   int fd, const char *what, const struct ebpfmini_btf *btf)
{
	struct bpf_btf_info info = { 0 };
	uint32_t len = sizeof(info);
	struct ebpfmini_load_step *s;
	bool btf_load = kind == EBPFMINI_STEP_BTF_LOAD;
	const char *what_done = btf_load ? "loaded" : "read";
	size_t size = 0;

	ebpfmini_btf_raw(btf, &size);
	if (btf_load && fd >= 0)
		ebpfmini_sys_obj_get_info(fd, &info, &len);
	if (fd < 0)
		what_done = strerror(-fd);
	s = em_report_add(obj, kind, start, fd, "btf", NULL, "%s: %s%s, %u types, %zu bytes",
			  what ? what : "/sys/kernel/btf/vmlinux", what_done,
			  fd < 0 && btf_load ? " (continuing without BTF)" : "",
			  btf ? ebpfmini_btf_type_count(btf) : 0, size);
	if (s)
		s->id = info.id;
}

void em_report_core(struct ebpfmini_object *obj, uint64_t start, int err,
		    const struct em_core_fixups *fx)
{
	em_report_add(obj, EBPFMINI_STEP_CORE, start, err, "core", NULL, "%s%s%zu relocations",
		      err < 0 ? strerror(-err) : "", err < 0 ? ": " : "", fx ? fx->n : 0);
	for (size_t i = 0; fx && i < fx->n; i++) {
		struct ebpfmini_load_step *s;
		char line[512];

		em_core_fixup_format(&fx->v[i], line, sizeof(line));
		s = em_report_add(obj, EBPFMINI_STEP_CORE_FIXUP, start, 0, "core", NULL, "%s",
				  line);
		if (s) {
			s->duration_ns = 0;
			s->insn = fx->v[i].insn;
			s->old_val = fx->v[i].old_val;
			s->new_val = fx->v[i].new_val;
		}
	}
}

void em_report_map(const struct ebpfmini_map *map, uint64_t start, int err)
{
	const char *name = ebpfmini_sys_map_type_name(map->type);
	char type[32] = "?";
	struct ebpfmini_load_step *s;

	for (size_t i = 0; name && i < sizeof(type) - 1; i++) /* "hash" for BPF_MAP_TYPE_HASH */
		if (!(type[i] = (char)tolower((unsigned char)name[strlen("BPF_MAP_TYPE_") + i])))
			break;
	s = em_report_add(em_object_of(map->obj), EBPFMINI_STEP_MAP_CREATE, start, err, "map",
			  map->name, "%s%s %s, key %u, value %u, max_entries %u%s%s",
			  err                       ? strerror(-err) :
			  em_map_state(map)->reused ? "reused" :
						      "created",
			  err ? ":" : "", type, map->key_size, map->value_size, map->max_entries,
			  map->pin_path ? ", pinned at " : "", map->pin_path ? map->pin_path : "");

	if (s && !err)
		s->id = ebpfmini_map_id(map);
}

void em_report_prog(const struct ebpfmini_program *prog, int err)
{
	const struct em_prog_state *ps = em_prog_state(prog);
	struct bpf_prog_info info = { 0 };
	char verdict[256], target[256] = "";
	uint32_t len = sizeof(info);
	struct ebpfmini_load_step *s;

	if (!err)
		ebpfmini_sys_obj_get_info(ps->fd, &info, &len);
	em_report_verdict(ps->log, verdict, sizeof(verdict));
	/* where the kernel BTF of a tracing program's target came from: vmlinux or a module */
	if (ps->attach_btf_id && prog->attach_target)
		snprintf(target, sizeof(target), ", attach target %.96s [%u] in %s",
			 prog->attach_target, ps->attach_btf_id, ps->attach_btf_name);
	s = em_report_add(em_object_of(prog->obj), EBPFMINI_STEP_PROG_LOAD, ps->load_ns[0], err,
			  "prog", prog->name, "%s%s%s%s", err ? strerror(-err) : "verified",
			  err && *verdict ? ": " : "", err ? verdict : "", target);
	if (s) {
		s->duration_ns = ps->load_ns[1] - ps->load_ns[0];
		s->id = info.id;
		s->insn = (uint32_t)prog->insn_cnt;
		s->verified_insns = info.verified_insns;
	}
}

void em_report_free(struct ebpfmini_object *obj)
{
	for (size_t i = 0; i < obj->nsteps; i++) {
		free((char *)obj->steps[i].subject);
		free((char *)obj->steps[i].text);
	}
	free(obj->steps);
	obj->steps = NULL;
	obj->nsteps = 0;
}

EM_EXPORT const struct ebpfmini_load_step *
ebpfmini_object_load_step(const struct ebpfmini_object *obj, size_t i)
{
	return obj && i < obj->nsteps ? &obj->steps[i] : NULL;
}
