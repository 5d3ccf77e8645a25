/* ebpfmini/link.h - an attachment of a program to a hook */
#ifndef EBPFMINI_LINK_H
#define EBPFMINI_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpfmini_program;
struct ebpfmini_link;

/**
 * ebpfmini_program_attach_tracepoint() - attach to tracefs event category/name
 * (perf_event_open on events/<category>/<name>/id, then a perf-event link,
 * or PERF_EVENT_IOC_SET_BPF on kernels without one).
 * Return: 0, -EBUSY (program not loaded), -ENOENT (no such tracepoint),
 * -ENODEV (tracefs not mounted: the log says how to mount it), or the kernel's errno.
 */
int ebpfmini_program_attach_tracepoint(struct ebpfmini_program *prog, const char *category,
				       const char *name, struct ebpfmini_link **out);

/**
 * ebpfmini_program_attach() - attach by the program's SEC name:
 * "tp/cat/name", "tracepoint/cat/name", "raw_tp/name", "raw_tracepoint/name"
 * (and ".w"), "tp_btf/name", "fentry/fn", "fexit/fn", "fmod_ret/fn",
 * "lsm/hook" (and ".s"), "freplace/fn" (fentry, fexit, fmod_ret and freplace
 * also bare, when ebpfmini_program_set_attach_target() named the function;
 * on the target program it gave, if any), "kprobe/fn[+off]", "kretprobe/fn",
 * "ksyscall/name", "kretsyscall/name", "uprobe/path:symbol[+off]",
 * "uprobe/path:offset", "uretprobe/..." (and ".s"), "usdt/path:provider:name",
 * "iter/name",
 * "kprobe.multi/pattern", "kretprobe.multi/pattern", "kprobe.session/pattern",
 * "uprobe.multi/path:pattern", "uretprobe.multi/path:pattern",
 * "uprobe.session/path:pattern" (and ".s"; every process).
 * Return: as the specific attach function; -EINVAL when the part after the
 * prefix is malformed; -EOPNOTSUPP when the SEC name does not say where to
 * attach (xdp, cgroup/..., a bare "kprobe", ...).
 */
int ebpfmini_program_attach(struct ebpfmini_program *prog, struct ebpfmini_link **out);

struct ebpfmini_map;

/**
 * ebpfmini_map_attach_struct_ops() - register a loaded struct_ops map (a
 * variable of SEC(".struct_ops") or SEC(".struct_ops.link"), such as a
 * struct tcp_congestion_ops) with its kernel subsystem: its value (each
 * function pointer member the fd of its program, the data members copied)
 * is written with BPF_MAP_UPDATE_ELEM; a .struct_ops.link map is then
 * registered by a struct_ops link (BPF_LINK_CREATE, BPF_STRUCT_OPS; Linux
 * 6.4), which can be pinned; any other map, or a .struct_ops.link map on a
 * kernel without such links (load made it without BPF_F_LINK), is
 * registered by that update itself. Closing or detaching the link
 * unregisters it (the map's element deleted, or the link released).
 * struct_ops programs run through BPF trampolines, which kernel lockdown
 * forbids (their load fails with -EPERM already).
 * Return: 0, -EINVAL (NULL argument, not a struct_ops map), -EBUSY (not
 * loaded; or registered already), -EEXIST (the subsystem has an ops of
 * that name, e.g. a congestion control), or the kernel's errno.
 */
int ebpfmini_map_attach_struct_ops(struct ebpfmini_map *map, struct ebpfmini_link **out);

/**
 * ebpfmini_program_attach_raw_tracepoint() - attach a raw tracepoint program
 * (SEC "raw_tp/", "raw_tracepoint/", their ".w" writable variants) to the
 * kernel tracepoint name, such as "sys_enter" (BPF_RAW_TRACEPOINT_OPEN).
 * The link is a bpf link of type BPF_LINK_TYPE_RAW_TRACEPOINT: it can be
 * pinned, not updated or detached apart from its last reference.
 * Return: 0, -EINVAL (NULL argument or empty name; or the kernel's: a
 * program type that does not fit), -EBUSY (program not loaded), -ENOENT (no
 * such tracepoint), or the kernel's errno.
 */
int ebpfmini_program_attach_raw_tracepoint(struct ebpfmini_program *prog, const char *name,
					   struct ebpfmini_link **out);

/** Options of ebpfmini_program_attach_trace(); NULL means all zero. */
struct ebpfmini_program_attach_trace_opts {
	size_t sz;       /* sizeof(struct ebpfmini_program_attach_trace_opts) */
	uint64_t cookie; /* bpf_get_attach_cookie() value (kernels >= 6.5; 0: none) */
};

