/* btf_query.c - BTF type queries and the public BTF API (L1 btf, pure) */
#include <limits.h>
#include <string.h>

#include "btf.h"
#include "internal.h"

/* Pointers in BPF programs (and in the 64-bit kernels BTF describes) are 8 bytes. */
#define BTF_PTR_SIZE 8

int em_btf_find(const struct ebpfmini_btf *btf, const char *name, int kind)
{
	uint32_t end = em_btf_type_end(btf);

	if (!btf || !name)
		return -EINVAL;
	for (uint32_t id = 1; id < end; id++) {
		/* the record's kind and name first: kernel BTF checks a type once it matches */
		const struct btf_type *t = em_btf_peek(btf, id);

		if ((kind >= 0 && em_btf_kind(t) != kind) ||
		    strcmp(em_btf_type_name(btf, t), name) != 0)
			continue;
		if (em_btf_type(btf, id))
			return (int)id;
	}
	return -ENOENT;
}

static bool is_modifier(unsigned int kind)
{
	return kind == BTF_KIND_TYPEDEF || kind == BTF_KIND_CONST || kind == BTF_KIND_VOLATILE ||
	       kind == BTF_KIND_RESTRICT || kind == BTF_KIND_TYPE_TAG;
}

/*
 * A chain of references that visits more steps than there are types has
 * visited some type twice: a loop. Counting steps needs no memory.
 */
int em_btf_skip_mods(const struct ebpfmini_btf *btf, uint32_t id)
{
	uint32_t limit = em_btf_type_end(btf);

	for (uint32_t steps = 0; steps <= limit; steps++) {
		const struct btf_type *t;

		if (id == 0)
			return 0;
		t = em_btf_type(btf, id);
		if (!t)
			return -EBADMSG;
		if (!is_modifier(em_btf_kind(t)))
			return (int)id;
		id = t->type;
	}
	return -ELOOP;
}

int em_btf_resolve_size(const struct ebpfmini_btf *btf, uint32_t id, uint32_t *size)
{
	uint32_t limit = em_btf_type_end(btf);
	uint64_t nelems = 1, elem_size;

	for (uint32_t steps = 0;; steps++) {
		const struct btf_type *t;

		if (steps > limit)
			return -ELOOP;
		if (id == 0)
			return -EINVAL; /* void */
		t = em_btf_type(btf, id);
		if (!t)
			return -EBADMSG;
		switch (em_btf_kind(t)) {
		case BTF_KIND_INT:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_DATASEC:
		case BTF_KIND_FLOAT:
			elem_size = t->size;
			goto done;
		case BTF_KIND_PTR:
			elem_size = BTF_PTR_SIZE;
			goto done;
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
		case BTF_KIND_VAR:
			id = t->type;
			break;
		case BTF_KIND_ARRAY: {
			const struct btf_array *a = em_btf_tail(t);

			nelems *= a->nelems; /* both <= UINT32_MAX: no overflow */
			if (nelems > UINT32_MAX)
				return -E2BIG;
			id = a->type;
			break;
		}
		default: /* FUNC, FUNC_PROTO, FWD, DECL_TAG: no size */
			return -EINVAL;
		}
	}
done:
	if (nelems * elem_size > UINT32_MAX)
		return -E2BIG;
	if (size)
		*size = (uint32_t)(nelems * elem_size);
	return 0;
}

/* ---- public API ------------------------------------------------------------------ */

EM_EXPORT int ebpfmini_btf_new(const void *data, size_t size, struct ebpfmini_btf **out)
{
	return em_btf_parse(data, size, NULL, out);
}

EM_EXPORT uint32_t ebpfmini_btf_type_count(const struct ebpfmini_btf *btf)
{
	return btf ? em_btf_type_end(btf) - 1 : 0;
}

EM_EXPORT int ebpfmini_btf_find(const struct ebpfmini_btf *btf, const char *name, int kind)
{
	return em_btf_find(btf, name, kind);
}

EM_EXPORT const char *ebpfmini_btf_type_name(const struct ebpfmini_btf *btf, uint32_t id)
{
	const struct btf_type *t;

	if (!btf)
		return NULL;
	if (id == 0)
		return ""; /* void */
	t = em_btf_type(btf, id);
	return t ? em_btf_type_name(btf, t) : NULL;
}

EM_EXPORT int ebpfmini_btf_type_kind(const struct ebpfmini_btf *btf, uint32_t id)
{
	const struct btf_type *t;

	if (!btf)
		return -EINVAL;
	if (id == 0)
		return BTF_KIND_UNKN;
	t = em_btf_type(btf, id);
	return t ? em_btf_kind(t) : -ENOENT;
}

EM_EXPORT int ebpfmini_btf_type_size(const struct ebpfmini_btf *btf, uint32_t id)
{
	uint32_t size;
	int err;

	if (!btf)
		return -EINVAL;
	if (id != 0 && !em_btf_type(btf, id))
		return -ENOENT;
	err = em_btf_resolve_size(btf, id, &size);
	if (err)
		return err;
	return size > INT_MAX ? -E2BIG : (int)size;
}

EM_EXPORT const void *ebpfmini_btf_raw(const struct ebpfmini_btf *btf, size_t *size)
{
	if (size)
		*size = btf ? btf->raw_size : 0;
	return btf ? btf->raw : NULL;
}

/* The fd is set by ebpfmini_btf_load() (btf_kernel.c); reading it is pure. */
EM_EXPORT int ebpfmini_btf_fd(const struct ebpfmini_btf *btf)
{
	if (!btf)
		return -EINVAL;
	return btf->fd >= 0 ? btf->fd : -EBUSY;
}
