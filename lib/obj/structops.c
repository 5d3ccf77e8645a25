/* structops.c - struct_ops maps: the variables of .struct_ops and .struct_ops.link, and the map value the kernel takes (L2 obj, pure) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "model.h"
#include "objfile.h"
#include "structops.h"
#include "uapi_compat.h" /* BPF_F_LINK */

/* The two sections libbpf reads struct_ops variables from. */
static const char *const st_ops_secs[] = { ".struct_ops", ".struct_ops.link" };

/* ---- open ---------------------------------------------------------------------------- */

/* The DATASEC of a struct_ops section: 0 and *ds, 1 when the object has no such section. */
static int st_ops_datasec(const struct em_objparse *p, const char *name,
			  const struct em_elf_section **sec, const struct btf_type **ds)
{
	int id;

	*sec = em_objindex_section(p, name);
	if (!*sec)
		return 1;
	if (!p->obj->btf) {
		em_warn("elf: section '%s': struct_ops maps need the object's BTF (.BTF section "
			"missing; compile with clang -g)",
			name);
		return -EBADMSG;
	}
	id = em_objindex_datasec(p, name);
	if (id < 0) {
		em_warn("btf: no DATASEC '%s' for the ELF section '%s'", name, name);
		return -EBADMSG;
	}
	*ds = em_btf_type(p->obj->btf, (uint32_t)id);
	return 0;
}

int em_structops_count(const struct em_objparse *p, size_t *count)
{
	*count = 0;
	for (size_t i = 0; i < EM_ARRAY_SIZE(st_ops_secs); i++) {
		const struct em_elf_section *sec;
		const struct btf_type *ds;
		int err = st_ops_datasec(p, st_ops_secs[i], &sec, &ds);

		if (err < 0)
			return err;
		if (!err)
			*count += em_btf_vlen(ds);
	}
	return 0;
}

/* A function pointer: PTR to FUNC_PROTO, modifiers skipped on both levels. */
static bool is_func_ptr(const struct ebpfmini_btf *btf, uint32_t type_id)
{
	int id = em_btf_skip_mods(btf, type_id);
	const struct btf_type *t = id > 0 ? em_btf_type(btf, (uint32_t)id) : NULL;

	if (!t || em_btf_kind(t) != BTF_KIND_PTR)
		return false;
	id = em_btf_skip_mods(btf, t->type);
	t = id > 0 ? em_btf_type(btf, (uint32_t)id) : NULL;
	return t && em_btf_kind(t) == BTF_KIND_FUNC_PROTO;
}

static uint32_t member_bit_off(const struct btf_type *st, const struct btf_member *m)
{
	return em_btf_kflag(st) ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
}

static bool member_is_bitfield(const struct btf_type *st, const struct btf_member *m)
{
	return (em_btf_kflag(st) && BTF_MEMBER_BITFIELD_SIZE(m->offset)) || m->offset % 8;
}

