/* objfile.c - ELF + BTF -> object model: sections, programs, externs, code relocations (L2 obj, pure) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "model.h"
#include "objfile.h"
#include "secdef.h"
#include "structops.h"

const struct em_func *em_objfile_func_at(const struct em_code_sec *sec, uint32_t insn_idx)
{
	size_t lo = 0, hi = sec ? sec->nfuncs : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct em_func *f = &sec->funcs[mid];

		if (insn_idx < f->insn_off)
			hi = mid;
		else if (insn_idx - f->insn_off >= f->insn_cnt)
			lo = mid + 1;
		else
			return f;
	}
	return NULL;
}

void em_objfile_map_kernel_name(const struct ebpfmini_map *map, char out[BPF_OBJ_NAME_LEN])
{
	const size_t max = BPF_OBJ_NAME_LEN - 1;
	const char *obj_name = map->obj && map->obj->name ? map->obj->name : "";
	const char *name = map->name ? map->name : "";
	size_t pfx = 0;

	if (em_map_is_data(map) && name[0] && !strchr(name + 1, '.')) {
		size_t len = strlen(name);

		pfx = EM_MIN(strlen(obj_name), (size_t)8);
		pfx = len >= max ? 0 : EM_MIN(pfx, max - len);
	}
	snprintf(out, BPF_OBJ_NAME_LEN, "%.*s%s", (int)pfx, obj_name, name);
	for (char *c = out; *c; c++) {
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '.'))
			*c = '_';
	}
}

/* ---- sections ------------------------------------------------------------------ */

static bool is_code(const struct em_elf_section *s)
{
	return s->type == SHT_PROGBITS && (s->flags & SHF_EXECINSTR) && s->size;
}

static int read_license_version(struct em_model *obj)
{
	const struct em_elf_section *s = em_elf_section_by_name(obj->elf, "license");

	if (s && s->data) {
		size_t n = EM_MIN(s->size, sizeof(obj->license) - 1);

		memcpy(obj->license, s->data, n);
		obj->license[n] = '\0';
	}
	s = em_elf_section_by_name(obj->elf, "version");
	if (s) {
		if (s->size != sizeof(uint32_t) || !s->data) {
			em_warn("elf: section %u 'version': size %llu, expected 4", s->index,
				(unsigned long long)s->size);
			return -EBADMSG;
		}
		memcpy(&obj->kversion, s->data, sizeof(uint32_t));
	}
	return 0;
}

static int read_btf(struct em_model *obj)
{
	const struct em_elf_section *s = em_elf_section_by_name(obj->elf, ".BTF");
	int err;

	if (!s)
		return 0;
	if (!s->data) {
		em_warn("elf: section %u '.BTF' has no data", s->index);
		return -EBADMSG;
	}
	err = em_btf_parse(s->data, s->size, NULL, &obj->btf);
	if (err)
		return err;
	s = em_elf_section_by_name(obj->elf, ".BTF.ext");
	if (!s)
		return 0;
	if (!s->data) {
		em_warn("elf: section %u '.BTF.ext' has no data", s->index);
		return -EBADMSG;
	}
	err = em_btf_ext_parse(s->data, s->size, obj->btf, &obj->btf_ext);
	if (err)
		return err;
	for (size_t i = 0; i < obj->btf_ext->core_relo.nsecs; i++)
		if (obj->btf_ext->core_relo.secs[i].num_info)
			obj->has_core_relos = true;
	return 0;
}

static int cmp_func(const void *a, const void *b)
{
	const struct em_func *x = a, *y = b;

	return x->insn_off < y->insn_off ? -1 : x->insn_off > y->insn_off;
}

/*
 * A global function of hidden (or internal) visibility cannot be called from
 * outside the object: its BTF FUNC is made static, as the kernel then verifies
 * it in each caller's context instead of alone (where a pointer the caller
 * knows to be valid is only "may be NULL"). Without BTF there is nothing to do.
 */
static int hide_func(struct em_model *obj, const struct em_elf_symbol *sym)
{
	struct btf_type *t;
	int id;

	if (!obj->btf || (sym->visibility != STV_HIDDEN && sym->visibility != STV_INTERNAL) ||
	    (sym->bind != STB_GLOBAL && sym->bind != STB_WEAK))
		return 0;
	id = em_btf_find(obj->btf, sym->name, BTF_KIND_FUNC);
	if (id == -ENOENT)
		return 0; /* no BTF for it: no linkage to change */
	if (id < 0)
		return id;
	t = (struct btf_type *)em_btf_type(obj->btf, (uint32_t)id);
	em_debug("elf: function '%s' is hidden: its BTF FUNC [%d] becomes static", sym->name, id);
	t->info = (t->info & ~0xffffu) | BTF_FUNC_STATIC; /* a FUNC's vlen is its linkage */
	return 0;
}

