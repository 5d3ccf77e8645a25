/* load_report.c - ebpfmini object load --report: the library's load report as text or JSON */
#include <stdio.h>
#include <string.h>

#include <ebpfmini/ebpfmini.h>

#include "tool.h"

static const char *const kind_names[] = {
	[EBPFMINI_STEP_PARSE] = "parse",         [EBPFMINI_STEP_KERNEL_BTF] = "kernel_btf",
	[EBPFMINI_STEP_CORE] = "core",           [EBPFMINI_STEP_CORE_FIXUP] = "core_fixup",
	[EBPFMINI_STEP_BTF_LOAD] = "btf_load",   [EBPFMINI_STEP_MAP_CREATE] = "map_create",
	[EBPFMINI_STEP_PROG_LOAD] = "prog_load", [EBPFMINI_STEP_ATTACH] = "attach",
};

static const char *kind_name(enum ebpfmini_step_kind kind)
{
	return (unsigned)kind < sizeof(kind_names) / sizeof(kind_names[0]) && kind_names[kind] ?
		       kind_names[kind] :
		       "?";
}

static void print_json(struct json *j, const struct ebpfmini_object *obj)
{
	const struct ebpfmini_load_step *s;

	json_open_array(j, "steps");
	for (size_t i = 0; (s = ebpfmini_object_load_step(obj, i)); i++) {
		json_open(j, NULL);
		json_str(j, "step", kind_name(s->kind));
		json_str(j, "subject", s->subject);
		json_str(j, "text", s->text);
		json_uint(j, "start_ns", s->start_ns);
		json_uint(j, "duration_ns", s->duration_ns);
		json_int(j, "err", s->err);
		if (s->id)
			json_uint(j, "id", s->id);
		if (s->kind == EBPFMINI_STEP_CORE_FIXUP) {
			json_uint(j, "insn", s->insn);
			json_int(j, "old", (int64_t)s->old_val);
			json_int(j, "new", (int64_t)s->new_val);
		}
		if (s->kind == EBPFMINI_STEP_PROG_LOAD) {
			json_uint(j, "insns", s->insn);
			json_uint(j, "verified_insns", s->verified_insns);
		}
		json_close(j);
	}
	json_close_array(j);
}

static void print_text(FILE *out, const struct ebpfmini_object *obj)
{
	const struct ebpfmini_load_step *s;
	uint64_t end = 0;

	fprintf(out, "load report of '%s' (ms since open):\n  %9s %9s  %-10s  %-22s  %s\n",
		ebpfmini_object_name(obj), "start", "took", "step", "subject", "what");
	for (size_t i = 0; (s = ebpfmini_object_load_step(obj, i)); i++) {
		char extra[96] = "";

		if (s->kind == EBPFMINI_STEP_PROG_LOAD && !s->err)
			snprintf(extra, sizeof(extra), ": %u insns, %u verified, id %u", s->insn,
				 s->verified_insns, s->id);
		else if (s->id && s->kind != EBPFMINI_STEP_CORE_FIXUP)
			snprintf(extra, sizeof(extra), ", id %u", s->id);
		if (s->kind == EBPFMINI_STEP_CORE_FIXUP)
			fprintf(out, "  %9s %9s  %-10s  %-22s  %s\n", "", "", "  fixup", "",
				s->text);
		else
			fprintf(out, "  %9.3f %9.3f  %-10s  %-22s  %s%s\n", s->start_ns / 1e6,
				s->duration_ns / 1e6, kind_name(s->kind), s->subject, s->text,
				extra);
		end = s->start_ns + s->duration_ns > end ? s->start_ns + s->duration_ns : end;
	}
	fprintf(out, "  %9.3f ms in all\n", end / 1e6);
}

void tool_print_report(const struct ebpfmini_object *obj)
{
	if (tool_json)
		print_json(tool_json, obj);
	else
		print_text(stdout, obj);
}
