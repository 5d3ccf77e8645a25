/* sys.c - the kernel edge: every syscall, through one dispatch: hook, call, errno, trace (L3 sys) */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include "internal.h"
#include "sys.h"
#include "sys_trace.h"
#include "uapi_compat.h"

/* ---- fault-injection hook ------------------------------------------------------- */

/*
 * The hook and its context change together under the lock, which a call
 * holds (shared) while it asks the hook: once em_sys_set_hook*() returns, the
 * previous hook is not running any more. hook_on spares the calls the lock
 * while no hook is set.
 */
static pthread_rwlock_t hook_lock = PTHREAD_RWLOCK_INITIALIZER;
static bool hook_on;
static em_sys_hook_fn hook_fn;
static em_sys_hook_ex_fn hook_ex_fn;
static void *hook_ctx;

static void set_hook(em_sys_hook_fn fn, em_sys_hook_ex_fn ex, void *ctx)
{
	pthread_rwlock_wrlock(&hook_lock);
	hook_fn = fn;
	hook_ex_fn = ex;
	hook_ctx = ctx;
	__atomic_store_n(&hook_on, fn || ex, __ATOMIC_RELEASE);
	pthread_rwlock_unlock(&hook_lock);
}

void em_sys_set_hook(em_sys_hook_fn fn, void *ctx)
{
	set_hook(fn, NULL, ctx);
}

void em_sys_set_hook_ex(em_sys_hook_ex_fn fn, void *ctx)
{
	set_hook(NULL, fn, ctx);
}

/* The hook's answer to c (0: none, make the real call); ex_only: not the plain hook's. */
static long ask_hook(struct em_sys_call *c, bool ex_only)
{
	long ans = 0;

	if (!__atomic_load_n(&hook_on, __ATOMIC_ACQUIRE))
		return 0;
	pthread_rwlock_rdlock(&hook_lock);
	if (hook_ex_fn)
		ans = hook_ex_fn(hook_ctx, c);
	else if (hook_fn && !ex_only)
		ans = hook_fn(hook_ctx, c->nr, c->args[0], (void *)c->args[1]);
	pthread_rwlock_unlock(&hook_lock);
	return ans;
}

/* ---- tracing switch ------------------------------------------------------------- */

/* -1: not decided yet (read EBPFMINI_TRACE on first use), 0 off, 1 on. */
static int trace_state = -1;

int em_sys_tracing(void)
{
	int st = __atomic_load_n(&trace_state, __ATOMIC_RELAXED);

	if (st < 0) {
		/* not from the environment of a set-id or file-capability program's caller */
		const char *env = secure_getenv("EBPFMINI_TRACE");

		st = env && *env && strcmp(env, "0") != 0;
		__atomic_store_n(&trace_state, st, __ATOMIC_RELAXED);
	}
	return st;
}

EM_EXPORT void ebpfmini_sys_set_trace(bool on)
{
	__atomic_store_n(&trace_state, on ? 1 : 0, __ATOMIC_RELAXED);
}

EM_EXPORT bool ebpfmini_sys_trace(void)
{
	return em_sys_tracing() != 0;
}

/* ---- the one dispatch ----------------------------------------------------------------- */

/*
 * The UAPI reads fd 0 as "none" in several attr fields, and a library must
 * not take over stdin/stdout/stderr of a program that closed them: an fd
 * below 3 is moved up, as O_CLOEXEC, and the low one closed.
 */
static long fd_move_up(long fd)
{
	int nfd, err;

	if (fd < 0 || fd >= 3)
		return fd;
	nfd = fcntl((int)fd, F_DUPFD_CLOEXEC, 3);
	err = errno;
	close((int)fd);
	return nfd < 0 ? -err : nfd;
}

