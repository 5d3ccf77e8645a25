/* secdef.c - SEC("...") name conventions: section name -> program type and attach type (L1 format, pure) */
#include <string.h>

#include "internal.h"
#include "model.h"
#include "uapi_compat.h" /* tcx, netfilter, unix sockaddr and uprobe_multi values */

/*
 * Matching rules, first match wins (so the more specific names come first):
 * - EM_SEC_EXACT: the section name equals the prefix, or continues with '/'
 *   and whatever follows is the attach target ("kprobe/do_sys_open"; a bare
 *   "kprobe" is accepted too and leaves the target to the caller);
 * - without EM_SEC_EXACT the name must equal the prefix and nothing may
 *   follow ("xdp", "cgroup/connect4").
 */
#define X EM_SEC_EXACT
#define B EM_SEC_ATTACH_BTF
#define S EM_SEC_SLEEPABLE
#define A EM_SEC_AUTO_ATTACH
#define SLP BPF_F_SLEEPABLE
#define FRAGS BPF_F_XDP_HAS_FRAGS

/* clang-format off */
static const struct em_secdef secdefs[] = {
	{ "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, 0, 0 },
	{ "sk_reuseport/migrate", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, 0, 0 },
	{ "sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT, 0, 0 },
	/* probes */
	{ "kprobe.multi", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0, X | A },
	{ "kretprobe.multi", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0, X | A },
	{ "uprobe.multi.s", BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, SLP, X | A | S },
	{ "uprobe.multi", BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, 0, X | A },
	{ "uretprobe.multi.s", BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, SLP, X | A | S },
	{ "uretprobe.multi", BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, 0, X | A },
	{ "kprobe", BPF_PROG_TYPE_KPROBE, 0, 0, X | A },
	{ "kretprobe", BPF_PROG_TYPE_KPROBE, 0, 0, X | A },
	{ "uprobe.s", BPF_PROG_TYPE_KPROBE, 0, SLP, X | A | S },
	{ "uprobe", BPF_PROG_TYPE_KPROBE, 0, 0, X | A },
	{ "uretprobe.s", BPF_PROG_TYPE_KPROBE, 0, SLP, X | A | S },
	{ "uretprobe", BPF_PROG_TYPE_KPROBE, 0, 0, X | A },
	{ "ksyscall", BPF_PROG_TYPE_KPROBE, 0, 0, X | A },
	{ "kretsyscall", BPF_PROG_TYPE_KPROBE, 0, 0, X | A },
	{ "usdt.s", BPF_PROG_TYPE_KPROBE, 0, SLP, X | A | S },
	{ "usdt", BPF_PROG_TYPE_KPROBE, 0, 0, X | A },
	/* traffic control */
	{ "tc/ingress", BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_INGRESS, 0, 0 },
	{ "tc/egress", BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_EGRESS, 0, 0 },
	{ "tcx/ingress", BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_INGRESS, 0, 0 },
	{ "tcx/egress", BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_EGRESS, 0, 0 },
	{ "tc", BPF_PROG_TYPE_SCHED_CLS, 0, 0, 0 },
	{ "classifier", BPF_PROG_TYPE_SCHED_CLS, 0, 0, 0 },
	{ "action", BPF_PROG_TYPE_SCHED_ACT, 0, 0, 0 },
	/* tracepoints */
	{ "tracepoint", BPF_PROG_TYPE_TRACEPOINT, 0, 0, X | A },
	{ "tp", BPF_PROG_TYPE_TRACEPOINT, 0, 0, X | A },
	{ "raw_tracepoint.w", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, 0, X | A },
	{ "raw_tp.w", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, 0, X | A },
	{ "raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, X | A },
	{ "raw_tp", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, X | A },
	{ "tp_btf", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, 0, X | A | B },
	/* trampolines */
	{ "fentry.s", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, SLP, X | A | B | S },
	{ "fmod_ret.s", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, SLP, X | A | B | S },
	{ "fexit.s", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, SLP, X | A | B | S },
	{ "fentry", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, 0, X | A | B },
	{ "fmod_ret", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, 0, X | A | B },
	{ "fexit", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, 0, X | A | B },
	{ "freplace", BPF_PROG_TYPE_EXT, 0, 0, X | A | B },
	{ "lsm.s", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, SLP, X | A | B | S },
	{ "lsm_cgroup", BPF_PROG_TYPE_LSM, BPF_LSM_CGROUP, 0, X | B },
	{ "lsm", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, 0, X | A | B },
	{ "iter.s", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, SLP, X | A | B | S },
	{ "iter", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, 0, X | A | B },
	{ "syscall", BPF_PROG_TYPE_SYSCALL, 0, SLP, S },
	/* XDP */
	{ "xdp.frags/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, FRAGS, 0 },
	{ "xdp/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, 0, 0 },
	{ "xdp.frags/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, FRAGS, 0 },
	{ "xdp/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, 0, 0 },
	{ "xdp.frags", BPF_PROG_TYPE_XDP, BPF_XDP, FRAGS, 0 },
	{ "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, 0, 0 },
	{ "perf_event", BPF_PROG_TYPE_PERF_EVENT, 0, 0, 0 },
	/* lightweight tunnels */
	{ "lwt_in", BPF_PROG_TYPE_LWT_IN, 0, 0, 0 },
	{ "lwt_out", BPF_PROG_TYPE_LWT_OUT, 0, 0, 0 },
	{ "lwt_xmit", BPF_PROG_TYPE_LWT_XMIT, 0, 0, 0 },
	{ "lwt_seg6local", BPF_PROG_TYPE_LWT_SEG6LOCAL, 0, 0, 0 },
	/* sockets */
	{ "sockops", BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS, 0, 0 },
	{ "sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_PARSER, 0, 0 },
	{ "sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_VERDICT, 0, 0 },
	{ "sk_skb/verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_VERDICT, 0, 0 },
	{ "sk_skb", BPF_PROG_TYPE_SK_SKB, 0, 0, 0 },
	{ "sk_msg", BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT, 0, 0 },
	{ "lirc_mode2", BPF_PROG_TYPE_LIRC_MODE2, BPF_LIRC_MODE2, 0, 0 },
	{ "flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, 0, 0 },
	{ "sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, 0, 0 },
	{ "netfilter", BPF_PROG_TYPE_NETFILTER, BPF_NETFILTER, 0, 0 },
	/* cgroups */
	{ "cgroup_skb/ingress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, 0, 0 },
	{ "cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 0, 0 },
	{ "cgroup/skb", BPF_PROG_TYPE_CGROUP_SKB, 0, 0, 0 },
	{ "cgroup/sock_create", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0, 0 },
	{ "cgroup/sock_release", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE, 0, 0 },
	{ "cgroup/sock", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0, 0 },
	{ "cgroup/post_bind4", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND, 0, 0 },
	{ "cgroup/post_bind6", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET6_POST_BIND, 0, 0 },
	{ "cgroup/bind4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND, 0, 0 },
	{ "cgroup/bind6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND, 0, 0 },
	{ "cgroup/connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, 0, 0 },
	{ "cgroup/connect6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, 0, 0 },
	{ "cgroup/connect_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_CONNECT, 0, 0 },
	{ "cgroup/sendmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG, 0, 0 },
	{ "cgroup/sendmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, 0, 0 },
	{ "cgroup/sendmsg_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_SENDMSG, 0, 0 },
	{ "cgroup/recvmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG, 0, 0 },
	{ "cgroup/recvmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_RECVMSG, 0, 0 },
	{ "cgroup/recvmsg_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_RECVMSG, 0, 0 },
	{ "cgroup/getpeername4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETPEERNAME, 0, 0 },
	{ "cgroup/getpeername6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETPEERNAME, 0, 0 },
	{ "cgroup/getpeername_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_GETPEERNAME, 0, 0 },
	{ "cgroup/getsockname4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETSOCKNAME, 0, 0 },
	{ "cgroup/getsockname6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETSOCKNAME, 0, 0 },
	{ "cgroup/getsockname_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_GETSOCKNAME, 0, 0 },
	{ "cgroup/sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, 0, 0 },
	{ "cgroup/getsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, 0, 0 },
	{ "cgroup/setsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT, 0, 0 },
	{ "cgroup/dev", BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, 0, 0 },
	/* struct_ops: the part after '/' names the member it implements */
	{ "struct_ops.s", BPF_PROG_TYPE_STRUCT_OPS, 0, SLP, X | S },
	{ "struct_ops", BPF_PROG_TYPE_STRUCT_OPS, 0, 0, X },
};
/* clang-format on */

#undef X
#undef B
#undef S
#undef A
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
		if (!(d->flags & EM_SEC_EXACT) || sec_name[len] != '/')
			continue;
		if (attach_target && sec_name[len + 1] != '\0')
			*attach_target = sec_name + len + 1;
		return d;
	}
	return NULL;
}
