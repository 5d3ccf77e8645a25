/* ebpfmini/map.h - one map of an object (or global data section) */
#ifndef EBPFMINI_MAP_H
#define EBPFMINI_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpfmini_object;
struct ebpfmini_map;

/** ebpfmini_map_name() - map name (".data", ".rodata", ".bss", ".data.x" for global data). */
const char *ebpfmini_map_name(const struct ebpfmini_map *map);
/** ebpfmini_map_fd() - the map fd: >= 3 after load, -EBUSY before. */
int ebpfmini_map_fd(const struct ebpfmini_map *map);
/** ebpfmini_map_type() - enum bpf_map_type. */
uint32_t ebpfmini_map_type(const struct ebpfmini_map *map);
/** ebpfmini_map_key_size() - key size in bytes. */
uint32_t ebpfmini_map_key_size(const struct ebpfmini_map *map);
/** ebpfmini_map_value_size() - value size in bytes (one CPU's share for per-CPU maps). */
uint32_t ebpfmini_map_value_size(const struct ebpfmini_map *map);
/** ebpfmini_map_max_entries() - capacity. */
uint32_t ebpfmini_map_max_entries(const struct ebpfmini_map *map);
/** ebpfmini_map_flags() - BPF_F_* map_flags. */
uint32_t ebpfmini_map_flags(const struct ebpfmini_map *map);
/** ebpfmini_map_is_global_data() - true for maps made from .data/.rodata/.bss/.kconfig. */
bool ebpfmini_map_is_global_data(const struct ebpfmini_map *map);
/** ebpfmini_map_id() - kernel id after load (OBJ_GET_INFO_BY_FD), or 0. */
uint32_t ebpfmini_map_id(const struct ebpfmini_map *map);
/**
 * ebpfmini_map_value_buf_size() - bytes a value buffer of the element
 * operations must hold: value_size, or for per-CPU maps value_size rounded up
 * to 8 times the number of possible CPUs (/sys/devices/system/cpu/possible).
 * Return: the size, or -EINVAL (NULL map), -E2BIG, or the errno of reading
 * the CPU list.
 */
int ebpfmini_map_value_buf_size(const struct ebpfmini_map *map);

/** ebpfmini_map_set_type() - change the map type before load.
 *  Return: 0, -EINVAL (NULL, or a global data map), -EBUSY after load. */
int ebpfmini_map_set_type(struct ebpfmini_map *map, uint32_t type);
/** ebpfmini_map_set_max_entries() - change the capacity before load.
 *  Return: 0, -EINVAL (NULL, a global data map, or 0 for a type that needs
 *  entries: 0 is for storage maps and perf event arrays), -EBUSY after load. */
int ebpfmini_map_set_max_entries(struct ebpfmini_map *map, uint32_t max_entries);
/** ebpfmini_map_set_flags() - replace map_flags before load (for global data,
 *  clearing BPF_F_MMAPABLE means no mapping after load).
 *  Return: 0, -EINVAL (NULL), -EBUSY after load. */
int ebpfmini_map_set_flags(struct ebpfmini_map *map, uint32_t flags);
/** ebpfmini_map_pin_path() - where the map is (to be) pinned, or NULL: set by
 *  ebpfmini_map_set_pin_path(), derived as <pin root>/<name> for pinning by
 *  name, or the path of the last ebpfmini_map_pin(). */
const char *ebpfmini_map_pin_path(const struct ebpfmini_map *map);
/**
 * ebpfmini_map_set_pin_path() - pin at path during load, reusing a compatible
 * map already pinned there (same type, key_size, value_size, max_entries,
 * map_flags; otherwise load fails with -EEXIST). NULL clears, which also
 * turns off pinning by name. Return: 0, -EINVAL (NULL map, empty path),
 * -EBUSY after load, -ENOMEM.
 */
int ebpfmini_map_set_pin_path(struct ebpfmini_map *map, const char *path);

/**
 * ebpfmini_map_data() - the contents of a global data map: before load the
 * initial image (writable, copied into the map at load), after load the
 * kernel's memory mapped into this process (read-only for .rodata, which is
 * frozen; writing it faults). NULL for other maps, and after load for a
 * global data map whose BPF_F_MMAPABLE flag was cleared. *size (if not NULL)
 * receives the size.
 */
void *ebpfmini_map_data(const struct ebpfmini_map *map, size_t *size);
/**
 * ebpfmini_map_set_data() - replace the initial image of a global data map
 * before load (the same as writing through ebpfmini_map_data()).
 * Return: 0, -EINVAL (NULL, not global data, or size differs), -EBUSY after load.
 */
int ebpfmini_map_set_data(struct ebpfmini_map *map, const void *data, size_t size);

/*
 * Element operations on a loaded map. Sizes come from the map definition:
 * key is key_size bytes, value value_size bytes; for per-CPU maps value holds
 * one slot per possible CPU, each rounded up to 8 bytes
 * (ebpfmini_map_value_buf_size()). Queue, stack and bloom filter maps take
 * key NULL (update pushes or adds, lookup peeks or tests membership,
 * lookup_and_delete pops). Return: 0, -EBUSY (not loaded), -EINVAL (NULL map
 * or value, a key where the type has none or none where it has one), or the
 * kernel's errno (-ENOENT: no such element, -E2BIG: map full, -EEXIST with
 * BPF_NOEXIST).
 */
/** ebpfmini_map_lookup() - copy the value for key (flags: BPF_F_LOCK or 0). */
int ebpfmini_map_lookup(const struct ebpfmini_map *map, const void *key, void *value,
			uint64_t flags);
