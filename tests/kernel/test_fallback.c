/* test_fallback.c - the attach roads of older kernels, forced on this one: cgroup BPF_PROG_ATTACH,
 * TC through clsact + cls_bpf, XDP through netlink (in a network namespace and cgroup of the test's own) */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "load_util.h"
#include "net_util.h"

#include "feature.h"      /* private: em_feature_probe_reset */
#include "netlink.h"      /* private: rtnetlink messages, to look at what the kernel holds */
#include "sys.h"          /* private: em_sys_set_hook_ex */
#include "uapi_compat.h"  /* BPF_TCX_* on 6.1 headers */

#define CGROUP2_MAGIC 0x63677270L

struct fixture {
	struct ebpfmini_object *cg_obj; /* net_cgroup */
	struct ebpfmini_object *net_obj; /* net_xdp */
	uint16_t *port;
	uint8_t *rewrite_to;
	uint32_t *drop;
	uint64_t *tc_rewritten, *tc_counted, *xdp_seen, *xdp_dropped, *xdp_second_seen;
	char mnt[64];                   /* where the test mounts cgroup2, or "" */
	char cgroup[128];               /* the test's cgroup, or "" */
	uint64_t *redirects, *redirects2;
	uint16_t *server_port;
};

/* ---- making link kinds look absent -------------------------------------------------------- */

static bool hide_cgroup, hide_xdp, hide_tcx;

static bool is_cgroup_type(uint32_t t)
{
	return t <= BPF_CGROUP_SYSCTL || (t >= BPF_CGROUP_UDP4_SENDMSG && t <= BPF_CGROUP_UDP6_SENDMSG) ||
	       (t >= BPF_CGROUP_UDP4_RECVMSG && t <= BPF_CGROUP_SETSOCKOPT) ||
	       (t >= BPF_CGROUP_INET4_GETPEERNAME && t <= BPF_CGROUP_INET_SOCK_RELEASE);
}

/* What a kernel without the hidden link kinds answers: EINVAL. */
static long old_kernel(void *ctx, struct em_sys_call *call)
{
	const union bpf_attr *attr = (const void *)call->args[1];

	(void)ctx;
	if (call->nr != SYS_bpf)
		return 0;
	if (call->args[0] == BPF_LINK_CREATE) {
		uint32_t t = attr->link_create.attach_type;

		if ((hide_cgroup && is_cgroup_type(t)) || (hide_xdp && t == BPF_XDP) ||
		    (hide_tcx && (t == BPF_TCX_INGRESS || t == BPF_TCX_EGRESS)))
			return -EINVAL;
	}
	if (call->args[0] == BPF_PROG_QUERY && hide_tcx &&
	    (attr->query.attach_type == BPF_TCX_INGRESS || attr->query.attach_type == BPF_TCX_EGRESS))
		return -EINVAL;
	return 0;
}

static void pretend_old(bool cgroup, bool xdp, bool tcx)
{
	hide_cgroup = cgroup;
	hide_xdp = xdp;
	hide_tcx = tcx;
	em_feature_probe_reset();
	em_sys_set_hook_ex(cgroup || xdp || tcx ? old_kernel : NULL, NULL);
}

/* ---- fixture ------------------------------------------------------------------------------------ */

static int group_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct statfs sfs;

	*state = f;
	net_enter_private_ns(true); /* and a mount namespace for a cgroup2 mount of our own */
	if (net_skip_reason[0])
		return 0;
	f->cg_obj = open_obj(OBJ("net_cgroup"));
	if (ebpfmini_object_load(f->cg_obj))
		return -1;
	f->redirects = var_ptr(f->cg_obj, ".bss", "redirects");
	f->redirects2 = var_ptr(f->cg_obj, ".bss", "redirects2");
	f->server_port = var_ptr(f->cg_obj, ".bss", "server_port");
	f->net_obj = open_obj(OBJ("net_xdp"));
	if (ebpfmini_object_load(f->net_obj))
		return -1;
#define BSS(name) f->name = var_ptr(f->net_obj, ".bss", #name)
	BSS(port);
	BSS(rewrite_to);
	BSS(drop);
	BSS(tc_rewritten);
	BSS(tc_counted);
	BSS(xdp_seen);
	BSS(xdp_dropped);
	BSS(xdp_second_seen);
