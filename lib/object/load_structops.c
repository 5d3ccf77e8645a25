/* load_structops.c - the load phases of struct_ops maps: kernel types, program targets, map creation, the value (L4 object) */
#include <stdlib.h>
#include <string.h>

#include "ebpfmini/sys.h"
#include "internal.h"
#include "kbtf.h"
#include "objapi.h"
#include "structops.h"
#include "uapi_compat.h" /* BPF_F_LINK */

/* The kernel's types of one struct_ops map, and its programs' attach ids. */
static int prepare_map(struct ebpfmini_object *obj, struct ebpfmini_map *map,
		       const struct ebpfmini_btf *kbtf)
{
	struct em_map_state *ms = em_map_state(map);
	const struct em_st_ops *so = map->st_ops;
	uint32_t *kmember;
	int err;

	err = em_structops_kern_find(kbtf, map->name, so->type_name, &ms->st_ops_kern);
	if (err)
		return err;
	kmember = em_calloc(so->nmembers + 1u, sizeof(*kmember));
	if (!kmember)
		return -ENOMEM;
	err = em_structops_value(map, kbtf, &ms->st_ops_kern, NULL, kmember, NULL);
	for (uint16_t i = 0; i < so->nmembers && !err; i++) {
		struct ebpfmini_program *prog;
		struct em_prog_state *ps;

		if (so->progs[i] < 0)
			continue;
		prog = &obj->model.progs[so->progs[i]];
		ps = em_prog_state(prog);
		if (!prog->autoload) {
			em_err("map '%s': prog '%s' implements one of its members, but its autoload "
			       "is off",
			       map->name, prog->name);
			err = -EINVAL;
		} else if (ps->attach_btf_id && (ps->attach_btf_id != ms->st_ops_kern.ops_type_id ||
						 prog->expected_attach_type != kmember[i])) {
			em_err("prog '%s': map '%s' uses it for another member or ops type than a "
			       "map before: one program implements one member of one ops type",
			       prog->name, map->name);
			err = -EINVAL;
		} else {
			/* the kernel checks the program against this member's prototype */
			ps->attach_btf_id = ms->st_ops_kern.ops_type_id;
			prog->expected_attach_type = kmember[i];
		}
	}
	free(kmember);
	if (err)
		return err;
	map->value_size = ms->st_ops_kern.value_size;
	ms->st_ops_link = (map->map_flags & BPF_F_LINK) != 0;
	em_debug("map '%s': struct_ops %s: kernel value type [%u], %u bytes, ops type [%u]",
		 map->name, so->type_name, ms->st_ops_kern.value_type_id, map->value_size,
		 ms->st_ops_kern.ops_type_id);
	return 0;
}

int em_load_structops_prepare(struct ebpfmini_object *obj)
{
	const struct ebpfmini_btf *kbtf = NULL;

	for (size_t i = 0; i < obj->model.nmaps; i++) {
		struct ebpfmini_map *map = &obj->model.maps[i];
		int err;

		if (!map->st_ops)
			continue;
		if (!kbtf) {
			err = em_btf_vmlinux_get(obj->model.btf_custom_path, &kbtf);
			if (err) {
				em_err("map '%s': struct_ops needs the kernel's BTF: %s", map->name,
				       strerror(-err));
				return err;
			}
		}
		err = prepare_map(obj, map, kbtf);
		if (err)
			return err;
	}
	return 0;
}

int em_load_structops_create(struct ebpfmini_map *map, int btf_fd,
			     struct ebpfmini_sys_map_create_opts *opts)
{
	struct em_map_state *ms = em_map_state(map);
	int fd;

	if (btf_fd < 0) {
		em_err("map '%s': a struct_ops map needs the object's BTF in the kernel, which "
		       "refused it (see above)",
		       map->name);
		return -EOPNOTSUPP;
	}
	opts->btf_fd = (uint32_t)btf_fd;
	opts->btf_key_type_id = opts->btf_value_type_id = 0;
	opts->btf_vmlinux_value_type_id = ms->st_ops_kern.value_type_id;
	fd = ebpfmini_sys_map_create(map->type, map->key_size, map->value_size, 1, opts);
	if (fd == -EINVAL && (opts->map_flags & BPF_F_LINK)) {
		/* before 6.4 the kernel takes no flags for struct_ops maps, and has no
		 * struct_ops links: the map is registered by its update instead */
		opts->map_flags &= ~BPF_F_LINK;
		fd = ebpfmini_sys_map_create(map->type, map->key_size, map->value_size, 1, opts);
		if (fd >= 0) {
			em_info("map '%s': the kernel has no struct_ops links: registered by map "
				"update instead",
				map->name);
			ms->st_ops_link = false;
		}
	}
	return fd;
}

int em_load_structops_values(struct ebpfmini_object *obj)
{
	const struct ebpfmini_btf *kbtf = NULL;
	int *fds = NULL, err = 0;

	for (size_t i = 0; i < obj->model.nmaps && !err; i++) {
		struct ebpfmini_map *map = &obj->model.maps[i];
		struct em_map_state *ms = em_map_state(map);
		const struct em_st_ops *so = map->st_ops;

		if (!so)
			continue;
		err = em_btf_vmlinux_get(obj->model.btf_custom_path, &kbtf);
		if (err)
			break;
		free(fds);
		fds = em_calloc(so->nmembers + 1u, sizeof(*fds));
		ms->st_ops_value = em_calloc(1, map->value_size ? map->value_size : 1);
		if (!fds || !ms->st_ops_value) {
			err = -ENOMEM;
			break;
		}
		for (uint16_t m = 0; m < so->nmembers; m++)
			fds[m] = so->progs[m] < 0 ? -1 :
						    em_prog_state(&obj->model.progs[so->progs[m]])->fd;
		err = em_structops_value(map, kbtf, &ms->st_ops_kern, fds, NULL, ms->st_ops_value);
	}
	free(fds);
	return err;
}
