/* link.h - private side of the link object: what attach_*.c build and link.c owns (L4) */
#ifndef EBPFMINI_LINK_PRIV_H
#define EBPFMINI_LINK_PRIV_H

#include <stdint.h>

#include "ebpfmini/link.h"
#include "ebpfmini/program.h"

/* How an attachment is held; decides what close and detach do. */
enum em_link_kind {
	EM_LINK_BPF,        /* a bpf link fd (LINK_CREATE, RAW_TRACEPOINT_OPEN, OBJ_GET) */
	EM_LINK_PERF_EVENT, /* a BPF_PERF_EVENT bpf link over a perf event: fd + perf_fd */
	EM_LINK_PERF_IOCTL, /* no bpf link: perf_fd with PERF_EVENT_IOC_SET_BPF (older kernels) */
};

struct ebpfmini_link {
	enum em_link_kind kind;
	int fd;         /* bpf link fd, or -1 (EM_LINK_PERF_IOCTL, or after detach of one) */
	int perf_fd;    /* perf event fd, or -1 */
	char *target;   /* what it is attached to, e.g. "tracepoint syscalls/sys_enter_execve" */
	char *pin_path; /* where it is pinned (pin or open_pinned), or NULL */
	/* Extra teardown for hooks that leave state behind (e.g. a tracefs
	 * kprobe_events entry): called once from close after the fds are closed. */
	void (*release)(struct ebpfmini_link *link);
	void *priv; /* for release */
};

/*
 * em_link_new() - a link that takes ownership of fd and perf_fd (either may
 * be -1, not both). target is copied (may be NULL). On -ENOMEM the fds are
 * closed, so the caller never has to.
 */
int em_link_new(enum em_link_kind kind, int fd, int perf_fd, const char *target,
		struct ebpfmini_link **out);

/*
 * em_link_attach_perf_event() - attach the loaded program prog_fd to the perf
 * event perf_fd: a BPF_PERF_EVENT link, or PERF_EVENT_IOC_SET_BPF plus
 * PERF_EVENT_IOC_ENABLE where the kernel has no such link (EINVAL,
 * EOPNOTSUPP). Takes ownership of perf_fd in every case (closed on error).
 * Logs failures with subject (e.g. "prog 'x': attach tracepoint 'a/b'").
 * Return: 0 or the kernel's errno.
 */
int em_link_attach_perf_event(int prog_fd, int perf_fd, uint64_t cookie, const char *subject,
			      const char *target, struct ebpfmini_link **out);

/*
 * Auto-attach: ebpfmini_program_attach() finds the SEC prefix in a table in
 * link.c and calls its function with the rest of the SEC name ("cat/name"
 * for "tp/cat/name"). Each attach_<hook>.c provides one.
 */
typedef int (*em_auto_attach_fn)(struct ebpfmini_program *prog, const char *target,
				 struct ebpfmini_link **out);

/* attach_tracepoint.c: "tp/<category>/<name>", "tracepoint/<category>/<name>" */
int em_attach_tracepoint_auto(struct ebpfmini_program *prog, const char *target,
			      struct ebpfmini_link **out);

#endif /* EBPFMINI_LINK_PRIV_H */
