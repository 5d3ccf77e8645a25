/* feature_probe.c - kernel feature probes with a reason: kprobes, uprobes, tracefs, bpffs, trampolines, ... (L3' kernel) */
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "kbtf.h"
#include "ebpfmini/sys.h"
#include "internal.h"
#include "feature.h"
#include "kernel.h"
#include "sys.h"
#include "tracefs.h"
#include "uapi_compat.h"

#define REASON_MAX 320
#define NFEATURES (EBPFMINI_FEATURE_UPROBE_SESSION + 1)

static const char *const feature_names[NFEATURES] = {
	[EBPFMINI_FEATURE_KPROBES] = "kprobes",
	[EBPFMINI_FEATURE_UPROBES] = "uprobes",
	[EBPFMINI_FEATURE_TRACEFS] = "tracefs",
	[EBPFMINI_FEATURE_BPFFS] = "bpffs",
	[EBPFMINI_FEATURE_KERNEL_BTF] = "kernel BTF",
	[EBPFMINI_FEATURE_TRAMPOLINES] = "BPF trampolines",
	[EBPFMINI_FEATURE_BPF_LSM] = "BPF LSM",
	[EBPFMINI_FEATURE_PERF_LINK] = "perf-event links",
	[EBPFMINI_FEATURE_TCX] = "tcx links",
	[EBPFMINI_FEATURE_NETFILTER_LINK] = "netfilter links",
	[EBPFMINI_FEATURE_CGROUP_LINK] = "cgroup links",
	[EBPFMINI_FEATURE_XDP_LINK] = "XDP links",
	[EBPFMINI_FEATURE_KPROBE_MULTI] = "kprobe.multi links",
	[EBPFMINI_FEATURE_UPROBE_MULTI] = "uprobe.multi links",
	[EBPFMINI_FEATURE_KPROBE_SESSION] = "kprobe.session links",
	[EBPFMINI_FEATURE_UPROBE_SESSION] = "uprobe.session links",
};

/* One answer: what the probe found and why. Kernel facts are cached; what
 * depends on mounts (tracefs, bpffs, the tracefs fallbacks) is asked anew. */
struct answer {
	int value; /* 1 yes, 0 no, < 0 an error */
	bool cache;
	char reason[REASON_MAX];
};

static pthread_mutex_t feature_lock = PTHREAD_MUTEX_INITIALIZER;
static struct answer cached[NFEATURES];
static bool have[NFEATURES];

void em_feature_probe_reset(void)
{
	pthread_mutex_lock(&feature_lock);
	memset(have, 0, sizeof(have));
	pthread_mutex_unlock(&feature_lock);
}

static int say(struct answer *a, int value, bool cache, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int say(struct answer *a, int value, bool cache, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->reason, sizeof(a->reason), fmt, ap);
	va_end(ap);
	a->value = value;
	a->cache = cache;
	return value;
}

/* EPERM loading a trampoline program as a privileged process: lockdown. */
static int say_lockdown(struct answer *a, const char *what)
{
	char mode[32];

	if (em_lockdown_mode(mode, sizeof(mode)) == 0)
		return say(a, 0, true,
			   "kernel lockdown (%s) forbids BPF trampolines (loading %s: EPERM)", mode,
			   what);
	return say(a, 0, true,
		   "kernel lockdown (integrity) forbids BPF trampolines (loading %s: EPERM for a "
		   "privileged process; the mode cannot be read from "
		   "/sys/kernel/security/lockdown, integrity assumed)",
		   what);
}

/* kprobes or uprobes: the PMU, else tracefs {k,u}probe_events. */
static int probe_dynamic(struct answer *a, enum em_kuprobe_kind kind)
{
	const char *name = kind == EM_KUPROBE_KPROBE ? "kprobe" : "uprobe";
	char path[512], rel[32];
	uint32_t type = 0;
	unsigned bit = 0;
	int err, fd;

	err = em_pmu_kuprobe(kind, &type, &bit);
	if (err == 0)
		return say(a, 1, true, "the %s PMU (perf event type %u)", name, type);
	snprintf(rel, sizeof(rel), "%s_events", name);
	err = em_tracefs_path(path, sizeof(path), rel);
	if (err == -ENODEV)
		return say(a, 0, false,
			   "no %s PMU (/sys/bus/event_source/devices/%s), and %s to look for "
			   "%s_events",
			   name, name, EM_TRACEFS_MOUNT_HINT, name);
	if (err)
		return say(a, err, false, "%s: %s", path, strerror(-err));
	fd = em_sys_open(path, O_RDONLY, 0);
	if (fd >= 0) {
		em_sys_close(fd);
		return say(a, 1, false, "tracefs %s (no %s PMU)", path, name);
	}
	if (fd != -ENOENT)
		return say(a, fd, false, "%s: %s", path, strerror(-fd));
	return say(a, 0, true, "%s",
		   kind == EM_KUPROBE_KPROBE ? EM_KPROBES_MISSING : EM_UPROBES_MISSING);
}

