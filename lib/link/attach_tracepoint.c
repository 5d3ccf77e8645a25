/* attach_tracepoint.c - attach to a tracefs tracepoint through a perf event (L4 link) */
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "link.h"
#include "sys.h"
#include "tracefs.h"

/* Open a perf event that counts tracepoint id on every task; the program
 * attached to it runs on any CPU (tracepoint programs hang off the event's
 * tracepoint, not off one CPU), so one event on CPU 0 is enough. */
static int open_tracepoint_event(uint32_t id)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.size = sizeof(attr);
	attr.config = id;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	return em_sys_perf_event_open(&attr, -1 /* any task */, 0 /* cpu */, -1 /* no group */,
				      PERF_FLAG_FD_CLOEXEC);
}

EM_EXPORT int ebpfmini_program_attach_tracepoint(struct ebpfmini_program *prog,
						 const char *category, const char *name,
						 struct ebpfmini_link **out)
{
	char subject[512], target[512], path[512];
	uint32_t id = 0;
	int prog_fd, pfd, err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog || !category || !name)
		return -EINVAL;
	snprintf(subject, sizeof(subject), "prog '%s': attach tracepoint '%s/%s'",
		 ebpfmini_program_name(prog), category, name);
	prog_fd = ebpfmini_program_fd(prog);
	if (prog_fd < 0) {
		em_err("%s: the program is not loaded", subject);
		return -EBUSY;
	}

	/* 1. the tracepoint's id, from tracefs */
	err = em_tracefs_event_id(category, name, &id);
	switch (err) {
	case 0:
		break;
	case -ENODEV:
		em_err("%s: %s", subject, EM_TRACEFS_MOUNT_HINT);
		return err;
	case -ENOENT:
		if (em_tracefs_path(path, sizeof(path), "events") != 0)
			snprintf(path, sizeof(path), "events");
		em_err("%s: no such tracepoint (%s/%s/%s/id does not exist)", subject, path,
		       category, name);
		return err;
	case -EINVAL:
		em_err("%s: invalid tracepoint name (want category/name)", subject);
		return err;
	default:
		em_err("%s: reading its id from tracefs: %s", subject, strerror(-err));
		return err;
	}

	/* 2. a perf event on it */
	pfd = open_tracepoint_event(id);
	if (pfd < 0) {
		em_err("%s: perf_event_open: %s%s", subject, strerror(-pfd),
		       pfd == -EACCES || pfd == -EPERM ?
			       " (needs root or CAP_PERFMON; see kernel.perf_event_paranoid)" :
			       "");
		return pfd;
	}

	/* 3. the program on the event: a perf-event link, or the ioctl on old kernels */
	snprintf(target, sizeof(target), "tracepoint %s/%s", category, name);
	return em_link_attach_perf_event(prog_fd, pfd, 0, subject, target, out);
}

/* "tp/<category>/<name>": split target at its first '/' */
int em_attach_tracepoint_auto(struct ebpfmini_program *prog, enum em_attach_kind kind,
			      const char *target, struct ebpfmini_link **out)
{
	const char *slash = strchr(target, '/');
	char *category;
	int err;

	(void)kind;
	if (!slash || slash == target || !slash[1]) {
		em_err("prog '%s': attach: SEC '%s' is not tp/<category>/<name>",
		       ebpfmini_program_name(prog), ebpfmini_program_section(prog));
		return -EINVAL;
	}
	category = strndup(target, (size_t)(slash - target));
	if (!category)
		return -ENOMEM;
	err = ebpfmini_program_attach_tracepoint(prog, category, slash + 1, out);
	free(category);
	return err;
}
