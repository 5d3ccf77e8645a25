/* core.c - CO-RE calc: relocated values and the fixup of each instruction (L2 transform, pure) */
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

#include "core.h"
#include "internal.h"

/* One .BTF.ext record (struct bpf_core_relo), read from its rec_size slot. */
struct relo {
	uint32_t insn_off;
	uint32_t type_id;
	uint32_t access_str_off;
	uint32_t kind;
};

/* Where a relocation sits, for messages. */
struct site {
	const struct em_code_sec *sec;
	uint32_t insn;  /* instruction index inside the section */
	uint32_t index; /* record number inside the section's block */
	const struct relo *r;
	const struct em_core_spec *local;
};

/* The values one relocation yields: expected in the instruction, and new. */
struct result {
	uint64_t orig, val;
	bool validate; /* the instruction must hold orig */
	bool poison;
	const char *why;              /* reason for poisoning */
	uint32_t orig_sz, new_sz;     /* BYTE_OFFSET of a non-bitfield: field sizes */
	uint32_t orig_type, new_type; /* and their types (modifiers skipped) */
	bool bad_resize; /* sizes differ and the field kind forbids resizing the access */
};

/* ---- messages ------------------------------------------------------------------------ */

static const char *kind_word(const struct btf_type *t)
{
	switch (t ? em_btf_kind(t) : BTF_KIND_UNKN) {
	case BTF_KIND_STRUCT:
		return "struct ";
	case BTF_KIND_UNION:
		return "union ";
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return "enum ";
	case BTF_KIND_FWD:
		return em_btf_kflag(t) ? "union " : "struct ";
	case BTF_KIND_TYPEDEF:
		return "typedef ";
	default:
		return "";
	}
}

/* "field_byte_offset of struct task_struct.real_parent", "enumval_value of enum e::B". */
static void describe(const struct site *s, char *buf, size_t size)
{
	const struct ebpfmini_btf *btf = s->local ? s->local->btf : NULL;
	const struct btf_type *t = btf ? em_btf_type(btf, s->r->type_id) : NULL;
	const char *name = t ? em_btf_type_name(btf, t) : "";
	size_t n;

	n = (size_t)snprintf(buf, size, "%s of %s%s", em_core_kind_name(s->r->kind), kind_word(t),
			     *name ? name : "<anon>");
	if (!s->local)
		return;
	for (uint32_t i = 0; i < s->local->len && n < size; i++) {
		const struct em_core_acc *a = &s->local->acc[i];

		if (em_core_relo_class(s->r->kind) == EM_CORE_ENUMVAL)
			n += (size_t)snprintf(buf + n, size - n, "::%s", a->name);
		else if (a->name)
			n += (size_t)snprintf(buf + n, size - n, ".%s", a->name);
		else if (i > 0 || a->idx > 0)
			n += (size_t)snprintf(buf + n, size - n, "[%u]", a->idx);
	}
}

static void EM_PRINTF(3, 4)
	site_log(enum ebpfmini_log_level level, const struct site *s, const char *fmt, ...)
{
	char desc[256], msg[256];
	va_list ap;

	if (!em_log_enabled(level))
		return;
	describe(s, desc, sizeof(desc));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	em_log(level, "core: prog section '%s' insn %u: relocation #%u (%s): %s", s->sec->name,
	       s->insn, s->index, desc, msg);
}

/* ---- values ------------------------------------------------------------------------------- */

/*
 * Value of a field relocation for one spec (local or target). Bitfields are
 * read with the smallest load of at least the member type's size that holds
 * all their bits; the shifts then move them to the top and back down of a
 * u64 (little endian).
 */
