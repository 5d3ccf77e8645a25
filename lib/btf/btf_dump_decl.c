/* btf_dump_decl.c - BTF as C: declarators, struct layout and padding, enums (L1 btf, pure) */
#include "btf_dump.h"

/*
 * The layout. Kernel BTF records offsets and sizes but not alignment, so the
 * header reproduces the offsets with what C offers: each struct is laid out
 * as clang lays out its members (natural alignment, bitfields that do not
 * cross a storage unit of their type); where BTF puts a member further on,
 * unnamed bitfields pad up to it ("long: 64;", which, being unnamed, changes
 * no alignment); where BTF puts it earlier than C would, or the size is not a
 * multiple of the alignment, the struct is __attribute__((packed)) and padded
 * explicitly. The alignment used for a struct inside another is the one the
 * written struct has, so every level agrees with what clang will compute.
 */

#define MAX_DECL 32 /* declarator layers (pointers, arrays, prototypes) of one type */

static const struct btf_type *type_at(const struct em_cdump *d, uint32_t id)
{
	return em_btf_type(d->btf, id);
}

static void indent(struct em_cdump *d, int lvl)
{
	for (int i = 0; i < lvl; i++)
		em_btf_dump_putc(d->o, '\t');
}

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) / a * a : v;
}

/* ---- base types ------------------------------------------------------------------- */

/* Size in bytes of an integer type written as name ("long unsigned int"), or -1. */
static int c_int_size(const char *name)
{
	unsigned longs = 0, chr = 0, shrt = 0, in = 0, sign = 0, usign = 0, boo = 0, i128 = 0;
	const char *p = name;

	while (*p) {
		size_t n = strcspn(p, " ");

#define TOK(s) (n == sizeof(s) - 1 && strncmp(p, s, n) == 0)
		if (TOK("long"))
			longs++;
		else if (TOK("char"))
			chr++;
		else if (TOK("short"))
			shrt++;
		else if (TOK("int"))
			in++;
		else if (TOK("signed"))
			sign++;
		else if (TOK("unsigned"))
			usign++;
		else if (TOK("_Bool"))
			boo++;
		else if (TOK("__int128"))
			i128++;
		else
			return -1;
#undef TOK
		p += n;
		while (*p == ' ')
			p++;
	}
	if (sign + usign > 1 || in > 1 || longs > 2 || chr + shrt + boo + i128 + !!longs > 1)
		return -1;
	if (boo)
		return sign + usign + in ? -1 : 1;
	if (i128)
		return in ? -1 : 16;
	if (chr)
		return in ? -1 : 1;
	if (shrt)
		return 2;
	if (longs)
		return 8;
	return in + sign + usign ? 4 : -1;
}

/* The C spelling of an INT or FLOAT type: its BTF name when that is C for the
 * same size, else a C type of its size (the choice is kept in d->sfx). */
static const char *base_name(struct em_cdump *d, uint32_t id, const struct btf_type *t)
{
	static const char *const names[] = {
		NULL,
		"_Bool",
		"char",
		"signed char",
		"unsigned char",
		"short",
		"unsigned short",
		"int",
		"unsigned int",
		"long long",
		"unsigned long long",
		"__int128",
		"unsigned __int128",
		"float",
		"double",
	};
	const char *name = em_btf_type_name(d->btf, t);
	uint32_t pick = 0;

	if (d->sfx[id])
		return d->sfx[id] == 1 ? name : names[d->sfx[id] - 1];
	if (em_btf_kind(t) == BTF_KIND_FLOAT) {
		/* long double is 8 bytes for BPF: a 16-byte one keeps its layout as __int128 */
		if ((!strcmp(name, "float") && t->size == 4) ||
		    (!strcmp(name, "double") && t->size == 8))
			pick = 1;
		else
			pick = t->size == 4 ? 14 : t->size == 8 ? 15 : t->size == 16 ? 12 : 0;
	} else {
		uint32_t enc = BTF_INT_ENCODING(*(const uint32_t *)em_btf_tail(t));
		bool sgn = enc & BTF_INT_SIGNED;

		if (c_int_size(name) == (int)t->size)
			pick = 1;
		else if (t->size == 1)
			pick = enc & BTF_INT_BOOL ? 2 : enc & BTF_INT_CHAR ? 3 : sgn ? 4 : 5;
		else
			pick = t->size == 2  ? (sgn ? 6 : 7) :
			       t->size == 4  ? (sgn ? 8 : 9) :
			       t->size == 8  ? (sgn ? 10 : 11) :
			       t->size == 16 ? (sgn ? 12 : 13) :
					       0;
	}
	if (!pick) {
		em_btf_dump_c_fail(d, -EBADMSG, id, "no C type has its size");
		return "int";
	}
	d->sfx[id] = pick;
	return pick == 1 ? name : names[pick - 1];
}

