/* sys_trace_calls.c - EBPFMINI_TRACE decoding of perf_event_open, ioctl, mmap and open (L3 sys) */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/perf_event.h>

#include "internal.h"
#include "sys_trace.h"
#include "sys_attr.h"
#include "uapi_compat.h"

void em_trace_perf_event_open_begin(struct em_trace *t, const struct perf_event_attr *attr,
				    pid_t pid, int cpu, int group_fd, unsigned long flags)
{
	struct perf_event_attr a;
	const char *type;
	uint64_t bits;

	em_trace_begin(t, "perf_event_open(");
	memset(&a, 0, sizeof(a));
	if (!attr || em_trace_read_mem(&a, EM_PTR_U64(attr), sizeof(a)) != sizeof(a)) {
		em_trace_printf(t, "%p", (const void *)attr);
	} else {
		type = em_perf_type_name(a.type);
		if (type)
			em_trace_printf(t, "{type=%s", type);
		else
			em_trace_printf(t, "{type=%u", a.type); /* a dynamic PMU (uprobe, kprobe) */
		em_trace_printf(t, ", size=%u, config=%llu", a.size, (unsigned long long)a.config);
		if (a.sample_period)
			em_trace_printf(t, ", %s=%llu", a.freq ? "sample_freq" : "sample_period",
					(unsigned long long)a.sample_period);
		if (a.sample_type) {
			em_trace_printf(t, ", sample_type=");
			em_trace_flags(t, em_perf_sample_names, a.sample_type);
		}
		/* the flag bit-field word follows read_format */
		memcpy(&bits, (const uint8_t *)&a + offsetof(struct perf_event_attr, read_format) +
				      sizeof(a.read_format),
		       sizeof(bits));
		for (const struct em_flag_name *f = em_perf_attr_bit_names; f->name; f++)
			if (bits & f->bit)
				em_trace_printf(t, ", %s=1", f->name);
		if (a.wakeup_events)
			em_trace_printf(t, ", %s=%u", a.watermark ? "wakeup_watermark" : "wakeup_events",
					a.wakeup_events);
		if (a.config1)
			em_trace_printf(t, ", config1=0x%llx", (unsigned long long)a.config1);
		if (a.config2)
			em_trace_printf(t, ", config2=0x%llx", (unsigned long long)a.config2);
		em_trace_printf(t, "}");
	}
	em_trace_printf(t, ", %d, %d, %d, ", (int)pid, cpu, group_fd);
	em_trace_flags(t, em_perf_flag_names, flags);
}

void em_trace_ioctl_begin(struct em_trace *t, int fd, unsigned long request, unsigned long arg)
{
	const char *name = em_perf_ioctl_name(request);

	if (name)
		em_trace_begin(t, "ioctl(%d, %s, %lu", fd, name, arg);
	else
		em_trace_begin(t, "ioctl(%d, 0x%lx, 0x%lx", fd, request, arg);
}

void em_trace_mmap_begin(struct em_trace *t, const void *addr, size_t len, int prot, int flags,
			 int fd, off_t off)
{
	static const char *const types[] = { "0", "MAP_SHARED", "MAP_PRIVATE",
					     "MAP_SHARED_VALIDATE" };
	int type = flags & 0x0f;

	if (addr)
		em_trace_begin(t, "mmap(%p, %zu, ", addr, len);
	else
		em_trace_begin(t, "mmap(NULL, %zu, ", len);
	if (prot)
		em_trace_flags(t, em_prot_names, (unsigned)prot);
	else
		em_trace_printf(t, "PROT_NONE");
	if (type < 4)
		em_trace_printf(t, ", %s", types[type]);
	else
		em_trace_printf(t, ", 0x%x", type);
	if (flags & ~0x0f) {
		em_trace_printf(t, "|");
		em_trace_flags(t, em_mmap_flag_names, (unsigned)(flags & ~0x0f));
	}
	em_trace_printf(t, ", %d, %lld", fd, (long long)off);
}

void em_trace_open_begin(struct em_trace *t, const char *path, int flags, mode_t mode)
{
	static const char *const modes[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	int rest = flags & ~O_ACCMODE;

	em_trace_begin(t, "openat(");
	em_trace_user_string(t, EM_PTR_U64(path));
	em_trace_printf(t, ", %s", modes[flags & O_ACCMODE]);
	if (rest) {
		em_trace_printf(t, "|");
		em_trace_flags(t, em_open_flag_names, (unsigned)rest);
	}
	if (flags & O_CREAT)
		em_trace_printf(t, ", 0%o", (unsigned)mode);
}
