/* attach_perf.c - perf events (sampling, counters): one event per online CPU with the program on each (L4 link) */
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernel.h"
#include "link.h"
#include "sys.h"

#define ATTR_SIZE_VER0 64 /* PERF_ATTR_SIZE_VER0: what a size of 0 means */
#define ATTR_SIZE_MAX 512

/* One event on cpu (-1: any) for pid (-1: any), the program attached, enabled. */
static int attach_one(int prog_fd, struct perf_event_attr *attr, int pid, int cpu, uint64_t cookie,
		      const char *subject, const char *what, struct ebpfmini_link **out)
{
	char target[300];
	int pfd, err;

	pfd = em_sys_perf_event_open(attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		return pfd; /* the caller logs: an offline CPU is not an error */
	if (cpu >= 0)
		snprintf(target, sizeof(target), "%s cpu %d", what, cpu);
	else
		snprintf(target, sizeof(target), "%s pid %d", what, pid);
	err = em_link_attach_perf_event(prog_fd, pfd, cookie, subject, target, out);
	if (err)
		return err;
	/* a caller's attr may have said disabled = 1: the program is in place now */
	err = em_sys_ioctl((*out)->perf_fd, PERF_EVENT_IOC_ENABLE, 0);
	if (err) {
		em_err("%s: PERF_EVENT_IOC_ENABLE: %s", subject, strerror(-err));
		ebpfmini_link_close(*out);
		*out = NULL;
	}
	return err;
}

static const char *open_hint(int err)
{
	switch (err) {
	case -EACCES:
	case -EPERM:
		return " (needs root or CAP_PERFMON; see kernel.perf_event_paranoid)";
	case -ENOENT:
	case -EOPNOTSUPP:
		return " (this machine has no such event: no PMU for the type, or no "
		       "hardware counters in a virtual machine?)";
	case -EINVAL:
		return " (a field of the attr this kernel does not take?)";
	case -ESRCH:
		return " (no such process)";
	default:
		return "";
	}
}

EM_EXPORT int
ebpfmini_program_attach_perf_event(struct ebpfmini_program *prog, const void *perf_event_attr,
				   const struct ebpfmini_program_attach_perf_event_opts *opts,
				   struct ebpfmini_link **out)
{
	union {
		struct perf_event_attr attr;
		uint8_t raw[ATTR_SIZE_MAX];
	} buf;
	struct ebpfmini_link **members = NULL;
	char subject[320], what[200], target[260];
	int pid, cpu, prog_fd, err = 0, *cpus = NULL, one;
	size_t ncpus = 0, nmembers = 0;
	uint32_t size;
	uint64_t cookie;
	bool one_cpu;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog || !perf_event_attr)
		return -EINVAL;
	memcpy(&size, (const uint8_t *)perf_event_attr + 4, sizeof(size)); /* attr.size */
	memset(&buf, 0, sizeof(buf));
	memcpy(&buf.attr, perf_event_attr, 8); /* type and size */
	snprintf(what, sizeof(what), "perf_event type %u config 0x%llx", buf.attr.type,
		 (unsigned long long)((const struct perf_event_attr *)perf_event_attr)->config);
	snprintf(subject, sizeof(subject), "prog '%s': attach %s", ebpfmini_program_name(prog),
		 what);
	if (em_opts_check(opts, sizeof(*opts), subject))
		return -EINVAL;
	pid = EM_OPT(opts, pid, 0);
	one_cpu = EM_OPT(opts, one_cpu, false);
	cpu = EM_OPT(opts, cpu, 0);
	cookie = EM_OPT(opts, cookie, 0);
	if (!size)
		size = ATTR_SIZE_VER0;
	if (size > ATTR_SIZE_MAX || size < ATTR_SIZE_VER0 || pid < 0 || (one_cpu && cpu < 0)) {
		em_err("%s: %s", subject,
		       size > ATTR_SIZE_MAX  ? "attr.size is over 512" :
		       size < ATTR_SIZE_VER0 ? "attr.size is below 64 (PERF_ATTR_SIZE_VER0)" :
		       pid < 0               ? "a negative pid (0 means every process)" :
					       "a negative cpu");
		return size > ATTR_SIZE_MAX ? -E2BIG : -EINVAL;
	}
	memcpy(&buf.attr, perf_event_attr, size);
	buf.attr.size = size;
	prog_fd = em_link_prog_fd(prog, subject);
	if (prog_fd < 0)
		return prog_fd;

	/* a process on any CPU, or one CPU: a single event and link */
	if (pid > 0 || one_cpu) {
		err = attach_one(prog_fd, &buf.attr, pid > 0 ? pid : -1, one_cpu ? cpu : -1, cookie,
				 subject, what, out);
		if (err < 0 && !*out && err != -ENOMEM)
			em_err("%s: perf_event_open: %s%s", subject, strerror(-err),
			       open_hint(err));
		return err;
	}

	/* every process: one event per online CPU, held as one link */
	err = em_cpus_online(&cpus, &ncpus);
	if (err) {
		em_err("%s: the online CPUs (/sys/devices/system/cpu/online): %s", subject,
		       strerror(-err));
		return err;
	}
	members = em_calloc(ncpus, sizeof(*members));
	if (!members) {
		free(cpus);
		return -ENOMEM;
	}
	for (size_t i = 0; i < ncpus; i++) {
		one = attach_one(prog_fd, &buf.attr, -1, cpus[i], cookie, subject, what,
				 &members[nmembers]);
		if (one == -ENODEV)
			continue; /* the CPU went offline since the list was read */
		if (one < 0) {
			err = one;
			if (!members[nmembers])
				em_err("%s: perf_event_open on CPU %d: %s%s", subject, cpus[i],
				       strerror(-err), open_hint(err));
			break;
		}
		nmembers++;
	}
	if (!err && !nmembers) {
		em_err("%s: every CPU went offline", subject);
		err = -ENODEV;
	}
	if (err) {
		for (size_t i = 0; i < nmembers; i++)
			ebpfmini_link_close(members[i]);
		free(members);
		free(cpus);
		return err;
	}
	snprintf(target, sizeof(target), "%s on %zu CPUs", what, nmembers);
	err = em_link_set_new(members, nmembers, target, out);
	free(members);
	free(cpus);
	return err;
}