/* The integer type an enum is written as where it cannot be named. */
static const char *enum_int_name(struct em_cdump *d, uint32_t id, const struct btf_type *t)
{
	bool sgn = em_btf_kflag(t);

	switch (t->size) {
	case 1:
		return sgn ? "signed char" : "unsigned char";
	case 2:
		return sgn ? "short" : "unsigned short";
	case 4:
		return sgn ? "int" : "unsigned int";
	case 8:
		return sgn ? "long long" : "unsigned long long";
	default:
		em_btf_dump_c_fail(d, -EBADMSG, id, "enum of a size no C integer has");
		return "int";
	}
}

/* ---- layout ------------------------------------------------------------------------- */

static uint32_t record_align(struct em_cdump *d, uint32_t id, const struct btf_type *t);

static uint32_t size_align(uint32_t size)
{
	return size && size <= 16 && !(size & (size - 1)) ? size : 1;
}

/* Alignment in bytes of a type as the header writes it. */
static uint32_t type_align(struct em_cdump *d, uint32_t id)
{
	for (uint32_t steps = 0; steps < d->end; steps++) {
		const struct btf_type *t = type_at(d, id);

		if (!t)
			return 1;
		switch (em_btf_kind(t)) {
		case BTF_KIND_INT:
		case BTF_KIND_FLOAT:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			return size_align(t->size);
		case BTF_KIND_PTR:
			return 8;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			return record_align(d, id, t);
		case BTF_KIND_ARRAY:
			id = ((const struct btf_array *)em_btf_tail(t))->type;
			break;
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			id = t->type;
			break;
		default:
			return 1;
		}
	}
	return 1;
}

/* One member as laid out: bit offset, bitfield width (0: not a bitfield). */
struct mem {
	uint32_t type, off, bits;
	const char *name;
	bool skip; /* unnamed and not an anonymous struct/union: C would drop it, so pad */
};

static void member_at(struct em_cdump *d, const struct btf_type *t, uint32_t i, struct mem *m)
{
	const struct btf_member *bm = (const struct btf_member *)em_btf_tail(t) + i;
	const struct btf_type *mt = type_at(d, bm->type);
	const char *name = em_btf_str(d->btf, bm->name_off);

	m->type = bm->type;
	m->name = name ? name : "";
	m->off = bm->offset;
	m->bits = 0;
	if (em_btf_kflag(t)) {
		m->off = BTF_MEMBER_BIT_OFFSET(bm->offset);
		m->bits = BTF_MEMBER_BITFIELD_SIZE(bm->offset);
	} else {
		/* without kflag a bitfield is an INT whose bits say so */
		int rid = em_btf_skip_mods(d->btf, bm->type);
		const struct btf_type *it = rid > 0 ? type_at(d, (uint32_t)rid) : NULL;

		if (it && em_btf_kind(it) == BTF_KIND_INT) {
			uint32_t info = *(const uint32_t *)em_btf_tail(it);

			if (BTF_INT_BITS(info) != it->size * 8 || BTF_INT_OFFSET(info)) {
				m->bits = BTF_INT_BITS(info);
				m->off += BTF_INT_OFFSET(info);
			}
		}
	}
	m->skip =
		!*m->name &&
		!(mt && (em_btf_kind(mt) == BTF_KIND_STRUCT || em_btf_kind(mt) == BTF_KIND_UNION) &&
		  !*em_btf_type_name(d->btf, mt));
}

