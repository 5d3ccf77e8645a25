/* btf_dump.c - BTF as text: dump API, raw listing, the order of the C header; the text goes to the caller's write function (L1 btf, pure) */
#include <stdio.h>
#include <stdlib.h>

#include "btf_dump.h"

/* ---- raw listing ------------------------------------------------------------------ */

/* 'name', or '(anon)' for the empty name, as bpftool writes it */
static void raw_name(struct em_dump_out *o, const char *name)
{
	em_btf_dump_putc(o, '\'');
	em_btf_dump_puts(o, *name ? name : "(anon)");
	em_btf_dump_putc(o, '\'');
}

/* " key=value" */
static void raw_num(struct em_dump_out *o, const char *key, uint64_t v)
{
	em_btf_dump_putc(o, ' ');
	em_btf_dump_puts(o, key);
	em_btf_dump_putc(o, '=');
	em_btf_dump_u64(o, v);
}

/* name of a value of a small enumeration: names[v], or "(unknown)" */
static const char *value_name(const char *const *names, size_t n, uint32_t v)
{
	return v < n && names[v] ? names[v] : "(unknown)";
}

static const char *const int_encodings[] = {
	[0] = "(none)",
	[BTF_INT_SIGNED] = "SIGNED",
	[BTF_INT_CHAR] = "CHAR",
	[BTF_INT_BOOL] = "BOOL",
};

/* the names of BTF_FUNC_STATIC.. and of BTF_VAR_STATIC.. (the same values) */
static const char *const linkages[] = {
	[BTF_FUNC_STATIC] = "static",
	[BTF_FUNC_GLOBAL] = "global",
	[BTF_FUNC_EXTERN] = "extern",
};

static void raw_members(const struct ebpfmini_btf *btf, const struct btf_type *t,
			struct em_dump_out *o)
{
	const struct btf_member *m = em_btf_tail(t);

	for (uint32_t i = 0; i < em_btf_vlen(t); i++) {
		const char *name = em_btf_str(btf, m[i].name_off);
		uint32_t off = m[i].offset, bits = 0;

		if (em_btf_kflag(t)) {
			bits = BTF_MEMBER_BITFIELD_SIZE(off);
			off = BTF_MEMBER_BIT_OFFSET(off);
		}
		em_btf_dump_puts(o, "\n\t");
		raw_name(o, name ? name : "");
		raw_num(o, "type_id", m[i].type);
		raw_num(o, "bits_offset", off);
		if (bits)
			raw_num(o, "bitfield_size", bits);
	}
}

static void raw_enum(const struct ebpfmini_btf *btf, const struct btf_type *t,
		     struct em_dump_out *o)
{
	bool sign = em_btf_kflag(t);

	em_btf_dump_puts(o, sign ? " encoding=SIGNED" : " encoding=UNSIGNED");
	raw_num(o, "size", t->size);
	raw_num(o, "vlen", em_btf_vlen(t));
	for (uint32_t i = 0; i < em_btf_vlen(t); i++) {
		uint32_t name_off;
		uint64_t v = em_btf_enum_val(t, i, &name_off);
		em_btf_dump_puts(o, "\n\t");
		raw_name(o, em_btf_str(btf, name_off) ? em_btf_str(btf, name_off) : "");
		em_btf_dump_puts(o, " val=");
		if (sign)
			em_btf_dump_s64(o, (int64_t)v);
		else
			em_btf_dump_u64(o, v);
	}
}

static void raw_type(const struct ebpfmini_btf *btf, uint32_t id, const struct btf_type *t,
		     struct em_dump_out *o)
{
	unsigned kind = em_btf_kind(t);

