/* attach_usdt.c - USDT probes: a spec map slot and a uprobe per location of provider:name (L4 link) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpfmini/map.h"
#include "ebpfmini/object.h"
#include "ebpfmini/sys.h"
#include "elf.h"
#include "internal.h"
#include "kuprobe.h"
#include "link.h"
#include "sys.h"
#include "usdt.h"

/* What the link's release gives back: the spec map slots it holds. */
struct usdt_slots {
	int map_fd; /* a duplicate: the object may be closed before the link */
	size_t n;
	uint32_t ids[];
};

static void free_slots(struct usdt_slots *s)
{
	static const struct em_usdt_spec empty;

	for (size_t i = 0; i < s->n; i++)
		ebpfmini_sys_map_update(s->map_fd, &s->ids[i], &empty, 0);
	em_sys_close(s->map_fd);
	free(s);
}

static void usdt_release(struct ebpfmini_link *link)
{
	free_slots(link->priv);
	link->priv = NULL;
}

/* A free slot of the spec map (in_use 0) for spec, marked in_use. */
static int take_slot(struct usdt_slots *s, uint32_t max, struct em_usdt_spec *spec,
		     const char *subject)
{
	struct em_usdt_spec cur;
	int err;

	for (uint32_t id = 0; id < max; id++) {
		err = ebpfmini_sys_map_lookup(s->map_fd, &id, &cur, 0);
		if (err)
			return err;
		if (cur.in_use)
			continue;
		spec->in_use = 1;
		err = ebpfmini_sys_map_update(s->map_fd, &id, spec, 0);
		if (err)
			return err;
		s->ids[s->n++] = id;
		return 0;
	}
	em_err("%s: all %u slots of the spec map " EM_USDT_SPEC_MAP " are taken (a larger "
	       "BPF_USDT_MAX_SPEC_CNT before including usdt.bpf.h makes room)",
	       subject, max);
	return -E2BIG;
}

int em_attach_usdt_parse_target(const char *target, char **path, char **provider, char **name)
{
	const char *c2 = strrchr(target, ':'), *c1 = NULL;

	*path = *provider = *name = NULL;
	for (const char *p = target; c2 && p < c2; p++)
		if (*p == ':')
			c1 = p;
	if (!c1 || c1 == target || c2 == c1 + 1 || !c2[1])
		return -EINVAL;
	*path = em_strndup(target, (size_t)(c1 - target));
	*provider = em_strndup(c1 + 1, (size_t)(c2 - c1 - 1));
	*name = em_strndup(c2 + 1, strlen(c2 + 1));
	if (*path && *provider && *name)
		return 0;
	free(*path);
	free(*provider);
	free(*name);
	*path = *provider = *name = NULL;
	return -ENOMEM;
}

