/* sys.c - the kernel edge: every syscall of the library, fault injection and fd hygiene (L3 sys) */
#include <fcntl.h>
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

static em_sys_hook_fn hook_fn;
static em_sys_hook_ex_fn hook_ex_fn;
static void *hook_ctx;

void em_sys_set_hook(em_sys_hook_fn fn, void *ctx)
{
	hook_ex_fn = NULL;
	hook_fn = fn;
	hook_ctx = ctx;
}

void em_sys_set_hook_ex(em_sys_hook_ex_fn fn, void *ctx)
{
	hook_fn = NULL;
	hook_ex_fn = fn;
	hook_ctx = ctx;
}

/* True when the hook answered instead of the kernel: *res is the result. */
static bool ask_hook(struct em_sys_call *call, long *res)
{
	long ret = 0;

	if (hook_ex_fn)
		ret = hook_ex_fn(hook_ctx, call);
	else if (hook_fn)
		ret = hook_fn(hook_ctx, call->nr, call->args[0], (void *)call->args[1]);
	*res = ret == EM_SYS_OK ? 0 : ret;
	return ret != 0;
}

static bool hook2(long nr, long a0, long a1, long *res)
{
	struct em_sys_call call = { .nr = nr, .args = { a0, a1 } };

	return ask_hook(&call, res);
}

/* ---- tracing switch ------------------------------------------------------------- */

/* -1: not decided yet (read EBPFMINI_TRACE on first use), 0 off, 1 on. */
static int trace_state = -1;

int em_sys_tracing(void)
{
	int st = __atomic_load_n(&trace_state, __ATOMIC_RELAXED);

	if (st < 0) {
		const char *env = getenv("EBPFMINI_TRACE");

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

/* ---- fd hygiene ------------------------------------------------------------------ */

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

/* ---- the calls --------------------------------------------------------------------- */

int em_sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	struct em_sys_call call = { .nr = SYS_bpf, .args = { cmd, (long)attr, (long)size } };
	struct em_trace t;
	bool tr = em_sys_tracing();
	long ret;

	if (tr)
		em_trace_bpf_begin(&t, cmd, attr, size);
	if (!ask_hook(&call, &ret)) {
		ret = syscall(SYS_bpf, cmd, attr, size);
		if (ret < 0)
			ret = -errno;
		else if (bpf_cmd_returns_fd(cmd))
			ret = fd_move_up(ret);
	}
	if (tr)
		em_trace_end(&t, ret);
	return (int)ret;
}

EM_EXPORT int ebpfmini_sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	return em_sys_bpf(cmd, attr, size);
}

int em_sys_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
			   unsigned long flags)
{
	struct em_sys_call call = { .nr = SYS_perf_event_open,
				    .args = { (long)attr, pid, cpu, group_fd, (long)flags } };
	struct em_trace t;
	bool tr = em_sys_tracing();
	long ret;

	flags |= PERF_FLAG_FD_CLOEXEC;
	call.args[4] = (long)flags;
	if (tr)
		em_trace_perf_event_open_begin(&t, attr, pid, cpu, group_fd, flags);
	if (!ask_hook(&call, &ret)) {
		ret = syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags);
		ret = ret < 0 ? -errno : fd_move_up(ret);
	}
	if (tr)
		em_trace_end(&t, ret);
	return (int)ret;
}

int em_sys_ioctl(int fd, unsigned long request, unsigned long arg)
{
	struct em_sys_call call = { .nr = SYS_ioctl, .args = { fd, (long)request, (long)arg } };
	struct em_trace t;
	bool tr = em_sys_tracing();
	long ret;

	if (tr)
		em_trace_ioctl_begin(&t, fd, request, arg);
	if (!ask_hook(&call, &ret)) {
		ret = ioctl(fd, request, arg);
		if (ret < 0)
			ret = -errno;
	}
	if (tr)
		em_trace_end(&t, ret);
	return (int)ret;
}

int em_sys_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off, void **out)
{
	struct em_sys_call call = { .nr = SYS_mmap,
				    .args = { (long)addr, (long)len, prot, flags, fd, (long)off } };
	struct em_trace t;
	bool tr = em_sys_tracing();
	void *p = MAP_FAILED;
	long ret;
	int err = 0;

	if (!out)
		return -EINVAL;
	if (tr)
		em_trace_mmap_begin(&t, addr, len, prot, flags, fd, off);
	if (ask_hook(&call, &ret)) {
		if (ret < 0)
			err = (int)-ret;
		else if (ret == 0) /* EM_SYS_OK: no address to hand out */
			err = EINVAL;
		else
			p = (void *)ret;
	} else {
		p = mmap(addr, len, prot, flags, fd, off);
		if (p == MAP_FAILED)
			err = errno;
	}
	if (tr)
		em_trace_end_ptr(&t, err ? NULL : p, err);
	if (err)
		return -err;
	*out = p;
	return 0;
}