/* One map of a struct_ops variable vs of section sec (link: .struct_ops.link). */
static int add_map(struct em_objparse *p, const struct em_elf_section *sec, bool link,
		   const struct btf_var_secinfo *vs)
{
	struct em_model *obj = p->obj;
	const struct ebpfmini_btf *btf = obj->btf;
	const struct btf_type *var = em_btf_type(btf, vs->type), *st;
	struct ebpfmini_map *m = &obj->maps[obj->nmaps];
	const char *name;
	int id;

	if (!var || em_btf_kind(var) != BTF_KIND_VAR) {
		em_warn("btf: DATASEC '%s': entry (type [%u]) is not a VAR", sec->name, vs->type);
		return -EBADMSG;
	}
	name = em_btf_type_name(btf, var);
	id = em_btf_skip_mods(btf, var->type);
	st = id > 0 ? em_btf_type(btf, (uint32_t)id) : NULL;
	if (!name || !*name || !st || em_btf_kind(st) != BTF_KIND_STRUCT ||
	    !em_btf_type_name(btf, st) || !*em_btf_type_name(btf, st)) {
		em_warn("map '%s': struct_ops variable (type [%u]) is not a named struct",
			name ? name : "?", var->type);
		return -EBADMSG;
	}
	if (vs->size != st->size || !em_range_ok(sec->size, vs->offset, vs->size)) {
		em_warn("map '%s': struct_ops variable at %u (+%u) does not fit section '%s' "
			"(%llu bytes) or its type (%u bytes)",
			name, vs->offset, vs->size, sec->name, (unsigned long long)sec->size,
			st->size);
		return -EBADMSG;
	}
	m->obj = obj;
	m->index = obj->nmaps;
	m->name = strdup(name);
	if (!m->name)
		return -ENOMEM;
	obj->nmaps++;
	m->kind = EM_MAP_STRUCT_OPS;
	m->type = BPF_MAP_TYPE_STRUCT_OPS;
	m->key_size = 4;
	m->value_size = vs->size; /* the kernel's value size replaces it at load */
	m->max_entries = 1;
	m->map_flags = link ? BPF_F_LINK : 0;
	m->sec_index = (int)sec->index;
	m->sec_offset = vs->offset;
	m->data_size = vs->size;
	m->data = em_calloc(1, vs->size ? vs->size : 1);
	m->st_ops = em_calloc(1, sizeof(*m->st_ops));
	if (!m->data || !m->st_ops)
		return -ENOMEM;
	if (sec->type != SHT_NOBITS && vs->size) {
		if (!sec->data) {
			em_warn("elf: section %u '%s': no data", sec->index, sec->name);
			return -EBADMSG;
		}
		memcpy(m->data, sec->data + vs->offset, vs->size);
	}
	m->st_ops->type_id = (uint32_t)id;
	m->st_ops->type_name = em_btf_type_name(btf, st);
	m->st_ops->nmembers = em_btf_vlen(st);
	m->st_ops->progs = em_calloc(m->st_ops->nmembers + 1u, sizeof(int));
	if (!m->st_ops->progs)
		return -ENOMEM;
	for (uint16_t i = 0; i < m->st_ops->nmembers; i++)
		m->st_ops->progs[i] = -1;
	return 0;
}

/* The program whose function starts at sym (progs are sorted by code section, then offset). */
static int prog_at(const struct em_objparse *p, const struct em_elf_symbol *sym)
{
	const struct em_model *obj = p->obj;
	size_t lo = 0, hi = obj->nprogs, code;
	uint64_t off;

	if (sym->type != STT_FUNC || sym->shndx >= p->elf->nsections ||
	    p->code_of_sec[sym->shndx] < 0 || sym->value % 8)
		return -1;
	code = (size_t)p->code_of_sec[sym->shndx];
	off = sym->value / 8;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ebpfmini_program *q = &obj->progs[mid];

		if (q->code_idx == code && q->sec_insn_off == off)
			return (int)mid;
		if (q->code_idx < code || (q->code_idx == code && q->sec_insn_off < off))
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Entries by offset: the maps of one section, the members of one struct. */
struct by_off {
	uint64_t off;
	uint32_t idx;
};

static int cmp_by_off(const void *a, const void *b)
{
	const struct by_off *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* The entry whose range [off, off + size) holds off (sizes: the distance to the next). */
static const struct by_off *find_off(const struct by_off *v, size_t n, uint64_t off)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].off <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &v[lo - 1] : NULL;
}

