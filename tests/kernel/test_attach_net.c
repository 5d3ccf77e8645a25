/* test_attach_net.c - XDP, tcx, netfilter, sk_lookup and flow_dissector links, in a network namespace of the test's own */
#include <fcntl.h>
#include <limits.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>

#include "load_util.h"
#include "net_util.h"
#include "uapi_compat.h"

/* <linux/netfilter.h> (it clashes with <netinet/in.h>) */
#define NFPROTO_IPV4 2
#define NF_INET_LOCAL_OUT 3

struct fixture {
	struct ebpfmini_object *xdp, *hooks;
	int lo;
	/* net_xdp .bss */
	uint16_t *port;
	uint32_t *drop;
	uint8_t *rewrite_to;
	uint64_t *xdp_seen, *xdp_dropped, *xdp_second_seen, *tc_rewritten, *tc_counted;
	/* net_hooks .bss */
	uint16_t *lookup_port;
	uint64_t *nf_packets, *lookups, *steered, *dissected;
};

/* Why the netfilter program is not loaded, or "" */
static char nf_skip_reason[320];

static int group_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	net_enter_private_ns(true);
	if (net_skip_reason[0])
		return 0;
	if (net_mount_bpffs() < 0) {
		snprintf(net_skip_reason, sizeof(net_skip_reason), "cannot mount a bpffs");
		return 0;
	}
	f->lo = (int)if_nametoindex("lo");
	f->xdp = open_obj(OBJ("net_xdp"));
	f->hooks = open_obj(OBJ("net_hooks"));
	/* netfilter programs are Linux 6.4+: the other hooks of the object load without them */
	if (ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_NETFILTER_LINK, nf_skip_reason,
				       sizeof(nf_skip_reason)) == 1)
		nf_skip_reason[0] = '\0';
	else
		ebpfmini_program_set_autoload(prog_of(f->hooks, "nf_count"), false);
	if (ebpfmini_object_load(f->xdp) || ebpfmini_object_load(f->hooks))
		return -1;
	f->port = var_ptr(f->xdp, ".bss", "port");
	f->drop = var_ptr(f->xdp, ".bss", "drop");
	f->rewrite_to = var_ptr(f->xdp, ".bss", "rewrite_to");
	f->xdp_seen = var_ptr(f->xdp, ".bss", "xdp_seen");
	f->xdp_dropped = var_ptr(f->xdp, ".bss", "xdp_dropped");
	f->xdp_second_seen = var_ptr(f->xdp, ".bss", "xdp_second_seen");
	f->tc_rewritten = var_ptr(f->xdp, ".bss", "tc_rewritten");
	f->tc_counted = var_ptr(f->xdp, ".bss", "tc_counted");
	f->lookup_port = var_ptr(f->hooks, ".bss", "lookup_port");
	f->nf_packets = var_ptr(f->hooks, ".bss", "nf_packets");
	f->lookups = var_ptr(f->hooks, ".bss", "lookups");
	f->steered = var_ptr(f->hooks, ".bss", "steered");
	f->dissected = var_ptr(f->hooks, ".bss", "dissected");
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;

	ebpfmini_object_close(f->xdp);
	ebpfmini_object_close(f->hooks);
	net_umount_bpffs();
	free(f);
	return 0;
}

static int test_teardown(void **state)
{
	(void)state;
	log_capture_stop();
	return 0;
}

static struct ebpfmini_link_info link_info(struct ebpfmini_link *link)
{
	struct ebpfmini_link_info info = { .sz = sizeof(info) };

	assert_int_equal(ebpfmini_link_info(link, &info), 0);
	return info;
}

/* ---- XDP ---- */