/* write(2) all of buf, retrying short writes and EINTR: 0, or -1 with errno (EIO: nothing written). */
static int write_whole(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The real call: its result, or -1 with errno set. *out: what mmap maps. */
static long real_call(const struct em_sys_call *c, void **out)
{
	const long *a = c->args;
	void *p;
	long ret;

	switch (c->nr) {
	case SYS_bpf:
	case SYS_perf_event_open:
		return syscall(c->nr, a[0], a[1], a[2], a[3], a[4]);
	case SYS_ioctl:
		return ioctl((int)a[0], (unsigned long)a[1], (unsigned long)a[2]);
	case SYS_mmap:
		p = mmap((void *)a[0], (size_t)a[1], (int)a[2], (int)a[3], (int)a[4], (off_t)a[5]);
		if (p == MAP_FAILED)
			return -1;
		*out = p;
		return 0;
	case SYS_munmap:
		return munmap((void *)a[0], (size_t)a[1]);
	case SYS_madvise:
		return madvise((void *)a[0], (size_t)a[1], (int)a[2]);
	case SYS_openat:
		return openat((int)a[0], (const char *)a[1], (int)a[2], (mode_t)a[3]);
	case SYS_close:
		/* On Linux the fd is gone even when close reports EINTR: never retry. */
		return close((int)a[0]) < 0 && errno != EINTR ? -1 : 0;
	case SYS_epoll_create1:
		return epoll_create1((int)a[0]);
	case SYS_epoll_ctl:
		return epoll_ctl((int)a[0], (int)a[1], (int)a[2], (struct epoll_event *)a[3]);
	case SYS_epoll_pwait:
		return epoll_pwait((int)a[0], (struct epoll_event *)a[1], (int)a[2], (int)a[3], NULL);
	case SYS_statfs:
		return statfs((const char *)a[0], (struct statfs *)a[1]);
	case SYS_fstatfs:
		return fstatfs((int)a[0], (struct statfs *)a[1]);
	case SYS_fstat:
		return fstat((int)a[0], (struct stat *)a[1]);
	case SYS_mkdirat:
		return mkdirat((int)a[0], (const char *)a[1], (mode_t)a[2]);
	case SYS_unlinkat:
		return unlinkat((int)a[0], (const char *)a[1], (int)a[2]);
	case SYS_socket:
		return socket((int)a[0], (int)a[1], (int)a[2]);
	case SYS_setsockopt:
		return setsockopt((int)a[0], (int)a[1], (int)a[2], (const void *)a[3], (socklen_t)a[4]);
	case SYS_sendmsg:
	case SYS_recvmsg:
		do
			ret = c->nr == SYS_sendmsg ? sendmsg((int)a[0], (const struct msghdr *)a[1], (int)a[2])
						   : recvmsg((int)a[0], (struct msghdr *)a[1], (int)a[2]);
		while (ret < 0 && errno == EINTR);
		return ret;
	case SYS_fcntl:
		return fcntl((int)a[0], (int)a[1], (int)a[2]);
	case SYS_read:
		do
			ret = read((int)a[0], (void *)a[1], (size_t)a[2]);
		while (ret < 0 && errno == EINTR);
		return ret;
	case SYS_write:
		return write_whole((int)a[0], (const char *)a[1], (size_t)a[2]);
	case SYS_uname:
		return uname((struct utsname *)a[0]);
	case SYS_sched_getaffinity: /* the raw call: the bytes of the mask it wrote */
		return syscall(SYS_sched_getaffinity, a[0], a[1], a[2]);
	default:
		errno = ENOSYS;
		return -1;
	}
}

/* What a success means beyond the kernel's return value. */
enum {
	RET_FD = 1,   /* a new fd: moved above 2 */
	RET_ZERO = 2, /* 0: a positive hook answer also means 0 */
	RET_PTR = 4,  /* an address, in *out (mmap) */
};

/* A hook's answer >= 0 (EM_SYS_OK read as 0) as the call's result. */
static long hook_answer(const struct em_sys_call *c, long ans, unsigned int how, void **out)
{
	struct stat *st;

	switch (c->nr) {
	case SYS_mmap: /* the address to hand out; EM_SYS_OK has none */
		if (!ans)
			return -EINVAL;
		*out = (void *)ans;
		return 0;
	case SYS_statfs: /* the f_type to report */
	case SYS_fstatfs:
		if (ans > 0)
			((struct statfs *)c->args[1])->f_type = ans;
		return 0;
	case SYS_fstat: /* a regular file of ans bytes */
		if (ans > 0) {
			st = (struct stat *)c->args[1];
			memset(st, 0, sizeof(*st));
			st->st_mode = S_IFREG | 0444;
			st->st_size = ans;
		}
		return 0;
	default:
		return how & RET_ZERO ? 0 : ans;
	}
}

/*
 * Every kernel call of the library passes here: the fault-injection hook is
 * asked first (its answer replaces the call), otherwise the call is made and
 * a failure becomes -errno, a new fd is moved above 2, and with
 * EBPFMINI_TRACE the call is decoded before it runs (the kernel may overwrite
 * its inputs) and the line finished with the result.
 */
static long dispatch(struct em_sys_call *c, unsigned int how, void **out)
{
	struct em_trace t;
	bool tr = em_sys_tracing(), real = false;
	long ans = 0, ret;

	if (tr)
		em_sys_trace_call_begin(&t, c);
	ans = ask_hook(c, false);
	if (ans < 0) {
		ret = ans;
	} else if (ans > 0) {
		ret = hook_answer(c, ans == EM_SYS_OK ? 0 : ans, how, out);
	} else {
		real = true;
		ret = real_call(c, out);
		if (ret < 0)
			ret = -errno;
		else if (how & RET_FD)
			ret = fd_move_up(ret);
	}
	if (tr) {
		em_sys_trace_call_end(&t, c, ret, real);
		if (how & RET_PTR)
			em_sys_trace_end_ptr(&t, ret < 0 ? NULL : *out, ret < 0 ? (int)-ret : 0);
		else
			em_sys_trace_end(&t, ret);
	}
	return ret;
}

/* dispatch() of the call nr(args...). */
#define CALL(how, out, nr_, ...)                                                                   \
	dispatch(&(struct em_sys_call){ .nr = (nr_), .args = { __VA_ARGS__ } }, (how), (out))

/* ---- the calls --------------------------------------------------------------------- */

/* bpf() commands whose success value is a new fd. */
static bool bpf_cmd_returns_fd(int cmd)
{
	switch (cmd) {
	case BPF_MAP_CREATE:
	case BPF_PROG_LOAD:
	case BPF_OBJ_GET:
	case BPF_PROG_GET_FD_BY_ID:
	case BPF_MAP_GET_FD_BY_ID:
	case BPF_BTF_GET_FD_BY_ID:
	case BPF_LINK_GET_FD_BY_ID:
	case BPF_RAW_TRACEPOINT_OPEN:
	case BPF_BTF_LOAD:
	case BPF_LINK_CREATE:
	case BPF_ENABLE_STATS:
	case BPF_ITER_CREATE:
	case BPF_TOKEN_CREATE:
		return true;
	default:
		return false;
	}
}

int em_sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	return (int)CALL(bpf_cmd_returns_fd(cmd) ? RET_FD : 0, NULL, SYS_bpf, cmd, (long)attr,
			 (long)size);
}

