/* objmaps.c - map definitions of an object: BTF .maps, legacy "maps", global data, .kconfig (L2 obj, pure) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "model.h"
#include "objfile.h"
#include "structops.h"

/* Most bytes of global data (.data, .rodata, .bss and their .N kin) one object may
 * declare: NOBITS sizes are not backed by file bytes, so a few bytes of ELF could
 * otherwise reserve any amount of memory. */
#define DATA_MAP_MAX (256u << 20)
/* struct bpf_map_def of the legacy "maps" section: type, key_size, value_size, max_entries, map_flags */
#define LEGACY_DEF_SIZE 20u

/* Per user map of .maps, what .rel.maps needs. */
struct slot_info {
	size_t map_idx;
	uint32_t off;      /* symbol value: where the definition starts in .maps */
	uint32_t var_size; /* symbol size: the struct plus the initialised values[] */
	bool has_values;
	uint32_t values_off;
};

/* Kind of global data map a section makes (.data*, .rodata*, .bss*); false for others. */
static bool data_kind(const struct em_elf_section *s, enum em_map_kind *kind)
{
	static const struct {
		const char *name;
		enum em_map_kind kind;
	} kinds[] = { { ".data", EM_MAP_DATA },
		      { ".rodata", EM_MAP_RODATA },
		      { ".bss", EM_MAP_BSS } };

	if (s->type != SHT_PROGBITS && s->type != SHT_NOBITS)
		return false;
	if (s->flags & SHF_EXECINSTR)
		return false;
	for (size_t i = 0; i < EM_ARRAY_SIZE(kinds); i++) {
		size_t len = strlen(kinds[i].name);

		if (strncmp(s->name, kinds[i].name, len) == 0 &&
		    (s->name[len] == '\0' || s->name[len] == '.')) {
			*kind = kinds[i].kind;
			return true;
		}
	}
	return false;
}

/* DATASEC ".maps" of the object BTF, or NULL (logged). */
static const struct btf_type *maps_datasec(const struct em_objparse *p)
{
	const struct ebpfmini_btf *btf = p->obj->btf;
	int id;

	if (!btf) {
		em_warn("elf: section '.maps': BTF-defined maps need the object's BTF (.BTF section "
			"missing; compile with clang -g)");
		return NULL;
	}
	id = em_objindex_datasec(p, ".maps");
	if (id < 0) {
		em_warn("btf: no DATASEC '.maps' for the ELF section '.maps'");
		return NULL;
	}
	return em_btf_type(btf, (uint32_t)id);
}

static size_t legacy_symbol_count(const struct em_objparse *p)
{
	size_t n = 0;

	for (size_t i = 1; i < p->nsyms; i++) {
		struct em_elf_symbol sym;

		if (em_elf_symbol(p->elf, p->symtab, i, &sym) == 0 &&
		    sym.shndx == (uint32_t)p->legacy_maps_shndx && sym.type != STT_SECTION &&
		    sym.name[0])
			n++;
	}
	return n;
}

int em_objmaps_count(const struct em_objparse *p, size_t *count)
{
	size_t n = 0;

	if (p->btf_maps_shndx >= 0) {
		const struct btf_type *ds = maps_datasec(p);

		if (!ds)
			return -EBADMSG;
		n += em_btf_vlen(ds);
	}
	if (p->legacy_maps_shndx >= 0)
		n += legacy_symbol_count(p);
	for (size_t i = 0; i < p->elf->nsections; i++) {
		enum em_map_kind kind;

		if (p->elf->sections[i].size && data_kind(&p->elf->sections[i], &kind))
			n++;
	}
	if (p->kconfig_size)
		n++;
	*count = n;
	return 0;
}

/* ---- BTF-defined maps ----------------------------------------------------------- */

static void init_map(struct em_objparse *p, struct ebpfmini_map *m, size_t index)
{
	m->obj = p->obj;
	m->index = index;
	m->sec_index = -1;
}

