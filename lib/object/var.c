/* var.c - global variables by name: the DATASEC entries of the global data maps, read and written in place (L4 object) */
#include <stdlib.h>
#include <string.h>

#include "ebpfmini/var.h"
#include "internal.h"
#include "objapi.h"

static int cmp_var(const void *a, const void *b)
{
	const struct ebpfmini_var *x = a, *y = b;

	if (x->map->index != y->map->index)
		return x->map->index < y->map->index ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* The DATASEC of a global data map (named as its section), or NULL. */
static const struct btf_type *map_datasec(const struct ebpfmini_map *map)
{
	int id;

	if (!em_map_is_data(map) || !map->obj->btf)
		return NULL;
	id = em_btf_find(map->obj->btf, map->name, BTF_KIND_DATASEC);
	return id > 0 ? em_btf_type(map->obj->btf, (uint32_t)id) : NULL;
}

int em_var_index(struct ebpfmini_object *obj)
{
	struct em_model *m = &obj->model;
	size_t n = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < m->nmaps; i++) {
			const struct btf_type *ds = map_datasec(&m->maps[i]);
			const struct btf_var_secinfo *vi = ds ? em_btf_tail(ds) : NULL;

			for (uint32_t j = 0; ds && j < em_btf_vlen(ds); j++) {
				const struct btf_type *v = em_btf_type(m->btf, vi[j].type);

				if (!v || em_btf_kind(v) != BTF_KIND_VAR ||
				    !em_range_ok(m->maps[i].data_size, vi[j].offset, vi[j].size))
					continue;
				if (pass)
					obj->vars[n] = (struct ebpfmini_var){
						.map = &m->maps[i],
						.name = em_btf_type_name(m->btf, v),
						.offset = vi[j].offset,
						.size = vi[j].size,
						.type_id = v->type,
					};
				n++;
			}
		}
		if (pass || !n)
			break;
		obj->vars = em_calloc(n, sizeof(*obj->vars));
		if (!obj->vars)
			return -ENOMEM;
		n = 0;
	}
	obj->nvars = n;
	if (n)
		qsort(obj->vars, n, sizeof(*obj->vars), cmp_var);
	return 0;
}

EM_EXPORT struct ebpfmini_var *ebpfmini_object_find_var(const struct ebpfmini_object *obj,
							const char *name)
{
	for (size_t i = 0; obj && name && i < obj->nvars; i++)
		if (strcmp(obj->vars[i].name, name) == 0)
			return &obj->vars[i];
	return NULL;
}

EM_EXPORT struct ebpfmini_var *ebpfmini_object_next_var(const struct ebpfmini_object *obj,
							const struct ebpfmini_var *prev)
{
	size_t i = prev ? (size_t)(prev - obj->vars) + 1 : 0;

	return obj && i < obj->nvars ? &obj->vars[i] : NULL;
}

EM_EXPORT const char *ebpfmini_var_name(const struct ebpfmini_var *var)
{
	return var->name;
}

EM_EXPORT const char *ebpfmini_var_section(const struct ebpfmini_var *var)
{
	return var->map->name;
}

EM_EXPORT struct ebpfmini_map *ebpfmini_var_map(const struct ebpfmini_var *var)
{
	return var->map;
}

EM_EXPORT uint32_t ebpfmini_var_offset(const struct ebpfmini_var *var)
{
	return var->offset;
}

EM_EXPORT uint32_t ebpfmini_var_size(const struct ebpfmini_var *var)
{
	return var->size;
}

EM_EXPORT uint32_t ebpfmini_var_type_id(const struct ebpfmini_var *var)
{
	return var->type_id;
}

/* Where the variable lives now: the initial image before load, the mapping after. */
static int var_mem(const struct ebpfmini_var *var, const void *buf, size_t size, uint8_t **mem)
{
	const struct ebpfmini_object *obj;
	uint8_t *base;

	if (!var || !buf || size != var->size)
		return -EINVAL;
	obj = em_object_of(var->map->obj);
	if (obj->load_attempted && !obj->loaded)
		return -EBUSY;
	base = obj->loaded ? em_map_state(var->map)->mmaped : var->map->data;
	if (!base) {
		em_err("map '%s': variable '%s': not mapped into this process (BPF_F_MMAPABLE "
		       "cleared)",
		       var->map->name, var->name);
		return -EOPNOTSUPP;
	}
	*mem = base + var->offset;
	return 0;
}

EM_EXPORT int ebpfmini_var_read(const struct ebpfmini_var *var, void *buf, size_t size)
{
	uint8_t *mem;
	int err = var_mem(var, buf, size, &mem);

	if (!err)
		memcpy(buf, mem, size);
	return err;
}

EM_EXPORT int ebpfmini_var_write(struct ebpfmini_var *var, const void *buf, size_t size)
{
	uint8_t *mem;
	int err = var_mem(var, buf, size, &mem);

	if (err)
		return err;
	if (var->map->kind == EM_MAP_KCONFIG ||
	    (var->map->kind == EM_MAP_RODATA && em_object_of(var->map->obj)->loaded)) {
		em_err("map '%s': write '%s': %s", var->map->name, var->name,
		       var->map->kind == EM_MAP_KCONFIG ?
			       "read-only: load fills .kconfig from the kernel" :
			       "read-only after load: the kernel froze it; set it before load");
		return -EPERM;
	}
	memcpy(mem, buf, size);
	return 0;
}