int em_sys_munmap(void *addr, size_t len)
{
	struct em_trace t;
	bool tr = em_sys_tracing();
	long ret;

	if (tr)
		em_trace_begin(&t, "munmap(%p, %zu", addr, len);
	if (!hook2(SYS_munmap, (long)addr, (long)len, &ret))
		ret = munmap(addr, len) < 0 ? -errno : 0;
	else if (ret > 0)
		ret = 0;
	if (tr)
		em_trace_end(&t, ret);
	return (int)ret;
}

int em_sys_open(const char *path, int flags, mode_t mode)
{
	struct em_sys_call call = { .nr = SYS_openat, .args = { AT_FDCWD, (long)path, 0, mode } };
	struct em_trace t;
	bool tr = em_sys_tracing();
	long ret;

	if (!path)
		return -EINVAL;
	flags |= O_CLOEXEC;
	call.args[2] = flags;
	if (tr)
		em_trace_open_begin(&t, path, flags, mode);
	if (!ask_hook(&call, &ret)) {
		ret = openat(AT_FDCWD, path, flags, mode);
		ret = ret < 0 ? -errno : fd_move_up(ret);
	}
	if (tr)
		em_trace_end(&t, ret);
	return (int)ret;
}

int em_sys_close(int fd)
{
	struct em_trace t;
	bool tr = em_sys_tracing();
	long ret;

	if (tr)
		em_trace_begin(&t, "close(%d", fd);
	if (!hook2(SYS_close, fd, 0, &ret)) {
		/* On Linux the fd is gone even when close reports EINTR: never retry. */
		ret = close(fd) < 0 && errno != EINTR ? -errno : 0;
	} else if (ret > 0) {
		ret = 0;
	}
	if (tr)
		em_trace_end(&t, ret);
	return (int)ret;
}

/* ---- epoll (ring buffer and perf buffer consumers) ----------------------------------- */

static const char *epoll_op_name(int op)
{
	switch (op) {
	case EPOLL_CTL_ADD:
		return "EPOLL_CTL_ADD";
	case EPOLL_CTL_DEL:
		return "EPOLL_CTL_DEL";
	case EPOLL_CTL_MOD:
		return "EPOLL_CTL_MOD";
	default:
		return NULL;
	}
}

int em_sys_epoll_create(void)
{
	struct em_trace t;
	bool tr = em_sys_tracing();
	long ret;

	if (tr)
		em_trace_begin(&t, "epoll_create1(EPOLL_CLOEXEC");
	if (!hook2(SYS_epoll_create1, EPOLL_CLOEXEC, 0, &ret)) {
		ret = epoll_create1(EPOLL_CLOEXEC);
		ret = ret < 0 ? -errno : fd_move_up(ret);
	}
	if (tr)
		em_trace_end(&t, ret);
	return (int)ret;
}

int em_sys_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	struct em_sys_call call = { .nr = SYS_epoll_ctl, .args = { epfd, op, fd, (long)ev } };
	struct em_trace t;
	bool tr = em_sys_tracing();
	long ret;

	if (tr) {
		const char *name = epoll_op_name(op);

		if (name)
			em_trace_begin(&t, "epoll_ctl(%d, %s, %d", epfd, name, fd);
		else
			em_trace_begin(&t, "epoll_ctl(%d, %d, %d", epfd, op, fd);
		if (ev)
			em_trace_printf(&t, ", {events=0x%x, data=0x%llx}", (unsigned int)ev->events,
					(unsigned long long)ev->data.u64);
		else
			em_trace_printf(&t, ", NULL");
	}
	if (!ask_hook(&call, &ret)) {
		ret = epoll_ctl(epfd, op, fd, ev);
		if (ret < 0)
			ret = -errno;
	} else if (ret > 0) {
		ret = 0;
	}
	if (tr)
		em_trace_end(&t, ret);
	return (int)ret;
}

