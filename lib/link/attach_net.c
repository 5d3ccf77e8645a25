/* attach_net.c - network hooks: XDP, tcx, netfilter and network-namespace links; the netlink roads when links are absent (L4 link) */
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "attach_net.h"
#include "ebpfmini/sys.h"
#include "internal.h"
#include "link.h"
#include "sys.h"
#include "uapi_compat.h"

#include "netlink.h" /* EM_XDP_FLAGS_* of <linux/if_link.h> (it clashes with <net/if.h>) */

/* ---- shared by the attach_net/cgroup/sock files ------------------------------------ */

const char *em_attach_net_prog_type(uint32_t type, char *buf, unsigned int size)
{
	const char *name = ebpfmini_sys_prog_type_name(type);

	if (name)
		return name;
	snprintf(buf, size, "program type %u", type);
	return buf;
}

int em_attach_net_prog_fd(const struct ebpfmini_program *prog, const char *subject,
			  const char *hook, const uint32_t *types, unsigned int n)
{
	char have[32], want[160] = "", buf[32];
	uint32_t type = ebpfmini_program_type(prog);
	int fd = ebpfmini_program_fd(prog);
	size_t len = 0;

	if (fd < 0) {
		em_err("%s: the program is not loaded", subject);
		return -EBUSY;
	}
	for (unsigned int i = 0; i < n; i++)
		if (types[i] == type)
			return fd;
	if (n == 0)
		return fd;
	for (unsigned int i = 0; i < n && len < sizeof(want); i++)
		len += (size_t)snprintf(want + len, sizeof(want) - len, "%s%s", i ? " or " : "",
					em_attach_net_prog_type(types[i], buf, sizeof(buf)));
	em_err("%s: a %s program cannot attach to %s (it takes %s)", subject,
	       em_attach_net_prog_type(type, have, sizeof(have)), hook, want);
	return -EINVAL;
}

int em_attach_net_placement(const char *subject, uint32_t flags, int relative_fd,
			    uint32_t relative_id, bool relative_link, uint64_t expected_revision,
			    struct ebpfmini_sys_link_create_opts *lo)
{
	const uint32_t where = EBPFMINI_ATTACH_BEFORE | EBPFMINI_ATTACH_AFTER;

	if ((flags & ~where) || (flags & where) == where || (relative_fd && relative_id) ||
	    relative_fd < 0 ||
	    /* a relative program or link needs before or after */
	    ((relative_fd || relative_id || relative_link) && !(flags & where))) {
		em_err("%s: bad placement options (flags: before or after; a relative fd or "
		       "id, not both, and only with before or after)",
		       subject);
		return -EINVAL;
	}
	/* EBPFMINI_ATTACH_BEFORE/AFTER are the kernel's BPF_F_BEFORE/AFTER */
	lo->flags = flags | (relative_id ? BPF_F_ID : 0) | (relative_link ? BPF_F_LINK : 0);
	lo->relative_id = relative_id;
	lo->relative_fd = relative_id ? 0 : relative_fd;
	lo->expected_revision = expected_revision;
	return 0;
}

_Static_assert(EBPFMINI_ATTACH_BEFORE == BPF_F_BEFORE, "EBPFMINI_ATTACH_BEFORE");
_Static_assert(EBPFMINI_ATTACH_AFTER == BPF_F_AFTER, "EBPFMINI_ATTACH_AFTER");

/* ---- interfaces ---------------------------------------------------------------------- */

/*
 * The interface ifindex, or ifname when ifindex is 0, of the calling
 * thread's network namespace (interface ioctls on a socket: /sys/class/net
 * shows the namespace sysfs was mounted in, not ours). On success *index and
 * name (IF_NAMESIZE bytes) are set. Logs with subject.
 */