/* Every STT_FUNC symbol of each code section, checked to lie inside it without overlaps. */
static int read_funcs(struct em_objparse *p)
{
	struct em_model *obj = p->obj;

	for (size_t i = 1; i < p->nsyms; i++) {
		struct em_elf_symbol sym;
		struct em_code_sec *c;
		struct em_func *f;
		int err = em_elf_symbol(p->elf, p->symtab, i, &sym);

		if (err)
			return err;
		if (sym.type != STT_FUNC || sym.shndx == SHN_UNDEF ||
		    sym.shndx >= p->elf->nsections || p->code_of_sec[sym.shndx] < 0)
			continue;
		c = &obj->code[p->code_of_sec[sym.shndx]];
		if (sym.value % 8 || sym.size % 8 || !sym.size ||
		    !em_range_ok((uint64_t)c->insn_cnt * 8, sym.value, sym.size)) {
			em_warn("elf: function '%s' at 0x%llx (size %llu) does not fit section %u "
				"'%s' (%zu instructions)",
				sym.name, (unsigned long long)sym.value,
				(unsigned long long)sym.size, c->sec_index, c->name, c->insn_cnt);
			return -EBADMSG;
		}
		err = hide_func(obj, &sym);
		if (err)
			return err;
		f = em_array_grow(c->funcs, c->nfuncs, sizeof(*f));
		if (!f)
			return -ENOMEM;
		c->funcs = f;
		c->funcs[c->nfuncs++] = (struct em_func){
			.name = sym.name,
			.insn_off = (uint32_t)(sym.value / 8),
			.insn_cnt = (uint32_t)(sym.size / 8),
			.global = sym.bind == STB_GLOBAL || sym.bind == STB_WEAK,
		};
	}
	for (size_t i = 0; i < obj->ncode; i++) {
		struct em_code_sec *c = &obj->code[i];

		if (c->nfuncs > 1)
			qsort(c->funcs, c->nfuncs, sizeof(*c->funcs), cmp_func);
		for (size_t j = 1; j < c->nfuncs; j++) {
			const struct em_func *a = &c->funcs[j - 1], *b = &c->funcs[j];

			if (b->insn_off - a->insn_off < a->insn_cnt) {
				em_warn("elf: section %u '%s': functions '%s' and '%s' overlap",
					c->sec_index, c->name, a->name, b->name);
				return -EBADMSG;
			}
		}
	}
	return 0;
}

static int read_code(struct em_objparse *p)
{
	struct em_model *obj = p->obj;
	size_t n = 0;

	for (size_t i = 0; i < p->elf->nsections; i++)
		n += is_code(&p->elf->sections[i]);
	obj->code = em_calloc(n ? n : 1, sizeof(*obj->code));
	if (!obj->code)
		return -ENOMEM;
	for (size_t i = 0; i < p->elf->nsections; i++) {
		const struct em_elf_section *s = &p->elf->sections[i];
		struct em_code_sec *c = &obj->code[obj->ncode];

		if (!is_code(s))
			continue;
		if (s->size % sizeof(struct bpf_insn) || !s->data) {
			em_warn("elf: section %u '%s': code size %llu is not a multiple of 8",
				s->index, s->name, (unsigned long long)s->size);
			return -EBADMSG;
		}
		c->sec_index = s->index;
		c->name = s->name;
		c->insn_cnt = s->size / sizeof(struct bpf_insn);
		c->insns = malloc(s->size); /* backed by file bytes */
		if (!c->insns)
			return -ENOMEM;
		memcpy(c->insns, s->data, s->size);
		p->code_of_sec[i] = (int)obj->ncode++;
	}
	return read_funcs(p);
}

