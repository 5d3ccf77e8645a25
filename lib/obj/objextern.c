/* objextern.c - extern symbols of an object: .kconfig variables and their image layout, ksyms and kfuncs (L2 obj, pure) */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "model.h"
#include "objfile.h"

/* Largest .kconfig image: externs are a few integers and strings. */
#define KCONFIG_MAX (1u << 20)

/* ---- look-ups by name ----------------------------------------------------------------- */

/*
 * Names sorted with the position they come from (ties by position): finding
 * the DATASEC entry of every extern, and the extern of every entry, is then a
 * binary search. Scans made open quadratic in the number of externs.
 */
struct named {
	const char *name;
	size_t pos;
};

struct name_index {
	struct named *v;
	size_t n;
};

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

static int index_alloc(struct name_index *ix, size_t n)
{
	ix->n = 0;
	ix->v = em_calloc(n, sizeof(*ix->v));
	return ix->v ? 0 : -ENOMEM;
}

/* The entry called name with the lowest (last: highest) position, or NULL. */
static const struct named *index_find(const struct name_index *ix, const char *name, bool last)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ix->v[mid].name, name);

		if (c < 0 || (last && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (last)
		return lo && !strcmp(ix->v[lo - 1].name, name) ? &ix->v[lo - 1] : NULL;
	return lo < ix->n && !strcmp(ix->v[lo].name, name) ? &ix->v[lo] : NULL;
}

/* The entries of DATASEC ds (none when NULL) by the name of their type; with
 * vars_only, only the entries that are VARs. */
static int index_datasec(const struct ebpfmini_btf *btf, const struct btf_type *ds, bool vars_only,
			 struct name_index *ix)
{
	const struct btf_var_secinfo *vs = ds ? em_btf_tail(ds) : NULL;
	uint16_t vlen = ds ? em_btf_vlen(ds) : 0;
	int err = index_alloc(ix, vlen);

	if (err)
		return err;
	for (uint16_t i = 0; i < vlen; i++) {
		const struct btf_type *t = em_btf_type(btf, vs[i].type);

		if (t && (!vars_only || em_btf_kind(t) == BTF_KIND_VAR))
			ix->v[ix->n++] = (struct named){ em_btf_type_name(btf, t), i };
	}
	qsort(ix->v, ix->n, sizeof(*ix->v), cmp_named);
	return 0;
}

/* Every type of kind of btf by name (position: the type id), as em_btf_find() finds them. */
static int index_kind(const struct ebpfmini_btf *btf, unsigned int kind, struct name_index *ix)
{
	uint32_t end = em_btf_type_end(btf);
	int err = index_alloc(ix, end);

	if (err)
		return err;
	for (uint32_t id = 1; id < end; id++) {
		const struct btf_type *t = em_btf_type(btf, id);

		if (t && em_btf_kind(t) == kind)
			ix->v[ix->n++] = (struct named){ em_btf_type_name(btf, t), id };
	}
	qsort(ix->v, ix->n, sizeof(*ix->v), cmp_named);
	return 0;
}

/* The VAR of DATASEC ds (indexed in ix) called name, or NULL; *vi gets its entry index. */
static const struct btf_type *datasec_var(const struct ebpfmini_btf *btf, const struct btf_type *ds,
					  const struct name_index *ix, const char *name,
					  uint16_t *vi)
{
	const struct named *f = index_find(ix, name, false);

	if (!f)
		return NULL;
	*vi = (uint16_t)f->pos;
	return em_btf_type(btf, ((const struct btf_var_secinfo *)em_btf_tail(ds))[f->pos].type);
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
	struct em_model *obj = p->obj;
	struct btf_var_secinfo *vs = (struct btf_var_secinfo *)(ds + 1);
	struct name_index kc_externs;
	uint64_t off = 0;
	int err;

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
	err = index_alloc(&kc_externs, obj->nexterns);
	if (err)
		return err;
	for (size_t j = 0; j < obj->nexterns; j++)
		if (obj->externs[j].is_kconfig)
			kc_externs.v[kc_externs.n++] = (struct named){ obj->externs[j].name, j };
	qsort(kc_externs.v, kc_externs.n, sizeof(*kc_externs.v), cmp_named);
	for (uint16_t i = 0; i < em_btf_vlen(ds) && !err; i++) {
		struct btf_type *v = (struct btf_type *)em_btf_type(obj->btf, vs[i].type);
		const char *name = em_btf_type_name(obj->btf, v);
		const struct named *f;
		struct em_extern *e;

		/* the parser lets a DATASEC list FUNCs too; only a VAR has the linkage
		 * written below (a FUNC record ends where it would be) */
		if (!v || em_btf_kind(v) != BTF_KIND_VAR) {
			em_warn("btf: DATASEC '.kconfig': entry %u (type [%u]) is not a VAR", i,
				vs[i].type);
			err = -EBADMSG;
			break;
		}
		f = index_find(&kc_externs, name, true); /* the last extern of that name */
		if (!f) {
			em_warn("btf: .kconfig variable '%s' has no extern symbol", name);
			err = -EBADMSG;
			break;
		}
		e = &obj->externs[f->pos];
		vs[i].offset = e->offset;
		vs[i].size = e->size;
		((struct btf_var *)(v + 1))->linkage = BTF_VAR_GLOBAL_ALLOCATED;
	}
	free(kc_externs.v);
	if (!err)
		qsort(vs, em_btf_vlen(ds), sizeof(*vs), cmp_secinfo);
	return err;
}

/* ---- kernel symbols (__ksym) ---------------------------------------------------------- */

/* The info word of a BTF record: kind, vlen, no kind flag. */
static uint32_t btf_info(uint32_t kind, uint32_t vlen)
{
	return kind << 24 | (vlen & 0xffff);
}

/* Where the BTF of a kernel symbol extern may be, indexed by name: the
 * entries of .ksyms, then any VAR, then any FUNC of the object. */
struct ksym_lookup {
	const struct btf_type *ds; /* the .ksyms DATASEC, or NULL */
	struct name_index entries, vars, funcs;
};

static int ksym_lookup_init(const struct ebpfmini_btf *btf, const struct btf_type *ds,
			    struct ksym_lookup *k)
{
	int err;

	k->ds = ds;
	err = index_datasec(btf, ds, false, &k->entries);
	if (!err)
		err = index_kind(btf, BTF_KIND_VAR, &k->vars);
	if (!err)
		err = index_kind(btf, BTF_KIND_FUNC, &k->funcs);
	return err;
}

static void ksym_lookup_free(struct ksym_lookup *k)
{
	free(k->entries.v);
	free(k->vars.v);
	free(k->funcs.v);
}

/* The type id for extern name: a .ksyms entry, else a VAR, else a FUNC of that name; 0 if none. */
static uint32_t ksym_btf_id(const struct ksym_lookup *k, const char *name)
{
	const struct named *f = NULL;

	if (k->ds && (f = index_find(&k->entries, name, false)))
		return ((const struct btf_var_secinfo *)em_btf_tail(k->ds))[f->pos].type;
	f = index_find(&k->vars, name, false);
	if (!f)
		f = index_find(&k->funcs, name, false);
	return f ? (uint32_t)f->pos : 0;
}

/*
 * What kind of kernel symbol extern e is, from its BTF: a kfunc (FUNC; its
 * prototype kept in type_id), a typed variable (VAR of a type: resolved
 * against a kernel BTF VAR) or a typeless one (VAR of void: an address from
 * /proc/kallsyms). Without BTF the load decides from the instruction.
 */
static int classify_ksym(const struct ebpfmini_btf *btf, const struct ksym_lookup *ks,
			 struct em_extern *e)
{
	const struct btf_type *t;
	int id;

	if (!btf)
		return 0;
	e->btf_id = ksym_btf_id(ks, e->name);
	if (!e->btf_id)
		return 0; /* no BTF for it: decided at load */
	t = em_btf_type(btf, e->btf_id);
	if (em_btf_kind(t) == BTF_KIND_FUNC) {
		e->is_func = true;
		e->type_id = t->type;
		return 0;
	}
	id = em_btf_skip_mods(btf, t->type);
	if (id < 0) {
		em_warn("btf: extern '%s': bad type [%u]", e->name, t->type);
		return -EBADMSG;
	}
	e->type_id = (uint32_t)id;
	e->is_typeless = id == 0;
	return 0;
}

/*
 * The kernel's BTF check refuses what clang writes for kernel symbols: FUNCs
 * with extern linkage, VARs with extern linkage (of void or of incomplete
 * types), and a DATASEC (.ksyms) that holds FUNCs and has no size. Nothing
 * in the kernel needs those records (kfuncs and ksyms are resolved against
 * kernel BTF), so each is rewritten in place into a record of the same size
 * that the kernel accepts and that keeps its name:
 * - an extern FUNC becomes a TYPEDEF of its prototype;
 * - a VAR listed in .ksyms becomes a 4-byte INT (a VAR and an INT record are
 *   both 16 bytes);
 * - the .ksyms DATASEC becomes an anonymous 8-byte ENUM64 whose enumerators
 *   carry the names of its entries (a secinfo and an enum64 value are both 12
 *   bytes).
 * Called after every extern was classified: their ids stay valid, their
 * kinds do not.
 */
static void sanitize_ksyms(struct ebpfmini_btf *btf, struct btf_type *ks_ds)
{
	uint32_t end = em_btf_type_end(btf);

	if (ks_ds) {
		struct btf_var_secinfo *vs = (struct btf_var_secinfo *)(ks_ds + 1);
		struct btf_enum64 *ev = (struct btf_enum64 *)(ks_ds + 1);
		uint16_t vlen = em_btf_vlen(ks_ds);

		for (uint16_t i = 0; i < vlen; i++) {
			struct btf_type *v = (struct btf_type *)em_btf_type(btf, vs[i].type);
			uint32_t name_off = v ? v->name_off : 0;

			if (v && em_btf_kind(v) == BTF_KIND_VAR) {
				v->info = btf_info(BTF_KIND_INT, 0);
				v->size = 4;
				*(uint32_t *)(v + 1) = 32; /* encoding 0, offset 0, 32 bits */
			}
			ev[i].name_off = name_off;
			ev[i].val_lo32 = i;
			ev[i].val_hi32 = 0;
		}
		ks_ds->name_off = 0;
		ks_ds->info = btf_info(BTF_KIND_ENUM64, vlen);
		ks_ds->size = 8;
	}
	for (uint32_t id = btf->start_id; id < end; id++) {
		struct btf_type *t = (struct btf_type *)em_btf_type(btf, id);

		if (em_btf_kind(t) == BTF_KIND_FUNC && em_btf_vlen(t) == BTF_FUNC_EXTERN)
			t->info = btf_info(BTF_KIND_TYPEDEF, 0);
	}
}

static bool is_extern_sym(const struct em_elf_symbol *sym)
{
	return sym->shndx == SHN_UNDEF && sym->name[0] && sym->type != STT_SECTION &&
	       sym->type != STT_FILE;
}

int em_objextern_read(struct em_objparse *p)
{
	struct em_model *obj = p->obj;
	const struct btf_type *kc_ds = NULL, *ks_ds = NULL;
	struct name_index kc_ix = { 0 };
	struct ksym_lookup ks = { 0 };
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
		id = em_btf_find(obj->btf, ".ksyms", BTF_KIND_DATASEC);
		ks_ds = id > 0 ? em_btf_type(obj->btf, (uint32_t)id) : NULL;
	}
	err = index_datasec(obj->btf, kc_ds, true, &kc_ix);
	if (!err && obj->btf)
		err = ksym_lookup_init(obj->btf, ks_ds, &ks);
	if (err)
		goto out;
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
			var = datasec_var(obj->btf, kc_ds, &kc_ix, sym.name, &vi);
		if (!var) {
			/* ksym / kfunc: resolved against the kernel at load */
			err = classify_ksym(obj->btf, &ks, e);
			if (err)
				goto out;
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
	if (!err && obj->btf)
		sanitize_ksyms(obj->btf, (struct btf_type *)ks_ds);
out:
	free(kc_ix.v);
	ksym_lookup_free(&ks);
	free(ord);
	return err;
}