EM_EXPORT int ebpfmini_sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	return em_sys_bpf(cmd, attr, size);
}

int em_sys_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
			   unsigned long flags)
{
	return (int)CALL(RET_FD, NULL, SYS_perf_event_open, (long)attr, pid, cpu, group_fd,
			 (long)(flags | PERF_FLAG_FD_CLOEXEC));
}

int em_sys_ioctl(int fd, unsigned long request, unsigned long arg)
{
	return (int)CALL(0, NULL, SYS_ioctl, fd, (long)request, (long)arg);
}

int em_sys_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off, void **out)
{
	if (!out)
		return -EINVAL;
	return (int)CALL(RET_PTR, out, SYS_mmap, (long)addr, (long)len, prot, flags, fd, (long)off);
}

int em_sys_munmap(void *addr, size_t len)
{
	return (int)CALL(RET_ZERO, NULL, SYS_munmap, (long)addr, (long)len);
}

int em_sys_madvise(void *addr, size_t len, int advice)
{
	return (int)CALL(RET_ZERO, NULL, SYS_madvise, (long)addr, (long)len, advice);
}

int em_sys_open(const char *path, int flags, mode_t mode)
{
	return em_sys_openat(AT_FDCWD, path, flags, mode);
}

int em_sys_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	if (!path)
		return -EINVAL;
	return (int)CALL(RET_FD, NULL, SYS_openat, dirfd, (long)path, flags | O_CLOEXEC, mode);
}

