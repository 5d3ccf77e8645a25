/* core_match.c - CO-RE candidate search and type matching between local and target BTF (L2 core, pure) */
#include <stdlib.h>

#include "core.h"
#include "internal.h"

/* Recursion limits of the type walks: deeper nesting is treated as malformed. */
#define MATCH_DEPTH 32
/*
 * Work limit of one match, in members, parameters and enumerators visited.
 * The depth limit alone does not bound the time: malformed BTF whose types
 * refer to one shared type several times per level (two anonymous members of
 * the same struct, level after level) makes the walks below visit it
 * 2^MATCH_DEPTH times. Real types need a few thousand steps.
 */
#define MATCH_STEPS (1u << 20)

/* Takes one step from the budget; false (the walk gives up with -ELOOP) when it is spent. */
static bool spend(uint32_t *budget)
{
	if (!*budget)
		return false;
	(*budget)--;
	return true;
}

/* ---- small BTF helpers -------------------------------------------------------------- */

/* Type 0 (void) as a record of kind UNKN, so that walks can treat it like any type. */
static const struct btf_type void_type;

static const struct btf_type *type_at(const struct ebpfmini_btf *btf, uint32_t id)
{
	return id == 0 ? &void_type : em_btf_type(btf, id);
}

/* Follow modifiers and typedefs from id; NULL for a bad id or a loop. */
static const struct btf_type *skip_mods(const struct ebpfmini_btf *btf, uint32_t id,
					uint32_t *res_id)
{
	int r = em_btf_skip_mods(btf, id);

	if (r < 0)
		return NULL;
	if (res_id)
		*res_id = (uint32_t)r;
	return type_at(btf, (uint32_t)r);
}

static bool is_composite(const struct btf_type *t)
{
	return em_btf_kind(t) == BTF_KIND_STRUCT || em_btf_kind(t) == BTF_KIND_UNION;
}

static bool is_any_enum(const struct btf_type *t)
{
	return em_btf_kind(t) == BTF_KIND_ENUM || em_btf_kind(t) == BTF_KIND_ENUM64;
}

static uint32_t int_bits_offset(const struct btf_type *t)
{
	uint32_t v;

	memcpy(&v, em_btf_tail(t), sizeof(v));
	return BTF_INT_OFFSET(v);
}

static uint32_t int_encoding(const struct btf_type *t)
{
	uint32_t v;

	memcpy(&v, em_btf_tail(t), sizeof(v));
	return BTF_INT_ENCODING(v);
}

/* Name offset of enumerator i of an ENUM or ENUM64. */
static uint32_t enumerator_name_off(const struct btf_type *t, uint32_t i)
{
	uint32_t off;

	em_btf_enum_val(t, i, &off);
	return off;
}

static uint32_t member_bit_off(const struct btf_type *t, const struct btf_member *m)
{
	return em_btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
}

bool em_core_kinds_compat(const struct btf_type *a, const struct btf_type *b)
{
	return em_btf_kind(a) == em_btf_kind(b) || (is_any_enum(a) && is_any_enum(b));
}

enum em_core_relo_class em_core_relo_class(uint32_t kind)
{
	switch (kind) {
	case BPF_CORE_FIELD_BYTE_OFFSET:
	case BPF_CORE_FIELD_BYTE_SIZE:
	case BPF_CORE_FIELD_EXISTS:
	case BPF_CORE_FIELD_SIGNED:
	case BPF_CORE_FIELD_LSHIFT_U64:
	case BPF_CORE_FIELD_RSHIFT_U64:
		return EM_CORE_FIELD;
	case BPF_CORE_ENUMVAL_EXISTS:
	case BPF_CORE_ENUMVAL_VALUE:
		return EM_CORE_ENUMVAL;
	default:
		return EM_CORE_TYPE;
	}
}

const char *em_core_kind_name(uint32_t kind)
{
	static const char *const names[] = {
		"field_byte_offset", "field_byte_size",  "field_exists",   "field_signed",
		"field_lshift_u64",  "field_rshift_u64", "type_id_local",  "type_id_target",
		"type_exists",       "type_size",        "enumval_exists", "enumval_value",
		"type_matches",
	};

	return kind < EM_ARRAY_SIZE(names) ? names[kind] : "unknown";
}

