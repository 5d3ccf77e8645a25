/* btf_dump.c - BTF as text: dump API, raw listing; the text goes to the caller's write function (L1 btf, pure) */
#include <stdio.h>
#include <stdlib.h>

#include "btf_dump.h"

/* ---- raw listing ------------------------------------------------------------------ */

/* 'name', or '(anon)' for the empty name, as bpftool writes it */
static void raw_name(struct em_dump_out *o, const char *name)
{
	em_dump_putc(o, '\'');
	em_dump_puts(o, *name ? name : "(anon)");
	em_dump_putc(o, '\'');
}

/* " key=value" */
static void raw_num(struct em_dump_out *o, const char *key, uint64_t v)
{
	em_dump_putc(o, ' ');
	em_dump_puts(o, key);
	em_dump_putc(o, '=');
	em_dump_u64(o, v);
}

static const char *int_encoding(uint8_t enc)
{
	switch (enc) {
	case 0:
		return "(none)";
	case BTF_INT_SIGNED:
		return "SIGNED";
	case BTF_INT_CHAR:
		return "CHAR";
	case BTF_INT_BOOL:
		return "BOOL";
	default:
		return "(unknown)";
	}
}

static const char *linkage_name(uint32_t linkage)
{
	switch (linkage) {
	case BTF_FUNC_STATIC:
		return "static";
	case BTF_FUNC_GLOBAL:
		return "global";
	case BTF_FUNC_EXTERN:
		return "extern";
	default:
		return "(unknown)";
	}
}

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
		em_dump_puts(o, "\n\t");
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

	em_dump_puts(o, sign ? " encoding=SIGNED" : " encoding=UNSIGNED");
	raw_num(o, "size", t->size);
	raw_num(o, "vlen", em_btf_vlen(t));
	for (uint32_t i = 0; i < em_btf_vlen(t); i++) {
		uint32_t name_off;
		uint64_t v = em_btf_enum_val(t, i, &name_off);
		em_dump_puts(o, "\n\t");
		raw_name(o, em_btf_str(btf, name_off) ? em_btf_str(btf, name_off) : "");
		em_dump_puts(o, " val=");
		if (sign)
			em_dump_s64(o, (int64_t)v);
		else
			em_dump_u64(o, v);
	}
}

static void raw_type(const struct ebpfmini_btf *btf, uint32_t id, const struct btf_type *t,
		     struct em_dump_out *o)
{
	unsigned kind = em_btf_kind(t);

	em_dump_putc(o, '[');
	em_dump_u64(o, id);
	em_dump_puts(o, "] ");
	em_dump_puts(o, em_btf_kind_name(kind, "UNKN"));
	em_dump_putc(o, ' ');
	raw_name(o, em_btf_type_name(btf, t));
	switch (kind) {
	case BTF_KIND_INT: {
		uint32_t info = *(const uint32_t *)em_btf_tail(t);

		raw_num(o, "size", t->size);
		raw_num(o, "bits_offset", BTF_INT_OFFSET(info));
		raw_num(o, "nr_bits", BTF_INT_BITS(info));
		em_dump_puts(o, " encoding=");
		em_dump_puts(o, int_encoding((uint8_t)BTF_INT_ENCODING(info)));
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
		em_dump_puts(o, em_btf_kflag(t) ? " fwd_kind=union" : " fwd_kind=struct");
		break;
	case BTF_KIND_FUNC:
		raw_num(o, "type_id", t->type);
		em_dump_puts(o, " linkage=");
		em_dump_puts(o, linkage_name(em_btf_vlen(t)));
		break;
	case BTF_KIND_FUNC_PROTO: {
		const struct btf_param *p = em_btf_tail(t);

		raw_num(o, "ret_type_id", t->type);
		raw_num(o, "vlen", em_btf_vlen(t));
		for (uint32_t i = 0; i < em_btf_vlen(t); i++) {
			const char *name = em_btf_str(btf, p[i].name_off);

			em_dump_puts(o, "\n\t");
			raw_name(o, name ? name : "");
			raw_num(o, "type_id", p[i].type);
		}
		break;
	}
	case BTF_KIND_VAR: {
		const struct btf_var *v = em_btf_tail(t);

		raw_num(o, "type_id", t->type);
		/* the comma is bpftool's */
		em_dump_puts(o, ", linkage=");
		em_dump_puts(o, v->linkage == BTF_VAR_STATIC           ? "static" :
				v->linkage == BTF_VAR_GLOBAL_ALLOCATED ? "global" :
				v->linkage == BTF_VAR_GLOBAL_EXTERN    ? "extern" :
									 "(unknown)");
		break;
	}
	case BTF_KIND_DATASEC: {
		const struct btf_var_secinfo *v = em_btf_tail(t);

		raw_num(o, "size", t->size);
		raw_num(o, "vlen", em_btf_vlen(t));
		for (uint32_t i = 0; i < em_btf_vlen(t); i++) {
			const struct btf_type *vt = em_btf_type(btf, v[i].type);
			unsigned vk = vt ? em_btf_kind(vt) : 0;

			em_dump_puts(o, "\n\ttype_id=");
			em_dump_u64(o, v[i].type);
			raw_num(o, "offset", v[i].offset);
			raw_num(o, "size", v[i].size);
			em_dump_puts(o, " (");
			em_dump_puts(o, em_btf_kind_name(vk, "UNKN"));
			em_dump_putc(o, ' ');
			raw_name(o, em_btf_type_name(btf, vt));
			em_dump_putc(o, ')');
		}
		break;
	}
	case BTF_KIND_FLOAT:
		raw_num(o, "size", t->size);
		break;
	case BTF_KIND_DECL_TAG:
		raw_num(o, "type_id", t->type);
		em_dump_printf(o, " component_idx=%d",
			       ((const struct btf_decl_tag *)em_btf_tail(t))->component_idx);
		break;
	default:
		break;
	}
	em_dump_putc(o, '\n');
}

int em_btf_dump_raw(const struct ebpfmini_btf *btf, struct em_dump_out *o)
{
	for (uint32_t id = btf->start_id; id < em_btf_type_end(btf) && !o->err; id++)
		raw_type(btf, id, em_btf_type(btf, id), o);
	return o->err;
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
	err = fmt == EBPFMINI_BTF_DUMP_C ? em_btf_dump_c(btf, o) : em_btf_dump_raw(btf, o);
	if (!err)
		em_dump_flush(o);
	err = err ? err : o->err;
	free(o);
	return err;
}