/* Unnamed bitfields from bit from to bit to, none crossing a unit of its type. */
static void pad(struct em_cdump *d, uint64_t from, uint64_t to, int lvl)
{
	static const char *const types[] = { "char", "short", "int", "long" };

	while (from < to) {
		uint64_t chunk = EM_MIN(to, (from / 64 + 1) * 64) - from;
		unsigned u = 0;

		while ((from % (8u << u)) + chunk > (8u << u))
			u++;
		indent(d, lvl);
		em_btf_dump_puts(d->o, types[u]);
		em_btf_dump_puts(d->o, ": ");
		em_btf_dump_u64(d->o, chunk);
		em_btf_dump_puts(d->o, ";\n");
		from += chunk;
	}
}

static void print_member(struct em_cdump *d, uint32_t owner, const struct mem *m, int lvl);

/* Does a bitfield of bits at bit off cross a unit of ua bits? */
static bool straddles(uint64_t off, uint32_t bits, uint32_t ua)
{
	return bits && off / ua != (off + bits - 1) / ua;
}

/*
 * Lays out the members of record id as clang would (packed or not), printing
 * them with the padding that brings each to its BTF offset when print is set.
 * Returns whether the result matches BTF; *align gets the record's alignment.
 */
static bool walk(struct em_cdump *d, uint32_t id, const struct btf_type *t, bool packed, int lvl,
		 bool print, uint32_t *align)
{
	bool is_union = em_btf_kind(t) == BTF_KIND_UNION, ok = true;
	uint64_t cur = 0, end = 0, size_bits = (uint64_t)t->size * 8;
	uint32_t al = 1;

	for (uint32_t i = 0; i < em_btf_vlen(t) && !d->o->err; i++) {
		uint32_t msize = 0, ma, ua;
		uint64_t pos;
		struct mem m;

		member_at(d, t, i, &m);
		if (m.skip)
			continue;
		if (em_btf_resolve_size(d->btf, m.type, &msize))
			ok = false;
		ma = type_align(d, m.type);
		ua = packed ? 8 : ma * 8;
		if (m.bits) {
			int rid = em_btf_skip_mods(d->btf, m.type);
			const struct btf_type *bt = rid > 0 ? type_at(d, (uint32_t)rid) : NULL;
			unsigned bk = bt ? em_btf_kind(bt) : 0;

			if ((bk != BTF_KIND_INT && bk != BTF_KIND_ENUM && bk != BTF_KIND_ENUM64) ||
			    m.bits > msize * 8) {
				em_btf_dump_c_fail(
					d, -EBADMSG, id,
					"bitfield wider than its type, or not an integer");
				return false;
			}
		}
		if (is_union) {
			if (m.off)
				ok = false;
			end = EM_MAX(end, m.bits ? m.bits : (uint64_t)msize * 8);
		} else if (m.bits) {
			pos = cur;
			if (!packed && straddles(pos, m.bits, ma * 8))
				pos = round_up(pos, ma * 8);
			if (m.off < pos ||
			    (!packed && m.off > pos && straddles(m.off, m.bits, ma * 8))) {
				ok = false;
				cur = pos + m.bits;
			} else {
				if (m.off > pos && print)
					pad(d, cur, m.off, lvl + 1);
				cur = m.off + m.bits;
			}
		} else {
			pos = round_up(cur, ua);
			if (m.off < pos || m.off % ua) {
				ok = false;
				cur = pos + (uint64_t)msize * 8;
			} else {
				if (m.off > pos && print)
					pad(d, cur, m.off, lvl + 1);
				cur = m.off + (uint64_t)msize * 8;
			}
		}
		if (!packed)
			al = EM_MAX(al, ma);
		if (print)
			print_member(d, id, &m, lvl + 1);
	}
	if (!is_union)
		end = cur;
	if (round_up(end, al * 8) > size_bits || size_bits % (al * 8))
		ok = false;
	else if (print && round_up(end, al * 8) < size_bits) {
		if (!is_union) {
			pad(d, cur, size_bits, lvl + 1);
		} else if (size_bits <= 64) { /* an unnamed bitfield as long as the union */
			pad(d, 0, size_bits, lvl + 1);
		} else {
			indent(d, lvl + 1);
			em_btf_dump_puts(d->o, "struct {\n");
			pad(d, 0, size_bits, lvl + 2);
			indent(d, lvl + 1);
			em_btf_dump_puts(d->o, "};\n");
		}
	}
	*align = al;
	return ok;
}

