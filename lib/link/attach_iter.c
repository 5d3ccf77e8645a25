/* attach_iter.c - BPF iterators: the iterator link, one run per ITER_CREATE, its text output (L4 link) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpfmini/sys.h"
#include "internal.h"
#include "link.h"
#include "sys.h"

#define ITER_READ_DEFAULT_MAX (64u << 20)

EM_EXPORT int ebpfmini_program_attach_iter(struct ebpfmini_program *prog,
					   const struct ebpfmini_program_attach_iter_opts *opts,
					   struct ebpfmini_link **out)
{
	struct ebpfmini_sys_link_create_opts lopts = { .sz = sizeof(lopts) };
	union bpf_iter_link_info info;
	char subject[320], target[320];
	int prog_fd, fd, kinds = 0;
	size_t n;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog)
		return -EINVAL;
	snprintf(subject, sizeof(subject), "prog '%s': attach iterator '%s'",
		 ebpfmini_program_name(prog), em_link_sec_target(prog));
	if (em_opts_check(opts, sizeof(*opts), subject))
		return -EINVAL;
	if (ebpfmini_program_type(prog) != BPF_PROG_TYPE_TRACING ||
	    ebpfmini_program_expected_attach_type(prog) != BPF_TRACE_ITER) {
		em_err("%s: not an iterator program (SEC \"iter/<name>\")", subject);
		return -EINVAL;
	}

	/* the iterator's parameters: a map, a cgroup, or a task */
	memset(&info, 0, sizeof(info));
	snprintf(target, sizeof(target), "iter %s", em_link_sec_target(prog));
	n = strlen(target);
	if (EM_OPT(opts, map_fd, 0) > 0) {
		info.map.map_fd = (uint32_t)opts->map_fd;
		snprintf(target + n, sizeof(target) - n, " map fd %d", opts->map_fd);
		kinds++;
	}
	if (EM_OPT(opts, cgroup_fd, 0) > 0 || EM_OPT(opts, cgroup_id, 0) ||
	    EM_OPT(opts, cgroup_order, 0)) {
		info.cgroup.order = EM_OPT(opts, cgroup_order, 0);
		info.cgroup.cgroup_fd = (uint32_t)EM_OPT(opts, cgroup_fd, 0);
		info.cgroup.cgroup_id = EM_OPT(opts, cgroup_id, 0);
		snprintf(target + n, sizeof(target) - n, " cgroup");
		kinds++;
	}
	if (EM_OPT(opts, tid, 0) || EM_OPT(opts, pid, 0) || EM_OPT(opts, pid_fd, 0) > 0) {
		info.task.tid = EM_OPT(opts, tid, 0);
		info.task.pid = EM_OPT(opts, pid, 0);
		info.task.pid_fd = (uint32_t)EM_OPT(opts, pid_fd, 0);
		snprintf(target + n, sizeof(target) - n, " tid %u pid %u", info.task.tid,
			 info.task.pid);
		kinds++;
	}
	if (kinds > 1) {
		em_err("%s: options of two kinds (a map, a cgroup, a task): set one", subject);
		return -EINVAL;
	}
	prog_fd = em_link_prog_fd(prog, subject);
	if (prog_fd < 0)
		return prog_fd;
	if (kinds) {
		lopts.iter_info = &info;
		lopts.iter_info_len = sizeof(info);
	}
	fd = ebpfmini_sys_link_create(prog_fd, 0, BPF_TRACE_ITER, &lopts);
	if (fd < 0) {
		em_err("%s: BPF_LINK_CREATE: %s%s", subject, strerror(-fd),
		       !kinds && (fd == -EINVAL || fd == -EBADF) ?
			       " (does this iterator need options, such as a map?)" :
		       fd == -EINVAL ? " (does this iterator take these options?)" :
		       fd == -EBADF  ? " (the map or cgroup fd is not open)" :
				       "");
		return fd;
	}
	return em_link_new(EM_LINK_BPF, fd, -1, target, out);
}

EM_EXPORT int ebpfmini_link_iter_open(const struct ebpfmini_link *link)
{
	int fd;

	if (!link || link->fd < 0)
		return -EINVAL;
	fd = ebpfmini_sys_iter_create(link->fd, 0);
	if (fd < 0)
		em_err("link: %s: BPF_ITER_CREATE: %s%s", ebpfmini_link_target(link), strerror(-fd),
		       fd == -EINVAL ? " (not an iterator link?)" : "");
	return fd;
}

EM_EXPORT int ebpfmini_link_iter_read(const struct ebpfmini_link *link, size_t max, char **text,
				      size_t *len)
{
	size_t cap = 4096, used = 0;
	char *buf, *grown;
	int fd;
	long n;

	if (!text)
		return -EINVAL;
	*text = NULL;
	if (len)
		*len = 0;
	if (!max)
		max = ITER_READ_DEFAULT_MAX;
	fd = ebpfmini_link_iter_open(link);
	if (fd < 0)
		return fd;
	buf = malloc(cap + 1);
	if (!buf) {
		em_sys_close(fd);
		return -ENOMEM;
	}
	for (;;) {
		if (used == cap) {
			if (cap > max) {
				n = -E2BIG;
				break;
			}
			cap = cap > SIZE_MAX / 4 ? SIZE_MAX / 2 : cap * 2;
			grown = realloc(buf, cap + 1);
			if (!grown) {
				n = -ENOMEM;
				break;
			}
			buf = grown;
		}
		n = em_sys_read(fd, buf + used, cap - used);
		if (n <= 0)
			break;
		used += (size_t)n;
		if (used > max) {
			n = -E2BIG;
			break;
		}
	}
	em_sys_close(fd);
	if (n < 0) {
		em_err("link: %s: reading the iterator: %s%s", ebpfmini_link_target(link),
		       strerror((int)-n),
		       n == -E2BIG  ? " (more output than the limit)" :
		       n == -EAGAIN ? " (the program asked to restart)" :
				      "");
		free(buf);
		return (int)n;
	}
	buf[used] = '\0';
	*text = buf;
	if (len)
		*len = used;
	return 0;
}

int em_attach_iter_auto(struct ebpfmini_program *prog, enum em_attach_kind kind, const char *target,
			struct ebpfmini_link **out)
{
	(void)kind;
	(void)target; /* resolved to attach_btf_id (bpf_iter_<name>) at load */
	return ebpfmini_program_attach_iter(prog, NULL, out);
}