static int resolve_interface(const char *subject, int ifindex, const char *ifname, int *index,
			     char name[IF_NAMESIZE])
{
	struct ifreq ifr;
	int sock, err;

	if (ifindex < 0 || (ifindex == 0 && (!ifname || !*ifname))) {
		em_err("%s: no interface given (an ifindex, or ifname in the options)", subject);
		return -EINVAL;
	}
	if (ifindex == 0 && strlen(ifname) >= IF_NAMESIZE) {
		em_err("%s: no interface '%s' (names are shorter than %d bytes)", subject, ifname,
		       IF_NAMESIZE);
		return -ENODEV;
	}
	sock = em_sys_socket(AF_UNIX, SOCK_DGRAM, 0);
	if (sock < 0) {
		em_err("%s: socket for interface lookups: %s", subject, strerror(-sock));
		return sock;
	}
	memset(&ifr, 0, sizeof(ifr));
	if (ifindex) {
		ifr.ifr_ifindex = ifindex;
		err = em_sys_ioctl(sock, SIOCGIFNAME, (unsigned long)&ifr);
	} else {
		memcpy(ifr.ifr_name, ifname, strlen(ifname));
		err = em_sys_ioctl(sock, SIOCGIFINDEX, (unsigned long)&ifr);
	}
	em_sys_close(sock);
	if (err == -ENODEV || err == -ENXIO) {
		if (ifindex)
			em_err("%s: no interface with index %d in this network namespace", subject,
			       ifindex);
		else
			em_err("%s: no interface '%s' in this network namespace", subject, ifname);
		return -ENODEV;
	}
	if (err < 0) {
		em_err("%s: looking up the interface: %s", subject, strerror(-err));
		return err;
	}
	*index = ifindex ? ifindex : ifr.ifr_ifindex;
	memcpy(name, ifr.ifr_name, IF_NAMESIZE);
	name[IF_NAMESIZE - 1] = '\0';
	return 0;
}

/* ---- XDP ------------------------------------------------------------------------------ */

static const char *const xdp_mode_names[] = { "", " (generic)", " (driver)", " (offload)" };

EM_EXPORT int ebpfmini_program_attach_xdp(struct ebpfmini_program *prog, int ifindex,
					  const struct ebpfmini_program_attach_xdp_opts *opts,
					  struct ebpfmini_link **out)
{
	static const uint32_t xdp_flags[] = { 0, EM_XDP_FLAGS_SKB_MODE, EM_XDP_FLAGS_DRV_MODE,
					      EM_XDP_FLAGS_HW_MODE };
	static const uint32_t types[] = { BPF_PROG_TYPE_XDP };
	struct ebpfmini_sys_link_create_opts lo = { .sz = sizeof(lo) };
	char subject[256], target[64], name[IF_NAMESIZE];
	uint32_t mode;
	int prog_fd, fd, err, index;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog || em_opts_check(opts, sizeof(*opts), "xdp attach"))
		return -EINVAL;
	mode = EM_OPT(opts, mode, EBPFMINI_XDP_AUTO);
	snprintf(subject, sizeof(subject), "prog '%s': attach xdp", ebpfmini_program_name(prog));
	if (mode >= EM_ARRAY_SIZE(xdp_flags)) {
		em_err("%s: unknown XDP mode %u", subject, mode);
		return -EINVAL;
	}
	err = resolve_interface(subject, ifindex, EM_OPT(opts, ifname, NULL), &index, name);
	if (err)
		return err;
	snprintf(subject, sizeof(subject), "prog '%s': attach xdp to '%s'%s",
		 ebpfmini_program_name(prog), name, xdp_mode_names[mode]);
	prog_fd = em_attach_net_prog_fd(prog, subject, "XDP", types, 1);
	if (prog_fd < 0)
		return prog_fd;

	snprintf(target, sizeof(target), "xdp %s%s", name, xdp_mode_names[mode]);
	if (ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_XDP_LINK, NULL, 0) == 0) {
		em_debug("%s: no XDP links (Linux 5.9): attaching through netlink (IFLA_XDP)",
			 subject);
		return em_attach_tc_xdp_netlink(prog_fd, index, xdp_flags[mode], subject, target,
						out);
	}
	lo.flags = xdp_flags[mode];
	fd = ebpfmini_sys_link_create(prog_fd, index, BPF_XDP, &lo);
	if (fd < 0) {
		const char *hint = "";

		if (fd == -EBUSY || fd == -EEXIST)
			hint = " (another XDP program is attached in this mode: by a link, or "
			       "by netlink as `ip link set dev IF xdp off` would remove)";
		else if ((fd == -EOPNOTSUPP || fd == -EINVAL || fd == -EM_ENOTSUPP) &&
			 mode >= EBPFMINI_XDP_DRIVER)
			hint = " (the interface's driver lacks this XDP mode: generic mode works "
			       "on every interface)";
		else if (fd == -EINVAL)
			hint = " (a kernel without XDP links (< 5.9), or flags it refuses)";
		em_err("%s: BPF_LINK_CREATE: %s%s", subject, strerror(-fd), hint);
		return fd == -EM_ENOTSUPP ? -EOPNOTSUPP : fd;
	}
	return em_link_new(EM_LINK_BPF, fd, -1, target, out);
}

