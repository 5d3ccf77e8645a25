/* test_attach_cgroup.c - cgroup links, in a cgroup v2 directory the test creates and removes */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "load_util.h"
#include "net_util.h"
#include "uapi_compat.h"

struct fixture {
	struct ebpfmini_object *obj;
	char cgroup[PATH_MAX + 64]; /* absolute path of the test's cgroup */
	char relative[64];     /* the same, relative to the cgroup2 mount */
	/* .bss of net_cgroup */
	uint16_t *server_port, *bind_from, *bind_to;
	uint32_t *deny;
	uint64_t *redirects, *redirects2, *sends, *binds, *egress_pkts, *creates, *sysctls,
		*getsockopts, *devs, *connect_cbs;
};

/* The mount point of the first cgroup2 file system, from /proc/self/mountinfo. */
static bool find_cgroup2(char *out, size_t size)
{
	FILE *fp = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	bool found = false;

	if (!fp)
		return false;
	while (!found && fgets(line, sizeof(line), fp)) {
		char mnt[PATH_MAX], *sep = strstr(line, " - ");

		if (sep && strncmp(sep + 3, "cgroup2 ", 8) == 0 &&
		    sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 && strlen(mnt) < size) {
			strcpy(out, mnt);
			found = true;
		}
	}
	fclose(fp);
	return found;
}

static int group_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char mnt[PATH_MAX];

	*state = f;
	/* sockets and bpffs of the test's own; the cgroup is made and removed below */
	net_enter_private_ns(true);
	if (net_skip_reason[0])
		return 0;
	if (!find_cgroup2(mnt, sizeof(mnt))) {
		snprintf(net_skip_reason, sizeof(net_skip_reason),
			 "no cgroup v2 mount (cgroup BPF programs need one)");
		return 0;
	}
	if (net_mount_bpffs() < 0) {
		snprintf(net_skip_reason, sizeof(net_skip_reason), "cannot mount a bpffs");
		return 0;
	}
	snprintf(f->relative, sizeof(f->relative), "ebpfmini-test-%d", (int)getpid());
	snprintf(f->cgroup, sizeof(f->cgroup), "%s/%s", mnt, f->relative);
	if (mkdir(f->cgroup, 0755)) {
		snprintf(net_skip_reason, sizeof(net_skip_reason), "cannot create cgroup %.160s: %s",
			 f->cgroup, strerror(errno));
		f->cgroup[0] = '\0';
		return 0;
	}
	f->obj = open_obj(OBJ("net_cgroup"));
	if (ebpfmini_object_load(f->obj))
		return -1;
#define BSS(name) f->name = var_ptr(f->obj, ".bss", #name)
	BSS(server_port);
	BSS(bind_from);
	BSS(bind_to);
	BSS(deny);
	BSS(redirects);
	BSS(redirects2);
	BSS(sends);
	BSS(binds);
	BSS(egress_pkts);
	BSS(creates);
	BSS(sysctls);
	BSS(getsockopts);
	BSS(devs);
	BSS(connect_cbs);
#undef BSS
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;

	ebpfmini_object_close(f->obj);
	/* the children that joined it have been reaped; give the kernel a moment */
	for (int i = 0; f->cgroup[0] && i < 50 && rmdir(f->cgroup) && errno == EBUSY; i++)
		usleep(20000);
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

/*
 * Run fn in a child process that first joins the test's cgroup: its exit
 * status (0 for success, an errno otherwise; 255 when it could not join).
 */
