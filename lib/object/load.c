/* load.c - loading an object into the kernel: a flat list of phases with one rollback (L4 object) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core.h"
#include "kbtf.h"
#include "ebpfmini/object.h"
#include "ebpfmini/sys.h"
#include "internal.h"
#include "kernel.h"
#include "ksym.h"
#include "objapi.h"
#include "sys.h"

/* What one load opened, so that the rollback can undo exactly that. */
struct load_state {
	struct ebpfmini_object *obj;
	int btf_fd;   /* object BTF in the kernel, or -1 when loading without BTF */
	bool *pinned; /* per map: pinned by this load (unpinned again on failure) */
	struct em_ksym_ctx ksym; /* module BTF fds opened for kfuncs, ksyms, attach targets */
	int *fd_array;           /* module BTF fds by kfunc slot, or NULL */
};

static bool is_global_data(const struct ebpfmini_map *map)
{
	return em_map_is_data(map);
}

/* ---- phase 1: what this version cannot load ------------------------------------------ */

static int check_supported(struct ebpfmini_object *obj)
{
	for (size_t i = 0; i < obj->model.nprogs; i++) {
		const struct ebpfmini_program *prog = &obj->model.progs[i];

		if (prog->autoload && prog->type == BPF_PROG_TYPE_UNSPEC) {
			em_err("prog '%s': section '%s': unknown program type: rename the section or "
			       "call ebpfmini_program_set_type() (or set_autoload(false))",
			       prog->name, prog->sec_name);
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

/* ---- phase 2: kernel BTF: CO-RE, externs, attach targets ----------------------------- */

/*
 * CO-RE: the fixups are computed against the kernel BTF (read, and kept for
 * the process, only when the object has relocations; a type vmlinux lacks is
 * searched in the loaded modules' BTF), then patched into the
 * code sections, once per object (programs copy them in em_reloc_program).
 * The list stays on the object for whoever wants to show what CO-RE did.
 * Poisoned instructions are logged at debug only: most sit behind an
 * existence check (a ___flavor fallback with bpf_core_field_exists) that
 * the verifier sees is never taken; a program that does reach one is
 * reported when its load fails (report_poisoned).
 */
static int relocate_core(struct load_state *st)
{
	struct ebpfmini_object *obj = st->obj;
	struct em_core_input in = em_core_input_of(&obj->model);
	const char *path = obj->model.btf_custom_path;
	const struct ebpfmini_btf *kbtf;
	struct em_core_fixups *fx = NULL;
	uint64_t t = em_report_now();
	int err;

	if (obj->core_done || !obj->model.has_core_relos)
		return 0;
	err = em_btf_vmlinux_get_core(&in, path, &kbtf); /* here: the report shows its cost */
	em_report_btf(obj, EBPFMINI_STEP_KERNEL_BTF, t, err, path, err ? NULL : kbtf);
	t = em_report_now();
	st->ksym.btf_path = path;
	err = em_ksym_core_calc(&st->ksym, &in, &fx); /* vmlinux, then modules; logs why */
	if (err >= 0) {
		em_core_fixups_log(fx, EBPFMINI_LOG_DEBUG);
		err = em_core_patch(fx, obj->model.code, obj->model.ncode); /* logs why */
	}
	em_report_core(obj, t, err, fx);
	if (err < 0) {
		em_core_fixups_free(fx);
		return err;
	}
	em_core_fixups_free(obj->core_fixups);
	obj->core_fixups = fx;
	obj->core_done = true;
	return 0;
}

static int resolve_names(struct load_state *st)
{
	st->ksym.btf_path = st->obj->model.btf_custom_path;
	return em_load_extern_resolve(st->obj, &st->ksym, &st->fd_array); /* logs why */
}

/* ---- phase 3: object BTF ------------------------------------------------------------- */

static int load_btf(struct load_state *st)
{
	uint64_t t = em_report_now();
	int fd;

	st->btf_fd = -1;
	if (!st->obj->model.btf)
		return 0;
	fd = ebpfmini_btf_load(st->obj->model.btf); /* logs the kernel's reason itself */
	em_report_btf(st->obj, EBPFMINI_STEP_BTF_LOAD, t, fd, "object BTF", st->obj->model.btf);
	if (fd < 0) {
		em_warn("btf: continuing without BTF: maps get no BTF type ids, programs no "
			"func/line info");
		return 0;
	}
	st->btf_fd = fd;
	return 0;
}

/* ---- phase 4: .kconfig externs --------------------------------------------------------- */

static int fill_kconfig(struct load_state *st)
{
	struct ebpfmini_object *obj = st->obj;

	for (size_t i = 0; i < obj->model.nmaps; i++) {
		if (obj->model.maps[i].kind == EM_MAP_KCONFIG) {
			int err = em_kconfig_fill(&obj->model, &obj->model.maps[i]);

			if (err)
				return err;
		}
	}
	return 0;
}

/* ---- phase 5: maps ------------------------------------------------------------------ */

static uint32_t effective_max_entries(const struct ebpfmini_map *map)
{
	/* a perf event array of 0 entries gets one slot per possible CPU, as libbpf does */
	if (map->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && map->max_entries == 0) {
		int ncpus = em_cpus_possible();

		if (ncpus > 0)
			return (uint32_t)ncpus;
	}
	return map->max_entries;
}

static void log_create_failure(const struct ebpfmini_map *map, int err)
{
	char hint[512];

	if (ebpfmini_log_explain(err, BPF_MAP_CREATE, NULL, hint, sizeof(hint)) < 0)
		hint[0] = '\0';
	em_err("map '%s': create: %s%s%s", map->name, strerror(-err), hint[0] ? ": " : "", hint);
}

/*
 * Map types the kernel creates only without BTF key/value types (it has no
 * BTF check for them), as libbpf also knows.
 */
static bool takes_btf_types(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_CGROUP_ARRAY:
	case BPF_MAP_TYPE_STACK_TRACE:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
	case BPF_MAP_TYPE_DEVMAP:
	case BPF_MAP_TYPE_DEVMAP_HASH:
	case BPF_MAP_TYPE_CPUMAP:
	case BPF_MAP_TYPE_XSKMAP:
	case BPF_MAP_TYPE_SOCKMAP:
	case BPF_MAP_TYPE_SOCKHASH:
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
	case BPF_MAP_TYPE_RINGBUF:
	case BPF_MAP_TYPE_USER_RINGBUF:
		return false;
	default:
		return true;
	}
}

/* BPF_MAP_CREATE of one definition; with BTF ids when the object BTF is loaded. */
static int create_one(const struct load_state *st, const struct ebpfmini_map *map, int inner_fd)
{
	char name[BPF_OBJ_NAME_LEN];
	struct ebpfmini_sys_map_create_opts opts = {
		.sz = sizeof(opts),
		.name = name,
		.map_flags = map->map_flags,
		.numa_node = map->numa_node,
		.map_extra = map->map_extra,
		.inner_map_fd = inner_fd > 0 ? (uint32_t)inner_fd : 0,
	};
	uint32_t max_entries = effective_max_entries(map);
	int fd;

	em_objfile_map_kernel_name(map, name);
	if (map->st_ops) {
		fd = em_load_structops_create((struct ebpfmini_map *)map, st->btf_fd, &opts);
		if (fd < 0)
			log_create_failure(map, fd);
		return fd;
	}
	if (st->btf_fd >= 0 && map->btf_value_type_id && takes_btf_types(map->type)) {
		opts.btf_fd = (uint32_t)st->btf_fd;
		opts.btf_key_type_id = map->btf_key_type_id;
		opts.btf_value_type_id = map->btf_value_type_id;
	}
	fd = ebpfmini_sys_map_create(map->type, map->key_size, map->value_size, max_entries, &opts);
	if (fd == -EINVAL && opts.btf_fd) {
		/* the kernel may refuse the BTF description of a map it would create without */
		int fd2;

		opts.btf_fd = opts.btf_key_type_id = opts.btf_value_type_id = 0;
		fd2 = ebpfmini_sys_map_create(map->type, map->key_size, map->value_size,
					      max_entries, &opts);
		if (fd2 >= 0) {
			em_warn("map '%s': created without BTF: the kernel refused its BTF "
				"key/value types",
				map->name);
			return fd2;
		}
	}
	if (fd < 0)
		log_create_failure(map, fd);
	return fd;
}

static int create_map(struct load_state *st, struct ebpfmini_map *map)
{
	struct em_map_state *ms = em_map_state(map);
	int inner_fd = -1, fd, err;

	if (map->pin_path) {
		err = em_map_reuse_pinned(map, effective_max_entries(map));
		if (err || ms->reused)
			return err;
	}
	if (map->inner) {
		/* the outer map takes its inner template from a map that exists only meanwhile */
		inner_fd = create_one(st, map->inner, -1);
		if (inner_fd < 0)
			return inner_fd;
	}
	fd = create_one(st, map, inner_fd);
	if (inner_fd >= 0)
		em_sys_close(inner_fd);
	if (fd < 0)
		return fd;
	ms->fd = fd;
	if (map->pin_path) {
		err = em_pin_fd(fd, map->pin_path);
		if (err == -EEXIST) {
			/* another loader pinned it since em_map_reuse_pinned looked: use that one */
			em_sys_close(fd);
			ms->fd = -1;
			err = em_map_reuse_pinned(map, effective_max_entries(map));
			return err || ms->reused ? err : -EEXIST;
		}
		if (err)
			return err;
		st->pinned[map->index] = true;
	}
	em_info("map '%s': created (fd %d)%s%s", map->name, fd, map->pin_path ? ", pinned at " : "",
		map->pin_path ? map->pin_path : "");
	return 0;
}

static int create_maps(struct load_state *st)
{
	for (size_t i = 0; i < st->obj->model.nmaps; i++) {
		uint64_t t = em_report_now();
		int err = create_map(st, &st->obj->model.maps[i]);

		em_report_map(&st->obj->model.maps[i], t, err);
		if (err)
			return err;
	}
	return 0;
}

/* ---- phase 6: global data ------------------------------------------------------------ */

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static int fill_data_map(struct ebpfmini_map *map)
{
	struct em_map_state *ms = em_map_state(map);
	bool read_only = map->kind == EM_MAP_RODATA || map->kind == EM_MAP_KCONFIG;
	uint32_t zero = 0;
	size_t page = em_page_size();
	int err;

	if (!ms->reused) {
		if (map->data_size != map->value_size) {
			em_err("map '%s': image of %zu bytes for a value of %u bytes", map->name,
			       map->data_size, map->value_size);
			return -EBADMSG;
		}
		/* the kernel zero-fills new maps: an all-zero image needs no copy */
		if (map->data && !all_zero(map->data, map->data_size)) {
			err = ebpfmini_sys_map_update(ms->fd, &zero, map->data, 0);
			if (err < 0) {
				em_err("map '%s': set initial value: %s", map->name,
				       strerror(-err));
				return err;
			}
		}
		if (read_only) {
			err = ebpfmini_sys_map_freeze(ms->fd);
			if (err < 0) {
				em_err("map '%s': freeze: %s", map->name, strerror(-err));
				return err;
			}
		}
	}
	if (!(map->map_flags & BPF_F_MMAPABLE) || map->value_size == 0)
		return 0;
	ms->mmap_size = ((size_t)map->value_size + page - 1) / page * page;
	err = em_sys_mmap(NULL, ms->mmap_size, read_only ? PROT_READ : PROT_READ | PROT_WRITE,
			  MAP_SHARED, ms->fd, 0, &ms->mmaped);
	if (err) {
		ms->mmaped = NULL;
		em_err("map '%s': mmap: %s", map->name, strerror(-err));
		return err;
	}
	return 0;
}

static int fill_data(struct load_state *st)
{
	for (size_t i = 0; i < st->obj->model.nmaps; i++) {
		struct ebpfmini_map *map = &st->obj->model.maps[i];
		int err;

		if (!is_global_data(map))
			continue;
		err = fill_data_map(map);
		if (err)
			return err;
	}
	return 0;
}

/* ---- phase 7: relocation ------------------------------------------------------------ */

/*
 * The pure relocation gets the kernel's values as input: the map fds (an
 * array parallel to the model's maps) and which externs the load resolved.
 */
static int relocate(struct load_state *st)
{
	struct em_reloc_input in = { 0 };
	bool *resolved = NULL;
	int *map_fds = NULL, err = 0;

	if (st->obj->model.nmaps) {
		map_fds = em_calloc(st->obj->model.nmaps, sizeof(*map_fds));
		if (!map_fds)
			return -ENOMEM;
		for (size_t i = 0; i < st->obj->model.nmaps; i++)
			map_fds[i] = st->obj->map_state[i].fd;
	}
	if (st->obj->model.nexterns) {
		resolved = em_calloc(st->obj->model.nexterns, sizeof(*resolved));
		if (!resolved) {
			free(map_fds);
			return -ENOMEM;
		}
		for (size_t i = 0; i < st->obj->model.nexterns; i++)
			resolved[i] = st->obj->ext_state[i].resolved;
	}
	in.map_fds = map_fds;
	in.ext_resolved = resolved;
	for (size_t i = 0, total = 0; i < st->obj->model.nprogs && !err; i++) {
		struct ebpfmini_program *prog = &st->obj->model.progs[i];

		if (!prog->autoload)
			continue;
		err = em_reloc_program(&st->obj->model, prog, &in); /* logs what is wrong itself */
		if (err)
			em_debug("prog '%s': relocate: %s", prog->name, strerror(-err));
		total += err ? 0 : prog->insn_cnt;
		if (total > EM_RELOC_MAX_OBJECT_INSNS) {
			em_err("prog '%s': the linked programs of the object reach %zu instructions,"
			       " more than the %u supported",
			       prog->name, total, EM_RELOC_MAX_OBJECT_INSNS);
			err = -E2BIG;
		}
	}
	free(map_fds);
	free(resolved);
	return err;
}

/* ---- phase 9: initial slots of prog arrays and maps of maps -------------------------- */

static int init_slot(struct ebpfmini_object *obj, struct ebpfmini_map *map,
		     const struct em_map_init_slot *slot)
{
	bool progs = map->type == BPF_MAP_TYPE_PROG_ARRAY;
	int target_fd, err;

	if (progs) {
		struct ebpfmini_program *prog = ebpfmini_object_find_program(obj, slot->target);

		if (prog && !prog->autoload) {
			em_info("map '%s': slot %u: program '%s' is not loaded (autoload off): "
				"left empty",
				map->name, slot->slot, slot->target);
			return 0;
		}
		target_fd = prog ? em_prog_state(prog)->fd : -1;
	} else {
		struct ebpfmini_map *target = ebpfmini_object_find_map(obj, slot->target);

		target_fd = target ? em_map_state(target)->fd : -1;
	}
	if (target_fd < 0) {
		em_err("map '%s': slot %u: no %s '%s'", map->name, slot->slot,
		       progs ? "program" : "map", slot->target);
		return -ENOENT;
	}
	err = ebpfmini_sys_map_update(em_map_state(map)->fd, &slot->slot, &target_fd, 0);
	if (err < 0) {
		em_err("map '%s': slot %u: set to '%s': %s", map->name, slot->slot, slot->target,
		       strerror(-err));
		return err;
	}
	return 0;
}

static int init_slots(struct load_state *st)
{
	for (size_t i = 0; i < st->obj->model.nmaps; i++) {
		struct ebpfmini_map *map = &st->obj->model.maps[i];

		/* a reused map of maps keeps its contents; a reused prog array gets the new programs */
		if (em_map_state(map)->reused && map->type != BPF_MAP_TYPE_PROG_ARRAY)
			continue;
		for (size_t s = 0; s < map->n_init_slots; s++) {
			int err = init_slot(st->obj, map, &map->init_slots[s]);

			if (err)
				return err;
		}
	}
	return 0;
}

/* ---- the load ----------------------------------------------------------------------- */

void em_load_release(struct ebpfmini_object *obj)
{
	for (size_t i = 0; i < obj->model.nmaps; i++) {
		struct em_map_state *ms = &obj->map_state[i];

		if (ms->mmaped)
			em_sys_munmap(ms->mmaped, ms->mmap_size);
		ms->mmaped = NULL;
		ms->mmap_size = 0;
		free(ms->st_ops_value);
		ms->st_ops_value = NULL;
		if (ms->fd >= 0)
			em_sys_close(ms->fd);
		ms->fd = -1;
		ms->reused = false;
	}
	for (size_t i = 0; i < obj->model.nprogs; i++) {
		if (obj->prog_state[i].fd >= 0)
			em_sys_close(obj->prog_state[i].fd);
		obj->prog_state[i].fd = -1;
		if (obj->prog_state[i].target_prog_fd > 0)
			em_sys_close(obj->prog_state[i].target_prog_fd);
		obj->prog_state[i].target_prog_fd = 0;
	}
	if (obj->model.btf && obj->model.btf->fd >= 0) {
		em_sys_close(obj->model.btf->fd);
		obj->model.btf->fd = -1;
	}
}

/* What only the load needed: module BTF fds (the kernel holds its own references). */
static void end_load(struct load_state *st)
{
	for (size_t i = 0; i < st->obj->model.nprogs; i++)
		st->obj->prog_state[i].attach_btf_obj_fd = 0;
	for (size_t i = 0; i < st->obj->model.nexterns; i++)
		st->obj->ext_state[i].kernel_btf_fd = 0;
	em_ksym_ctx_release(&st->ksym);
	free(st->fd_array);
	free(st->pinned);
}

static void rollback(struct load_state *st)
{
	for (size_t i = 0; i < st->obj->model.nmaps; i++)
		if (st->pinned[i])
			em_pin_remove(st->obj->model.maps[i].pin_path);
	em_load_release(st->obj);
}

EM_EXPORT int ebpfmini_object_load(struct ebpfmini_object *obj)
{
	struct load_state st = { .obj = obj, .btf_fd = -1 };
	int err;

	if (!obj)
		return -EINVAL;
	if (obj->load_attempted)
		return -EBUSY;
	st.pinned = em_calloc(obj->model.nmaps, sizeof(*st.pinned));
	if (!st.pinned)
		return -ENOMEM;
	obj->load_attempted = true;

	err = check_supported(obj);
	if (err)
		goto fail;
	err = relocate_core(&st);
	if (err)
		goto fail;
	err = em_load_structops_prepare(obj);
	if (err)
		goto fail;
	err = resolve_names(&st);
	if (err)
		goto fail;
	err = load_btf(&st);
	if (err)
		goto fail;
	err = fill_kconfig(&st);
	if (err)
		goto fail;
	err = create_maps(&st);
	if (err)
		goto fail;
	err = fill_data(&st);
	if (err)
		goto fail;
	err = relocate(&st);
	if (err)
		goto fail;
	err = em_load_prog_all(obj, st.btf_fd, st.fd_array); /* phase 8: load_prog.c */
	if (err)
		goto fail;
	err = init_slots(&st);
	if (err)
		goto fail;
	err = em_load_structops_values(obj);
	if (err)
		goto fail;

	obj->loaded = true;
	end_load(&st);
	return 0;
fail:
	rollback(&st);
	end_load(&st);
	return err;
}
