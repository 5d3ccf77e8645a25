/* core.h - private API of CO-RE relocation (core.c, core_match.c) (L2 core, pure) */
#ifndef EBPFMINI_CORE_H
#define EBPFMINI_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btf.h"
#include "model.h"

/* Relocation kinds newer than Debian 12's (Linux 6.1) UAPI header; value from the kernel ABI. */
#ifndef BPF_CORE_TYPE_MATCHES
#define BPF_CORE_TYPE_MATCHES 12
#endif
#define EM_CORE_KIND_MAX 12

/* Helper id written into a poisoned instruction: no helper has it, so the
 * verifier fails with "invalid func unknown#195896080" if the path is taken. */
#define EM_CORE_POISON_HELPER 0xbad2310

/* ---- CO-RE relocation (core.c, pure) ------------------------------------------- */

/*
 * em_core_relocate() - apply every CO-RE relocation of obj->btf_ext against
 * target (the kernel's BTF, or any BTF standing in for it), patching
 * obj->code[].insns in place, so that every program built from the code
 * afterwards (em_reloc_program) carries the relocated instructions. Call it
 * once per object, before em_reloc_program: patched instructions no longer
 * hold the values clang wrote, and a second pass would refuse them.
 *
 * A relocation that the target cannot satisfy (type or field missing,
 * enumerator missing for its value, a field whose new size the load cannot
 * take) poisons its instruction: it becomes a call to helper
 * EM_CORE_POISON_HELPER (both halves of an ld_imm64), logged at WARN with
 * the section, instruction and relocation, so the verifier fails only if
 * that path is reached. Existence checks give 0 instead.
 *
 * Returns the number of relocations applied (poisoned ones included) or:
 * -EINVAL (NULL obj or target; candidates that disagree), -EBADMSG (a record
 * that points outside its section, a malformed access string, an instruction
 * that is not what clang emits for the relocation, or a value that does not
 * fit it), -EOPNOTSUPP (unknown relocation kind, anonymous local type),
 * -E2BIG (a bitfield no 8-byte load can hold, access string too deep), -ENOMEM.
 * Each error is logged once with the subject "core".
 */
int em_core_relocate(struct em_model *obj, const struct ebpfmini_btf *target);

/* ---- candidate index (core_match.c, pure) ------------------------------------------ */

/*
 * Lazily built map from "essential" type names (the name without its last
 * "___flavor" suffix) to the target types of that name, of the kinds a CO-RE
 * root can have (or of the kinds given: the loader keeps a second index of
 * functions, variables and typedefs for kfuncs, ksyms and attach targets, so
 * that CO-RE alone never reads the names of the kernel's ~60,000 functions).
 * It never indexes the
 * whole target: each em_core_index_add() makes one linear pass over the
 * target's types for the names not asked before, comparing only names whose
 * first two bytes can match. It can be kept for the life of the target
 * (btf_vmlinux.c does) so later objects pay nothing for names already seen.
 * Not thread-safe: callers sharing one index serialize around it.
 */
struct em_core_index;

struct em_core_cands {
	const uint32_t *ids; /* target type ids in increasing order */
	size_t n;
};

/* The kinds a relocation's root type can have: what em_core_index_new() indexes. */
#define EM_CORE_ROOT_KINDS                                                                         \
	(1u << BTF_KIND_INT | 1u << BTF_KIND_STRUCT | 1u << BTF_KIND_UNION | 1u << BTF_KIND_ENUM |  \
	 1u << BTF_KIND_ENUM64 | 1u << BTF_KIND_FWD | 1u << BTF_KIND_TYPEDEF | 1u << BTF_KIND_FLOAT)
/* What the loader looks up by name: kfuncs and attach functions, ksym variables, btf_trace_ typedefs. */
#define EM_CORE_SYMBOL_KINDS (1u << BTF_KIND_FUNC | 1u << BTF_KIND_VAR | 1u << BTF_KIND_TYPEDEF)

int em_core_index_new(const struct ebpfmini_btf *target, struct em_core_index **out);
/* An index of the types of the kinds in the mask (bit k for BTF kind k); -EINVAL for 0. */
int em_core_index_new_kinds(const struct ebpfmini_btf *target, uint32_t kinds,
			    struct em_core_index **out);
void em_core_index_free(struct em_core_index *idx);
const struct ebpfmini_btf *em_core_index_target(const struct em_core_index *idx);
/* Learn the candidates for n essential names (name[i], len[i] bytes, no NUL
 * needed) that the index does not know yet. Errors: -EINVAL, -ENOMEM. */
int em_core_index_add(struct em_core_index *idx, const char *const *name, const size_t *len,
		      size_t n);
/* Candidates for an essential name added before; NULL when never added. */
const struct em_core_cands *em_core_index_get(const struct em_core_index *idx, const char *name,
					      size_t len);

/* Like em_core_relocate() with a caller-kept index over target (NULL: a temporary one). */
int em_core_relocate_index(struct em_model *obj, const struct ebpfmini_btf *target,
			   struct em_core_index *idx);

/* ---- matching (core_match.c, pure) ---------------------------------------------------- */

/* Length of name without its last "___flavor" suffix (e.g. "task_struct___v1" -> 11). */
size_t em_core_essential_len(const char *name);

#define EM_CORE_SPEC_MAX 64

/* One meaningful step of an access: the root, a named member, an array index,
 * or (enum relocations) an enumerator. */
struct em_core_acc {
	uint32_t type_id; /* root/element type, or the struct/union or enum holding the name */
	uint32_t idx;     /* member, element or enumerator index */
	const char *name; /* member or enumerator name; NULL for indexes */
};

/* An access path resolved in one BTF: the steps and the resulting bit offset. */
struct em_core_spec {
	const struct ebpfmini_btf *btf;
	uint32_t root_id;
	uint32_t kind; /* enum bpf_core_relo_kind */
	struct em_core_acc acc[EM_CORE_SPEC_MAX];
	uint32_t len;
	uint32_t raw[EM_CORE_SPEC_MAX]; /* every step, anonymous members included */
	uint32_t raw_len;
	uint64_t bit_off;
};

enum em_core_relo_class {
	EM_CORE_FIELD,
	EM_CORE_TYPE,
	EM_CORE_ENUMVAL,
};
enum em_core_relo_class em_core_relo_class(uint32_t kind);
const char *em_core_kind_name(uint32_t kind);

/* Match a local spec against candidate target type targ_id; fill *targ.
 * Returns 1 (matches), 0 (does not), < 0 (malformed BTF: -EBADMSG, -E2BIG). */
int em_core_spec_match(const struct em_core_spec *local, const struct ebpfmini_btf *targ_btf,
		       uint32_t targ_id, struct em_core_spec *targ);
/* The kernel's loose type compatibility (TYPE_ID_TARGET, TYPE_EXISTS, TYPE_SIZE):
 * 1, 0 or -EBADMSG/-ELOOP. */
int em_core_types_compat(const struct ebpfmini_btf *lb, uint32_t lid, const struct ebpfmini_btf *tb,
			 uint32_t tid);
/* The stricter TYPE_MATCHES relation: 1, 0 or -EBADMSG/-ELOOP. */
int em_core_types_match(const struct ebpfmini_btf *lb, uint32_t lid, const struct ebpfmini_btf *tb,
			uint32_t tid);
/* Candidate kinds: equal, or ENUM and ENUM64. */
bool em_core_kinds_compat(const struct btf_type *a, const struct btf_type *b);

#endif /* EBPFMINI_CORE_H */