static int probe_trampolines(struct answer *a)
{
	int fd, link;

	fd = em_feature_load(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, 0, NULL, 0);
	if (fd < 0) {
		if (fd == -ENOENT)
			return say(
				a, 0, true,
				"no kernel BTF, or no function in it to try an fentry program on");
		if (fd == -EPERM) {
			fd = em_feature_load(BPF_PROG_TYPE_SOCKET_FILTER, EM_FEATURE_NO_ATTACH, 0,
					     NULL, 0);
			if (fd == -EPERM)
				return say(a, -EPERM, false,
					   "not allowed to load programs (root, CAP_BPF)");
			if (fd >= 0)
				em_sys_close(fd);
			return say_lockdown(a, "an fentry program");
		}
		return say(a, 0, true, "the kernel does not load fentry programs (%s)",
			   em_errno_name(fd));
	}
	link = ebpfmini_sys_link_create(fd, 0, BPF_TRACE_FENTRY, NULL);
	if (link == -EINVAL || link == -EOPNOTSUPP)
		link = ebpfmini_sys_raw_tracepoint_open(NULL, fd);
	em_sys_close(fd);
	if (link < 0)
		return say(a, 0, true,
			   "fentry programs load but do not attach (%s): the kernel lacks "
			   "ftrace direct calls for trampolines?",
			   em_errno_name(link));
	em_sys_close(link);
	return say(a, 1, true, "fentry programs load and attach");
}

static int probe_bpf_lsm(struct answer *a)
{
	char list[512];
	bool known = em_lockdown_lsm_list(list, sizeof(list)) == 0;
	int fd, link;

	if (known && !em_lockdown_lsm_has(list, "bpf"))
		return say(a, 0, true,
			   "the BPF LSM is not active (active LSMs: %s): boot with bpf in lsm=", list);
	fd = em_feature_load(BPF_PROG_TYPE_LSM, EM_FEATURE_NO_ATTACH, 0, NULL, 0);
	if (fd == -EPERM)
		return say_lockdown(a, "an lsm program");
	if (fd < 0)
		return say(a, 0, true, "the kernel does not load lsm programs (%s)",
			   em_errno_name(fd));
	link = ebpfmini_sys_link_create(fd, 0, BPF_LSM_MAC, NULL);
	em_sys_close(fd);
	if (link < 0)
		return say(a, 0, true, "lsm programs load but do not attach (%s)",
			   em_errno_name(link));
	em_sys_close(link);
	return say(a, 1, true, "lsm programs load and attach%s",
		   known ? "" :
			   " (whether the BPF LSM is active cannot be read: mount "
			   "securityfs on /sys/kernel/security)");
}

static int probe_perf_link(struct answer *a)
{
	int fd = em_feature_load(BPF_PROG_TYPE_TRACEPOINT, EM_FEATURE_NO_ATTACH, 0, NULL, 0), err;

	if (fd < 0)
		return say(a, fd == -EPERM ? -EPERM : 0, fd != -EPERM,
			   "tracepoint programs do not load (%s)", em_errno_name(fd));
	/* the program's own fd is no perf event: EBADF means the kernel got that far */
	err = ebpfmini_sys_link_create(fd, fd, BPF_PERF_EVENT, NULL);
	em_sys_close(fd);
	if (err >= 0)
		em_sys_close(err);
	if (err == -EBADF || err >= 0)
		return say(a, 1, true, "BPF_LINK_CREATE takes BPF_PERF_EVENT");
	return say(a, 0, true,
		   "no perf-event links (Linux 5.15; %s): tracepoints, kprobes and uprobes are "
		   "attached with PERF_EVENT_IOC_SET_BPF and cannot be pinned",
		   em_errno_name(err));
}

static int probe_tcx(struct answer *a)
{
	struct ebpfmini_sys_prog_query_opts q = { .sz = sizeof(q) };
	int err = ebpfmini_sys_prog_query(1 /* lo's ifindex */, BPF_TCX_INGRESS, &q);

	if (err == 0 || err == -ENOSPC)
		return say(a, 1, true, "BPF_PROG_QUERY knows BPF_TCX_INGRESS");
	if (err == -EPERM)
		return say(a, -EPERM, false, "not allowed to query (root, CAP_NET_ADMIN)");
	return say(a, 0, err == -EINVAL,
		   "no tcx (Linux 6.6; BPF_PROG_QUERY of BPF_TCX_INGRESS: %s): TC programs "
		   "attach as cls_bpf filters on a clsact qdisc instead",
		   em_errno_name(err));
}

