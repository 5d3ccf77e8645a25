/* objmapdef.c - one BTF-defined map: the struct of a .maps variable read into a definition (L2 obj, pure) */
#include <string.h>

#include "internal.h"
#include "model.h"
#include "objfile.h"

/* Value of a "__uint(name, N)" (int (*name)[N]) or "__ulong(name, N)" (enum { x = N } name) member. */
static int member_number(const struct ebpfmini_btf *btf, const char *map, const char *field,
			 uint32_t type_id, uint64_t *val)
{
	const struct btf_type *t;
	int id = em_btf_skip_mods(btf, type_id);

	t = id > 0 ? em_btf_type(btf, (uint32_t)id) : NULL;
	if (t && em_btf_kind(t) == BTF_KIND_PTR) {
		id = em_btf_skip_mods(btf, t->type);
		t = id > 0 ? em_btf_type(btf, (uint32_t)id) : NULL;
		if (t && em_btf_kind(t) == BTF_KIND_ARRAY) {
			*val = ((const struct btf_array *)em_btf_tail(t))->nelems;
			return 0;
		}
		t = NULL;
	}
	if (t && em_btf_kind(t) == BTF_KIND_ENUM && em_btf_vlen(t) >= 1) {
		const struct btf_enum *e = em_btf_tail(t);

		*val = (uint32_t)e->val;
		return 0;
	}
	if (t && em_btf_kind(t) == BTF_KIND_ENUM64 && em_btf_vlen(t) >= 1) {
		const struct btf_enum64 *e = em_btf_tail(t);

		*val = (uint64_t)e->val_hi32 << 32 | e->val_lo32;
		return 0;
	}
	em_warn("map '%s': field '%s' (type [%u]) is neither __uint (pointer to array) nor __ulong (enum)",
		map, field, type_id);
	return -EBADMSG;
}

/* "__type(key, T)": T's id and size. */
static int member_type(const struct ebpfmini_btf *btf, const char *map, const char *field,
		       uint32_t type_id, uint32_t *id_out, uint32_t *size)
{
	int id = em_btf_skip_mods(btf, type_id);
	const struct btf_type *t = id > 0 ? em_btf_type(btf, (uint32_t)id) : NULL;
	int err;

	if (!t || em_btf_kind(t) != BTF_KIND_PTR) {
		em_warn("map '%s': field '%s' (type [%u]) is not a __type (pointer to the type)",
			map, field, type_id);
		return -EBADMSG;
	}
	err = em_btf_resolve_size(btf, t->type, size);
	if (err) {
		em_warn("map '%s': field '%s': cannot size type [%u]: %s", map, field, t->type,
			strerror(-err));
		return -EBADMSG;
	}
	*id_out = t->type;
	return 0;
}

static int set_u32(const char *map, const char *field, uint64_t v, uint32_t *out)
{
	if (v > UINT32_MAX) {
		em_warn("map '%s': field '%s': value %llu does not fit 32 bits", map, field,
			(unsigned long long)v);
		return -EBADMSG;
	}
	*out = (uint32_t)v;
	return 0;
}

/* "__array(values, T)": the struct of an inner map definition, or a function prototype. */
static int member_values(const struct ebpfmini_btf *btf, const char *map, uint32_t type_id,
			 bool *is_func, uint32_t *inner_id)
{
	int id = em_btf_skip_mods(btf, type_id);
	const struct btf_type *t = id > 0 ? em_btf_type(btf, (uint32_t)id) : NULL;
	const struct btf_array *a;

	if (!t || em_btf_kind(t) != BTF_KIND_ARRAY ||
	    ((const struct btf_array *)em_btf_tail(t))->nelems)
		goto bad;
	a = em_btf_tail(t);
	id = em_btf_skip_mods(btf, a->type);
	t = id > 0 ? em_btf_type(btf, (uint32_t)id) : NULL;
	if (!t || em_btf_kind(t) != BTF_KIND_PTR)
		goto bad;
	id = em_btf_skip_mods(btf, t->type);
	t = id > 0 ? em_btf_type(btf, (uint32_t)id) : NULL;
	if (t && em_btf_kind(t) == BTF_KIND_FUNC_PROTO) {
		*is_func = true;
		return 0;
	}
	if (t && em_btf_kind(t) == BTF_KIND_STRUCT) {
		*is_func = false;
		*inner_id = (uint32_t)id;
		return 0;
	}
bad:
	em_warn("map '%s': field 'values' (type [%u]) is not an __array of map definitions or "
		"programs",
		map, type_id);
	return -EBADMSG;
}

