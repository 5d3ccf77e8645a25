/* ebpfmini/sys.h - one typed function per bpf() command, traced with EBPFMINI_TRACE=1 */
#ifndef EBPFMINI_SYS_H
#define EBPFMINI_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/bpf.h> /* the raw attr is the point of this header */

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Every function here zeroes a union bpf_attr, fills the fields of its
 * command, passes the size that ends with the last field it uses, and
 * returns what the kernel returned: an fd (>= 3, O_CLOEXEC), 0, or a
 * negative errno. Fields newer than the build's <linux/bpf.h> (log_true_size,
 * tcx relative_fd and expected_revision, netfilter, query revision) are
 * written at their kernel ABI offsets, so they work with old headers; a
 * kernel too old for a field that is set answers -E2BIG.
 *
 * Errors: every function returns the kernel's errno unchanged (see bpf(2),
 * and ebpfmini_log_explain() for the common ones: EPERM, EINVAL, E2BIG,
 * ENOENT, EBADF, EACCES, ENOSPC, ENOMEM, EFAULT). Its own errors are -EINVAL
 * for arguments no kernel would accept (NULL where a pointer is required,
 * fields of two different attach kinds in one options struct, an options
 * struct whose sz is below sizeof(size_t) or that sets bytes beyond what
 * this library knows; the options case is logged as a warning) and -E2BIG
 * for a count that does not fit the attr's 32-bit field. Nothing else logs.
 *
 * Options structs start with size_t sz = sizeof(struct ...); NULL means all
 * defaults (zero). Fields marked "out" are written back, on failure too when
 * the kernel wrote them (log_true_size, batch counts).
 */

/**
 * ebpfmini_sys_bpf() - raw bpf(cmd, attr, size), traced; attr is not zeroed.
 * A returned fd below 3 is moved up (for the commands that return fds).
 * Errors: the kernel's.
 */
int ebpfmini_sys_bpf(int cmd, union bpf_attr *attr, unsigned int size);

/**
 * ebpfmini_sys_set_trace() - turn strace-style decoding of every kernel call
 * on stderr on or off: one line per call, e.g.
 * bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_HASH, ...}, 72) = 5. The default
 * is on when the environment has EBPFMINI_TRACE set to a value other than
 * "" and "0". Cannot fail.
 */
void ebpfmini_sys_set_trace(bool on);
/** ebpfmini_sys_trace() - whether tracing is on. Cannot fail. */
bool ebpfmini_sys_trace(void);

/* ---- maps ---------------------------------------------------------------- */

struct ebpfmini_sys_map_create_opts {
	size_t sz;
	const char *name; /* up to BPF_OBJ_NAME_LEN - 1 characters; longer is truncated */
	uint32_t map_flags;
	uint32_t inner_map_fd;
	uint32_t numa_node; /* used when map_flags has BPF_F_NUMA_NODE */
	uint32_t map_ifindex;
	uint32_t btf_fd;
	uint32_t btf_key_type_id;
	uint32_t btf_value_type_id;
	uint32_t btf_vmlinux_value_type_id;
	uint64_t map_extra;
};
/** ebpfmini_sys_map_create() - BPF_MAP_CREATE; returns the map fd.
 *  Errors: -EINVAL for a bad opts; else the kernel's (EINVAL bad type/sizes/flags,
 *  E2BIG too large, EPERM, ENOMEM). */
int ebpfmini_sys_map_create(uint32_t map_type, uint32_t key_size, uint32_t value_size,
			    uint32_t max_entries, const struct ebpfmini_sys_map_create_opts *opts);
/** ebpfmini_sys_map_lookup() - BPF_MAP_LOOKUP_ELEM (key NULL for queue/stack peek).
 *  Errors: -EINVAL if value is NULL; -ENOENT no such key; else the kernel's. */