/* ---- tcx -------------------------------------------------------------------------------- */

/*
 * Kernels without tcx links (< 6.6): a direct-action cls_bpf filter on a
 * clsact qdisc, appended after the filters there. TCX_* verdicts are the
 * TC_ACT_* ones cls_bpf takes (TCX_NEXT is TC_ACT_UNSPEC: the next filter).
 */
static int attach_tc_legacy(struct ebpfmini_program *prog, int prog_fd, int ifindex,
			    const char *ifname, bool ingress, const char *subject, bool placement,
			    struct ebpfmini_link **out)
{
	char why[160], target[64];

	ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TCX, why, sizeof(why));
	if (placement) {
		em_err("%s: placement options need tcx links (Linux 6.6), which this kernel lacks "
		       "(%s)",
		       subject, why);
		return -EOPNOTSUPP;
	}
	em_debug("%s: no tcx links (Linux 6.6): attaching as a cls_bpf filter on a clsact qdisc",
		 subject);
	snprintf(target, sizeof(target), "tc %s %s", ingress ? "ingress" : "egress", ifname);
	return em_attach_tc_netlink(prog_fd, ebpfmini_program_id(prog), ebpfmini_program_name(prog),
				    ifindex, ingress, subject, target, out);
}

EM_EXPORT int ebpfmini_program_attach_tcx(struct ebpfmini_program *prog, int ifindex,
					  const struct ebpfmini_program_attach_tcx_opts *opts,
					  struct ebpfmini_link **out)
{
	static const uint32_t types[] = { BPF_PROG_TYPE_SCHED_CLS };
	struct ebpfmini_sys_link_create_opts lo = { .sz = sizeof(lo) };
	char subject[256], target[64], name[IF_NAMESIZE];
	uint32_t dir, attach_type;
	const char *dir_name;
	int prog_fd, fd, err, index;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog || em_opts_check(opts, sizeof(*opts), "tcx attach"))
		return -EINVAL;
	snprintf(subject, sizeof(subject), "prog '%s': attach tcx", ebpfmini_program_name(prog));
	dir = EM_OPT(opts, direction, EBPFMINI_TCX_FROM_PROGRAM);
	switch (dir) {
	case EBPFMINI_TCX_FROM_PROGRAM:
		attach_type = ebpfmini_program_expected_attach_type(prog);
		if (ebpfmini_program_type(prog) != BPF_PROG_TYPE_SCHED_CLS ||
		    (attach_type != BPF_TCX_INGRESS && attach_type != BPF_TCX_EGRESS)) {
			if (ebpfmini_program_type(prog) == BPF_PROG_TYPE_SCHED_CLS) {
				em_err("%s: SEC '%s' does not say ingress or egress: name it "
				       "tc/ingress or tc/egress, or set the direction in the options",
				       subject, ebpfmini_program_section(prog));
				return -EINVAL;
			}
			attach_type = BPF_TCX_INGRESS; /* the type check below explains */
		}
		break;
	case EBPFMINI_TCX_INGRESS:
		attach_type = BPF_TCX_INGRESS;
		break;
	case EBPFMINI_TCX_EGRESS:
		attach_type = BPF_TCX_EGRESS;
		break;
	default:
		em_err("%s: unknown direction %u", subject, dir);
		return -EINVAL;
	}
	dir_name = attach_type == BPF_TCX_INGRESS ? "ingress" : "egress";
	if (em_attach_net_placement(subject, EM_OPT(opts, flags, 0), EM_OPT(opts, relative_fd, 0),
				    EM_OPT(opts, relative_id, 0),
				    EM_OPT(opts, relative_link, false),
				    EM_OPT(opts, expected_revision, 0), &lo))
		return -EINVAL;
	err = resolve_interface(subject, ifindex, EM_OPT(opts, ifname, NULL), &index, name);
	if (err)
		return err;
	snprintf(subject, sizeof(subject), "prog '%s': attach tcx %s to '%s'",
		 ebpfmini_program_name(prog), dir_name, name);
	prog_fd = em_attach_net_prog_fd(prog, subject, "tcx", types, 1);
	if (prog_fd < 0)
		return prog_fd;

	if (ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TCX, NULL, 0) == 0)
		return attach_tc_legacy(prog, prog_fd, index, name, attach_type == BPF_TCX_INGRESS,
					subject, lo.flags || lo.expected_revision, out);
	fd = ebpfmini_sys_link_create(prog_fd, index, attach_type, &lo);
	if (fd < 0) {
		const char *hint = "";

		if (fd == -ESTALE)
			hint = " (the hook's programs changed: expected_revision is not current)";
		else if (fd == -ENOENT)
			hint = " (the relative program or link is not attached to this hook)";
		else if (fd == -EINVAL || fd == -EOPNOTSUPP || fd == -EM_ENOTSUPP)
			hint = " (kernels before 6.6 have no tcx links: attach through cls_bpf)";
		em_err("%s: BPF_LINK_CREATE: %s%s", subject, strerror(-fd), hint);
		return fd == -EM_ENOTSUPP ? -EOPNOTSUPP : fd;
	}
	snprintf(target, sizeof(target), "tcx %s %s", dir_name, name);
	return em_link_new(EM_LINK_BPF, fd, -1, target, out);
}

