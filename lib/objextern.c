/* objextern.c - extern symbols of an object: .kconfig variables and their image layout, ksyms (L1 format, pure) */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "model.h"
#include "objfile.h"

/* Largest .kconfig image: externs are a few integers and strings. */
#define KCONFIG_MAX (1u << 20)

/* The VAR of DATASEC ds called name, or NULL; *vi gets its entry index. */
static const struct btf_type *datasec_var(const struct ebpfmini_btf *btf, const struct btf_type *ds,
					  const char *name, uint16_t *vi)
{
	const struct btf_var_secinfo *vs = em_btf_tail(ds);

	for (uint16_t i = 0; i < em_btf_vlen(ds); i++) {
		const struct btf_type *v = em_btf_type(btf, vs[i].type);

		if (v && em_btf_kind(v) == BTF_KIND_VAR &&
		    !strcmp(em_btf_type_name(btf, v), name)) {
			*vi = i;
			return v;
		}
	}
	return NULL;
}

/* Size and alignment of a .kconfig variable type: integers, enums, char arrays. */
static int kconfig_type(const struct ebpfmini_btf *btf, struct em_extern *e, uint32_t *align)
{
	const struct btf_type *t = em_btf_type(btf, e->type_id);
	int err = em_btf_resolve_size(btf, e->type_id, &e->size);

	if (err || !t || !e->size || e->size > KCONFIG_MAX)
		goto bad;
	switch (em_btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (e->size != 1 && e->size != 2 && e->size != 4 && e->size != 8)
			goto bad;
		*align = e->size;
		return 0;
	case BTF_KIND_ARRAY: {
		int elem = em_btf_skip_mods(btf, ((const struct btf_array *)em_btf_tail(t))->type);
		const struct btf_type *et = elem > 0 ? em_btf_type(btf, (uint32_t)elem) : NULL;

		if (!et || em_btf_kind(et) != BTF_KIND_INT || et->size != 1)
			goto bad;
		*align = 1;
		return 0;
	}
	default:
		break;
	}
bad:
	em_warn("btf: extern '%s': type [%u] is not supported in .kconfig (integers, enums and "
		"char arrays are)",
		e->name, e->type_id);
	return -EOPNOTSUPP;
}

struct kc_order {
	struct em_extern *ext;
	uint32_t align;
};

static int cmp_kc(const void *a, const void *b)
{
	const struct kc_order *x = a, *y = b;

	if (x->align != y->align)
		return x->align > y->align ? -1 : 1;
	return strcmp(x->ext->name, y->ext->name);
}

