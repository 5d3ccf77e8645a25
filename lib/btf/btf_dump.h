/* btf_dump.h - private API of the BTF dumpers: output, C header, raw listing (L1 btf, pure) */
#ifndef EBPFMINI_BTF_DUMP_PRIV_H
#define EBPFMINI_BTF_DUMP_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "btf.h"
#include "internal.h"

#define EM_DUMP_BUF_SIZE 65536

/*
 * Buffered output towards the caller's write callback. The first error (from
 * the callback, or one a dumper records with em_btf_dump_fail) is sticky: later
 * writes are dropped, and the dump returns it.
 */
struct em_dump_out {
	ebpfmini_btf_write_fn write;
	void *ctx;
	int err;
	size_t len;
	char buf[EM_DUMP_BUF_SIZE];
};

/* btf_dump_out.c: the buffer. Hands what is buffered to the callback. */
void em_btf_dump_flush(struct em_dump_out *o);
/* Appends n bytes (flushing as needed). */
void em_btf_dump_write(struct em_dump_out *o, const char *s, size_t n);
/* Decimal text of v. */
void em_btf_dump_u64(struct em_dump_out *o, uint64_t v);
void em_btf_dump_s64(struct em_dump_out *o, int64_t v);

static inline void em_btf_dump_puts(struct em_dump_out *o, const char *s)
{
	em_btf_dump_write(o, s, strlen(s));
}

static inline void em_btf_dump_putc(struct em_dump_out *o, char c)
{
	em_btf_dump_write(o, &c, 1);
}

/* Records err (a negative errno) unless an error is already recorded. */
static inline void em_btf_dump_fail(struct em_dump_out *o, int err)
{
	if (!o->err)
		o->err = err;
}

/* ---- the C header: state shared by btf_dump.c (order), btf_dump_decl.c (text) and
 * btf_dump_out.c (names); calls go btf_dump.c -> btf_dump_decl.c -> btf_dump_out.c only ---- */

/* How deep type references may nest (a guard against adversarial BTF). */
#define EM_CDUMP_MAX_DEPTH 512

/* Per-type flags of the C dump. */
enum {
	EM_CDUMP_SAT_DECL = 1 << 0,   /* a reference to the type can be written now */
	EM_CDUMP_SAT_VALUE = 1 << 1,  /* ... and the type is complete */
	EM_CDUMP_BUSY_DECL = 1 << 2,  /* being declared (loop detection) */
	EM_CDUMP_BUSY_VALUE = 1 << 3, /* being completed (loop detection) */
	EM_CDUMP_DEF = 1 << 4,        /* definition written (an anonymous enum: written once) */
	EM_CDUMP_FWD = 1 << 5,        /* forward declaration written */
	EM_CDUMP_REF = 1 << 6,        /* some other type refers to it */
};

/* Per-type layout of a struct/union as written: computed once. */
enum {
	EM_CDUMP_LAY_KNOWN = 0x80,
	EM_CDUMP_LAY_PACKED = 0x40,
	EM_CDUMP_LAY_ALIGN_LOG2 = 0x07, /* log2 of the alignment in bytes */
};

struct em_name_ent {
	const char *name;
	uint32_t hash;
	uint32_t count; /* distinct types (or enumerators) given this name so far */
	uint8_t tag;    /* tag namespace: which kind holds the plain name */
	bool has_def;   /* tag namespace: the plain name has a definition (not only FWDs) */
};

struct em_name_tab {
	struct em_name_ent *ents;
	uint32_t cap, used;
};

struct em_cdump {
	const struct ebpfmini_btf *btf;
	struct em_dump_out *o;
	uint32_t end;   /* em_btf_type_end() */
	uint8_t *flags; /* EM_CDUMP_* per type id */
	uint8_t *lay;   /* EM_CDUMP_LAY_* per type id */
	uint32_t *sfx;  /* name suffix per type id: 0 not chosen yet, 1 none, n: ___n */
	struct em_name_tab tags, idents; /* struct/union/enum tags; typedefs and enumerators */
	unsigned depth;
	bool strip_cv; /* the next declarator drops its top-level const and volatile */
	bool portable; /* for C and C++ compilers, not only clang's BPF C: bool for _Bool,
			* __restrict, no btf_type_tag */
};

/*
 * btf_dump.c: the C text of data sections, for a skeleton: the named types the
 * variables of DATASECs secs[0..n) need, at file scope, then per section
 * "struct <names[i]> {...};" with every variable at its DATASEC offset (explicit
 * "char __padN[]" between and after), its top-level const and volatile dropped.
 * Variables whose names are not C identifiers are left to the padding.
 */
int em_btf_dump_c_datasecs(const struct ebpfmini_btf *btf, struct em_dump_out *o,
			   const uint32_t *secs, const char *const *names, uint32_t n);

/* btf_dump_out.c: C names. Logs "btf: dump: type [id] 'name': what" once and records err.
 * Returns err. */
int em_btf_dump_c_fail(struct em_cdump *d, int err, uint32_t id, const char *what);
/* The ___N suffix of a named type (1: none), chosen on first use. */
uint32_t em_btf_dump_c_sfx(struct em_cdump *d, uint32_t id, const struct btf_type *t);
/* Writes the (suffixed) name of a named struct/union/enum/fwd/typedef. */
void em_btf_dump_c_name(struct em_cdump *d, uint32_t id, const struct btf_type *t);
/* A name C can use: [A-Za-z_][A-Za-z0-9_]* and not a keyword. */
bool em_btf_dump_c_is_ident(const char *s);
/* Writes name as an identifier (checked: -EBADMSG for id otherwise) and, when
 * sfx > 1, "___sfx". */
void em_btf_dump_c_ident(struct em_cdump *d, uint32_t id, const char *name, uint32_t sfx);
/* Takes name in the namespace of typedefs and enumerators, so that a type of
 * that name gets ___2 (a compiler built-in). 0 or -ENOMEM. */
int em_btf_dump_c_reserve(struct em_cdump *d, const char *name);
/* Suffix for an enumerator called name (shares the namespace of typedefs). */
uint32_t em_btf_dump_c_ident_sfx(struct em_cdump *d, const char *name);

/* btf_dump_decl.c: writes the top-level text of a type once the types it needs are
 * declared: its forward declaration when fwd is set (and flags it EM_CDUMP_FWD), else
 * its typedef, struct, union or enum definition (and flags it EM_CDUMP_DEF). */
void em_btf_dump_decl(struct em_cdump *d, uint32_t id, const struct btf_type *t, bool fwd);
/* "\t<type> <name>;\n" for a variable of type id, without top-level const and volatile. */
void em_btf_dump_decl_var(struct em_cdump *d, uint32_t type, const char *name, uint32_t owner);

#endif /* EBPFMINI_BTF_DUMP_PRIV_H */