static int in_cgroup(struct fixture *f, int (*fn)(void *), void *arg)
{
	char path[sizeof(f->cgroup) + 16];
	int status = 0;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/cgroup.procs", f->cgroup);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(path, O_WRONLY | O_CLOEXEC);

		if (fd < 0 || write(fd, "0", 1) != 1) /* "0": the writing process */
			_exit(255);
		close(fd);
		_exit(fn(arg) & 0xff);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static struct ebpfmini_link_info link_info(struct ebpfmini_link *link)
{
	struct ebpfmini_link_info info = { .sz = sizeof(info) };

	assert_int_equal(ebpfmini_link_info(link, &info), 0);
	return info;
}

/* ---- what the children do ---- */

/* connect to the service address 127.0.0.2:80 and say hello */
static int connect_service(void *arg)
{
	struct sockaddr_in a = net_addr("127.0.0.2", 80);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	(void)arg;
	if (fd < 0)
		return errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return errno;
	if (write(fd, "via bpf", 7) != 7)
		return errno;
	close(fd);
	return 0;
}

/* the service address must have reached the listener: read the child's hello */
static void expect_hello(int server)
{
	char buf[16] = { 0 };
	int conn = accept(server, NULL, NULL);

	assert_true(conn >= 0);
	assert_int_equal(read(conn, buf, sizeof(buf) - 1), 7);
	assert_string_equal(buf, "via bpf");
	close(conn);
}

/* ---- connect4 ---- */

/* connect4 sends connections to 127.0.0.2:80 to the test's server; sockops sees them */
static void test_connect4_redirect(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_link *redirect = NULL, *sockops = NULL;
	int server = net_bound(SOCK_STREAM, 0), cg;
	char target[sizeof(f->cgroup) + 32];

	*f->server_port = net_local_port(server);
	*f->redirects = *f->connect_cbs = 0;
	/* by a path relative to the cgroup2 mount */
	assert_int_equal(ebpfmini_program_attach_cgroup_path(prog_of(f->obj, "connect_redirect"),
							     f->relative, NULL, &redirect),
			 0);
	snprintf(target, sizeof(target), "cgroup/connect4 %s", f->cgroup);
	assert_string_equal(ebpfmini_link_target(redirect), target);
	assert_int_equal(link_info(redirect).type, BPF_LINK_TYPE_CGROUP);
	/* by fd */
	cg = open(f->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(cg >= 0);
	assert_int_equal(ebpfmini_program_attach_cgroup(prog_of(f->obj, "sockops_count"), cg, NULL,
							&sockops),
			 0);
	close(cg);

	assert_int_equal(in_cgroup(f, connect_service, NULL), 0);
	expect_hello(server);
	assert_int_equal(*f->redirects, 1);
	assert_int_equal(*f->connect_cbs, 1);
	/* only the cgroup's processes are redirected: not this one */
	assert_int_equal(connect_service(NULL), ECONNREFUSED);
	assert_int_equal(*f->redirects, 1);

	ebpfmini_link_close(redirect);
	ebpfmini_link_close(sockops);
	assert_int_equal(in_cgroup(f, connect_service, NULL), ECONNREFUSED);
	assert_int_equal(*f->connect_cbs, 1);
	close(server);
}

/* a cgroup link pinned outlives its object; updated through the pin; detached */
static void test_cgroup_pin_update_detach(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_link *link = NULL, *pinned = NULL;
	int server = net_bound(SOCK_STREAM, 0);
	char path[128];

	*f->server_port = net_local_port(server);
	*f->redirects = *f->redirects2 = 0;
	snprintf(path, sizeof(path), "%s/cgroup_connect4", net_bpffs);
	assert_int_equal(ebpfmini_program_attach_cgroup_path(prog_of(f->obj, "connect_redirect"),
							     f->cgroup, NULL, &link),
			 0);
	assert_int_equal(ebpfmini_link_pin(link, path), 0);
	ebpfmini_link_close(link);
	assert_int_equal(in_cgroup(f, connect_service, NULL), 0);
	expect_hello(server);
	assert_int_equal(*f->redirects, 1);

	assert_int_equal(ebpfmini_link_open_pinned(path, &pinned), 0);
	assert_int_equal(ebpfmini_link_update(pinned, prog_of(f->obj, "connect_redirect2")), 0);
	assert_int_equal(in_cgroup(f, connect_service, NULL), 0);
	expect_hello(server);
	assert_int_equal(*f->redirects, 1);
	assert_int_equal(*f->redirects2, 1);

	assert_int_equal(ebpfmini_link_detach(pinned), 0);
	assert_int_equal(in_cgroup(f, connect_service, NULL), ECONNREFUSED);
	assert_int_equal(ebpfmini_link_unpin(pinned, NULL), 0);
	ebpfmini_link_close(pinned);
	close(server);
}

/* two connect4 programs ordered in the cgroup (cgroup hooks keep an ordered list on 6.16+) */
static void test_cgroup_order(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_program *one = prog_of(f->obj, "connect_redirect");
	struct ebpfmini_program *two = prog_of(f->obj, "connect_redirect2");
	struct ebpfmini_program_attach_cgroup_opts opts = { .sz = sizeof(opts) };
	struct ebpfmini_link *a = NULL, *b = NULL;
	uint32_t ids[4];
	struct ebpfmini_sys_prog_query_opts q = { .sz = sizeof(q), .prog_ids = ids, .prog_cnt = 4 };
	struct ebpfmini_sys_link_create_opts first = { .sz = sizeof(first), .flags = BPF_F_BEFORE };
	int cg = open(f->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC), probe;

	assert_true(cg >= 0);
	/* placement in cgroup hooks (Linux 6.16): asked by placing a link first, with nothing
	 * relative; an older kernel refuses any flag there */
	probe = ebpfmini_sys_link_create(ebpfmini_program_fd(one), cg, BPF_CGROUP_INET4_CONNECT,
					 &first);
	if (probe == -EINVAL) {
		close(cg);
		print_message("skipped: the kernel does not place programs in cgroup hooks "
			      "(BPF_LINK_CREATE with BPF_F_BEFORE: EINVAL; Linux 6.16)\n");
		skip();
	}
	assert_true(probe >= 0);
	close(probe);
	assert_int_equal(ebpfmini_program_attach_cgroup(one, cg, NULL, &a), 0);
	/* before the link of the first (the kernel wants the link, not its program) */
	opts.flags = EBPFMINI_ATTACH_BEFORE;
	opts.relative_id = ebpfmini_link_id(a);
	opts.relative_link = true;
	assert_int_equal(ebpfmini_program_attach_cgroup(two, cg, &opts, &b), 0);
	assert_int_equal(ebpfmini_sys_prog_query(cg, BPF_CGROUP_INET4_CONNECT, &q), 0);
	assert_int_equal(q.prog_cnt, 2);
	assert_int_equal(ids[0], ebpfmini_program_id(two));
	assert_int_equal(ids[1], ebpfmini_program_id(one));
	ebpfmini_link_close(b);
	ebpfmini_link_close(a);
	close(cg);
}

/* ---- the other hooks, one child each ---- */

static int send_service(void *arg)
{
	struct sockaddr_in a = net_addr("127.0.0.2", 80);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	(void)arg;
	if (fd < 0)
		return errno;
	return sendto(fd, "dgram", 5, 0, (struct sockaddr *)&a, sizeof(a)) == 5 ? 0 : errno;
}

static int bind_port(void *arg)
{
	struct fixture *f = arg;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = net_addr("127.0.0.1", *f->bind_from);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return errno;
	return net_local_port(fd) == *f->bind_to ? 0 : 100;
}

static int make_sockets(void *arg)
{
	int tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	(void)arg;
	if (tcp < 0)
		return 100;
	return udp < 0 ? errno : 0; /* denied: EPERM */
}

static int read_sysctl(void *arg)
{
	char buf[64];
	int fd = open("/proc/sys/kernel/ostype", O_RDONLY | O_CLOEXEC);

	(void)arg;
	if (fd < 0)
		return errno;
	return read(fd, buf, sizeof(buf)) > 0 ? 0 : errno;
}

static int get_sockopt(void *arg)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), v = 0;
	socklen_t len = sizeof(v);

	(void)arg;
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len) < 0)
		return errno;
	return v > 0 ? 0 : 100;
}

