/* link.c - the link object an attach returns: close, pin, detach, update, info (L4 link) */
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpfmini/sys.h"
#include "internal.h"
#include "link.h"
#include "objapi.h"
#include "secdef.h"
#include "sys.h"

/* ---- construction and teardown ---------------------------------------------- */

int em_link_new(enum em_link_kind kind, int fd, int perf_fd, const char *target,
		struct ebpfmini_link **out)
{
	struct ebpfmini_link *link = em_calloc(1, sizeof(*link));

	if (!link || (target && !(link->target = strdup(target)))) {
		free(link);
		if (fd >= 0)
			em_sys_close(fd);
		if (perf_fd >= 0)
			em_sys_close(perf_fd);
		*out = NULL;
		return -ENOMEM;
	}
	link->kind = kind;
	link->fd = fd;
	link->perf_fd = perf_fd;
	*out = link;
	return 0;
}

EM_EXPORT void ebpfmini_link_close(struct ebpfmini_link *link)
{
	if (!link)
		return;
	for (size_t i = 0; i < link->nmembers; i++)
		ebpfmini_link_close(link->members[i]);
	free(link->members);
	if (link->fd >= 0)
		em_sys_close(link->fd);
	if (link->perf_fd >= 0) {
		/* Without a bpf link the program runs for as long as the event is
		 * enabled: stop it first, so that nothing fires after close even if
		 * a forked child still holds the perf fd. */
		if (link->kind == EM_LINK_PERF_IOCTL)
			em_sys_ioctl(link->perf_fd, PERF_EVENT_IOC_DISABLE, 0);
		em_sys_close(link->perf_fd);
	}
	if (link->release)
		link->release(link);
	free(link->target);
	free(link->pin_path);
	free(link);
}

int em_link_set_new(struct ebpfmini_link **members, size_t n, const char *target,
		    struct ebpfmini_link **out)
{
	struct ebpfmini_link *set;
	int err;

	*out = NULL;
	err = em_link_new(EM_LINK_SET, -1, -1, target, &set);
	if (!err)
		set->members = em_calloc(n ? n : 1, sizeof(*members));
	if (err || !set->members) {
		for (size_t i = 0; i < n; i++)
			ebpfmini_link_close(members[i]);
		ebpfmini_link_close(set);
		return -ENOMEM;
	}
	memcpy(set->members, members, n * sizeof(*members));
	set->nmembers = n;
	set->kind = EM_LINK_SET;
	*out = set;
	return 0;
}

int em_link_prog_fd(const struct ebpfmini_program *prog, const char *subject)
{
	int fd = ebpfmini_program_fd(prog);

	if (fd < 0) {
		em_err("%s: the program is not loaded", subject);
		return -EBUSY;
	}
	return fd;
}

EM_EXPORT size_t ebpfmini_link_member_count(const struct ebpfmini_link *link)
{
	if (!link)
		return 0;
	return link->kind == EM_LINK_SET ? link->nmembers : 1;
}

EM_EXPORT struct ebpfmini_link *ebpfmini_link_member(const struct ebpfmini_link *link, size_t i)
{
	if (!link)
		return NULL;
	if (link->kind != EM_LINK_SET)
		return i == 0 ? (struct ebpfmini_link *)link : NULL;
	return i < link->nmembers ? link->members[i] : NULL;
}

EM_EXPORT int ebpfmini_link_fd(const struct ebpfmini_link *link)
{
	if (!link)
		return -EINVAL;
	if (link->kind == EM_LINK_SET)
		return link->nmembers ? ebpfmini_link_fd(link->members[0]) : -EBADF;
	if (link->fd >= 0)
		return link->fd;
	if (link->perf_fd >= 0)
		return link->perf_fd;
	return -EBADF; /* detached perf-event attachment */
}

EM_EXPORT const char *ebpfmini_link_target(const struct ebpfmini_link *link)
{
	return link && link->target ? link->target : "";
}

/* ---- perf-event based attachment (tracepoints now; kprobes, uprobes later) ---- */