static int field_value(const struct em_core_spec *spec, uint32_t kind, uint64_t *val,
		       uint32_t *fsize, uint32_t *ftype, bool *validate)
{
	const struct em_core_acc *acc = &spec->acc[spec->len - 1];
	const struct btf_type *t = em_btf_type(spec->btf, acc->type_id), *mt;
	uint32_t byte_off, byte_sz, bits, ftid = 0;
	uint64_t bit_off = spec->bit_off;
	bool bitfield;
	int r;

	*fsize = 0;
	*ftype = 0;
	*validate = true;
	/* member offsets add up unchecked (each below 2^32 bits, up to 64 levels deep): an
	 * offset past 4 GiB fits no instruction and would wrap in the casts below */
	if (bit_off / 8 > UINT32_MAX)
		return -ERANGE;
	if (!acc->name) { /* the field is an array element (or the root itself) */
		if (kind != BPF_CORE_FIELD_BYTE_OFFSET && kind != BPF_CORE_FIELD_BYTE_SIZE)
			return -EOPNOTSUPP;
		if (em_btf_resolve_size(spec->btf, acc->type_id, &byte_sz))
			return -EBADMSG;
		*val = kind == BPF_CORE_FIELD_BYTE_OFFSET ? bit_off / 8 : byte_sz;
		*fsize = byte_sz;
		*ftype = acc->type_id;
		return 0;
	}
	const struct btf_member *m = (const struct btf_member *)em_btf_tail(t) + acc->idx;

	r = em_btf_skip_mods(spec->btf, m->type);
	if (r <= 0)
		return -EBADMSG;
	ftid = (uint32_t)r;
	mt = em_btf_type(spec->btf, ftid);
	bits = em_btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(m->offset) : 0;
	bitfield = bits > 0;
	if (bitfield) {
		unsigned int k = em_btf_kind(mt);

		if (k != BTF_KIND_INT && k != BTF_KIND_ENUM && k != BTF_KIND_ENUM64)
			return -EBADMSG;
		byte_sz = mt->size;
		if (byte_sz == 0 || byte_sz > 8 || (byte_sz & (byte_sz - 1)))
			return -E2BIG;
		byte_off = (uint32_t)(bit_off / 8 / byte_sz * byte_sz);
		while (bit_off + bits - (uint64_t)byte_off * 8 > (uint64_t)byte_sz * 8) {
			if (byte_sz >= 8)
				return -E2BIG; /* no single load holds the bits */
			byte_sz *= 2;
			byte_off = (uint32_t)(bit_off / 8 / byte_sz * byte_sz);
		}
	} else {
		if (em_btf_resolve_size(spec->btf, ftid, &byte_sz))
			return -EBADMSG;
		byte_off = (uint32_t)(bit_off / 8);
		bits = byte_sz * 8;
	}
	/* clang's own bitfield numbers may legitimately differ from ours */
	*validate = !bitfield;
	switch (kind) {
	case BPF_CORE_FIELD_BYTE_OFFSET:
		*val = byte_off;
		if (!bitfield) {
			*fsize = byte_sz;
			*ftype = ftid;
		}
		break;
	case BPF_CORE_FIELD_BYTE_SIZE:
		*val = byte_sz;
		break;
	case BPF_CORE_FIELD_SIGNED: {
		unsigned int k = em_btf_kind(mt);
		uint32_t enc = 0;

		if (k == BTF_KIND_INT)
			memcpy(&enc, em_btf_tail(mt), sizeof(enc));
		*val = ((k == BTF_KIND_ENUM || k == BTF_KIND_ENUM64) && em_btf_kflag(mt)) ||
		       (k == BTF_KIND_INT && (BTF_INT_ENCODING(enc) & BTF_INT_SIGNED));
		*validate = true;
		break;
	}
	case BPF_CORE_FIELD_LSHIFT_U64:
		*val = (uint64_t)(64 - (int64_t)(bit_off + bits - (uint64_t)byte_off * 8));
		break;
	case BPF_CORE_FIELD_RSHIFT_U64:
		*val = (uint64_t)(64 - (int64_t)bits);
		*validate = true;
		break;
	default:
		return -EOPNOTSUPP;
	}
	return 0;
}

