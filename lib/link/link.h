/* link.h - private side of the link object: what attach_*.c build and link.c owns (L4 link) */
#ifndef EBPFMINI_LINK_PRIV_H
#define EBPFMINI_LINK_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ebpfmini/link.h"
#include "ebpfmini/program.h"
#include "secdef.h"

/* How an attachment is held; decides what close and detach do. */
enum em_link_kind {
	EM_LINK_BPF,        /* a bpf link fd (LINK_CREATE, RAW_TRACEPOINT_OPEN, OBJ_GET) */
	EM_LINK_PERF_EVENT, /* a BPF_PERF_EVENT bpf link over a perf event: fd + perf_fd */
	EM_LINK_PERF_IOCTL, /* no bpf link: perf_fd with PERF_EVENT_IOC_SET_BPF (older kernels) */
	EM_LINK_SET,        /* no fd of its own: members[] (one perf event per CPU, ...) */
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
	/* EM_LINK_SET: the member links it owns (each of another kind) */
	struct ebpfmini_link **members;
	size_t nmembers;
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
 * em_link_set_new() - a link that owns n member links (taken over in every
 * case: freed on -ENOMEM) and stands for all of them: close, detach and
 * update act on each member. target is copied (may be NULL).
 */
int em_link_set_new(struct ebpfmini_link **members, size_t n, const char *target,
		    struct ebpfmini_link **out);

/*
 * em_link_prog_fd() - the fd of the loaded prog, or -EBUSY logged as
 * "<subject>: the program is not loaded".
 */
int em_link_prog_fd(const struct ebpfmini_program *prog, const char *subject);

/*
 * Auto-attach: ebpfmini_program_attach() looks the SEC name up in the
 * section table (obj/secdef.c), whose row names an auto-attach kind; link.c
 * maps each kind to the function of its attach_<hook>.c, called with the rest
 * of the SEC name ("cat/name" for "tp/cat/name").
 */
typedef int (*em_auto_attach_fn)(struct ebpfmini_program *prog, enum em_attach_kind kind,
				 const char *target, struct ebpfmini_link **out);

/* The attach function of an auto-attach kind; NULL for EM_ATTACH_NONE (and
 * values out of range). */
em_auto_attach_fn em_link_auto_attach_fn(enum em_attach_kind kind);

/* What prog attaches to: the function ebpfmini_program_set_attach_target()
 * named, else the attach target of its SEC name's row in the section table
 * ("task" for "iter/task"), or "?" when it names none. */
const char *em_link_sec_target(const struct ebpfmini_program *prog);

/* Whether ebpfmini_program_attach() knows where SEC sec attaches (its row has
 * an auto-attach kind, and the target it needs is there). Pure; for tools. */
bool em_link_auto_attachable(const char *sec);
/* The same for prog, whose target may also come from
 * ebpfmini_program_set_attach_target() (a bare "fentry", "freplace"). */
bool em_link_prog_attachable(const struct ebpfmini_program *prog);

/* attach_tracepoint.c: "tp/<category>/<name>", "tracepoint/<category>/<name>" */
int em_attach_tracepoint_auto(struct ebpfmini_program *prog, enum em_attach_kind kind,
			      const char *target, struct ebpfmini_link **out);

/* attach_trace.c: "raw_tp/<name>", "raw_tracepoint[.w]/<name>" (EM_ATTACH_RAW_TRACEPOINT);
 * "tp_btf/", "fentry/", "fexit/", "fmod_ret/", "lsm/" (and ".s") whose target was resolved
 * at load (EM_ATTACH_TRACE) */
int em_attach_trace_auto(struct ebpfmini_program *prog, enum em_attach_kind kind,
			 const char *target, struct ebpfmini_link **out);

/* attach_kprobe.c: "kprobe/<fn>[+<off>]", "kretprobe/<fn>", "ksyscall/<name>", "kretsyscall/<name>" */
int em_attach_kprobe_auto(struct ebpfmini_program *prog, enum em_attach_kind kind,
			  const char *target, struct ebpfmini_link **out);

/* attach_uprobe.c: "uprobe/<path>:<symbol>[+<off>]", "uretprobe/...", "uprobe/<path>:<offset>" */
int em_attach_uprobe_auto(struct ebpfmini_program *prog, enum em_attach_kind kind,
			  const char *target, struct ebpfmini_link **out);

/* attach_usdt.c: "usdt/<path>:<provider>:<name>" (every process) */
int em_attach_usdt_auto(struct ebpfmini_program *prog, enum em_attach_kind kind,
			const char *target, struct ebpfmini_link **out);

/* attach_iter.c: "iter/<name>" (no options: every object of the kind) */
int em_attach_iter_auto(struct ebpfmini_program *prog, enum em_attach_kind kind, const char *target,
			struct ebpfmini_link **out);

/* attach_net.c: "sk_lookup", "flow_dissector" (the calling thread's network namespace) */
int em_attach_net_auto(struct ebpfmini_program *prog, enum em_attach_kind kind, const char *target,
		       struct ebpfmini_link **out);

/* attach_multi.c: "kprobe.multi/<glob>", "kretprobe.multi/<glob>", "kprobe.session/<glob>",
 * "uprobe.multi/<path>:<glob>", "uretprobe.multi/...", "uprobe.session/..." (and ".s") */
int em_attach_multi_auto(struct ebpfmini_program *prog, enum em_attach_kind kind,
			 const char *target, struct ebpfmini_link **out);

#endif /* EBPFMINI_LINK_PRIV_H */
