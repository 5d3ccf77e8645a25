/* core.h - private API of CO-RE relocation (core.c, core_match.c) (L2 core, pure) */
#ifndef EBPFMINI_CORE_H
#define EBPFMINI_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btf.h"
#include "ebpfmini/log.h"
#include "model.h"

/* Relocation kinds newer than Debian 12's (Linux 6.1) UAPI header; value from the kernel ABI. */
#ifndef BPF_CORE_TYPE_MATCHES
#define BPF_CORE_TYPE_MATCHES 12
#endif
#define EM_CORE_KIND_MAX 12

/* Helper id written into a poisoned instruction: no helper has it, so the
 * verifier fails with "invalid func unknown#195896080" if the path is taken. */
#define EM_CORE_POISON_HELPER 0xbad2310

/* ---- CO-RE as calc, then patch (core.c, core_fixup.c: pure) -------------------------- */

/*
 * CO-RE runs in two steps. em_core_calc() reads the object's BTF, its
 * .BTF.ext CO-RE records and its code (read only) against a target BTF (the
 * kernel's, or any BTF standing in for it) and returns the fixups: for each
 * record, which instruction changes, how and why. em_core_patch() writes a
 * fixup list into the code. The list stays readable afterwards
 * (em_core_fixup_format()), so that a load can report what CO-RE did.
 */

struct em_core_index; /* candidates by name (below) */

/* What the object's CO-RE relocation needs: BTF, records, code (read only). */
struct em_core_input {
	const struct ebpfmini_btf *btf;      /* the object's BTF: the local types */
	const struct em_btf_ext_info *relos; /* its .BTF.ext CO-RE records, or NULL */
	const struct em_code_sec *code;      /* its code sections */
	size_t ncode;
};

static inline struct em_core_input em_core_input_of(const struct em_model *obj)
{
	return (struct em_core_input){ obj->btf, obj->btf_ext ? &obj->btf_ext->core_relo : NULL,
				       obj->code, obj->ncode };
}

/* What a fixup changes in its instruction. */
enum em_core_fixup_op {
	EM_CORE_FIX_IMM,    /* the 32-bit immediate of an ALU instruction */
	EM_CORE_FIX_OFF,    /* the offset of a load or store (and its size, if the field's changed) */
	EM_CORE_FIX_IMM64,  /* the 64-bit immediate of an ld_imm64 (both halves) */
	EM_CORE_FIX_POISON, /* the instruction (both halves of an ld_imm64) becomes a call to
			     * helper EM_CORE_POISON_HELPER: the target cannot satisfy it */
};

/* One CO-RE record's effect on its instruction. */
struct em_core_fixup {
	size_t code;                 /* index of the code section in em_core_input.code */
	const char *sec;             /* its name (points into the input) */
	uint32_t insn;               /* instruction index inside the section */
	uint32_t rec;                /* record number inside the section's .BTF.ext block */
	uint32_t kind;               /* enum bpf_core_relo_kind */
	uint32_t local_id;           /* root type in the object's BTF */
	uint32_t targ_id;            /* target type that matched; 0 when none did (or TYPE_ID_LOCAL) */
	const char *targ_name;       /* the target BTF targ_id lies in when it is not the first
				      * (em_core_target.name: a kernel module), else NULL */
	char *what;                  /* "field_byte_offset of struct task_struct.pid" (owned) */
	enum em_core_fixup_op op;
	const char *why;             /* EM_CORE_FIX_POISON: why, else NULL (static text) */
	uint64_t old_val, new_val;   /* the immediate (sign-extended), offset (sign-extended) or
				      * 64-bit immediate before and after; 0 when poisoned */
	uint32_t old_size, new_size; /* EM_CORE_FIX_OFF: bytes the load/store accesses */
	uint32_t ninsns;             /* instructions covered: 1, or 2 for an ld_imm64 */
	struct bpf_insn before[2];   /* the instructions as calc read them */
	struct bpf_insn after[2];    /* and as patch writes them */
};

struct em_core_fixups {
	struct em_core_fixup *v; /* in record order, section by section */
	size_t n;
};

/*
 * em_core_calc() - compute the fixups of every CO-RE record of in against
 * target, with a caller-kept candidate index over target (NULL: a temporary
 * one). Reads the instructions, never writes them. On success *out is a list
 * (empty when the input has no records) to free with em_core_fixups_free().
 *
 * A relocation that the target cannot satisfy (type or field missing,
 * enumerator missing for its value, a field whose new size the load cannot
 * take) gives an EM_CORE_FIX_POISON fixup with its reason, so that the
 * verifier fails only if that path is reached; existence checks give 0
 * instead. Nothing is logged for them: the caller decides
 * (em_core_fixups_log()).
 *
 * Returns the number of fixups (one per record) or: -EINVAL (NULL in, target
 * or out; an index over another BTF; candidates that disagree), -EBADMSG (a
 * record that points outside its section or at a section without code, a
 * malformed access string, an instruction that is not what clang emits for
 * the relocation, or a value that does not fit it), -EOPNOTSUPP (unknown
 * relocation kind, anonymous local type), -E2BIG (a bitfield no 8-byte load
 * can hold, access string too deep, a value too large for its instruction),
 * -ENOMEM. Each error is logged once with the subject "core".
 */
int em_core_calc(const struct em_core_input *in, const struct ebpfmini_btf *target,
		 struct em_core_index *idx, struct em_core_fixups **out);
/*
 * em_core_want_names() - open a scan of idx (em_core_index_want) for the root
 * names of in's relocations, so that the pass that parses the target learns
 * their candidates and em_core_calc() later finds them known. Errors:
 * -EINVAL, -ENOMEM.
 */