/* XDP counts the test's datagrams on lo, then drops them when the .bss flag says so */
static void test_xdp_count_and_drop(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_program_attach_xdp_opts opts = {
		.sz = sizeof(opts), .ifname = "lo", .mode = EBPFMINI_XDP_GENERIC
	};
	struct ebpfmini_program *prog = prog_of(f->xdp, "xdp_count");
	struct ebpfmini_link *link = NULL;
	int rx = net_bound(SOCK_DGRAM, 0), fds;

	*f->port = net_local_port(rx);
	*f->drop = 0;
	*f->xdp_seen = *f->xdp_dropped = 0;
	fds = count_fds();
	assert_int_equal(ebpfmini_program_attach_xdp(prog, 0, &opts, &link), 0);
	assert_string_equal(ebpfmini_link_target(link), "xdp lo (generic)");
	assert_int_equal(link_info(link).type, BPF_LINK_TYPE_XDP);
	assert_int_equal(link_info(link).prog_id, ebpfmini_program_id(prog));

	net_udp_send("127.0.0.1", *f->port, "pass", 5);
	assert_int_equal(net_drain(rx, 200), 5);
	assert_int_equal(*f->xdp_seen, 5);

	*f->drop = 1; /* the switch: everything it counts is dropped now */
	net_udp_send("127.0.0.1", *f->port, "drop", 3);
	assert_int_equal(net_drain(rx, 200), 0);
	assert_int_equal(*f->xdp_seen, 8);
	assert_int_equal(*f->xdp_dropped, 3);

	ebpfmini_link_close(link); /* detaches: nothing is dropped or counted any more */
	assert_int_equal(count_fds(), fds);
	net_udp_send("127.0.0.1", *f->port, "after", 2);
	assert_int_equal(net_drain(rx, 200), 2);
	assert_int_equal(*f->xdp_seen, 8);
	close(rx);
}

/* an XDP link pinned outlives its object, is updated to another program through
 * the pin, detached, and gone with the pin */
static void test_xdp_pin_update_detach(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_link *link = NULL, *pinned = NULL;
	char path[128];
	int rx = net_bound(SOCK_DGRAM, 0);
	uint32_t id;

	*f->port = net_local_port(rx);
	*f->drop = 0;
	*f->xdp_seen = *f->xdp_second_seen = 0;
	snprintf(path, sizeof(path), "%s/links/xdp_lo", net_bpffs);
	assert_int_equal(ebpfmini_program_attach_xdp(prog_of(f->xdp, "xdp_count"), f->lo, NULL,
						     &link),
			 0);
	assert_string_equal(ebpfmini_link_target(link), "xdp lo");
	id = ebpfmini_link_id(link);
	assert_int_equal(ebpfmini_link_pin(link, path), 0);
	ebpfmini_link_close(link); /* the pin holds the attachment */
	net_udp_send("127.0.0.1", *f->port, "x", 2);
	assert_int_equal(net_drain(rx, 200), 2);
	assert_int_equal(*f->xdp_seen, 2);

	assert_int_equal(ebpfmini_link_open_pinned(path, &pinned), 0);
	assert_int_equal(ebpfmini_link_id(pinned), id);
	assert_int_equal(ebpfmini_link_update(pinned, prog_of(f->xdp, "xdp_second")), 0);
	assert_int_equal(link_info(pinned).prog_id,
			 ebpfmini_program_id(prog_of(f->xdp, "xdp_second")));
	net_udp_send("127.0.0.1", *f->port, "x", 3);
	assert_int_equal(net_drain(rx, 200), 3);
	assert_int_equal(*f->xdp_seen, 2);
	assert_int_equal(*f->xdp_second_seen, 3);

	assert_int_equal(ebpfmini_link_detach(pinned), 0); /* pin or not: off now */
	net_udp_send("127.0.0.1", *f->port, "x", 2);
	assert_int_equal(net_drain(rx, 200), 2);
	assert_int_equal(*f->xdp_second_seen, 3);
	/* the interface is free again */
	assert_int_equal(ebpfmini_program_attach_xdp(prog_of(f->xdp, "xdp_count"), f->lo, NULL,
						     &link),
			 0);
	ebpfmini_link_close(link);
	assert_int_equal(ebpfmini_link_unpin(pinned, NULL), 0);
	assert_int_equal(access(path, F_OK), -1);
	ebpfmini_link_close(pinned);
	close(rx);
}