static uint64_t enumval(const struct ebpfmini_btf *btf, const struct em_core_acc *acc)
{
	return em_btf_enum_val(em_btf_type(btf, acc->type_id), acc->idx, NULL);
}

/*
 * Value of a relocation for one spec: local (orig) or target (val); targ
 * NULL means no candidate matched.
 */
static int spec_value(const struct em_core_spec *spec, bool is_local, uint32_t kind,
		      struct result *res)
{
	uint64_t *out = is_local ? &res->orig : &res->val;
	bool validate = true;
	uint32_t sz = 0, ty = 0;
	int err = 0;

	switch (em_core_relo_class(kind)) {
	case EM_CORE_FIELD:
		if (kind == BPF_CORE_FIELD_EXISTS) {
			*out = spec != NULL;
			break;
		}
		if (!spec) {
			res->poison = true;
			res->why = "no matching field in target";
			break;
		}
		err = field_value(spec, kind, out, &sz, &ty, &validate);
		break;
	case EM_CORE_TYPE:
		if (!spec) {
			*out = 0;
			break;
		}
		if (kind == BPF_CORE_TYPE_ID_TARGET) {
			*out = spec->root_id;
			validate = false; /* ids change when objects are linked */
		} else if (kind == BPF_CORE_TYPE_SIZE) {
			uint32_t size;

			if (em_btf_resolve_size(spec->btf, spec->root_id, &size))
				return -EBADMSG;
			*out = size;
		} else {
			*out = 1; /* TYPE_EXISTS, TYPE_MATCHES */
		}
		break;
	case EM_CORE_ENUMVAL:
		if (kind == BPF_CORE_ENUMVAL_EXISTS) {
			*out = spec != NULL;
		} else if (!spec) {
			res->poison = true;
			res->why = "no matching enumerator in target";
		} else {
			*out = enumval(spec->btf, &spec->acc[0]);
		}
		break;
	}
	if (err)
		return err;
	if (is_local) {
		res->validate = validate;
		res->orig_sz = sz;
		res->orig_type = ty;
	} else {
		res->new_sz = sz;
		res->new_type = ty;
	}
	return 0;
}

/* Local and target values, and whether a load/store of the field may change size. */
static int values(const struct em_core_spec *local, const struct em_core_spec *targ,
		  struct result *res)
{
	int err;

	memset(res, 0, sizeof(*res));
	err = spec_value(local, true, local->kind, res);
	if (!err)
		err = spec_value(targ, false, local->kind, res);
	if (err || res->poison || local->kind != BPF_CORE_FIELD_BYTE_OFFSET ||
	    res->orig_sz == res->new_sz)
		return err;
	/* A different size is harmless only where zero extension keeps the value:
	 * pointers (a 32-bit kernel's, read into a 64-bit register) and unsigned integers. */
	const struct btf_type *lt = em_btf_type(local->btf, res->orig_type);
	const struct btf_type *tt = em_btf_type(targ->btf, res->new_type);
	uint32_t le = 0, te = 0;

	if (lt && tt && em_btf_kind(lt) == BTF_KIND_PTR && em_btf_kind(tt) == BTF_KIND_PTR)
		return 0;
	if (lt && tt && em_btf_kind(lt) == BTF_KIND_INT && em_btf_kind(tt) == BTF_KIND_INT) {
		memcpy(&le, em_btf_tail(lt), sizeof(le));
		memcpy(&te, em_btf_tail(tt), sizeof(te));
		if (!(BTF_INT_ENCODING(le) & BTF_INT_SIGNED) &&
		    !(BTF_INT_ENCODING(te) & BTF_INT_SIGNED))
			return 0;
	}
	res->bad_resize = true;
	return 0;
}

/* ---- the fixup of one instruction ------------------------------------------------------------ */

/* Bytes a load or store moves, by BPF_SIZE() >> 3: BPF_W, BPF_H, BPF_B, BPF_DW. */
static const uint8_t size_bytes[] = { 4, 2, 1, 8 };