/**
 * ebpfmini_program_attach_trace() - attach a BTF-typed tracing program:
 * tp_btf, fentry, fexit, fmod_ret or lsm (and their ".s" sleepable
 * variants), or a freplace program. The target was fixed when the program
 * was loaded (its attach_btf_id, from the SEC name or
 * ebpfmini_program_set_attach_target(): a kernel function, or a function
 * of a BPF program), so none is given here. A tracing link
 * (BPF_LINK_CREATE with the program's expected attach type), or
 * BPF_RAW_TRACEPOINT_OPEN without a name on kernels that lack one. A
 * freplace program is linked with BPF_LINK_CREATE naming its target
 * program and function (target_fd, target_btf_id), so it can be attached
 * again after its link is closed; BPF_RAW_TRACEPOINT_OPEN where the kernel
 * refuses that. While the link lives, calls of the replaced function run
 * the freplace program; fentry or fexit on that function cannot attach
 * meanwhile (-EBUSY), nor can freplace while they are attached.
 * fentry, fexit, fmod_ret, lsm and freplace need BPF trampolines, which
 * kernel lockdown forbids (their load fails already: see
 * ebpfmini_sys_probe_feature() with EBPFMINI_FEATURE_TRAMPOLINES).
 * Return: 0, -EINVAL (NULL argument, bad opts, a program that is not of one
 * of these kinds, a cookie on freplace), -EBUSY (not loaded; or the
 * kernel's: the function is traced or replaced already), -EOPNOTSUPP (a
 * cookie on a kernel without tracing links), or the kernel's errno.
 */
int ebpfmini_program_attach_trace(struct ebpfmini_program *prog,
				  const struct ebpfmini_program_attach_trace_opts *opts,
				  struct ebpfmini_link **out);

/** Options of ebpfmini_program_attach_kprobe(); NULL means all zero. */
struct ebpfmini_program_attach_kprobe_opts {
	size_t sz;       /* sizeof(struct ebpfmini_program_attach_kprobe_opts) */
	uint64_t offset; /* bytes into the function (kprobes only) */
	bool retprobe;   /* a kretprobe: run when the function returns */
	uint64_t cookie; /* bpf_get_attach_cookie() value */
};

/**
 * ebpfmini_program_attach_kprobe() - attach a kprobe program to the kernel
 * function func (at opts->offset), or a kretprobe to its return. Through the
 * kprobe PMU (/sys/bus/event_source/devices/kprobe) and a perf-event link;
 * where the PMU is absent, through a probe written to tracefs kprobe_events
 * (group "ebpfmini"), which close removes again.
 * Return: 0, -EINVAL (NULL argument, empty or malformed name, bad opts, an
 * offset on a kretprobe), -EBUSY (not loaded), -EOPNOTSUPP (the kernel has
 * no kprobes: the log says "kprobes are not available: ..."), -ENODEV (no
 * kprobe PMU and tracefs not mounted: the log says how to mount it), -ENOENT
 * (no such kernel function), or the kernel's errno.
 */
int ebpfmini_program_attach_kprobe(struct ebpfmini_program *prog, const char *func,
				   const struct ebpfmini_program_attach_kprobe_opts *opts,
				   struct ebpfmini_link **out);

/**
 * ebpfmini_program_attach_ksyscall() - a kprobe (kretprobe with
 * opts->retprobe) on the kernel's entry function of system call name, such
 * as "openat": the architecture's wrapper "__x64_sys_openat",
 * "__arm64_sys_openat", ... found in /proc/kallsyms at run time, or
 * "sys_openat" on kernels without wrappers. opts->offset must be 0.
 * Return: as ebpfmini_program_attach_kprobe().
 */
int ebpfmini_program_attach_ksyscall(struct ebpfmini_program *prog, const char *name,
				     const struct ebpfmini_program_attach_kprobe_opts *opts,
				     struct ebpfmini_link **out);

/** Options of ebpfmini_program_attach_uprobe(); NULL means all zero. */
struct ebpfmini_program_attach_uprobe_opts {
	size_t sz;       /* sizeof(struct ebpfmini_program_attach_uprobe_opts) */
	uint64_t offset; /* added to the symbol's file offset; the file offset itself without symbol */
	bool retprobe;   /* a uretprobe: run when the function returns */
	int pid;         /* 0: every process; > 0: only the process (thread group) pid */
	uint64_t cookie; /* bpf_get_attach_cookie() value */
	uint64_t ref_ctr_offset; /* file offset of a USDT semaphore to count up, 0: none */
};

/**
 * ebpfmini_program_attach_uprobe() - attach a uprobe program to a function
 * of a user-space executable or shared library: binary is a path, or a bare
 * name looked up in LD_LIBRARY_PATH and the usual library directories
 * ("libc.so.6") or in PATH (a name without ".so"), absolute directories
 * only, and not the caller's variables in a set-id or file-capability
 * program (secure_getenv: a fixed PATH then); a regular file only, read
 * rather than mapped; symbol, when not NULL, is
 * a function found by ebpfmini's ELF reader in .symtab or .dynsym and turned
 * into a file offset through the program headers; opts->offset is added to
 * it (or is the file offset, with symbol NULL). Through the uprobe PMU and a
 * perf-event link, else tracefs uprobe_events (removed again on close).
 * Return: 0, -EINVAL (NULL prog/binary/out, bad opts, no symbol and no
 * offset, a path with white space on the tracefs path), -EBUSY (not loaded),
 * -ENOENT (no such binary or symbol), -ENOEXEC (not an ELF file), -EBADMSG
 * (a damaged ELF file), -EOPNOTSUPP (no uprobes in this kernel), -ENODEV (no
 * uprobe PMU and tracefs not mounted), or the kernel's errno.
 */