	em_btf_dump_putc(o, '[');
	em_btf_dump_u64(o, id);
	em_btf_dump_puts(o, "] ");
	em_btf_dump_puts(o, em_btf_kind_name(kind, "UNKN"));
	em_btf_dump_putc(o, ' ');
	raw_name(o, em_btf_type_name(btf, t));
	switch (kind) {
	case BTF_KIND_INT: {
		uint32_t info = *(const uint32_t *)em_btf_tail(t);

		raw_num(o, "size", t->size);
		raw_num(o, "bits_offset", BTF_INT_OFFSET(info));
		raw_num(o, "nr_bits", BTF_INT_BITS(info));
		em_btf_dump_puts(o, " encoding=");
		em_btf_dump_puts(o, value_name(int_encodings, EM_ARRAY_SIZE(int_encodings),
					       BTF_INT_ENCODING(info)));
		break;
	}
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		raw_num(o, "type_id", t->type);
		break;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = em_btf_tail(t);

		raw_num(o, "type_id", a->type);
		raw_num(o, "index_type_id", a->index_type);
		raw_num(o, "nr_elems", a->nelems);
		break;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		raw_num(o, "size", t->size);
		raw_num(o, "vlen", em_btf_vlen(t));
		raw_members(btf, t, o);
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		raw_enum(btf, t, o);
		break;
	case BTF_KIND_FWD:
		em_btf_dump_puts(o, em_btf_kflag(t) ? " fwd_kind=union" : " fwd_kind=struct");
		break;
	case BTF_KIND_FUNC:
		raw_num(o, "type_id", t->type);
		em_btf_dump_puts(o, " linkage=");
		em_btf_dump_puts(o, value_name(linkages, EM_ARRAY_SIZE(linkages), em_btf_vlen(t)));
		break;
	case BTF_KIND_FUNC_PROTO: {
		const struct btf_param *p = em_btf_tail(t);

		raw_num(o, "ret_type_id", t->type);
		raw_num(o, "vlen", em_btf_vlen(t));
		for (uint32_t i = 0; i < em_btf_vlen(t); i++) {
			const char *name = em_btf_str(btf, p[i].name_off);

			em_btf_dump_puts(o, "\n\t");
			raw_name(o, name ? name : "");
			raw_num(o, "type_id", p[i].type);
		}
		break;
	}
	case BTF_KIND_VAR: {
		const struct btf_var *v = em_btf_tail(t);

		raw_num(o, "type_id", t->type);
		/* the comma is bpftool's */
		em_btf_dump_puts(o, ", linkage=");
		em_btf_dump_puts(o, value_name(linkages, EM_ARRAY_SIZE(linkages), v->linkage));
		break;
	}
	case BTF_KIND_DATASEC: {
		const struct btf_var_secinfo *v = em_btf_tail(t);

		raw_num(o, "size", t->size);
		raw_num(o, "vlen", em_btf_vlen(t));
		for (uint32_t i = 0; i < em_btf_vlen(t); i++) {
			const struct btf_type *vt = em_btf_type(btf, v[i].type);
			unsigned vk = vt ? em_btf_kind(vt) : 0;

			em_btf_dump_puts(o, "\n\ttype_id=");
			em_btf_dump_u64(o, v[i].type);
			raw_num(o, "offset", v[i].offset);
			raw_num(o, "size", v[i].size);
			em_btf_dump_puts(o, " (");
			em_btf_dump_puts(o, em_btf_kind_name(vk, "UNKN"));
			em_btf_dump_putc(o, ' ');
			raw_name(o, em_btf_type_name(btf, vt));
			em_btf_dump_putc(o, ')');
		}
		break;
	}
	case BTF_KIND_FLOAT:
		raw_num(o, "size", t->size);
		break;
	case BTF_KIND_DECL_TAG:
		raw_num(o, "type_id", t->type);
		em_btf_dump_puts(o, " component_idx=");
		em_btf_dump_s64(o, ((const struct btf_decl_tag *)em_btf_tail(t))->component_idx);
		break;
	default:
		break;
	}
	em_btf_dump_putc(o, '\n');
}

static int dump_raw(const struct ebpfmini_btf *btf, struct em_dump_out *o)
{
	for (uint32_t id = btf->start_id; id < em_btf_type_end(btf) && !o->err; id++)
		raw_type(btf, id, em_btf_type(btf, id), o);
	return o->err;
}

/* ---- the order ------------------------------------------------------------------- */

