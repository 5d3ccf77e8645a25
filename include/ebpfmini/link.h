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
 * ebpfmini_program_attach() - attach by the program's SEC name ("tp/cat/name",
 * "tracepoint/cat/name", ...). Return: as the specific attach function, or
 * -EOPNOTSUPP when the SEC name does not say where to attach.
 */
int ebpfmini_program_attach(struct ebpfmini_program *prog, struct ebpfmini_link **out);

/** ebpfmini_link_fd() - the link's fd (a bpf link or the perf event fd). */
int ebpfmini_link_fd(const struct ebpfmini_link *link);

/**
 * ebpfmini_link_close() - close the link's fds. The kernel detaches when no
 * fd or pin refers to the link any more; a pinned link outlives the process.
 * NULL is a no-op.
 */
void ebpfmini_link_close(struct ebpfmini_link *link);

#ifdef __cplusplus
}
#endif

#endif /* EBPFMINI_LINK_H */