static int cmp_secinfo(const void *a, const void *b)
{
	const struct btf_var_secinfo *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/*
 * Place the .kconfig externs (largest alignment first, then by name) and
 * write the layout into the object BTF: DATASEC size and offsets, VAR
 * linkage "allocated" (the kernel refuses extern VARs).
 */
static int layout_kconfig(struct em_objparse *p, struct btf_type *ds, struct kc_order *ord,
			  size_t n)
{
	struct ebpfmini_object *obj = p->obj;
	struct btf_var_secinfo *vs = (struct btf_var_secinfo *)(ds + 1);
	uint64_t off = 0;

	qsort(ord, n, sizeof(*ord), cmp_kc);
	for (size_t i = 0; i < n; i++) {
		off = (off + ord[i].align - 1) / ord[i].align * ord[i].align;
		ord[i].ext->offset = (uint32_t)off;
		off += ord[i].ext->size;
		if (off > KCONFIG_MAX) {
			em_warn("btf: .kconfig externs need more than %u bytes", KCONFIG_MAX);
			return -E2BIG;
		}
	}
	p->kconfig_size = (uint32_t)((off + 7) / 8 * 8);
	ds->size = p->kconfig_size;
	for (uint16_t i = 0; i < em_btf_vlen(ds); i++) {
		struct btf_type *v = (struct btf_type *)em_btf_type(obj->btf, vs[i].type);
		const char *name = em_btf_type_name(obj->btf, v);
		struct em_extern *e = NULL;

		for (size_t j = 0; j < obj->nexterns; j++)
			if (obj->externs[j].is_kconfig && !strcmp(obj->externs[j].name, name))
				e = &obj->externs[j];
		if (!e) {
			em_warn("btf: .kconfig variable '%s' has no extern symbol", name);
			return -EBADMSG;
		}
		vs[i].offset = e->offset;
		vs[i].size = e->size;
		((struct btf_var *)(v + 1))->linkage = BTF_VAR_GLOBAL_ALLOCATED;
	}
	qsort(vs, em_btf_vlen(ds), sizeof(*vs), cmp_secinfo);
	return 0;
}

static bool is_extern_sym(const struct em_elf_symbol *sym)
{
	return sym->shndx == SHN_UNDEF && sym->name[0] && sym->type != STT_SECTION &&
	       sym->type != STT_FILE;
}

int em_objextern_read(struct em_objparse *p)
{
	struct ebpfmini_object *obj = p->obj;
	const struct btf_type *kc_ds = NULL;
	struct kc_order *ord = NULL;
	size_t n = 0, nkc = 0;
	int err = 0;

	for (size_t i = 1; i < p->nsyms; i++) {
		struct em_elf_symbol sym;

		if (!em_elf_symbol(p->elf, p->symtab, i, &sym) && is_extern_sym(&sym))
			n++;
	}
	if (!n)
		return 0;
	obj->externs = em_calloc(n, sizeof(*obj->externs));
	ord = em_calloc(n, sizeof(*ord));
	if (!obj->externs || !ord) {
		err = -ENOMEM;
		goto out;
	}
	if (obj->btf) {
		int id = em_btf_find(obj->btf, ".kconfig", BTF_KIND_DATASEC);

		kc_ds = id > 0 ? em_btf_type(obj->btf, (uint32_t)id) : NULL;
	}
	for (size_t i = 1; i < p->nsyms; i++) {
		struct em_extern *e = &obj->externs[obj->nexterns];
		const struct btf_type *var = NULL;
		struct em_elf_symbol sym;
		uint16_t vi = 0;
		int id;

		err = em_elf_symbol(p->elf, p->symtab, i, &sym);
		if (err)
			goto out;
		if (!is_extern_sym(&sym))
			continue;
		e->name = strdup(sym.name);
		if (!e->name) {
			err = -ENOMEM;
			goto out;
		}
		obj->nexterns++;
		e->sym_idx = (int)i;
		e->is_weak = sym.bind == STB_WEAK;
		if (kc_ds)
			var = datasec_var(obj->btf, kc_ds, sym.name, &vi);
		if (!var) {
			/* ksym / kfunc: recorded for `object show`, refused at relocation */
			id = obj->btf ? em_btf_find(obj->btf, sym.name, BTF_KIND_VAR) : -ENOENT;
			if (id < 0 && obj->btf)
				id = em_btf_find(obj->btf, sym.name, BTF_KIND_FUNC);
			e->btf_id = id > 0 ? (uint32_t)id : 0;
			continue;
		}
		e->is_kconfig = true;
		e->btf_id = ((const struct btf_var_secinfo *)em_btf_tail(kc_ds))[vi].type;
		id = em_btf_skip_mods(obj->btf, var->type);
		if (id <= 0) {
			em_warn("btf: extern '%s': bad type [%u]", e->name, var->type);
			err = -EBADMSG;
			goto out;
		}
		e->type_id = (uint32_t)id;
		err = kconfig_type(obj->btf, e, &ord[nkc].align);
		if (err)
			goto out;
		ord[nkc++].ext = e;
	}
	if (nkc)
		err = layout_kconfig(p, (struct btf_type *)kc_ds, ord, nkc);
out:
	free(ord);
	return err;
}