/* One relocation of a struct_ops section: a function pointer member set to a program. */
static int add_prog(struct em_objparse *p, const struct em_elf_section *rs, size_t ri,
		    const struct by_off *maps, size_t nmaps)
{
	struct em_model *obj = p->obj;
	const struct ebpfmini_btf *btf = obj->btf;
	const struct by_off *mo;
	const struct btf_type *st;
	const struct btf_member *mem;
	struct ebpfmini_map *m;
	struct em_elf_symbol sym;
	struct em_elf_rel rel;
	uint64_t moff;
	int err, prog;

	err = em_elf_rel(p->elf, rs, ri, &rel);
	if (err)
		return err;
	if (rel.type == R_BPF_NONE)
		return 0;
	err = em_elf_symbol(p->elf, p->symtab, rel.sym, &sym);
	if (err)
		return err;
	mo = find_off(maps, nmaps, rel.offset);
	m = mo ? &obj->maps[mo->idx] : NULL;
	if (!m || rel.offset - m->sec_offset >= m->data_size) {
		em_warn("elf: section '%s': relocation %zu at 0x%llx (symbol '%s') is not inside a "
			"struct_ops variable",
			rs->name, ri, (unsigned long long)rel.offset, sym.name);
		return -EBADMSG;
	}
	moff = (rel.offset - m->sec_offset) * 8;
	st = em_btf_type(btf, m->st_ops->type_id);
	mem = em_btf_tail(st);
	for (uint16_t i = 0; i < m->st_ops->nmembers; i++) {
		if (member_bit_off(st, &mem[i]) != moff)
			continue;
		if (!is_func_ptr(btf, mem[i].type)) {
			em_warn("map '%s': relocation %zu of '%s' sets member '%s', which is not a "
				"function pointer",
				m->name, ri, rs->name, em_btf_str(btf, mem[i].name_off));
			return -EBADMSG;
		}
		prog = prog_at(p, &sym);
		if (prog < 0 || obj->progs[prog].type != BPF_PROG_TYPE_STRUCT_OPS) {
			em_warn("map '%s': member '%s' is set to '%s', which is not a program of a "
				"SEC(\"struct_ops/...\") or SEC(\"struct_ops.s/...\") section",
				m->name, em_btf_str(btf, mem[i].name_off), sym.name);
			return -EBADMSG;
		}
		if (m->st_ops->progs[i] >= 0) {
			em_warn("map '%s': member '%s' is set twice", m->name,
				em_btf_str(btf, mem[i].name_off));
			return -EBADMSG;
		}
		m->st_ops->progs[i] = prog;
		return 0;
	}
	em_warn("map '%s': relocation %zu of '%s' at byte %llu of the variable starts no member "
		"of struct '%s'",
		m->name, ri, rs->name, (unsigned long long)(moff / 8), m->st_ops->type_name);
	return -EBADMSG;
}

/* The programs of the struct_ops maps of section sec (the maps from first on). */
static int read_progs(struct em_objparse *p, const struct em_elf_section *sec, size_t first)
{
	size_t nmaps = p->obj->nmaps - first;
	struct by_off *maps = em_calloc(nmaps + 1, sizeof(*maps));
	int err = 0;

	if (!maps)
		return -ENOMEM;
	for (size_t i = 0; i < nmaps; i++)
		maps[i] = (struct by_off){ p->obj->maps[first + i].sec_offset, (uint32_t)(first + i) };
	qsort(maps, nmaps, sizeof(*maps), cmp_by_off);
	for (size_t i = 0; i < p->elf->nsections && !err; i++) {
		const struct em_elf_section *rs = &p->elf->sections[i];
		size_t n;

		if (rs->type != SHT_REL || rs->info != sec->index)
			continue;
		if (rs->link != p->symtab->index) {
			em_warn("elf: section %u '%s': linked to section %u, not the symbol table",
				rs->index, rs->name, rs->link);
			err = -EBADMSG;
			break;
		}
		n = em_elf_rel_count(p->elf, rs);
		for (size_t j = 0; j < n && !err; j++)
			err = add_prog(p, rs, j, maps, nmaps);
	}
	free(maps);
	return err;
}

int em_structops_build(struct em_objparse *p)
{
	struct em_model *obj = p->obj;
	bool *used;
	int err = 0;

	for (size_t i = 0; i < EM_ARRAY_SIZE(st_ops_secs) && !err; i++) {
		const struct em_elf_section *sec;
		const struct btf_type *ds;
		size_t first = obj->nmaps;

		err = st_ops_datasec(p, st_ops_secs[i], &sec, &ds);
		if (err > 0) { /* no such section */
			err = 0;
			continue;
		}
		if (err)
			break;
		for (uint16_t v = 0; v < em_btf_vlen(ds) && !err; v++)
			err = add_map(p, sec, i == 1, &((const struct btf_var_secinfo *)em_btf_tail(ds))[v]);
		if (!err)
			err = read_progs(p, sec, first);
	}
	if (err)
		return err;
	/* a struct_ops program no map names has nothing to be loaded against */
	used = em_calloc(obj->nprogs + 1, sizeof(*used));
	if (!used)
		return -ENOMEM;
	for (size_t i = 0; i < obj->nmaps; i++) {
		const struct em_st_ops *st = obj->maps[i].st_ops;

		for (uint16_t j = 0; st && j < st->nmembers; j++)
			if (st->progs[j] >= 0)
				used[st->progs[j]] = true;
	}
	for (size_t i = 0; i < obj->nprogs; i++) {
		if (obj->progs[i].type == BPF_PROG_TYPE_STRUCT_OPS && !used[i]) {
			em_debug("prog '%s': no struct_ops map uses it: autoload off",
				 obj->progs[i].name);
			obj->progs[i].autoload = false;
		}
	}
	free(used);
	return 0;
}

