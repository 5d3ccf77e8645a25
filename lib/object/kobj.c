/* kobj.c - maps and programs already in the kernel (by id, or pinned) as library handles, as attach targets, and the kernel's info on any map or program (L4 object) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpfmini/map.h"
#include "ebpfmini/program.h"
#include "ebpfmini/sys.h"
#include "internal.h"
#include "objapi.h"
#include "sys.h"

bool em_kobj_fdinfo_has(int fd, const char *key)
{
	char path[64];
	void *buf = NULL;
	size_t size = 0;
	bool yes;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (em_sys_read_file(path, 1 << 16, &buf, &size) < 0)
		return false;
	yes = strstr((const char *)buf, key) != NULL;
	free(buf);
	return yes;
}

/*
 * An object of its own around one kernel map or program (fd, owned from now
 * on): loaded, nothing to load, so every map and program function works on
 * it and ebpfmini_object_close() releases it. The map or program is the
 * model's only element; its fields are the caller's to fill.
 */
static int wrap(int fd, bool is_map, const char *name, struct ebpfmini_object **out)
{
	struct ebpfmini_object *obj = calloc(1, sizeof(*obj));
	struct em_model *m = obj ? &obj->model : NULL;

	if (obj) {
		m->name = strdup(name);
		m->pin_root = strdup("/sys/fs/bpf");
		obj->map_state = em_calloc(1, sizeof(*obj->map_state));
		obj->prog_state = em_calloc(1, sizeof(*obj->prog_state));
		obj->ext_state = em_calloc(1, sizeof(*obj->ext_state));
		if (is_map)
			m->maps = em_calloc(1, sizeof(*m->maps));
		else
			m->progs = em_calloc(1, sizeof(*m->progs));
	}
	if (!obj || !m->name || !m->pin_root || !obj->map_state || !obj->prog_state ||
	    !obj->ext_state || (is_map ? !m->maps : !m->progs)) {
		em_sys_close(fd);
		ebpfmini_object_close(obj);
		return -ENOMEM;
	}
	obj->map_state[0].fd = obj->prog_state[0].fd = -1;
	if (is_map) {
		obj->map_state[0].fd = fd;
		m->nmaps = 1;
		m->maps[0].obj = m;
		m->maps[0].sec_index = -1;
	} else {
		obj->prog_state[0].fd = fd;
		m->nprogs = 1;
		m->progs[0].obj = m;
	}
	obj->load_attempted = obj->loaded = obj->standalone = true;
	*out = obj;
	return 0;
}

/* An fd from BPF_OBJ_GET or GET_FD_BY_ID (or its errno), checked to be a map or a program. */
static int check_fd(int fd, bool is_map, const char *what)
{
	if (fd < 0) {
		em_err("%s: open: %s", what, strerror(-fd));
		return fd;
	}
	/* the info of a map and a program both start with type and id: fdinfo tells */
	if (!em_kobj_fdinfo_has(fd, is_map ? "\nmap_type:" : "\nprog_type:")) {
		em_err("%s: open: not a %s", what, is_map ? "map" : "program");
		em_sys_close(fd);
		return -EINVAL;
	}
	return fd;
}

static int open_map(int fd, const char *what, const char *pin, struct ebpfmini_map **out)
{
	struct ebpfmini_object *obj;
	struct bpf_map_info info;
	struct ebpfmini_map *m;
	int err;

	*out = NULL;
	fd = check_fd(fd, true, what);
	if (fd < 0)
		return fd;
	err = em_map_info(fd, &info);
	if (err) {
		em_sys_close(fd);
		return err;
	}
	err = wrap(fd, true, info.name, &obj);
	if (err)
		return err;
	m = &obj->model.maps[0];
	m->name = strdup(info.name);
	m->pin_path = em_strdup(pin);
	if (!m->name || (pin && !m->pin_path)) {
		ebpfmini_object_close(obj);
		return -ENOMEM;
	}
	m->type = info.type;
	m->key_size = info.key_size;
	m->value_size = info.value_size;
	m->max_entries = info.max_entries;
	m->map_flags = info.map_flags;
	m->map_extra = info.map_extra;
	m->btf_key_type_id = info.btf_key_type_id;
	m->btf_value_type_id = info.btf_value_type_id;
	*out = m;
	return 0;
}