int ebpfmini_program_attach_uprobe(struct ebpfmini_program *prog, const char *binary,
				   const char *symbol,
				   const struct ebpfmini_program_attach_uprobe_opts *opts,
				   struct ebpfmini_link **out);

/** Options of ebpfmini_program_attach_usdt(); NULL means all zero. */
struct ebpfmini_program_attach_usdt_opts {
	size_t sz;             /* sizeof(struct ebpfmini_program_attach_usdt_opts) */
	uint64_t usdt_cookie;  /* bpf_usdt_cookie() value */
};

/**
 * ebpfmini_program_attach_usdt() - attach a program built with
 * <ebpfmini/usdt.bpf.h> (SEC "usdt") to every location of the USDT probe
 * provider:name of binary_path (a path, or a bare name found as for
 * ebpfmini_program_attach_uprobe()), for pid (> 0) or every process (0 or
 * -1). Reads the file's .note.stapsdt notes (adjusted for prelink through
 * .stapsdt.base), decodes each location's x86-64 argument string into a
 * slot of the object's spec map (__bpf_usdt_specs), and attaches one uprobe
 * per location with the slot as its bpf_get_attach_cookie() value; a probe
 * with a semaphore has it counted up by the kernel while attached
 * (ref_ctr_offset). The link stands for every location; closing it frees the
 * spec slots.
 * Return: 0, -EINVAL (NULL argument, bad opts, an argument string it cannot
 * decode, a program without the spec map), -EBUSY (not loaded), -ENOENT (no
 * such binary, no such probe), -ENOEXEC (not an x86-64 ELF file), -EBADMSG (a
 * damaged note), -E2BIG (the spec map is full), or as
 * ebpfmini_program_attach_uprobe().
 */
int ebpfmini_program_attach_usdt(struct ebpfmini_program *prog, int pid, const char *binary_path,
				 const char *provider, const char *name,
				 const struct ebpfmini_program_attach_usdt_opts *opts,
				 struct ebpfmini_link **out);

/** Options of ebpfmini_program_attach_kprobe_multi(); NULL means all zero. */
struct ebpfmini_program_attach_kprobe_multi_opts {
	size_t sz;               /* sizeof(struct ebpfmini_program_attach_kprobe_multi_opts) */
	const char *const *syms; /* cnt kernel function names (no pattern) */
	const uint64_t *addrs;   /* or cnt kernel function addresses (no pattern) */
	const uint64_t *cookies; /* cnt bpf_get_attach_cookie() values, one per function, or NULL */
	size_t cnt;
	bool retprobe;           /* run at the functions' returns (kretprobe.multi) */
	bool session;            /* at entry and return, one session (kprobe.session; Linux 6.10) */
};

/**
 * ebpfmini_program_attach_kprobe_multi() - attach a kprobe program to many
 * kernel functions with one link (BPF_LINK_CREATE, BPF_TRACE_KPROBE_MULTI or
 * BPF_TRACE_KPROBE_SESSION; the kernel needs CONFIG_FPROBE: see
 * ebpfmini_sys_probe_feature() with EBPFMINI_FEATURE_KPROBE_MULTI): every
 * function that matches the fnmatch(3) pattern (such as "vfs_read*") in
 * tracefs available_filter_functions (or, where that cannot be read, among
 * the text symbols of /proc/kallsyms), or, with pattern NULL, the opts->cnt
 * functions of opts->syms or opts->addrs, with opts->cookies. A program of
 * SEC "kprobe.session/..." is attached as a session.
 * Return: 0, -EINVAL (NULL prog/out, bad opts: not exactly one of pattern,
 * syms and addrs, cookies with a pattern, retprobe with session), -EBUSY (not
 * loaded), -ENOENT (no function matches), -EOPNOTSUPP (no kprobe.multi in
 * this kernel), or the kernel's errno.
 */
int ebpfmini_program_attach_kprobe_multi(
	struct ebpfmini_program *prog, const char *pattern,
	const struct ebpfmini_program_attach_kprobe_multi_opts *opts, struct ebpfmini_link **out);

/** Options of ebpfmini_program_attach_uprobe_multi(); NULL means all zero. */
struct ebpfmini_program_attach_uprobe_multi_opts {
	size_t sz;                       /* sizeof(struct ebpfmini_program_attach_uprobe_multi_opts) */
	const char *const *syms;         /* cnt function names of the binary (no pattern) */
	const uint64_t *offsets;         /* or cnt file offsets (no pattern) */
	const uint64_t *ref_ctr_offsets; /* cnt USDT semaphore offsets, or NULL */
	const uint64_t *cookies;         /* cnt bpf_get_attach_cookie() values, or NULL */
	size_t cnt;
	bool retprobe;                   /* run at the functions' returns (uretprobe.multi) */
	bool session;                    /* at entry and return (uprobe.session; Linux 6.13) */
};