void em_structops_free(struct em_st_ops *st)
{
	if (!st)
		return;
	free(st->progs);
	free(st);
}

/* ---- load: the kernel's side -------------------------------------------------------- */

int em_structops_kern_find(const struct ebpfmini_btf *kbtf, const char *map_name,
			   const char *type_name, struct em_st_ops_kern *k)
{
	static const char prefix[] = "bpf_struct_ops_";
	char vname[256];
	const struct btf_type *vt;
	const struct btf_member *m;
	int id;

	memset(k, 0, sizeof(*k));
	if (snprintf(vname, sizeof(vname), "%s%s", prefix, type_name) >= (int)sizeof(vname))
		id = -ENOENT;
	else
		id = em_btf_find(kbtf, vname, BTF_KIND_STRUCT);
	if (id < 0) {
		em_err("map '%s': the kernel has no struct_ops '%s' (no struct %s in its BTF): "
		       "its subsystem is not built in, or this kernel predates it",
		       map_name, type_name, vname);
		return id == -ENOMEM ? id : -ENOENT;
	}
	vt = em_btf_type(kbtf, (uint32_t)id);
	m = em_btf_tail(vt);
	for (uint16_t i = 0; i < em_btf_vlen(vt); i++) {
		const char *n = em_btf_str(kbtf, m[i].name_off);
		int oid = em_btf_skip_mods(kbtf, m[i].type);
		const struct btf_type *ot = oid > 0 ? em_btf_type(kbtf, (uint32_t)oid) : NULL;
		uint32_t off = member_bit_off(vt, &m[i]);

		if (!n || strcmp(n, "data"))
			continue;
		if (!ot || em_btf_kind(ot) != BTF_KIND_STRUCT || off % 8 ||
		    !em_range_ok(vt->size, off / 8, ot->size)) {
			em_err("map '%s': kernel struct %s: member 'data' is not the ops struct",
			       map_name, vname);
			return -EBADMSG;
		}
		k->value_type_id = (uint32_t)id;
		k->value_size = vt->size;
		k->ops_type_id = (uint32_t)oid;
		k->data_off = off / 8;
		return 0;
	}
	em_err("map '%s': kernel struct %s has no member 'data'", map_name, vname);
	return -EBADMSG;
}

/* The kernel member called name: 0 with its index, or -ENOENT. */
static int kern_member(const struct ebpfmini_btf *kbtf, const struct btf_type *kt,
		       const char *name, uint32_t *idx)
{
	const struct btf_member *m = em_btf_tail(kt);

	for (uint16_t i = 0; i < em_btf_vlen(kt); i++) {
		const char *n = em_btf_str(kbtf, m[i].name_off);

		if (n && !strcmp(n, name)) {
			*idx = i;
			return 0;
		}
	}
	return -ENOENT;
}

