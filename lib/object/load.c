/* load.c - loading an object into the kernel: a flat list of phases with one rollback (L4 object) */
#include <pthread.h>
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

/* Verifier log buffer: start here, grow x4 (or to log_true_size) on ENOSPC, stop here. */
#define LOG_MIN (64u << 10)
#define LOG_MAX (16u << 20)
/* Threads verifying programs at once, at most. */
#define EM_LOAD_THREADS_MAX 64
/* A program whose load took this long (us) has the rest verified side by side. */
#define EM_LOAD_SIDE_BY_SIDE_US 500
/* Bytes of a failed program's verifier log handed to the log callback (its tail). */
#define LOG_CALLBACK_TAIL 900

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
	return map->kind != EM_MAP_USER;
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
 * the process, only when the object has relocations), then patched into the
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
	err = em_btf_vmlinux_get(path, &kbtf); /* here, so that the report shows what it costs */
	em_report_btf(obj, EBPFMINI_STEP_KERNEL_BTF, t, err, path, err ? NULL : kbtf);
	t = em_report_now();
	err = em_btf_vmlinux_core_calc(&in, path, &fx); /* logs why */
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

/* ---- phase 8: programs ---------------------------------------------------------------- */

/* fentry, fexit, fmod_ret, lsm and freplace programs run through BPF trampolines. */
static bool is_trampoline(const struct ebpfmini_program *prog)
{
	if (prog->type == BPF_PROG_TYPE_LSM || prog->type == BPF_PROG_TYPE_EXT)
		return true;
	return prog->type == BPF_PROG_TYPE_TRACING &&
	       (prog->expected_attach_type == BPF_TRACE_FENTRY ||
		prog->expected_attach_type == BPF_TRACE_FEXIT ||
		prog->expected_attach_type == BPF_MODIFY_RETURN);
}

/*
 * A privileged process gets EPERM for a trampoline program from kernel
 * lockdown: integrity mode (and confidentiality, which includes it) forbids
 * trampolines. Says so when lockdown is on or its mode cannot be read.
 */
static void lockdown_note(const struct ebpfmini_program *prog, char *buf, size_t size)
{
	char mode[32];
	bool known = em_lockdown_mode(mode, sizeof(mode)) == 0;

	buf[0] = '\0';
	if (known && strcmp(mode, "none") == 0)
		return;
	snprintf(buf, size,
		 "kernel lockdown (%s) forbids BPF trampolines (fentry, fexit, fmod_ret, lsm and "
		 "freplace programs, '%s' is one)%s; load a tracepoint, raw tracepoint or tp_btf "
		 "program instead",
		 known ? mode : "integrity", prog->sec_name,
		 known ? "" : ", the likely cause for a privileged process (the mode cannot be "
			      "read: securityfs is not mounted on /sys/kernel/security)");
}

/* Whether prog's instructions may include code section c: its own, or one without programs. */
static bool may_include(const struct ebpfmini_program *prog, size_t c)
{
	if (c == prog->code_idx)
		return true;
	for (size_t i = 0; i < prog->obj->nprogs; i++)
		if (prog->obj->progs[i].code_idx == c)
			return false;
	return true;
}

/*
 * The verifier reached a poisoned CO-RE instruction (a call of helper
 * EM_CORE_POISON_HELPER, "unknown#195896080" in its log): name the
 * relocations that the kernel could not satisfy.
 */
static void report_poisoned(const struct ebpfmini_program *prog)
{
	const struct em_core_fixups *fx = em_object_of(prog->obj)->core_fixups;
	const char *log = em_prog_state(prog)->log;
	char helper[32], line[512];

	snprintf(helper, sizeof(helper), "unknown#%d", EM_CORE_POISON_HELPER);
	if (!fx || !log || !strstr(log, helper))
		return;
	for (size_t i = 0; i < fx->n; i++) {
		const struct em_core_fixup *f = &fx->v[i];

		if (f->op != EM_CORE_FIX_POISON || !may_include(prog, f->code))
			continue;
		em_core_fixup_format(f, line, sizeof(line));
		em_warn("prog '%s': the verifier reached a CO-RE relocation this kernel cannot "
			"satisfy: %s",
			prog->name, line);
	}
}

