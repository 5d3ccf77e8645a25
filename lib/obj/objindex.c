/* objindex.c - sorted look-ups for open: symbols, sections, DATASECs, maps and externs by key (L2 obj, pure) */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "model.h"
#include "objfile.h"

/*
 * Open looks things up by name or place once per map, global variable,
 * extern or relocation. As scans these made open quadratic in the size of
 * the object (seconds for a few hundred KiB crafted to hit them); each table
 * here is sorted once and searched by bisection.
 */

/* Symbols, sections and DATASECs, sorted by (section, name, index). */
struct em_objname {
	const char *name;
	uint32_t shndx; /* a symbol's section; 0 for the section list */
	size_t idx;     /* symbol or section index */
};

static int cmp_objname(const void *a, const void *b)
{
	const struct em_objname *x = a, *y = b;
	int c;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The entry of v (n sorted entries) with shndx and name and the lowest index, or NULL. */
static const struct em_objname *find_name(const struct em_objname *v, size_t n, uint32_t shndx,
					  const char *name)
{
	const struct em_objname key = { name, shndx, 0 };
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_objname(&v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].shndx == shndx && !strcmp(v[lo].name, name) ? &v[lo] : NULL;
}

int em_objindex_names(struct em_objparse *p)
{
	p->sym_names = em_calloc(p->nsyms, sizeof(*p->sym_names));
	p->sec_names = em_calloc(p->elf->nsections, sizeof(*p->sec_names));
	if (!p->sym_names || !p->sec_names)
		return -ENOMEM;
	for (size_t i = 1; i < p->nsyms; i++) {
		struct em_elf_symbol sym;

		if (em_elf_symbol(p->elf, p->symtab, i, &sym) || sym.type == STT_SECTION)
			continue;
		p->sym_names[p->nsym_names++] = (struct em_objname){ sym.name, sym.shndx, i };
	}
	for (size_t i = 0; i < p->elf->nsections; i++)
		p->sec_names[i] = (struct em_objname){ p->elf->sections[i].name, 0, i };
	qsort(p->sym_names, p->nsym_names, sizeof(*p->sym_names), cmp_objname);
	qsort(p->sec_names, p->elf->nsections, sizeof(*p->sec_names), cmp_objname);
	return 0;
}

int em_objindex_symbol(const struct em_objparse *p, uint32_t shndx, const char *name,
			struct em_elf_symbol *sym)
{
	const struct em_objname *k = find_name(p->sym_names, p->nsym_names, shndx, name);

	return k && !em_elf_symbol(p->elf, p->symtab, k->idx, sym) ? 0 : -ENOENT;
}

int em_objindex_datasecs(struct em_objparse *p)
{
	const struct ebpfmini_btf *btf = p->obj->btf;
	uint32_t end = btf ? em_btf_type_end(btf) : 1;

	p->datasec_names = em_calloc(end, sizeof(*p->datasec_names));
	if (!p->datasec_names)
		return -ENOMEM;
	for (uint32_t id = 1; id < end; id++) {
		const struct btf_type *t = em_btf_type(btf, id);

		if (t && em_btf_kind(t) == BTF_KIND_DATASEC)
			p->datasec_names[p->ndatasec_names++] =
				(struct em_objname){ em_btf_type_name(btf, t), 0, id };
	}
	qsort(p->datasec_names, p->ndatasec_names, sizeof(*p->datasec_names), cmp_objname);
	return 0;
}

int em_objindex_datasec(const struct em_objparse *p, const char *name)
{
	const struct em_objname *k = find_name(p->datasec_names, p->ndatasec_names, 0, name);

	return k ? (int)k->idx : -ENOENT;
}

const struct em_elf_section *em_objindex_section(const struct em_objparse *p, const char *name)
{
	const struct em_objname *k = find_name(p->sec_names, p->elf->nsections, 0, name);

	return k ? &p->elf->sections[k->idx] : NULL;
}

/* User maps sorted by where their definition lies (section, offset, then map index):
 * a relocation names its map by its symbol's place. */
struct em_objmapkey {
	int sec;
	uint32_t off;
	size_t idx;
};

static int cmp_mapkey(const void *a, const void *b)
{
	const struct em_objmapkey *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int em_objindex_user_maps(struct em_objparse *p)
{
	const struct em_model *obj = p->obj;

	p->map_keys = em_calloc(obj->nmaps, sizeof(*p->map_keys));
	if (!p->map_keys)
		return -ENOMEM;
	for (size_t i = 0; i < obj->nmaps; i++)
		if (obj->maps[i].kind == EM_MAP_USER)
			p->map_keys[p->nmap_keys++] = (struct em_objmapkey){
				obj->maps[i].sec_index, obj->maps[i].sec_offset, i
			};
	qsort(p->map_keys, p->nmap_keys, sizeof(*p->map_keys), cmp_mapkey);
	return 0;
}

int em_objindex_user_map(const struct em_objparse *p, uint32_t sec, uint64_t off, size_t *idx)
{
	const struct em_objmapkey key = { (int)sec, (uint32_t)off, 0 };
	size_t lo = 0, hi = p->nmap_keys;

	if (off > UINT32_MAX)
		return -ENOENT;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_mapkey(&p->map_keys[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == p->nmap_keys || p->map_keys[lo].sec != key.sec || p->map_keys[lo].off != key.off)
		return -ENOENT;
	*idx = p->map_keys[lo].idx;
	return 0;
}

int em_objindex_extern(const struct em_model *obj, uint32_t sym_idx)
{
	size_t lo = 0, hi = obj->nexterns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((uint32_t)obj->externs[mid].sym_idx < sym_idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < obj->nexterns && (uint32_t)obj->externs[lo].sym_idx == sym_idx ? (int)lo : -1;
}

void em_objindex_free(struct em_objparse *p)
{
	free(p->sym_names);
	free(p->sec_names);
	free(p->map_keys);
	free(p->datasec_names);
	p->sym_names = p->sec_names = p->datasec_names = NULL;
	p->map_keys = NULL;
	p->nsym_names = p->nmap_keys = p->ndatasec_names = 0;
}