static int open_prog(int fd, const char *what, struct ebpfmini_program **out)
{
	struct ebpfmini_object *obj;
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	struct ebpfmini_program *p;
	int err;

	*out = NULL;
	fd = check_fd(fd, false, what);
	if (fd < 0)
		return fd;
	memset(&info, 0, sizeof(info));
	err = ebpfmini_sys_obj_get_info(fd, &info, &len);
	if (err < 0) {
		em_sys_close(fd);
		return err;
	}
	err = wrap(fd, false, info.name, &obj);
	if (err)
		return err;
	p = &obj->model.progs[0];
	p->name = strdup(info.name);
	p->sec_name = strdup("");
	if (!p->name || !p->sec_name) {
		ebpfmini_object_close(obj);
		return -ENOMEM;
	}
	p->type = info.type;
	*out = p;
	return 0;
}

/* By id (path NULL) or by pin: a map (is_map) or a program into *out. */
static int open_kobj(bool is_map, uint32_t id, bool by_pin, const char *path, void **out)
{
	char what[512];
	int fd;

	if (!out)
		return -EINVAL;
	if (by_pin && !path) {
		fd = -EINVAL;
		snprintf(what, sizeof(what), "pin (null)");
	} else if (by_pin) {
		snprintf(what, sizeof(what), "pin '%s'", path);
		fd = ebpfmini_sys_obj_get(path, 0);
	} else {
		snprintf(what, sizeof(what), "%s id %u", is_map ? "map" : "prog", id);
		fd = is_map ? ebpfmini_sys_map_get_fd_by_id(id) :
			      ebpfmini_sys_prog_get_fd_by_id(id);
	}
	return is_map ? open_map(fd, what, path, (struct ebpfmini_map **)out) :
			open_prog(fd, what, (struct ebpfmini_program **)out);
}

EM_EXPORT int ebpfmini_map_open_id(uint32_t id, struct ebpfmini_map **out)
{
	return open_kobj(true, id, false, NULL, (void **)out);
}

EM_EXPORT int ebpfmini_map_open_pinned(const char *path, struct ebpfmini_map **out)
{
	return open_kobj(true, 0, true, path, (void **)out);
}

EM_EXPORT int ebpfmini_program_open_id(uint32_t id, struct ebpfmini_program **out)
{
	return open_kobj(false, id, false, NULL, (void **)out);
}

EM_EXPORT int ebpfmini_program_open_pinned(const char *path, struct ebpfmini_program **out)
{
	return open_kobj(false, 0, true, path, (void **)out);
}

EM_EXPORT void ebpfmini_map_close(struct ebpfmini_map *map)
{
	if (map && em_object_of(map->obj)->standalone)
		ebpfmini_object_close(em_object_of(map->obj));
}

EM_EXPORT void ebpfmini_program_close(struct ebpfmini_program *prog)
{
	if (prog && em_object_of(prog->obj)->standalone)
		ebpfmini_object_close(em_object_of(prog->obj));
}

/* ---- a program in the kernel as the target of another (freplace, fentry) ---------------- */

EM_EXPORT int ebpfmini_program_set_attach_target(struct ebpfmini_program *prog, int target_prog_fd,
						 const char *func)
{
	struct em_prog_state *ps;
	char *name = NULL;
	int fd = 0;

	if (!prog)
		return -EINVAL;
	if (em_object_of(prog->obj)->load_attempted)
		return -EBUSY;
	if (target_prog_fd < 0 || (func && !*func)) {
		em_err("prog '%s': set attach target: %s", prog->name,
		       target_prog_fd < 0 ? "a negative program fd (0 names the kernel)" :
					    "an empty function name (NULL keeps the SEC name's)");
		return -EINVAL;
	}
	if (target_prog_fd > 0 && !em_kobj_fdinfo_has(target_prog_fd, "\nprog_type:")) {
		em_err("prog '%s': set attach target: fd %d is not a BPF program (give the fd of a "
		       "loaded program: ebpfmini_program_fd(), ebpfmini_sys_prog_get_fd_by_id(), "
		       "a pinned program)",
		       prog->name, target_prog_fd);
		return -EINVAL;
	}
	if (func) {
		name = strdup(func);
		if (!name)
			return -ENOMEM;
	}
	if (target_prog_fd > 0) {
		/* the library's own reference: the caller may close its fd */
		fd = em_sys_dup(target_prog_fd);
		if (fd < 0) {
			em_err("prog '%s': set attach target: duplicate fd %d: %s", prog->name,
			       target_prog_fd, strerror(-fd));
			free(name);
			return fd;
		}
	}
	ps = em_prog_state(prog);
	if (ps->target_prog_fd > 0)
		em_sys_close(ps->target_prog_fd);
	free(ps->target_func);
	ps->target_prog_fd = fd;
	ps->target_func = name;
	return 0;
}