/* The BPF_SIZE() of a load or store of bytes bytes, or -1 when none has that size. */
static int bytes_to_bpf_size(uint32_t bytes)
{
	for (int i = 0; i < 4; i++)
		if (size_bytes[i] == bytes)
			return i << 3;
	return -1;
}

static uint32_t bpf_size_to_bytes(uint8_t code)
{
	return size_bytes[BPF_SIZE(code) >> 3];
}

/* The relocated value must be what clang put there (for the local types). */
static bool holds(uint64_t have, const struct result *res, bool enum32)
{
	if (!res->validate || have == res->orig)
		return true;
	/* a 32-bit enumerator may be written sign- or zero-extended */
	return enum32 && (uint32_t)have == (uint32_t)res->orig;
}

static int mismatch(const struct site *s, const char *what, uint64_t have, const struct result *res)
{
	site_log(EBPFMINI_LOG_ERROR, s, "%s holds %" PRIu64 ", expected %" PRIu64, what, have,
		 res->orig);
	return -EBADMSG;
}

/*
 * What the relocation does to its instruction: f->before is the instruction
 * as read (both halves of an ld_imm64), f->after what it becomes. The
 * instruction is only read; em_core_patch() writes f->after.
 */
static int plan(const struct site *s, const struct em_code_sec *sec, const struct result *res,
		struct em_core_fixup *f)
{
	const struct bpf_insn *insn = &sec->insns[s->insn];
	struct bpf_insn *out = f->after;
	bool ldimm = em_insn_is_ld_imm64(insn) && s->insn + 1 < sec->insn_cnt;
	bool enum32 =
		em_core_relo_class(s->r->kind) == EM_CORE_ENUMVAL &&
		em_btf_kind(em_btf_type(s->local->btf, s->local->acc[0].type_id)) == BTF_KIND_ENUM;
	uint64_t have;

	f->ninsns = ldimm ? 2 : 1;
	memcpy(f->before, insn, f->ninsns * sizeof(*insn));
	memcpy(f->after, f->before, sizeof(f->after));
	f->why = res->why;
	if (res->poison)
		goto poison;
	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		if (BPF_SRC(insn->code) != BPF_K) {
			site_log(EBPFMINI_LOG_ERROR, s, "ALU instruction without an immediate");
			return -EBADMSG;
		}
		/* a 32-bit immediate: compare the low halves */
		have = (uint32_t)insn->imm;
		if (res->validate && have != (uint32_t)res->orig)
			return mismatch(s, "immediate", have, res);
		if (res->val > UINT32_MAX) {
			site_log(EBPFMINI_LOG_ERROR, s,
				 "value %" PRIu64 " does not fit an immediate", res->val);
			return -E2BIG;
		}
		f->op = EM_CORE_FIX_IMM;
		f->old_val = (uint64_t)(int64_t)insn->imm;
		f->new_val = res->val;
		out->imm = (int32_t)(uint32_t)res->val;
		return 0;
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		if (!holds((uint64_t)(int64_t)insn->off, res, false))
			return mismatch(s, "memory offset", (uint64_t)(int64_t)insn->off, res);
		if (res->val > INT16_MAX) {
			site_log(EBPFMINI_LOG_ERROR, s,
				 "offset %" PRIu64 " does not fit a load/store", res->val);
			return -E2BIG;
		}
		f->old_size = f->new_size = bpf_size_to_bytes(insn->code);
		if (res->new_sz != res->orig_sz) {
			int code_sz = bytes_to_bpf_size(res->new_sz);

			if (res->bad_resize) {
				f->why = "field size changed and only unsigned integers and "
					 "pointers can be read with another size";
				goto poison;
			}
			if (bpf_size_to_bytes(insn->code) != res->orig_sz) {
				site_log(EBPFMINI_LOG_ERROR, s,
					 "a %u-byte access to a %u-byte field cannot be resized",
					 bpf_size_to_bytes(insn->code), res->orig_sz);
				return -EBADMSG;
			}
			if (code_sz < 0) {
				f->why = "field size changed to one no load or store has";
				goto poison;
			}
			if (BPF_MODE(insn->code) != BPF_MEM) { /* atomic, sign-extending */
				f->why = "field size changed and the access is not a plain load "
					 "or store";
				goto poison;
			}
			f->new_size = res->new_sz;
			out->code =
				(uint8_t)(BPF_CLASS(insn->code) | BPF_MODE(insn->code) | code_sz);
		}
		f->op = EM_CORE_FIX_OFF;
		f->old_val = (uint64_t)(int64_t)insn->off;
		f->new_val = res->val;
		out->off = (int16_t)res->val;
		return 0;
	case BPF_LD:
		if (!ldimm || insn[0].src_reg || insn[0].off || insn[1].code || insn[1].dst_reg ||
		    insn[1].src_reg || insn[1].off) {
			site_log(EBPFMINI_LOG_ERROR, s, "not a plain 64-bit immediate load");
			return -EBADMSG;
		}
		have = (uint64_t)(uint32_t)insn[1].imm << 32 | (uint32_t)insn[0].imm;
		if (!holds(have, res, enum32))
			return mismatch(s, "64-bit immediate", have, res);
		f->op = EM_CORE_FIX_IMM64;
		f->old_val = have;
		f->new_val = res->val;
		out[0].imm = (int32_t)(uint32_t)res->val;
		out[1].imm = (int32_t)(uint32_t)(res->val >> 32);
		return 0;
	default:
		site_log(EBPFMINI_LOG_ERROR, s, "instruction 0x%02x cannot be relocated",
			 insn->code);
		return -EBADMSG;
	}