static void apply_btf_def(struct ebpfmini_map *m, const struct em_objmapdef *d)
{
	m->kind = EM_MAP_USER;
	m->type = d->type;
	m->key_size = d->key_size;
	m->value_size = d->value_size;
	m->max_entries = d->max_entries;
	m->map_flags = d->map_flags;
	m->numa_node = d->numa_node;
	m->map_extra = d->map_extra;
	m->pinning = (enum em_pinning)d->pinning;
	m->btf_key_type_id = d->key_type_id;
	m->btf_value_type_id = d->value_type_id;
}

static int add_btf_maps(struct em_objparse *p, struct slot_info *slots, size_t *nslots)
{
	struct em_model *obj = p->obj;
	const struct ebpfmini_btf *btf = obj->btf;
	const struct btf_type *ds = maps_datasec(p);
	const struct btf_var_secinfo *vs;

	if (!ds)
		return -EBADMSG;
	vs = em_btf_tail(ds);
	for (uint16_t i = 0; i < em_btf_vlen(ds); i++) {
		const struct btf_type *var = em_btf_type(btf, vs[i].type);
		struct ebpfmini_map *m = &obj->maps[obj->nmaps];
		struct em_elf_symbol sym;
		struct em_objmapdef d;
		const char *name;
		int id, err;

		if (!var || em_btf_kind(var) != BTF_KIND_VAR) {
			em_warn("btf: DATASEC '.maps': entry %u (type [%u]) is not a VAR", i,
				vs[i].type);
			return -EBADMSG;
		}
		name = em_btf_type_name(btf, var);
		if (em_objindex_symbol(p, (uint32_t)p->btf_maps_shndx, name, &sym)) {
			em_warn("map '%s': no symbol for it in section '.maps'", name);
			return -EBADMSG;
		}
		id = em_btf_skip_mods(btf, var->type);
		if (id <= 0) {
			em_warn("map '%s': bad definition type [%u]", name, var->type);
			return -EBADMSG;
		}
		err = em_objmapdef_parse(btf, name, (uint32_t)id, false, &d);
		if (err)
			return err;
		init_map(p, m, obj->nmaps);
		m->name = strdup(name);
		if (!m->name)
			return -ENOMEM;
		obj->nmaps++;
		apply_btf_def(m, &d);
		m->sec_index = p->btf_maps_shndx;
		m->sec_offset = (uint32_t)sym.value;
		if (d.inner_id) {
			struct em_objmapdef in;
			size_t len = strlen(name) + sizeof(".inner");

			m->inner = calloc(1, sizeof(*m->inner));
			if (!m->inner)
				return -ENOMEM;
			init_map(p, m->inner, 0);
			m->inner->name = malloc(len);
			if (!m->inner->name)
				return -ENOMEM;
			snprintf(m->inner->name, len, "%s.inner", name);
			err = em_objmapdef_parse(btf, m->inner->name, d.inner_id, true, &in);
			if (err)
				return err;
			apply_btf_def(m->inner, &in);
		}
		slots[*nslots] =
			(struct slot_info){ .map_idx = m->index,
					    .off = m->sec_offset,
					    .var_size = (uint32_t)EM_MIN(sym.size, UINT32_MAX),
					    .has_values = d.has_values,
					    .values_off = d.values_off };
		(*nslots)++;
	}
	return 0;
}

static int cmp_slot_info(const void *a, const void *b)
{
	const struct slot_info *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->map_idx < y->map_idx ? -1 : x->map_idx > y->map_idx;
}

/*
 * Sort the definitions by offset and refuse empty or overlapping ones (clang
 * emits neither), so that each .rel.maps entry finds its definition by a
 * binary search: a scan per entry made open quadratic.
 */
static int sort_slots(const struct em_objparse *p, struct slot_info *slots, size_t nslots)
{
	qsort(slots, nslots, sizeof(*slots), cmp_slot_info);
	for (size_t i = 0; i < nslots; i++) {
		if (!slots[i].var_size ||
		    (i && (uint64_t)slots[i - 1].off + slots[i - 1].var_size > slots[i].off)) {
			em_warn("map '%s': definition at offset %u of '.maps' is empty or overlaps "
				"the one before",
				p->obj->maps[slots[i].map_idx].name, slots[i].off);
			return -EBADMSG;
		}
	}
	return 0;
}