/* ---- info ------------------------------------------------------------------------ */

/* Copies what the caller's struct (info->sz bytes) can hold of full. */
static int give(void *info, const void *full, size_t full_size)
{
	size_t sz = *(const size_t *)info;

	if (sz < sizeof(size_t))
		return -EINVAL;
	memcpy((uint8_t *)info + sizeof(size_t), (const uint8_t *)full + sizeof(size_t),
	       EM_MIN(sz, full_size) - sizeof(size_t));
	return 0;
}

EM_EXPORT int ebpfmini_map_info(const struct ebpfmini_map *map, struct ebpfmini_map_info *info)
{
	struct ebpfmini_map_info full = { .sz = sizeof(full) };
	struct bpf_map_info ki;
	int err;

	if (!map || !info)
		return -EINVAL;
	if (em_map_state(map)->fd < 0)
		return -EBUSY;
	err = em_map_info(em_map_state(map)->fd, &ki);
	if (err)
		return err;
	memcpy(full.name, ki.name, sizeof(full.name));
	full.type = ki.type;
	full.id = ki.id;
	full.key_size = ki.key_size;
	full.value_size = ki.value_size;
	full.max_entries = ki.max_entries;
	full.flags = ki.map_flags;
	full.btf_id = ki.btf_id;
	full.btf_key_type_id = ki.btf_key_type_id;
	full.btf_value_type_id = ki.btf_value_type_id;
	full.map_extra = ki.map_extra;
	return give(info, &full, sizeof(full));
}

/* BPF_OBJ_GET_INFO_BY_FD of a loaded program into *ki, with the arrays the caller asks for. */
static int prog_info(const struct ebpfmini_program *prog, struct bpf_prog_info *ki)
{
	uint32_t len = sizeof(*ki);
	int err;

	if (!prog)
		return -EINVAL;
	if (em_prog_state(prog)->fd < 0)
		return -EBUSY;
	err = ebpfmini_sys_obj_get_info(em_prog_state(prog)->fd, ki, &len);
	return err < 0 ? err : 0;
}

EM_EXPORT int ebpfmini_program_info(const struct ebpfmini_program *prog,
				    struct ebpfmini_program_info *info)
{
	struct ebpfmini_program_info full = { .sz = sizeof(full) };
	struct bpf_prog_info ki;
	int err;

	if (!info)
		return -EINVAL;
	memset(&ki, 0, sizeof(ki));
	err = prog_info(prog, &ki);
	if (err)
		return err;
	memcpy(full.name, ki.name, sizeof(full.name));
	memcpy(full.tag, ki.tag, sizeof(full.tag));
	full.type = ki.type;
	full.id = ki.id;
	full.btf_id = ki.btf_id;
	full.load_time_ns = ki.load_time;
	full.run_cnt = ki.run_cnt;
	full.run_time_ns = ki.run_time_ns;
	full.verified_insns = ki.verified_insns;
	full.nr_map_ids = ki.nr_map_ids;
	full.xlated_len = ki.xlated_prog_len;
	full.jited_len = ki.jited_prog_len;
	full.created_by_uid = ki.created_by_uid;
	full.gpl_compatible = ki.gpl_compatible;
	return give(info, &full, sizeof(full));
}

EM_EXPORT int ebpfmini_program_map_ids(const struct ebpfmini_program *prog, uint32_t *ids, size_t n)
{
	struct bpf_prog_info ki;
	int err;

	if (!ids && n)
		return -EINVAL;
	memset(&ki, 0, sizeof(ki));
	ki.nr_map_ids = (uint32_t)EM_MIN(n, UINT32_MAX);
	ki.map_ids = (uintptr_t)ids;
	err = prog_info(prog, &ki);
	return err ? err : (int)ki.nr_map_ids;
}

EM_EXPORT int ebpfmini_program_xlated_insns(const struct ebpfmini_program *prog, void *buf,
					    size_t size)
{
	struct bpf_prog_info ki;
	int err;

	if (!buf && size)
		return -EINVAL;
	memset(&ki, 0, sizeof(ki));
	ki.xlated_prog_len = (uint32_t)EM_MIN(size, UINT32_MAX);
	ki.xlated_prog_insns = (uintptr_t)buf;
	err = prog_info(prog, &ki);
	return err ? err : (int)ki.xlated_prog_len;
}
