/* object.c - an eBPF object: open from a file or memory, getters, iteration, bulk pinning, close (L4 object) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "ebpfmini/object.h"
#include "ebpfmini/sys.h"
#include "internal.h"
#include "objapi.h"
#include "sys.h"

#define OBJECT_MAX_FILE (256u << 20) /* refuse object files larger than this */
#define DEFAULT_PIN_ROOT "/sys/fs/bpf"

/* Object name from a path: the base name without ".bpf.o" or ".o". */
static char *name_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base ? base + 1 : path;
	len = strlen(base);
	if (len > 6 && strcmp(base + len - 6, ".bpf.o") == 0)
		len -= 6;
	else if (len > 2 && strcmp(base + len - 2, ".o") == 0)
		len -= 2;
	return strndup(base, len);
}

/* pin_root/<name> for every map pinned by name that has no explicit path yet. */
static int derive_pin_paths(struct ebpfmini_object *obj)
{
	for (size_t i = 0; i < obj->model.nmaps; i++) {
		struct ebpfmini_map *map = &obj->model.maps[i];

		if (map->pinning != EM_PIN_BY_NAME || map->pin_path)
			continue;
		map->pin_path = em_pin_join(obj->model.pin_root, map->name);
		if (!map->pin_path)
			return -ENOMEM;
	}
	return 0;
}

/* Free the object's memory; its kernel state must be released already. */
static void destroy(struct ebpfmini_object *obj)
{
	for (size_t i = 0; obj->prog_state && i < obj->model.nprogs; i++) {
		free(obj->prog_state[i].log);
		free(obj->prog_state[i].target_func);
	}
	free(obj->prog_state);
	free(obj->map_state);
	free(obj->ext_state);
	free(obj->vars);
	em_core_fixups_free(obj->core_fixups);
	em_report_free(obj);
	em_objfile_free(&obj->model);
	free(obj->model.kconfig_path);
	free(obj->model.btf_custom_path);
	free(obj->model.pin_root);
	free(obj->model.name);
	free(obj->model.image);
	free(obj);
}

/*
 * Takes ownership of image (malloc'd, size bytes) whatever happens, and
 * builds the object from it; name may be NULL (then default_name is used).
 */
static int open_image(uint8_t *image, size_t size, const char *default_name,
		      const struct ebpfmini_object_open_opts *opts, struct ebpfmini_object **out)
{
	struct ebpfmini_object *obj;
	const char *name = EM_OPT(opts, name, NULL);
	const char *pin_root = EM_OPT(opts, pin_root, NULL);
	const char *kconfig_path = EM_OPT(opts, kconfig_path, NULL);
	const char *btf_custom_path = EM_OPT(opts, btf_custom_path, NULL);
	int load_threads = EM_OPT(opts, load_threads, 0), err;

	if (load_threads < 0) {
		free(image);
		return -EINVAL;
	}
	obj = calloc(1, sizeof(*obj));
	if (!obj) {
		free(image);
		return -ENOMEM;
	}
	obj->t0 = em_report_now();
	obj->model.image = image;
	obj->model.image_size = size;
	obj->model.name = strdup(name && *name ? name : default_name);
	obj->model.pin_root = strdup(pin_root && *pin_root ? pin_root : DEFAULT_PIN_ROOT);
	obj->model.kconfig_path = em_strdup(kconfig_path);
	obj->model.btf_custom_path = em_strdup(btf_custom_path);
	obj->load_threads = load_threads;
	if (!obj->model.name || !obj->model.pin_root ||
	    (kconfig_path && !obj->model.kconfig_path) ||
	    (btf_custom_path && !obj->model.btf_custom_path)) {
		err = -ENOMEM;
		goto fail;
	}
	err = em_objfile_parse(&obj->model);
	if (err)
		goto fail;
	/* the kernel state, beside the model: nothing created yet */
	obj->map_state = em_calloc(obj->model.nmaps + 1, sizeof(*obj->map_state));
	obj->prog_state = em_calloc(obj->model.nprogs + 1, sizeof(*obj->prog_state));
	obj->ext_state = em_calloc(obj->model.nexterns + 1, sizeof(*obj->ext_state));
	if (!obj->map_state || !obj->prog_state || !obj->ext_state) {
		err = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < obj->model.nmaps; i++)
		obj->map_state[i].fd = -1;
	for (size_t i = 0; i < obj->model.nprogs; i++)
		obj->prog_state[i].fd = -1;
	err = derive_pin_paths(obj);
	if (!err)
		err = em_var_index(obj);
	if (err)
		goto fail;
	em_report_add(obj, EBPFMINI_STEP_PARSE, obj->t0, 0, "elf", NULL,
		      "%zu bytes: %zu programs, %zu maps, %zu externs, %s%s", size,
		      obj->model.nprogs, obj->model.nmaps, obj->model.nexterns,
		      obj->model.btf ? "BTF" : "no BTF",
		      obj->model.has_core_relos ? ", CO-RE relocations" : "");
	*out = obj;
	return 0;
fail:
	destroy(obj); /* no kernel state yet */
	return err;
}