static void test_xdp_errors(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_program_attach_xdp_opts opts = { .sz = sizeof(opts), .ifname = "ebpfmini-no0" };
	struct ebpfmini_program *prog = prog_of(f->xdp, "xdp_count");
	struct ebpfmini_link *link = NULL, *other = NULL;

	log_capture_start(EBPFMINI_LOG_DEBUG);
	/* a missing interface, by name and by index, is named */
	assert_int_equal(ebpfmini_program_attach_xdp(prog, 0, &opts, &link), -ENODEV);
	assert_null(link);
	assert_true(log_captured("prog 'xdp_count': attach xdp: no interface 'ebpfmini-no0'"));
	assert_int_equal(ebpfmini_program_attach_xdp(prog, 987654, NULL, &link), -ENODEV);
	assert_true(log_captured("no interface with index 987654"));
	assert_int_equal(ebpfmini_program_attach_xdp(prog, 0, NULL, &link), -EINVAL);
	/* a program of another type names both */
	assert_int_equal(ebpfmini_program_attach_xdp(prog_of(f->xdp, "tc_rewrite"), f->lo, NULL,
						     &link),
			 -EINVAL);
	assert_true(log_captured("a BPF_PROG_TYPE_SCHED_CLS program cannot attach to XDP (it takes "
			    "BPF_PROG_TYPE_XDP)"));
	/* lo has no native XDP */
	opts.ifname = "lo";
	opts.mode = EBPFMINI_XDP_DRIVER;
	assert_true(ebpfmini_program_attach_xdp(prog, 0, &opts, &link) < 0);
	assert_true(log_captured("attach xdp to 'lo' (driver): BPF_LINK_CREATE"));
	assert_true(log_captured("generic mode works"));
	opts.mode = 9;
	assert_int_equal(ebpfmini_program_attach_xdp(prog, 0, &opts, &link), -EINVAL);
	/* one XDP program per interface and mode */
	assert_int_equal(ebpfmini_program_attach_xdp(prog, f->lo, NULL, &link), 0);
	assert_int_equal(ebpfmini_program_attach_xdp(prog_of(f->xdp, "xdp_second"), f->lo, NULL,
						     &other),
			 -EBUSY);
	assert_true(log_captured("another XDP program is attached"));
	ebpfmini_link_close(link);
	/* not loaded */
	{
		struct ebpfmini_object *obj = open_obj(OBJ("net_xdp"));

		assert_int_equal(ebpfmini_program_attach_xdp(prog_of(obj, "xdp_count"), f->lo,
							     NULL, &link),
				 -EBUSY);
		assert_true(log_captured("the program is not loaded"));
		ebpfmini_object_close(obj);
	}
}

/* ---- tcx ---- */

/* tcx egress rewrites the first payload byte; the receiver sees the new one */
static void test_tcx_rewrite(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_link *link = NULL;
	char buf[64];
	int rx = net_bound(SOCK_DGRAM, 0);

	*f->port = net_local_port(rx);
	*f->rewrite_to = 'J';
	*f->tc_rewritten = 0;
	assert_int_equal(ebpfmini_program_attach_tcx(prog_of(f->xdp, "tc_rewrite"), f->lo, NULL,
						     &link),
			 0);
	if (ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TCX, NULL, 0) == 1) {
		assert_string_equal(ebpfmini_link_target(link), "tcx egress lo");
		assert_int_equal(link_info(link).type, BPF_LINK_TYPE_TCX);
	} else {
		/* no tcx links (Linux 6.6): the library attached a cls_bpf filter instead */
		struct ebpfmini_link_info info = { .sz = sizeof(info) };

		assert_non_null(strstr(ebpfmini_link_target(link), "tc egress lo (cls_bpf"));
		assert_int_equal(ebpfmini_link_info(link, &info), -EOPNOTSUPP);
	}
	net_udp_send("127.0.0.1", *f->port, "hello", 1);
	assert_int_equal(net_recv(rx, buf, sizeof(buf), 500), 5);
	assert_string_equal(buf, "Jello");
	assert_int_equal(*f->tc_rewritten, 1);

	ebpfmini_link_close(link);
	net_udp_send("127.0.0.1", *f->port, "hello", 1);
	assert_int_equal(net_recv(rx, buf, sizeof(buf), 500), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(*f->tc_rewritten, 1);
	close(rx);
}