/* Programs: global functions in code sections other than .text, in section order. */
static int read_programs(struct em_objparse *p)
{
	struct em_model *obj = p->obj;
	size_t n = 0;

	for (size_t i = 0; i < obj->ncode; i++) {
		if (strcmp(obj->code[i].name, ".text") == 0)
			continue;
		for (size_t j = 0; j < obj->code[i].nfuncs; j++)
			n += obj->code[i].funcs[j].global;
	}
	obj->progs = em_calloc(n ? n : 1, sizeof(*obj->progs));
	if (!obj->progs)
		return -ENOMEM;
	for (size_t i = 0; i < obj->ncode; i++) {
		const struct em_code_sec *c = &obj->code[i];

		if (strcmp(c->name, ".text") == 0)
			continue;
		for (size_t j = 0; j < c->nfuncs; j++) {
			struct ebpfmini_program *prog = &obj->progs[obj->nprogs];
			const struct em_secdef *def;

			if (!c->funcs[j].global)
				continue;
			prog->obj = obj;
			prog->index = obj->nprogs++;
			prog->name = strdup(c->funcs[j].name);
			prog->sec_name = strdup(c->name);
			if (!prog->name || !prog->sec_name)
				return -ENOMEM;
			prog->code_idx = i;
			prog->sec_insn_off = c->funcs[j].insn_off;
			prog->sec_insn_cnt = c->funcs[j].insn_cnt;
			prog->autoload = true;
			def = em_secdef_find(prog->sec_name, &prog->attach_target);
			if (def) {
				prog->type = def->prog_type;
				prog->expected_attach_type = def->expected_attach_type;
				prog->prog_flags = def->prog_flags;
			} else {
				em_debug("prog '%s': section '%s' matches no known program type",
					 prog->name, prog->sec_name);
			}
		}
	}
	return 0;
}

/* ---- BTF DATASEC fix-up ---------------------------------------------------------- */

static int fixup_section_size(void *ctx, const char *sec_name, uint32_t *size)
{
	const struct em_objparse *p = ctx;
	const struct em_elf_section *s = em_objindex_section(p, sec_name);

	if (!s)
		return -ENOENT;
	if (s->size > UINT32_MAX)
		return -E2BIG;
	*size = (uint32_t)s->size;
	return 0;
}

static int fixup_symbol_offset(void *ctx, const char *sec_name, const char *sym_name, uint32_t *off)
{
	const struct em_objparse *p = ctx;
	const struct em_elf_section *s = em_objindex_section(p, sec_name);
	struct em_elf_symbol sym;

	if (!s || em_objindex_symbol(p, s->index, sym_name, &sym))
		return -ENOENT;
	if (sym.value > UINT32_MAX)
		return -E2BIG;
	*off = (uint32_t)sym.value;
	return 0;
}

/* ---- code relocations ------------------------------------------------------------ */

static int EM_PRINTF(6, 7) bad_rel(const struct em_elf_section *rs, size_t ri, uint32_t sym_idx,
				   const char *sym_name, uint64_t r_offset, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	em_warn("elf: section '%s': relocation %zu (symbol %u '%s', instruction %llu): %s",
		rs->name, ri, sym_idx, sym_name, (unsigned long long)(r_offset / 8), why);
	return -EBADMSG;
}

/* Instruction index a call or function address points at, checked against the target section. */
static int code_target(const struct em_objparse *p, const struct em_elf_symbol *sym,
		       int64_t byte_delta, uint32_t *target_insn)
{
	const struct em_code_sec *tc = &p->obj->code[p->code_of_sec[sym->shndx]];
	uint64_t sec_bytes = (uint64_t)tc->insn_cnt * 8;
	int64_t t;

	if (sym->value > sec_bytes)
		return -1;
	t = (int64_t)sym->value + byte_delta;
	if (t < 0 || (uint64_t)t >= sec_bytes || t % 8)
		return -1;
	*target_insn = (uint32_t)(t / 8);
	return 0;
}

