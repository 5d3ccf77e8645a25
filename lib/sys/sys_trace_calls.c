/* sys_trace_calls.c - EBPFMINI_TRACE decoding of every kernel call by its number and arguments (L3 sys) */
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include <linux/perf_event.h>

#include "internal.h"
#include "sys.h"
#include "sys_trace.h"
#include "sys_attr.h"
#include "uapi_compat.h"

/* Bytes a call passes or fills, by content: at most TRACE_BYTES of them, read without
 * faulting (a bad pointer is printed as it is). */
#define TRACE_BYTES 64

static void put_buf(struct em_trace *t, uint64_t addr, size_t n)
{
	char b[TRACE_BYTES];
	size_t want = n < sizeof(b) ? n : sizeof(b);
	size_t got = em_sys_trace_read_mem(b, addr, want);

	if (want && got != want)
		em_sys_trace_printf(t, "0x%llx", (unsigned long long)addr);
	else
		em_sys_trace_bytes(t, b, got, n > got);
}

/* The first few events epoll_pwait returned (n of them). */
static void put_events(struct em_trace *t, const struct epoll_event *ev, long n)
{
	em_sys_trace_printf(t, "[");
	for (long i = 0; i < n && i < 4; i++)
		em_sys_trace_printf(t, "%s{events=0x%x, data=0x%llx}", i ? ", " : "",
				    (unsigned int)ev[i].events, (unsigned long long)ev[i].data.u64);
	em_sys_trace_printf(t, n > 4 ? ", ...]" : "]");
}

static void begin_perf_event_open(struct em_trace *t, const struct perf_event_attr *attr,
				  pid_t pid, int cpu, int group_fd, unsigned long flags)
{
	struct perf_event_attr a;
	const char *type;
	uint64_t bits;

	em_sys_trace_begin(t, "perf_event_open(");
	memset(&a, 0, sizeof(a));
	if (!attr || em_sys_trace_read_mem(&a, EM_PTR_U64(attr), sizeof(a)) != sizeof(a)) {
		em_sys_trace_printf(t, "%p", (const void *)attr);
	} else {
		type = em_sys_perf_type_name(a.type);
		if (type)
			em_sys_trace_printf(t, "{type=%s", type);
		else
			em_sys_trace_printf(t, "{type=%u", a.type); /* a dynamic PMU (uprobe, kprobe) */
		em_sys_trace_printf(t, ", size=%u, config=%llu", a.size, (unsigned long long)a.config);
		if (a.sample_period)
			em_sys_trace_printf(t, ", %s=%llu", a.freq ? "sample_freq" : "sample_period",
					(unsigned long long)a.sample_period);
		if (a.sample_type) {
			em_sys_trace_printf(t, ", sample_type=");
			em_sys_trace_flags(t, em_sys_perf_sample_names, a.sample_type);
		}
		/* the flag bit-field word follows read_format */
		memcpy(&bits, (const uint8_t *)&a + offsetof(struct perf_event_attr, read_format) +
				      sizeof(a.read_format),
		       sizeof(bits));
		for (const struct em_flag_name *f = em_sys_perf_attr_bit_names; f->name; f++)
			if (bits & f->bit)
				em_sys_trace_printf(t, ", %s=1", f->name);
		if (a.wakeup_events)
			em_sys_trace_printf(t, ", %s=%u", a.watermark ? "wakeup_watermark" : "wakeup_events",
					a.wakeup_events);
		if (a.config1 && a.type >= PERF_TYPE_MAX) {
			/* a dynamic PMU's config1: the kprobe and uprobe PMUs take the
			 * function or file name there (read without faulting) */
			em_sys_trace_printf(t, ", config1=");
			em_sys_trace_user_string(t, a.config1);
		} else if (a.config1) {
			em_sys_trace_printf(t, ", config1=0x%llx", (unsigned long long)a.config1);
		}
		if (a.config2)
			em_sys_trace_printf(t, ", config2=0x%llx", (unsigned long long)a.config2);
		em_sys_trace_printf(t, "}");
	}
	em_sys_trace_printf(t, ", %d, %d, %d, ", (int)pid, cpu, group_fd);
	em_sys_trace_flags(t, em_sys_perf_flag_names, flags);
}

static void begin_ioctl(struct em_trace *t, int fd, unsigned long request, unsigned long arg)
{
	const char *name = em_sys_perf_ioctl_name(request);

	if (name)
		em_sys_trace_begin(t, "ioctl(%d, %s, %lu", fd, name, arg);
	else
		em_sys_trace_begin(t, "ioctl(%d, 0x%lx, 0x%lx", fd, request, arg);
}