static int open_dev_null(void *arg)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	(void)arg;
	return fd < 0 ? errno : 0;
}

static void test_cgroup_hooks(void **state)
{
	struct fixture *f = *state;
	int rx = net_bound(SOCK_DGRAM, 0);
	struct {
		const char *prog, *hook;
		int (*child)(void *);
		uint32_t deny;
		int status;       /* the child's */
		uint64_t *counter; /* must have moved */
	} cases[] = {
		{ "sendmsg_redirect", "cgroup/sendmsg4", send_service, 0, 0, f->sends },
		{ "bind_rewrite", "cgroup/bind4", bind_port, 0, 0, f->binds },
		{ "skb_egress", "cgroup_skb/egress", send_service, 0, 0, f->egress_pkts },
		{ "sock_create", "cgroup/sock_create", make_sockets, 1, EPERM, f->creates },
		{ "sysctl_guard", "cgroup/sysctl", read_sysctl, 1, EPERM, f->sysctls },
		{ "sysctl_guard", "cgroup/sysctl", read_sysctl, 0, 0, f->sysctls },
		{ "getsockopt_count", "cgroup/getsockopt", get_sockopt, 0, 0, f->getsockopts },
		{ "dev_guard", "cgroup/dev", open_dev_null, 1, EPERM, f->devs },
	};

	*f->server_port = net_local_port(rx);
	*f->bind_from = 5001;
	*f->bind_to = 5002;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ebpfmini_link *link = NULL;
		char target[sizeof(f->cgroup) + 32];
		uint64_t before = *cases[i].counter;
		int status;

		print_message("%s (deny %u)\n", cases[i].hook, cases[i].deny);
		*f->deny = cases[i].deny;
		assert_int_equal(ebpfmini_program_attach_cgroup_path(prog_of(f->obj, cases[i].prog),
								     f->cgroup, NULL, &link),
				 0);
		snprintf(target, sizeof(target), "%s %s", cases[i].hook, f->cgroup);
		assert_string_equal(ebpfmini_link_target(link), target);
		status = in_cgroup(f, cases[i].child, f);
		ebpfmini_link_close(link);
		assert_int_equal(status, cases[i].status);
		assert_true(*cases[i].counter > before);
		/* and without the program, the child does as it pleases */
		if (cases[i].deny)
			assert_int_equal(in_cgroup(f, cases[i].child, f), 0);
	}
	*f->deny = 0;
	/* the redirected datagram arrived */
	assert_int_equal(net_drain(rx, 200), 1);
	close(rx);
}