int em_sys_epoll_wait(int epfd, struct epoll_event *events, int max, int timeout_ms)
{
	struct em_sys_call call = { .nr = SYS_epoll_pwait,
				    .args = { epfd, (long)events, max, timeout_ms } };
	struct em_trace t;
	bool tr = em_sys_tracing();
	long ret;

	if (tr)
		em_trace_begin(&t, "epoll_pwait(%d, %p, %d, %d, NULL", epfd, (void *)events, max,
			       timeout_ms);
	if (!ask_hook(&call, &ret)) {
		ret = epoll_pwait(epfd, events, max, timeout_ms, NULL);
		if (ret < 0)
			ret = -errno;
	}
	if (tr)
		em_trace_end(&t, ret);
	return (int)ret;
}

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
		ssize_t n;

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
		n = read(fd, p + len, cap - len);
		if (n < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			free(p);
			return -err;
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
	struct stat st;
	long ret = 0;
	int fd, err;

	if (!path || !buf)
		return -EINVAL;
	*buf = NULL;
	if (hook_ex_fn)
		ret = hook_ex_fn(hook_ctx, &call);
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
	/* pseudo files (/proc, /sys) report st_size 0: the size is only a hint */
	err = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
			      (uint64_t)st.st_size <= max
		      ? read_all(fd, (size_t)st.st_size, max, buf, size)
		      : read_all(fd, 0, max, buf, size);
	em_sys_close(fd);
	return err;
}

int em_sys_write_file(const char *path, const char *text)
{
	size_t len, done = 0;
	int fd, err = 0;

	if (!path || !text)
		return -EINVAL;
	/* no O_TRUNC: on tracefs probe files truncation would remove every probe */
	fd = em_sys_open(path, O_WRONLY, 0);
	if (fd < 0)
		return fd;
	len = strlen(text);
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		done += (size_t)n;
	}
	em_sys_close(fd);
	return err;
}

int em_sys_statfs_type(const char *path, long *magic)
{
	struct em_trace t;
	struct statfs sfs;
	bool tr = em_sys_tracing();
	long ret;

	if (!path || !magic)
		return -EINVAL;
	if (tr)
		em_trace_begin(&t, "statfs(\"%s\"", path);
	if (hook2(SYS_statfs, (long)path, (long)&sfs, &ret)) {
		if (ret > 0) {
			*magic = ret;
			ret = 0;
		}
	} else {
		if (statfs(path, &sfs) < 0) {
			ret = -errno;
		} else {
			const char *fs = em_fs_magic_name((unsigned long)sfs.f_type);

			*magic = (long)sfs.f_type;
			if (tr && fs)
				em_trace_printf(&t, ", {f_type=%s}", fs);
			else if (tr)
				em_trace_printf(&t, ", {f_type=0x%lx}", (unsigned long)sfs.f_type);
		}
	}
	if (tr)
		em_trace_end(&t, ret);
	return (int)ret;
}

int em_sys_fstat(int fd, struct stat *st)
{
	struct em_trace t;
	bool tr = em_sys_tracing();
	long ret;

	if (!st)
		return -EINVAL;
	if (tr)
		em_trace_begin(&t, "fstat(%d", fd);
	if (hook2(SYS_fstat, fd, (long)st, &ret)) {
		if (ret > 0) { /* injected: a regular file of ret bytes */
			memset(st, 0, sizeof(*st));
			st->st_mode = S_IFREG | 0444;
			st->st_size = ret == EM_SYS_OK ? 0 : ret;
			ret = 0;
		}
	} else if (fstat(fd, st) < 0) {
		ret = -errno;
	} else {
		ret = 0;
		if (tr)
			em_trace_printf(&t, ", {st_mode=0%o, st_size=%lld}", (unsigned)st->st_mode,
					(long long)st->st_size);
	}
	if (tr)
		em_trace_end(&t, ret);
	return (int)ret;
}

/* mkdirat/unlinkat relative to the cwd, hooked and traced under their own names. */
static int path_call(long nr, const char *what, const char *path, long arg)
{
	struct em_sys_call call = { .nr = nr, .args = { AT_FDCWD, (long)path, arg } };
	struct em_trace t;
	bool tr = em_sys_tracing();
	long ret;

	if (!path)
		return -EINVAL;
	if (tr) {
		if (nr == SYS_mkdirat)
			em_trace_begin(&t, "%s(\"%s\", 0%lo", what, path, (unsigned long)arg);
		else
			em_trace_begin(&t, "%s(\"%s\"", what, path);
	}
	if (!ask_hook(&call, &ret)) {
		if (nr == SYS_mkdirat)
			ret = mkdirat(AT_FDCWD, path, (mode_t)arg);
		else
			ret = unlinkat(AT_FDCWD, path, (int)arg);
		if (ret < 0)
			ret = -errno;
	} else if (ret > 0) {
		ret = 0;
	}
	if (tr)
		em_trace_end(&t, ret);
	return (int)ret;
}