int ebpfmini_sys_map_lookup(int map_fd, const void *key, void *value, uint64_t flags);
/** ebpfmini_sys_map_update() - BPF_MAP_UPDATE_ELEM (key NULL for queue/stack/bloom push).
 *  flags: BPF_ANY, BPF_NOEXIST, BPF_EXIST, | BPF_F_LOCK. Errors: -EINVAL if value
 *  is NULL; -EEXIST/-ENOENT against NOEXIST/EXIST; -E2BIG map full; -EPERM frozen. */
int ebpfmini_sys_map_update(int map_fd, const void *key, const void *value, uint64_t flags);
/** ebpfmini_sys_map_delete() - BPF_MAP_DELETE_ELEM.
 *  Errors: -EINVAL if key is NULL; -ENOENT no such key; else the kernel's. */
int ebpfmini_sys_map_delete(int map_fd, const void *key, uint64_t flags);
/** ebpfmini_sys_map_next_key() - BPF_MAP_GET_NEXT_KEY (key NULL: first key).
 *  Errors: -EINVAL if next_key is NULL; -ENOENT after the last key. */
int ebpfmini_sys_map_next_key(int map_fd, const void *key, void *next_key);
/** ebpfmini_sys_map_lookup_and_delete() - BPF_MAP_LOOKUP_AND_DELETE_ELEM (key NULL:
 *  queue/stack pop). Errors: -EINVAL if value is NULL; -ENOENT empty or no such key. */
int ebpfmini_sys_map_lookup_and_delete(int map_fd, const void *key, void *value, uint64_t flags);
/** ebpfmini_sys_map_freeze() - BPF_MAP_FREEZE: no more writes from user space.
 *  Errors: the kernel's (-EBUSY already frozen or writably mapped, -EPERM). */
int ebpfmini_sys_map_freeze(int map_fd);

struct ebpfmini_sys_batch_opts {
	size_t sz;
	uint64_t elem_flags;
	uint64_t flags;
};
/**
 * ebpfmini_sys_map_lookup_batch() - BPF_MAP_LOOKUP_BATCH. in_batch NULL
 * starts at the beginning; out_batch receives the position to continue from;
 * *count is the capacity of keys/values in, the number copied out. -ENOENT
 * means the end was reached (elements may still have been copied). Errors:
 * -EINVAL if out_batch, keys, values or count is NULL or opts is bad; -ENOSPC
 * a hash bucket holds more than *count elements; else the kernel's.
 */
int ebpfmini_sys_map_lookup_batch(int map_fd, void *in_batch, void *out_batch, void *keys,
				  void *values, uint32_t *count,
				  const struct ebpfmini_sys_batch_opts *opts);
/** ebpfmini_sys_map_lookup_and_delete_batch() - BPF_MAP_LOOKUP_AND_DELETE_BATCH, as
 *  lookup_batch (same errors). */
int ebpfmini_sys_map_lookup_and_delete_batch(int map_fd, void *in_batch, void *out_batch,
					     void *keys, void *values, uint32_t *count,
					     const struct ebpfmini_sys_batch_opts *opts);
/** ebpfmini_sys_map_update_batch() - BPF_MAP_UPDATE_BATCH; *count in/out (how many
 *  were written). Errors: -EINVAL if keys, values or count is NULL; else the kernel's. */
int ebpfmini_sys_map_update_batch(int map_fd, const void *keys, const void *values,
				  uint32_t *count, const struct ebpfmini_sys_batch_opts *opts);
/** ebpfmini_sys_map_delete_batch() - BPF_MAP_DELETE_BATCH; *count in/out.
 *  Errors: -EINVAL if keys or count is NULL; -ENOENT a key was missing. */
int ebpfmini_sys_map_delete_batch(int map_fd, const void *keys, uint32_t *count,
				  const struct ebpfmini_sys_batch_opts *opts);

/* ---- programs ------------------------------------------------------------ */