static uint32_t tcx_egress_ids(int ifindex, uint32_t *ids, uint32_t cap, uint64_t *revision)
{
	struct ebpfmini_sys_prog_query_opts q = { .sz = sizeof(q), .prog_ids = ids, .prog_cnt = cap };

	assert_int_equal(ebpfmini_sys_prog_query(ifindex, BPF_TCX_EGRESS, &q), 0);
	*revision = q.revision;
	return q.prog_cnt;
}

/* placement before a link, by interface name; a stale revision; a SEC without direction */
static void test_tcx_order(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_program *rewrite = prog_of(f->xdp, "tc_rewrite");
	struct ebpfmini_program *counter = prog_of(f->xdp, "tc_count");
	struct ebpfmini_program *plain = prog_of(f->xdp, "tc_plain");
	struct ebpfmini_link *first = NULL, *second = NULL, *third = NULL;
	struct ebpfmini_program_attach_tcx_opts opts = { .sz = sizeof(opts) };
	uint32_t ids[4];
	uint64_t rev;
	char buf[64];
	char reason[256];
	int rx;

	/* placement (before/after, revisions) is a property of tcx links: cls_bpf has only priorities */
	if (ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TCX, reason, sizeof(reason)) != 1) {
		print_message("skip: %s\n", reason);
		skip();
	}
	rx = net_bound(SOCK_DGRAM, 0);
	*f->port = net_local_port(rx);
	*f->rewrite_to = 'M';
	*f->tc_counted = *f->tc_rewritten = 0;
	assert_int_equal(ebpfmini_program_attach_tcx(rewrite, f->lo, NULL, &first), 0);
	opts.ifname = "lo";
	opts.flags = EBPFMINI_ATTACH_BEFORE;
	opts.relative_fd = ebpfmini_link_fd(first);
	opts.relative_link = true;
	assert_int_equal(ebpfmini_program_attach_tcx(counter, 0, &opts, &second), 0);
	assert_int_equal(tcx_egress_ids(f->lo, ids, 4, &rev), 2);
	assert_int_equal(ids[0], ebpfmini_program_id(counter));
	assert_int_equal(ids[1], ebpfmini_program_id(rewrite));
	/* both run, in that order: the counter passes on (TCX_NEXT), the rewrite decides */
	net_udp_send("127.0.0.1", *f->port, "hello", 1);
	assert_int_equal(net_recv(rx, buf, sizeof(buf), 500), 5);
	assert_string_equal(buf, "Mello");
	assert_int_equal(*f->tc_counted, 1);
	assert_int_equal(*f->tc_rewritten, 1);

	/* a revision that is no longer current is refused */
	log_capture_start(EBPFMINI_LOG_DEBUG);
	memset(&opts, 0, sizeof(opts));
	opts.sz = sizeof(opts);
	opts.direction = EBPFMINI_TCX_EGRESS;
	opts.expected_revision = rev - 1;
	assert_int_equal(ebpfmini_program_attach_tcx(plain, f->lo, &opts, &third), -ESTALE);
	assert_true(log_captured("expected_revision"));
	/* after the program with that id, at the current revision */
	opts.flags = EBPFMINI_ATTACH_AFTER;
	opts.relative_id = ebpfmini_program_id(rewrite);
	opts.expected_revision = rev;
	assert_int_equal(ebpfmini_program_attach_tcx(plain, f->lo, &opts, &third), 0);
	assert_int_equal(tcx_egress_ids(f->lo, ids, 4, &rev), 3);
	assert_int_equal(ids[2], ebpfmini_program_id(plain));
	ebpfmini_link_close(third);
	/* SEC("tc") says no direction */
	assert_int_equal(ebpfmini_program_attach_tcx(plain, f->lo, NULL, &third), -EINVAL);
	assert_true(log_captured("SEC 'tc' does not say ingress or egress"));
	/* bad placement: a relative program without before/after */
	opts.flags = 0;
	assert_int_equal(ebpfmini_program_attach_tcx(plain, f->lo, &opts, &third), -EINVAL);
	assert_null(third);
	ebpfmini_link_close(second);
	ebpfmini_link_close(first);
	assert_int_equal(tcx_egress_ids(f->lo, ids, 4, &rev), 0);
	close(rx);
}