/* ---- netfilter ----------------------------------------------------------------------------- */

static const char *nf_family_name(uint32_t pf)
{
	switch (pf) {
	case 1: return "inet";
	case 2: return "ipv4";
	case 3: return "arp";
	case 5: return "netdev";
	case 7: return "bridge";
	case 10: return "ipv6";
	default: return NULL;
	}
}

static const char *nf_hook_name(uint32_t hooknum)
{
	static const char *const names[] = { "prerouting", "input", "forward", "output",
					     "postrouting" };

	return hooknum < EM_ARRAY_SIZE(names) ? names[hooknum] : NULL;
}

EM_EXPORT int ebpfmini_program_attach_netfilter(
	struct ebpfmini_program *prog, const struct ebpfmini_program_attach_netfilter_opts *opts,
	struct ebpfmini_link **out)
{
	static const uint32_t types[] = { BPF_PROG_TYPE_NETFILTER };
	struct ebpfmini_sys_link_create_opts lo = { .sz = sizeof(lo) };
	char subject[256], target[96], pfbuf[16], hookbuf[16];
	const char *pf, *hook;
	int prog_fd, fd;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog || !opts || em_opts_check(opts, sizeof(*opts), "netfilter attach"))
		return -EINVAL;
	lo.netfilter_pf = EM_OPT(opts, pf, 0);
	lo.netfilter_hooknum = EM_OPT(opts, hooknum, 0);
	lo.netfilter_priority = EM_OPT(opts, priority, 0);
	lo.netfilter_flags = EM_OPT(opts, flags, 0);
	pf = nf_family_name(lo.netfilter_pf);
	if (!pf) {
		snprintf(pfbuf, sizeof(pfbuf), "pf %u", lo.netfilter_pf);
		pf = pfbuf;
	}
	hook = nf_hook_name(lo.netfilter_hooknum);
	if (!hook) {
		snprintf(hookbuf, sizeof(hookbuf), "hook %u", lo.netfilter_hooknum);
		hook = hookbuf;
	}
	snprintf(target, sizeof(target), "netfilter %s %s priority %d", pf, hook,
		 lo.netfilter_priority);
	snprintf(subject, sizeof(subject), "prog '%s': attach %s", ebpfmini_program_name(prog),
		 target);
	prog_fd = em_attach_net_prog_fd(prog, subject, "netfilter hooks", types, 1);
	if (prog_fd < 0)
		return prog_fd;

	fd = ebpfmini_sys_link_create(prog_fd, 0, BPF_NETFILTER, &lo);
	if (fd < 0) {
		const char *hint = "";

		if (fd == -ERANGE)
			hint = " (the kernel reserves this priority: INT_MIN and INT_MAX, and "
			       "with defragmentation everything up to -400)";
		else if (fd == -EPROTONOSUPPORT || fd == -EAFNOSUPPORT)
			hint = " (only ipv4 and ipv6 hooks take BPF programs)";
		else if (fd == -EOPNOTSUPP || fd == -EM_ENOTSUPP)
			hint = " (this kernel has no netfilter links: it needs 6.4 and "
			       "CONFIG_NETFILTER_BPF_LINK)";
		else if (fd == -EINVAL)
			hint = " (a hook number or flags the kernel refuses, or a kernel "
			       "without netfilter links)";
		em_err("%s: BPF_LINK_CREATE: %s%s", subject, strerror(-fd), hint);
		return fd == -EM_ENOTSUPP ? -EOPNOTSUPP : fd;
	}
	return em_link_new(EM_LINK_BPF, fd, -1, target, out);
}