/*
 * The order. Every named definition (struct, union, enum, typedef) is written
 * at file scope once everything it mentions can be written: need(id, value)
 * makes sure of that for one type reference, writing definitions and forward
 * declarations on the way. "value" asks for a complete type (a member or an
 * array element), otherwise a declaration is enough (behind a pointer, in a
 * function prototype). Named structs and unions reached by pointer get a
 * forward declaration, except a struct pointing to itself from its own body.
 * Anonymous types are written inline, so what they need, their container
 * needs. A type that needs itself complete (by value, through any chain)
 * cannot be written in C: -ELOOP. Per-type flags make every type cost O(1)
 * after its first visit, so the whole dump is linear in the size of the BTF.
 */

static int need(struct em_cdump *d, uint32_t id, bool value, uint32_t cont);

static bool is_anon(const struct em_cdump *d, const struct btf_type *t)
{
	return !*em_btf_type_name(d->btf, t);
}

/* Combines results: an error wins, then 1 ("satisfied only inside cont"). */
static int worst(int a, int b)
{
	return a < 0 ? a : b < 0 ? b : a > b ? a : b;
}

static int need_record(struct em_cdump *d, uint32_t id, const struct btf_type *t, bool value,
		       uint32_t cont)
{
	const struct btf_member *m = em_btf_tail(t);
	bool anon = is_anon(d, t);
	int r = 0;

	if (!value) { /* named, behind a pointer: a declaration will do */
		if (d->flags[id] & (EM_CDUMP_DEF | EM_CDUMP_FWD))
			return 0;
		if (id == cont)
			return 1; /* its own body declares it */
		em_btf_dump_decl(d, id, t, true);
		return 0;
	}
	if (d->flags[id] & EM_CDUMP_DEF)
		return 0;
	/* members by value must be complete before this body; an anonymous
	 * record's body is its container's, so pointers back to the container
	 * stay exempt from forward declarations */
	for (uint32_t i = 0; i < em_btf_vlen(t) && r >= 0; i++)
		r = worst(r, need(d, m[i].type, true, anon ? cont : id));
	if (r < 0 || anon)
		return r;
	em_btf_dump_decl(d, id, t, false);
	return 0;
}

/*
 * A typedef is written once its target can be declared; asked for by value,
 * its target is completed first (so that, at file scope, a struct's body
 * comes before its typedef when nothing prevents it).
 */
static int need_typedef(struct em_cdump *d, uint32_t id, const struct btf_type *t, bool value)
{
	int r;

	if (is_anon(d, t))
		return em_btf_dump_c_fail(d, -EBADMSG, id, "typedef without a name");
	if (value && (r = need(d, t->type, true, 0)) < 0)
		return r;
	if (!(d->flags[id] & EM_CDUMP_DEF)) {
		r = need(d, t->type, false, 0);
		if (r < 0)
			return r;
		/* the target may have needed (and written) this typedef meanwhile */
		if (!(d->flags[id] & EM_CDUMP_DEF))
			em_btf_dump_decl(d, id, t, false);
	}
	return 0;
}