struct ebpfmini_sys_prog_load_opts {
	size_t sz;
	const char *name;
	uint32_t expected_attach_type;
	uint32_t prog_flags;
	uint32_t kern_version;
	uint32_t prog_ifindex;
	uint32_t prog_btf_fd;
	const void *func_info; /* struct bpf_func_info[] (insn_off in instructions) */
	uint32_t func_info_rec_size;
	uint32_t func_info_cnt;
	const void *line_info; /* struct bpf_line_info[] */
	uint32_t line_info_rec_size;
	uint32_t line_info_cnt;
	uint32_t attach_btf_id;
	uint32_t attach_btf_obj_fd; /* shares its attr field with attach_prog_fd: set one */
	uint32_t attach_prog_fd;
	const int *fd_array;
	char *log_buf; /* verifier log buffer, may be NULL */
	uint32_t log_size;
	uint32_t log_level;
	uint32_t log_true_size; /* out: bytes the full log needs (kernels >= 6.4), else 0 */
};
/**
 * ebpfmini_sys_prog_load() - BPF_PROG_LOAD; insns is a struct bpf_insn array.
 * Returns the prog fd. license NULL is the empty string (not GPL-compatible).
 * Errors: -EINVAL if insns is NULL, insn_cnt is 0, both attach fds are set or
 * opts is bad; -E2BIG if insn_cnt exceeds 32 bits; the verifier's -EACCES or
 * -EINVAL (reason in log_buf), -ENOSPC log too small, -E2BIG too large, -EPERM.
 */
int ebpfmini_sys_prog_load(uint32_t prog_type, const char *license, const struct bpf_insn *insns,
			   size_t insn_cnt, struct ebpfmini_sys_prog_load_opts *opts);

struct ebpfmini_sys_test_run_opts {
	size_t sz;
	const void *data_in;
	uint32_t data_size_in;
	void *data_out;
	uint32_t data_size_out; /* in: capacity; out: size */
	const void *ctx_in;
	uint32_t ctx_size_in;
	void *ctx_out;
	uint32_t ctx_size_out; /* in: capacity; out: size */
	uint32_t repeat;
	uint32_t flags;
	uint32_t cpu;
	uint32_t batch_size;
	uint32_t retval;   /* out */
	uint32_t duration; /* out */
};
/** ebpfmini_sys_prog_test_run() - BPF_PROG_TEST_RUN (BPF_PROG_RUN); retval, duration
 *  and the out sizes come back in opts. Errors: -EINVAL bad opts; -ENOSPC an out
 *  buffer too small; -ENOTSUPP(524) program type cannot be test-run; the kernel's. */
int ebpfmini_sys_prog_test_run(int prog_fd, struct ebpfmini_sys_test_run_opts *opts);

struct ebpfmini_sys_prog_attach_opts {
	size_t sz;
	uint32_t flags; /* BPF_F_ALLOW_MULTI, BPF_F_REPLACE, ... */
	int replace_prog_fd;
	uint32_t relative_fd; /* mprog (tcx) ordering, kernels >= 6.6 */
	uint32_t relative_id;
	uint64_t expected_revision;
};
/** ebpfmini_sys_prog_attach() - BPF_PROG_ATTACH to a cgroup fd, a netns fd, an ifindex
 *  (tcx) or a map. Errors: -EINVAL bad opts or both relative_fd and relative_id set;
 *  -ESTALE expected_revision differs; -EEXIST, -EPERM, -EINVAL from the kernel. */
int ebpfmini_sys_prog_attach(int prog_fd, int target_fd, uint32_t attach_type,
			     const struct ebpfmini_sys_prog_attach_opts *opts);
/** ebpfmini_sys_prog_detach() - BPF_PROG_DETACH (prog_fd may be 0 for some hooks).
 *  Errors: the kernel's (-ENOENT nothing attached). */
int ebpfmini_sys_prog_detach(int prog_fd, int target_fd, uint32_t attach_type);

struct ebpfmini_sys_prog_query_opts {
	size_t sz;
	uint32_t query_flags;
	uint32_t attach_flags;       /* out */
	uint32_t *prog_ids;          /* array of prog_cnt entries, may be NULL */
	uint32_t prog_cnt;           /* in: capacity; out: number of programs */
	uint32_t *prog_attach_flags; /* may be NULL */
	uint64_t revision;           /* out (kernels >= 6.6) */
};
/** ebpfmini_sys_prog_query() - BPF_PROG_QUERY: the programs attached to a hook.
 *  Errors: -EINVAL bad opts; -ENOSPC more programs than prog_cnt (prog_cnt says how
 *  many); else the kernel's. */