/* ---- network namespaces: sk_lookup, flow_dissector ----------------------------------------- */

EM_EXPORT int ebpfmini_program_attach_netns(struct ebpfmini_program *prog, int netns_fd,
					    struct ebpfmini_link **out)
{
	static const uint32_t types[] = { BPF_PROG_TYPE_SK_LOOKUP, BPF_PROG_TYPE_FLOW_DISSECTOR };
	char subject[256], target[96];
	const char *hook;
	uint32_t attach_type;
	struct stat st;
	int prog_fd, ns_fd = netns_fd, fd;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog)
		return -EINVAL;
	if (ebpfmini_program_type(prog) == BPF_PROG_TYPE_FLOW_DISSECTOR) {
		hook = "flow_dissector";
		attach_type = BPF_FLOW_DISSECTOR;
	} else {
		hook = "sk_lookup";
		attach_type = BPF_SK_LOOKUP;
	}
	snprintf(subject, sizeof(subject), "prog '%s': attach %s to %s",
		 ebpfmini_program_name(prog), hook,
		 netns_fd < 0 ? "this network namespace" : "a network namespace");
	prog_fd = em_attach_net_prog_fd(prog, subject, "a network namespace", types, 2);
	if (prog_fd < 0)
		return prog_fd;
	if (netns_fd < 0) {
		/* the thread's own: /proc/self would name the main thread's */
		ns_fd = em_sys_open("/proc/thread-self/ns/net", O_RDONLY, 0);
		if (ns_fd < 0) {
			em_err("%s: open /proc/thread-self/ns/net: %s", subject, strerror(-ns_fd));
			return ns_fd;
		}
	}
	/* "net:[inode]", as /proc/PID/ns/net links read */
	if (em_sys_fstat(ns_fd, &st) == 0)
		snprintf(target, sizeof(target), "%s net:[%llu]", hook,
			 (unsigned long long)st.st_ino);
	else
		snprintf(target, sizeof(target), "%s netns", hook);

	fd = ebpfmini_sys_link_create(prog_fd, ns_fd, attach_type, NULL);
	if (ns_fd != netns_fd)
		em_sys_close(ns_fd);
	if (fd < 0) {
		const char *hint = "";

		if (fd == -E2BIG && attach_type == BPF_FLOW_DISSECTOR)
			hint = " (the namespace has a flow dissector already: one per namespace)";
		else if (fd == -E2BIG)
			hint = " (the namespace has as many sk_lookup programs as it takes)";
		else if (fd == -EEXIST)
			hint = " (a program is attached without a link (BPF_PROG_ATTACH), or the "
			       "initial namespace has a flow dissector, which then applies "
			       "everywhere)";
		else if (fd == -EINVAL && netns_fd >= 0)
			hint = " (is the fd a network namespace, /proc/PID/ns/net?)";
		em_err("%s: BPF_LINK_CREATE: %s%s", subject, strerror(-fd), hint);
		return fd;
	}
	return em_link_new(EM_LINK_BPF, fd, -1, target, out);
}

/* SEC("sk_lookup"), SEC("flow_dissector"): the calling thread's network namespace */
int em_attach_net_auto(struct ebpfmini_program *prog, enum em_attach_kind kind, const char *target,
		       struct ebpfmini_link **out)
{
	(void)kind;
	if (*target) {
		em_err("prog '%s': attach: SEC '%s': nothing may follow the hook name",
		       ebpfmini_program_name(prog), ebpfmini_program_section(prog));
		return -EINVAL;
	}
	return ebpfmini_program_attach_netns(prog, -1, out);
}