static int classify_rel(const struct em_objparse *p, struct em_code_sec *c,
			const struct em_elf_section *rs, size_t ri, struct em_reloc *out,
			bool *skip)
{
	struct em_model *obj = p->obj;
	const struct bpf_insn *insn;
	struct em_elf_symbol sym;
	struct em_elf_rel rel;
	bool ld, call;
	int err;

	*skip = false;
	err = em_elf_rel(p->elf, rs, ri, &rel);
	if (err)
		return err;
	if (rel.type == R_BPF_NONE) {
		*skip = true;
		return 0;
	}
	err = em_elf_symbol(p->elf, p->symtab, rel.sym, &sym);
	if (err)
		return err;
	/* section symbols are unnamed: name them after their section */
	if (sym.type == STT_SECTION && !sym.name[0] && sym.shndx < p->elf->nsections)
		sym.name = p->elf->sections[sym.shndx].name;
#define BAD(...) bad_rel(rs, ri, rel.sym, sym.name, rel.offset, __VA_ARGS__)
	if (rel.offset % 8 || rel.offset / 8 >= c->insn_cnt)
		return BAD("offset 0x%llx is not an instruction of section '%s' (%zu instructions)",
			   (unsigned long long)rel.offset, c->name, c->insn_cnt);
	memset(out, 0, sizeof(*out));
	out->insn_idx = (uint32_t)(rel.offset / 8);
	out->sym_name = sym.name;
	out->ext_idx = -1;
	insn = &c->insns[out->insn_idx];
	ld = em_insn_is_ld_imm64(insn);
	call = em_insn_is_call(insn);
	if (!ld && !call)
		return BAD("instruction code 0x%02x is neither ld_imm64 nor call", insn->code);
	if (ld && out->insn_idx + 1 >= c->insn_cnt)
		return BAD("ld_imm64 is cut off by the end of the section");
	if ((ld && rel.type != R_BPF_64_64) || (call && rel.type != R_BPF_64_32))
		return BAD("relocation type %u does not fit instruction code 0x%02x", rel.type,
			   insn->code);
	if (sym.shndx == SHN_UNDEF) {
		out->ext_idx = em_objindex_extern(obj, rel.sym);
		if (out->ext_idx < 0)
			return BAD("undefined symbol");
		if (ld && obj->externs[out->ext_idx].is_kconfig) {
			int64_t v = (int64_t)obj->externs[out->ext_idx].offset + insn->imm;

			if (v < 0 || (uint64_t)v >= p->kconfig_size)
				return BAD("offset %lld outside the .kconfig image", (long long)v);
			out->kind = EM_RELO_KCONFIG;
			out->map_idx = (size_t)p->kconfig_map;
			out->value_off = (uint32_t)v;
		} else {
			out->kind = EM_RELO_EXTERN;
		}
		return 0;
	}
	if (sym.shndx >= p->elf->nsections)
		return BAD("symbol has special section index 0x%x", sym.shndx);
	if (call) {
		if (insn->src_reg != BPF_PSEUDO_CALL)
			return BAD("call with src_reg %u is not a bpf-to-bpf call", insn->src_reg);
		if (p->code_of_sec[sym.shndx] < 0)
			return BAD("call target is in section %u, which holds no code", sym.shndx);
		if (code_target(p, &sym, ((int64_t)insn->imm + 1) * 8, &out->target_insn))
			return BAD("call target (symbol 0x%llx, imm %d) outside section %u",
				   (unsigned long long)sym.value, insn->imm, sym.shndx);
		out->kind = EM_RELO_CALL;
		out->target_sec = sym.shndx;
		return 0;
	}
	if (p->code_of_sec[sym.shndx] >= 0) {
		if (code_target(p, &sym, insn->imm, &out->target_insn))
			return BAD("function address (symbol 0x%llx, imm %d) outside section %u",
				   (unsigned long long)sym.value, insn->imm, sym.shndx);
		out->kind = EM_RELO_FUNC_PTR;
		out->target_sec = sym.shndx;
		return 0;
	}
	if ((int)sym.shndx == p->btf_maps_shndx || (int)sym.shndx == p->legacy_maps_shndx) {
		if (em_objindex_user_map(p, sym.shndx, sym.value, &out->map_idx) == 0) {
			out->kind = EM_RELO_MAP_FD;
			return 0;
		}
		return BAD("no map starts at offset 0x%llx of its section",
			   (unsigned long long)sym.value);
	}
	if (p->map_of_sec[sym.shndx] >= 0) {
		const struct ebpfmini_map *m = &obj->maps[p->map_of_sec[sym.shndx]];
		int64_t v = (int64_t)EM_MIN(sym.value, (uint64_t)UINT32_MAX + 1) + insn->imm;

		if (v < 0 || (uint64_t)v >= m->value_size)
			return BAD("offset %lld outside '%s' (%u bytes)", (long long)v, m->name,
				   m->value_size);
		out->kind = EM_RELO_MAP_VALUE;
		out->map_idx = m->index;
		out->value_off = (uint32_t)v;
		return 0;
	}
	return BAD("symbol is in section %u '%s', which is neither code, a map section nor global "
		   "data",
		   sym.shndx, p->elf->sections[sym.shndx].name);
#undef BAD
}

