/* attach_cgroup.c - cgroup programs on a cgroup v2 directory: cgroup links, or BPF_PROG_ATTACH before 5.7 (L4 link) */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "attach_net.h"
#include "ebpfmini/sys.h"
#include "internal.h"
#include "kernel.h"
#include "link.h"
#include "sys.h"
#include "uapi_compat.h"

#define EM_CGROUP_SUPER_MAGIC 0x27e0ebL

/* Every cgroup hook: the attach type, the program type it runs and its SEC name. */
static const struct cgroup_hook {
	uint32_t attach_type;
	uint32_t prog_type;
	const char *name;
} cgroup_hooks[] = {
	{ BPF_CGROUP_INET_INGRESS, BPF_PROG_TYPE_CGROUP_SKB, "cgroup_skb/ingress" },
	{ BPF_CGROUP_INET_EGRESS, BPF_PROG_TYPE_CGROUP_SKB, "cgroup_skb/egress" },
	{ BPF_CGROUP_INET_SOCK_CREATE, BPF_PROG_TYPE_CGROUP_SOCK, "cgroup/sock_create" },
	{ BPF_CGROUP_INET_SOCK_RELEASE, BPF_PROG_TYPE_CGROUP_SOCK, "cgroup/sock_release" },
	{ BPF_CGROUP_INET4_POST_BIND, BPF_PROG_TYPE_CGROUP_SOCK, "cgroup/post_bind4" },
	{ BPF_CGROUP_INET6_POST_BIND, BPF_PROG_TYPE_CGROUP_SOCK, "cgroup/post_bind6" },
	{ BPF_CGROUP_INET4_BIND, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup/bind4" },
	{ BPF_CGROUP_INET6_BIND, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup/bind6" },
	{ BPF_CGROUP_INET4_CONNECT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup/connect4" },
	{ BPF_CGROUP_INET6_CONNECT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup/connect6" },
	{ BPF_CGROUP_UDP4_SENDMSG, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup/sendmsg4" },
	{ BPF_CGROUP_UDP6_SENDMSG, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup/sendmsg6" },
	{ BPF_CGROUP_UDP4_RECVMSG, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup/recvmsg4" },
	{ BPF_CGROUP_UDP6_RECVMSG, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup/recvmsg6" },
	{ BPF_CGROUP_INET4_GETPEERNAME, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup/getpeername4" },
	{ BPF_CGROUP_INET6_GETPEERNAME, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup/getpeername6" },
	{ BPF_CGROUP_INET4_GETSOCKNAME, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup/getsockname4" },
	{ BPF_CGROUP_INET6_GETSOCKNAME, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup/getsockname6" },
	{ BPF_CGROUP_UNIX_CONNECT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup/connect_unix" },
	{ BPF_CGROUP_UNIX_SENDMSG, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup/sendmsg_unix" },
	{ BPF_CGROUP_UNIX_RECVMSG, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup/recvmsg_unix" },
	{ BPF_CGROUP_UNIX_GETPEERNAME, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup/getpeername_unix" },
	{ BPF_CGROUP_UNIX_GETSOCKNAME, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup/getsockname_unix" },
	{ BPF_CGROUP_SOCK_OPS, BPF_PROG_TYPE_SOCK_OPS, "sockops" },
	{ BPF_CGROUP_DEVICE, BPF_PROG_TYPE_CGROUP_DEVICE, "cgroup/dev" },
	{ BPF_CGROUP_SYSCTL, BPF_PROG_TYPE_CGROUP_SYSCTL, "cgroup/sysctl" },
	{ BPF_CGROUP_GETSOCKOPT, BPF_PROG_TYPE_CGROUP_SOCKOPT, "cgroup/getsockopt" },
	{ BPF_CGROUP_SETSOCKOPT, BPF_PROG_TYPE_CGROUP_SOCKOPT, "cgroup/setsockopt" },
	{ BPF_LSM_CGROUP, BPF_PROG_TYPE_LSM, "lsm_cgroup" },
};

/*
 * The hook of prog: its expected attach type, when that is a cgroup hook of
 * its program type. Logs why not (subject, the program's SEC name) and
 * returns NULL otherwise.
 */
static const struct cgroup_hook *hook_of(const struct ebpfmini_program *prog, const char *subject)
{
	uint32_t type = ebpfmini_program_type(prog);
	uint32_t eat = ebpfmini_program_expected_attach_type(prog);
	bool type_known = false;
	char buf[32];

	for (size_t i = 0; i < EM_ARRAY_SIZE(cgroup_hooks); i++) {
		if (cgroup_hooks[i].prog_type != type)
			continue;
		type_known = true;
		if (cgroup_hooks[i].attach_type == eat)
			return &cgroup_hooks[i];
	}
	if (!type_known)
		em_err("%s: a %s program cannot attach to a cgroup (cgroup hooks take "
		       "BPF_PROG_TYPE_CGROUP_SKB, _SOCK, _SOCK_ADDR, _SOCKOPT, _SYSCTL, _DEVICE, "
		       "BPF_PROG_TYPE_SOCK_OPS or LSM (lsm_cgroup) programs)",
		       subject, em_attach_net_prog_type(type, buf, sizeof(buf)));
	else
		em_err("%s: the expected attach type of this %s program, %s, is no cgroup hook "
		       "(name the SEC after one, e.g. cgroup/connect4, or set the expected "
		       "attach type before load)",
		       subject, em_attach_net_prog_type(type, buf, sizeof(buf)),
		       ebpfmini_sys_attach_type_name(eat) ? ebpfmini_sys_attach_type_name(eat)
							  : "unknown");
	return NULL;
}

static const char *prog_attach_hint(int err)
{
	if (err == -EEXIST)
		return " (this program is attached to this hook of the cgroup already)";
	if (err == -EPERM)
		return " (a program attached without BPF_F_ALLOW_MULTI holds the hook)";
	if (err == -EINVAL)
		return " (an expected attach type the program was not loaded with?)";
	return "";
}

/*
 * Kernels without cgroup links (< 5.7): BPF_PROG_ATTACH with
 * BPF_F_ALLOW_MULTI, so that other programs on the hook stay and run too;
 * the link object detaches exactly this program. Placement needs links.
 */
static int attach_cgroup_legacy(int prog_fd, int cgroup_fd, const struct cgroup_hook *hook,
				const char *subject, const char *target, bool placement,
				struct ebpfmini_link **out)
{
	char why[160];

	ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_CGROUP_LINK, why, sizeof(why));
	if (placement) {
		em_err("%s: placement options need cgroup links (Linux 5.7), which this kernel "
		       "lacks (%s)",
		       subject, why);
		return -EOPNOTSUPP;
	}
	em_debug("%s: no cgroup links (Linux 5.7) (%s): attaching with BPF_PROG_ATTACH", subject,
		 why);
	return em_attach_sock_prog_attach(prog_fd, cgroup_fd, hook->attach_type,
					  BPF_F_ALLOW_MULTI, subject, target, prog_attach_hint, out);
}

/* The attach itself; where names the cgroup for messages and the link's target. */
static int attach_cgroup(struct ebpfmini_program *prog, int cgroup_fd, const char *where,
			 const struct ebpfmini_program_attach_cgroup_opts *opts,
			 struct ebpfmini_link **out)
{
	struct ebpfmini_sys_link_create_opts lo = { .sz = sizeof(lo) };
	const struct cgroup_hook *hook;
	char subject[PATH_MAX + 128], target[PATH_MAX + 64];
	int prog_fd, fd;

	snprintf(subject, sizeof(subject), "prog '%s': attach to cgroup %s",
		 ebpfmini_program_name(prog), where);
	prog_fd = ebpfmini_program_fd(prog);
	if (prog_fd < 0) {
		em_err("%s: the program is not loaded", subject);
		return -EBUSY;
	}
	hook = hook_of(prog, subject);
	if (!hook)
		return -EINVAL;
	snprintf(subject, sizeof(subject), "prog '%s': attach %s to cgroup %s",
		 ebpfmini_program_name(prog), hook->name, where);
	if (em_attach_net_placement(subject, EM_OPT(opts, flags, 0), EM_OPT(opts, relative_fd, 0),
				    EM_OPT(opts, relative_id, 0),
				    EM_OPT(opts, relative_link, false),
				    EM_OPT(opts, expected_revision, 0), &lo))
		return -EINVAL;
	snprintf(target, sizeof(target), "%s %s", hook->name, where);
	if (ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_CGROUP_LINK, NULL, 0) == 0)
		return attach_cgroup_legacy(prog_fd, cgroup_fd, hook, subject, target,
					    lo.flags || lo.expected_revision, out);

	fd = ebpfmini_sys_link_create(prog_fd, cgroup_fd, hook->attach_type, &lo);
	if (fd < 0) {
		const char *hint = "";

		if (fd == -EBADF)
			hint = " (the fd is not a cgroup v2 directory)";
		else if (fd == -EINVAL && (lo.flags || lo.expected_revision))
			hint = " (placement in cgroup hooks needs kernel 6.16 or later, and a "
			       "program attached through a link is named by its link: relative_link)";
		else if (fd == -EINVAL)
			hint = " (a kernel without cgroup links (< 5.7), or an expected attach "
			       "type the program was not loaded with)";
		else if (fd == -ESTALE)
			hint = " (the hook's programs changed: expected_revision is not current)";
		em_err("%s: BPF_LINK_CREATE: %s%s", subject, strerror(-fd), hint);
		return fd;
	}
	return em_link_new(EM_LINK_BPF, fd, -1, target, out);
}

EM_EXPORT int ebpfmini_program_attach_cgroup(struct ebpfmini_program *prog, int cgroup_fd,
					     const struct ebpfmini_program_attach_cgroup_opts *opts,
					     struct ebpfmini_link **out)
{
	char where[32];

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog || cgroup_fd < 0 || em_opts_check(opts, sizeof(*opts), "cgroup attach"))
		return -EINVAL;
	snprintf(where, sizeof(where), "fd %d", cgroup_fd);
	return attach_cgroup(prog, cgroup_fd, where, opts, out);
}

/* ---- cgroup paths ----------------------------------------------------------------------- */

/* Decode the octal escapes (\040 for a space...) of a mountinfo field in place. */
static void unescape_mount_field(char *s)
{
	char *w = s;

	for (char *r = s; *r;) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

/*
 * The mount point of the first cgroup2 file system in /proc/self/mountinfo
 * (lines "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE
 * SOURCE SUPEROPTS"), malloc'd into *out. -ENOENT when there is none.
 */
static int cgroup2_mount(char **out)
{
	void *buf = NULL;
	char *line, *save = NULL;
	int err;

	*out = NULL;
	err = em_sys_read_file("/proc/self/mountinfo", 16 << 20, &buf, NULL);
	if (err)
		return err;
	err = -ENOENT;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sep = strstr(line, " - "), *mnt, *end;

		if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0)
			continue;
		/* skip ID, PARENT, MAJ:MIN and ROOT to reach MOUNTPOINT */
		mnt = line;
		for (int field = 0; field < 4 && mnt; field++) {
			mnt = strchr(mnt, ' ');
			if (mnt)
				mnt++;
		}
		if (!mnt || mnt >= sep)
			continue;
		end = strchr(mnt, ' ');
		if (!end || end > sep)
			continue;
		*end = '\0';
		unescape_mount_field(mnt);
		*out = strdup(mnt);
		err = *out ? 0 : -ENOMEM;
		break;
	}
	free(buf);
	return err;
}

EM_EXPORT int ebpfmini_program_attach_cgroup_path(
	struct ebpfmini_program *prog, const char *path,
	const struct ebpfmini_program_attach_cgroup_opts *opts, struct ebpfmini_link **out)
{
	char subject[PATH_MAX + 64];
	char *mnt = NULL, *full = NULL;
	long magic = 0;
	int fd, err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog || !path || em_opts_check(opts, sizeof(*opts), "cgroup attach"))
		return -EINVAL;
	snprintf(subject, sizeof(subject), "prog '%s': attach to cgroup '%s'",
		 ebpfmini_program_name(prog), path);
	if (path[0] != '/') {
		err = cgroup2_mount(&mnt);
		if (err == -ENOENT) {
			em_err("%s: no cgroup v2 file system is mounted to resolve the relative "
			       "path (mount -t cgroup2 none /sys/fs/cgroup)",
			       subject);
			return err;
		}
		if (err) {
			em_err("%s: reading /proc/self/mountinfo: %s", subject, strerror(-err));
			return err;
		}
		if (asprintf(&full, "%s/%s", mnt, path) < 0)
			full = NULL;
		free(mnt);
		if (!full)
			return -ENOMEM;
		path = full;
		snprintf(subject, sizeof(subject), "prog '%s': attach to cgroup '%s'",
			 ebpfmini_program_name(prog), path);
	}

	err = em_sys_statfs_type(path, &magic);
	if (err == 0 && magic != EM_CGROUP2_SUPER_MAGIC) {
		if (magic == EM_CGROUP_SUPER_MAGIC)
			em_err("%s: this is a cgroup v1 hierarchy: BPF programs attach to cgroup "
			       "v2 directories (mount -t cgroup2 none DIR)",
			       subject);
		else
			em_err("%s: not a cgroup v2 directory (its file system is 0x%lx, not "
			       "cgroup2)",
			       subject, magic);
		err = -EMEDIUMTYPE;
		goto out;
	}
	fd = err ? err : em_sys_open(path, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0) {
		err = fd;
		if (err == -ENOENT)
			em_err("%s: no such cgroup (the directory does not exist)", subject);
		else
			em_err("%s: open: %s", subject, strerror(-err));
		goto out;
	}
	err = attach_cgroup(prog, fd, path, opts, out);
	em_sys_close(fd);
out:
	free(full);
	return err;
}
