/* map.c - one map of an object: getters/setters, pinned-map reuse, global data, element operations (L4 object) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpfmini/map.h"
#include "ebpfmini/sys.h"
#include "internal.h"
#include "kernel.h"
#include "objapi.h"
#include "sys.h"

/* map types newer than the 6.1 UAPI headers the build may use */
#define EM_MAP_TYPE_CGRP_STORAGE 32

static bool is_loaded(const struct ebpfmini_map *map)
{
	return map && em_map_state(map)->fd >= 0;
}

static bool is_percpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

/* Map types whose elements have no key (push/pop or membership). */
static bool is_keyless(uint32_t type)
{
	return type == BPF_MAP_TYPE_QUEUE || type == BPF_MAP_TYPE_STACK ||
	       type == BPF_MAP_TYPE_BLOOM_FILTER;
}

/* Map types created with max_entries 0 (storage maps; perf event arrays default to the CPU count). */
static bool zero_entries_ok(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERF_EVENT_ARRAY || type == BPF_MAP_TYPE_SK_STORAGE ||
	       type == BPF_MAP_TYPE_INODE_STORAGE || type == BPF_MAP_TYPE_TASK_STORAGE ||
	       type == EM_MAP_TYPE_CGRP_STORAGE || type == BPF_MAP_TYPE_CGROUP_STORAGE ||
	       type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

int em_map_info(int fd, struct bpf_map_info *info)
{
	uint32_t len = sizeof(*info);

	int err;

	memset(info, 0, sizeof(*info));
	err = ebpfmini_sys_obj_get_info(fd, info, &len);
	return err < 0 ? err : 0;
}

/* map_flags as the kernel reports them for a map created with flags: it adds
 * BPF_F_RDONLY_PROG to every devmap and devmap hash (dev_map_init_map), so a devmap
 * pinned by this very definition would otherwise never compare equal. */
static uint32_t flags_as_reported(uint32_t type, uint32_t flags)
{
	if (type == BPF_MAP_TYPE_DEVMAP || type == BPF_MAP_TYPE_DEVMAP_HASH)
		flags |= BPF_F_RDONLY_PROG;
	return flags;
}

/* Name of the first definition field in which a pinned map differs, with both values. */
static bool pinned_differs(const struct ebpfmini_map *map, uint32_t max_entries,
			   const struct bpf_map_info *info, char *what, size_t size)
{
	const struct {
		const char *field;
		uint32_t pinned, ours;
		const char *fmt;
	} fields[] = {
		{ "key_size", info->key_size, map->key_size, "%s %u != %u" },
		{ "value_size", info->value_size, map->value_size, "%s %u != %u" },
		{ "max_entries", info->max_entries, max_entries, "%s %u != %u" },
		{ "map_flags", info->map_flags, flags_as_reported(map->type, map->map_flags),
		  "%s 0x%x != 0x%x" },
	};

	if (info->type != map->type) {
		const char *a = ebpfmini_sys_map_type_name(info->type);
		const char *b = ebpfmini_sys_map_type_name(map->type);

		if (a && b)
			snprintf(what, size, "type %s != %s", a, b);
		else
			snprintf(what, size, "type %u != %u", info->type, map->type);
		return true;
	}
	for (size_t i = 0; i < EM_ARRAY_SIZE(fields); i++) {
		if (fields[i].pinned != fields[i].ours) {
			snprintf(what, size, fields[i].fmt, fields[i].field, fields[i].pinned,
				 fields[i].ours);
			return true;
		}
	}
	return false;
}

int em_map_reuse_pinned(struct ebpfmini_map *map, uint32_t max_entries)
{
	struct em_map_state *ms = em_map_state(map);
	struct bpf_map_info info;
	char what[160];
	int fd, err;

	fd = ebpfmini_sys_obj_get(map->pin_path, 0);
	if (fd == -ENOENT)
		return 0; /* nothing pinned yet: create and pin */
	if (fd < 0) {
		em_err("map '%s': open the map pinned at %s: %s", map->name, map->pin_path,
		       strerror(-fd));
		return fd;
	}
	err = em_map_info(fd, &info);
	if (err < 0) {
		em_err("map '%s': pinned map at %s: BPF_OBJ_GET_INFO_BY_FD: %s", map->name,
		       map->pin_path, strerror(-err));
		em_sys_close(fd);
		return err;
	}
	if (pinned_differs(map, max_entries, &info, what, sizeof(what))) {
		em_err("map '%s': pinned map at %s is incompatible: %s (pinned != definition)",
		       map->name, map->pin_path, what);
		em_sys_close(fd);
		return -EEXIST;
	}
	ms->fd = fd;
	ms->reused = true;
	em_info("map '%s': reusing the map pinned at %s (fd %d)", map->name, map->pin_path, fd);
	return 0;
}

/* ---- definition -------------------------------------------------------------- */

EM_EXPORT const char *ebpfmini_map_name(const struct ebpfmini_map *map)
{
	return map->name;
}

EM_EXPORT int ebpfmini_map_fd(const struct ebpfmini_map *map)
{
	return is_loaded(map) ? em_map_state(map)->fd : -EBUSY;
}

EM_EXPORT uint32_t ebpfmini_map_type(const struct ebpfmini_map *map)
{
	return map->type;
}

EM_EXPORT uint32_t ebpfmini_map_key_size(const struct ebpfmini_map *map)
{
	return map->key_size;
}

EM_EXPORT uint32_t ebpfmini_map_value_size(const struct ebpfmini_map *map)
{
	return map->value_size;
}

EM_EXPORT uint32_t ebpfmini_map_max_entries(const struct ebpfmini_map *map)
{
	return map->max_entries;
}

EM_EXPORT uint32_t ebpfmini_map_flags(const struct ebpfmini_map *map)
{
	return map->map_flags;
}

EM_EXPORT bool ebpfmini_map_is_global_data(const struct ebpfmini_map *map)
{
	return em_map_is_data(map);
}

EM_EXPORT uint32_t ebpfmini_map_id(const struct ebpfmini_map *map)
{
	struct bpf_map_info info;

	if (!is_loaded(map) || em_map_info(em_map_state(map)->fd, &info) < 0)
		return 0;
	return info.id;
}

EM_EXPORT int ebpfmini_map_value_buf_size(const struct ebpfmini_map *map)
{
	size_t size;
	int ncpus;

	if (!map)
		return -EINVAL;
	if (!is_percpu(map->type))
		return map->value_size > INT32_MAX ? -E2BIG : (int)map->value_size;
	ncpus = em_cpus_possible();
	if (ncpus < 0)
		return ncpus;
	size = ((size_t)map->value_size + 7) / 8 * 8 * (size_t)ncpus;
	return size > INT32_MAX ? -E2BIG : (int)size;
}

static int check_settable(const struct ebpfmini_map *map)
{
	if (!map)
		return -EINVAL;
	return em_object_of(map->obj)->load_attempted ? -EBUSY : 0;
}

EM_EXPORT int ebpfmini_map_set_type(struct ebpfmini_map *map, uint32_t type)
{
	int err = check_settable(map);

	if (err)
		return err;
	if (map->kind != EM_MAP_USER)
		return -EINVAL; /* global data is a one-element array the programs address directly */
	map->type = type;
	return 0;
}

EM_EXPORT int ebpfmini_map_set_max_entries(struct ebpfmini_map *map, uint32_t max_entries)
{
	int err = check_settable(map);

	if (err)
		return err;
	if (map->kind != EM_MAP_USER || (max_entries == 0 && !zero_entries_ok(map->type)))
		return -EINVAL;
	map->max_entries = max_entries;
	return 0;
}

EM_EXPORT int ebpfmini_map_set_flags(struct ebpfmini_map *map, uint32_t flags)
{
	int err = check_settable(map);

	if (err)
		return err;
	map->map_flags = flags;
	return 0;
}

EM_EXPORT const char *ebpfmini_map_pin_path(const struct ebpfmini_map *map)
{
	return map->pin_path;
}

EM_EXPORT int ebpfmini_map_set_pin_path(struct ebpfmini_map *map, const char *path)
{
	char *copy = NULL;
	int err = check_settable(map);

	if (err)
		return err;
	if (path) {
		if (!*path)
			return -EINVAL;
		copy = strdup(path);
		if (!copy)
			return -ENOMEM;
	}
	free(map->pin_path);
	map->pin_path = copy;
	if (!path)
		map->pinning = EM_PIN_NONE;
	return 0;
}

/* ---- global data ------------------------------------------------------------- */

EM_EXPORT void *ebpfmini_map_data(const struct ebpfmini_map *map, size_t *size)
{
	if (!map || map->kind == EM_MAP_USER)
		return NULL;
	if (em_map_state(map)->mmaped) {
		if (size)
			*size = map->value_size;
		return em_map_state(map)->mmaped;
	}
	if (em_object_of(map->obj)->loaded)
		return NULL; /* loaded but not mappable (BPF_F_MMAPABLE cleared) */
	if (size)
		*size = map->data_size;
	return map->data;
}

EM_EXPORT int ebpfmini_map_set_data(struct ebpfmini_map *map, const void *data, size_t size)
{
	int err = check_settable(map);

	if (err)
		return err;
	if (map->kind == EM_MAP_USER || !map->data || !data || size != map->data_size)
		return -EINVAL;
	memcpy(map->data, data, size);
	return 0;
}

/* ---- elements ------------------------------------------------------------------ */

/* A loaded map, and a key exactly when the map type has keys. */
static int check_elem(const struct ebpfmini_map *map, const void *key, bool key_optional)
{
	if (!map)
		return -EINVAL;
	if (!is_loaded(map))
		return -EBUSY;
	if (is_keyless(map->type) ? key != NULL : (!key && !key_optional))
		return -EINVAL;
	return 0;
}

EM_EXPORT int ebpfmini_map_lookup(const struct ebpfmini_map *map, const void *key, void *value,
				  uint64_t flags)
{
	int err = check_elem(map, key, false);

	if (err)
		return err;
	if (!value)
		return -EINVAL;
	return ebpfmini_sys_map_lookup(em_map_state(map)->fd, key, value, flags);
}

EM_EXPORT int ebpfmini_map_update(const struct ebpfmini_map *map, const void *key,
				  const void *value, uint64_t flags)
{
	int err = check_elem(map, key, false);

	if (err)
		return err;
	if (!value)
		return -EINVAL;
	return ebpfmini_sys_map_update(em_map_state(map)->fd, key, value, flags);
}

EM_EXPORT int ebpfmini_num_possible_cpus(void)
{
	return em_cpus_possible();
}

/*
 * A per-CPU element between the kernel's layout (each CPU's value rounded up
 * to 8 bytes) and the caller's array of one value per possible CPU: lookup
 * (out set) copies the kernel's into values, update the other way.
 */
static int percpu_elem(const struct ebpfmini_map *map, const void *key, void *values, size_t size,
		       uint64_t flags, bool out)
{
	int ncpus = ebpfmini_num_possible_cpus(), err;
	size_t stride, vs;
	uint8_t *buf;

	if (ncpus < 0)
		return ncpus;
	if (!map || !values || !is_percpu(map->type) ||
	    size < (size_t)map->value_size * (size_t)ncpus)
		return -EINVAL;
	vs = map->value_size;
	stride = (vs + 7) / 8 * 8;
	buf = stride == vs ? values : em_calloc((size_t)ncpus, stride);
	if (!buf)
		return -ENOMEM;
	for (int c = 0; !out && buf != values && c < ncpus; c++)
		memcpy(buf + (size_t)c * stride, (const uint8_t *)values + (size_t)c * vs, vs);
	err = out ? ebpfmini_map_lookup(map, key, buf, flags) :
		    ebpfmini_map_update(map, key, buf, flags);
	for (int c = 0; !err && out && buf != values && c < ncpus; c++)
		memcpy((uint8_t *)values + (size_t)c * vs, buf + (size_t)c * stride, vs);
	if (buf != values)
		free(buf);
	return err ? err : ncpus;
}

EM_EXPORT int ebpfmini_map_lookup_percpu(const struct ebpfmini_map *map, const void *key,
					 void *values, size_t size, uint64_t flags)
{
	return percpu_elem(map, key, values, size, flags, true);
}

EM_EXPORT int ebpfmini_map_update_percpu(const struct ebpfmini_map *map, const void *key,
					 const void *values, size_t size, uint64_t flags)
{
	return percpu_elem(map, key, (void *)values, size, flags, false);
}

EM_EXPORT int ebpfmini_map_delete(const struct ebpfmini_map *map, const void *key)
{
	int err = check_elem(map, key, false);

	if (err)
		return err;
	return ebpfmini_sys_map_delete(em_map_state(map)->fd, key, 0);
}

EM_EXPORT int ebpfmini_map_next_key(const struct ebpfmini_map *map, const void *key, void *next_key)
{
	int err = check_elem(map, key, true);

	if (err)
		return err;
	if (!next_key)
		return -EINVAL;
	return ebpfmini_sys_map_next_key(em_map_state(map)->fd, key, next_key);
}

EM_EXPORT int ebpfmini_map_lookup_and_delete(const struct ebpfmini_map *map, const void *key,
					     void *value, uint64_t flags)
{
	int err = check_elem(map, key, false);

	if (err)
		return err;
	if (!value)
		return -EINVAL;
	return ebpfmini_sys_map_lookup_and_delete(em_map_state(map)->fd, key, value, flags);
}

EM_EXPORT int ebpfmini_map_freeze(const struct ebpfmini_map *map)
{
	if (!map)
		return -EINVAL;
	if (!is_loaded(map))
		return -EBUSY;
	return ebpfmini_sys_map_freeze(em_map_state(map)->fd);
}

/* ---- pinning --------------------------------------------------------------------- */

EM_EXPORT int ebpfmini_map_pin(struct ebpfmini_map *map, const char *path)
{
	int err;

	if (!map)
		return -EINVAL;
	if (!is_loaded(map))
		return -EBUSY;
	if (!path)
		path = map->pin_path;
	if (!path)
		return -EINVAL;
	err = em_pin_fd(em_map_state(map)->fd, path);
	if (err)
		return err;
	if (path != map->pin_path) {
		char *copy = strdup(path);

		if (copy) {
			free(map->pin_path);
			map->pin_path = copy;
		}
	}
	return 0;
}

EM_EXPORT int ebpfmini_map_unpin(struct ebpfmini_map *map, const char *path)
{
	if (!map)
		return -EINVAL;
	if (!path)
		path = map->pin_path;
	if (!path)
		return -EINVAL;
	return em_pin_remove(path);
}

/* ---- look-up by name (object.c and load.c use it) ---------------------------------- */

EM_EXPORT struct ebpfmini_map *ebpfmini_object_find_map(const struct ebpfmini_object *obj,
							const char *name)
{
	if (!obj || !name)
		return NULL;
	for (size_t i = 0; i < obj->model.nmaps; i++)
		if (strcmp(obj->model.maps[i].name, name) == 0)
			return &obj->model.maps[i];
	return NULL;
}
