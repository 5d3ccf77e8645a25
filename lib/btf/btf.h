/* btf.h - private BTF and BTF.ext model over untrusted bytes (L1 btf, pure) */
#ifndef EBPFMINI_BTF_PRIV_H
#define EBPFMINI_BTF_PRIV_H

#include <linux/btf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ebpfmini/btf.h"

/*
 * struct ebpfmini_btf is the parsed BTF. It owns a private copy of the raw
 * bytes (fix-ups rewrite DATASEC sizes and variable offsets in place), so the
 * caller's buffer may go away after parsing; a borrowed BTF
 * (em_btf_parse_borrowed, for kernel BTF) reads the caller's bytes instead. Validation on parse: header and
 * section bounds, every type record inside the type section, every name offset
 * inside the string section and NUL-terminated, every referenced type id in
 * range; resolving sizes detects reference loops (-ELOOP). Errors: -EBADMSG
 * (damage, logged with subject "btf", type id and offset), -ENOMEM.
 *
 * Type ids: 0 is void; this blob holds ids [start_id, start_id + nr_types).
 * A split BTF (kernel module) has a base whose ids come first.
 */
struct ebpfmini_btf {
	uint8_t *raw; /* owned copy: header, types, strings */
	size_t raw_size;
	uint32_t hdr_len, type_off, type_len, str_off, str_len; /* from the header */
	const char *strs;        /* raw + hdr_len + str_off */
	/* Byte offset of each type inside the type section (em_btf_type_off):
	 * type_offs[i] for type start_id + i; or, when type_deltas is set (large
	 * blobs: kernel BTF), type_offs[i / EM_BTF_OFF_BLOCK] + type_deltas[i],
	 * half the memory (a kernel's ~130,000 types: 260 KiB instead of 510).
	 * Kernel BTF (checked != NULL) keeps type_offs[i / EM_BTF_KBLOCK] only and
	 * walks the records between (32 KiB: a load reaches a few hundred types). */
	uint32_t *type_offs;
	uint16_t *type_deltas;
	uint32_t nr_types;       /* types in this blob (void not counted) */
	uint32_t start_id;       /* 1 for a base BTF */
	uint32_t start_str_off;  /* string offsets below this belong to base */
	const struct ebpfmini_btf *base; /* not owned */
	bool borrowed;           /* raw is the caller's memory (em_btf_parse_borrowed), not a copy */
	/* Kernel BTF (em_btf_parse_kernel): parse bounds-checks each record's extent only; a
	 * type's names and references are checked when em_btf_type() first reaches it, and a
	 * bit of checked[] (atomic) remembers that it passed. NULL for a fully checked BTF. */
	uint8_t *checked;
	int fd;                  /* kernel BTF fd after em_btf_load / ebpfmini_btf_load, else -1 */
	void *index;             /* lazily built name index (owned by btf.c), may be NULL */
};

/* Parse raw BTF (copied). base may be NULL; when set, data is split BTF on top of it. */
int em_btf_parse(const void *data, size_t size, const struct ebpfmini_btf *base,
		 struct ebpfmini_btf **out);
/*
 * Like em_btf_parse(), but parsed in place: raw points at data, which the
 * caller keeps valid and unchanged for the BTF's whole life (a read-only
 * mapping of /sys/kernel/btf/vmlinux, kept for the process). Nothing writes
 * to it: em_btf_fixup_datasecs() refuses a borrowed BTF (-EINVAL), and
 * em_btf_free() leaves data alone. Saves copying the kernel's ~5 MiB.
 */
int em_btf_parse_borrowed(const void *data, size_t size, const struct ebpfmini_btf *base,
			  struct ebpfmini_btf **out);
/*
 * Like em_btf_parse_borrowed(), for the running kernel's own BTF (sysfs), which
 * is read for the few types a load reaches: parse checks the header, the
 * string section and each record's kind and extent (so every record lies
 * inside the type section), and leaves the checks of a record's names and
 * type references until em_btf_type() first returns it. A type that fails
 * them is logged (subject "btf") and em_btf_type() gives NULL for it, which
 * callers already treat as malformed. A BTF file that a caller names is
 * untrusted: em_btf_parse() or em_btf_parse_borrowed() checks it whole.
 */