/* ---- names ------------------------------------------------------------------------------ */

size_t em_core_essential_len(const char *name)
{
	size_t n = strlen(name);

	/* the last "___" with a non-'_' on both sides ends the essential part */
	for (size_t i = n >= 5 ? n - 4 : 0; i >= 1; i--) {
		if (name[i] == '_' && name[i + 1] == '_' && name[i + 2] == '_' &&
		    name[i - 1] != '_' && name[i + 3] != '_')
			return i;
	}
	return n;
}

/* Both anonymous, or both named with the same essential name. */
static bool names_match(const struct ebpfmini_btf *lb, uint32_t loff, const struct ebpfmini_btf *tb,
			uint32_t toff)
{
	const char *l = em_btf_str(lb, loff), *t = em_btf_str(tb, toff);
	size_t ll, tl;

	if (!l || !t)
		return false;
	if (!*t || !*l)
		return !*t && !*l;
	ll = em_core_essential_len(l);
	tl = em_core_essential_len(t);
	return ll == tl && memcmp(l, t, ll) == 0;
}

/* ---- field access matching ----------------------------------------------------------------- */

/*
 * Whether a local field type and a target field type may be relocated into
 * each other (modifiers and typedefs skipped): any two structs/unions; two
 * pointers; two floats; forward declarations and enums (ENUM and ENUM64 mix)
 * with equal essential names or one of them anonymous; any two integers that
 * are not old-style bitfield integers; arrays whose element types qualify.
 */
static int fields_compat(const struct ebpfmini_btf *lb, uint32_t lid, const struct ebpfmini_btf *tb,
			 uint32_t tid)
{
	for (int depth = 0; depth < MATCH_DEPTH; depth++) {
		const struct btf_type *l = skip_mods(lb, lid, &lid);
		const struct btf_type *t = skip_mods(tb, tid, &tid);

		if (!l || !t)
			return -EBADMSG;
		if (is_composite(l) && is_composite(t))
			return 1;
		if (!em_core_kinds_compat(l, t))
			return 0;
		switch (em_btf_kind(l)) {
		case BTF_KIND_PTR:
		case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64: {
			const char *ln = em_btf_type_name(lb, l), *tn = em_btf_type_name(tb, t);
			size_t ll = em_core_essential_len(ln), tl = em_core_essential_len(tn);

			return !ll || !tl || (ll == tl && memcmp(ln, tn, ll) == 0);
		}
		case BTF_KIND_INT:
			return int_bits_offset(l) == 0 && int_bits_offset(t) == 0;
		case BTF_KIND_ARRAY:
			lid = ((const struct btf_array *)em_btf_tail(l))->type;
			tid = ((const struct btf_array *)em_btf_tail(t))->type;
			continue;
		default:
			return 0;
		}
	}
	return -ELOOP;
}

/* A zero-length array as the last member of the struct the previous step named. */
static bool is_flex_array(const struct ebpfmini_btf *btf, const struct em_core_acc *prev,
			  const struct btf_array *a)
{
	const struct btf_type *t;

	if (!prev->name || a->nelems > 0)
		return false;
	t = em_btf_type(btf, prev->type_id);
	return t && prev->idx + 1 == em_btf_vlen(t);
}

/*
 * Find the member named like local's named step inside target composite tid,
 * descending into anonymous struct/union members, and extend targ with the
 * raw steps and bit offset on the way. 1: found and compatible, 0: not, < 0: error.
 */
struct member_walk {
	uint32_t budget;
	/* anonymous members' types already searched in vain: a type is searched
	 * once, however many members lead to it (else 2^depth visits) */
	uint32_t failed[2 * MATCH_DEPTH];
	uint32_t nfailed;
};

static bool failed_before(const struct member_walk *w, uint32_t tid)
{
	for (uint32_t i = 0; i < w->nfailed; i++)
		if (w->failed[i] == tid)
			return true;
	return false;
}