/* Decides packed or not, once per record; returns the alignment as written. */
static uint32_t record_align(struct em_cdump *d, uint32_t id, const struct btf_type *t)
{
	uint32_t al = 1;

	if (!(d->lay[id] & EM_CDUMP_LAY_KNOWN)) {
		uint8_t lay = EM_CDUMP_LAY_KNOWN;

		if (d->depth >= EM_CDUMP_MAX_DEPTH) {
			em_btf_dump_c_fail(d, -ELOOP, id, "types nest too deeply");
			return 1;
		}
		d->depth++;
		if (!walk(d, id, t, false, 0, false, &al)) {
			uint32_t unused;

			if (walk(d, id, t, true, 0, false, &unused)) {
				lay |= EM_CDUMP_LAY_PACKED;
				al = 1;
			} else {
				em_debug(
					"btf: dump: type [%u] '%s': no C layout gives its BTF offsets",
					id, em_btf_type_name(d->btf, t));
			}
		}
		d->depth--;
		while ((1u << (lay & EM_CDUMP_LAY_ALIGN_LOG2)) < al)
			lay++;
		d->lay[id] = lay;
	}
	return 1u << (d->lay[id] & EM_CDUMP_LAY_ALIGN_LOG2);
}

/* ---- definitions ------------------------------------------------------------------------ */

static void print_decl(struct em_cdump *d, uint32_t id, const char *name, uint32_t sfx, int lvl,
		       uint32_t owner);

/* "struct name {...}" or "union {...}" (lvl: indentation of the closing brace) */
static void print_record(struct em_cdump *d, uint32_t id, const struct btf_type *t, int lvl)
{
	bool packed;
	uint32_t al;

	record_align(d, id, t);
	packed = d->lay[id] & EM_CDUMP_LAY_PACKED;
	em_btf_dump_puts(d->o, em_btf_kind(t) == BTF_KIND_UNION ? "union " : "struct ");
	if (*em_btf_type_name(d->btf, t)) {
		em_btf_dump_c_name(d, id, t);
		em_btf_dump_putc(d->o, ' ');
	}
	if (!em_btf_vlen(t) && !t->size) {
		em_btf_dump_puts(d->o, "{}");
		return;
	}
	em_btf_dump_puts(d->o, "{\n");
	walk(d, id, t, packed, lvl, true, &al);
	indent(d, lvl);
	em_btf_dump_putc(d->o, '}');
	if (packed)
		em_btf_dump_puts(d->o, " __attribute__((packed))");
}

static void print_member(struct em_cdump *d, uint32_t owner, const struct mem *m, int lvl)
{
	indent(d, lvl);
	print_decl(d, m->type, m->name, 1, lvl, owner);
	if (m->bits) {
		em_btf_dump_puts(d->o, ": ");
		em_btf_dump_u64(d->o, m->bits);
	}
	em_btf_dump_puts(d->o, ";\n");
}

/* What size would clang give this enum, from its values? */
static uint32_t enum_natural_size(const struct btf_type *t)
{
	bool sgn = em_btf_kflag(t), neg = false;
	int64_t min = 0;
	uint64_t max = 0;

	for (uint32_t i = 0; i < em_btf_vlen(t); i++) {
		uint64_t v = em_btf_enum_val(t, i, NULL);
		if (sgn && (int64_t)v < 0) {
			neg = true;
			min = EM_MIN(min, (int64_t)v);
		} else {
			max = EM_MAX(max, v);
		}
	}
	if (neg)
		return min >= INT32_MIN && max <= INT32_MAX ? 4 : 8;
	return max <= UINT32_MAX ? 4 : 8;
}