int em_objmapdef_parse(const struct ebpfmini_btf *btf, const char *map, uint32_t struct_id,
		       bool inner, struct em_objmapdef *d)
{
	const struct btf_type *st = em_btf_type(btf, struct_id);
	const struct btf_member *m;
	uint32_t values_type = 0;
	bool have_key_size = false, have_value_size = false;
	uint16_t vlen;
	int err;

	memset(d, 0, sizeof(*d));
	if (!st || em_btf_kind(st) != BTF_KIND_STRUCT) {
		em_warn("map '%s': definition (type [%u]) is not a struct", map, struct_id);
		return -EBADMSG;
	}
	m = em_btf_tail(st);
	vlen = em_btf_vlen(st);
	for (uint16_t i = 0; i < vlen; i++) {
		const char *field = em_btf_str(btf, m[i].name_off);
		uint32_t key_size = 0, value_size = 0;
		uint64_t v = 0;

		if (!field || !*field) {
			em_warn("map '%s': member %u of the definition has no name", map, i);
			return -EBADMSG;
		}
		if (!strcmp(field, "key") || !strcmp(field, "value")) {
			bool key = field[0] == 'k';

			err = member_type(btf, map, field, m[i].type,
					  key ? &d->key_type_id : &d->value_type_id,
					  key ? &key_size : &value_size);
			if (err)
				return err;
			if ((key && have_key_size && key_size != d->key_size) ||
			    (!key && have_value_size && value_size != d->value_size)) {
				em_warn("map '%s': %s type size %u conflicts with %s_size %u", map,
					field, key ? key_size : value_size, field,
					key ? d->key_size : d->value_size);
				return -EBADMSG;
			}
			if (key)
				d->key_size = key_size, have_key_size = true;
			else
				d->value_size = value_size, have_value_size = true;
			continue;
		}
		if (!strcmp(field, "values")) {
			uint32_t bitoff =
				em_btf_kflag(st) ? BTF_MEMBER_BIT_OFFSET(m[i].offset) : m[i].offset;

			if (inner) {
				em_warn("map '%s': an inner map definition cannot have 'values'",
					map);
				return -EOPNOTSUPP;
			}
			if (i != vlen - 1 || bitoff % 8) {
				em_warn("map '%s': 'values' must be the last member", map);
				return -EBADMSG;
			}
			d->has_values = true;
			d->values_off = bitoff / 8;
			values_type = m[i].type;
			continue;
		}
		err = member_number(btf, map, field, m[i].type, &v);
		if (err)
			return err;
		if (!strcmp(field, "type"))
			err = set_u32(map, field, v, &d->type);
		else if (!strcmp(field, "max_entries"))
			err = set_u32(map, field, v, &d->max_entries);
		else if (!strcmp(field, "map_flags"))
			err = set_u32(map, field, v, &d->map_flags);
		else if (!strcmp(field, "numa_node"))
			err = set_u32(map, field, v, &d->numa_node);
		else if (!strcmp(field, "pinning"))
			err = set_u32(map, field, v, &d->pinning);
		else if (!strcmp(field, "map_extra"))
			d->map_extra = v;
		else if (!strcmp(field, "key_size") || !strcmp(field, "value_size")) {
			bool key = field[0] == 'k';
			uint32_t *dst = key ? &d->key_size : &d->value_size;
			bool *have = key ? &have_key_size : &have_value_size;

			if (*have && v != *dst) {
				em_warn("map '%s': %s %llu conflicts with the %s type's size %u",
					map, field, (unsigned long long)v, key ? "key" : "value",
					*dst);
				return -EBADMSG;
			}
			err = set_u32(map, field, v, dst);
			*have = true;
		} else {
			em_warn("map '%s': unknown field '%s' in the map definition", map, field);
			return -EOPNOTSUPP;
		}
		if (err)
			return err;
	}
	if (d->pinning != EM_PIN_NONE && d->pinning != EM_PIN_BY_NAME) {
		em_warn("map '%s': pinning %u is not supported (0: none, 1: by name)", map,
			d->pinning);
		return -EOPNOTSUPP;
	}
	if (inner && d->pinning) {
		em_warn("map '%s': an inner map definition cannot be pinned", map);
		return -EOPNOTSUPP;
	}
	if (d->has_values) {
		bool is_func = false;

		err = member_values(btf, map, values_type, &is_func, &d->inner_id);
		if (err)
			return err;
		if (is_func != (d->type == BPF_MAP_TYPE_PROG_ARRAY) ||
		    (!is_func && d->type != BPF_MAP_TYPE_ARRAY_OF_MAPS &&
		     d->type != BPF_MAP_TYPE_HASH_OF_MAPS)) {
			em_warn("map '%s': 'values' of %s do not fit map type %u (prog array or "
				"array/hash of maps expected)",
				map, is_func ? "programs" : "maps", d->type);
			return -EBADMSG;
		}
		if (have_value_size && d->value_size != 4) {
			em_warn("map '%s': value_size %u, but the values of this map are fds (4 bytes)",
				map, d->value_size);
			return -EBADMSG;
		}
		d->value_size = 4;
		d->value_type_id = 0;
	}
	return 0;
}
