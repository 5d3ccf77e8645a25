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

/**
 * ebpfmini_link_fd() - the link's fd (a bpf link or the perf event fd),
 * owned by the link. Return: the fd, -EINVAL (NULL), or -EBADF (an
 * attachment without a bpf link after ebpfmini_link_detach()).
 */
int ebpfmini_link_fd(const struct ebpfmini_link *link);

/**
 * ebpfmini_link_close() - close the link's fds. The kernel detaches when no
 * fd or pin refers to the link any more; a pinned link outlives the process.
 * NULL is a no-op.
 *
 * What outlives the process: a bpf link (tracepoints on kernels >= 5.15 get
 * one, a BPF_PERF_EVENT link) lives while an fd or a bpffs pin refers to it.
 * On kernels without perf-event links the attachment is the perf event
 * itself (PERF_EVENT_IOC_SET_BPF): it cannot be pinned, and it ends when the
 * last fd of the perf event closes, at the latest when the process exits.
 */
void ebpfmini_link_close(struct ebpfmini_link *link);

/**
 * ebpfmini_link_target() - what the link attaches to, for messages and tools,
 * e.g. "tracepoint syscalls/sys_enter_execve"; "pinned <path>" for a link
 * from ebpfmini_link_open_pinned(). Never NULL.
 */
const char *ebpfmini_link_target(const struct ebpfmini_link *link);

/**
 * ebpfmini_link_pin() - pin the link at path on bpffs (BPF_OBJ_PIN); the
 * attachment then outlives the link object and the process until the pin is
 * removed. Missing parent directories under a bpffs mount are created.
 * Return: 0, -EINVAL (NULL argument or empty path), -ENODEV (path is not on
 * bpffs: the log says to mount -t bpf bpf /sys/fs/bpf), -EOPNOTSUPP (a
 * perf-event attachment without a bpf link), -EEXIST (something is pinned
 * there already), -ENOMEM, or the errno of mkdir(2) or of BPF_OBJ_PIN.
 */
int ebpfmini_link_pin(struct ebpfmini_link *link, const char *path);

/**
 * ebpfmini_link_unpin() - remove the pin at path, or at the link's own pin
 * path (from ebpfmini_link_pin() or ebpfmini_link_open_pinned()) when path
 * is NULL. The link object stays valid and attached while it is open.
 * Return: 0, -EINVAL (NULL link, or path NULL and the link is not pinned),
 * or the errno of unlink(2) (-ENOENT...).
 */
int ebpfmini_link_unpin(struct ebpfmini_link *link, const char *path);

/**
 * ebpfmini_link_open_pinned() - open the link pinned at path (BPF_OBJ_GET),
 * e.g. in another process than the one that attached it. Closing the object
 * does not detach while the pin exists.
 * Return: 0, -EINVAL (NULL argument, or path pins a map or program rather
 * than a link), -ENOENT (nothing pinned there), -ENOMEM, or the kernel's errno.
 */
int ebpfmini_link_open_pinned(const char *path, struct ebpfmini_link **out);

/**
 * ebpfmini_link_detach() - detach the program now (BPF_LINK_DETACH), even if
 * pins or other fds refer to the link; the link object stays to be closed.
 * A perf-event attachment without a bpf link is disabled and its perf event
 * closed instead.
 * Return: 0, -EINVAL (NULL), or the kernel's errno: -EOPNOTSUPP for links
 * that cannot be detached apart from their last reference (perf-event and
 * raw tracepoint links: close and unpin them instead).
 */
int ebpfmini_link_detach(struct ebpfmini_link *link);

/**
 * ebpfmini_link_update() - attach a different loaded program through the
 * same link, atomically (BPF_LINK_UPDATE).
 * Return: 0, -EINVAL (NULL argument), -EBUSY (prog not loaded), -EOPNOTSUPP
 * (a perf-event attachment without a bpf link, or a link type the kernel
 * cannot update, such as perf-event links), or the kernel's errno.
 */
int ebpfmini_link_update(struct ebpfmini_link *link, struct ebpfmini_program *prog);

/** What the kernel reports about a link (BPF_OBJ_GET_INFO_BY_FD). */
struct ebpfmini_link_info {
	size_t sz;        /* in: sizeof(struct ebpfmini_link_info) */
	uint32_t id;      /* kernel link id */
	uint32_t type;    /* enum bpf_link_type (ebpfmini_sys_link_type_name() names it) */
	uint32_t prog_id; /* id of the attached program (0 once detached) */
};

/**
 * ebpfmini_link_info() - fill info from the kernel.
 * Return: 0, -EINVAL (NULL, or info->sz too small), -EOPNOTSUPP (a
 * perf-event attachment without a bpf link has no link info), or the
 * kernel's errno.
 */
int ebpfmini_link_info(const struct ebpfmini_link *link, struct ebpfmini_link_info *info);

/** ebpfmini_link_id() - the kernel's id of the bpf link, or 0 when there is
 *  none (perf-event attachment without a bpf link) or it cannot be read. */
uint32_t ebpfmini_link_id(const struct ebpfmini_link *link);

#ifdef __cplusplus
}
#endif

#endif /* EBPFMINI_LINK_H */