/* The definition holding byte off of .maps (slots sorted, disjoint), or NULL. */
static const struct slot_info *slot_at(const struct slot_info *slots, size_t nslots, uint64_t off)
{
	size_t lo = 0, hi = nslots;

	while (lo < hi) { /* the first definition starting after off */
		size_t mid = lo + (hi - lo) / 2;

		if (slots[mid].off <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && off - slots[lo - 1].off < slots[lo - 1].var_size ? &slots[lo - 1] : NULL;
}

/* Initial slots of prog arrays and maps of maps: .rel.maps entries that point into values[]. */
static int add_init_slot(struct em_objparse *p, const struct slot_info *slots, size_t nslots,
			 const struct em_elf_section *rs, size_t ri)
{
	struct em_model *obj = p->obj;
	const struct slot_info *si = NULL;
	struct em_map_init_slot *arr;
	struct ebpfmini_map *m = NULL;
	struct em_elf_symbol sym;
	struct em_elf_rel rel;
	const char *target = NULL;
	uint64_t off;
	int err;

	err = em_elf_rel(p->elf, rs, ri, &rel);
	if (err)
		return err;
	if (rel.type == R_BPF_NONE)
		return 0;
	err = em_elf_symbol(p->elf, p->symtab, rel.sym, &sym);
	if (err)
		return err;
	si = slot_at(slots, nslots, rel.offset);
	if (si)
		m = &obj->maps[si->map_idx];
	if (!si || !si->has_values || rel.offset - m->sec_offset < si->values_off ||
	    (rel.offset - m->sec_offset - si->values_off) % 8) {
		em_warn("elf: section '%s': relocation %zu at 0x%llx (symbol '%s') is not inside "
			"the 'values' of a map",
			rs->name, ri, (unsigned long long)rel.offset, sym.name);
		return -EBADMSG;
	}
	off = (rel.offset - m->sec_offset - si->values_off) / 8;
	if (m->type == BPF_MAP_TYPE_PROG_ARRAY) {
		if (sym.type == STT_FUNC && sym.shndx < p->elf->nsections &&
		    p->code_of_sec[sym.shndx] >= 0)
			target = sym.name;
	} else if (sym.shndx == (uint32_t)p->btf_maps_shndx) {
		const struct slot_info *ti = slot_at(slots, nslots, sym.value);

		if (ti && ti->off == sym.value)
			target = obj->maps[ti->map_idx].name;
	}
	if (!target) {
		em_warn("map '%s': slot %llu: relocation %zu of '%s' names '%s', which is not a %s",
			m->name, (unsigned long long)off, ri, rs->name, sym.name,
			m->type == BPF_MAP_TYPE_PROG_ARRAY ? "program" : "map of '.maps'");
		return -EBADMSG;
	}
	arr = em_array_grow(m->init_slots, m->n_init_slots, sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	m->init_slots = arr;
	arr[m->n_init_slots].slot = (uint32_t)off; /* off < var_size / 8 */
	arr[m->n_init_slots].target = strdup(target);
	if (!arr[m->n_init_slots].target)
		return -ENOMEM;
	m->n_init_slots++;
	return 0;
}

static int cmp_slot(const void *a, const void *b)
{
	const struct em_map_init_slot *x = a, *y = b;

	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static int read_init_slots(struct em_objparse *p, struct slot_info *slots, size_t nslots)
{
	int err = sort_slots(p, slots, nslots);

	if (err)
		return err;
	for (size_t i = 0; i < p->elf->nsections; i++) {
		const struct em_elf_section *rs = &p->elf->sections[i];
		size_t n;

		if (rs->type != SHT_REL || rs->info != (uint32_t)p->btf_maps_shndx)
			continue;
		if (rs->link != p->symtab->index) {
			em_warn("elf: section %u '%s': linked to section %u, not the symbol table",
				rs->index, rs->name, rs->link);
			return -EBADMSG;
		}
		n = em_elf_rel_count(p->elf, rs);
		for (size_t j = 0; j < n; j++) {
			err = add_init_slot(p, slots, nslots, rs, j);
			if (err)
				return err;
		}
	}
	for (size_t i = 0; i < nslots; i++) {
		struct ebpfmini_map *m = &p->obj->maps[slots[i].map_idx];

		if (m->n_init_slots > 1)
			qsort(m->init_slots, m->n_init_slots, sizeof(*m->init_slots), cmp_slot);
		/* duplicates are adjacent once sorted (checking on insertion was quadratic) */
		for (size_t j = 1; j < m->n_init_slots; j++) {
			if (m->init_slots[j].slot == m->init_slots[j - 1].slot) {
				em_warn("map '%s': slot %u initialised twice", m->name,
					m->init_slots[j].slot);
				return -EBADMSG;
			}
		}
	}
	return 0;
}

/* ---- legacy "maps" section ------------------------------------------------------ */

static int add_legacy_maps(struct em_objparse *p)
{
	struct em_model *obj = p->obj;
	const struct em_elf_section *sec = &p->elf->sections[p->legacy_maps_shndx];
	size_t nr = legacy_symbol_count(p);
	uint64_t rec;

	if (!nr)
		return 0;
	if (sec->type != SHT_PROGBITS || !sec->data || sec->size % nr) {
		em_warn("elf: section %u 'maps': %llu bytes cannot hold %zu map definitions of "
			"equal size",
			sec->index, (unsigned long long)sec->size, nr);
		return -EBADMSG;
	}
	rec = sec->size / nr;
	for (size_t i = 1; i < p->nsyms; i++) {
		struct ebpfmini_map *m = &obj->maps[obj->nmaps];
		uint32_t def[LEGACY_DEF_SIZE / 4] = { 0 };
		struct em_elf_symbol sym;
		int err = em_elf_symbol(p->elf, p->symtab, i, &sym);

		if (err)
			return err;
		if (sym.shndx != (uint32_t)p->legacy_maps_shndx || sym.type == STT_SECTION ||
		    !sym.name[0])
			continue;
		if (!em_range_ok(sec->size, sym.value, rec)) {
			em_warn("map '%s': definition at 0x%llx (+%llu) outside section 'maps' (%llu "
				"bytes)",
				sym.name, (unsigned long long)sym.value, (unsigned long long)rec,
				(unsigned long long)sec->size);
			return -EBADMSG;
		}
		memcpy(def, sec->data + sym.value, EM_MIN(rec, (uint64_t)LEGACY_DEF_SIZE));
		for (uint64_t b = LEGACY_DEF_SIZE; b < rec; b++) {
			if (sec->data[sym.value + b]) {
				em_warn("map '%s': legacy definition has unknown non-zero bytes at "
					"offset %llu",
					sym.name, (unsigned long long)b);
				return -EOPNOTSUPP;
			}
		}
		init_map(p, m, obj->nmaps);
		m->name = strdup(sym.name);
		if (!m->name)
			return -ENOMEM;
		obj->nmaps++;
		m->kind = EM_MAP_USER;
		m->type = def[0];
		m->key_size = def[1];
		m->value_size = def[2];
		m->max_entries = def[3];
		m->map_flags = def[4];
		m->sec_index = p->legacy_maps_shndx;
		m->sec_offset = (uint32_t)sym.value;
	}
	return 0;
}

/* ---- global data and .kconfig ---------------------------------------------------- */

static int datasec_id(const struct em_objparse *p, const char *name)
{
	int id = em_objindex_datasec(p, name);

	return id > 0 ? id : 0;
}

static int add_data_map(struct em_objparse *p, const struct em_elf_section *s,
			enum em_map_kind kind)
{
	struct em_model *obj = p->obj;
	struct ebpfmini_map *m = &obj->maps[obj->nmaps];

	if (s->size > DATA_MAP_MAX - p->data_total) {
		em_warn("map '%s': %llu bytes, after %llu of other global data: more than the %u"
			" bytes supported per object",
			s->name, (unsigned long long)s->size, (unsigned long long)p->data_total,
			DATA_MAP_MAX);
		return -E2BIG;
	}
	p->data_total += s->size;
	init_map(p, m, obj->nmaps);
	m->name = strdup(s->name);
	if (!m->name)
		return -ENOMEM;
	obj->nmaps++;
	m->kind = kind;
	m->type = BPF_MAP_TYPE_ARRAY;
	m->key_size = 4;
	m->value_size = (uint32_t)s->size;
	m->max_entries = 1;
	m->map_flags = BPF_F_MMAPABLE | (kind == EM_MAP_RODATA ? BPF_F_RDONLY_PROG : 0);
	m->sec_index = (int)s->index;
	m->btf_value_type_id = (uint32_t)datasec_id(p, s->name);
	m->data_size = s->size;
	m->data = calloc(1, s->size);
	if (!m->data)
		return -ENOMEM;
	if (s->type != SHT_NOBITS) {
		if (!s->data) {
			em_warn("elf: section %u '%s': no data", s->index, s->name);
			return -EBADMSG;
		}
		memcpy(m->data, s->data, s->size);
	}
	p->map_of_sec[s->index] = (int)m->index;
	return 0;
}

static int add_kconfig_map(struct em_objparse *p)
{
	struct em_model *obj = p->obj;
	struct ebpfmini_map *m = &obj->maps[obj->nmaps];

	init_map(p, m, obj->nmaps);
	m->name = strdup(".kconfig");
	if (!m->name)
		return -ENOMEM;
	obj->nmaps++;
	m->kind = EM_MAP_KCONFIG;
	m->type = BPF_MAP_TYPE_ARRAY;
	m->key_size = 4;
	m->value_size = p->kconfig_size;
	m->max_entries = 1;
	m->map_flags = BPF_F_MMAPABLE | BPF_F_RDONLY_PROG;
	m->btf_value_type_id = (uint32_t)datasec_id(p, ".kconfig");
	m->data_size = p->kconfig_size;
	m->data = calloc(1, p->kconfig_size);
	if (!m->data)
		return -ENOMEM;
	p->kconfig_map = (int)m->index;
	return 0;
}

int em_objmaps_build(struct em_objparse *p)
{
	struct slot_info *slots = NULL;
	size_t nslots = 0;
	int err = 0;

	if (p->btf_maps_shndx >= 0) {
		slots = em_calloc(p->nmaps_alloc ? p->nmaps_alloc : 1, sizeof(*slots));
		if (!slots)
			return -ENOMEM;
		err = add_btf_maps(p, slots, &nslots);
		if (err)
			goto out;
	}
	if (p->legacy_maps_shndx >= 0) {
		err = add_legacy_maps(p);
		if (err)
			goto out;
	}
	for (size_t i = 0; i < p->elf->nsections; i++) {
		const struct em_elf_section *s = &p->elf->sections[i];
		enum em_map_kind kind;

		if (!s->size || !data_kind(s, &kind))
			continue;
		err = add_data_map(p, s, kind);
		if (err)
			goto out;
	}
	if (p->kconfig_size) {
		err = add_kconfig_map(p);
		if (err)
			goto out;
	}
	if (nslots)
		err = read_init_slots(p, slots, nslots);
out:
	free(slots);
	return err;
}

void em_objmaps_free_map(struct ebpfmini_map *map)
{
	if (!map)
		return;
	free(map->name);
	free(map->pin_path);
	free(map->data);
	em_structops_free(map->st_ops);
	if (map->inner) {
		em_objmaps_free_map(map->inner);
		free(map->inner);
	}
	for (size_t i = 0; i < map->n_init_slots; i++)
		free(map->init_slots[i].target);
	free(map->init_slots);
	memset(map, 0, sizeof(*map));
}