/**
 * ebpfmini_program_attach_uprobe_multi() - attach a uprobe program to many
 * functions of the executable or shared library binary (found as by
 * ebpfmini_program_attach_uprobe()) with one link (BPF_LINK_CREATE,
 * BPF_TRACE_UPROBE_MULTI or BPF_TRACE_UPROBE_SESSION; Linux 6.6): every
 * function of its .symtab and .dynsym that matches the fnmatch(3) pattern,
 * or, with pattern NULL, the opts->cnt functions of opts->syms or the file
 * offsets opts->offsets, with opts->cookies and opts->ref_ctr_offsets. pid 0
 * probes every process, pid > 0 only that one. A program of SEC
 * "uprobe.session/..." is attached as a session.
 * Return: 0, -EINVAL (NULL prog/binary/out, bad opts as for
 * ebpfmini_program_attach_kprobe_multi(), negative pid), -EBUSY (not loaded),
 * -ENOENT (no such binary or function), -ENOEXEC (not ELF), -EOPNOTSUPP or
 * -EINVAL (no uprobe.multi in this kernel), or the kernel's errno.
 */
int ebpfmini_program_attach_uprobe_multi(
	struct ebpfmini_program *prog, int pid, const char *binary, const char *pattern,
	const struct ebpfmini_program_attach_uprobe_multi_opts *opts, struct ebpfmini_link **out);

/** Options of ebpfmini_program_attach_perf_event(); NULL means all zero. */
struct ebpfmini_program_attach_perf_event_opts {
	size_t sz;       /* sizeof(struct ebpfmini_program_attach_perf_event_opts) */
	int pid;         /* 0: every process, one event per online CPU; > 0: that process */
	bool one_cpu;    /* only the CPU cpu (with pid 0: that CPU for every process) */
	int cpu;
	uint64_t cookie; /* bpf_get_attach_cookie() value */
};

/**
 * ebpfmini_program_attach_perf_event() - open perf events as
 * perf_event_attr (a struct perf_event_attr from <linux/perf_event.h>; its
 * size field says how much to read, 0 for the first version's 64 bytes) and
 * attach the perf_event program to each: by default one event per online
 * CPU, for every process (sampling the whole system), returned as one link
 * that holds a member link per CPU (ebpfmini_link_member()). With opts->pid
 * one event that follows that process on every CPU. The events are enabled
 * once the program is attached.
 * Return: 0, -EINVAL (NULL argument, bad opts, negative pid or cpu),
 * -E2BIG (attr size over 512), -EBUSY (not loaded), the errno of
 * perf_event_open (-ENOENT, -EOPNOTSUPP: no such event on this machine;
 * -EACCES: see kernel.perf_event_paranoid) or of the attach.
 */
int ebpfmini_program_attach_perf_event(struct ebpfmini_program *prog, const void *perf_event_attr,
				       const struct ebpfmini_program_attach_perf_event_opts *opts,
				       struct ebpfmini_link **out);

/** Options of ebpfmini_program_attach_iter(); NULL means all zero (walk everything). */
struct ebpfmini_program_attach_iter_opts {
	size_t sz;             /* sizeof(struct ebpfmini_program_attach_iter_opts) */
	int map_fd;            /* iter/bpf_map_elem, bpf_sk_storage_map, sockmap: the map (0: none) */
	int cgroup_fd;         /* iter/cgroup: where to start (0: cgroup_id, or the root) */
	uint64_t cgroup_id;
	uint32_t cgroup_order; /* enum bpf_cgroup_iter_order (0: the kernel's default) */
	uint32_t tid;          /* iter/task, task_file, task_vma: one thread (0: all) */
	uint32_t pid;          /* ... one process (0: all) */
	int pid_fd;            /* ... the process of a pidfd (0: none) */
};

/**
 * ebpfmini_program_attach_iter() - create an iterator link for an iter/
 * program (BPF_LINK_CREATE, BPF_TRACE_ITER); at most one of map_fd,
 * cgroup_fd/cgroup_id and tid/pid/pid_fd may be set. Each
 * ebpfmini_link_iter_open() or ebpfmini_link_iter_read() then runs the
 * iterator once.
 * Return: 0, -EINVAL (NULL argument, bad opts, options of two kinds, or the
 * kernel's: options the iterator does not take), -EBUSY (not loaded), or the
 * kernel's errno.
 */
int ebpfmini_program_attach_iter(struct ebpfmini_program *prog,
				 const struct ebpfmini_program_attach_iter_opts *opts,
				 struct ebpfmini_link **out);

/**
 * ebpfmini_link_iter_open() - start one run of the iterator behind link
 * (BPF_ITER_CREATE): read(2) the returned fd to get the program's output,
 * until it returns 0; close it when done (the caller owns it).
 * Return: the fd, -EINVAL (NULL, or not an iterator link), or the kernel's errno.
 */
int ebpfmini_link_iter_open(const struct ebpfmini_link *link);

/**
 * ebpfmini_link_iter_read() - run the iterator once and return all of its
 * output in *text (malloc'd, NUL-terminated; free() it) and its length in
 * *len (may be NULL). Output over max bytes (0: 64 MiB) is an error.
 * Return: 0, -EINVAL (NULL link or text, not an iterator link), -E2BIG
 * (more than max bytes), -ENOMEM, or the errno of read(2) (-EAGAIN: the
 * program asked to restart; -EFAULT, ...).
 */
