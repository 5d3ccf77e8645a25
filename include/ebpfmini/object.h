/* ebpfmini/object.h - an eBPF object file: open, configure, load, close */
#ifndef EBPFMINI_OBJECT_H
#define EBPFMINI_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpfmini_object;
struct ebpfmini_program;
struct ebpfmini_map;
struct ebpfmini_btf;

/** Options for ebpfmini_object_open() and ebpfmini_object_open_mem(). */
struct ebpfmini_object_open_opts {
	size_t sz;            /* sizeof(struct ebpfmini_object_open_opts) */
	const char *name;     /* object name; default: file name without ".o"/".bpf.o", or "mem" */
	const char *pin_root; /* directory for maps pinned by name; default "/sys/fs/bpf" */
	const char *kconfig_path; /* kernel config to read for .kconfig externs;
				     default: /proc/config.gz, then /boot/config-$(uname -r) */
};

/**
 * ebpfmini_object_open() - parse an eBPF ELF object file; touches no kernel state.
 * @path: file compiled by clang -target bpf
 * @opts: may be NULL
 * @out:  receives the object; set to NULL on error
 *
 * Return: 0, or -EINVAL (NULL path/out, bad opts), -ENOENT/-EACCES (cannot
 * read the file), -EBADMSG (damaged ELF or BTF), -ENOEXEC (not an eBPF
 * object), -EOPNOTSUPP (a construct not supported yet), -ENOMEM.
 */
int ebpfmini_object_open(const char *path, const struct ebpfmini_object_open_opts *opts,
			 struct ebpfmini_object **out);

/**
 * ebpfmini_object_open_mem() - like ebpfmini_object_open() from a memory buffer.
 * The buffer is copied; the caller may free it after the call.
 * Return: as ebpfmini_object_open().
 */
int ebpfmini_object_open_mem(const void *data, size_t size,
			     const struct ebpfmini_object_open_opts *opts,
			     struct ebpfmini_object **out);

/**
 * ebpfmini_object_load() - create the maps and load the programs into the kernel.
 *
 * Phases: object BTF → maps (reused from pins when compatible) → global data
 * → relocations → programs. On failure every fd the load opened is closed and
 * the object can be closed (not loaded again); a failed program keeps its
 * verifier log (ebpfmini_program_log()).
 *
 * Return: 0, or -EBUSY (already loaded), -EOPNOTSUPP (CO-RE relocations or
 * another construct not supported), -EEXIST (a pinned map is incompatible),
 * or the kernel's errno (-EPERM, -EINVAL, -E2BIG, -ENOSPC, ...).
 */
int ebpfmini_object_load(struct ebpfmini_object *obj);

/** ebpfmini_object_close() - close every fd and free the object. NULL is a no-op. */
void ebpfmini_object_close(struct ebpfmini_object *obj);

/** ebpfmini_object_name() - the object's name. Never NULL. */
const char *ebpfmini_object_name(const struct ebpfmini_object *obj);
/** ebpfmini_object_license() - contents of the "license" section, or "" when absent. */
const char *ebpfmini_object_license(const struct ebpfmini_object *obj);
/** ebpfmini_object_kversion() - contents of the "version" section, or 0. */
uint32_t ebpfmini_object_kversion(const struct ebpfmini_object *obj);
/** ebpfmini_object_btf() - the object's BTF (owned by the object), or NULL when it has none. */
const struct ebpfmini_btf *ebpfmini_object_btf(const struct ebpfmini_object *obj);

/**
 * ebpfmini_object_set_pin_root() - directory for maps whose definition asks
 * for pinning by name. Return: 0, -EINVAL (NULL), -EBUSY (after load), -ENOMEM.
 */
int ebpfmini_object_set_pin_root(struct ebpfmini_object *obj, const char *dir);
/** ebpfmini_object_pin_root() - the current pin root. Never NULL. */
const char *ebpfmini_object_pin_root(const struct ebpfmini_object *obj);

/** ebpfmini_object_find_program() - program by its function name, or NULL. */
struct ebpfmini_program *ebpfmini_object_find_program(const struct ebpfmini_object *obj,
						      const char *name);
/** ebpfmini_object_find_map() - map by name (".data", ".rodata", ... for global data), or NULL. */
struct ebpfmini_map *ebpfmini_object_find_map(const struct ebpfmini_object *obj,
					      const char *name);
/** ebpfmini_object_next_program() - iterate: prev NULL gives the first; NULL after the last. */
struct ebpfmini_program *ebpfmini_object_next_program(const struct ebpfmini_object *obj,
						      const struct ebpfmini_program *prev);
/** ebpfmini_object_next_map() - iterate maps as ebpfmini_object_next_program(). */
struct ebpfmini_map *ebpfmini_object_next_map(const struct ebpfmini_object *obj,
					      const struct ebpfmini_map *prev);

/**
 * ebpfmini_object_pin_maps() - pin every map as dir/<map name>, creating dir
 * (on bpffs) as needed. Return: 0, -EBUSY (not loaded), -EINVAL, or the
 * errno of the first pin that failed (earlier pins are removed again).
 */
int ebpfmini_object_pin_maps(struct ebpfmini_object *obj, const char *dir);
/** ebpfmini_object_unpin_maps() - remove dir/<map name> for every map. Return: 0 or first error. */
int ebpfmini_object_unpin_maps(struct ebpfmini_object *obj, const char *dir);
/** ebpfmini_object_pin_programs() - pin every loaded program as dir/<prog name>. As pin_maps. */
int ebpfmini_object_pin_programs(struct ebpfmini_object *obj, const char *dir);
/** ebpfmini_object_unpin_programs() - remove dir/<prog name> for every program. */
int ebpfmini_object_unpin_programs(struct ebpfmini_object *obj, const char *dir);

#ifdef __cplusplus
}
#endif

#endif /* EBPFMINI_OBJECT_H */