static void print_enum(struct em_cdump *d, uint32_t id, const struct btf_type *t, int lvl)
{
	bool sgn = em_btf_kflag(t);
	static const char *const modes[] = { [1] = "QI", [2] = "HI", [4] = "SI", [8] = "DI" };

	em_btf_dump_puts(d->o, "enum ");
	if (*em_btf_type_name(d->btf, t)) {
		em_btf_dump_c_name(d, id, t);
		em_btf_dump_putc(d->o, ' ');
	}
	em_btf_dump_puts(d->o, "{\n");
	for (uint32_t i = 0; i < em_btf_vlen(t); i++) {
		uint32_t name_off;
		uint64_t v = em_btf_enum_val(t, i, &name_off);
		const char *name;
		name = em_btf_str(d->btf, name_off);
		name = name ? name : "";
		indent(d, lvl + 1);
		em_btf_dump_c_ident(d, id, name, em_btf_dump_c_ident_sfx(d, name));
		em_btf_dump_puts(d->o, " = ");
		if (sgn && v == (uint64_t)INT64_MIN)
			em_btf_dump_puts(d->o, "(-9223372036854775807LL - 1)");
		else if (sgn)
			em_btf_dump_s64(d->o, (int64_t)v);
		else {
			em_btf_dump_u64(d->o, v);
			if (v > INT64_MAX)
				em_btf_dump_puts(d->o, "ULL");
		}
		em_btf_dump_puts(d->o, ",\n");
	}
	indent(d, lvl);
	em_btf_dump_putc(d->o, '}');
	if (enum_natural_size(t) != t->size && t->size <= 8 && modes[t->size]) {
		em_btf_dump_puts(d->o, " __attribute__((mode(");
		em_btf_dump_puts(d->o, modes[t->size]);
		em_btf_dump_puts(d->o, ")))");
	}
}

/* ---- declarators ----------------------------------------------------------------------- */

enum {
	Q_CONST = 1,
	Q_VOLATILE = 2,
	Q_RESTRICT = 4
};

struct layer {
	uint32_t id;
	uint8_t kind;  /* BTF_KIND_PTR, _ARRAY, _FUNC_PROTO or _TYPE_TAG */
	uint8_t quals; /* of a pointer */
	bool paren;    /* an array or prototype of something a pointer declares: (...) */
};

static void print_quals(struct em_cdump *d, unsigned q)
{
	if (q & Q_CONST)
		em_btf_dump_puts(d->o, "const ");
	if (q & Q_VOLATILE)
		em_btf_dump_puts(d->o, "volatile ");
	if (q & Q_RESTRICT)
		em_btf_dump_puts(d->o, d->portable ? "__restrict " : "restrict ");
}

/* The type specifier a declarator starts from (void, int, struct x, an inline body...). */
static void print_base(struct em_cdump *d, uint32_t id, int lvl)
{
	const struct btf_type *t = type_at(d, id);

	switch (t ? em_btf_kind(t) : BTF_KIND_UNKN) {
	case BTF_KIND_UNKN:
		em_btf_dump_puts(d->o, "void");
		break;
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
		/* portable: C++ and <stdbool.h> call it bool */
		em_btf_dump_puts(d->o, d->portable && !strcmp(base_name(d, id, t), "_Bool") ?
					       "bool" :
					       base_name(d, id, t));
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (*em_btf_type_name(d->btf, t)) {
			em_btf_dump_puts(d->o,
					 em_btf_kind(t) == BTF_KIND_UNION ? "union " : "struct ");
			em_btf_dump_c_name(d, id, t);
		} else {
			print_record(d, id, t, lvl);
		}
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (!em_btf_vlen(t)) {
			em_btf_dump_puts(d->o, enum_int_name(d, id, t));
		} else if (*em_btf_type_name(d->btf, t)) {
			em_btf_dump_puts(d->o, "enum ");
			em_btf_dump_c_name(d, id, t);
		} else if (d->flags[id] & EM_CDUMP_DEF) {
			/* its constants exist already: a second body would redefine them */
			em_btf_dump_puts(d->o, enum_int_name(d, id, t));
		} else {
			d->flags[id] |= EM_CDUMP_DEF;
			print_enum(d, id, t, lvl);
		}
		break;
	case BTF_KIND_FWD:
		em_btf_dump_puts(d->o, em_btf_kflag(t) ? "union " : "struct ");
		em_btf_dump_c_name(d, id, t);
		break;
	case BTF_KIND_TYPEDEF:
		em_btf_dump_c_name(d, id, t);
		break;
	default:
		em_btf_dump_c_fail(d, -EBADMSG, id, "used as a type but is not one");
		break;
	}
}