static int need_kind(struct em_cdump *d, uint32_t id, const struct btf_type *t, bool value,
		     uint32_t cont)
{
	int r = 0;

	switch (em_btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
		return 0;
	case BTF_KIND_PTR:
		return need(d, t->type, false, cont);
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return need(d, t->type, value, cont);
	case BTF_KIND_ARRAY: /* C wants complete element types, even behind a pointer */
		return need(d, ((const struct btf_array *)em_btf_tail(t))->type, true, cont);
	case BTF_KIND_FUNC_PROTO: {
		const struct btf_param *p = em_btf_tail(t);
		uint32_t n = em_btf_vlen(t);

		r = need(d, t->type, false, cont);
		for (uint32_t i = 0; i < n && r >= 0; i++) {
			if (p[i].type == 0 && i + 1 < n)
				return em_btf_dump_c_fail(d, -EBADMSG, id,
							  "void parameter before the last one");
			r = worst(r, need(d, p[i].type, false, cont));
		}
		return r;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return need_record(d, id, t, value, cont);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		/* named and non-empty: written at file scope; others print inline */
		if (!is_anon(d, t) && em_btf_vlen(t) && !(d->flags[id] & EM_CDUMP_DEF))
			em_btf_dump_decl(d, id, t, false);
		return 0;
	case BTF_KIND_FWD:
		if (value)
			return em_btf_dump_c_fail(d, -EBADMSG, id, "incomplete type used by value");
		if (is_anon(d, t))
			return em_btf_dump_c_fail(d, -EBADMSG, id,
						  "forward declaration without a name");
		if (!(d->flags[id] & EM_CDUMP_FWD))
			em_btf_dump_decl(d, id, t, true);
		return 0;
	case BTF_KIND_TYPEDEF:
		return need_typedef(d, id, t, value);
	default: /* FUNC, VAR, DATASEC, DECL_TAG are not types C can use */
		return em_btf_dump_c_fail(d, -EBADMSG, id, "used as a type but is not one");
	}
}

/*
 * Makes a reference to type id writable: 0 done (remembered), 1 done but only
 * inside container cont's body (not remembered), < 0 error (logged).
 */
static int need(struct em_cdump *d, uint32_t id, bool value, uint32_t cont)
{
	const struct btf_type *t;
	uint8_t sat, busy;
	unsigned kind;
	int r;

	if (d->o->err)
		return d->o->err;
	if (id == 0) /* void: fine behind a pointer or as a return type */
		return value ? em_btf_dump_c_fail(d, -EBADMSG, cont, "void used by value") : 0;
	t = em_btf_type(d->btf, id);
	if (!t)
		return em_btf_dump_c_fail(d, -EBADMSG, cont,
					  "refers to a type that does not exist");
	kind = em_btf_kind(t);
	if ((kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION) && is_anon(d, t))
		value = true; /* written inline: always complete */
	sat = value ? EM_CDUMP_SAT_VALUE : EM_CDUMP_SAT_DECL | EM_CDUMP_SAT_VALUE;
	if (d->flags[id] & sat)
		return 0;
	busy = value ? EM_CDUMP_BUSY_VALUE : EM_CDUMP_BUSY_DECL;
	if (d->flags[id] & busy)
		return em_btf_dump_c_fail(d, -ELOOP, id,
					  value ? "contains itself by value" :
						  "refers to itself in a loop C cannot write");
	if (d->depth >= EM_CDUMP_MAX_DEPTH)
		return em_btf_dump_c_fail(d, -ELOOP, id, "types nest too deeply");
	d->depth++;
	d->flags[id] |= busy;
	r = need_kind(d, id, t, value, cont);
	d->flags[id] &= (uint8_t)~busy;
	d->depth--;
	if (r == 0)
		d->flags[id] |= value ? EM_CDUMP_SAT_VALUE | EM_CDUMP_SAT_DECL : EM_CDUMP_SAT_DECL;
	return r;
}

/* ---- the header ---------------------------------------------------------------------- */

static void mark(struct em_cdump *d, uint32_t id)
{
	if (id && id < d->end)
		d->flags[id] |= EM_CDUMP_REF;
}

/* Marks every type that some type which the header writes refers to. Variables
 * and functions do not count: an anonymous enum only they use still gets
 * written, for its constants. */
static void mark_refs(struct em_cdump *d)
{
	for (uint32_t id = 1; id < d->end; id++) {
		const struct btf_type *t = em_btf_type(d->btf, id);

		switch (em_btf_kind(t)) {
		case BTF_KIND_PTR:
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			mark(d, t->type);
			break;
		case BTF_KIND_ARRAY:
			mark(d, ((const struct btf_array *)em_btf_tail(t))->type);
			break;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			for (uint32_t i = 0; i < em_btf_vlen(t); i++)
				mark(d, ((const struct btf_member *)em_btf_tail(t))[i].type);
			break;
		case BTF_KIND_FUNC_PROTO:
			mark(d, t->type);
			for (uint32_t i = 0; i < em_btf_vlen(t); i++)
				mark(d, ((const struct btf_param *)em_btf_tail(t))[i].type);
			break;
		default:
			break;
		}
	}
}

/* One type of the top-level walk, in id order. */
static void top_level(struct em_cdump *d, uint32_t id)
{
	const struct btf_type *t = em_btf_type(d->btf, id), *target;

	switch (em_btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (!is_anon(d, t))
			need(d, id, true, 0);
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (!is_anon(d, t))
			need(d, id, true, 0);
		else if (em_btf_vlen(t) && !(d->flags[id] & (EM_CDUMP_REF | EM_CDUMP_DEF)))
			em_btf_dump_decl(d, id, t, false); /* its constants are what it is for */
		break;
	case BTF_KIND_TYPEDEF:
		/* "struct foo {...}; typedef struct foo foo_t;" rather than a forward declaration */
		target = em_btf_type(d->btf, t->type);
		if (target &&
		    (em_btf_kind(target) == BTF_KIND_STRUCT ||
		     em_btf_kind(target) == BTF_KIND_UNION) &&
		    !is_anon(d, target))
			need(d, t->type, true, 0);
		need(d, id, false, 0);
		break;
	case BTF_KIND_FWD:
		need(d, id, false, 0);
		break;
	default: /* the rest is written where it is used, or not at all */
		break;
	}
}

static const char prologue[] =
	"/* Generated by ebpfmini from BTF: do not edit. */\n"
	"#ifndef __VMLINUX_H__\n"
	"#define __VMLINUX_H__\n"
	"\n"
	"#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
	"#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n"
	"#endif\n"
	"\n";

static const char epilogue[] = "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
			       "#pragma clang attribute pop\n"
			       "#endif\n"
			       "\n"
			       "#endif /* __VMLINUX_H__ */\n";

/* Allocates the per-type tables of a C dump; 0 or -ENOMEM (recorded in o). */
static int cdump_init(struct em_cdump *d, const struct ebpfmini_btf *btf, struct em_dump_out *o)
{
	*d = (struct em_cdump){ .btf = btf, .o = o, .end = em_btf_type_end(btf) };
	d->flags = calloc(d->end, 1);
	d->lay = calloc(d->end, 1);
	d->sfx = em_calloc(d->end, sizeof(*d->sfx));
	/* a compiler built-in: a typedef of that name (x86's va_list) gets ___2 */
	if (!d->flags || !d->lay || !d->sfx || em_btf_dump_c_reserve(d, "__builtin_va_list")) {
		em_btf_dump_fail(o, -ENOMEM);
		return -ENOMEM;
	}
	mark_refs(d);
	return 0;
}

static int cdump_fini(struct em_cdump *d)
{
	free(d->flags);
	free(d->lay);
	free(d->sfx);
	free(d->tags.ents);
	free(d->idents.ents);
	return d->o->err;
}

static int dump_c(const struct ebpfmini_btf *btf, struct em_dump_out *o)
{
	struct em_cdump d;

	if (cdump_init(&d, btf, o))
		return cdump_fini(&d);
	em_btf_dump_puts(o, prologue);
	for (uint32_t id = btf->start_id; id < d.end && !o->err; id++)
		top_level(&d, id);
	/* anonymous enums that only skipped types (functions, variables) use */
	for (uint32_t id = btf->start_id; id < d.end && !o->err; id++) {
		const struct btf_type *t = em_btf_type(btf, id);
		unsigned kind = em_btf_kind(t);

		if ((kind == BTF_KIND_ENUM || kind == BTF_KIND_ENUM64) && is_anon(&d, t) &&
		    em_btf_vlen(t) && !(d.flags[id] & EM_CDUMP_DEF))
			em_btf_dump_decl(&d, id, t, false);
	}
	em_btf_dump_puts(o, epilogue);
	return cdump_fini(&d);
}

/* ---- data sections as structs (a skeleton's) ------------------------------------------- */

static const struct btf_var_secinfo *sorted_vars(const struct btf_type *ds)
{
	const struct btf_var_secinfo *vi = em_btf_tail(ds);
	struct btf_var_secinfo *s = em_calloc(em_btf_vlen(ds) + 1, sizeof(*s));

	if (!s)
		return NULL;
	memcpy(s, vi, em_btf_vlen(ds) * sizeof(*s));
	/* few entries: insertion sort by offset, stable */
	for (uint32_t i = 1; i < em_btf_vlen(ds); i++)
		for (uint32_t j = i; j && s[j - 1].offset > s[j].offset; j--) {
			struct btf_var_secinfo t = s[j];

			s[j] = s[j - 1];
			s[j - 1] = t;
		}
	return s;
}

/* The name of a variable the section struct holds, or NULL: not a VAR, not a C name (a
 * static local: "f.___fmt"). */
static const char *var_name(struct em_cdump *d, uint32_t id)
{
	const struct btf_type *v = em_btf_type(d->btf, id);
	const char *name = v && em_btf_kind(v) == BTF_KIND_VAR ? em_btf_type_name(d->btf, v) : NULL;

	return name && em_btf_dump_c_is_ident(name) ? name : NULL;
}

static void pad_bytes(struct em_cdump *d, unsigned n, uint64_t bytes)
{
	em_btf_dump_puts(d->o, "\tchar __pad");
	em_btf_dump_u64(d->o, n);
	em_btf_dump_putc(d->o, '[');
	em_btf_dump_u64(d->o, bytes);
	em_btf_dump_puts(d->o, "];\n");
}

static void datasec_struct(struct em_cdump *d, uint32_t sec, const char *name)
{
	const struct btf_type *ds = em_btf_type(d->btf, sec);
	const struct btf_var_secinfo *vi = sorted_vars(ds);
	uint64_t cur = 0;
	unsigned pad = 0;

	if (!vi) {
		em_btf_dump_fail(d->o, -ENOMEM);
		return;
	}
	for (uint32_t i = 0; i < em_btf_vlen(ds) && !d->o->err; i++)
		if (var_name(d, vi[i].type))
			need(d, em_btf_type(d->btf, vi[i].type)->type, true, 0);
	em_btf_dump_puts(d->o, "struct ");
	em_btf_dump_puts(d->o, name);
	em_btf_dump_puts(d->o, " {\n");
	for (uint32_t i = 0; i < em_btf_vlen(ds) && !d->o->err; i++) {
		const char *vn = var_name(d, vi[i].type);

		/* overlapping the one before, or no C variable: left to the padding */
		if (!vn || vi[i].offset < cur)
			continue;
		if (vi[i].offset > cur)
			pad_bytes(d, pad++, vi[i].offset - cur);
		em_btf_dump_decl_var(d, em_btf_type(d->btf, vi[i].type)->type, vn, sec);
		cur = (uint64_t)vi[i].offset + vi[i].size;
	}
	if (ds->size > cur)
		pad_bytes(d, pad, ds->size - cur);
	em_btf_dump_puts(d->o, "};\n\n");
	free((void *)vi);
}

int em_btf_dump_c_datasecs(const struct ebpfmini_btf *btf, struct em_dump_out *o,
			   const uint32_t *secs, const char *const *names, uint32_t n)
{
	struct em_cdump d;

	if (cdump_init(&d, btf, o))
		return cdump_fini(&d);
	d.portable = true;
	/* <stdbool.h> and C++ take these */
	if (em_btf_dump_c_reserve(&d, "bool") || em_btf_dump_c_reserve(&d, "true") ||
	    em_btf_dump_c_reserve(&d, "false")) {
		em_btf_dump_fail(o, -ENOMEM);
		return cdump_fini(&d);
	}
	for (uint32_t i = 0; i < n && !o->err; i++) {
		const struct btf_type *t = em_btf_type(btf, secs[i]);

		if (!t || em_btf_kind(t) != BTF_KIND_DATASEC)
			em_btf_dump_c_fail(&d, -EINVAL, secs[i], "not a DATASEC");
		else
			datasec_struct(&d, secs[i], names[i]);
	}
	return cdump_fini(&d);
}

/* ---- public API -------------------------------------------------------------------- */

EM_EXPORT int ebpfmini_btf_dump(const struct ebpfmini_btf *btf, enum ebpfmini_btf_dump_format fmt,
				ebpfmini_btf_write_fn write, void *ctx)
{
	struct em_dump_out *o;
	int err;

	if (!btf || !write || (fmt != EBPFMINI_BTF_DUMP_C && fmt != EBPFMINI_BTF_DUMP_RAW))
		return -EINVAL;
	o = malloc(sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->write = write;
	o->ctx = ctx;
	o->err = 0;
	o->len = 0;
	err = fmt == EBPFMINI_BTF_DUMP_C ? dump_c(btf, o) : dump_raw(btf, o);
	if (!err)
		em_btf_dump_flush(o);
	err = err ? err : o->err;
	free(o);
	return err;
}