static int cmp_reloc(const void *a, const void *b)
{
	const struct em_reloc *x = a, *y = b;

	return x->insn_idx < y->insn_idx ? -1 : x->insn_idx > y->insn_idx;
}

static const struct em_reloc *reloc_at(const struct em_code_sec *c, size_t n, uint32_t idx)
{
	struct em_reloc key = { .insn_idx = idx };

	return n ? bsearch(&key, c->relos, n, sizeof(key), cmp_reloc) : NULL;
}

/*
 * Calls (and function addresses) inside one section may come without an
 * ELF relocation: the instruction's imm is already relative. Add them so the
 * relocation list is complete; then sort and refuse two relocations on one
 * instruction.
 */
static int complete_relos(struct em_code_sec *c)
{
	size_t nelf = c->nrelos;

	if (nelf > 1)
		qsort(c->relos, nelf, sizeof(*c->relos), cmp_reloc);
	for (size_t i = 1; i < nelf; i++) {
		if (c->relos[i].insn_idx == c->relos[i - 1].insn_idx) {
			em_warn("elf: section '%s': two relocations for instruction %u", c->name,
				c->relos[i].insn_idx);
			return -EBADMSG;
		}
	}
	for (size_t i = 0; i < c->insn_cnt; i++) {
		const struct bpf_insn *insn = &c->insns[i];
		bool ld = em_insn_is_ld_imm64(insn);
		struct em_reloc *r;
		int64_t t;

		if (!(ld && insn->src_reg == BPF_PSEUDO_FUNC) && !em_insn_is_pseudo_call(insn)) {
			i += ld;
			continue;
		}
		if (reloc_at(c, nelf, (uint32_t)i)) {
			i += ld;
			continue;
		}
		t = (int64_t)i + insn->imm + 1;
		if (t < 0 || (uint64_t)t >= c->insn_cnt || (ld && i + 1 >= c->insn_cnt)) {
			em_warn("elf: section '%s': instruction %zu: call target %lld outside the "
				"section",
				c->name, i, (long long)t);
			return -EBADMSG;
		}
		r = em_reallocarray(c->relos, c->nrelos + 1, sizeof(*r));
		if (!r)
			return -ENOMEM;
		c->relos = r;
		c->relos[c->nrelos++] = (struct em_reloc){
			.kind = ld ? EM_RELO_FUNC_PTR : EM_RELO_CALL,
			.sym_name = "",
			.insn_idx = (uint32_t)i,
			.target_sec = c->sec_index,
			.target_insn = (uint32_t)t,
			.ext_idx = -1,
		};
		i += ld;
	}
	if (c->nrelos > nelf)
		qsort(c->relos, c->nrelos, sizeof(*c->relos), cmp_reloc);
	return 0;
}

static int read_relos(struct em_objparse *p)
{
	struct em_model *obj = p->obj;
	int err = em_objindex_user_maps(p);

	if (err)
		return err;
	for (size_t i = 0; i < p->elf->nsections; i++) {
		const struct em_elf_section *rs = &p->elf->sections[i];
		struct em_code_sec *c;
		struct em_reloc *arr;
		size_t n;

		if ((rs->type != SHT_REL && rs->type != SHT_RELA) ||
		    rs->info >= p->elf->nsections || p->code_of_sec[rs->info] < 0)
			continue; /* .rel.BTF, .rel.debug_*, .rel.maps (objmaps.c) ... */
		if (rs->type == SHT_RELA || rs->link != p->symtab->index) {
			em_warn("elf: section %u '%s': %s", rs->index, rs->name,
				rs->type == SHT_RELA ? "SHT_RELA is not used for eBPF code" :
						       "not linked to the symbol table");
			return -EBADMSG;
		}
		c = &obj->code[p->code_of_sec[rs->info]];
		n = em_elf_rel_count(p->elf, rs);
		arr = em_reallocarray(c->relos, c->nrelos + n + 1, sizeof(*arr));
		if (!arr)
			return -ENOMEM;
		c->relos = arr;
		for (size_t j = 0; j < n; j++) {
			bool skip;

			err = classify_rel(p, c, rs, j, &c->relos[c->nrelos], &skip);
			if (err)
				return err;
			c->nrelos += !skip;
		}
	}
	for (size_t i = 0; i < obj->ncode; i++) {
		err = complete_relos(&obj->code[i]);
		if (err)
			return err;
	}
	return 0;
}