int ebpfmini_link_iter_read(const struct ebpfmini_link *link, size_t max, char **text,
			    size_t *len);

/**
 * ebpfmini_link_member_count() - the number of links a link stands for:
 * several for ebpfmini_program_attach_perf_event() on every CPU (one per
 * CPU), 1 for every other link, 0 for NULL. Cannot fail.
 */
size_t ebpfmini_link_member_count(const struct ebpfmini_link *link);

/**
 * ebpfmini_link_member() - member i of a link that stands for several (owned
 * by it: do not close it), or link itself for i == 0 of a single link;
 * NULL when i is out of range. Pin members one by one: a link of several
 * members has no fd, id or pin of its own.
 */
struct ebpfmini_link *ebpfmini_link_member(const struct ebpfmini_link *link, size_t i);

/**
 * ebpfmini_link_fd() - the link's fd (a bpf link or the perf event fd),
 * owned by the link; for a link of several members, the fd of the first.
 * Return: the fd, -EINVAL (NULL), or -EBADF (an attachment without a bpf
 * link after ebpfmini_link_detach()).
 */
int ebpfmini_link_fd(const struct ebpfmini_link *link);

/**
 * ebpfmini_link_close() - close the link's fds. The kernel detaches when no
 * fd or pin refers to the link any more; a pinned link outlives the process.
 * NULL is a no-op.
 *
 * What outlives the process: a bpf link (tracepoints on kernels >= 5.15 get
 * one, a BPF_PERF_EVENT link) lives while an fd or a bpffs pin refers to it.
 * On kernels without perf-event links the attachment is the perf event
 * itself (PERF_EVENT_IOC_SET_BPF): it cannot be pinned, and it ends when the
 * last fd of the perf event closes, at the latest when the process exits.
 */
void ebpfmini_link_close(struct ebpfmini_link *link);

/**
 * ebpfmini_link_target() - what the link attaches to, for messages and tools,
 * e.g. "tracepoint syscalls/sys_enter_execve"; "pinned <path>" for a link
 * from ebpfmini_link_open_pinned(). Never NULL.
 */
const char *ebpfmini_link_target(const struct ebpfmini_link *link);

/**
 * ebpfmini_link_pin() - pin the link at path on bpffs (BPF_OBJ_PIN); the
 * attachment then outlives the link object and the process until the pin is
 * removed. Missing parent directories under a bpffs mount are created.
 * Return: 0, -EINVAL (NULL argument or empty path), -ENODEV (path is not on
 * bpffs: the log says to mount -t bpf bpf /sys/fs/bpf), -EOPNOTSUPP (a
 * perf-event attachment without a bpf link, or a link of several members:
 * pin each member), -EEXIST (something is pinned there already), -ENOMEM,
 * or the errno of mkdir(2) or of BPF_OBJ_PIN.
 */
int ebpfmini_link_pin(struct ebpfmini_link *link, const char *path);

/**
 * ebpfmini_link_unpin() - remove the pin at path, or at the link's own pin
 * path (from ebpfmini_link_pin() or ebpfmini_link_open_pinned()) when path
 * is NULL. The link object stays valid and attached while it is open.
 * Return: 0, -EINVAL (NULL link, or path NULL and the link is not pinned),
 * or the errno of unlink(2) (-ENOENT...).
 */
int ebpfmini_link_unpin(struct ebpfmini_link *link, const char *path);

/**
 * ebpfmini_link_open_pinned() - open the link pinned at path (BPF_OBJ_GET),
 * e.g. in another process than the one that attached it. Closing the object
 * does not detach while the pin exists.
 * Return: 0, -EINVAL (NULL argument, or path pins a map or program rather
 * than a link), -ENOENT (nothing pinned there), -ENOMEM, or the kernel's errno.
 */
int ebpfmini_link_open_pinned(const char *path, struct ebpfmini_link **out);

/**
 * ebpfmini_link_detach() - detach the program now (BPF_LINK_DETACH), even if
 * pins or other fds refer to the link; the link object stays to be closed.
 * A perf-event attachment without a bpf link is disabled and its perf event
 * closed instead; a socket filter or a sockmap attachment made without a
 * kernel link is undone (SO_DETACH_BPF, BPF_PROG_DETACH).
 * Return: 0, -EINVAL (NULL), or the kernel's errno: -EOPNOTSUPP for links
 * that cannot be detached apart from their last reference (perf-event and
 * raw tracepoint links: close and unpin them instead).
 */
int ebpfmini_link_detach(struct ebpfmini_link *link);

/**
 * ebpfmini_link_update() - attach a different loaded program through the
 * same link, atomically (BPF_LINK_UPDATE).
 * Return: 0, -EINVAL (NULL argument), -EBUSY (prog not loaded), -EOPNOTSUPP
 * (a perf-event attachment without a bpf link, or a link type the kernel
 * cannot update, such as perf-event links), or the kernel's errno.
 */
int ebpfmini_link_update(struct ebpfmini_link *link, struct ebpfmini_program *prog);