int em_link_attach_perf_event(int prog_fd, int perf_fd, uint64_t cookie, const char *subject,
			      const char *target, struct ebpfmini_link **out)
{
	struct ebpfmini_sys_link_create_opts opts = {
		.sz = sizeof(opts),
		.perf_event_bpf_cookie = cookie,
	};
	int fd, err;

	*out = NULL;
	/* Kernels >= 5.15: a bpf link that owns the attachment and can be pinned. */
	fd = ebpfmini_sys_link_create(prog_fd, perf_fd, BPF_PERF_EVENT, &opts);
	if (fd >= 0)
		return em_link_new(EM_LINK_PERF_EVENT, fd, perf_fd, target, out);
	if (fd != -EINVAL && fd != -EOPNOTSUPP && fd != -EM_ENOTSUPP) {
		em_err("%s: BPF_LINK_CREATE (BPF_PERF_EVENT): %s", subject, strerror(-fd));
		em_sys_close(perf_fd);
		return fd;
	}
	if (cookie) {
		em_err("%s: a bpf cookie needs a perf-event link, which this kernel lacks (%s)",
		       subject, em_errno_name(fd));
		em_sys_close(perf_fd);
		return -EOPNOTSUPP;
	}
	/* Older kernels: attach the program to the perf event itself. */
	em_debug("%s: no perf-event link (%s): using PERF_EVENT_IOC_SET_BPF", subject,
		 em_errno_name(fd));
	err = em_sys_ioctl(perf_fd, PERF_EVENT_IOC_SET_BPF, (unsigned long)prog_fd);
	if (err < 0) {
		em_err("%s: PERF_EVENT_IOC_SET_BPF: %s%s", subject, strerror(-err),
		       err == -EINVAL ? " (does the program type fit this hook?)" : "");
		em_sys_close(perf_fd);
		return err;
	}
	err = em_sys_ioctl(perf_fd, PERF_EVENT_IOC_ENABLE, 0);
	if (err < 0) {
		em_err("%s: PERF_EVENT_IOC_ENABLE: %s", subject, strerror(-err));
		em_sys_close(perf_fd);
		return err;
	}
	return em_link_new(EM_LINK_PERF_IOCTL, -1, perf_fd, target, out);
}

/* ---- the target a SEC name gives ------------------------------------------------ */

const char *em_link_sec_target(const struct ebpfmini_program *prog)
{
	const char *target = em_prog_state(prog)->target_func;

	if (target)
		return target;
	em_secdef_find(ebpfmini_program_section(prog), &target);
	return target ? target : "?";
}

/* ---- pinning (the bpffs checks live in pin.c) ------------------------------------ */

EM_EXPORT int ebpfmini_link_pin(struct ebpfmini_link *link, const char *path)
{
	char *copy;
	int err;

	if (!link || !path || !*path)
		return -EINVAL;
	if (link->kind == EM_LINK_SET) {
		em_err("pin '%s': link: %s is a set of %zu links: pin each member "
		       "(ebpfmini_link_member()) at a path of its own",
		       path, ebpfmini_link_target(link), link->nmembers);
		return -EOPNOTSUPP;
	}
	if (link->fd < 0) {
		em_err("pin '%s': link: an attachment without a bpf link (perf event ioctl, socket filter) cannot be pinned",
		       path);
		return -EOPNOTSUPP;
	}
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	err = em_pin_fd(link->fd, path);
	if (err < 0) {
		free(copy);
		return err;
	}
	free(link->pin_path);
	link->pin_path = copy;
	return 0;
}

EM_EXPORT int ebpfmini_link_unpin(struct ebpfmini_link *link, const char *path)
{
	int err;

	if (!link)
		return -EINVAL;
	if (!path)
		path = link->pin_path;
	if (!path)
		return -EINVAL;
	err = em_pin_remove(path);
	if (err)
		return err;
	if (link->pin_path && strcmp(path, link->pin_path) == 0) {
		free(link->pin_path);
		link->pin_path = NULL;
	}
	return 0;
}

/* Kernel info of a bpf link fd; -EINVAL when fd is a bpf object of another kind. */
static int link_fd_info(int fd, struct bpf_link_info *info)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return ebpfmini_sys_obj_get_info(fd, info, &len);
}