/* ---- netfilter ---- */

static void test_netfilter_local_out(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_program_attach_netfilter_opts opts = {
		.sz = sizeof(opts), .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_OUT, .priority = -128,
	};
	struct ebpfmini_program *prog = prog_of(f->hooks, "nf_count");
	struct ebpfmini_link *link = NULL;
	int rx;
	uint16_t port;

	if (nf_skip_reason[0]) {
		print_message("skipped: %s\n", nf_skip_reason);
		skip();
	}
	rx = net_bound(SOCK_DGRAM, 0);
	port = net_local_port(rx);
	*f->nf_packets = 0;
	assert_int_equal(ebpfmini_program_attach_netfilter(prog, &opts, &link), 0);
	assert_string_equal(ebpfmini_link_target(link), "netfilter ipv4 output priority -128");
	assert_int_equal(link_info(link).type, BPF_LINK_TYPE_NETFILTER);
	net_udp_send("127.0.0.1", port, "nf", 4);
	assert_int_equal(net_drain(rx, 200), 4);
	/* nothing else sends in this namespace: exactly our four */
	assert_int_equal(*f->nf_packets, 4);
	ebpfmini_link_close(link);
	net_udp_send("127.0.0.1", port, "nf", 2);
	assert_int_equal(net_drain(rx, 200), 2);
	assert_int_equal(*f->nf_packets, 4);

	log_capture_start(EBPFMINI_LOG_DEBUG);
	opts.priority = INT_MIN; /* NF_IP_PRI_FIRST is the kernel's */
	assert_int_equal(ebpfmini_program_attach_netfilter(prog, &opts, &link), -ERANGE);
	assert_true(log_captured("the kernel reserves this priority"));
	assert_int_equal(ebpfmini_program_attach_netfilter(prog, NULL, &link), -EINVAL);
	opts.priority = 1;
	assert_int_equal(ebpfmini_program_attach_netfilter(prog_of(f->hooks, "steer"), &opts,
							   &link),
			 -EINVAL);
	assert_true(log_captured("a BPF_PROG_TYPE_SK_LOOKUP program cannot attach to netfilter hooks"));
	close(rx);
}

/* ---- network namespace links ---- */