int em_core_want_names(const struct em_core_input *in, struct em_core_index *idx);

/*
 * One BTF that CO-RE searches for candidates: the kernel's (vmlinux), or a
 * kernel module's split BTF on top of it. name, when not NULL, is what the
 * fixups whose target lies here point to (em_core_fixup.targ_name): it must
 * live as long as the fixups.
 */
struct em_core_target {
	const struct ebpfmini_btf *btf;
	struct em_core_index *idx; /* candidate index over btf, or NULL: a temporary one */
	const char *name;          /* "vmlinux", a module's name; may be NULL */
};

/*
 * em_core_calc_targets() - em_core_calc() against n targets searched as
 * libbpf searches vmlinux and module BTF: a relocation's candidates are the
 * types of its root's name (and a compatible kind) in targets[0]; only when
 * targets[0] has none are the others searched, and the candidates of all of
 * them taken together (two modules defining a type differently is an
 * ambiguity, -EINVAL, as within one BTF). Same results and errors as
 * em_core_calc(); -EINVAL also for n == 0 or a target without BTF.
 */
int em_core_calc_targets(const struct em_core_input *in, const struct em_core_target *targets,
			 size_t n, struct em_core_fixups **out);

/*
 * em_core_unmatched() - how many CO-RE records of in have no candidate in the
 * target of idx: no type of their root's name and a compatible kind (what
 * tells the loader to search kernel modules). Records CO-RE cannot read are
 * not counted: em_core_calc() reports them. Learns the names in idx.
 * Returns the count, -EINVAL (NULL in or idx), -E2BIG (over INT_MAX records), -ENOMEM.
 */
int em_core_unmatched(const struct em_core_input *in, struct em_core_index *idx);

/*
 * em_core_patch() - write each fixup's instructions into code (ncode
 * sections), all or nothing: every instruction must still hold what calc
 * read (fixup.before). Returns the number of fixups applied, -EINVAL (NULL
 * fx, or NULL code with sections), -EBADMSG (a fixup for a section or
 * instruction that does not exist, or an instruction that changed since calc;
 * logged, and the code is left as it was).
 */
int em_core_patch(const struct em_core_fixups *fx, struct em_code_sec *code, size_t ncode);

void em_core_fixups_free(struct em_core_fixups *fx);

/*
 * em_core_fixup_format() - one fixup as a line, without the "core: " subject:
 *   prog section 'socket' insn 12: relocation #3 (field_byte_offset of struct core_s.a): imm 4 -> 8 (target [7])
 *   prog section 'tc' insn 3: relocation #0 (field_byte_offset of struct cls_bpf_prog.gen_flags): off 0 -> 48 (target [131022] in cls_bpf)
 *   prog section 'socket' insn 20: relocation #5 (field_byte_offset of struct core_s.gone): no matching field in target: instruction poisoned
 * Returns what snprintf returns (the length the whole line needs).
 */
int em_core_fixup_format(const struct em_core_fixup *f, char *buf, size_t size);

/* Log each fixup as "core: <line>": poisoned ones at poison_level, the others at debug. */
void em_core_fixups_log(const struct em_core_fixups *fx, enum ebpfmini_log_level poison_level);

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

/* target may be NULL: the index then learns it from the first em_core_index_visit(). */
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
/*
 * em_core_index_add() in steps, so that the pass over the target is the one
 * that parses it (em_btf_parse_kernel_visit with em_core_index_visit as the
 * visitor and the index as its context): em_core_index_want() opens a scan
 * for the names not known yet (-EINVAL while one is open, -ENOMEM), each
 * em_core_index_visit() offers one record of the target (0, or -ENOMEM, or
 * -EINVAL for a record of another BTF), and em_core_index_visit_end() closes
 * the scan, given the pass's result: on an error the names of the scan are
 * forgotten and the error returned; else 0 and the index answers for them.
 */
int em_core_index_want(struct em_core_index *idx, const char *const *name, const size_t *len,
		       size_t n);
int em_core_index_visit(void *idx, const struct ebpfmini_btf *btf, uint32_t id,
			const struct btf_type *t);
int em_core_index_visit_end(struct em_core_index *idx, const struct ebpfmini_btf *btf, int err);
/* Candidates for an essential name added before; NULL when never added. */
const struct em_core_cands *em_core_index_get(const struct em_core_index *idx, const char *name,
					      size_t len);

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

/* The local spec of a relocation of kind (enum bpf_core_relo_kind) on root type_id with
 * access string access ("0:1:2"), walked through btf. 0, or -EBADMSG / -E2BIG with *why
 * saying what is wrong (a static string). */
int em_core_spec_parse(const struct ebpfmini_btf *btf, uint32_t type_id, uint32_t kind,
		       const char *access, struct em_core_spec *spec, const char **why);
/* Match a local spec against candidate target type targ_id; fill *targ.
 * Returns 1 (matches), 0 (does not), < 0 (malformed BTF: -EBADMSG, -E2BIG). */
int em_core_spec_match(const struct em_core_spec *local, const struct ebpfmini_btf *targ_btf,
		       uint32_t targ_id, struct em_core_spec *targ);
/* The kernel's loose type compatibility (TYPE_ID_TARGET, TYPE_EXISTS, TYPE_SIZE):
 * 1, 0 or -EBADMSG/-ELOOP. */
int em_core_types_compat(const struct ebpfmini_btf *lb, uint32_t lid, const struct ebpfmini_btf *tb,
			 uint32_t tid);
/* Candidate kinds: equal, or ENUM and ENUM64. */
bool em_core_kinds_compat(const struct btf_type *a, const struct btf_type *b);

#endif /* EBPFMINI_CORE_H */