EM_EXPORT int ebpfmini_program_attach_usdt(struct ebpfmini_program *prog, int pid,
					   const char *binary_path, const char *provider,
					   const char *name,
					   const struct ebpfmini_program_attach_usdt_opts *opts,
					   struct ebpfmini_link **out)
{
	struct em_kuprobe_spec up = { .kind = EM_KUPROBE_UPROBE };
	struct em_attach_uprobe_file file = { 0 };
	struct ebpfmini_link **members = NULL;
	struct usdt_slots *slots = NULL;
	struct em_usdt_loc *locs = NULL;
	const struct ebpfmini_map *map;
	char subject[4400], target[4400], path[4096];
	size_t n = 0, i = 0;
	int prog_fd, err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog || !binary_path || !provider || !name)
		return -EINVAL;
	snprintf(subject, sizeof(subject), "prog '%s': attach usdt '%s:%s:%s'",
		 ebpfmini_program_name(prog), binary_path, provider, name);
	if (em_opts_check(opts, sizeof(*opts), subject))
		return -EINVAL;
	prog_fd = em_link_prog_fd(prog, subject);
	if (prog_fd < 0)
		return prog_fd;
	map = ebpfmini_object_find_map(ebpfmini_program_object(prog), EM_USDT_SPEC_MAP);
	if (!map || ebpfmini_map_value_size(map) != sizeof(struct em_usdt_spec)) {
		em_err("%s: the object has no spec map " EM_USDT_SPEC_MAP " of ebpfmini's layout "
		       "(build the program with <ebpfmini/usdt.bpf.h>)",
		       subject);
		return -EINVAL;
	}
	err = em_attach_uprobe_find_binary(binary_path, path, sizeof(path));
	if (err) {
		em_err("%s: %s", subject, err == -ENOENT ? "no such file" : strerror(-err));
		return err;
	}
	err = em_attach_uprobe_open_elf(path, &file);
	if (err) {
		em_err("%s: %s", subject,
		       err == -ENOEXEC ? "not an ELF executable or shared library" :
		       err == -EBADMSG ? "the ELF file is damaged" :
					 strerror(-err));
		return err;
	}
	err = em_usdt_find(file.elf, provider, name, &locs, &n, subject);
	if (err)
		goto out;
	slots = em_calloc(1, sizeof(*slots) + n * sizeof(slots->ids[0]));
	members = em_calloc(n, sizeof(*members));
	if (!slots || !members) {
		free(slots);
		slots = NULL;
		err = -ENOMEM;
		goto out;
	}
	slots->map_fd = em_sys_dup(ebpfmini_map_fd(map));
	if (slots->map_fd < 0) {
		err = slots->map_fd;
		free(slots);
		slots = NULL;
		goto out;
	}
	up.name = path;
	up.pid = pid > 0 ? pid : 0;
	for (i = 0; i < n; i++) {
		struct em_usdt_spec spec = { .cookie = EM_OPT(opts, usdt_cookie, 0) };

		err = em_usdt_parse_args(locs[i].args, &spec, subject);
		if (!err)
			err = take_slot(slots, ebpfmini_map_max_entries(map), &spec, subject);
		if (err)
			break;
		up.offset = locs[i].offset;
		up.ref_ctr_offset = locs[i].sema_offset;
		snprintf(target, sizeof(target), "usdt %s:%s:%s@0x%llx", path, provider, name,
			 (unsigned long long)up.offset);
		err = em_kuprobe_attach(prog_fd, &up, slots->ids[slots->n - 1], subject, target,
					&members[i]);
		if (err)
			break;
	}
	if (!err) {
		snprintf(target, sizeof(target), "usdt %s:%s:%s", path, provider, name);
		if (up.pid)
			snprintf(target + strlen(target), sizeof(target) - strlen(target), " pid %d",
				 up.pid);
		err = em_link_set_new(members, n, target, out); /* takes the links, copies the array */
		free(members);
		members = NULL;
		if (!err) {
			(*out)->release = usdt_release;
			(*out)->priv = slots;
			slots = NULL;
		}
	}
out:
	for (size_t j = 0; members && j < i; j++)
		ebpfmini_link_close(members[j]);
	free(members);
	if (slots)
		free_slots(slots);
	free(locs);
	em_attach_uprobe_close_elf(&file);
	return err;
}

/* ---- auto-attach: usdt/<path>:<provider>:<name> ------------------------------------ */

int em_attach_usdt_auto(struct ebpfmini_program *prog, enum em_attach_kind kind,
			const char *target, struct ebpfmini_link **out)
{
	char *path, *provider, *name;
	int err;

	(void)kind;
	err = em_attach_usdt_parse_target(target, &path, &provider, &name);
	if (err == -EINVAL)
		em_err("prog '%s': attach: SEC '%s' is not usdt/<path>:<provider>:<name>",
		       ebpfmini_program_name(prog), ebpfmini_program_section(prog));
	if (err)
		return err;
	err = ebpfmini_program_attach_usdt(prog, -1, path, provider, name, NULL, out);
	free(path);
	free(provider);
	free(name);
	return err;
}