int ebpfmini_sys_prog_query(int target_fd, uint32_t attach_type,
			    struct ebpfmini_sys_prog_query_opts *opts);
/** ebpfmini_sys_prog_bind_map() - BPF_PROG_BIND_MAP: keep map alive with the program.
 *  Errors: the kernel's (-EBADF, -EINVAL). */
int ebpfmini_sys_prog_bind_map(int prog_fd, int map_fd, uint32_t flags);

/* ---- pinning ------------------------------------------------------------- */

/** ebpfmini_sys_obj_pin() - BPF_OBJ_PIN fd at path (must be on bpffs).
 *  Errors: -EINVAL if path is NULL; -EPERM directory not on bpffs; -EEXIST; -ENOENT. */
int ebpfmini_sys_obj_pin(int fd, const char *path);
/** ebpfmini_sys_obj_get() - BPF_OBJ_GET: open the object pinned at path (file_flags
 *  BPF_F_RDONLY/WRONLY or 0). Errors: -EINVAL if path is NULL; -ENOENT; -EACCES. */
int ebpfmini_sys_obj_get(const char *path, uint32_t file_flags);

/* ---- ids and info ---------------------------------------------------------- */

/** ebpfmini_sys_prog_get_next_id() - BPF_PROG_GET_NEXT_ID: the first id after
 *  start_id (0 for the first) into *next_id. Errors: -EINVAL if next_id is NULL;
 *  -ENOENT after the last; -EPERM unprivileged. The three below are the same for
 *  maps, BTF objects and links. */
int ebpfmini_sys_prog_get_next_id(uint32_t start_id, uint32_t *next_id);
/** ebpfmini_sys_map_get_next_id() - BPF_MAP_GET_NEXT_ID. */
int ebpfmini_sys_map_get_next_id(uint32_t start_id, uint32_t *next_id);
/** ebpfmini_sys_btf_get_next_id() - BPF_BTF_GET_NEXT_ID. */
int ebpfmini_sys_btf_get_next_id(uint32_t start_id, uint32_t *next_id);
/** ebpfmini_sys_link_get_next_id() - BPF_LINK_GET_NEXT_ID. */
int ebpfmini_sys_link_get_next_id(uint32_t start_id, uint32_t *next_id);
/** ebpfmini_sys_prog_get_fd_by_id() - BPF_PROG_GET_FD_BY_ID: open an fd on the object
 *  with this id. Errors: -ENOENT no such id; -EPERM unprivileged. The three below are
 *  the same for maps, BTF objects and links. */
int ebpfmini_sys_prog_get_fd_by_id(uint32_t id);
/** ebpfmini_sys_map_get_fd_by_id() - BPF_MAP_GET_FD_BY_ID. */
int ebpfmini_sys_map_get_fd_by_id(uint32_t id);
/** ebpfmini_sys_btf_get_fd_by_id() - BPF_BTF_GET_FD_BY_ID. */
int ebpfmini_sys_btf_get_fd_by_id(uint32_t id);
/** ebpfmini_sys_link_get_fd_by_id() - BPF_LINK_GET_FD_BY_ID. */
int ebpfmini_sys_link_get_fd_by_id(uint32_t id);
/**
 * ebpfmini_sys_obj_get_info() - BPF_OBJ_GET_INFO_BY_FD into info (struct
 * bpf_prog_info / bpf_map_info / bpf_btf_info / bpf_link_info); *info_len is
 * the buffer size in, the size the kernel wrote out. Errors: -EINVAL if info
 * or info_len is NULL; -EBADF not a BPF object; -EFAULT.
 */
int ebpfmini_sys_obj_get_info(int fd, void *info, uint32_t *info_len);

/* ---- BTF, tracing, links, iterators, stats ------------------------------------ */