/*
 * BPF_LINK_CREATE with no program (fd -1) for attach_type: a kernel that
 * knows the attach type for links looks for the program and answers EBADF;
 * one without BPF_LINK_CREATE (< 5.7), or without links of this attach type,
 * refuses the command or the type first with EINVAL. (Kernels from 5.10 look
 * the program up before the attach type; all of them have cgroup and XDP
 * links. This does not tell tcx apart: 6.1 also says EBADF.)
 */
static int probe_link_create(struct answer *a, uint32_t attach_type)
{
	int err = ebpfmini_sys_link_create(-1, -1, attach_type, NULL), v = err;
	const char *name = ebpfmini_sys_attach_type_name(attach_type);

	if (err >= 0) { /* cannot happen without a program; count it as known */
		em_sys_close(err);
		err = -EBADF;
	}
	if (err == -EBADF)
		v = 1;
	else if (err == -EINVAL || err == -EOPNOTSUPP || err == -EM_ENOTSUPP)
		v = 0;
	return say(a, v, v >= 0, "BPF_LINK_CREATE (%s) without a program: %s", name ? name : "?",
		   em_errno_name(err));
}

/*
 * A multi-probe link of attach_type that cannot be made: a kprobe program
 * on a function no kernel has (ENOENT, or ESRCH from ftrace's symbol look-up
 * on 6.12, where the kernel has the link kind),
 * a uprobe program on "/" (EBADF: not a regular file). Without the kind the
 * load (EINVAL) or the link (EINVAL, EOPNOTSUPP without CONFIG_FPROBE) fails.
 */
static int probe_multi(struct answer *a, uint32_t attach_type, const char *needs)
{
	static const char *const syms[] = { "ebpfmini_no_such_function_for_probing" };
	bool kprobe = attach_type == BPF_TRACE_KPROBE_MULTI ||
		      attach_type == BPF_TRACE_KPROBE_SESSION;
	struct em_sys_multi m = { .cnt = 1, .syms = syms, .path = "/" };
	uint64_t offset = 0;
	int fd, err, want = kprobe ? -ENOENT : -EBADF;

	m.offsets = &offset;
	fd = em_feature_load(BPF_PROG_TYPE_KPROBE, attach_type, 0, NULL, 0);
	if (fd < 0)
		return say(a, fd == -EPERM ? -EPERM : 0, fd != -EPERM,
			   "%s programs do not load (%s; %s)", ebpfmini_sys_attach_type_name(attach_type),
			   em_errno_name(fd), needs);
	err = em_sys_link_create_multi(fd, attach_type, &m);
	em_sys_close(fd);
	if (err >= 0)
		em_sys_close(err);
	if (err == want || (kprobe && err == -ESRCH))
		return say(a, 1, true, "BPF_LINK_CREATE takes %s",
			   ebpfmini_sys_attach_type_name(attach_type));
	return say(a, 0, err != -EPERM, "BPF_LINK_CREATE of %s: %s (%s)",
		   ebpfmini_sys_attach_type_name(attach_type), em_errno_name(err), needs);
}