static int match_member(const struct em_core_spec *local, const struct em_core_acc *lacc,
			const struct ebpfmini_btf *tb, uint32_t tid, struct em_core_spec *targ,
			uint32_t *next_tid, int depth, struct member_walk *w)
{
	const struct btf_type *t = skip_mods(tb, tid, &tid), *lt;
	const struct btf_member *lm, *m;
	uint32_t vlen;

	if (!t)
		return -EBADMSG;
	if (!is_composite(t))
		return 0;
	if (depth > MATCH_DEPTH)
		return -ELOOP;
	lt = em_btf_type(local->btf, lacc->type_id);
	lm = (const struct btf_member *)em_btf_tail(lt) + lacc->idx;
	m = em_btf_tail(t);
	vlen = em_btf_vlen(t);
	for (uint32_t i = 0; i < vlen; i++, m++) {
		uint32_t bit_off = member_bit_off(t, m);
		const char *name = em_btf_str(tb, m->name_off);
		int found;

		if (!name)
			return -EBADMSG;
		if (!spend(&w->budget))
			return -ELOOP;
		if (targ->raw_len == EM_CORE_SPEC_MAX)
			return -E2BIG;
		if (!*name && failed_before(w, m->type))
			continue;
		/* assume this member is the one; undone below if not */
		targ->bit_off += bit_off;
		targ->raw[targ->raw_len++] = i;
		if (!*name) {
			found = match_member(local, lacc, tb, m->type, targ, next_tid, depth + 1, w);
			if (found)
				return found;
			if (w->nfailed < EM_ARRAY_SIZE(w->failed))
				w->failed[w->nfailed++] = m->type;
		} else if (strcmp(name, lacc->name) == 0) {
			if (targ->len == EM_CORE_SPEC_MAX)
				return -E2BIG;
			found = fields_compat(local->btf, lm->type, tb, m->type);
			if (found > 0) {
				targ->acc[targ->len++] = (struct em_core_acc){ tid, i, name };
				*next_tid = m->type;
			}
			return found;
		}
		targ->bit_off -= bit_off;
		targ->raw_len--;
	}
	return 0;
}

static int match_enumval(const struct em_core_spec *local, const struct ebpfmini_btf *tb,
			 uint32_t tid, struct em_core_spec *targ)
{
	const struct btf_type *t = skip_mods(tb, tid, &tid);
	const char *lname = local->acc[0].name;
	size_t llen = em_core_essential_len(lname);

	if (!t)
		return -EBADMSG;
	if (!is_any_enum(t))
		return 0;
	for (uint32_t i = 0; i < em_btf_vlen(t); i++) {
		const char *name = em_btf_str(tb, enumerator_name_off(t, i));

		if (!name)
			return -EBADMSG;
		if (em_core_essential_len(name) == llen && memcmp(name, lname, llen) == 0) {
			targ->acc[0] = (struct em_core_acc){ tid, i, name };
			targ->len = 1;
			targ->raw[0] = i;
			targ->raw_len = 1;
			return 1;
		}
	}
	return 0;
}

/* ---- whole-type relations ---------------------------------------------------------------- */

static int types_compat(const struct ebpfmini_btf *lb, uint32_t lid, const struct ebpfmini_btf *tb,
			uint32_t tid, int level, uint32_t *budget)
{
	for (int depth = 0; depth < MATCH_DEPTH; depth++) {
		const struct btf_type *l = skip_mods(lb, lid, &lid);
		const struct btf_type *t = skip_mods(tb, tid, &tid);

		if (!l || !t)
			return -EBADMSG;
		if (!em_core_kinds_compat(l, t))
			return 0;
		switch (em_btf_kind(l)) {
		case BTF_KIND_UNKN:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_FWD:
		case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_INT:
			return int_bits_offset(l) == 0 && int_bits_offset(t) == 0;
		case BTF_KIND_PTR:
			lid = l->type;
			tid = t->type;
			continue;
		case BTF_KIND_ARRAY:
			lid = ((const struct btf_array *)em_btf_tail(l))->type;
			tid = ((const struct btf_array *)em_btf_tail(t))->type;
			continue;
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *lp = em_btf_tail(l), *tp = em_btf_tail(t);

			if (em_btf_vlen(l) != em_btf_vlen(t))
				return 0;
			if (level <= 0)
				return -ELOOP;
			for (uint32_t i = 0; i < em_btf_vlen(l); i++) {
				int r = spend(budget) ? types_compat(lb, lp[i].type, tb, tp[i].type,
								     level - 1, budget) :
							-ELOOP;

				if (r <= 0)
					return r;
			}
			lid = l->type; /* then the return type */
			tid = t->type;
			continue;
		}
		default:
			return 0;
		}
	}
	return -ELOOP;
}