static void report_load_failure(const struct ebpfmini_program *prog, int err)
{
	const char *log = em_prog_state(prog)->log;
	char last[256], hint[512], note[400] = "";

	if (log && *log) {
		size_t len = strlen(log),
		       from = len > LOG_CALLBACK_TAIL ? len - LOG_CALLBACK_TAIL : 0;

		/* the tail is what explains a rejection: start it at a line boundary */
		while (from && from < len && log[from - 1] != '\n')
			from++;
		em_warn("prog '%s': verifier log%s:\n%s", prog->name,
			from ? " (tail; ebpfmini_program_log() has all of it)" : "", log + from);
	}
	em_report_verdict(log, last, sizeof(last));
	if (ebpfmini_log_explain(err, BPF_PROG_LOAD, log, hint, sizeof(hint)) < 0)
		hint[0] = '\0';
	if (err == -EPERM && is_trampoline(prog))
		lockdown_note(prog, note, sizeof(note));
	if (note[0])
		em_err("prog '%s': load: %s: %s", prog->name, strerror(-err), note);
	else
		em_err("prog '%s': load: %s%s%s", prog->name, strerror(-err), last[0] ? ": " : "",
		       last);
	if (hint[0])
		em_err("prog '%s': %s", prog->name, hint);
	report_poisoned(prog);
}

static uint32_t grow_log(uint32_t size, uint32_t true_size)
{
	if (true_size > size)
		return EM_MIN(true_size, LOG_MAX);
	return EM_MIN(size * 4, LOG_MAX);
}

/*
 * BPF_PROG_LOAD with the log the program asked for (none at level 0). On
 * failure, load again with a level-1 log to learn why; a log that does not
 * fit (ENOSPC) is retried in a larger buffer. The first real errno wins.
 * Logs nothing (it may run on a worker thread): returns the fd or the error,
 * the verifier log kept in the program's state.
 */
static int attempt(const struct load_state *st, struct ebpfmini_program *prog)
{
	struct em_prog_state *ps = em_prog_state(prog);
	const struct ebpfmini_object *obj = st->obj;
	struct ebpfmini_sys_prog_load_opts o = {
		.sz = sizeof(o),
		.name = prog->name,
		.expected_attach_type = prog->expected_attach_type,
		.prog_flags = prog->prog_flags,
		.kern_version = obj->model.kversion,
		.attach_btf_id = ps->attach_btf_id,
		.attach_btf_obj_fd =
			ps->attach_btf_obj_fd > 0 ? (uint32_t)ps->attach_btf_obj_fd : 0,
		.fd_array = st->fd_array,
	};
	uint32_t level = prog->log_level, size = level ? LOG_MIN : 0, cap = 0;
	char *buf = NULL;
	int fd, first_err = 0;

	ps->load_ns[0] = em_report_now(); /* attempt() may run on another thread: no report here */

	if (st->btf_fd >= 0) {
		o.prog_btf_fd = (uint32_t)st->btf_fd;
		if (prog->func_info_cnt) {
			o.func_info = prog->func_info;
			o.func_info_cnt = prog->func_info_cnt;
			o.func_info_rec_size = prog->func_info_rec_size;
		}
		if (prog->line_info_cnt) {
			o.line_info = prog->line_info;
			o.line_info_cnt = prog->line_info_cnt;
			o.line_info_rec_size = prog->line_info_rec_size;
		}
	}
	free(ps->log);
	ps->log = NULL;
	for (;;) {
		if (size) {
			char *bigger = realloc(buf, size);

			if (!bigger) {
				fd = -ENOMEM;
				break;
			}
			buf = bigger;
			cap = size;
			buf[0] = '\0';
		}
		o.log_buf = size ? buf : NULL;
		o.log_size = size;
		o.log_level = size ? level : 0;
		o.log_true_size = 0;
		fd = ebpfmini_sys_prog_load(prog->type, obj->model.license, prog->insns,
					    prog->insn_cnt, &o);
		if (fd >= 0)
			break;
		if (fd == -ENOSPC && size && size < LOG_MAX) {
			size = grow_log(size, o.log_true_size);
			continue;
		}
		if (!first_err)
			first_err = fd;
		if (size)
			break;
		/* the quiet attempt failed: once more with a log, to say why */
		level = 1;
		size = LOG_MIN;
	}
	if (buf && buf[0]) {
		char *fit;

		buf[cap - 1] = '\0';
		fit = realloc(buf, strlen(buf) + 1); /* keep the log, not the whole buffer */
		ps->log = fit ? fit : buf;
		buf = NULL;
	}
	free(buf);
	ps->load_ns[1] = em_report_now();
	return fd >= 0 ? fd : first_err ? first_err : fd;
}

/* The outcome of attempt() (an fd or an error), kept and logged in section order. */
static int finish(struct ebpfmini_program *prog, int fd)
{
	if (fd >= 0)
		em_prog_state(prog)->fd = fd;
	em_report_prog(prog, fd < 0 ? fd : 0);
	if (fd < 0) {
		report_load_failure(prog, fd);
		return fd;
	}
	em_info("prog '%s': loaded (fd %d, %zu instructions)", prog->name, fd, prog->insn_cnt);
	return 0;
}