EM_EXPORT int ebpfmini_object_open(const char *path, const struct ebpfmini_object_open_opts *opts,
				   struct ebpfmini_object **out)
{
	void *image = NULL;
	size_t size = 0;
	char *name;
	int err;

	if (out)
		*out = NULL;
	if (!path || !*path || !out)
		return -EINVAL;
	err = em_opts_check(opts, sizeof(*opts), "object open");
	if (err)
		return err;
	err = em_sys_read_file(path, OBJECT_MAX_FILE, &image, &size);
	if (err) {
		if (err == -E2BIG)
			em_err("elf: %s: larger than %u MiB", path, OBJECT_MAX_FILE >> 20);
		else
			em_err("elf: %s: cannot read: %s", path, strerror(-err));
		return err;
	}
	name = name_from_path(path);
	if (!name) {
		free(image);
		return -ENOMEM;
	}
	err = open_image(image, size, name, opts, out);
	free(name);
	return err;
}

EM_EXPORT int ebpfmini_object_open_mem(const void *data, size_t size,
				       const struct ebpfmini_object_open_opts *opts,
				       struct ebpfmini_object **out)
{
	uint8_t *image;
	int err;

	if (out)
		*out = NULL;
	if (!data || !size || !out)
		return -EINVAL;
	err = em_opts_check(opts, sizeof(*opts), "object open");
	if (err)
		return err;
	image = malloc(size);
	if (!image)
		return -ENOMEM;
	memcpy(image, data, size);
	return open_image(image, size, "mem", opts, out);
}

EM_EXPORT void ebpfmini_object_close(struct ebpfmini_object *obj)
{
	if (!obj)
		return;
	em_load_release(obj);
	destroy(obj);
}

/* ---- getters ------------------------------------------------------------------- */

EM_EXPORT const char *ebpfmini_object_name(const struct ebpfmini_object *obj)
{
	return obj->model.name;
}

EM_EXPORT const char *ebpfmini_object_license(const struct ebpfmini_object *obj)
{
	return obj->model.license;
}

EM_EXPORT uint32_t ebpfmini_object_kversion(const struct ebpfmini_object *obj)
{
	return obj->model.kversion;
}

EM_EXPORT const struct ebpfmini_btf *ebpfmini_object_btf(const struct ebpfmini_object *obj)
{
	return obj->model.btf;
}

EM_EXPORT const char *ebpfmini_object_pin_root(const struct ebpfmini_object *obj)
{
	return obj->model.pin_root;
}

EM_EXPORT int ebpfmini_object_set_pin_root(struct ebpfmini_object *obj, const char *dir)
{
	char *root;

	if (!obj || !dir || !*dir)
		return -EINVAL;
	if (obj->load_attempted)
		return -EBUSY;
	root = strdup(dir);
	if (!root)
		return -ENOMEM;
	/* paths derived from the old root follow the new one; explicit paths stay */
	for (size_t i = 0; i < obj->model.nmaps; i++) {
		struct ebpfmini_map *map = &obj->model.maps[i];
		char *old, *new;

		if (map->pinning != EM_PIN_BY_NAME || !map->pin_path)
			continue;
		old = em_pin_join(obj->model.pin_root, map->name);
		new = em_pin_join(root, map->name);
		if (!old || !new) {
			free(old);
			free(new);
			free(root);
			return -ENOMEM;
		}
		if (strcmp(old, map->pin_path) == 0) {
			free(map->pin_path);
			map->pin_path = new;
			new = NULL;
		}
		free(old);
		free(new);
	}
	free(obj->model.pin_root);
	obj->model.pin_root = root;
	return 0;
}

/* ---- look-up and iteration ---------------------------------------------------------- */