poison:
	f->op = EM_CORE_FIX_POISON;
	f->old_val = f->new_val = 0;
	f->old_size = f->new_size = 0;
	memcpy(f->after, f->before, sizeof(f->after));
	for (uint32_t i = 0; i < f->ninsns; i++)
		out[i] = (struct bpf_insn){ .code = BPF_JMP | BPF_CALL,
					    .imm = EM_CORE_POISON_HELPER };
	return 0;
}

/* ---- one relocation ------------------------------------------------------------------------ */

struct ctx {
	const struct em_core_input *in;
	const struct em_core_target *t; /* indexes set */
	size_t nt;
	struct em_core_spec local, cand, targ; /* scratch, ~1.4 KiB each */
};

/* Essential name of a relocation's root type, or NULL for an anonymous one. */
static const char *root_name(const struct ebpfmini_btf *btf, uint32_t type_id, size_t *len)
{
	const char *name = em_btf_type_name(btf, em_btf_type(btf, type_id));

	*len = em_core_essential_len(name);
	return *len ? name : NULL;
}

/* Fill f (its site fields already set) with the values and the instruction's change. */
static int finish(const struct site *s, const struct em_code_sec *sec, const struct result *res,
		  uint32_t targ_id, const char *targ_name, struct em_core_fixup *f)
{
	char desc[256];

	f->targ_id = targ_id;
	f->targ_name = targ_name;
	describe(s, desc, sizeof(desc));
	f->what = em_strdup(desc);
	if (!f->what)
		return -ENOMEM;
	return plan(s, sec, res, f);
}

/* A second candidate (cand_id, values cres) that matches too must agree with the first. */
static int ambiguous(const struct ctx *c, const struct site *s, const struct result *res,
		     const struct result *cres, uint32_t cand_id)
{
	if (em_core_relo_class(s->r->kind) == EM_CORE_FIELD && c->cand.bit_off != c->targ.bit_off) {
		site_log(EBPFMINI_LOG_ERROR, s,
			 "target types [%u] and [%u] both match but place the field at "
			 "bits %" PRIu64 " and %" PRIu64,
			 c->targ.root_id, cand_id, c->targ.bit_off, c->cand.bit_off);
		return -EINVAL;
	}
	if (cres->poison != res->poison || cres->val != res->val) {
		site_log(EBPFMINI_LOG_ERROR, s,
			 "target types [%u] and [%u] both match but give %" PRIu64 " and %" PRIu64,
			 c->targ.root_id, cand_id, res->val, cres->val);
		return -EINVAL;
	}
	return 0;
}

