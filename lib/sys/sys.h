/* sys.h - private entry points of the kernel edge: every kernel call of the library (L3 sys) */
#ifndef EBPFMINI_SYS_PRIV_H
#define EBPFMINI_SYS_PRIV_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct msghdr;
struct perf_event_attr;
struct epoll_event;
struct stat;

/*
 * All functions return >= 0 on success (an fd, 0, or a count) and a negative
 * errno on failure; none of them logs (the caller has the context), except
 * the EBPFMINI_TRACE decoder, which prints every call when tracing is on.
 * Every fd they return is O_CLOEXEC and >= 3 (a lower fd is moved up with
 * F_DUPFD_CLOEXEC and the low one closed).
 */

/* bpf(cmd, attr, size): traced and decoded. */
int em_sys_bpf(int cmd, union bpf_attr *attr, unsigned int size);
/*
 * BPF_LINK_CREATE of the multi-probe kinds: attach_type BPF_TRACE_KPROBE_MULTI
 * or _KPROBE_SESSION (syms or addrs), BPF_TRACE_UPROBE_MULTI or
 * _UPROBE_SESSION (path, offsets, ref_ctr_offsets, pid); cookies may be NULL.
 * Every array holds cnt entries. Returns the link fd.
 */
struct em_sys_multi {
	uint32_t flags, cnt;
	const char *const *syms;
	const uint64_t *addrs, *cookies;
	const char *path;
	const uint64_t *offsets, *ref_ctr_offsets;
	int pid;
};
int em_sys_link_create_multi(int prog_fd, uint32_t attach_type, const struct em_sys_multi *m);
/*
 * BPF_LINK_CREATE of a freplace (BPF_PROG_TYPE_EXT) program onto function
 * target_btf_id of the loaded program target_fd. The attach type is 0, the
 * program's expected attach type: the kernel reads none for freplace.
 * Returns the link fd.
 */
int em_sys_link_create_freplace(int prog_fd, int target_fd, uint32_t target_btf_id);
/* perf_event_open with PERF_FLAG_FD_CLOEXEC. */
int em_sys_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
			   unsigned long flags);
int em_sys_ioctl(int fd, unsigned long request, unsigned long arg);
/* mmap: returns 0 and sets *out, or -errno. */
int em_sys_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off, void **out);
int em_sys_munmap(void *addr, size_t len);
/* madvise(2): 0 or -errno. */
int em_sys_madvise(void *addr, size_t len, int advice);
/* open(2), openat(2) with O_CLOEXEC added. */
int em_sys_open(const char *path, int flags, mode_t mode);
int em_sys_openat(int dirfd, const char *path, int flags, mode_t mode);
int em_sys_close(int fd);
/* Read a whole file (regular or pseudo file) into a malloc'd buffer with a
 * terminating NUL not counted in *size. Fails with -E2BIG past max bytes. */
int em_sys_read_file(const char *path, size_t max, void **buf, size_t *size);
/* The same from an open fd, to its end. */
int em_sys_read_fd(int fd, size_t max, void **buf, size_t *size);
/* Write a string to a file (tracefs control files). */
int em_sys_write_file(const char *path, const char *text);
/* epoll_create1(EPOLL_CLOEXEC): an epoll fd, or -errno. */
int em_sys_epoll_create(void);
/* epoll_ctl(epfd, op, fd, ev): 0 or -errno. */
int em_sys_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev);
/* epoll_pwait(epfd, events, max, timeout_ms, NULL): the number of ready
 * events, or -errno (-EINTR when a signal arrived: never restarted). */
int em_sys_epoll_wait(int epfd, struct epoll_event *events, int max, int timeout_ms);
/* fstat(fd, st). */
int em_sys_fstat(int fd, struct stat *st);
/* statfs(path).f_type, fstatfs(fd).f_type into *magic. */
int em_sys_statfs_type(const char *path, long *magic);
int em_sys_fstatfs_type(int fd, long *magic);
/* mkdirat(2), unlinkat(2) (flags: AT_REMOVEDIR for a directory). */
int em_sys_mkdirat(int dirfd, const char *path, mode_t mode);
int em_sys_unlinkat(int dirfd, const char *path, int flags);
/* socket(domain, type | SOCK_CLOEXEC, protocol): an fd, or -errno (interface
 * ioctls of the attach code). */
int em_sys_socket(int domain, int type, int protocol);
/* setsockopt(fd, level, name, val, len): 0 or -errno (SO_ATTACH_BPF, SO_DETACH_BPF). */
int em_sys_setsockopt(int fd, int level, int name, const void *val, unsigned int len);
/* sendmsg(2) and recvmsg(2), restarted on EINTR (netlink): the byte count,
 * or -errno. The hook sees SYS_sendmsg / SYS_recvmsg (arg0 fd, arg1 the
 * msghdr; args[2] flags); a positive answer is the count it claims. */
