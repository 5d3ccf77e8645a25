/* ebpfmini/var.h - one global variable of an object (.data, .rodata, .bss, .kconfig) by name */
#ifndef EBPFMINI_VAR_H
#define EBPFMINI_VAR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpfmini_object;
struct ebpfmini_map;
struct ebpfmini_var;

/**
 * ebpfmini_object_find_var() - the global variable called name, from the BTF
 * DATASEC of a global data section (.data, .rodata, .bss, .kconfig, and
 * custom .data.* / .rodata.* sections), or NULL (no such variable, no BTF,
 * NULL arguments). The handle is owned by the object and valid until it is
 * closed. A static variable is found too; a name used in two sections gives
 * the first in map order.
 */
struct ebpfmini_var *ebpfmini_object_find_var(const struct ebpfmini_object *obj,
					      const char *name);
/** ebpfmini_object_next_var() - iterate the variables in section order, then
 *  offset order: prev NULL gives the first; NULL after the last. */
struct ebpfmini_var *ebpfmini_object_next_var(const struct ebpfmini_object *obj,
					      const struct ebpfmini_var *prev);

/** ebpfmini_var_name() - the variable's name. Never NULL. */
const char *ebpfmini_var_name(const struct ebpfmini_var *var);
/** ebpfmini_var_section() - its section (".rodata", ".bss", ".data.x", ...), which is
 *  also the name of its map. Never NULL. */
const char *ebpfmini_var_section(const struct ebpfmini_var *var);
/** ebpfmini_var_map() - the global data map that holds it. Never NULL. */
struct ebpfmini_map *ebpfmini_var_map(const struct ebpfmini_var *var);
/** ebpfmini_var_offset() - byte offset inside the section (the DATASEC entry's). */
uint32_t ebpfmini_var_offset(const struct ebpfmini_var *var);
/** ebpfmini_var_size() - size in bytes (the DATASEC entry's). */
uint32_t ebpfmini_var_size(const struct ebpfmini_var *var);
/** ebpfmini_var_type_id() - BTF id of the variable's type (what its VAR points to, with
 *  its modifiers) in ebpfmini_object_btf(). */
uint32_t ebpfmini_var_type_id(const struct ebpfmini_var *var);

/**
 * ebpfmini_var_read() - copy the variable's value (size bytes, exactly its
 * size) into buf: before load from the initial image, after load from the
 * map mapped into this process (what the BPF programs see now).
 * Return: 0, -EINVAL (NULL var or buf, size differs), -EBUSY (the load
 * failed), -EOPNOTSUPP (loaded, but the map is not mapped: BPF_F_MMAPABLE
 * was cleared).
 */
int ebpfmini_var_read(const struct ebpfmini_var *var, void *buf, size_t size);
/**
 * ebpfmini_var_write() - set the variable to size bytes (exactly its size)
 * at buf: before load in the initial image the load copies in, after load
 * through the mapping, which the BPF programs see at once.
 * Return: 0, -EINVAL (NULL var or buf, size differs), -EPERM (.rodata or
 * .rodata.* after load, which the kernel froze; .kconfig at any time, which
 * load fills from the kernel: logged), -EBUSY (the load failed), -EOPNOTSUPP
 * (loaded, but the map is not mapped).
 */
int ebpfmini_var_write(struct ebpfmini_var *var, const void *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* EBPFMINI_VAR_H */
