/* btf_dump_out.c - what every BTF dumper writes with: the output buffer, and C names with their ___N suffixes (L1 btf, pure) */
#include <stdlib.h>
#include <string.h>

#include "btf_dump.h"

/* ---- buffered output ------------------------------------------------------------ */

void em_btf_dump_flush(struct em_dump_out *o)
{
	if (o->len && !o->err) {
		int r = o->write(o->ctx, o->buf, o->len);

		if (r < 0)
			o->err = r;
	}
	o->len = 0;
}

void em_btf_dump_write(struct em_dump_out *o, const char *s, size_t n)
{
	while (n && !o->err) {
		size_t room = EM_DUMP_BUF_SIZE - o->len, k = n < room ? n : room;

		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
		if (o->len == EM_DUMP_BUF_SIZE)
			em_btf_dump_flush(o);
	}
}

void em_btf_dump_u64(struct em_dump_out *o, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	em_btf_dump_write(o, tmp + i, sizeof(tmp) - i);
}

void em_btf_dump_s64(struct em_dump_out *o, int64_t v)
{
	if (v < 0) {
		em_btf_dump_putc(o, '-');
		em_btf_dump_u64(o, (uint64_t)0 - (uint64_t)v);
	} else {
		em_btf_dump_u64(o, (uint64_t)v);
	}
}

/* ---- C names ------------------------------------------------------------------------ */

int em_btf_dump_c_fail(struct em_cdump *d, int err, uint32_t id, const char *what)
{
	if (!d->o->err) {
		const struct btf_type *t = em_btf_type(d->btf, id);

		em_warn("btf: dump: type [%u] '%.128s': %s", id, em_btf_type_name(d->btf, t), what);
		em_btf_dump_fail(d->o, err);
	}
	return err;
}

/* Tag namespace kinds (struct, union and enum tags share one C namespace). */
enum {
	TAG_STRUCT,
	TAG_UNION,
	TAG_ENUM
};

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static bool tab_grow(struct em_name_tab *tab)
{
	uint32_t cap = tab->cap ? tab->cap * 2 : 4096;
	struct em_name_ent *ents = em_calloc(cap, sizeof(*ents));

	if (!ents)
		return false;
	for (uint32_t i = 0; i < tab->cap; i++) {
		uint32_t j;

		if (!tab->ents[i].name)
			continue;
		for (j = tab->ents[i].hash & (cap - 1); ents[j].name; j = (j + 1) & (cap - 1))
			;
		ents[j] = tab->ents[i];
	}
	free(tab->ents);
	tab->ents = ents;
	tab->cap = cap;
	return true;
}

/* The entry for name (count 0 when new), or NULL without memory. */
static struct em_name_ent *tab_get(struct em_name_tab *tab, const char *name)
{
	uint32_t h = hash_str(name), i;

	if ((tab->used + 1) * 2 > tab->cap && !tab_grow(tab))
		return NULL;
	for (i = h & (tab->cap - 1); tab->ents[i].name; i = (i + 1) & (tab->cap - 1))
		if (tab->ents[i].hash == h && strcmp(tab->ents[i].name, name) == 0)
			return &tab->ents[i];
	tab->ents[i].name = name;
	tab->ents[i].hash = h;
	tab->used++;
	return &tab->ents[i];
}

int em_btf_dump_c_reserve(struct em_cdump *d, const char *name)
{
	struct em_name_ent *e = tab_get(&d->idents, name);

	if (!e)
		return -ENOMEM;
	e->count = 1;
	return 0;
}

uint32_t em_btf_dump_c_ident_sfx(struct em_cdump *d, const char *name)
{
	struct em_name_ent *e = tab_get(&d->idents, name);

	if (!e) {
		em_btf_dump_fail(d->o, -ENOMEM);
		return 1;
	}
	return ++e->count;
}

/*
 * The first type to use a name keeps it; each other type with the same name
 * (and a different definition: BTF is deduplicated) gets ___2, ___3 ... in
 * the order the dump writes them, as bpftool does. A forward declaration
 * shares the plain tag with the struct (or union) of that name.
 */
uint32_t em_btf_dump_c_sfx(struct em_cdump *d, uint32_t id, const struct btf_type *t)
{
	const char *name = em_btf_type_name(d->btf, t);
	unsigned kind = em_btf_kind(t), tag;
	struct em_name_ent *e;
	bool fwd = kind == BTF_KIND_FWD;

	if (d->sfx[id])
		return d->sfx[id];
	if (kind == BTF_KIND_TYPEDEF) {
		d->sfx[id] = em_btf_dump_c_ident_sfx(d, name);
		return d->sfx[id];
	}
	e = tab_get(&d->tags, name);
	if (!e) {
		em_btf_dump_fail(d->o, -ENOMEM);
		return 1;
	}
	tag = kind == BTF_KIND_ENUM || kind == BTF_KIND_ENUM64   ? TAG_ENUM :
	      kind == BTF_KIND_UNION || (fwd && em_btf_kflag(t)) ? TAG_UNION :
								   TAG_STRUCT;
	if (e->count == 0) {
		e->count = 1;
		e->tag = (uint8_t)tag;
		e->has_def = !fwd;
		d->sfx[id] = 1;
	} else if (tag != TAG_ENUM && e->tag == tag && (fwd || !e->has_def)) {
		e->has_def |= !fwd;
		d->sfx[id] = 1;
	} else {
		d->sfx[id] = ++e->count;
	}
	return d->sfx[id];
}

static int keyword_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* A name C can use: [A-Za-z_][A-Za-z0-9_]* and not a keyword. */
bool em_btf_dump_c_is_ident(const char *s)
{
	static const char *const keywords[] = {
		/* sorted (strcmp) */
		"_Alignas",
		"_Alignof",
		"_Atomic",
		"_Bool",
		"_Complex",
		"_Generic",
		"_Imaginary",
		"_Noreturn",
		"_Static_assert",
		"_Thread_local",
		"__attribute__",
		"__int128",
		"asm",
		"auto",
		"break",
		"case",
		"char",
		"const",
		"continue",
		"default",
		"do",
		"double",
		"else",
		"enum",
		"extern",
		"float",
		"for",
		"goto",
		"if",
		"inline",
		"int",
		"long",
		"register",
		"restrict",
		"return",
		"short",
		"signed",
		"sizeof",
		"static",
		"struct",
		"switch",
		"typedef",
		"typeof",
		"union",
		"unsigned",
		"void",
		"volatile",
		"while",
	};
	const char *p = s;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_'))
		return false;
	for (p++; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
		      (*p >= '0' && *p <= '9')))
			return false;
	return !bsearch(s, keywords, EM_ARRAY_SIZE(keywords), sizeof(keywords[0]), keyword_cmp);
}

void em_btf_dump_c_ident(struct em_cdump *d, uint32_t id, const char *name, uint32_t sfx)
{
	if (!em_btf_dump_c_is_ident(name)) {
		em_btf_dump_c_fail(d, -EBADMSG, id, "a name in it is not a C identifier");
		return;
	}
	em_btf_dump_puts(d->o, name);
	if (sfx > 1) {
		em_btf_dump_puts(d->o, "___");
		em_btf_dump_u64(d->o, sfx);
	}
}

void em_btf_dump_c_name(struct em_cdump *d, uint32_t id, const struct btf_type *t)
{
	em_btf_dump_c_ident(d, id, em_btf_type_name(d->btf, t), em_btf_dump_c_sfx(d, id, t));
}