int em_sys_close(int fd)
{
	return (int)CALL(RET_ZERO, NULL, SYS_close, fd);
}

/* ---- epoll (ring buffer and perf buffer consumers) ----------------------------------- */

int em_sys_epoll_create(void)
{
	return (int)CALL(RET_FD, NULL, SYS_epoll_create1, EPOLL_CLOEXEC);
}

int em_sys_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	return (int)CALL(RET_ZERO, NULL, SYS_epoll_ctl, epfd, op, fd, (long)ev);
}

int em_sys_epoll_wait(int epfd, struct epoll_event *events, int max, int timeout_ms)
{
	return (int)CALL(0, NULL, SYS_epoll_pwait, epfd, (long)events, max, timeout_ms);
}

/* ---- files ------------------------------------------------------------------------------ */

/* Reads fd to EOF into a buffer grown as needed, never past max bytes. */
static int read_all(int fd, size_t hint, size_t max, void **buf, size_t *size)
{
	size_t cap, len = 0;
	char *p, *np;

	if (max > SIZE_MAX / 4)
		max = SIZE_MAX / 4; /* keeps max + 1 and the doubling below from overflowing */
	cap = hint ? hint + 1 : 4096;
	if (cap > max + 1)
		cap = max + 1;
	p = malloc(cap + 1);
	if (!p)
		return -ENOMEM;
	for (;;) {
		long n;

		if (len == cap) {
			/* full: the file is at least cap bytes; past max means E2BIG */
			if (cap > max) {
				free(p);
				return -E2BIG;
			}
			cap = cap > max / 2 ? max + 1 : cap * 2;
			np = realloc(p, cap + 1);
			if (!np) {
				free(p);
				return -ENOMEM;
			}
			p = np;
		}
		n = em_sys_read(fd, p + len, cap - len);
		if (n < 0) {
			free(p);
			return (int)n;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		free(p);
		return -E2BIG;
	}
	p[len] = '\0';
	*buf = p;
	if (size)
		*size = len;
	return 0;
}

int em_sys_read_file(const char *path, size_t max, void **buf, size_t *size)
{
	struct em_sys_call call = { .nr = EM_SYS_READ_FILE, .args = { (long)path } };
	long ret = 0;
	int fd, err;

	if (!path || !buf)
		return -EINVAL;
	*buf = NULL;
	ret = ask_hook(&call, true);
	if (ret < 0)
		return (int)ret;
	if (ret > 0) { /* served by the hook (EM_SYS_OK with no data: an empty file) */
		char *p;

		if (call.data_len > max)
			return -E2BIG;
		p = malloc(call.data_len + 1);
		if (!p)
			return -ENOMEM;
		if (call.data_len)
			memcpy(p, call.data, call.data_len);
		p[call.data_len] = '\0';
		*buf = p;
		if (size)
			*size = call.data_len;
		return 0;
	}
	fd = em_sys_open(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	err = em_sys_read_fd(fd, max, buf, size);
	em_sys_close(fd);
	return err;
}

int em_sys_read_fd(int fd, size_t max, void **buf, size_t *size)
{
	struct stat st;
	size_t hint;

	*buf = NULL;
	/* pseudo files (/proc, /sys) report st_size 0: the size is only a hint */
	memset(&st, 0, sizeof(st));
	hint = em_sys_fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
		       (uint64_t)st.st_size <= max
		       ? (size_t)st.st_size
		       : 0;
	return read_all(fd, hint, max, buf, size);
}

int em_sys_write_file(const char *path, const char *text)
{
	int fd, err;

	if (!path || !text)
		return -EINVAL;
	/* no O_TRUNC: on tracefs probe files truncation would remove every probe */
	fd = em_sys_open(path, O_WRONLY, 0);
	if (fd < 0)
		return fd;
	err = em_sys_write_all(fd, text, strlen(text));
	em_sys_close(fd);
	return err;
}

/* f_type of statfs(path) or fstatfs(fd): nr and its first argument. */
static int fs_type(long nr, long arg, long *magic)
{
	struct statfs sfs;
	long ret;

	memset(&sfs, 0, sizeof(sfs));
	ret = CALL(0, NULL, nr, arg, (long)&sfs);
	if (ret < 0)
		return (int)ret;
	*magic = (long)sfs.f_type;
	return 0;
}

int em_sys_statfs_type(const char *path, long *magic)
{
	return path && magic ? fs_type(SYS_statfs, (long)path, magic) : -EINVAL;
}

int em_sys_fstatfs_type(int fd, long *magic)
{
	return magic ? fs_type(SYS_fstatfs, fd, magic) : -EINVAL;
}

int em_sys_fstat(int fd, struct stat *st)
{
	if (!st)
		return -EINVAL;
	return (int)CALL(0, NULL, SYS_fstat, fd, (long)st);
}

int em_sys_mkdirat(int dirfd, const char *path, mode_t mode)
{
	if (!path)
		return -EINVAL;
	return (int)CALL(RET_ZERO, NULL, SYS_mkdirat, dirfd, (long)path, mode);
}

int em_sys_unlinkat(int dirfd, const char *path, int flags)
{
	if (!path)
		return -EINVAL;
	return (int)CALL(RET_ZERO, NULL, SYS_unlinkat, dirfd, (long)path, flags);
}

/* ---- sockets (interface lookups, socket filters) ------------------------------------ */

int em_sys_socket(int domain, int type, int protocol)
{
	return (int)CALL(RET_FD, NULL, SYS_socket, domain, type | SOCK_CLOEXEC, protocol);
}

int em_sys_setsockopt(int fd, int level, int name, const void *val, unsigned int len)
{
	return (int)CALL(RET_ZERO, NULL, SYS_setsockopt, fd, level, name, (long)val, (long)len);
}

long em_sys_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	return CALL(0, NULL, SYS_sendmsg, fd, (long)msg, flags);
}

long em_sys_recvmsg(int fd, struct msghdr *msg, int flags)
{
	return CALL(0, NULL, SYS_recvmsg, fd, (long)msg, flags);
}

int em_sys_dup(int fd)
{
	return (int)CALL(0, NULL, SYS_fcntl, fd, F_DUPFD_CLOEXEC, 3);
}

/* ---- reading and writing an fd (iterator output, ebpfmini_btf_dump_fd) ---------------- */

long em_sys_read(int fd, void *buf, size_t len)
{
	return CALL(0, NULL, SYS_read, fd, (long)buf, (long)len);
}

int em_sys_write_all(int fd, const void *buf, size_t len)
{
	return (int)CALL(RET_ZERO, NULL, SYS_write, fd, (long)buf, (long)len);
}

int em_sys_cpus_allowed(void)
{
	uint64_t mask[1024 / 64] = { 0 }; /* CPU_SETSIZE bits */
	long ret = CALL(0, NULL, SYS_sched_getaffinity, 0, (long)sizeof(mask), (long)mask);
	int n = 0;

	if (ret < 0)
		return (int)ret;
	for (size_t i = 0; i < EM_ARRAY_SIZE(mask); i++)
		n += __builtin_popcountll(mask[i]);
	return n ? n : 1; /* a hook's answer writes no mask */
}

bool em_sys_hooked(void)
{
	return hook_fn || hook_ex_fn;
}

/* The running kernel's release string (uname -r), e.g. "6.18.44". */
int em_sys_kernel_release(char *buf, size_t size)
{
	struct utsname uts;
	int ret;

	if (!buf || !size)
		return -EINVAL;
	memset(&uts, 0, sizeof(uts));
	ret = (int)CALL(RET_ZERO, NULL, SYS_uname, (long)&uts);
	snprintf(buf, size, "%s", ret == 0 ? uts.release : "");
	return ret;
}