/* ---- entry points ---------------------------------------------------------------- */

static int scan_sections(struct em_objparse *p)
{
	const struct em_elf_section *s;

	p->symtab = p->elf->symtab;
	if (!p->symtab) {
		em_warn("elf: no symbol table (.symtab); was the object stripped?");
		return -EBADMSG;
	}
	p->nsyms = em_elf_symbol_count(p->elf, p->symtab);
	s = em_elf_section_by_name(p->elf, ".maps");
	p->btf_maps_shndx = s ? (int)s->index : -1;
	s = em_elf_section_by_name(p->elf, "maps");
	p->legacy_maps_shndx = s ? (int)s->index : -1;
	p->kconfig_map = -1;
	p->code_of_sec = em_calloc(p->elf->nsections, sizeof(int));
	p->map_of_sec = em_calloc(p->elf->nsections, sizeof(int));
	if (!p->code_of_sec || !p->map_of_sec)
		return -ENOMEM;
	for (size_t i = 0; i < p->elf->nsections; i++)
		p->code_of_sec[i] = p->map_of_sec[i] = -1;
	return em_objindex_names(p);
}

static int build_maps(struct em_objparse *p)
{
	struct em_model *obj = p->obj;
	size_t n_st_ops = 0;
	int err = em_objindex_datasecs(p);

	if (!err)
		err = em_objmaps_count(p, &p->nmaps_alloc);
	if (!err)
		err = em_structops_count(p, &n_st_ops);
	if (err)
		return err;
	p->nmaps_alloc += n_st_ops;
	obj->maps = em_calloc(p->nmaps_alloc ? p->nmaps_alloc : 1, sizeof(*obj->maps));
	if (!obj->maps)
		return -ENOMEM;
	err = em_objmaps_build(p);
	return err ? err : em_structops_build(p);
}

int em_objfile_parse(struct em_model *obj)
{
	struct em_objparse p = { .obj = obj };
	int err;

	if (!obj || !obj->image)
		return -EINVAL;
	err = em_elf_parse_bpf(obj->image, obj->image_size, &obj->elf);
	if (err)
		goto out;
	p.elf = obj->elf;
	err = scan_sections(&p);
	if (!err)
		err = read_license_version(obj);
	if (!err)
		err = read_btf(obj);
	if (!err)
		err = read_code(&p);
	if (!err)
		err = read_programs(&p);
	if (!err)
		err = em_objextern_read(&p);
	if (!err && obj->btf) {
		struct em_btf_fixup_ops ops = { .ctx = &p,
						.section_size = fixup_section_size,
						.symbol_offset = fixup_symbol_offset };

		err = em_btf_fixup_datasecs(obj->btf, &ops);
		if (err)
			err = err == -ENOMEM ? err : -EBADMSG;
	}
	if (!err)
		err = build_maps(&p);
	if (!err)
		err = read_relos(&p);
out:
	free(p.code_of_sec);
	free(p.map_of_sec);
	em_objindex_free(&p);
	if (err)
		em_objfile_free(obj);
	return err;
}

void em_objfile_free(struct em_model *obj)
{
	if (!obj)
		return;
	for (size_t i = 0; i < obj->ncode; i++) {
		free(obj->code[i].insns);
		free(obj->code[i].relos);
		free(obj->code[i].funcs);
	}
	free(obj->code);
	obj->code = NULL;
	obj->ncode = 0;
	for (size_t i = 0; i < obj->nprogs; i++) {
		struct ebpfmini_program *prog = &obj->progs[i];

		free(prog->name);
		free(prog->sec_name);
		free(prog->insns);
		free(prog->func_info);
		free(prog->line_info);
	}
	free(obj->progs);
	obj->progs = NULL;
	obj->nprogs = 0;
	for (size_t i = 0; i < obj->nmaps; i++)
		em_objmaps_free_map(&obj->maps[i]);
	free(obj->maps);
	obj->maps = NULL;
	obj->nmaps = 0;
	for (size_t i = 0; i < obj->nexterns; i++)
		free(obj->externs[i].name);
	free(obj->externs);
	obj->externs = NULL;
	obj->nexterns = 0;
	em_btf_ext_free(obj->btf_ext);
	obj->btf_ext = NULL;
	em_btf_free(obj->btf);
	obj->btf = NULL;
	em_elf_free(obj->elf);
	obj->elf = NULL;
	obj->has_core_relos = false;
}