#undef BSS
	/* the cgroup2 hierarchy, mounted once more where the test wants it */
	snprintf(f->mnt, sizeof(f->mnt), "/tmp/ebpfmini-fallback-cg-%d", (int)getpid());
	if (mkdir(f->mnt, 0700) || mount("none", f->mnt, "cgroup2", 0, NULL) ||
	    statfs(f->mnt, &sfs) || sfs.f_type != CGROUP2_MAGIC) {
		rmdir(f->mnt);
		f->mnt[0] = '\0';
		return 0;
	}
	snprintf(f->cgroup, sizeof(f->cgroup), "%s/ebpfmini-fallback-%d", f->mnt, (int)getpid());
	if (mkdir(f->cgroup, 0755))
		f->cgroup[0] = '\0';
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;

	pretend_old(false, false, false);
	ebpfmini_object_close(f->cg_obj);
	ebpfmini_object_close(f->net_obj);
	for (int i = 0; f->cgroup[0] && i < 50 && rmdir(f->cgroup) && errno == EBUSY; i++)
		usleep(20000);
	if (f->mnt[0]) {
		umount2(f->mnt, MNT_DETACH);
		rmdir(f->mnt);
	}
	free(f);
	return 0;
}

static int test_setup(void **state)
{
	net_skip_setup(state);
	log_capture_start(EBPFMINI_LOG_DEBUG);
	return 0;
}

static int test_teardown(void **state)
{
	(void)state;
	pretend_old(false, false, false);
	log_capture_stop();
	return 0;
}

/* ---- cgroup: BPF_PROG_ATTACH with BPF_F_ALLOW_MULTI ------------------------------------------- */

/* The ids of the programs on hook of cgroup fd cg, into ids[4]: their count. */
static uint32_t cgroup_progs(int cg, uint32_t hook, uint32_t *ids)
{
	struct ebpfmini_sys_prog_query_opts q = { .sz = sizeof(q), .prog_ids = ids, .prog_cnt = 4 };

	assert_int_equal(ebpfmini_sys_prog_query(cg, hook, &q), 0);
	return q.prog_cnt;
}

/* In a child that joins cgroup: connect to 127.0.0.2:80 (0, or the errno). */
static int connect_from(const char *cgroup)
{
	char path[256];
	int status = 0;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sockaddr_in a = net_addr("127.0.0.2", 80);
		int fd = open(path, O_WRONLY | O_CLOEXEC), s;

		if (fd < 0 || write(fd, "0", 1) != 1)
			_exit(255);
		s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		_exit(s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) ? errno & 0xff : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_cgroup_prog_attach(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_program *p1 = prog_of(f->cg_obj, "connect_redirect");
	struct ebpfmini_program *p2 = prog_of(f->cg_obj, "connect_redirect2");
	struct ebpfmini_link *l1 = NULL, *l2 = NULL;
	struct ebpfmini_link_info info = { .sz = sizeof(info) };
	uint32_t ids[4];
	int server, cg, fds;

	if (!f->cgroup[0]) {
		print_message("skipped: cannot mount cgroup2 to make a cgroup in\n");
		skip();
	}
	cg = open(f->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(cg >= 0);
	fds = count_fds();
	assert_int_equal(ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_CGROUP_LINK, NULL, 0), 1);
	pretend_old(true, false, false);
	assert_int_equal(ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_CGROUP_LINK, NULL, 0), 0);

	assert_int_equal(ebpfmini_program_attach_cgroup_path(p1, f->cgroup, NULL, &l1), 0);
	assert_int_equal(ebpfmini_program_attach_cgroup(p2, cg, NULL, &l2), 0);
	assert_true(log_captured("attaching with BPF_PROG_ATTACH"));
	assert_int_equal(ebpfmini_link_info(l1, &info), -EOPNOTSUPP); /* no kernel link */
	assert_int_equal(cgroup_progs(cg, BPF_CGROUP_INET4_CONNECT, ids), 2);
	assert_int_equal(ids[0], ebpfmini_program_id(p1));
	assert_int_equal(ids[1], ebpfmini_program_id(p2));

	/* both run: the first rewrites, the second sees the rewritten address */
	server = net_bound(SOCK_STREAM, 0);
	*f->server_port = net_local_port(server);
	*f->redirects = *f->redirects2 = 0;
	assert_int_equal(connect_from(f->cgroup), 0);
	assert_int_equal(*f->redirects, 1);

	/* detach takes exactly its own program off; close after detach does nothing more */
	assert_int_equal(ebpfmini_link_detach(l1), 0);
	assert_int_equal(cgroup_progs(cg, BPF_CGROUP_INET4_CONNECT, ids), 1);
	assert_int_equal(ids[0], ebpfmini_program_id(p2));
	ebpfmini_link_close(l1);
	assert_int_equal(cgroup_progs(cg, BPF_CGROUP_INET4_CONNECT, ids), 1);
	*f->redirects = *f->redirects2 = 0;
	assert_int_equal(connect_from(f->cgroup), 0);
	assert_int_equal(*f->redirects, 0);
	assert_int_equal(*f->redirects2, 1);
	ebpfmini_link_close(l2);
	assert_int_equal(cgroup_progs(cg, BPF_CGROUP_INET4_CONNECT, ids), 0);
	assert_int_equal(connect_from(f->cgroup), ECONNREFUSED);
	close(server);
	assert_int_equal(count_fds(), fds);
	close(cg);
}