long em_sys_sendmsg(int fd, const struct msghdr *msg, int flags);
long em_sys_recvmsg(int fd, struct msghdr *msg, int flags);
/* fcntl(fd, F_DUPFD_CLOEXEC, 3): a duplicate >= 3, or -errno. */
int em_sys_dup(int fd);

/* read(fd, buf, len), restarted on EINTR: the byte count (0 at the end), or
 * -errno. The hook sees SYS_read (arg0 fd, arg1 buf; args[2] len); a positive
 * answer is the count it claims to have read, EM_SYS_OK the end. */
long em_sys_read(int fd, void *buf, size_t len);
/* write(2) all of buf to fd, retrying short writes and EINTR: 0 or -errno (-EIO on a 0-byte write). */
int em_sys_write_all(int fd, const void *buf, size_t len);
/* uname(2): the kernel release string into buf ("" on failure): 0 or -errno. */
int em_sys_kernel_release(char *buf, size_t size);
/* sched_getaffinity(2): how many CPUs this thread may run on (>= 1), or -errno. The hook
 * sees SYS_sched_getaffinity (arg0 0, arg1 the mask's size; args[2] the mask). */
int em_sys_cpus_allowed(void);
/* Whether a fault-injection hook (below) is set: callers keep their calls in one order. */
bool em_sys_hooked(void);

/*
 * Fault injection for tests: when a hook is set, every em_sys_* call asks it
 * first (in sys.c's dispatch, which also converts errno and traces) with the
 * syscall number (SYS_bpf, SYS_perf_event_open, SYS_ioctl, SYS_mmap,
 * SYS_munmap, SYS_openat, SYS_close, SYS_fstat, SYS_statfs, SYS_mkdirat,
 * SYS_unlinkat, ...) and the call's first two arguments: arg0 is the first (the
 * bpf command for SYS_bpf, the fd for SYS_ioctl, AT_FDCWD for SYS_openat,
 * SYS_mkdirat and SYS_unlinkat), arg1 the second as a pointer (the attr for
 * SYS_bpf, the request for SYS_ioctl, the path for the *at calls). A hook
 * returning 0 lets the real call happen; a negative errno makes the call fail
 * with it; a positive value is returned as the result without calling the
 * kernel (a fake fd, say; for SYS_mmap the address to hand out, for
 * SYS_statfs the f_type to report, for SYS_fstat the size of a regular
 * file). Return EM_SYS_OK to make the call succeed with 0 without calling the
 * kernel (0 itself means "call it").
 * Injected results are traced like real ones and are not moved up or
 * closed: they are not real fds (pick fake fds far above real ones, e.g. 1000).
 * A directory's removal is SYS_unlinkat with AT_REMOVEDIR as its third argument.
 * em_sys_socket is SYS_socket (arg0 domain, arg1 type; args[2] protocol) and
 * em_sys_setsockopt SYS_setsockopt (arg0 fd, arg1 level; args[2] name,
 * args[3] val, args[4] len), em_sys_dup SYS_fcntl (arg0 fd, arg1 F_DUPFD_CLOEXEC;
 * args[2] 3).
 * The epoll calls are SYS_epoll_create1 (arg0 EPOLL_CLOEXEC), SYS_epoll_ctl
 * (arg0 epfd, arg1 the op; args[2] fd, args[3] the event) and SYS_epoll_pwait
 * (arg0 epfd, arg1 the events array; args[2] max, args[3] timeout_ms).
 * em_sys_write_all is one SYS_write for the whole buffer (arg0 fd, arg1 buf;
 * args[2] len: any answer >= 0 means all written), em_sys_kernel_release
 * SYS_uname (arg0 the struct utsname: a positive answer is success with an
 * empty release). For SYS_statfs EM_SYS_OK reports f_type 0.
 * Setting a hook replaces an extended hook (below) and vice versa; NULL clears.
 */
#define EM_SYS_OK (1L << 40)
typedef long (*em_sys_hook_fn)(void *ctx, long nr, long arg0, void *arg1);
void em_sys_set_hook(em_sys_hook_fn fn, void *ctx);

/*
 * Extended hook: the same contract, but it sees every argument of the call
 * (args[] in the syscall's order: for SYS_bpf cmd, attr, size). It is also
 * asked once per em_sys_read_file with nr EM_SYS_READ_FILE and args[0] the
 * path (const char *): returning 0 reads the real file, a negative errno
 * fails, a positive value serves call->data (call->data_len bytes, set by the
 * hook) as the file's contents, so tests can script /proc and /sys files.
 */
#define EM_SYS_READ_FILE (-1L)
struct em_sys_call {
	long nr;
	long args[6];
	const void *data; /* EM_SYS_READ_FILE: contents the hook serves */
	size_t data_len;
};
typedef long (*em_sys_hook_ex_fn)(void *ctx, struct em_sys_call *call);
void em_sys_set_hook_ex(em_sys_hook_ex_fn fn, void *ctx);

/* Whether EBPFMINI_TRACE tracing is on (read once from the environment). */
int em_sys_tracing(void);

#endif /* EBPFMINI_SYS_PRIV_H */