int em_btf_parse_kernel(const void *data, size_t size, const struct ebpfmini_btf *base,
			struct ebpfmini_btf **out);
/*
 * A record visitor: em_btf_parse_kernel_visit() calls fn for each record
 * whose kind is in the mask kinds (bit k for BTF kind k) and whose name_off
 * is not 0, as its walk reaches it, so that a scan over the records (CO-RE
 * candidates by name) shares the parse's one pass over the ~5 MiB. Only the
 * record's extent is checked then (its name offset is not): fn bounds-checks
 * what it reads. A non-zero return stops the parse with that error.
 */
struct em_btf_visitor {
	uint32_t kinds;
	int (*fn)(void *ctx, const struct ebpfmini_btf *btf, uint32_t id,
		  const struct btf_type *t);
	void *ctx;
};
/* em_btf_parse_kernel(), calling v (may be NULL) for each record it walks. */
int em_btf_parse_kernel_visit(const void *data, size_t size, const struct ebpfmini_btf *base,
			      const struct em_btf_visitor *v, struct ebpfmini_btf **out);
/* Frees the memory only (this L1 file opens and closes no fds): a BTF that may
 * hold a kernel fd (btf->fd >= 0) is released with ebpfmini_btf_free()
 * (btf_kernel.c), which closes the fd and then calls this. NULL is a no-op. */
void em_btf_free(struct ebpfmini_btf *btf);

/* One past the last valid type id (so ids are 1 .. em_btf_type_end() - 1). */
uint32_t em_btf_type_end(const struct ebpfmini_btf *btf);
/* Type record for id (searching base for low ids), NULL for 0 or out of range (or,
 * in kernel BTF, a record whose names or references are out of range). */
const struct btf_type *em_btf_type(const struct ebpfmini_btf *btf, uint32_t id);
/* Like em_btf_type(), but in kernel BTF without checking the record's names and
 * references first: for a look at its kind and name only (em_btf_find). */
const struct btf_type *em_btf_peek(const struct ebpfmini_btf *btf, uint32_t id);
/* String at offset off, NULL when out of range. Offset 0 is "". */
const char *em_btf_str(const struct ebpfmini_btf *btf, uint32_t off);
/* Name of a type ("" for anonymous). */
const char *em_btf_type_name(const struct ebpfmini_btf *btf, const struct btf_type *t);
/* "STRUCT", "ENUM64", ... (as bpftool writes kinds), or unknown for a kind past the table. */
const char *em_btf_kind_name(unsigned int kind, const char *unknown);

/* Find a type id by name and kind (kind < 0: any kind). -ENOENT when absent. */
int em_btf_find(const struct ebpfmini_btf *btf, const char *name, int kind);

/* Follow typedef/const/volatile/restrict/type_tag from id; returns the resolved
 * id (0 for void) or -EBADMSG / -ELOOP. */
int em_btf_skip_mods(const struct ebpfmini_btf *btf, uint32_t id);
/* Byte size of a type (through modifiers, typedefs and arrays); -EINVAL for
 * sizeless kinds (func, void, fwd), -ELOOP for loops, -E2BIG on overflow. */
int em_btf_resolve_size(const struct ebpfmini_btf *btf, uint32_t id, uint32_t *size);

#define EM_BTF_OFF_BLOCK 16
#define EM_BTF_KBLOCK 16

/*
 * Bytes after struct btf_type in a record of kind k: em_btf_tail_bytes[k][0] plus vlen
 * times em_btf_tail_bytes[k][1]. A table, not a switch: a walk over a kernel's ~126,000
 * records of mixed kinds would mispredict a branch on most of them.
 */
extern const uint8_t em_btf_tail_bytes[32][2];

/* Bytes of the record t: struct btf_type and what follows it (t's kind was checked by
 * the parse that indexed it). Walks a blob's records in order, as em_core_index does. */
static inline size_t em_btf_record_size(const struct btf_type *t)
{
	const uint8_t *b = em_btf_tail_bytes[BTF_INFO_KIND(t->info)];

	return sizeof(*t) + b[0] + (size_t)BTF_INFO_VLEN(t->info) * b[1];
}