static void print_params(struct em_cdump *d, uint32_t id, int lvl, uint32_t owner)
{
	const struct btf_type *t = type_at(d, id);
	const struct btf_param *p = em_btf_tail(t);
	uint32_t n = em_btf_vlen(t);

	em_btf_dump_putc(d->o, '(');
	if (!n)
		em_btf_dump_puts(d->o, "void");
	for (uint32_t i = 0; i < n; i++) {
		const char *name = em_btf_str(d->btf, p[i].name_off);

		if (p[i].type == 0 && i + 1 == n) {
			if (n > 1) /* "(...)" alone is not C before C23: "()" says the same */
				em_btf_dump_puts(d->o, ", ...");
			break;
		}
		if (i)
			em_btf_dump_puts(d->o, ", ");
		print_decl(d, p[i].type, name ? name : "", 1, lvl, owner);
	}
	em_btf_dump_putc(d->o, ')');
}

/*
 * Writes "<type> <name>" for type id: the chain of pointers, arrays and
 * prototypes down to a base type is collected first, then written inside out
 * (prefixes of inner layers first, the name, suffixes of outer layers first),
 * with parentheses where a pointer meets an array or a function.
 */
static void print_decl(struct em_cdump *d, uint32_t id, const char *name, uint32_t sfx, int lvl,
		       uint32_t owner)
{
	struct layer st[MAX_DECL];
	bool prefix = false, under_ptr = false, strip = d->strip_cv;
	unsigned quals = 0, n = 0;

	d->strip_cv = false;

	if (d->depth >= EM_CDUMP_MAX_DEPTH) {
		em_btf_dump_c_fail(d, -ELOOP, id, "types nest too deeply");
		return;
	}
	d->depth++;
	for (uint32_t steps = 0;; steps++) {
		const struct btf_type *t = type_at(d, id);
		unsigned kind = t ? em_btf_kind(t) : BTF_KIND_UNKN;

		if (steps > d->end || ((kind == BTF_KIND_PTR || kind == BTF_KIND_ARRAY ||
					kind == BTF_KIND_FUNC_PROTO || kind == BTF_KIND_TYPE_TAG) &&
				       n == MAX_DECL)) {
			em_btf_dump_c_fail(d, -ELOOP, id, "declarator too deep");
			goto out;
		}
		if ((kind == BTF_KIND_CONST || kind == BTF_KIND_VOLATILE) && strip) {
			/* a variable's own qualifiers (through arrays), dropped */
		} else if (kind == BTF_KIND_CONST || kind == BTF_KIND_VOLATILE ||
			   kind == BTF_KIND_RESTRICT) {
			quals |= kind == BTF_KIND_CONST    ? Q_CONST :
				 kind == BTF_KIND_VOLATILE ? Q_VOLATILE :
							     Q_RESTRICT;
		} else if (kind == BTF_KIND_TYPE_TAG) {
			/* type tags mark what a pointer points to; elsewhere they are dropped */
			if (under_ptr && !d->portable) {
				st[n++] = (struct layer){ .id = id, .kind = BTF_KIND_TYPE_TAG };
				prefix = true;
			}
		} else if (kind == BTF_KIND_PTR) {
			st[n++] = (struct layer){ .id = id,
						  .kind = BTF_KIND_PTR,
						  .quals = (uint8_t)quals };
			quals = 0;
			prefix = under_ptr = true;
			strip = false;
		} else if (kind == BTF_KIND_ARRAY || kind == BTF_KIND_FUNC_PROTO) {
			/* qualifiers pass through an array to its elements; a function has none */
			st[n++] =
				(struct layer){ .id = id, .kind = (uint8_t)kind, .paren = prefix };
			if (kind == BTF_KIND_FUNC_PROTO) {
				quals = 0;
				strip = false;
			}
			prefix = under_ptr = false;
		} else {
			break;
		}
		id = kind == BTF_KIND_ARRAY ? ((const struct btf_array *)em_btf_tail(t))->type :
					      t->type;
	}
	if (quals & Q_RESTRICT) { /* only a pointer can be restrict */
		int rid = em_btf_skip_mods(d->btf, id);
		const struct btf_type *rt = rid > 0 ? type_at(d, (uint32_t)rid) : NULL;

		if (!rt || em_btf_kind(rt) != BTF_KIND_PTR)
			quals &= ~Q_RESTRICT;
	}
	print_quals(d, quals);
	print_base(d, id, lvl);
	if (n || *name)
		em_btf_dump_putc(d->o, ' ');
	for (unsigned i = n; i-- > 0;) {
		if (st[i].kind == BTF_KIND_PTR) {
			em_btf_dump_putc(d->o, '*');
			print_quals(d, st[i].quals);
		} else if (st[i].kind == BTF_KIND_TYPE_TAG) {
			em_btf_dump_puts(d->o, "__attribute__((btf_type_tag(\"");
			for (const char *s = em_btf_type_name(d->btf, type_at(d, st[i].id)); *s;
			     s++) {
				unsigned char c = (unsigned char)*s;
				char oct[4] = { '\\', (char)('0' + (c >> 6)),
						(char)('0' + (c >> 3 & 7)), (char)('0' + (c & 7)) };

				if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f)
					em_btf_dump_write(d->o, oct, sizeof(oct));
				else
					em_btf_dump_putc(d->o, *s);
			}
			em_btf_dump_puts(d->o, "\"))) ");
		} else if (st[i].paren) {
			em_btf_dump_putc(d->o, '(');
		}
	}
	if (*name)
		em_btf_dump_c_ident(d, owner, name, sfx);
	for (unsigned i = 0; i < n; i++) {
		if (st[i].paren)
			em_btf_dump_putc(d->o, ')');
		if (st[i].kind == BTF_KIND_ARRAY) {
			em_btf_dump_putc(d->o, '[');
			em_btf_dump_u64(
				d->o, ((const struct btf_array *)em_btf_tail(type_at(d, st[i].id)))
					      ->nelems);
			em_btf_dump_putc(d->o, ']');
		} else if (st[i].kind == BTF_KIND_FUNC_PROTO) {
			print_params(d, st[i].id, lvl, owner);
		}
	}