/** What the kernel reports about a link (BPF_OBJ_GET_INFO_BY_FD). */
struct ebpfmini_link_info {
	size_t sz;        /* in: sizeof(struct ebpfmini_link_info) */
	uint32_t id;      /* kernel link id */
	uint32_t type;    /* enum bpf_link_type (ebpfmini_sys_link_type_name() names it) */
	uint32_t prog_id; /* id of the attached program (0 once detached) */
};

/**
 * ebpfmini_link_info() - fill info from the kernel.
 * Return: 0, -EINVAL (NULL, or info->sz too small), -EOPNOTSUPP (a
 * perf-event attachment without a bpf link, or a link of several members:
 * ask each member), or the kernel's errno.
 */
int ebpfmini_link_info(const struct ebpfmini_link *link, struct ebpfmini_link_info *info);

/** ebpfmini_link_id() - the kernel's id of the bpf link, or 0 when there is
 *  none (perf-event attachment without a bpf link) or it cannot be read. */
uint32_t ebpfmini_link_id(const struct ebpfmini_link *link);

/* ==== network, cgroup and socket hooks ===========================================
 *
 * Each takes a loaded program and an explicit target; the program's type
 * (and, where one hook has several attach points, its expected attach type,
 * which the SEC name sets) must fit the hook. Common errors of all of them:
 * -EINVAL (NULL prog or out, bad options), -EBUSY (the program is not
 * loaded), -EINVAL with a log line naming both when the program's type does
 * not fit the hook, -ENOMEM, or the kernel's errno (the log line explains
 * the usual ones).
 */

/** XDP attach modes: which of the kernel's XDP_FLAGS_*_MODE the link uses. */
enum ebpfmini_xdp_mode {
	EBPFMINI_XDP_AUTO = 0,    /* driver mode when the driver has native XDP, else generic */
	EBPFMINI_XDP_GENERIC = 1, /* XDP_FLAGS_SKB_MODE: in the network stack; any interface */
	EBPFMINI_XDP_DRIVER = 2,  /* XDP_FLAGS_DRV_MODE: in the driver (native XDP) */
	EBPFMINI_XDP_OFFLOAD = 3, /* XDP_FLAGS_HW_MODE: on the NIC (offloaded program) */
};

/** Options of ebpfmini_program_attach_xdp(). */
struct ebpfmini_program_attach_xdp_opts {
	size_t sz;          /* sizeof(struct ebpfmini_program_attach_xdp_opts) */
	const char *ifname; /* the interface by name, used when ifindex is 0 */
	uint32_t mode;      /* enum ebpfmini_xdp_mode */
};

/**
 * ebpfmini_program_attach_xdp() - attach an XDP program to the interface
 * ifindex (or opts->ifname when ifindex is 0) of the calling thread's
 * network namespace, through an XDP link (BPF_LINK_CREATE, BPF_XDP). One
 * XDP program per interface and mode: chain programs inside it, or swap it
 * with ebpfmini_link_update(). On a kernel without XDP links (< 5.9, asked
 * once) the program is attached through netlink (IFLA_XDP) instead, never
 * over another program; the link's detach and close take it off only while
 * it is still there, and it cannot be pinned, updated or queried
 * (-EOPNOTSUPP).
 * Return: 0; -EINVAL (no interface given, mode out of range, not an XDP
 * program); -ENODEV (no such interface: the log names it); -EBUSY (the
 * program is not loaded, or another XDP program holds the interface in this
 * mode); -EOPNOTSUPP (driver or offload mode on an interface that lacks it);
 * or the kernel's errno.
 */
int ebpfmini_program_attach_xdp(struct ebpfmini_program *prog, int ifindex,
				const struct ebpfmini_program_attach_xdp_opts *opts,
				struct ebpfmini_link **out);

/* Placement in a multi-program hook (the kernel's BPF_F_BEFORE / BPF_F_AFTER):
 * before or after the relative program or link, or, without one, first or last. */
#define EBPFMINI_ATTACH_BEFORE (1U << 3)
#define EBPFMINI_ATTACH_AFTER (1U << 4)

/** Direction of a tcx attachment. */
enum ebpfmini_tcx_direction {
	EBPFMINI_TCX_FROM_PROGRAM = 0, /* the program's expected attach type: SEC("tc/ingress"), ... */
	EBPFMINI_TCX_INGRESS = 1,
	EBPFMINI_TCX_EGRESS = 2,
};

/** Options of ebpfmini_program_attach_tcx(). */
struct ebpfmini_program_attach_tcx_opts {
	size_t sz;          /* sizeof(struct ebpfmini_program_attach_tcx_opts) */
	const char *ifname; /* the interface by name, used when ifindex is 0 */
	uint32_t direction; /* enum ebpfmini_tcx_direction */
	uint32_t flags;     /* 0 (append), EBPFMINI_ATTACH_BEFORE or EBPFMINI_ATTACH_AFTER */
	int relative_fd;    /* place next to this program fd (or link fd, see relative_link); 0: none */
	uint32_t relative_id;       /* ... or the program (link) with this id; 0: none */
	bool relative_link;         /* relative_fd / relative_id name a link, not a program */
	uint64_t expected_revision; /* refuse (-ESTALE) unless the hook is at this revision; 0: any */
};