static void begin_mmap(struct em_trace *t, const void *addr, size_t len, int prot, int flags,
			 int fd, off_t off)
{
	static const char *const types[] = { "0", "MAP_SHARED", "MAP_PRIVATE",
					     "MAP_SHARED_VALIDATE" };
	int type = flags & 0x0f;

	if (addr)
		em_sys_trace_begin(t, "mmap(%p, %zu, ", addr, len);
	else
		em_sys_trace_begin(t, "mmap(NULL, %zu, ", len);
	if (prot)
		em_sys_trace_flags(t, em_sys_prot_names, (unsigned)prot);
	else
		em_sys_trace_printf(t, "PROT_NONE");
	if (type < 4)
		em_sys_trace_printf(t, ", %s", types[type]);
	else
		em_sys_trace_printf(t, ", 0x%x", type);
	if (flags & ~0x0f) {
		em_sys_trace_printf(t, "|");
		em_sys_trace_flags(t, em_sys_mmap_flag_names, (unsigned)(flags & ~0x0f));
	}
	em_sys_trace_printf(t, ", %d, %lld", fd, (long long)off);
}

static void begin_open(struct em_trace *t, const char *path, int flags, mode_t mode)
{
	static const char *const modes[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	int rest = flags & ~O_ACCMODE;

	em_sys_trace_begin(t, "openat(");
	em_sys_trace_user_string(t, EM_PTR_U64(path));
	em_sys_trace_printf(t, ", %s", modes[flags & O_ACCMODE]);
	if (rest) {
		em_sys_trace_printf(t, "|");
		em_sys_trace_flags(t, em_sys_open_flag_names, (unsigned)rest);
	}
	if (flags & O_CREAT)
		em_sys_trace_printf(t, ", 0%o", (unsigned)mode);
}

static void begin_epoll_ctl(struct em_trace *t, int epfd, int op, int fd,
			    const struct epoll_event *ev)
{
	static const char *const ops[] = { NULL, "EPOLL_CTL_ADD", "EPOLL_CTL_DEL", "EPOLL_CTL_MOD" };
	const char *name = op >= 0 && op < (int)EM_ARRAY_SIZE(ops) ? ops[op] : NULL;

	if (name)
		em_sys_trace_begin(t, "epoll_ctl(%d, %s, %d", epfd, name, fd);
	else
		em_sys_trace_begin(t, "epoll_ctl(%d, %d, %d", epfd, op, fd);
	if (ev)
		em_sys_trace_printf(t, ", {events=0x%x, data=0x%llx}", (unsigned int)ev->events,
				(unsigned long long)ev->data.u64);
	else
		em_sys_trace_printf(t, ", NULL");
}

void em_sys_trace_call_begin(struct em_trace *t, const struct em_sys_call *c)
{
	const long *a = c->args;

	switch (c->nr) {
	case SYS_bpf:
		em_sys_trace_bpf_begin(t, (int)a[0], (const void *)a[1], (unsigned int)a[2]);
		break;
	case SYS_perf_event_open:
		begin_perf_event_open(t, (const struct perf_event_attr *)a[0], (pid_t)a[1], (int)a[2],
				(int)a[3], (unsigned long)a[4]);
		break;
	case SYS_ioctl:
		begin_ioctl(t, (int)a[0], (unsigned long)a[1], (unsigned long)a[2]);
		break;
	case SYS_mmap:
		begin_mmap(t, (const void *)a[0], (size_t)a[1], (int)a[2], (int)a[3], (int)a[4],
			   (off_t)a[5]);
		break;
	case SYS_munmap:
		em_sys_trace_begin(t, "munmap(%p, %zu", (void *)a[0], (size_t)a[1]);
		break;
	case SYS_madvise:
		em_sys_trace_begin(t, "madvise(%p, %zu, %s", (void *)a[0], (size_t)a[1],
				   (int)a[2] == MADV_HUGEPAGE ? "MADV_HUGEPAGE" : "?");
		break;
	case SYS_openat:
		begin_open(t, (const char *)a[1], (int)a[2], (mode_t)a[3]);
		break;
	case SYS_close:
		em_sys_trace_begin(t, "close(%d", (int)a[0]);
		break;
	case SYS_epoll_create1:
		em_sys_trace_begin(t, "epoll_create1(EPOLL_CLOEXEC");
		break;
	case SYS_epoll_ctl:
		begin_epoll_ctl(t, (int)a[0], (int)a[1], (int)a[2], (const struct epoll_event *)a[3]);
		break;
	case SYS_epoll_pwait: /* the events and the rest after the call */
		em_sys_trace_begin(t, "epoll_pwait(%d", (int)a[0]);
		break;
	case SYS_statfs:
		em_sys_trace_begin(t, "statfs(");
		em_sys_trace_user_string(t, (uint64_t)a[0]);
		break;
	case SYS_fstat:
	case SYS_fstatfs:
		em_sys_trace_begin(t, "%s(%d", c->nr == SYS_fstat ? "fstat" : "fstatfs", (int)a[0]);
		break;
	case SYS_mkdirat:
		em_sys_trace_begin(t, "mkdir(");
		em_sys_trace_user_string(t, (uint64_t)a[1]);
		em_sys_trace_printf(t, ", 0%lo", (unsigned long)a[2]);
		break;
	case SYS_unlinkat:
		em_sys_trace_begin(t, "%s(", a[2] == AT_REMOVEDIR ? "rmdir" : "unlink");
		em_sys_trace_user_string(t, (uint64_t)a[1]);
		break;
	case SYS_socket:
		em_sys_trace_begin(t, "socket(%d, 0x%x, %d", (int)a[0], (unsigned int)a[1], (int)a[2]);
		break;
	case SYS_setsockopt: {
		int v;

		em_sys_trace_begin(t, "setsockopt(%d, %d, %d, ", (int)a[0], (int)a[1], (int)a[2]);
		/* an int option (SO_ATTACH_BPF's program fd) by its value */
		if (a[4] == sizeof(v) && em_sys_trace_read_mem(&v, (uint64_t)a[3], sizeof(v)) == sizeof(v))
			em_sys_trace_printf(t, "[%d]", v);
		else
			em_sys_trace_printf(t, "%p", (const void *)a[3]);
		em_sys_trace_printf(t, ", %u", (unsigned int)a[4]);
		break;
	}
	case SYS_sendmsg:
	case SYS_recvmsg: {
		const struct msghdr *m = (const struct msghdr *)a[1];
		size_t len = 0;

		for (size_t i = 0; i < m->msg_iovlen; i++)
			len += m->msg_iov[i].iov_len;
		em_sys_trace_begin(t, "%s(%d, {iov_len=%zu}, 0x%x", c->nr == SYS_sendmsg ? "sendmsg" : "recvmsg",
			       (int)a[0], len, (unsigned int)a[2]);
		break;
	}
	case SYS_fcntl: /* only F_DUPFD_CLOEXEC */
		em_sys_trace_begin(t, "fcntl(%d, F_DUPFD_CLOEXEC, %d", (int)a[0], (int)a[2]);
		break;
	case SYS_read: /* what was read, after the call */
		em_sys_trace_begin(t, "read(%d", (int)a[0]);
		break;
	case SYS_write:
		em_sys_trace_begin(t, "write(%d, ", (int)a[0]);
		put_buf(t, (uint64_t)a[1], (size_t)a[2]);
		em_sys_trace_printf(t, ", %zu", (size_t)a[2]);
		break;
	case SYS_uname: /* the release, after the call */
		em_sys_trace_begin(t, "uname(");
		break;
	case SYS_sched_getaffinity:
		em_sys_trace_begin(t, "sched_getaffinity(%d, %zu, %p", (int)a[0], (size_t)a[1],
				   (void *)a[2]);
		break;
	default:
		em_sys_trace_begin(t, "syscall(%ld", c->nr);
		break;
	}
}

void em_sys_trace_call_end(struct em_trace *t, const struct em_sys_call *c, long ret, bool real)
{
	const long *a = c->args;
	bool filled = real && ret >= 0; /* the kernel wrote the outputs */
	const struct statfs *sfs;
	const struct stat *st;
	const char *fs;

	switch (c->nr) {
	case SYS_read:
		em_sys_trace_printf(t, ", ");
		if (filled)
			put_buf(t, (uint64_t)a[1], (size_t)ret);
		else
			em_sys_trace_printf(t, "%p", (void *)a[1]);
		em_sys_trace_printf(t, ", %zu", (size_t)a[2]);
		break;
	case SYS_epoll_pwait:
		em_sys_trace_printf(t, ", ");
		if (filled && ret > 0)
			put_events(t, (const struct epoll_event *)a[1], ret);
		else
			em_sys_trace_printf(t, "%p", (void *)a[1]);
		em_sys_trace_printf(t, ", %d, %d, NULL", (int)a[2], (int)a[3]);
		break;
	case SYS_uname:
		if (filled)
			em_sys_trace_printf(t, "{release=\"%.64s\"}",
					    ((const struct utsname *)a[0])->release);
		else
			em_sys_trace_printf(t, "%p", (void *)a[0]);
		break;
	case SYS_statfs:
	case SYS_fstatfs:
		if (!filled)
			break;
		sfs = (const struct statfs *)a[1];
		fs = em_sys_fs_magic_name((unsigned long)sfs->f_type);
		if (fs)
			em_sys_trace_printf(t, ", {f_type=%s}", fs);
		else
			em_sys_trace_printf(t, ", {f_type=0x%lx}", (unsigned long)sfs->f_type);
		break;
	case SYS_fstat:
		if (!filled)
			break;
		st = (const struct stat *)a[1];
		em_sys_trace_printf(t, ", {st_mode=0%o, st_size=%lld}", (unsigned)st->st_mode,
				(long long)st->st_size);
		break;
	default:
		break;
	}
}