struct ebpfmini_sys_btf_load_opts {
	size_t sz;
	char *log_buf;
	uint32_t log_size;
	uint32_t log_level;
	uint32_t log_true_size; /* out (kernels >= 6.4) */
};
/** ebpfmini_sys_btf_load() - BPF_BTF_LOAD raw BTF; returns the BTF fd.
 *  Errors: -EINVAL btf NULL, size 0 or bad opts; -E2BIG size beyond 32 bits; the
 *  kernel's -EINVAL for malformed BTF (reason in log_buf), -ENOSPC log too small. */
int ebpfmini_sys_btf_load(const void *btf, size_t size, struct ebpfmini_sys_btf_load_opts *opts);

/** ebpfmini_sys_raw_tracepoint_open() - BPF_RAW_TRACEPOINT_OPEN (name NULL for
 *  tp_btf/tracing); returns a link fd. Errors: -ENOENT no such tracepoint; the kernel's. */
int ebpfmini_sys_raw_tracepoint_open(const char *name, int prog_fd);

/**
 * ebpfmini_sys_task_fd_query() - BPF_TASK_FD_QUERY: what fd of task pid is
 * attached to. buf/buf_len receive the name (may be NULL/0); the other outs may be NULL.
 * Errors: -EINVAL if buf is set without buf_len; -ENOSPC buf too small (*buf_len
 * says how much is needed); -ENOENT/-ENOTSUPP fd has no BPF program attached.
 */
int ebpfmini_sys_task_fd_query(int pid, int fd, uint32_t flags, char *buf, uint32_t *buf_len,
			       uint32_t *prog_id, uint32_t *fd_type, uint64_t *probe_offset,
			       uint64_t *probe_addr);

struct ebpfmini_sys_link_create_opts {
	size_t sz;
	uint32_t flags;
	uint32_t target_btf_id;  /* tracing: BTF id of the target */
	const void *iter_info;   /* iterators: union bpf_iter_link_info */
	uint32_t iter_info_len;
	uint64_t perf_event_bpf_cookie; /* BPF_PERF_EVENT */
	uint64_t tracing_cookie;        /* fentry/fexit (kernels >= 6.5 accept it) */
	/* netfilter (kernels >= 6.4) */
	uint32_t netfilter_pf;
	uint32_t netfilter_hooknum;
	int32_t netfilter_priority;
	uint32_t netfilter_flags;
	/* tcx / mprog (kernels >= 6.6) */
	uint32_t relative_fd;
	uint32_t relative_id;
	uint64_t expected_revision;
	/* uprobe_multi / kprobe_multi are left to the attach layer via ebpfmini_sys_bpf() */
};
/**
 * ebpfmini_sys_link_create() - BPF_LINK_CREATE; returns the link fd. target_fd
 * is an ifindex for BPF_XDP, tcx and netkit. Only the option fields of the
 * attach type's kind may be set: target_btf_id/tracing_cookie (tracing and
 * others), iter_info (BPF_TRACE_ITER), perf_event_bpf_cookie (BPF_PERF_EVENT),
 * netfilter_* (BPF_NETFILTER), relative_fd/id and expected_revision (tcx,
 * netkit, cgroup). Errors: -EINVAL for fields of another kind, both relative_fd
 * and relative_id, or bad opts; the kernel's -EINVAL, -EEXIST, -EBUSY, -ESTALE.
 */
int ebpfmini_sys_link_create(int prog_fd, int target_fd, uint32_t attach_type,
			     const struct ebpfmini_sys_link_create_opts *opts);

struct ebpfmini_sys_link_update_opts {
	size_t sz;
	uint32_t flags; /* BPF_F_REPLACE: only if old_prog_fd is attached */
	uint32_t old_prog_fd;
};
/** ebpfmini_sys_link_update() - BPF_LINK_UPDATE to new_prog_fd.
 *  Errors: -EINVAL bad opts; -EPERM old_prog_fd not attached; -ENOLINK detached link. */
int ebpfmini_sys_link_update(int link_fd, int new_prog_fd,
			     const struct ebpfmini_sys_link_update_opts *opts);