/* What needs a cgroup link says which, and since which release. */
static void test_cgroup_placement_needs_links(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_program_attach_cgroup_opts o = { .sz = sizeof(o),
							 .flags = EBPFMINI_ATTACH_BEFORE };
	struct ebpfmini_link *l = NULL;

	if (!f->cgroup[0]) {
		print_message("skipped: cannot mount cgroup2 to make a cgroup in\n");
		skip();
	}
	pretend_old(true, false, false);
	assert_int_equal(ebpfmini_program_attach_cgroup_path(prog_of(f->cg_obj, "connect_redirect"),
							     f->cgroup, &o, &l),
			 -EOPNOTSUPP);
	assert_null(l);
	assert_true(log_captured("placement options need cgroup links (Linux 5.7)"));
}

/* ---- netlink: what the kernel holds, asked the way `tc filter show` does -------------------------- */

struct filters {
	struct em_tc_filter f[8];
	int n;
};

static void add_filter(void *ctx, uint16_t type, const void *msg, size_t len)
{
	struct filters *l = ctx;

	/* handle 0: the priority's own entry, before its filters */
	if (type == EM_RTM_NEWTFILTER && l->n < 8 &&
	    em_netlink_parse_filter(msg, len, &l->f[l->n]) == 0 && l->f[l->n].handle)
		l->n++;
}

/* Send one request, read until the kernel is done: 0 or its errno. */
static int nl_request(const void *req, int len, uint32_t seq, struct filters *out)
{
	static char buf[65536];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0), err = 0, done = 0;
	char ext[256];

	assert_true(fd >= 0);
	assert_true(len > 0);
	assert_int_equal(send(fd, req, (size_t)len, 0), len);
	while (!done) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		assert_true(n > 0);
		done = em_netlink_parse(buf, (size_t)n, seq, add_filter, out, &err, ext, sizeof(ext));
		assert_true(done >= 0);
	}
	close(fd);
	return err;
}

/* The filters on lo's egress. */
static struct filters lo_egress(void)
{
	struct filters l = { .n = 0 };
	char req[128];

	assert_int_equal(nl_request(req, em_netlink_filter_dump(req, sizeof(req), 7, 1, EM_TC_H_EGRESS),
				    7, &l),
			 0);
	return l;
}

/* ---- TC: clsact + cls_bpf ------------------------------------------------------------------------- */

/* Send "hello" to ourselves over lo: what arrives (its first byte), or 0 when nothing does. */
static char udp_roundtrip(struct fixture *f)
{
	int rx = net_bound(SOCK_DGRAM, 0);
	char buf[64] = "";

	*f->port = net_local_port(rx);
	net_udp_send("127.0.0.1", *f->port, "hello", 1);
	if (net_recv(rx, buf, sizeof(buf), 300) < 0)
		buf[0] = 0;
	close(rx);
	return buf[0];
}

