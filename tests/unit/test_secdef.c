/* test_secdef.c - unit tests of the SEC() name table (secdef.c): types, attach types, targets */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
#include "uapi_compat.h"

struct sec_case {
	const char *name;
	uint32_t type, eat, flags;
	const char *target; /* expected attach target, NULL for none */
	unsigned secflags;  /* EM_SEC_* bits that must be set */
};

/* clang-format off */
static const struct sec_case cases[] = {
	{ "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, 0, NULL, 0 },
	{ "sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT, 0, NULL, 0 },
	{ "sk_reuseport/migrate", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, 0, NULL, 0 },
	{ "kprobe/do_sys_open", BPF_PROG_TYPE_KPROBE, 0, 0, "do_sys_open", EM_SEC_AUTO_ATTACH },
	{ "kprobe", BPF_PROG_TYPE_KPROBE, 0, 0, NULL, 0 },
	{ "kretprobe/do_sys_open", BPF_PROG_TYPE_KPROBE, 0, 0, "do_sys_open", 0 },
	{ "uprobe/bin:func", BPF_PROG_TYPE_KPROBE, 0, 0, "bin:func", 0 },
	{ "uprobe.s/bin:func", BPF_PROG_TYPE_KPROBE, 0, BPF_F_SLEEPABLE, "bin:func", EM_SEC_SLEEPABLE },
	{ "uretprobe/bin:func", BPF_PROG_TYPE_KPROBE, 0, 0, "bin:func", 0 },
	{ "uretprobe.s/bin:func", BPF_PROG_TYPE_KPROBE, 0, BPF_F_SLEEPABLE, "bin:func", 0 },
	{ "uprobe.multi/bin:f*", BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, 0, "bin:f*", 0 },
	{ "kprobe.multi/do_*", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0, "do_*", 0 },
	{ "ksyscall/openat", BPF_PROG_TYPE_KPROBE, 0, 0, "openat", 0 },
	{ "kretsyscall/openat", BPF_PROG_TYPE_KPROBE, 0, 0, "openat", 0 },
	{ "usdt/bin:prov:name", BPF_PROG_TYPE_KPROBE, 0, 0, "bin:prov:name", 0 },
	{ "tc", BPF_PROG_TYPE_SCHED_CLS, 0, 0, NULL, 0 },
	{ "tc/ingress", BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_INGRESS, 0, NULL, 0 },
	{ "tc/egress", BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_EGRESS, 0, NULL, 0 },
	{ "tcx/ingress", BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_INGRESS, 0, NULL, 0 },
	{ "tcx/egress", BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_EGRESS, 0, NULL, 0 },
	{ "classifier", BPF_PROG_TYPE_SCHED_CLS, 0, 0, NULL, 0 },
	{ "action", BPF_PROG_TYPE_SCHED_ACT, 0, 0, NULL, 0 },
	{ "tracepoint/syscalls/sys_enter_openat", BPF_PROG_TYPE_TRACEPOINT, 0, 0, "syscalls/sys_enter_openat", EM_SEC_AUTO_ATTACH },
	{ "tp/sched/sched_switch", BPF_PROG_TYPE_TRACEPOINT, 0, 0, "sched/sched_switch", 0 },
	{ "raw_tracepoint/sys_enter", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, "sys_enter", 0 },
	{ "raw_tp/sys_enter", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, "sys_enter", 0 },
	{ "raw_tracepoint.w/bpf_test_finish", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, 0, "bpf_test_finish", 0 },
	{ "raw_tp.w/bpf_test_finish", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, 0, "bpf_test_finish", 0 },
	{ "tp_btf/sched_switch", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, 0, "sched_switch", EM_SEC_ATTACH_BTF },
	{ "fentry/do_unlinkat", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, 0, "do_unlinkat", EM_SEC_ATTACH_BTF },
	{ "fmod_ret/do_unlinkat", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, 0, "do_unlinkat", 0 },
	{ "fexit/do_unlinkat", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, 0, "do_unlinkat", 0 },
	{ "fentry.s/do_unlinkat", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, BPF_F_SLEEPABLE, "do_unlinkat", EM_SEC_SLEEPABLE },
	{ "fmod_ret.s/do_unlinkat", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, BPF_F_SLEEPABLE, "do_unlinkat", 0 },
	{ "fexit.s/do_unlinkat", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, BPF_F_SLEEPABLE, "do_unlinkat", 0 },
	{ "freplace/handler", BPF_PROG_TYPE_EXT, 0, 0, "handler", EM_SEC_ATTACH_BTF },
	{ "lsm/file_open", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, 0, "file_open", EM_SEC_ATTACH_BTF },
	{ "lsm.s/file_open", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, BPF_F_SLEEPABLE, "file_open", 0 },
	{ "lsm_cgroup/socket_bind", BPF_PROG_TYPE_LSM, BPF_LSM_CGROUP, 0, "socket_bind", 0 },
	{ "iter/task", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, 0, "task", EM_SEC_ATTACH_BTF },
	{ "iter.s/task", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, BPF_F_SLEEPABLE, "task", 0 },
	{ "syscall", BPF_PROG_TYPE_SYSCALL, 0, BPF_F_SLEEPABLE, NULL, 0 },
	{ "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, 0, NULL, 0 },
	{ "xdp.frags", BPF_PROG_TYPE_XDP, BPF_XDP, BPF_F_XDP_HAS_FRAGS, NULL, 0 },
	{ "xdp/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, 0, NULL, 0 },
	{ "xdp/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, 0, NULL, 0 },
	{ "xdp.frags/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, BPF_F_XDP_HAS_FRAGS, NULL, 0 },
	{ "xdp.frags/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, BPF_F_XDP_HAS_FRAGS, NULL, 0 },
	{ "perf_event", BPF_PROG_TYPE_PERF_EVENT, 0, 0, NULL, 0 },
	{ "lwt_in", BPF_PROG_TYPE_LWT_IN, 0, 0, NULL, 0 },
	{ "lwt_out", BPF_PROG_TYPE_LWT_OUT, 0, 0, NULL, 0 },
	{ "lwt_xmit", BPF_PROG_TYPE_LWT_XMIT, 0, 0, NULL, 0 },
	{ "lwt_seg6local", BPF_PROG_TYPE_LWT_SEG6LOCAL, 0, 0, NULL, 0 },
	{ "sockops", BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS, 0, NULL, 0 },
	{ "sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_PARSER, 0, NULL, 0 },
	{ "sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_VERDICT, 0, NULL, 0 },
	{ "sk_skb", BPF_PROG_TYPE_SK_SKB, 0, 0, NULL, 0 },
	{ "sk_msg", BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT, 0, NULL, 0 },
	{ "lirc_mode2", BPF_PROG_TYPE_LIRC_MODE2, BPF_LIRC_MODE2, 0, NULL, 0 },
	{ "flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, 0, NULL, 0 },
	{ "cgroup_skb/ingress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, 0, NULL, 0 },
	{ "cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 0, NULL, 0 },
	{ "cgroup/skb", BPF_PROG_TYPE_CGROUP_SKB, 0, 0, NULL, 0 },
	{ "cgroup/sock_create", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0, NULL, 0 },
	{ "cgroup/sock_release", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE, 0, NULL, 0 },
	{ "cgroup/sock", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0, NULL, 0 },
	{ "cgroup/post_bind4", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND, 0, NULL, 0 },
	{ "cgroup/post_bind6", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET6_POST_BIND, 0, NULL, 0 },
	{ "cgroup/bind4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND, 0, NULL, 0 },
	{ "cgroup/bind6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND, 0, NULL, 0 },
	{ "cgroup/connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, 0, NULL, 0 },
	{ "cgroup/connect6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, 0, NULL, 0 },
	{ "cgroup/connect_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_CONNECT, 0, NULL, 0 },
	{ "cgroup/sendmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG, 0, NULL, 0 },
	{ "cgroup/sendmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, 0, NULL, 0 },
	{ "cgroup/recvmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG, 0, NULL, 0 },
	{ "cgroup/recvmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_RECVMSG, 0, NULL, 0 },
	{ "cgroup/getpeername4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETPEERNAME, 0, NULL, 0 },
	{ "cgroup/getpeername6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETPEERNAME, 0, NULL, 0 },
	{ "cgroup/getsockname4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETSOCKNAME, 0, NULL, 0 },
	{ "cgroup/getsockname6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETSOCKNAME, 0, NULL, 0 },
	{ "cgroup/sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, 0, NULL, 0 },
	{ "cgroup/getsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, 0, NULL, 0 },
	{ "cgroup/setsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT, 0, NULL, 0 },
	{ "cgroup/dev", BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, 0, NULL, 0 },
	{ "struct_ops/dummy_op", BPF_PROG_TYPE_STRUCT_OPS, 0, 0, "dummy_op", 0 },
	{ "struct_ops", BPF_PROG_TYPE_STRUCT_OPS, 0, 0, NULL, 0 },
	{ "struct_ops.s/dummy_op", BPF_PROG_TYPE_STRUCT_OPS, 0, BPF_F_SLEEPABLE, "dummy_op", 0 },
	{ "sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, 0, NULL, 0 },
	{ "netfilter", BPF_PROG_TYPE_NETFILTER, BPF_NETFILTER, 0, NULL, 0 },
};
/* clang-format on */

static void test_known_sections(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct sec_case *c = &cases[i];
		const char *target = (const char *)1;
		const struct em_secdef *d = em_secdef_find(c->name, &target);

		if (!d)
			fail_msg("'%s': no match", c->name);
		if (d->prog_type != c->type || d->expected_attach_type != c->eat ||
		    d->prog_flags != c->flags)
			fail_msg(
				"'%s': matched '%s' (type %u, attach %u, flags 0x%x), want type %u, "
				"attach %u, flags 0x%x",
				c->name, d->prefix, d->prog_type, d->expected_attach_type,
				d->prog_flags, c->type, c->eat, c->flags);
		if (c->target) {
			if (!target || strcmp(target, c->target))
				fail_msg("'%s': target '%s', want '%s'", c->name,
					 target ? target : "(null)", c->target);
			/* the target points into the caller's string */
			assert_ptr_equal(target, c->name + strlen(c->name) - strlen(c->target));
		} else {
			assert_null(target);
		}
		if ((d->flags & c->secflags) != c->secflags)
			fail_msg("'%s': flags 0x%x lack 0x%x", c->name, d->flags, c->secflags);
		/* sleepable definitions say so in both places */
		assert_int_equal(!!(d->flags & EM_SEC_SLEEPABLE),
				 !!(d->prog_flags & BPF_F_SLEEPABLE));
	}
}

static void test_unknown_sections(void **state)
{
	static const char *const names[] = {
		"",
		"xdpx",
		"xdp_foo",
		"xdp/other",
		"socketx",
		"socket/x",
		"kprobex/foo",
		"tpx/a",
		"cgroup/connect4x",
		"cgroup/connect4/extra",
		"cgroup",
		"cgroup/",
		".text",
		"license",
		"maps",
		"tc/ingressx",
		"fentry_x/y",
		"sk_skb/unknown",
		"uprobe.x/foo",
	};
	const char *target = (const char *)1;

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct em_secdef *d = em_secdef_find(names[i], &target);

		if (d)
			fail_msg("'%s' matched '%s'", names[i], d->prefix);
		assert_null(target);
	}
	assert_null(em_secdef_find(NULL, &target));
	/* attach_target may be NULL */
	assert_non_null(em_secdef_find("kprobe/x", NULL));
	/* a bare '/' after an exact prefix leaves no target */
	assert_non_null(em_secdef_find("kprobe/", &target));
	assert_null(target);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_sections),
		cmocka_unit_test(test_unknown_sections),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