/** ebpfmini_sys_link_detach() - BPF_LINK_DETACH (the link fd stays valid but defunct).
 *  Errors: the kernel's (-EOPNOTSUPP for link types that cannot detach). */
int ebpfmini_sys_link_detach(int link_fd);
/** ebpfmini_sys_iter_create() - BPF_ITER_CREATE: an fd to read() the iterator's output.
 *  Errors: the kernel's (-EINVAL not an iterator link). */
int ebpfmini_sys_iter_create(int link_fd, uint32_t flags);
/** ebpfmini_sys_enable_stats() - BPF_ENABLE_STATS (BPF_STATS_RUN_TIME); returns an fd
 *  that keeps run-time stats on until closed. Errors: -EINVAL unknown type; -EPERM. */
int ebpfmini_sys_enable_stats(uint32_t type);

/* ---- feature probes -------------------------------------------------------------- */

/*
 * What the running kernel supports, found by trying: loading a tiny program,
 * creating a one-element map, looking at sysfs and tracefs. Answers about
 * the kernel are cached for the life of the process (a second call costs
 * nothing); answers that depend on what is mounted (tracefs, bpffs, tracefs
 * kprobe_events) are looked up again on each call. Thread-safe. Probing
 * needs the privileges of loading programs (root or CAP_BPF).
 */

/**
 * ebpfmini_sys_probe_prog_type() - whether the kernel loads programs of
 * prog_type (enum bpf_prog_type). For freplace (EXT) and struct_ops
 * programs, which need a target no probe can make up, whether the kernel's
 * BTF knows the type. A type the kernel knows but refuses here (lsm under
 * lockdown) is a 0.
 * Return: 1 yes, 0 no, -EPERM (not allowed to load programs at all), or
 * another errno of BPF_PROG_LOAD that does not answer the question.
 */
int ebpfmini_sys_probe_prog_type(uint32_t prog_type);

/**
 * ebpfmini_sys_probe_map_type() - whether the kernel creates maps of
 * map_type (enum bpf_map_type), with the sizes and flags that type needs.
 * For struct_ops maps, whether the kernel's BTF knows the type.
 * Return: 1 yes, 0 no, -EPERM (not allowed), or another errno of BPF_MAP_CREATE.
 */
int ebpfmini_sys_probe_map_type(uint32_t map_type);

/**
 * ebpfmini_sys_probe_helper() - whether programs of prog_type may call the
 * helper helper_id (enum bpf_func_id: BPF_FUNC_map_lookup_elem, ...): a
 * program calling it is loaded and the verifier's answer read ("unknown
 * func", "program of this type cannot use helper" mean no).
 * Return: 1 yes, 0 no, -EOPNOTSUPP (the kernel does not load prog_type, or
 * it is an EXT or struct_ops type, which cannot be probed), -EPERM, -ENOMEM.
 */
int ebpfmini_sys_probe_helper(uint32_t prog_type, uint32_t helper_id);

/**
 * ebpfmini_sys_probe_attach_type() - whether the kernel knows attach_type
 * (enum bpf_attach_type, from its BTF when it has BTF) and loads programs of
 * prog_type that declare it as their expected attach type. The kernel checks
 * that the two fit only for the program types whose attach type is fixed at
 * load (cgroup sock_addr and sockopt, sk_lookup, netfilter, tracing, lsm,
 * ...); for tracing programs with BPF_TRACE_FENTRY, BPF_TRACE_FEXIT,
 * BPF_MODIFY_RETURN, and for lsm programs, the answer is that of the
 * trampoline and BPF LSM features (ebpfmini_sys_probe_feature()).
 * Return: 1 yes, 0 no, -EPERM (not allowed), or another errno.
 */
int ebpfmini_sys_probe_attach_type(uint32_t prog_type, uint32_t attach_type);

