/* attach_struct_ops.c - registering a struct_ops map with its subsystem: by struct_ops link, or by map update (L4 link) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpfmini/sys.h"
#include "internal.h"
#include "link.h"
#include "objapi.h"
#include "sys.h"
#include "uapi_compat.h" /* BPF_STRUCT_OPS */

/*
 * A map registered by its update has no kernel link: it stays registered
 * until its element is deleted. The link keeps a duplicate of the map fd in
 * priv (the object may be closed first) and deletes the element on detach or
 * close.
 */
static void unregister(struct ebpfmini_link *link)
{
	int fd = (int)(intptr_t)link->priv - 1, err;
	uint32_t zero = 0;

	if (fd < 0)
		return;
	err = ebpfmini_sys_map_delete(fd, &zero, 0);
	/* -ENOENT: not registered any more */
	if (err < 0 && err != -ENOENT)
		em_warn("link: unregister %s: %s", ebpfmini_link_target(link), strerror(-err));
	em_sys_close(fd);
	link->priv = NULL;
}

EM_EXPORT int ebpfmini_map_attach_struct_ops(struct ebpfmini_map *map, struct ebpfmini_link **out)
{
	struct em_map_state *ms;
	char target[160];
	uint32_t zero = 0;
	int fd, err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!map)
		return -EINVAL;
	if (!map->st_ops) {
		em_err("map '%s': attach struct_ops: not a struct_ops map (SEC(\".struct_ops\") or "
		       "SEC(\".struct_ops.link\"))",
		       map->name);
		return -EINVAL;
	}
	ms = em_map_state(map);
	if (ms->fd < 0 || !ms->st_ops_value) {
		em_err("map '%s': attach struct_ops: the map is not loaded", map->name);
		return -EBUSY;
	}
	snprintf(target, sizeof(target), "struct_ops %s '%s'", map->st_ops->type_name, map->name);
	/* the value: programs by fd, data members; without a link this registers */
	err = ebpfmini_sys_map_update(ms->fd, &zero, ms->st_ops_value, 0);
	/* -EBUSY on a link map: its value was set by an earlier attach, which is fine */
	if (err < 0 && !(ms->st_ops_link && err == -EBUSY)) {
		em_err("map '%s': register %s: BPF_MAP_UPDATE_ELEM: %s%s", map->name, target,
		       strerror(-err),
		       err == -EBUSY ? " (registered already, or registered once before: the "
				       "kernel takes the value of a struct_ops map without link once; "
				       "close that link, or load the object again)" :
		       err == -EEXIST ? " (the subsystem has one of that name already)" : "");
		return err;
	}
	if (ms->st_ops_link) {
		fd = ebpfmini_sys_link_create(ms->fd, 0, BPF_STRUCT_OPS, NULL);
		if (fd < 0) {
			em_err("map '%s': register %s: BPF_LINK_CREATE: %s%s", map->name, target,
			       strerror(-fd),
			       fd == -EEXIST ? " (the subsystem has one of that name already)" : "");
			return fd;
		}
		return em_link_new(EM_LINK_BPF, fd, -1, target, out);
	}
	fd = em_sys_dup(ms->fd);
	if (fd >= 0) {
		err = em_link_new(EM_LINK_BPF, -1, -1, target, out);
		if (!err) {
			(*out)->release = unregister;
			(*out)->priv = (void *)(intptr_t)(fd + 1);
			return 0;
		}
		em_sys_close(fd);
	} else {
		err = fd;
	}
	ebpfmini_sys_map_delete(ms->fd, &zero, 0);
	return err;
}
