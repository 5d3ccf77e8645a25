/* test_secdef.c - unit tests of the SEC() name table (obj/secdef.c): types, attach types, targets, auto-attach */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <linux/btf.h>

#include "link.h" /* em_link_auto_attach_fn, em_link_auto_attachable */
#include "secdef.h"
#include "uapi_compat.h"

struct sec_case {
	const char *name;
	uint32_t type, eat, flags;
	const char *target; /* expected attach target, NULL for none */
	enum em_btf_target btf;
	enum em_attach_kind attach;
};

/* Every row of the table is reached by at least one case (test_every_row_tested). */
#define C(name, type, eat, flags, target, btf, attach)                                            \
	{ name, type, eat, flags, target, EM_BTF_TARGET_##btf, EM_ATTACH_##attach }

/* clang-format off */
static const struct sec_case cases[] = {
	C("socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, 0, NULL, NONE, NONE),
	C("sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT, 0, NULL, NONE, NONE),
	C("sk_reuseport/migrate", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, 0, NULL, NONE, NONE),
	C("kprobe/do_sys_open", BPF_PROG_TYPE_KPROBE, 0, 0, "do_sys_open", NONE, KPROBE),
	C("kprobe", BPF_PROG_TYPE_KPROBE, 0, 0, NULL, NONE, KPROBE),
	C("kretprobe/do_sys_open", BPF_PROG_TYPE_KPROBE, 0, 0, "do_sys_open", NONE, KRETPROBE),
	C("uprobe/bin:func", BPF_PROG_TYPE_KPROBE, 0, 0, "bin:func", NONE, UPROBE),
	C("uprobe.s/bin:func", BPF_PROG_TYPE_KPROBE, 0, BPF_F_SLEEPABLE, "bin:func", NONE, UPROBE),
	C("uretprobe/bin:func", BPF_PROG_TYPE_KPROBE, 0, 0, "bin:func", NONE, URETPROBE),
	C("uretprobe.s/bin:func", BPF_PROG_TYPE_KPROBE, 0, BPF_F_SLEEPABLE, "bin:func", NONE, URETPROBE),
	C("uprobe.multi/bin:f*", BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, 0, "bin:f*", NONE, UPROBE_MULTI),
	C("kprobe.multi/do_*", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0, "do_*", NONE, KPROBE_MULTI),
	C("kprobe.session/do_*", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_SESSION, 0, "do_*", NONE, KPROBE_MULTI),
	C("uprobe.session/bin:f*", BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_SESSION, 0, "bin:f*", NONE, UPROBE_MULTI),
	C("uprobe.session.s/bin:f*", BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_SESSION, BPF_F_SLEEPABLE, "bin:f*", NONE, UPROBE_MULTI),
	C("ksyscall/openat", BPF_PROG_TYPE_KPROBE, 0, 0, "openat", NONE, KSYSCALL),
	C("kretsyscall/openat", BPF_PROG_TYPE_KPROBE, 0, 0, "openat", NONE, KRETSYSCALL),
	C("usdt/bin:prov:name", BPF_PROG_TYPE_KPROBE, 0, 0, "bin:prov:name", NONE, USDT),
	C("tc", BPF_PROG_TYPE_SCHED_CLS, 0, 0, NULL, NONE, NONE),
	C("tc/ingress", BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_INGRESS, 0, NULL, NONE, NONE),
	C("tc/egress", BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_EGRESS, 0, NULL, NONE, NONE),
	C("tcx/ingress", BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_INGRESS, 0, NULL, NONE, NONE),
	C("tcx/egress", BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_EGRESS, 0, NULL, NONE, NONE),
	C("classifier", BPF_PROG_TYPE_SCHED_CLS, 0, 0, NULL, NONE, NONE),
	C("action", BPF_PROG_TYPE_SCHED_ACT, 0, 0, NULL, NONE, NONE),
	C("tracepoint/syscalls/sys_enter_openat", BPF_PROG_TYPE_TRACEPOINT, 0, 0, "syscalls/sys_enter_openat", NONE, TRACEPOINT),
	C("tp/sched/sched_switch", BPF_PROG_TYPE_TRACEPOINT, 0, 0, "sched/sched_switch", NONE, TRACEPOINT),
	C("raw_tracepoint/sys_enter", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, "sys_enter", NONE, RAW_TRACEPOINT),
	C("raw_tp/sys_enter", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, "sys_enter", NONE, RAW_TRACEPOINT),
	C("raw_tracepoint.w/bpf_test_finish", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, 0, "bpf_test_finish", NONE, RAW_TRACEPOINT),
	C("raw_tp.w/bpf_test_finish", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, 0, "bpf_test_finish", NONE, RAW_TRACEPOINT),
	C("tp_btf/sched_switch", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, 0, "sched_switch", RAW_TP, TRACE),
	C("fentry/do_unlinkat", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, 0, "do_unlinkat", FUNC, TRACE),
	C("fmod_ret/do_unlinkat", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, 0, "do_unlinkat", FUNC, TRACE),
	C("fexit/do_unlinkat", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, 0, "do_unlinkat", FUNC, TRACE),
	C("fentry.s/do_unlinkat", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, BPF_F_SLEEPABLE, "do_unlinkat", FUNC, TRACE),
	C("fmod_ret.s/do_unlinkat", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, BPF_F_SLEEPABLE, "do_unlinkat", FUNC, TRACE),
	C("fexit.s/do_unlinkat", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, BPF_F_SLEEPABLE, "do_unlinkat", FUNC, TRACE),
	C("freplace/handler", BPF_PROG_TYPE_EXT, 0, 0, "handler", PROG, TRACE),
	C("lsm/file_open", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, 0, "file_open", LSM, TRACE),
	C("lsm.s/file_open", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, BPF_F_SLEEPABLE, "file_open", LSM, TRACE),
	C("lsm_cgroup/socket_bind", BPF_PROG_TYPE_LSM, BPF_LSM_CGROUP, 0, "socket_bind", LSM, NONE),
	C("iter/task", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, 0, "task", ITER, ITER),
	C("iter.s/task", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, BPF_F_SLEEPABLE, "task", ITER, ITER),
	C("syscall", BPF_PROG_TYPE_SYSCALL, 0, BPF_F_SLEEPABLE, NULL, NONE, NONE),
	C("xdp", BPF_PROG_TYPE_XDP, BPF_XDP, 0, NULL, NONE, NONE),
	C("xdp.frags", BPF_PROG_TYPE_XDP, BPF_XDP, BPF_F_XDP_HAS_FRAGS, NULL, NONE, NONE),
	C("xdp/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, 0, NULL, NONE, NONE),
	C("xdp/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, 0, NULL, NONE, NONE),
	C("xdp.frags/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, BPF_F_XDP_HAS_FRAGS, NULL, NONE, NONE),
	C("xdp.frags/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, BPF_F_XDP_HAS_FRAGS, NULL, NONE, NONE),
	C("perf_event", BPF_PROG_TYPE_PERF_EVENT, 0, 0, NULL, NONE, NONE),
	C("lwt_in", BPF_PROG_TYPE_LWT_IN, 0, 0, NULL, NONE, NONE),
	C("lwt_out", BPF_PROG_TYPE_LWT_OUT, 0, 0, NULL, NONE, NONE),
	C("lwt_xmit", BPF_PROG_TYPE_LWT_XMIT, 0, 0, NULL, NONE, NONE),
	C("lwt_seg6local", BPF_PROG_TYPE_LWT_SEG6LOCAL, 0, 0, NULL, NONE, NONE),
	C("sockops", BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS, 0, NULL, NONE, NONE),
	C("sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_PARSER, 0, NULL, NONE, NONE),
	C("sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_VERDICT, 0, NULL, NONE, NONE),
	C("sk_skb", BPF_PROG_TYPE_SK_SKB, 0, 0, NULL, NONE, NONE),
	C("sk_msg", BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT, 0, NULL, NONE, NONE),
	C("lirc_mode2", BPF_PROG_TYPE_LIRC_MODE2, BPF_LIRC_MODE2, 0, NULL, NONE, NONE),
	C("flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, 0, NULL, NONE, NETNS),
	C("cgroup_skb/ingress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, 0, NULL, NONE, NONE),
	C("cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 0, NULL, NONE, NONE),
	C("cgroup/skb", BPF_PROG_TYPE_CGROUP_SKB, 0, 0, NULL, NONE, NONE),
	C("cgroup/sock_create", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0, NULL, NONE, NONE),
	C("cgroup/sock_release", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE, 0, NULL, NONE, NONE),
	C("cgroup/sock", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0, NULL, NONE, NONE),
	C("cgroup/post_bind4", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND, 0, NULL, NONE, NONE),
	C("cgroup/post_bind6", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET6_POST_BIND, 0, NULL, NONE, NONE),
	C("cgroup/bind4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND, 0, NULL, NONE, NONE),
	C("cgroup/bind6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND, 0, NULL, NONE, NONE),
	C("cgroup/connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, 0, NULL, NONE, NONE),
	C("cgroup/connect6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, 0, NULL, NONE, NONE),
	C("cgroup/connect_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_CONNECT, 0, NULL, NONE, NONE),
	C("cgroup/sendmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG, 0, NULL, NONE, NONE),
	C("cgroup/sendmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, 0, NULL, NONE, NONE),
	C("cgroup/recvmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG, 0, NULL, NONE, NONE),
	C("cgroup/recvmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_RECVMSG, 0, NULL, NONE, NONE),
	C("cgroup/getpeername4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETPEERNAME, 0, NULL, NONE, NONE),
	C("cgroup/getpeername6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETPEERNAME, 0, NULL, NONE, NONE),
	C("cgroup/getsockname4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETSOCKNAME, 0, NULL, NONE, NONE),
	C("cgroup/getsockname6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETSOCKNAME, 0, NULL, NONE, NONE),
	C("cgroup/sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, 0, NULL, NONE, NONE),
	C("cgroup/getsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, 0, NULL, NONE, NONE),
	C("cgroup/setsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT, 0, NULL, NONE, NONE),
	C("cgroup/dev", BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, 0, NULL, NONE, NONE),
	C("struct_ops/dummy_op", BPF_PROG_TYPE_STRUCT_OPS, 0, 0, "dummy_op", NONE, NONE),
	C("struct_ops", BPF_PROG_TYPE_STRUCT_OPS, 0, 0, NULL, NONE, NONE),
	C("struct_ops.s/dummy_op", BPF_PROG_TYPE_STRUCT_OPS, 0, BPF_F_SLEEPABLE, "dummy_op", NONE, NONE),
	C("sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, 0, NULL, NONE, NETNS),
	C("netfilter", BPF_PROG_TYPE_NETFILTER, BPF_NETFILTER, 0, NULL, NONE, NONE),
	/* rows the cases above do not reach otherwise */
	C("kretprobe.multi/do_*", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0, "do_*", NONE, KRETPROBE_MULTI),
	C("uprobe.multi.s/bin:f*", BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, BPF_F_SLEEPABLE, "bin:f*", NONE, UPROBE_MULTI),
	C("uretprobe.multi/bin:f*", BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, 0, "bin:f*", NONE, URETPROBE_MULTI),
	C("uretprobe.multi.s/bin:f*", BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, BPF_F_SLEEPABLE, "bin:f*", NONE, URETPROBE_MULTI),
	C("usdt.s/bin:prov:name", BPF_PROG_TYPE_KPROBE, 0, BPF_F_SLEEPABLE, "bin:prov:name", NONE, USDT),
	C("sk_skb/verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_VERDICT, 0, NULL, NONE, NONE),
	C("cgroup/connect_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_CONNECT, 0, NULL, NONE, NONE),
	C("cgroup/sendmsg_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_SENDMSG, 0, NULL, NONE, NONE),
	C("cgroup/recvmsg_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_RECVMSG, 0, NULL, NONE, NONE),
	C("cgroup/getpeername_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_GETPEERNAME, 0, NULL, NONE, NONE),
	C("cgroup/getsockname_unix", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_GETSOCKNAME, 0, NULL, NONE, NONE),
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
		if (d->btf_target != c->btf || d->attach != c->attach)
			fail_msg("'%s': matched '%s' (load target %d, auto-attach %d), want %d, %d",
				 c->name, d->prefix, d->btf_target, d->attach, c->btf, c->attach);
		if (c->target) {
			if (!target || strcmp(target, c->target))
				fail_msg("'%s': target '%s', want '%s'", c->name,
					 target ? target : "(null)", c->target);
			/* the target points into the caller's string */
			assert_ptr_equal(target, c->name + strlen(c->name) - strlen(c->target));
			/* only a row that takes a target gives one */
			assert_true(d->takes_target);
		} else {
			assert_null(target);
		}
	}
}

/* Each row of the table is the match of some case above, so each row's values are checked. */
static void test_every_row_tested(void **state)
{
	(void)state;
	assert_true(em_secdef_count() > 0);
	assert_null(em_secdef_at(em_secdef_count()));
	for (size_t r = 0; r < em_secdef_count(); r++) {
		const struct em_secdef *d = em_secdef_at(r);
		bool seen = false;

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]) && !seen; i++)
			seen = em_secdef_find(cases[i].name, NULL) == d;
		if (!seen)
			fail_msg("row '%s' is reached by no case of test_known_sections", d->prefix);
	}
}

/* Rows agree with each other and with themselves. */
static void test_rows_consistent(void **state)
{
	(void)state;
	for (size_t r = 0; r < em_secdef_count(); r++) {
		const struct em_secdef *d = em_secdef_at(r);
		size_t plen = strlen(d->prefix);

		/* load finds the target kind from type and attach type: one answer per pair */
		if (em_secdef_btf_target(d->prog_type, d->expected_attach_type) != d->btf_target)
			fail_msg("row '%s': load target %d, but its type and attach type give %d",
				 d->prefix, d->btf_target,
				 em_secdef_btf_target(d->prog_type, d->expected_attach_type));
		/* a target resolved at load needs a name that can carry it */
		if (d->btf_target != EM_BTF_TARGET_NONE && !d->takes_target)
			fail_msg("row '%s': load target without a name that takes one", d->prefix);
		/* ".s" names, and only they, load sleepable ("syscall" programs always are) */
		assert_int_equal(!!(d->prog_flags & BPF_F_SLEEPABLE),
				 (plen > 2 && strcmp(d->prefix + plen - 2, ".s") == 0) ||
					 d->prog_type == BPF_PROG_TYPE_SYSCALL);
		/* the row's own name finds the row (no earlier row shadows it) */
		if (em_secdef_find(d->prefix, NULL) != d)
			fail_msg("row '%s' is shadowed by '%s'", d->prefix,
				 em_secdef_find(d->prefix, NULL)->prefix);
		assert_true(d->attach >= EM_ATTACH_NONE && d->attach < EM_ATTACH_KIND_COUNT);
	}
	assert_int_equal(em_secdef_btf_target(BPF_PROG_TYPE_SOCKET_FILTER, 0), EM_BTF_TARGET_NONE);
	assert_int_equal(em_secdef_btf_target(BPF_PROG_TYPE_TRACING, BPF_TRACE_KPROBE_MULTI),
			 EM_BTF_TARGET_NONE);
	assert_int_equal(em_secdef_btf_target(BPF_PROG_TYPE_LSM, 0), EM_BTF_TARGET_NONE);
}

/* The kernel BTF names load looks targets up by. */
static void test_btf_names(void **state)
{
	static const struct {
		enum em_btf_target t;
		const char *prefix;
		int kind;
	} names[] = {
		{ EM_BTF_TARGET_NONE, NULL, 0 },
		{ EM_BTF_TARGET_FUNC, "", BTF_KIND_FUNC },
		{ EM_BTF_TARGET_RAW_TP, "btf_trace_", BTF_KIND_TYPEDEF },
		{ EM_BTF_TARGET_LSM, "bpf_lsm_", BTF_KIND_FUNC },
		{ EM_BTF_TARGET_ITER, "bpf_iter_", BTF_KIND_FUNC },
		{ EM_BTF_TARGET_PROG, NULL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int kind = -1;
		const char *prefix = em_secdef_btf_name(names[i].t, &kind);

		if (!names[i].prefix) {
			assert_null(prefix);
			continue;
		}
		assert_non_null(prefix);
		assert_string_equal(prefix, names[i].prefix);
		assert_int_equal(kind, names[i].kind);
	}
}

/* link/ has an attach function for every auto-attach kind, and uses the rows' kinds. */
static void test_auto_attach_kinds(void **state)
{
	(void)state;
	assert_null(em_link_auto_attach_fn(EM_ATTACH_NONE));
	assert_null(em_link_auto_attach_fn(EM_ATTACH_KIND_COUNT));
	for (int k = EM_ATTACH_NONE + 1; k < EM_ATTACH_KIND_COUNT; k++)
		if (!em_link_auto_attach_fn((enum em_attach_kind)k))
			fail_msg("auto-attach kind %d has no attach function in link.c", k);
	for (size_t r = 0; r < em_secdef_count(); r++) {
		const struct em_secdef *d = em_secdef_at(r);
		char with_target[128];
		bool want = d->attach != EM_ATTACH_NONE;

		/* "kprobe/x" attaches by itself; a bare "kprobe" does not say where */
		snprintf(with_target, sizeof(with_target), "%s/x", d->prefix);
		if (d->takes_target) {
			assert_int_equal(em_link_auto_attachable(with_target), want);
			assert_false(em_link_auto_attachable(d->prefix));
		} else {
			assert_int_equal(em_link_auto_attachable(d->prefix), want);
		}
	}
	assert_false(em_link_auto_attachable(NULL));
	assert_false(em_link_auto_attachable("no_such_section/x"));
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
		cmocka_unit_test(test_every_row_tested),
		cmocka_unit_test(test_rows_consistent),
		cmocka_unit_test(test_btf_names),
		cmocka_unit_test(test_auto_attach_kinds),
		cmocka_unit_test(test_unknown_sections),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