/** ebpfmini_map_update() - set key to value (flags: BPF_ANY, BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK). */
int ebpfmini_map_update(const struct ebpfmini_map *map, const void *key, const void *value,
			uint64_t flags);
/** ebpfmini_map_delete() - remove key. */
int ebpfmini_map_delete(const struct ebpfmini_map *map, const void *key);
/** ebpfmini_map_next_key() - key after key (NULL: first key); -ENOENT after the last. */
int ebpfmini_map_next_key(const struct ebpfmini_map *map, const void *key, void *next_key);
/** ebpfmini_map_lookup_and_delete() - copy and remove (pop for queue/stack). */
int ebpfmini_map_lookup_and_delete(const struct ebpfmini_map *map, const void *key, void *value,
				   uint64_t flags);
/** ebpfmini_num_possible_cpus() - the number of possible CPUs as per-CPU maps count
 *  them (the highest CPU of /sys/devices/system/cpu/possible + 1), read once.
 *  Return: the number, or -EBADMSG (a list it cannot read) or the errno of reading it. */
int ebpfmini_num_possible_cpus(void);
/**
 * ebpfmini_map_lookup_percpu() - the value of key on every possible CPU, as an
 * array of value_size-byte values, one per CPU in CPU order (values holds at
 * least size >= value_size * ebpfmini_num_possible_cpus() bytes); the library
 * converts from the kernel's layout, where each CPU's value is rounded up to 8
 * bytes. Return: the number of CPUs (values written), -EINVAL (NULL map or
 * values, not a per-CPU map, size too small), -ENOMEM, or as
 * ebpfmini_map_lookup().
 */
int ebpfmini_map_lookup_percpu(const struct ebpfmini_map *map, const void *key, void *values,
			       size_t size, uint64_t flags);
/** ebpfmini_map_update_percpu() - set key to one value per possible CPU, given as
 *  ebpfmini_map_lookup_percpu() returns them. Return: the number of CPUs, or as
 *  ebpfmini_map_lookup_percpu() and ebpfmini_map_update(). */
int ebpfmini_map_update_percpu(const struct ebpfmini_map *map, const void *key,
			       const void *values, size_t size, uint64_t flags);
/** ebpfmini_map_freeze() - make the map read-only for user space (BPF_MAP_FREEZE).
 *  Return: 0, -EINVAL, -EBUSY (not loaded), or the kernel's errno. */
int ebpfmini_map_freeze(const struct ebpfmini_map *map);

/** ebpfmini_map_pin() - pin the loaded map at path (bpffs, parents created;
 *  NULL: the map's pin path), which becomes its pin path.
 *  Return: as ebpfmini_program_pin(). */
int ebpfmini_map_pin(struct ebpfmini_map *map, const char *path);
/** ebpfmini_map_unpin() - remove the pin at path (NULL: the map's pin path).
 *  Return: 0, -EINVAL (NULL map, or no path at all), -ENODEV (path not on
 *  bpffs: nothing removed), or -errno of unlink. */
int ebpfmini_map_unpin(struct ebpfmini_map *map, const char *path);

/*
 * Maps already in the kernel (created by another process, pinned, found by id)
 * as handles that every map function above takes (element operations,
 * iteration, pin, info; ebpfmini_map_fd() for the batch commands of sys.h).
 * Such a handle belongs to no object of the caller's: free it with
 * ebpfmini_map_close().
 */
/**
 * ebpfmini_map_open_id() - open the map with kernel id id (BPF_MAP_GET_FD_BY_ID);
 * its name, type and sizes come from the kernel.
 * Return: 0, -EINVAL (NULL out, or the id is not a map), -ENOENT (no such
 * map), -EPERM (needs CAP_SYS_ADMIN), -ENOMEM, or the kernel's errno. Logged.
 */
int ebpfmini_map_open_id(uint32_t id, struct ebpfmini_map **out);
/**
 * ebpfmini_map_open_pinned() - open the map pinned at path (BPF_OBJ_GET), which
 * becomes its pin path.
 * Return: 0, -EINVAL (NULL path or out, or what is pinned there is not a map),
 * -ENOENT (nothing pinned there), -ENOMEM, or the kernel's errno. Logged.
 */
int ebpfmini_map_open_pinned(const char *path, struct ebpfmini_map **out);
/** ebpfmini_map_close() - close a map from ebpfmini_map_open_id() or _open_pinned()
 *  (its fd, once) and free it. NULL, and a map of an object (freed with the
 *  object), are no-ops. */
void ebpfmini_map_close(struct ebpfmini_map *map);

/** What the kernel says about a loaded map: ebpfmini_map_info(). */
struct ebpfmini_map_info {
	size_t sz;              /* sizeof(struct ebpfmini_map_info), set by the caller */
	char name[16];          /* the kernel's name (BPF_OBJ_NAME_LEN) */
	uint32_t type;          /* enum bpf_map_type */
	uint32_t id;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t flags;         /* map_flags */
	uint32_t btf_id;        /* the map's BTF object, 0 without */
	uint32_t btf_key_type_id;
	uint32_t btf_value_type_id;
	uint64_t map_extra;
};
/**
 * ebpfmini_map_info() - fill info (up to info->sz bytes) from BPF_OBJ_GET_INFO_BY_FD.
 * Return: 0, -EINVAL (NULL map or info, info->sz too small), -EBUSY (not
 * loaded), or the kernel's errno.
 */
int ebpfmini_map_info(const struct ebpfmini_map *map, struct ebpfmini_map_info *info);

#ifdef __cplusplus
}
#endif

#endif /* EBPFMINI_MAP_H */