static bool zero_bytes(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* The kind of a member's type with modifiers skipped, or -1. */
static int type_kind(const struct ebpfmini_btf *btf, uint32_t type_id)
{
	int id = em_btf_skip_mods(btf, type_id);
	const struct btf_type *t = id > 0 ? em_btf_type(btf, (uint32_t)id) : NULL;

	return t ? em_btf_kind(t) : -1;
}

/* Object member i of the map into value (may be NULL): see em_structops_value(). */
static int one_member(const struct ebpfmini_map *map, const struct ebpfmini_btf *kbtf,
		      const struct em_st_ops_kern *k, uint16_t i, const int *member_fds,
		      uint32_t *kidx, uint8_t *value)
{
	const struct ebpfmini_btf *btf = map->obj->btf;
	const struct em_st_ops *so = map->st_ops;
	const struct btf_type *st = em_btf_type(btf, so->type_id);
	const struct btf_type *kt = em_btf_type(kbtf, k->ops_type_id);
	const struct btf_member *om = &((const struct btf_member *)em_btf_tail(st))[i], *km;
	const char *name = em_btf_str(btf, om->name_off);
	uint32_t osize = 0, ksize = 0, ooff, koff;
	bool ofunc = is_func_ptr(btf, om->type), kfunc;

	*kidx = UINT32_MAX;
	if (!name || !*name || member_is_bitfield(st, om)) {
		em_err("map '%s': member %u of struct %s: %s members are not supported", map->name,
		       i, so->type_name, name && *name ? "bitfield" : "unnamed");
		return -EOPNOTSUPP;
	}
	ooff = member_bit_off(st, om) / 8;
	if (em_btf_resolve_size(btf, om->type, &osize) || !em_range_ok(map->data_size, ooff, osize)) {
		em_err("map '%s': member '%s' does not fit the variable's %zu bytes", map->name,
		       name, map->data_size);
		return -EBADMSG;
	}
	if (kern_member(kbtf, kt, name, kidx)) {
		if (so->progs[i] < 0 && zero_bytes(map->data + ooff, osize))
			return 0; /* declared, unused: nothing to tell the kernel */
		em_err("map '%s': the kernel's struct %s has no member '%s', which the object %s",
		       map->name, so->type_name, name, so->progs[i] >= 0 ? "sets to a program" :
									   "sets to a non-zero value");
		return -EOPNOTSUPP;
	}
	km = &((const struct btf_member *)em_btf_tail(kt))[*kidx];
	kfunc = is_func_ptr(kbtf, km->type);
	koff = member_bit_off(kt, km) / 8;
	if (member_is_bitfield(kt, km) || em_btf_resolve_size(kbtf, km->type, &ksize) ||
	    !em_range_ok(k->value_size, (uint64_t)k->data_off + koff, ksize)) {
		em_err("map '%s': the kernel's member '%s' of struct %s is a bitfield or does not "
		       "fit its value",
		       map->name, name, so->type_name);
		return -EOPNOTSUPP;
	}
	if (ofunc != kfunc || (!ofunc && (osize != ksize ||
					  type_kind(btf, om->type) != type_kind(kbtf, km->type)))) {
		em_err("map '%s': member '%s' is %s of %u bytes in the object, %s of %u bytes in "
		       "the kernel's struct %s",
		       map->name, name, ofunc ? "a function pointer" : "data", osize,
		       kfunc ? "a function pointer" : "data", ksize, so->type_name);
		return -EBADMSG;
	}
	if (!value)
		return 0;
	value += k->data_off + koff;
	if (ofunc) {
		uint64_t fd;

		if (so->progs[i] < 0)
			return 0; /* no program: NULL */
		if (!member_fds || member_fds[i] < 0) {
			em_err("map '%s': member '%s': prog '%s' is not loaded", map->name, name,
			       map->obj->progs[so->progs[i]].name);
			return -EINVAL;
		}
		if (ksize < sizeof(fd))
			return -EBADMSG;
		fd = (uint64_t)member_fds[i]; /* the kernel reads an fd where the pointer goes */
		memcpy(value, &fd, sizeof(fd));
		return 0;
	}
	memcpy(value, map->data + ooff, osize);
	return 0;
}

int em_structops_value(const struct ebpfmini_map *map, const struct ebpfmini_btf *kbtf,
		       const struct em_st_ops_kern *k, const int *member_fds, uint32_t *kmember,
		       void *value)
{
	const struct btf_type *kt;

	if (!map || !map->st_ops || !map->obj->btf || !kbtf || !k)
		return -EINVAL;
	kt = em_btf_type(kbtf, k->ops_type_id);
	if (!kt || em_btf_kind(kt) != BTF_KIND_STRUCT ||
	    !em_btf_type(map->obj->btf, map->st_ops->type_id)) {
		em_err("map '%s': kernel type [%u] is not a struct", map->name, k->ops_type_id);
		return -EBADMSG;
	}
	if (value)
		memset(value, 0, k->value_size);
	for (uint16_t i = 0; i < map->st_ops->nmembers; i++) {
		uint32_t kidx;
		int err = one_member(map, kbtf, k, i, member_fds, &kidx, value);

		if (err)
			return err;
		if (kmember)
			kmember[i] = kidx;
	}
	return 0;
}