/**
 * ebpfmini_program_attach_tcx() - attach a sched_cls program to the ingress
 * or egress of an interface through a tcx link (kernels >= 6.6), at the
 * place the options ask for among the programs already there. The
 * direction comes from the SEC name (tc/ingress, tc/egress, tcx/ingress,
 * tcx/egress) unless opts->direction says it; the program's return value is
 * a TCX_* verdict (TCX_NEXT = -1, TCX_PASS = 0, TCX_DROP = 2, TCX_REDIRECT = 7).
 * On a kernel without tcx links (< 6.6, asked once) the program becomes a
 * direct-action cls_bpf filter on the interface's clsact qdisc (created when
 * missing and left in place afterwards, as it may be shared), at a priority
 * of its own after the filters there; the TCX_* verdicts mean the same
 * there. The link's detach and close remove exactly that filter; it cannot
 * be pinned, updated or queried (-EOPNOTSUPP).
 * Return: 0; -EINVAL (no interface or direction, both relative_fd and
 * relative_id, not a sched_cls program); -ENODEV (no such interface: the
 * log names it); -EBUSY (not loaded); -ENOENT (the relative program or link
 * is not on this hook); -ESTALE (expected_revision differs); -EOPNOTSUPP
 * (placement options on a kernel without tcx links); or the kernel's errno
 * (-ENOENT from netlink: a kernel without clsact or cls_bpf).
 */
int ebpfmini_program_attach_tcx(struct ebpfmini_program *prog, int ifindex,
				const struct ebpfmini_program_attach_tcx_opts *opts,
				struct ebpfmini_link **out);

/** Options of ebpfmini_program_attach_cgroup() and _cgroup_path(). The
 *  placement fields work on kernels whose cgroup hooks keep an ordered list
 *  (6.16 and later; older ones answer -EINVAL when one is set); a program
 *  attached through a link is named by its link there (relative_link). */
struct ebpfmini_program_attach_cgroup_opts {
	size_t sz;             /* sizeof(struct ebpfmini_program_attach_cgroup_opts) */
	uint32_t flags;        /* 0 (append), EBPFMINI_ATTACH_BEFORE or EBPFMINI_ATTACH_AFTER */
	int relative_fd;       /* as in struct ebpfmini_program_attach_tcx_opts */
	uint32_t relative_id;
	bool relative_link;
	uint64_t expected_revision;
};

/**
 * ebpfmini_program_attach_cgroup() - attach a cgroup program to the cgroup
 * v2 directory open at cgroup_fd through a cgroup link (BPF_LINK_CREATE).
 * The hook is the program's expected attach type, which its SEC name sets:
 * cgroup_skb/ingress and /egress, cgroup/sock_create, cgroup/sock_release,
 * cgroup/post_bind4|6, cgroup/bind4|6, cgroup/connect4|6, cgroup/sendmsg4|6,
 * cgroup/recvmsg4|6, cgroup/getpeername4|6, cgroup/getsockname4|6, the
 * _unix variants, cgroup/getsockopt, cgroup/setsockopt, cgroup/sysctl,
 * cgroup/dev and sockops (change it before load with
 * ebpfmini_program_set_expected_attach_type()). The program then runs for
 * every process of the cgroup and of its descendants. The cgroup may be
 * closed after the call. On a kernel without cgroup links (< 5.7, asked
 * once) the program is attached with BPF_PROG_ATTACH and BPF_F_ALLOW_MULTI
 * instead; the link's detach and close then take exactly this program off,
 * and it cannot be pinned, updated or queried (-EOPNOTSUPP).
 * Return: 0; -EINVAL (bad cgroup_fd, a program type or expected attach type
 * that is no cgroup hook: the log names both); -EBUSY (not loaded); -EBADF
 * (cgroup_fd is not a cgroup v2 directory); -EOPNOTSUPP (placement options
 * on a kernel without cgroup links); or the kernel's errno.
 */
int ebpfmini_program_attach_cgroup(struct ebpfmini_program *prog, int cgroup_fd,
				   const struct ebpfmini_program_attach_cgroup_opts *opts,
				   struct ebpfmini_link **out);

/**
 * ebpfmini_program_attach_cgroup_path() - as ebpfmini_program_attach_cgroup()
 * on the cgroup directory path: absolute, or relative to the cgroup v2 mount
 * (found in /proc/self/mountinfo), so "" or "/" relative means its root.
 * Return: as ebpfmini_program_attach_cgroup(), and -ENOENT (no such cgroup,
 * or no cgroup v2 mount for a relative path: the log names the path),
 * -ENOTDIR, -EMEDIUMTYPE (the path is not on cgroup v2, e.g. a cgroup v1
 * hierarchy: the log says so), -EACCES.
 */
int ebpfmini_program_attach_cgroup_path(struct ebpfmini_program *prog, const char *path,
					const struct ebpfmini_program_attach_cgroup_opts *opts,
					struct ebpfmini_link **out);