/** Kernel features ebpfmini_sys_probe_feature() answers about. */
enum ebpfmini_feature {
	EBPFMINI_FEATURE_KPROBES = 1,    /* kprobe PMU, or tracefs kprobe_events */
	EBPFMINI_FEATURE_UPROBES,        /* uprobe PMU, or tracefs uprobe_events */
	EBPFMINI_FEATURE_TRACEFS,        /* tracefs mounted (tracepoints need it) */
	EBPFMINI_FEATURE_BPFFS,          /* bpffs mounted at /sys/fs/bpf */
	EBPFMINI_FEATURE_KERNEL_BTF,     /* /sys/kernel/btf/vmlinux (CO-RE, tp_btf, fentry, iter) */
	EBPFMINI_FEATURE_TRAMPOLINES,    /* fentry, fexit, fmod_ret, freplace load and attach */
	EBPFMINI_FEATURE_BPF_LSM,        /* lsm programs load and attach, the BPF LSM is active */
	EBPFMINI_FEATURE_PERF_LINK,      /* bpf links over perf events (Linux 5.15) */
	EBPFMINI_FEATURE_TCX,            /* tcx links for TC programs (Linux 6.6) */
	EBPFMINI_FEATURE_NETFILTER_LINK, /* netfilter programs and links (Linux 6.4) */
	EBPFMINI_FEATURE_CGROUP_LINK,    /* bpf links on cgroups (Linux 5.7) */
	EBPFMINI_FEATURE_XDP_LINK,       /* bpf links for XDP programs (Linux 5.9) */
	EBPFMINI_FEATURE_KPROBE_MULTI,   /* kprobe.multi links (Linux 5.18 with CONFIG_FPROBE) */
	EBPFMINI_FEATURE_UPROBE_MULTI,   /* uprobe.multi links (Linux 6.6) */
	EBPFMINI_FEATURE_KPROBE_SESSION, /* kprobe.session links (Linux 6.10 with CONFIG_FPROBE) */
	EBPFMINI_FEATURE_UPROBE_SESSION, /* uprobe.session links (Linux 6.13) */
};

/**
 * ebpfmini_sys_probe_feature() - whether the running kernel (and its
 * mounts) has feature, and why: reason (len bytes, may be NULL) gets a
 * sentence that says what was found or what is missing and how to get it,
 * e.g. "kprobes are not available: this kernel was built without
 * CONFIG_KPROBES (no kprobe PMU, no tracefs kprobe_events)" or "kernel
 * lockdown (integrity) forbids BPF trampolines (...)".
 * Return: 1 yes, 0 no, -EINVAL (unknown feature), -EPERM (not allowed to
 * probe), or another errno that left the question open (reason says which).
 */
int ebpfmini_sys_probe_feature(enum ebpfmini_feature feature, char *reason, size_t len);

/** ebpfmini_sys_feature_name() - "kprobes", "BPF trampolines", ... for a
 *  feature, or NULL for an unknown one. Cannot fail. */
const char *ebpfmini_sys_feature_name(enum ebpfmini_feature feature);

/* ---- names (for tools and messages) ------------------------------------------- */

/* The name tables cover Linux 6.18; they cannot fail and return static strings. */
/** ebpfmini_sys_cmd_name() - "BPF_MAP_CREATE" etc., or NULL for an unknown command. */
const char *ebpfmini_sys_cmd_name(int cmd);
/** ebpfmini_sys_map_type_name() - "BPF_MAP_TYPE_HASH" etc., or NULL. */
const char *ebpfmini_sys_map_type_name(uint32_t type);
/** ebpfmini_sys_prog_type_name() - "BPF_PROG_TYPE_XDP" etc., or NULL. */
const char *ebpfmini_sys_prog_type_name(uint32_t type);
/** ebpfmini_sys_attach_type_name() - "BPF_CGROUP_INET_INGRESS" etc., or NULL. */
const char *ebpfmini_sys_attach_type_name(uint32_t type);
/** ebpfmini_sys_link_type_name() - "BPF_LINK_TYPE_XDP" etc., or NULL. */
const char *ebpfmini_sys_link_type_name(uint32_t type);

#ifdef __cplusplus
}
#endif

#endif /* EBPFMINI_SYS_H */