static int calc_one(struct ctx *c, size_t code, const struct relo *r, uint32_t index,
		    struct em_core_fixup *f)
{
	const struct em_code_sec *sec = &c->in->code[code];
	const struct ebpfmini_btf *lb = c->in->btf;
	struct site s = { sec, r->insn_off / 8, index, r, NULL };
	const struct em_core_cands *cands;
	const struct btf_type *lt;
	struct result res, cres;
	const char *access, *name, *why = "";
	size_t len;
	bool found = false, any_kind = false;
	size_t targ_k = 0;
	int err;

	*f = (struct em_core_fixup){ .code = code,
				     .sec = sec->name,
				     .insn = s.insn,
				     .rec = index,
				     .kind = r->kind,
				     .local_id = r->type_id };
	if (r->kind > EM_CORE_KIND_MAX) {
		site_log(EBPFMINI_LOG_ERROR, &s, "unknown relocation kind %u", r->kind);
		return -EOPNOTSUPP;
	}
	if (s.insn >= sec->insn_cnt) {
		site_log(EBPFMINI_LOG_ERROR, &s, "instruction beyond the section's %zu",
			 sec->insn_cnt);
		return -EBADMSG;
	}
	lt = em_btf_type(lb, r->type_id);
	access = em_btf_str(lb, r->access_str_off);
	if (!lt || !access) {
		site_log(EBPFMINI_LOG_ERROR, &s, "type id or access string out of range");
		return -EBADMSG;
	}
	err = em_core_spec_parse(lb, r->type_id, r->kind, access, &c->local, &why);
	if (err) {
		site_log(EBPFMINI_LOG_ERROR, &s, "access string \"%s\": %s", access, why);
		return err;
	}
	s.local = &c->local;

	if (r->kind == BPF_CORE_TYPE_ID_LOCAL) {
		memset(&res, 0, sizeof(res));
		res.orig = res.val = r->type_id;
		return finish(&s, sec, &res, 0, NULL, f);
	}
	name = root_name(lb, r->type_id, &len);
	if (!name) {
		site_log(EBPFMINI_LOG_ERROR, &s, "anonymous types cannot be relocated");
		return -EOPNOTSUPP;
	}
	/* the first target's candidates; the others' (modules) only when it has none */
	for (size_t k = 0; k < c->nt && !(k == 1 && any_kind); k++) {
		const struct ebpfmini_btf *tb = c->t[k].btf;

		cands = em_core_index_get(c->t[k].idx, name, len);
		for (size_t i = 0; cands && i < cands->n; i++) {
			const struct btf_type *t = em_btf_type(tb, cands->ids[i]);

			if (!t || !em_core_kinds_compat(lt, t))
				continue;
			any_kind = true;
			err = em_core_spec_match(&c->local, tb, cands->ids[i], &c->cand);
			if (err < 0) {
				site_log(EBPFMINI_LOG_ERROR, &s,
					 "target type [%u] is malformed: %s", cands->ids[i],
					 strerror(-err));
				return err;
			}
			if (!err)
				continue;
			err = values(&c->local, &c->cand, &cres);
			if (err)
				goto values_failed;
			if (!found) {
				res = cres;
				c->targ = c->cand;
				targ_k = k;
				found = true;
				continue;
			}
			err = ambiguous(c, &s, &res, &cres, cands->ids[i]);
			if (err)
				return err;
		}
	}
	if (!found) {
		err = values(&c->local, NULL, &res);
		if (err)
			goto values_failed;
		if (res.poison && !any_kind)
			res.why = "no type of that name in target";
	}
	return finish(&s, sec, &res, found ? c->targ.root_id : 0,
		      found && targ_k ? c->t[targ_k].name : NULL, f);

values_failed:
	if (err == -E2BIG)
		site_log(EBPFMINI_LOG_ERROR, &s, "the bitfield cannot be read with one load");
	else if (err == -EOPNOTSUPP)
		site_log(EBPFMINI_LOG_ERROR, &s, "an array element has no such property");
	else if (err == -ERANGE)
		site_log(EBPFMINI_LOG_ERROR, &s, "the field lies beyond 4 GiB");
	else
		site_log(EBPFMINI_LOG_ERROR, &s, "cannot compute the value: %s", strerror(-err));
	return err == -EOPNOTSUPP || err == -ERANGE ? -EBADMSG : err;
}