/*
 * Threads to verify n programs at once. The kernel's verifier runs privileged
 * loads side by side, so programs that keep it busy load in about the time of
 * the longest when each has a CPU: as many threads as the programs, the CPUs
 * this process may run on and the object's load_threads allow. One (a plain
 * loop) under a fault-injection hook, whose scripts count calls in order.
 */
static size_t threads_for(const struct ebpfmini_object *obj, size_t n)
{
	int cpus;

	if (n < 2 || obj->load_threads == 1 || em_sys_hooked())
		return 1;
	if (obj->load_threads > 1)
		n = EM_MIN(n, (size_t)obj->load_threads);
	cpus = em_sys_cpus_allowed();
	return cpus > 1 ? EM_MIN(EM_MIN(n, (size_t)cpus), (size_t)EM_LOAD_THREADS_MAX) : 1;
}

/* Programs shared by the threads of one load: each takes the next one not taken. */
struct prog_queue {
	const struct load_state *st;
	struct ebpfmini_program **progs;
	int *result; /* per program: its fd or error */
	size_t n, next;
};

static void *verify_queue(void *arg)
{
	struct prog_queue *q = arg;
	size_t i;

	while ((i = __atomic_fetch_add(&q->next, 1, __ATOMIC_RELAXED)) < q->n)
		q->result[i] = attempt(q->st, q->progs[i]);
	return NULL;
}

/*
 * The programs from q->next on, verified on nthreads threads; then their
 * outcomes in section order, as a plain loop would take them: the first
 * failure is reported and returned, programs loaded after it are left to the
 * rollback unreported, their logs dropped.
 */
static int verify_side_by_side(struct prog_queue *q, size_t nthreads)
{
	pthread_t tids[EM_LOAD_THREADS_MAX];
	size_t first = q->next, started = 0;
	int err = 0;

	/* a thread that does not start leaves its share to the others */
	while (started < nthreads - 1 &&
	       pthread_create(&tids[started], NULL, verify_queue, q) == 0)
		started++;
	verify_queue(q);
	for (size_t i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	em_debug("load: %zu programs verified by %zu threads", q->n - first, started + 1);
	for (size_t i = first; i < q->n; i++) {
		struct em_prog_state *ps = em_prog_state(q->progs[i]);

		if (!err) {
			err = finish(q->progs[i], q->result[i]);
			continue;
		}
		if (q->result[i] >= 0)
			ps->fd = q->result[i]; /* closed by the rollback */
		free(ps->log);
		ps->log = NULL;
	}
	return err;
}

/*
 * Programs with autoload, in section order. With load_threads 0, one after
 * another until one keeps the verifier busy for EM_LOAD_SIDE_BY_SIDE_US, and
 * the rest side by side (starting a thread costs more than verifying a small
 * program); with load_threads above 1, all side by side.
 */
static int load_programs(struct load_state *st)
{
	struct ebpfmini_object *obj = st->obj;
	struct prog_queue q = { .st = st };
	size_t nthreads;
	int err = 0;

	q.progs = em_calloc(obj->model.nprogs + 1, sizeof(*q.progs));
	q.result = em_calloc(obj->model.nprogs + 1, sizeof(*q.result));
	if (!q.progs || !q.result) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < obj->model.nprogs; i++)
		if (obj->model.progs[i].autoload)
			q.progs[q.n++] = &obj->model.progs[i];
	if (obj->load_threads > 1 && (nthreads = threads_for(obj, q.n)) > 1) {
		err = verify_side_by_side(&q, nthreads);
		goto out;
	}
	while (q.next < q.n && !err) {
		uint64_t t0 = em_report_now();

		err = finish(q.progs[q.next], attempt(st, q.progs[q.next]));
		q.next++;
		if (!err && em_report_now() - t0 >= EM_LOAD_SIDE_BY_SIDE_US * 1000 &&
		    (nthreads = threads_for(obj, q.n - q.next)) > 1) {
			err = verify_side_by_side(&q, nthreads);
			break;
		}
	}
out:
	free(q.progs);
	free(q.result);
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
		if (ms->fd >= 0)
			em_sys_close(ms->fd);
		ms->fd = -1;
		ms->reused = false;
	}
	for (size_t i = 0; i < obj->model.nprogs; i++) {
		if (obj->prog_state[i].fd >= 0)
			em_sys_close(obj->prog_state[i].fd);
		obj->prog_state[i].fd = -1;
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
	err = load_programs(&st);
	if (err)
		goto fail;
	err = init_slots(&st);
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
