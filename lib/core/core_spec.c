/* core_spec.c - CO-RE local access specs: a relocation's access string walked through the object's BTF (L2 transform, pure) */
#include <stdint.h>
#include <string.h>

#include "core.h"
#include "internal.h"

/* "0:1:2" -> raw[]; -EBADMSG for anything but colon-separated decimal numbers. */
static int parse_access(const char *str, struct em_core_spec *spec)
{
	const char *p = str;

	if (!*p)
		return -EBADMSG;
	while (*p) {
		uint64_t v = 0;
		const char *start = p;

		while (*p >= '0' && *p <= '9' && p - start < 10)
			v = v * 10 + (uint64_t)(*p++ - '0');
		if (p == start || v > INT32_MAX || (*p && *p != ':'))
			return -EBADMSG;
		if (spec->raw_len == EM_CORE_SPEC_MAX)
			return -E2BIG;
		spec->raw[spec->raw_len++] = (uint32_t)v;
		if (*p == ':' && !*++p)
			return -EBADMSG; /* trailing colon */
	}
	return 0;
}

/* bit_off += idx * size * 8, refusing offsets beyond 4 GiB. */
static int add_index(struct em_core_spec *spec, uint32_t idx, uint32_t size)
{
	uint64_t bytes = (uint64_t)idx * size;

	if (bytes > UINT32_MAX || spec->bit_off + bytes * 8 > (uint64_t)UINT32_MAX * 8)
		return -E2BIG;
	spec->bit_off += bytes * 8;
	return 0;
}

/* The access string walked through the object's BTF (see Documentation/bpf/llvm_reloc.rst). */
int em_core_spec_parse(const struct ebpfmini_btf *btf, uint32_t type_id, uint32_t kind,
		       const char *access, struct em_core_spec *spec, const char **why)
{
	const struct btf_type *t;
	uint32_t id, size;
	int err;

	memset(spec, 0, sizeof(*spec));
	spec->btf = btf;
	spec->root_id = type_id;
	spec->kind = kind;
	if (em_core_relo_class(kind) == EM_CORE_TYPE) {
		*why = "type relocations take the access string \"0\"";
		return strcmp(access, "0") == 0 ? 0 : -EBADMSG;
	}
	*why = "malformed access string";
	err = parse_access(access, spec);
	if (err)
		return err;
	err = em_btf_skip_mods(btf, type_id);
	t = err > 0 ? em_btf_type(btf, (uint32_t)err) : NULL;
	*why = "the root type is void or malformed";
	if (!t)
		return -EBADMSG;
	id = (uint32_t)err;
	spec->acc[0] = (struct em_core_acc){ id, spec->raw[0], NULL };
	spec->len = 1;

	if (em_core_relo_class(kind) == EM_CORE_ENUMVAL) {
		const struct btf_type *e = t;
		uint32_t noff;

		*why = "not an enumerator of an enum";
		if ((em_btf_kind(e) != BTF_KIND_ENUM && em_btf_kind(e) != BTF_KIND_ENUM64) ||
		    spec->raw_len > 1 || spec->raw[0] >= em_btf_vlen(e))
			return -EBADMSG;
		em_btf_enum_val(e, spec->raw[0], &noff);
		spec->acc[0].name = em_btf_str(btf, noff);
		return spec->acc[0].name && *spec->acc[0].name ? 0 : -EBADMSG;
	}

	*why = "the root type has no size";
	if (em_btf_resolve_size(btf, id, &size))
		return -EBADMSG;
	*why = "offset overflow";
	if (add_index(spec, spec->raw[0], size))
		return -E2BIG;
	for (uint32_t i = 1; i < spec->raw_len; i++) {
		uint32_t idx = spec->raw[i];

		err = em_btf_skip_mods(btf, id);
		t = err > 0 ? em_btf_type(btf, (uint32_t)err) : NULL;
		*why = "an access step reaches void or a malformed type";
		if (!t)
			return -EBADMSG;
		id = (uint32_t)err;
		if (em_btf_kind(t) == BTF_KIND_STRUCT || em_btf_kind(t) == BTF_KIND_UNION) {
			const struct btf_member *m =
				(const struct btf_member *)em_btf_tail(t) + idx;
			const char *name;

			*why = "member index out of range";
			if (idx >= em_btf_vlen(t))
				return -EBADMSG;
			spec->bit_off +=
				em_btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
			name = em_btf_str(btf, m->name_off);
			if (name && *name) /* anonymous members are raw steps only */
				spec->acc[spec->len++] = (struct em_core_acc){ id, idx, name };
			id = m->type;
		} else if (em_btf_kind(t) == BTF_KIND_ARRAY) {
			const struct btf_array *a = em_btf_tail(t);
			const struct em_core_acc *prev = &spec->acc[spec->len - 1];
			bool flex = false;

			if (prev->name && a->nelems == 0) { /* last member of its struct? */
				const struct btf_type *pt = em_btf_type(btf, prev->type_id);

				flex = pt && prev->idx + 1 == em_btf_vlen(pt);
			}
			*why = "array index out of range";
			if (!flex && idx >= a->nelems)
				return -EBADMSG;
			err = em_btf_skip_mods(btf, a->type);
			*why = "array of void or of a malformed type";
			if (err <= 0 || em_btf_resolve_size(btf, (uint32_t)err, &size))
				return -EBADMSG;
			id = (uint32_t)err;
			spec->acc[spec->len++] = (struct em_core_acc){ id, idx, NULL };
			*why = "offset overflow";
			if (add_index(spec, idx, size))
				return -E2BIG;
		} else {
			*why = "an access step goes into a type that is not a struct, union or array";
			return -EBADMSG;
		}
	}
	return 0;
}