out:
	d->depth--;
}

/* ---- top-level text ------------------------------------------------------------------- */

void em_btf_dump_decl(struct em_cdump *d, uint32_t id, const struct btf_type *t, bool fwd)
{
	unsigned kind = em_btf_kind(t);

	if (fwd) {
		bool is_union = kind == BTF_KIND_UNION || (kind == BTF_KIND_FWD && em_btf_kflag(t));

		em_btf_dump_puts(d->o, is_union ? "union " : "struct ");
		em_btf_dump_c_name(d, id, t);
		d->flags[id] |= EM_CDUMP_FWD;
	} else if (kind == BTF_KIND_TYPEDEF) {
		/* the name's suffix is chosen before the target's text can choose others */
		uint32_t sfx = em_btf_dump_c_sfx(d, id, t);

		em_btf_dump_puts(d->o, "typedef ");
		print_decl(d, t->type, em_btf_type_name(d->btf, t), sfx, 0, id);
		d->flags[id] |= EM_CDUMP_DEF;
	} else if (kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION) {
		print_record(d, id, t, 0);
		d->flags[id] |= EM_CDUMP_DEF;
	} else {
		print_enum(d, id, t, 0);
		d->flags[id] |= EM_CDUMP_DEF;
	}
	em_btf_dump_puts(d->o, ";\n\n");
}

void em_btf_dump_decl_var(struct em_cdump *d, uint32_t type, const char *name, uint32_t owner)
{
	indent(d, 1);
	d->strip_cv = true;
	print_decl(d, type, name, 1, 1, owner);
	em_btf_dump_puts(d->o, ";\n");
}