EM_EXPORT struct ebpfmini_program *ebpfmini_object_next_program(const struct ebpfmini_object *obj,
								const struct ebpfmini_program *prev)
{
	size_t next;

	if (!obj)
		return NULL;
	next = prev ? prev->index + 1 : 0;
	return next < obj->model.nprogs ? &obj->model.progs[next] : NULL;
}

EM_EXPORT struct ebpfmini_map *ebpfmini_object_next_map(const struct ebpfmini_object *obj,
							const struct ebpfmini_map *prev)
{
	size_t next;

	if (!obj)
		return NULL;
	next = prev ? prev->index + 1 : 0;
	return next < obj->model.nmaps ? &obj->model.maps[next] : NULL;
}

/* ---- bulk pinning ------------------------------------------------------------------ */

/* What the bulk pin functions iterate: maps or loaded programs. */
struct pin_item {
	const char *name;
	int fd;
	const char *pinned_at; /* a path the item is pinned at already, or NULL */
};

static bool pin_item_at(const struct ebpfmini_object *obj, bool maps, size_t i, struct pin_item *it)
{
	if (maps) {
		const struct ebpfmini_map *map = &obj->model.maps[i];

		*it = (struct pin_item){ map->name, em_map_state(map)->fd, map->pin_path };
	} else {
		const struct ebpfmini_program *prog = &obj->model.progs[i];

		*it = (struct pin_item){ prog->name, em_prog_state(prog)->fd, NULL };
	}
	return it->fd >= 0;
}

/* Whether path holds the very map fd refers to (same kernel id). */
static bool pinned_here(int fd, const char *path)
{
	struct bpf_map_info ours, there;
	int pfd = ebpfmini_sys_obj_get(path, 0);
	bool same;

	if (pfd < 0)
		return false;
	same = em_map_info(fd, &ours) == 0 && em_map_info(pfd, &there) == 0 && ours.id == there.id;
	em_sys_close(pfd);
	return same;
}

static int pin_all(struct ebpfmini_object *obj, const char *dir, bool maps)
{
	size_t n = maps ? obj->model.nmaps : obj->model.nprogs;
	char **pinned; /* paths this call pinned, for the undo */
	size_t i;
	int err = 0;

	if (!dir || !*dir)
		return -EINVAL;
	if (!obj->loaded)
		return -EBUSY;
	pinned = em_calloc(n, sizeof(*pinned));
	if (!pinned)
		return -ENOMEM;
	for (i = 0; i < n && !err; i++) {
		struct pin_item it;
		char *path;

		if (!pin_item_at(obj, maps, i, &it))
			continue; /* a program that was not loaded (autoload off) */
		path = em_pin_join(dir, it.name);
		if (!path) {
			err = -ENOMEM;
			break;
		}
		/* a map that the load pinned (or reused) at this very path stays as it is */
		if (it.pinned_at && strcmp(it.pinned_at, path) == 0 && pinned_here(it.fd, path)) {
			free(path);
			continue;
		}
		err = em_pin_fd(it.fd, path);
		if (err)
			free(path);
		else
			pinned[i] = path;
	}
	for (i = 0; i < n; i++) {
		if (err && pinned[i])
			em_pin_remove(pinned[i]); /* undo this call's pins after a failure */
		free(pinned[i]);
	}
	free(pinned);
	return err;
}

static int unpin_all(struct ebpfmini_object *obj, const char *dir, bool maps)
{
	size_t n = maps ? obj->model.nmaps : obj->model.nprogs;
	int first = 0;

	if (!dir || !*dir)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		const char *name = maps ? obj->model.maps[i].name : obj->model.progs[i].name;
		char *path = em_pin_join(dir, name);
		int err;

		err = path ? em_pin_remove(path) : -ENOMEM;
		free(path);
		if (err && err != -ENOENT && !first)
			first = err;
	}
	return first;
}

EM_EXPORT int ebpfmini_object_pin_maps(struct ebpfmini_object *obj, const char *dir)
{
	return obj ? pin_all(obj, dir, true) : -EINVAL;
}

EM_EXPORT int ebpfmini_object_unpin_maps(struct ebpfmini_object *obj, const char *dir)
{
	return obj ? unpin_all(obj, dir, true) : -EINVAL;
}

EM_EXPORT int ebpfmini_object_pin_programs(struct ebpfmini_object *obj, const char *dir)
{
	return obj ? pin_all(obj, dir, false) : -EINVAL;
}

EM_EXPORT int ebpfmini_object_unpin_programs(struct ebpfmini_object *obj, const char *dir)
{
	return obj ? unpin_all(obj, dir, false) : -EINVAL;
}
