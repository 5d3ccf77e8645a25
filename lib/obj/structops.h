/* structops.h - struct_ops maps: the variables of .struct_ops and .struct_ops.link, and the map value the kernel takes (L2 obj, pure) */
#ifndef EBPFMINI_STRUCTOPS_H
#define EBPFMINI_STRUCTOPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct em_objparse;

/* ---- open (objfile.c calls these) ---------------------------------------------------- */

/* Number of struct_ops maps: the variables of the DATASECs .struct_ops and .struct_ops.link. */
int em_structops_count(const struct em_objparse *p, size_t *count);

/*
 * em_structops_build() - one map per struct_ops variable (after the other
 * maps and the programs): its image, its ops struct, and the program of each
 * function pointer member from the section's ELF relocations. Programs of type
 * struct_ops that no map names get autoload off (libbpf does the same).
 * Errors: -EBADMSG (no BTF, a variable that is not a struct, a relocation
 * that names no struct_ops program or no function pointer member), -ENOMEM.
 */
int em_structops_build(struct em_objparse *p);

/* Free a map's struct_ops part; NULL is fine. */
void em_structops_free(struct em_st_ops *st);

/* ---- load: the kernel's side -------------------------------------------------------- */

/*
 * The kernel's types for an ops struct "<name>": its map value is
 * struct bpf_struct_ops_<name>, a common header (refcount, state) and the ops
 * in member "data"; BPF_MAP_CREATE takes that type's id as
 * btf_vmlinux_value_type_id, each program is loaded with attach_btf_id the
 * id of struct <name> and expected_attach_type its member's index.
 */
struct em_st_ops_kern {
	uint32_t value_type_id; /* struct bpf_struct_ops_<name> */
	uint32_t value_size;    /* its size: the map's value_size */
	uint32_t ops_type_id;   /* struct <name> (the type of member "data") */
	uint32_t data_off;      /* byte offset of "data" inside the value */
};

/*
 * em_structops_kern_find() - the kernel types of the ops struct type_name in
 * kbtf (vmlinux BTF). Errors (logged with subject "map 'map_name'"): -ENOENT
 * (the kernel has no struct_ops of that name), -EBADMSG (a value type
 * without a struct "data" member, or with one that does not fit).
 */
int em_structops_kern_find(const struct ebpfmini_btf *kbtf, const char *map_name,
			   const char *type_name, struct em_st_ops_kern *k);

/*
 * em_structops_value() - match the map's ops struct against the kernel's,
 * member by member by name, and build the map value (k->value_size bytes)
 * in value: a program member gets member_fds[i] (the fd of the program of
 * object member i, as 8 bytes), a data member the bytes of the map's image,
 * checked to have the kernel member's size and kind. A member the kernel
 * lacks must be zero and have no program. With value NULL only checks.
 * kmember (NULL, or map->st_ops->nmembers entries) gets the kernel member
 * index of each object member (UINT32_MAX when the kernel lacks it): a
 * program's expected_attach_type.
 * Errors (logged): -EOPNOTSUPP (a non-zero member or a program the kernel
 * lacks, a bitfield member), -EBADMSG (a member whose type or size differs
 * from the kernel's, offsets outside the image or the value), -EINVAL (a
 * program member whose fd is negative, with value non-NULL).
 */
int em_structops_value(const struct ebpfmini_map *map, const struct ebpfmini_btf *kbtf,
		       const struct em_st_ops_kern *k, const int *member_fds, uint32_t *kmember,
		       void *value);

#endif /* EBPFMINI_STRUCTOPS_H */