/* ---- driver ----------------------------------------------------------------------------------- */

static void read_relo(const struct em_btf_ext_info *info, const struct em_btf_ext_sec *sec,
		      uint32_t i, struct relo *r)
{
	memcpy(r, sec->data + (size_t)i * info->rec_size, sizeof(*r));
}

/* Index of the code section called name, or -1. */
static ssize_t code_sec(const struct em_core_input *in, const char *name)
{
	for (size_t i = 0; i < in->ncode; i++)
		if (strcmp(in->code[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

/*
 * Ask the index, in one pass over the target, for every root name the
 * relocations need (scan: now; else open the scan for a parse to make).
 */
static int want_names(const struct em_core_input *in, size_t total, struct em_core_index *idx,
		      bool scan)
{
	const struct em_btf_ext_info *info = in->relos;
	const char **names;
	size_t *lens, n = 0;
	int err;

	names = em_calloc(total, sizeof(*names));
	lens = em_calloc(total, sizeof(*lens));
	if (!names || !lens) {
		free(names);
		free(lens);
		return -ENOMEM;
	}
	for (size_t s = 0; s < info->nsecs; s++) {
		for (uint32_t i = 0; i < info->secs[s].num_info; i++) {
			struct relo r;

			read_relo(info, &info->secs[s], i, &r);
			if (r.kind == BPF_CORE_TYPE_ID_LOCAL)
				continue;
			names[n] = root_name(in->btf, r.type_id, &lens[n]);
			if (names[n])
				n++;
		}
	}
	err = scan ? em_core_index_add(idx, names, lens, n) : em_core_index_want(idx, names, lens, n);
	free(names);
	free(lens);
	return err;
}

int em_core_want_names(const struct em_core_input *in, struct em_core_index *idx)
{
	size_t total = 0;

	if (!in || !idx)
		return -EINVAL;
	if (!in->btf || !in->relos)
		return em_core_index_want(idx, NULL, NULL, 0);
	for (size_t s = 0; s < in->relos->nsecs; s++)
		total += in->relos->secs[s].num_info;
	return want_names(in, total, idx, false);
}

/* Every record of every section, in order. */
static int calc_all(struct ctx *c, struct em_core_fixups *fx)
{
	const struct em_btf_ext_info *info = c->in->relos;

	for (size_t s = 0; s < info->nsecs; s++) {
		const struct em_btf_ext_sec *es = &info->secs[s];
		ssize_t code = code_sec(c->in, es->sec_name);

		if (code < 0) {
			em_err("core: .BTF.ext: %u relocations for section '%s', which holds no "
			       "code",
			       es->num_info, es->sec_name);
			return -EBADMSG;
		}
		for (uint32_t i = 0; i < es->num_info; i++) {
			struct relo r;
			int err;

			read_relo(info, es, i, &r);
			err = calc_one(c, (size_t)code, &r, i, &fx->v[fx->n]);
			if (err) {
				free(fx->v[fx->n].what);
				return err;
			}
			fx->n++;
		}
	}
	return 0;
}

int em_core_calc_targets(const struct em_core_input *in, const struct em_core_target *targets,
			 size_t n, struct em_core_fixups **out)
{
	struct em_core_target *t = NULL;
	struct em_core_fixups *fx;
	bool *own = NULL;
	struct ctx *c = NULL;
	size_t total = 0;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!in || !targets || !n || (in->ncode && !in->code))
		return -EINVAL;
	for (size_t k = 0; k < n; k++)
		if (!targets[k].btf ||
		    (targets[k].idx && em_core_index_target(targets[k].idx) != targets[k].btf))
			return -EINVAL;
	fx = calloc(1, sizeof(*fx));
	if (!fx)
		return -ENOMEM;
	if (!in->btf || !in->relos || !in->relos->nsecs) {
		*out = fx;
		return 0;
	}
	for (size_t s = 0; s < in->relos->nsecs; s++)
		total += in->relos->secs[s].num_info;
	if (total > INT_MAX) {
		err = -E2BIG;
		goto out;
	}
	fx->v = em_calloc(total ? total : 1, sizeof(*fx->v));
	c = calloc(1, sizeof(*c));
	t = em_calloc(n, sizeof(*t));
	own = em_calloc(n, sizeof(*own));
	if (!fx->v || !c || !t || !own) {
		err = -ENOMEM;
		goto out;
	}
	err = 0;
	for (size_t k = 0; k < n && !err; k++) {
		t[k] = targets[k];
		if (!t[k].idx) {
			err = em_core_index_new(t[k].btf, &t[k].idx);
			own[k] = !err;
		}
		if (!err)
			err = want_names(in, total, t[k].idx, true);
	}
	if (err)
		goto out;
	c->in = in;
	c->t = t;
	c->nt = n;
	err = calc_all(c, fx);
out:
	for (size_t k = 0; t && k < n; k++)
		if (own[k])
			em_core_index_free(t[k].idx);
	free(t);
	free(own);
	free(c);
	if (err) {
		em_core_fixups_free(fx);
		return err;
	}
	*out = fx;
	return (int)fx->n;
}

int em_core_calc(const struct em_core_input *in, const struct ebpfmini_btf *target,
		 struct em_core_index *idx, struct em_core_fixups **out)
{
	struct em_core_target t = { target, idx, NULL };

	if (!target) {
		if (out)
			*out = NULL;
		return -EINVAL;
	}
	return em_core_calc_targets(in, &t, 1, out);
}

int em_core_unmatched(const struct em_core_input *in, struct em_core_index *idx)
{
	const struct em_btf_ext_info *info;
	const struct ebpfmini_btf *tb;
	size_t total = 0;
	int n = 0, err;

	if (!in || !idx)
		return -EINVAL;
	info = in->relos;
	if (!in->btf || !info)
		return 0;
	for (size_t s = 0; s < info->nsecs; s++)
		total += info->secs[s].num_info;
	if (!total)
		return 0;
	if (total > INT_MAX)
		return -E2BIG;
	err = want_names(in, total, idx, true);
	if (err)
		return err;
	tb = em_core_index_target(idx);
	for (size_t s = 0; s < info->nsecs; s++) {
		for (uint32_t i = 0; i < info->secs[s].num_info; i++) {
			const struct em_core_cands *cands;
			const struct btf_type *lt;
			bool any = false;
			const char *name;
			struct relo r;
			size_t len;

			read_relo(info, &info->secs[s], i, &r);
			lt = em_btf_type(in->btf, r.type_id);
			if (r.kind == BPF_CORE_TYPE_ID_LOCAL || !lt ||
			    !(name = root_name(in->btf, r.type_id, &len)))
				continue;
			cands = em_core_index_get(idx, name, len);
			for (size_t k = 0; cands && k < cands->n && !any; k++) {
				const struct btf_type *t = em_btf_type(tb, cands->ids[k]);

				any = t && em_core_kinds_compat(lt, t);
			}
			n += !any && n < INT_MAX;
		}
	}
	return n;
}
