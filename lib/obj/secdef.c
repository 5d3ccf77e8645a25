/* secdef.c - the one SEC("...") table: section name -> program type, attach type, load target, auto-attach (L2 obj, pure) */
#include <linux/btf.h>
#include <string.h>

#include "internal.h"
#include "secdef.h"
#include "uapi_compat.h" /* tcx, netfilter, unix sockaddr and uprobe_multi values */

/*
 * One row per SEC name libbpf users know. Matching: first match wins, so the
 * longer names come first.
 * - NAMED(prefix, prog type, expected attach type, prog flags, load target,
 *   auto-attach): the name is the prefix, or the prefix, '/' and an attach
 *   target ("kprobe/do_sys_open"); a bare "kprobe" matches too and leaves the
 *   target to the caller. The load target (enum em_btf_target, without its
 *   EM_BTF_TARGET_ prefix) says what load resolves the target to, the
 *   auto-attach kind (enum em_attach_kind, without EM_ATTACH_) which attach
 *   function of link/ ebpfmini_program_attach() hands it to.
 * - FIXED(prefix, prog type, expected attach type, prog flags, auto-attach):
 *   the name must equal the prefix ("xdp", "cgroup/connect4").
 */
/* clang-format off */
#define NAMED(prefix, type, eat, flags, btf, attach) \
	{ prefix, type, eat, flags, true, EM_BTF_TARGET_##btf, EM_ATTACH_##attach }
#define FIXED(prefix, type, eat, flags, attach) \
	{ prefix, type, eat, flags, false, EM_BTF_TARGET_NONE, EM_ATTACH_##attach }
#define SLP BPF_F_SLEEPABLE
#define FRAGS BPF_F_XDP_HAS_FRAGS

static const struct em_secdef secdefs[] = {
	FIXED("socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, 0, NONE),
	FIXED("sk_reuseport/migrate", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, 0, NONE),
	FIXED("sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT, 0, NONE),
	/* probes */
	NAMED("kprobe.multi", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0, NONE, KPROBE_MULTI),
	NAMED("kretprobe.multi", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0, NONE, KRETPROBE_MULTI),
	NAMED("kprobe.session", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_SESSION, 0, NONE, KPROBE_MULTI),
	NAMED("uprobe.multi.s", BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, SLP, NONE, UPROBE_MULTI),
	NAMED("uprobe.multi", BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, 0, NONE, UPROBE_MULTI),
	NAMED("uretprobe.multi.s", BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, SLP, NONE, URETPROBE_MULTI),
	NAMED("uretprobe.multi", BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, 0, NONE, URETPROBE_MULTI),
	NAMED("uprobe.session.s", BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_SESSION, SLP, NONE, UPROBE_MULTI),
	NAMED("uprobe.session", BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_SESSION, 0, NONE, UPROBE_MULTI),
	NAMED("kprobe", BPF_PROG_TYPE_KPROBE, 0, 0, NONE, KPROBE),
	NAMED("kretprobe", BPF_PROG_TYPE_KPROBE, 0, 0, NONE, KRETPROBE),
	NAMED("uprobe.s", BPF_PROG_TYPE_KPROBE, 0, SLP, NONE, UPROBE),
	NAMED("uprobe", BPF_PROG_TYPE_KPROBE, 0, 0, NONE, UPROBE),
	NAMED("uretprobe.s", BPF_PROG_TYPE_KPROBE, 0, SLP, NONE, URETPROBE),
	NAMED("uretprobe", BPF_PROG_TYPE_KPROBE, 0, 0, NONE, URETPROBE),
	NAMED("ksyscall", BPF_PROG_TYPE_KPROBE, 0, 0, NONE, KSYSCALL),
	NAMED("kretsyscall", BPF_PROG_TYPE_KPROBE, 0, 0, NONE, KRETSYSCALL),
	NAMED("usdt.s", BPF_PROG_TYPE_KPROBE, 0, SLP, NONE, USDT),
	NAMED("usdt", BPF_PROG_TYPE_KPROBE, 0, 0, NONE, USDT),
	/* traffic control */
	FIXED("tc/ingress", BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_INGRESS, 0, NONE),
	FIXED("tc/egress", BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_EGRESS, 0, NONE),
	FIXED("tcx/ingress", BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_INGRESS, 0, NONE),
	FIXED("tcx/egress", BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_EGRESS, 0, NONE),
	FIXED("tc", BPF_PROG_TYPE_SCHED_CLS, 0, 0, NONE),
	FIXED("classifier", BPF_PROG_TYPE_SCHED_CLS, 0, 0, NONE),
	FIXED("action", BPF_PROG_TYPE_SCHED_ACT, 0, 0, NONE),
	/* tracepoints */
	NAMED("tracepoint", BPF_PROG_TYPE_TRACEPOINT, 0, 0, NONE, TRACEPOINT),
	NAMED("tp", BPF_PROG_TYPE_TRACEPOINT, 0, 0, NONE, TRACEPOINT),
	NAMED("raw_tracepoint.w", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, 0, NONE, RAW_TRACEPOINT),
	NAMED("raw_tp.w", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, 0, NONE, RAW_TRACEPOINT),
	NAMED("raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, NONE, RAW_TRACEPOINT),
	NAMED("raw_tp", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, NONE, RAW_TRACEPOINT),
	NAMED("tp_btf", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, 0, RAW_TP, TRACE),
	/* trampolines */
	NAMED("fentry.s", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, SLP, FUNC, TRACE),
	NAMED("fmod_ret.s", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, SLP, FUNC, TRACE),
	NAMED("fexit.s", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, SLP, FUNC, TRACE),
	NAMED("fentry", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, 0, FUNC, TRACE),
	NAMED("fmod_ret", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, 0, FUNC, TRACE),
	NAMED("fexit", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, 0, FUNC, TRACE),
	NAMED("freplace", BPF_PROG_TYPE_EXT, 0, 0, PROG, TRACE),
	NAMED("lsm.s", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, SLP, LSM, TRACE),
	NAMED("lsm_cgroup", BPF_PROG_TYPE_LSM, BPF_LSM_CGROUP, 0, LSM, NONE),
	NAMED("lsm", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, 0, LSM, TRACE),
	NAMED("iter.s", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, SLP, ITER, ITER),
	NAMED("iter", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, 0, ITER, ITER),
	FIXED("syscall", BPF_PROG_TYPE_SYSCALL, 0, SLP, NONE),
	/* XDP */
	FIXED("xdp.frags/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, FRAGS, NONE),
	FIXED("xdp/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, 0, NONE),
	FIXED("xdp.frags/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, FRAGS, NONE),
	FIXED("xdp/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, 0, NONE),
	FIXED("xdp.frags", BPF_PROG_TYPE_XDP, BPF_XDP, FRAGS, NONE),
	FIXED("xdp", BPF_PROG_TYPE_XDP, BPF_XDP, 0, NONE),
	FIXED("perf_event", BPF_PROG_TYPE_PERF_EVENT, 0, 0, NONE),
	/* lightweight tunnels */
	FIXED("lwt_in", BPF_PROG_TYPE_LWT_IN, 0, 0, NONE),
	FIXED("lwt_out", BPF_PROG_TYPE_LWT_OUT, 0, 0, NONE),
	FIXED("lwt_xmit", BPF_PROG_TYPE_LWT_XMIT, 0, 0, NONE),
	FIXED("lwt_seg6local", BPF_PROG_TYPE_LWT_SEG6LOCAL, 0, 0, NONE),
	/* sockets */
	FIXED("sockops", BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS, 0, NONE),
	FIXED("sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_PARSER, 0, NONE),
	FIXED("sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_VERDICT, 0, NONE),
	FIXED("sk_skb/verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_VERDICT, 0, NONE),
	FIXED("sk_skb", BPF_PROG_TYPE_SK_SKB, 0, 0, NONE),
	FIXED("sk_msg", BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT, 0, NONE),
	FIXED("lirc_mode2", BPF_PROG_TYPE_LIRC_MODE2, BPF_LIRC_MODE2, 0, NONE),
	FIXED("flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, 0, NETNS),
	FIXED("sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, 0, NETNS),
	FIXED("netfilter", BPF_PROG_TYPE_NETFILTER, BPF_NETFILTER, 0, NONE),
	/* cgroups */
	FIXED("cgroup_skb/ingress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, 0, NONE),
	FIXED("cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 0, NONE),
	FIXED("cgroup/skb", BPF_PROG_TYPE_CGROUP_SKB, 0, 0, NONE),
	FIXED("cgroup/sock_create", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0, NONE),
	FIXED("cgroup/sock_release", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE, 0, NONE),
	FIXED("cgroup/sock", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0, NONE),
	FIXED("cgroup/post_bind4", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND, 0, NONE),
	FIXED("cgroup/post_bind6", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET6_POST_BIND, 0, NONE),
	FIXED("cgroup/bind4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND, 0, NONE),
	FIXED("cgroup/bind6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND, 0, NONE),
	FIXED("cgroup/connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, 0, NONE),
	FIXED("cgroup/connect6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, 0, NONE),
	FIXED("cgroup/connect_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_CONNECT, 0, NONE),
	FIXED("cgroup/sendmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG, 0, NONE),
	FIXED("cgroup/sendmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, 0, NONE),
	FIXED("cgroup/sendmsg_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_SENDMSG, 0, NONE),
	FIXED("cgroup/recvmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG, 0, NONE),
	FIXED("cgroup/recvmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_RECVMSG, 0, NONE),
	FIXED("cgroup/recvmsg_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_RECVMSG, 0, NONE),
	FIXED("cgroup/getpeername4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETPEERNAME, 0, NONE),
	FIXED("cgroup/getpeername6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETPEERNAME, 0, NONE),
	FIXED("cgroup/getpeername_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_GETPEERNAME, 0, NONE),
	FIXED("cgroup/getsockname4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETSOCKNAME, 0, NONE),
	FIXED("cgroup/getsockname6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETSOCKNAME, 0, NONE),
	FIXED("cgroup/getsockname_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_GETSOCKNAME, 0, NONE),
	FIXED("cgroup/sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, 0, NONE),
	FIXED("cgroup/getsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, 0, NONE),
	FIXED("cgroup/setsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT, 0, NONE),
	FIXED("cgroup/dev", BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, 0, NONE),
	/* struct_ops: the part after '/' names the member it implements */
	NAMED("struct_ops.s", BPF_PROG_TYPE_STRUCT_OPS, 0, SLP, NONE, NONE),
	NAMED("struct_ops", BPF_PROG_TYPE_STRUCT_OPS, 0, 0, NONE, NONE),
};
/* clang-format on */

#undef NAMED
#undef FIXED
#undef SLP
#undef FRAGS

const struct em_secdef *em_secdef_find(const char *sec_name, const char **attach_target)
{
	if (attach_target)
		*attach_target = NULL;
	if (!sec_name)
		return NULL;
	for (size_t i = 0; i < EM_ARRAY_SIZE(secdefs); i++) {
		const struct em_secdef *d = &secdefs[i];
		size_t len = strlen(d->prefix);

		if (strncmp(sec_name, d->prefix, len) != 0)
			continue;
		if (sec_name[len] == '\0')
			return d;
		if (!d->takes_target || sec_name[len] != '/')
			continue;
		if (attach_target && sec_name[len + 1] != '\0')
			*attach_target = sec_name + len + 1;
		return d;
	}
	return NULL;
}

enum em_btf_target em_secdef_btf_target(uint32_t prog_type, uint32_t expected_attach_type)
{
	for (size_t i = 0; i < EM_ARRAY_SIZE(secdefs); i++)
		if (secdefs[i].prog_type == prog_type &&
		    secdefs[i].expected_attach_type == expected_attach_type)
			return secdefs[i].btf_target;
	return EM_BTF_TARGET_NONE;
}

const char *em_secdef_btf_name(enum em_btf_target t, int *btf_kind)
{
	*btf_kind = BTF_KIND_FUNC;
	switch (t) {
	case EM_BTF_TARGET_FUNC:
		return "";
	case EM_BTF_TARGET_RAW_TP:
		*btf_kind = BTF_KIND_TYPEDEF; /* typedef void (*btf_trace_<tp>)(void *, ...) */
		return "btf_trace_";
	case EM_BTF_TARGET_LSM:
		return "bpf_lsm_";
	case EM_BTF_TARGET_ITER:
		return "bpf_iter_";
	case EM_BTF_TARGET_NONE:
	case EM_BTF_TARGET_PROG:
		break;
	}
	return NULL;
}

size_t em_secdef_count(void)
{
	return EM_ARRAY_SIZE(secdefs);
}

const struct em_secdef *em_secdef_at(size_t i)
{
	return i < EM_ARRAY_SIZE(secdefs) ? &secdefs[i] : NULL;
}