/* Offset inside the type section of this blob's i-th type (i < nr_types, not kernel BTF). */
static inline uint32_t em_btf_type_off(const struct ebpfmini_btf *btf, uint32_t i)
{
	if (btf->type_deltas)
		return btf->type_offs[i / EM_BTF_OFF_BLOCK] + btf->type_deltas[i];
	return btf->type_offs[i];
}

static inline uint16_t em_btf_kind(const struct btf_type *t)
{
	return BTF_INFO_KIND(t->info);
}
static inline uint16_t em_btf_vlen(const struct btf_type *t)
{
	return BTF_INFO_VLEN(t->info);
}
static inline bool em_btf_kflag(const struct btf_type *t)
{
	return BTF_INFO_KFLAG(t->info);
}
/* Trailing records of a type (members, params, enum values, datasec vars...). */
static inline const void *em_btf_tail(const struct btf_type *t)
{
	return t + 1;
}
/* Value of enumerator i of the ENUM or ENUM64 t (a 32-bit value widened by its
 * sign when the enum is signed, kflag set); its name offset in *name_off unless NULL. */
static inline uint64_t em_btf_enum_val(const struct btf_type *t, uint32_t i, uint32_t *name_off)
{
	if (em_btf_kind(t) == BTF_KIND_ENUM64) {
		const struct btf_enum64 *e = (const struct btf_enum64 *)em_btf_tail(t) + i;

		if (name_off)
			*name_off = e->name_off;
		return (uint64_t)e->val_hi32 << 32 | e->val_lo32;
	}
	const struct btf_enum *e = (const struct btf_enum *)em_btf_tail(t) + i;

	if (name_off)
		*name_off = e->name_off;
	return em_btf_kflag(t) ? (uint64_t)(int64_t)e->val : (uint64_t)(uint32_t)e->val;
}

/*
 * clang leaves DATASEC sizes and VAR offsets at 0 in objects; the loader
 * fills them from the ELF section headers and symbol table before BTF_LOAD.
 * It also marks extern functions and static variables as the kernel requires.
 */
struct em_btf_fixup_ops {
	void *ctx;
	/* size of the ELF section named sec_name; -ENOENT if there is none */
	int (*section_size)(void *ctx, const char *sec_name, uint32_t *size);
	/* offset of symbol sym_name inside section sec_name; -ENOENT if absent */
	int (*symbol_offset)(void *ctx, const char *sec_name, const char *sym_name, uint32_t *off);
};
/* Errors: -EINVAL (NULL arguments, a borrowed BTF), -EBADMSG, or what an op returned. */
int em_btf_fixup_datasecs(struct ebpfmini_btf *btf, const struct em_btf_fixup_ops *ops);

/* ---- .BTF.ext ------------------------------------------------------------ */

/* One per-section block of func_info, line_info or CO-RE relocation records. */
struct em_btf_ext_sec {
	const char *sec_name; /* ELF section the records belong to */
	uint32_t num_info;
	const uint8_t *data; /* num_info * rec_size bytes, inside the ext's copy; func_info and
				line_info records sorted by insn_off (the first u32) */
};

struct em_btf_ext_info {
	uint32_t rec_size; /* as stored (may exceed the kernel struct; extra bytes ignored) */
	struct em_btf_ext_sec *secs;
	size_t nsecs;
};

/*
 * Records keep the file's layout: struct bpf_func_info / bpf_line_info /
 * bpf_core_relo from <linux/bpf.h> at the start of each rec_size record, with
 * insn_off in BYTES from the start of the ELF section (the kernel wants
 * instruction indexes: divide by 8 when building PROG_LOAD arrays).
 */
struct em_btf_ext {
	uint8_t *raw; /* owned copy */
	size_t raw_size;
	struct em_btf_ext_info func_info, line_info, core_relo;
};

/* Parse .BTF.ext; section names are checked against btf's strings. */
int em_btf_ext_parse(const void *data, size_t size, const struct ebpfmini_btf *btf,
		     struct em_btf_ext **out);
void em_btf_ext_free(struct em_btf_ext *ext);
/* Records for an ELF section name, or NULL. */
const struct em_btf_ext_sec *em_btf_ext_find(const struct em_btf_ext_info *info,
					     const char *sec_name);

#endif /* EBPFMINI_BTF_PRIV_H */