/** Options of ebpfmini_program_attach_netfilter() (values of <linux/netfilter.h>). */
struct ebpfmini_program_attach_netfilter_opts {
	size_t sz;        /* sizeof(struct ebpfmini_program_attach_netfilter_opts) */
	uint32_t pf;      /* NFPROTO_IPV4 (2) or NFPROTO_IPV6 (10) */
	uint32_t hooknum; /* NF_INET_PRE_ROUTING (0), _LOCAL_IN (1), _FORWARD (2), _LOCAL_OUT (3),
			     _POST_ROUTING (4) */
	int32_t priority; /* order among the hook's functions; not INT32_MIN or INT32_MAX */
	uint32_t flags;   /* BPF_F_NETFILTER_IP_DEFRAG (1): defragment first (priority must then
			     be above NF_IP_PRI_CONNTRACK_DEFRAG, -400) */
};

/**
 * ebpfmini_program_attach_netfilter() - attach a netfilter program (returns
 * NF_DROP 0 or NF_ACCEPT 1) to a netfilter hook of the calling thread's
 * network namespace through a netfilter link (kernels >= 6.4). opts is
 * required.
 * Return: 0; -EINVAL (no opts, not a netfilter program, a family or hook
 * the kernel refuses); -ERANGE (a priority the kernel reserves); -EBUSY (not
 * loaded); -EOPNOTSUPP (a kernel without netfilter links:
 * CONFIG_NETFILTER_BPF_LINK); or the kernel's errno.
 */
int ebpfmini_program_attach_netfilter(struct ebpfmini_program *prog,
				      const struct ebpfmini_program_attach_netfilter_opts *opts,
				      struct ebpfmini_link **out);

/**
 * ebpfmini_program_attach_netns() - attach an sk_lookup or flow_dissector
 * program to the network namespace open at netns_fd (an fd of
 * /proc/PID/ns/net), or to the calling thread's one when netns_fd is
 * negative, through a netns link. One flow dissector per namespace (none
 * can be added while the initial namespace has one); sk_lookup programs run
 * in attach order until one picks a socket. ebpfmini_program_attach()
 * attaches SEC("sk_lookup") and SEC("flow_dissector") this way to the
 * calling thread's namespace.
 * Return: 0; -EINVAL (not an sk_lookup or flow_dissector program, netns_fd
 * is not a network namespace); -EBUSY (not loaded); -E2BIG (the namespace
 * has its flow dissector already, or 64 sk_lookup programs); -EEXIST (a
 * program attached without a link, or a flow dissector in the initial
 * namespace, which applies to all); or the kernel's errno.
 */
int ebpfmini_program_attach_netns(struct ebpfmini_program *prog, int netns_fd,
				  struct ebpfmini_link **out);

/**
 * ebpfmini_program_attach_socket() - attach a socket_filter program to the
 * socket sock_fd (setsockopt SO_ATTACH_BPF), or an sk_reuseport program to
 * its reuseport group (SO_ATTACH_REUSEPORT_EBPF). The kernel has no link
 * for these: the link object holds a duplicate of sock_fd (so the socket
 * stays open until the link is closed), and ebpfmini_link_close() detaches
 * (SO_DETACH_BPF, SO_DETACH_REUSEPORT_BPF). It has no kernel id and cannot
 * be pinned or updated (-EOPNOTSUPP...), ebpfmini_link_fd() answers -EBADF,
 * and ebpfmini_link_detach() detaches at once (the link object stays to be
 * closed).
 * What outlives the process: the filter belongs to the socket. It runs for
 * as long as the socket exists, in whatever process holds it (after fork or
 * fd passing), and ends with the socket; a link left open at exit closes
 * its duplicate without detaching, so a socket still open elsewhere keeps
 * its filter.
 * Return: 0; -EINVAL (not a socket_filter or sk_reuseport program);
 * -ENOTSOCK (sock_fd is not a socket); -EBADF; -EBUSY (not loaded); or the
 * errno of setsockopt(2).
 */
int ebpfmini_program_attach_socket(struct ebpfmini_program *prog, int sock_fd,
				   struct ebpfmini_link **out);

/**
 * ebpfmini_program_attach_sockmap() - attach an sk_msg or sk_skb program to
 * the sockmap or sockhash map_fd, as the hook its expected attach type names
 * (SEC sk_msg: BPF_SK_MSG_VERDICT; sk_skb/stream_parser,
 * sk_skb/stream_verdict, sk_skb/verdict). It then runs for every socket in
 * the map. Through a sockmap link where the kernel has them (6.10 and
 * later: pinnable, updatable, detached on close); on older kernels through
 * BPF_PROG_ATTACH to the map, which the link object detaches again
 * (BPF_PROG_DETACH) when it is closed. Such an attachment has no kernel id
 * and cannot be pinned; it belongs to the map, and if the process exits
 * without closing the link, it stays for as long as the map lives (while a
 * pin or another process holds the map).
 * Return: 0; -EINVAL (not an sk_msg or sk_skb program, or an sk_skb program
 * whose SEC name does not say which hook: the log says how to name it;
 * map_fd is not a sockmap or sockhash: the log names the map); -EBUSY (not
 * loaded, or the map has a program on this hook already); or the kernel's
 * errno.
 */
int ebpfmini_program_attach_sockmap(struct ebpfmini_program *prog, int map_fd,
				    struct ebpfmini_link **out);

#ifdef __cplusplus
}
#endif

#endif /* EBPFMINI_LINK_H */