static void test_tc_clsact(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_program_attach_tcx_opts o = { .sz = sizeof(o), .ifname = "lo" };
	struct ebpfmini_program *count = prog_of(f->net_obj, "tc_count");
	struct ebpfmini_program *rewrite = prog_of(f->net_obj, "tc_rewrite");
	struct ebpfmini_link *lc = NULL, *lr = NULL;
	struct filters l;
	int fds = count_fds();

	pretend_old(false, false, true);
	assert_int_equal(ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TCX, NULL, 0), 0);
	assert_int_equal(lo_egress().n, 0);
	/* TCX_NEXT (TC_ACT_UNSPEC for cls_bpf) first, then the rewrite: both run */
	assert_int_equal(ebpfmini_program_attach_tcx(count, 0, &o, &lc), 0);
	assert_int_equal(ebpfmini_program_attach_tcx(rewrite, 1, NULL, &lr), 0);
	assert_true(log_captured("attaching as a cls_bpf filter on a clsact qdisc"));
	assert_string_equal(ebpfmini_link_target(lc), "tc egress lo (cls_bpf prio 1)");
	assert_string_equal(ebpfmini_link_target(lr), "tc egress lo (cls_bpf prio 2)");
	l = lo_egress();
	assert_int_equal(l.n, 2);
	assert_int_equal(l.f[0].prio, 1);
	assert_int_equal(l.f[0].prog_id, ebpfmini_program_id(count));
	assert_string_equal(l.f[0].name, "tc_count");
	assert_true(l.f[0].direct_action);
	assert_int_equal(l.f[1].prio, 2);
	assert_int_equal(l.f[1].prog_id, ebpfmini_program_id(rewrite));

	*f->rewrite_to = 'J';
	*f->tc_counted = *f->tc_rewritten = 0;
	assert_int_equal(udp_roundtrip(f), 'J');
	assert_int_equal(*f->tc_counted, 1);
	assert_int_equal(*f->tc_rewritten, 1);

	/* detach removes exactly its own filter */
	assert_int_equal(ebpfmini_link_detach(lc), 0);
	l = lo_egress();
	assert_int_equal(l.n, 1);
	assert_int_equal(l.f[0].prog_id, ebpfmini_program_id(rewrite));
	*f->rewrite_to = 'Y';
	assert_int_equal(udp_roundtrip(f), 'Y');
	assert_int_equal(*f->tc_counted, 1);
	ebpfmini_link_close(lc);
	assert_int_equal(lo_egress().n, 1);
	ebpfmini_link_close(lr);
	assert_int_equal(lo_egress().n, 0);
	assert_int_equal(udp_roundtrip(f), 'h');
	assert_int_equal(count_fds(), fds);
}

static void test_tc_placement_needs_tcx(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_program_attach_tcx_opts o = { .sz = sizeof(o), .ifname = "lo",
						      .flags = EBPFMINI_ATTACH_BEFORE };
	struct ebpfmini_link *l = NULL;

	pretend_old(false, false, true);
	assert_int_equal(ebpfmini_program_attach_tcx(prog_of(f->net_obj, "tc_count"), 0, &o, &l),
			 -EOPNOTSUPP);
	assert_null(l);
	assert_true(log_captured("placement options need tcx links (Linux 6.6)"));
	assert_int_equal(lo_egress().n, 0);
}

/* ---- XDP: IFLA_XDP ------------------------------------------------------------------------------------- */

/* Put prog_fd on lo (-1: take whatever is there off), as `ip link set dev lo xdp` does. */
static int lo_xdp(int prog_fd)
{
	char req[128];

	return nl_request(req, em_netlink_xdp(req, sizeof(req), 9, 1, prog_fd, 0, -1), 9, NULL);
}

static void test_xdp_netlink(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_program *count = prog_of(f->net_obj, "xdp_count");
	struct ebpfmini_program *second = prog_of(f->net_obj, "xdp_second");
	struct ebpfmini_link *l = NULL, *l2 = NULL;
	int fds = count_fds();

	pretend_old(false, true, false);
	assert_int_equal(ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_XDP_LINK, NULL, 0), 0);
	assert_int_equal(ebpfmini_program_attach_xdp(count, 1, NULL, &l), 0);
	assert_true(log_captured("attaching through netlink (IFLA_XDP)"));
	assert_string_equal(ebpfmini_link_target(l), "xdp lo");
	*f->drop = 1;
	*f->xdp_dropped = 0;
	assert_int_equal(udp_roundtrip(f), 0);
	assert_true(*f->xdp_dropped >= 1);
	/* one program per interface and mode, as with links */
	assert_int_equal(ebpfmini_program_attach_xdp(second, 1, NULL, &l2), -EBUSY);
	assert_null(l2);
	assert_int_equal(ebpfmini_link_detach(l), 0);
	assert_int_equal(udp_roundtrip(f), 'h');
	ebpfmini_link_close(l);

	/* close takes off only our own program: not one that replaced it */
	assert_int_equal(ebpfmini_program_attach_xdp(count, 1, NULL, &l), 0);
	assert_int_equal(lo_xdp(ebpfmini_program_fd(second)), 0);
	ebpfmini_link_close(l);
	*f->xdp_second_seen = 0;
	assert_int_equal(udp_roundtrip(f), 'h');
	assert_true(*f->xdp_second_seen >= 1);
	assert_int_equal(lo_xdp(-1), 0);
	*f->drop = 0;
	assert_int_equal(count_fds(), fds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cgroup_prog_attach, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_cgroup_placement_needs_links, test_setup,
						test_teardown),
		cmocka_unit_test_setup_teardown(test_tc_clsact, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_tc_placement_needs_tcx, test_setup,
						test_teardown),
		cmocka_unit_test_setup_teardown(test_xdp_netlink, test_setup, test_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