int em_core_types_compat(const struct ebpfmini_btf *lb, uint32_t lid, const struct ebpfmini_btf *tb,
			 uint32_t tid)
{
	const struct btf_type *l = type_at(lb, lid), *t = type_at(tb, tid);
	uint32_t budget = MATCH_STEPS;

	if (!l || !t)
		return -EBADMSG;
	/* the roots (typedefs included) must be of one kind; their names matched already */
	if (!em_core_kinds_compat(l, t))
		return 0;
	return types_compat(lb, lid, tb, tid, MATCH_DEPTH, &budget);
}

static int types_match(const struct ebpfmini_btf *lb, uint32_t lid, const struct ebpfmini_btf *tb,
		       uint32_t tid, bool behind_ptr, int level, uint32_t *budget);

static int enums_match(const struct ebpfmini_btf *lb, const struct btf_type *l,
		       const struct ebpfmini_btf *tb, const struct btf_type *t, uint32_t *budget)
{
	if (l->size != t->size || em_btf_vlen(l) > em_btf_vlen(t))
		return 0;
	for (uint32_t i = 0; i < em_btf_vlen(l); i++) {
		bool found = false;

		for (uint32_t j = 0; j < em_btf_vlen(t) && !found; j++) {
			if (!spend(budget))
				return -ELOOP;
			found = names_match(lb, enumerator_name_off(l, i), tb,
					    enumerator_name_off(t, j));
		}
		if (!found)
			return 0;
	}
	return 1;
}

static int composites_match(const struct ebpfmini_btf *lb, const struct btf_type *l,
			    const struct ebpfmini_btf *tb, const struct btf_type *t,
			    bool behind_ptr, int level, uint32_t *budget)
{
	const struct btf_member *lm = em_btf_tail(l);

	if (em_btf_vlen(l) > em_btf_vlen(t))
		return 0;
	for (uint32_t i = 0; i < em_btf_vlen(l); i++, lm++) {
		const struct btf_member *tm = em_btf_tail(t);
		int found = 0;

		for (uint32_t j = 0; j < em_btf_vlen(t) && !found; j++, tm++) {
			if (!spend(budget))
				return -ELOOP;
			if (!names_match(lb, lm->name_off, tb, tm->name_off))
				continue;
			found = types_match(lb, lm->type, tb, tm->type, behind_ptr, level - 1,
					    budget);
			if (found < 0)
				return found;
		}
		if (!found)
			return 0;
	}
	return 1;
}