static int probe(enum ebpfmini_feature f, struct answer *a)
{
	const struct ebpfmini_btf *btf;
	const char *root;
	long magic = 0;
	int err, v;

	switch (f) {
	case EBPFMINI_FEATURE_KPROBES:
		return probe_dynamic(a, EM_KUPROBE_KPROBE);
	case EBPFMINI_FEATURE_UPROBES:
		return probe_dynamic(a, EM_KUPROBE_UPROBE);
	case EBPFMINI_FEATURE_TRACEFS:
		root = em_tracefs_root(&err);
		if (root)
			return say(a, 1, false, "tracefs is mounted at %s", root);
		return say(a, 0, false, "%s", EM_TRACEFS_MOUNT_HINT);
	case EBPFMINI_FEATURE_BPFFS:
		err = em_sys_statfs_type("/sys/fs/bpf", &magic);
		if (!err && magic == EM_BPF_FS_MAGIC)
			return say(a, 1, false, "bpffs is mounted at /sys/fs/bpf");
		return say(a, 0, false,
			   "bpffs is not mounted at /sys/fs/bpf: mount -t bpf bpf /sys/fs/bpf");
	case EBPFMINI_FEATURE_KERNEL_BTF:
		err = em_btf_vmlinux_get(NULL, &btf);
		if (!err)
			return say(a, 1, true, "/sys/kernel/btf/vmlinux");
		return say(a, 0, err == -ENOENT,
			   "no kernel BTF (/sys/kernel/btf/vmlinux: %s): the kernel was built "
			   "without CONFIG_DEBUG_INFO_BTF",
			   strerror(-err));
	case EBPFMINI_FEATURE_TRAMPOLINES:
		return probe_trampolines(a);
	case EBPFMINI_FEATURE_BPF_LSM:
		return probe_bpf_lsm(a);
	case EBPFMINI_FEATURE_PERF_LINK:
		return probe_perf_link(a);
	case EBPFMINI_FEATURE_TCX:
		return probe_tcx(a);
	case EBPFMINI_FEATURE_NETFILTER_LINK:
		v = ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_NETFILTER);
		if (v == 1)
			return say(a, 1, true, "netfilter programs load");
		return say(a, v, v == 0,
			   "netfilter programs do not load (Linux 6.4 with "
			   "CONFIG_NETFILTER_BPF_LINK)");
	case EBPFMINI_FEATURE_CGROUP_LINK:
		return probe_link_create(a, BPF_CGROUP_INET_INGRESS);
	case EBPFMINI_FEATURE_XDP_LINK:
		return probe_link_create(a, BPF_XDP);
	case EBPFMINI_FEATURE_KPROBE_MULTI:
		return probe_multi(a, BPF_TRACE_KPROBE_MULTI, "Linux 5.18 with CONFIG_FPROBE");
	case EBPFMINI_FEATURE_UPROBE_MULTI:
		return probe_multi(a, BPF_TRACE_UPROBE_MULTI, "Linux 6.6");
	case EBPFMINI_FEATURE_KPROBE_SESSION:
		return probe_multi(a, BPF_TRACE_KPROBE_SESSION, "Linux 6.10 with CONFIG_FPROBE");
	case EBPFMINI_FEATURE_UPROBE_SESSION:
		return probe_multi(a, BPF_TRACE_UPROBE_SESSION, "Linux 6.13");
	default:
		return say(a, -EINVAL, false, "unknown feature %d", (int)f);
	}
}

/* ---- attach types ------------------------------------------------------------------- */

EM_EXPORT int ebpfmini_sys_probe_attach_type(uint32_t prog_type, uint32_t attach_type)
{
	int v = em_feature_btf_enum_knows("bpf_attach_type", attach_type);

	if (v == 0)
		return 0;
	v = ebpfmini_sys_probe_prog_type(prog_type);
	if (v <= 0)
		return v;
	if (prog_type == BPF_PROG_TYPE_EXT || prog_type == BPF_PROG_TYPE_STRUCT_OPS)
		return 1;
	/* trampolines: fentry, fexit, fmod_ret and lsm load only where the kernel allows them */
	if ((prog_type == BPF_PROG_TYPE_TRACING &&
	     (attach_type == BPF_TRACE_FENTRY || attach_type == BPF_TRACE_FEXIT ||
	      attach_type == BPF_MODIFY_RETURN)) ||
	    prog_type == BPF_PROG_TYPE_LSM)
		return ebpfmini_sys_probe_feature(prog_type == BPF_PROG_TYPE_LSM ?
							  EBPFMINI_FEATURE_BPF_LSM :
							  EBPFMINI_FEATURE_TRAMPOLINES,
						  NULL, 0);
	return em_feature_verdict(em_feature_load(prog_type, attach_type, 0, NULL, 0));
}

EM_EXPORT int ebpfmini_sys_probe_feature(enum ebpfmini_feature feature, char *reason, size_t len)
{
	struct answer a;
	unsigned f = (unsigned)feature;
	bool hit;

	if (f >= NFEATURES || !feature_names[f]) {
		if (reason && len)
			snprintf(reason, len, "unknown feature %u", f);
		return -EINVAL;
	}
	pthread_mutex_lock(&feature_lock);
	hit = have[f];
	if (hit)
		a = cached[f];
	pthread_mutex_unlock(&feature_lock);
	if (!hit) {
		memset(&a, 0, sizeof(a));
		probe(feature, &a);
		if (a.cache && a.value >= 0) {
			pthread_mutex_lock(&feature_lock);
			cached[f] = a;
			have[f] = true;
			pthread_mutex_unlock(&feature_lock);
		}
	}
	if (reason && len)
		snprintf(reason, len, "%s", a.reason);
	return a.value;
}

EM_EXPORT const char *ebpfmini_sys_feature_name(enum ebpfmini_feature feature)
{
	unsigned f = (unsigned)feature;

	return f < NFEATURES && feature_names[f] ? feature_names[f] : NULL;
}