/* True when /proc/self/fdinfo/<fd> describes a bpf link ("link_id:" line). */
EM_EXPORT int ebpfmini_link_open_pinned(const char *path, struct ebpfmini_link **out)
{
	struct bpf_link_info info;
	char target[512];
	int fd, err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!path)
		return -EINVAL;
	fd = ebpfmini_sys_obj_get(path, 0);
	if (fd < 0) {
		em_err("pin '%s': link: open: %s", path, strerror(-fd));
		return fd;
	}
	/* OBJ_GET opens maps and programs too; the fd's info would not tell
	 * them apart (every info struct starts with type and id), its fdinfo does. */
	if (!em_kobj_fdinfo_has(fd, "\nlink_id:") || link_fd_info(fd, &info) < 0) {
		em_err("pin '%s': link: open: what is pinned there is not a link", path);
		em_sys_close(fd);
		return -EINVAL;
	}
	snprintf(target, sizeof(target), "pinned %s", path);
	err = em_link_new(EM_LINK_BPF, fd, -1, target, out);
	if (err)
		return err;
	(*out)->pin_path = strdup(path);
	if (!(*out)->pin_path) {
		ebpfmini_link_close(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* ---- detach, update, info ------------------------------------------------------- */

EM_EXPORT int ebpfmini_link_detach(struct ebpfmini_link *link)
{
	int err;

	if (!link)
		return -EINVAL;
	if (link->kind == EM_LINK_SET) {
		int first = 0;

		for (size_t i = 0; i < link->nmembers; i++) {
			err = ebpfmini_link_detach(link->members[i]);
			if (err && !first)
				first = err;
		}
		return first;
	}
	if (link->kind == EM_LINK_PERF_IOCTL) {
		if (link->perf_fd >= 0) {
			em_sys_ioctl(link->perf_fd, PERF_EVENT_IOC_DISABLE, 0);
			em_sys_close(link->perf_fd);
			link->perf_fd = -1;
		}
		return 0;
	}
	if (link->fd < 0) {
		/* no kernel link (socket filter, legacy sockmap attach): undo the
		 * attachment now, once; close then has nothing left to release */
		if (link->release) {
			link->release(link);
			link->release = NULL;
		}
		return 0;
	}
	err = ebpfmini_sys_link_detach(link->fd);
	if (err < 0)
		em_err("link: detach %s: %s%s", ebpfmini_link_target(link), strerror(-err),
		       err == -EOPNOTSUPP ?
			       " (this link type detaches when its last fd and pin are gone)" :
			       "");
	return err;
}

EM_EXPORT int ebpfmini_link_update(struct ebpfmini_link *link, struct ebpfmini_program *prog)
{
	int prog_fd, err;

	if (!link || !prog)
		return -EINVAL;
	prog_fd = ebpfmini_program_fd(prog);
	if (prog_fd < 0) {
		em_err("link: update %s: prog '%s' is not loaded", ebpfmini_link_target(link),
		       ebpfmini_program_name(prog));
		return -EBUSY;
	}
	if (link->kind == EM_LINK_SET) {
		for (size_t i = 0; i < link->nmembers; i++) {
			err = ebpfmini_link_update(link->members[i], prog);
			if (err)
				return err;
		}
		return 0;
	}
	if (link->fd < 0) {
		em_err("link: update %s: an attachment without a bpf link (perf event ioctl, socket filter) cannot be updated",
		       ebpfmini_link_target(link));
		return -EOPNOTSUPP;
	}
	err = ebpfmini_sys_link_update(link->fd, prog_fd, NULL);
	if (err < 0)
		em_err("link: update %s to prog '%s': %s", ebpfmini_link_target(link),
		       ebpfmini_program_name(prog), strerror(-err));
	return err;
}

EM_EXPORT int ebpfmini_link_info(const struct ebpfmini_link *link, struct ebpfmini_link_info *info)
{
	struct bpf_link_info ki;
	int err;

	if (!link || !info ||
	    info->sz < offsetof(struct ebpfmini_link_info, prog_id) + sizeof(info->prog_id))
		return -EINVAL;
	if (link->fd < 0)
		return -EOPNOTSUPP;
	err = link_fd_info(link->fd, &ki);
	if (err < 0)
		return err;
	info->id = ki.id;
	info->type = ki.type;
	info->prog_id = ki.prog_id;
	return 0;
}

EM_EXPORT uint32_t ebpfmini_link_id(const struct ebpfmini_link *link)
{
	struct ebpfmini_link_info info = { .sz = sizeof(info) };

	return ebpfmini_link_info(link, &info) == 0 ? info.id : 0;
}