static int types_match(const struct ebpfmini_btf *lb, uint32_t lid, const struct ebpfmini_btf *tb,
		       uint32_t tid, bool behind_ptr, int level, uint32_t *budget)
{
	if (level <= 0)
		return -ELOOP;
	for (int depth = 0; depth < MATCH_DEPTH; depth++) {
		const struct btf_type *l = skip_mods(lb, lid, &lid);
		const struct btf_type *t = skip_mods(tb, tid, &tid);
		unsigned int lk, tk;

		if (!l || !t)
			return -EBADMSG;
		if (!names_match(lb, l->name_off, tb, t->name_off))
			return 0;
		lk = em_btf_kind(l);
		tk = em_btf_kind(t);
		switch (lk) {
		case BTF_KIND_UNKN:
			return tk == BTF_KIND_UNKN;
		case BTF_KIND_FWD:
			if (tk == BTF_KIND_FWD)
				return em_btf_kflag(l) == em_btf_kflag(t);
			/* behind a pointer a forward declaration stands for its struct or union */
			return behind_ptr && ((tk == BTF_KIND_STRUCT && !em_btf_kflag(l)) ||
					      (tk == BTF_KIND_UNION && em_btf_kflag(l)));
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			return is_any_enum(t) ? enums_match(lb, l, tb, t, budget) : 0;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			if (behind_ptr) {
				if (lk == tk)
					return 1;
				return tk == BTF_KIND_FWD &&
				       (lk == BTF_KIND_UNION) == em_btf_kflag(t);
			}
			if (lk != tk)
				return 0;
			return composites_match(lb, l, tb, t, behind_ptr, level, budget);
		case BTF_KIND_INT:
			return tk == lk && l->size == t->size &&
			       (int_encoding(l) & BTF_INT_SIGNED) ==
				       (int_encoding(t) & BTF_INT_SIGNED);
		case BTF_KIND_FLOAT:
			return tk == lk && l->size == t->size;
		case BTF_KIND_PTR:
			if (tk != lk)
				return 0;
			behind_ptr = true;
			lid = l->type;
			tid = t->type;
			continue;
		case BTF_KIND_ARRAY: {
			const struct btf_array *la = em_btf_tail(l), *ta = em_btf_tail(t);

			if (tk != lk || la->nelems != ta->nelems)
				return 0;
			lid = la->type;
			tid = ta->type;
			continue;
		}
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *lp = em_btf_tail(l), *tp = em_btf_tail(t);

			if (tk != lk || em_btf_vlen(l) != em_btf_vlen(t))
				return 0;
			for (uint32_t i = 0; i < em_btf_vlen(l); i++) {
				int r = spend(budget) ? types_match(lb, lp[i].type, tb, tp[i].type,
								    behind_ptr, level - 1, budget) :
							-ELOOP;

				if (r <= 0)
					return r;
			}
			lid = l->type;
			tid = t->type;
			continue;
		}
		default:
			return 0;
		}
	}
	return -ELOOP;
}

/* ---- the candidate as a whole ----------------------------------------------------------- */

int em_core_spec_match(const struct em_core_spec *local, const struct ebpfmini_btf *tb,
		       uint32_t tid, struct em_core_spec *targ)
{
	struct member_walk w = { .budget = MATCH_STEPS };

	memset(targ, 0, sizeof(*targ));
	targ->btf = tb;
	targ->root_id = tid;
	targ->kind = local->kind;

	switch (em_core_relo_class(local->kind)) {
	case EM_CORE_TYPE:
		if (local->kind == BPF_CORE_TYPE_MATCHES)
			return types_match(local->btf, local->root_id, tb, tid, false, MATCH_DEPTH,
					   &w.budget);
		return em_core_types_compat(local->btf, local->root_id, tb, tid);
	case EM_CORE_ENUMVAL:
		return match_enumval(local, tb, tid, targ);
	case EM_CORE_FIELD:
		break;
	}

	for (uint32_t i = 0; i < local->len; i++) {
		const struct em_core_acc *lacc = &local->acc[i];
		const struct btf_type *t = skip_mods(tb, tid, &tid);
		uint32_t size;
		int r;

		if (!t)
			return -EBADMSG;
		if (lacc->name) {
			w.nfailed = 0; /* another name: what failed before may hold it */
			r = match_member(local, lacc, tb, tid, targ, &tid, 0, &w);
			if (r <= 0)
				return r;
			continue;
		}
		/* an index: the root's (tid is the candidate itself) or an array's */
		if (i > 0) {
			const struct btf_array *a;

			if (em_btf_kind(t) != BTF_KIND_ARRAY)
				return 0;
			a = em_btf_tail(t);
			if (!is_flex_array(tb, &targ->acc[targ->len - 1], a) &&
			    lacc->idx >= a->nelems)
				return 0;
			if (!skip_mods(tb, a->type, &tid))
				return -EBADMSG;
		}
		if (targ->raw_len == EM_CORE_SPEC_MAX || targ->len == EM_CORE_SPEC_MAX)
			return -E2BIG;
		targ->acc[targ->len++] = (struct em_core_acc){ tid, lacc->idx, NULL };
		targ->raw[targ->raw_len++] = lacc->idx;
		r = em_btf_resolve_size(tb, tid, &size);
		if (r)
			return r == -EINVAL ? 0 : r; /* a sizeless target cannot be indexed */
		/* an element past 4 GiB is out of reach (and idx * size * 8 could wrap) */
		if ((uint64_t)lacc->idx * size > UINT32_MAX)
			return 0;
		targ->bit_off += (uint64_t)lacc->idx * size * 8;
	}
	return 1;
}