static int tcp_connect(uint16_t port)
{
	struct sockaddr_in a = net_addr("127.0.0.1", port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* sk_lookup steers connections to a port nobody listens on to the socket in a sockmap */
static void test_sk_lookup(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_program *prog = prog_of(f->hooks, "steer");
	struct ebpfmini_link *link = NULL;
	int server = net_bound(SOCK_STREAM, 0), client, conn;
	uint32_t zero = 0;
	uint64_t value = (uint64_t)server;

	*f->lookup_port = 4242; /* nothing listens there in this namespace */
	*f->lookups = *f->steered = 0;
	assert_int_equal(tcp_connect(4242), -ECONNREFUSED);
	assert_int_equal(ebpfmini_map_update(map_of(f->hooks, "lookup_map"), &zero, &value, 0), 0);
	/* SEC("sk_lookup") attaches by itself, to this thread's namespace */
	assert_int_equal(ebpfmini_program_attach(prog, &link), 0);
	assert_non_null(strstr(ebpfmini_link_target(link), "sk_lookup net:["));
	assert_int_equal(link_info(link).type, BPF_LINK_TYPE_NETNS);
	client = tcp_connect(4242);
	assert_true(client >= 0);
	conn = accept(server, NULL, NULL);
	assert_true(conn >= 0);
	assert_int_equal(write(client, "hi", 2), 2);
	{
		char buf[4] = { 0 };

		assert_int_equal(read(conn, buf, sizeof(buf)), 2);
		assert_string_equal(buf, "hi");
	}
	assert_true(*f->lookups >= 1);
	assert_int_equal(*f->steered, 1);
	close(conn);
	close(client);
	/* detached: the port is closed again */
	assert_int_equal(ebpfmini_link_detach(link), 0);
	assert_int_equal(tcp_connect(4242), -ECONNREFUSED);
	ebpfmini_link_close(link);
	assert_int_equal(ebpfmini_map_delete(map_of(f->hooks, "lookup_map"), &zero), 0);
	close(server);
}

static uint32_t netns_prog_count(int netns_fd, uint32_t attach_type, uint32_t *id)
{
	struct ebpfmini_sys_prog_query_opts q = { .sz = sizeof(q), .prog_ids = id, .prog_cnt = 1 };

	*id = 0;
	assert_int_equal(ebpfmini_sys_prog_query(netns_fd, attach_type, &q), 0);
	return q.prog_cnt;
}

/*
 * flow_dissector: attached to the namespace by its fd; fired by a packet
 * socket with hash fanout, which asks the dissector for the flow hash of
 * every packet it sees on lo.
 */
static void test_flow_dissector(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_program *prog = prog_of(f->hooks, "dissect");
	struct ebpfmini_link *link = NULL, *second = NULL;
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int pkt, rx = net_bound(SOCK_DGRAM, 0), fanout = (PACKET_FANOUT_HASH << 16) | 77;
	uint32_t id;

	assert_true(ns >= 0);
	*f->dissected = 0;
	assert_int_equal(ebpfmini_program_attach_netns(prog, ns, &link), 0);
	assert_non_null(strstr(ebpfmini_link_target(link), "flow_dissector net:["));
	assert_int_equal(netns_prog_count(ns, BPF_FLOW_DISSECTOR, &id), 1);
	assert_int_equal(id, ebpfmini_program_id(prog));
	/* one per namespace */
	log_capture_start(EBPFMINI_LOG_DEBUG);
	assert_int_equal(ebpfmini_program_attach_netns(prog, ns, &second), -E2BIG);
	assert_true(log_captured("has a flow dissector already"));

	pkt = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	assert_true(pkt >= 0);
	ll.sll_ifindex = f->lo;
	assert_int_equal(bind(pkt, (struct sockaddr *)&ll, sizeof(ll)), 0);
	assert_int_equal(setsockopt(pkt, SOL_PACKET, PACKET_FANOUT, &fanout, sizeof(fanout)), 0);
	net_udp_send("127.0.0.1", net_local_port(rx), "flow", 3);
	assert_int_equal(net_drain(rx, 200), 3);
	assert_true(*f->dissected >= 3);
	close(pkt);

	assert_int_equal(ebpfmini_link_detach(link), 0);
	assert_int_equal(netns_prog_count(ns, BPF_FLOW_DISSECTOR, &id), 0);
	ebpfmini_link_close(link);
	close(rx);
	close(ns);
}

/* the netns attach refuses other program types, naming both */
static void test_netns_errors(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_link *link = NULL;
	int notns = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);

	log_capture_start(EBPFMINI_LOG_DEBUG);
	assert_int_equal(ebpfmini_program_attach_netns(prog_of(f->xdp, "xdp_count"), -1, &link),
			 -EINVAL);
	assert_true(log_captured("a BPF_PROG_TYPE_XDP program cannot attach to a network "
			    "namespace (it takes BPF_PROG_TYPE_SK_LOOKUP or "
			    "BPF_PROG_TYPE_FLOW_DISSECTOR)"));
	assert_true(ebpfmini_program_attach_netns(prog_of(f->hooks, "steer"), notns, &link) < 0);
	assert_null(link);
	close(notns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_xdp_count_and_drop, net_skip_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_xdp_pin_update_detach, net_skip_setup,
						test_teardown),
		cmocka_unit_test_setup_teardown(test_xdp_errors, net_skip_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_tcx_rewrite, net_skip_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_tcx_order, net_skip_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_netfilter_local_out, net_skip_setup,
						test_teardown),
		cmocka_unit_test_setup_teardown(test_sk_lookup, net_skip_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_flow_dissector, net_skip_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_netns_errors, net_skip_setup, test_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