int em_sys_mkdir(const char *path, mode_t mode)
{
	return path_call(SYS_mkdirat, "mkdir", path, mode);
}

int em_sys_unlink(const char *path)
{
	return path_call(SYS_unlinkat, "unlink", path, 0);
}

int em_sys_rmdir(const char *path)
{
	return path_call(SYS_unlinkat, "rmdir", path, AT_REMOVEDIR);
}

/* ---- sockets (interface lookups, socket filters) ------------------------------------ */

int em_sys_socket(int domain, int type, int protocol)
{
	struct em_sys_call call = { .nr = SYS_socket, .args = { domain, type, protocol } };
	struct em_trace t;
	bool tr = em_sys_tracing();
	long ret;

	type |= SOCK_CLOEXEC;
	call.args[1] = type;
	if (tr)
		em_trace_begin(&t, "socket(%d, 0x%x, %d", domain, (unsigned int)type, protocol);
	if (!ask_hook(&call, &ret)) {
		ret = socket(domain, type, protocol);
		ret = ret < 0 ? -errno : fd_move_up(ret);
	}
	if (tr)
		em_trace_end(&t, ret);
	return (int)ret;
}

int em_sys_setsockopt(int fd, int level, int name, const void *val, unsigned int len)
{
	struct em_sys_call call = { .nr = SYS_setsockopt,
				    .args = { fd, level, name, (long)val, (long)len } };
	struct em_trace t;
	bool tr = em_sys_tracing();
	long ret;

	if (tr)
		em_trace_begin(&t, "setsockopt(%d, %d, %d, %p, %u", fd, level, name, val, len);
	if (!ask_hook(&call, &ret)) {
		ret = setsockopt(fd, level, name, val, len);
		if (ret < 0)
			ret = -errno;
	} else if (ret > 0) {
		ret = 0;
	}
	if (tr)
		em_trace_end(&t, ret);
	return (int)ret;
}

int em_sys_dup(int fd)
{
	struct em_trace t;
	bool tr = em_sys_tracing();
	long ret;

	if (tr)
		em_trace_begin(&t, "fcntl(%d, F_DUPFD_CLOEXEC, 3", fd);
	if (!hook2(SYS_fcntl, fd, F_DUPFD_CLOEXEC, &ret)) {
		ret = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		if (ret < 0)
			ret = -errno;
	}
	if (tr)
		em_trace_end(&t, ret);
	return (int)ret;
}

/* ---- reading an fd (iterator output) -------------------------------------------------- */

long em_sys_read(int fd, void *buf, size_t len)
{
	struct em_sys_call call = { .nr = SYS_read, .args = { fd, (long)buf, (long)len } };
	struct em_trace t;
	bool tr = em_sys_tracing();
	long ret;

	if (tr)
		em_trace_begin(&t, "read(%d, %p, %zu", fd, buf, len);
	if (!ask_hook(&call, &ret)) {
		do
			ret = read(fd, buf, len);
		while (ret < 0 && errno == EINTR);
		if (ret < 0)
			ret = -errno;
	}
	if (tr)
		em_trace_end(&t, ret);
	return ret;
}

/* Write all of buf to fd (a caller's fd: ebpfmini_btf_dump_fd), retrying short writes. */
int em_sys_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	struct em_trace t;
	bool tr = em_sys_tracing();
	long ret = 0;

	if (tr)
		em_trace_begin(&t, "write(%d, %p, %zu", fd, buf, len);
	while (len) {
		struct em_sys_call call = { .nr = SYS_write, .args = { fd, (long)p, (long)len } };
		long n;

		if (!ask_hook(&call, &n)) {
			n = write(fd, p, len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				n = -errno;
		}
		if (n < 0) {
			ret = n;
			break;
		}
		if (n == 0) {
			ret = -EIO;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (tr)
		em_trace_end(&t, ret);
	return (int)ret;
}

/* The running kernel's release string (uname -r), e.g. "6.18.44". */
int em_sys_kernel_release(char *buf, size_t size)
{
	struct utsname uts;
	struct em_trace t;
	bool tr = em_sys_tracing();
	long ret;

	if (!buf || !size)
		return -EINVAL;
	if (tr)
		em_trace_begin(&t, "uname(%p", (void *)&uts);
	if (!hook2(SYS_uname, (long)&uts, 0, &ret))
		ret = uname(&uts) < 0 ? -errno : 0;
	else if (ret > 0)
		ret = 0;
	if (tr)
		em_trace_end(&t, ret);
	buf[0] = '\0';
	if (ret == 0)
		snprintf(buf, size, "%s", uts.release);
	return (int)ret;
}