/* ---- errors ---- */

static void test_cgroup_errors(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_program *prog = prog_of(f->obj, "connect_redirect");
	struct ebpfmini_object *other = open_obj(OBJ("net_sock"));
	struct ebpfmini_link *link = NULL;
	char missing[sizeof(f->cgroup) + 8];
	int notcg;

	log_capture_start(EBPFMINI_LOG_DEBUG);
	/* a missing cgroup is named */
	snprintf(missing, sizeof(missing), "%s/nope", f->cgroup);
	assert_int_equal(ebpfmini_program_attach_cgroup_path(prog, missing, NULL, &link), -ENOENT);
	assert_null(link);
	assert_true(log_captured("no such cgroup"));
	assert_true(log_captured(missing));
	/* not cgroup v2 */
	assert_int_equal(ebpfmini_program_attach_cgroup_path(prog, "/tmp", NULL, &link),
			 -EMEDIUMTYPE);
	assert_true(log_captured("attach to cgroup '/tmp': not a cgroup v2 directory"));
	if (access("/sys/fs/cgroup/cpu", F_OK) == 0) { /* a cgroup v1 hierarchy on this machine */
		assert_int_equal(ebpfmini_program_attach_cgroup_path(prog, "/sys/fs/cgroup/cpu",
								     NULL, &link),
				 -EMEDIUMTYPE);
		assert_true(log_captured("this is a cgroup v1 hierarchy"));
	}
	/* a directory fd that is no cgroup */
	notcg = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(ebpfmini_program_attach_cgroup(prog, notcg, NULL, &link), -EBADF);
	assert_true(log_captured("not a cgroup v2 directory"));
	close(notcg);
	/* a program of another type names both */
	assert_int_equal(ebpfmini_object_load(other), 0);
	assert_int_equal(ebpfmini_program_attach_cgroup_path(prog_of(other, "sock_count"),
							     f->cgroup, NULL, &link),
			 -EINVAL);
	assert_true(log_captured("a BPF_PROG_TYPE_SOCKET_FILTER program cannot attach to a cgroup"));
	ebpfmini_object_close(other);
	/* bad placement */
	{
		struct ebpfmini_program_attach_cgroup_opts opts = {
			.sz = sizeof(opts), .flags = EBPFMINI_ATTACH_BEFORE | EBPFMINI_ATTACH_AFTER
		};

		assert_int_equal(ebpfmini_program_attach_cgroup_path(prog, f->cgroup, &opts,
								     &link),
				 -EINVAL);
		assert_true(log_captured("bad placement options"));
	}
	assert_null(link);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_connect4_redirect, net_skip_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_cgroup_pin_update_detach, net_skip_setup,
						test_teardown),
		cmocka_unit_test_setup_teardown(test_cgroup_order, net_skip_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_cgroup_hooks, net_skip_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_cgroup_errors, net_skip_setup, test_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
