/* test_attach_struct_ops.c - struct_ops: a TCP congestion control written in BPF, registered by map update and by link, chosen on a loopback connection in a private network namespace */
#include <netinet/tcp.h>
#include <pthread.h>

#include "load_util.h"
#include "net_util.h"

#define CC_OBJ OBJ("struct_ops_cc")
#define TRANSFER (1u << 20)

/* One object loaded for the tests that register (NULL: skipped with skip_reason). */
static struct ebpfmini_object *obj;
static char skip_reason[512];

static uint64_t read_u64(const char *name)
{
	struct ebpfmini_var *v = ebpfmini_object_find_var(obj, name);
	uint64_t x = 0;

	assert_non_null(v);
	assert_int_equal(ebpfmini_var_read(v, &x, sizeof(x)), 0);
	return x;
}

static int group_setup(void **state)
{
	char reason[256] = "";
	int err;

	(void)state;
	net_enter_private_ns(false);
	if (net_skip_reason[0])
		return 0;
	obj = open_obj(CC_OBJ);
	err = ebpfmini_object_load(obj);
	if (err == 0)
		return 0;
	/* lockdown forbids the trampolines struct_ops programs run through */
	if (err == -EPERM &&
	    ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TRAMPOLINES, reason, sizeof(reason)) == 0)
		snprintf(skip_reason, sizeof(skip_reason), "struct_ops (BPF trampolines): %s",
			 reason);
	else if (err == -ENOENT)
		snprintf(skip_reason, sizeof(skip_reason),
			 "struct_ops tcp_congestion_ops: the kernel's BTF has no "
			 "bpf_struct_ops_tcp_congestion_ops");
	else
		fail_msg("load %s: %d (%s)", CC_OBJ, err, strerror(-err));
	ebpfmini_object_close(obj);
	obj = NULL;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	ebpfmini_object_close(obj);
	return 0;
}

static int need_loaded(void **state)
{
	net_skip_setup(state);
	if (!obj) {
		print_message("skipped: %s\n", skip_reason);
		skip();
	}
	return 0;
}

/* The receiving end: read everything the client sends. */
static void *drain(void *arg)
{
	int fd = accept(*(int *)arg, NULL, NULL);
	char buf[65536];
	size_t total = 0;
	ssize_t n;

	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		total += (size_t)n;
	if (fd >= 0)
		close(fd);
	return (void *)(uintptr_t)total;
}

/*
 * A loopback TCP connection whose client uses congestion control cc (-errno
 * of setsockopt when the kernel refuses it); TRANSFER bytes sent, and the
 * name the kernel reports for the socket in got.
 */
static int tcp_with_cc(const char *cc, char got[16])
{
	int srv = net_bound(SOCK_STREAM, 0), cli = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = net_addr("127.0.0.1", net_local_port(srv));
	socklen_t len = 16;
	static char chunk[65536];
	pthread_t t;
	void *received;
	size_t sent = 0;

	assert_true(cli >= 0);
	if (setsockopt(cli, IPPROTO_TCP, TCP_CONGESTION, cc, (socklen_t)strlen(cc)) < 0) {
		int err = -errno;

		close(cli);
		close(srv);
		return err;
	}
	assert_int_equal(pthread_create(&t, NULL, drain, &srv), 0);
	assert_int_equal(connect(cli, (struct sockaddr *)&a, sizeof(a)), 0);
	while (sent < TRANSFER) {
		ssize_t n = write(cli, chunk, sizeof(chunk));

		assert_true(n > 0);
		sent += (size_t)n;
	}
	memset(got, 0, 16);
	assert_int_equal(getsockopt(cli, IPPROTO_TCP, TCP_CONGESTION, got, &len), 0);
	close(cli);
	pthread_join(t, &received);
	close(srv);
	assert_int_equal((size_t)(uintptr_t)received, sent);
	return 0;
}

/*
 * Register map name, use it on a connection, check the kernel ran its
 * programs, unregister. Returns whether a struct_ops link registered it.
 */
static bool register_and_use(const char *map_name, const char *cc)
{
	bool by_link;
	struct ebpfmini_link *link = NULL;
	uint64_t init0 = read_u64("init_calls"), avoid0 = read_u64("cong_avoid_calls");
	char got[16];
	int err;

	/* before registration the kernel does not know the name */
	assert_int_equal(tcp_with_cc(cc, got), -ENOENT);
	err = ebpfmini_map_attach_struct_ops(map_of(obj, map_name), &link);
	if (err)
		fail_msg("attach struct_ops '%s': %d (%s)", map_name, err, strerror(-err));
	by_link = ebpfmini_link_fd(link) >= 0;
	print_message("%s: registered by %s\n", map_name, by_link ? "a struct_ops link" : "map update");
	assert_string_equal(ebpfmini_link_target(link),
			    strcmp(map_name, "ebpfmini_cc") ? "struct_ops tcp_congestion_ops "
							      "'ebpfmini_cc_link'" :
							      "struct_ops tcp_congestion_ops "
							      "'ebpfmini_cc'");
	/* registered twice: the kernel refuses (the name exists, or the map is in use) */
	{
		struct ebpfmini_link *again = NULL;

		log_capture_start(EBPFMINI_LOG_ERROR);
		err = ebpfmini_map_attach_struct_ops(map_of(obj, map_name), &again);
		log_capture_stop();
		assert_true(err < 0);
		assert_null(again);
	}
	assert_int_equal(tcp_with_cc(cc, got), 0);
	assert_string_equal(got, cc);
	print_message("%s: init %llu, cong_avoid %llu calls\n", cc,
		      (unsigned long long)(read_u64("init_calls") - init0),
		      (unsigned long long)(read_u64("cong_avoid_calls") - avoid0));
	assert_true(read_u64("init_calls") > init0);
	assert_true(read_u64("cong_avoid_calls") > avoid0);
	ebpfmini_link_close(link);
	/* unregistered with the link */
	assert_int_equal(tcp_with_cc(cc, got), -ENOENT);
	return by_link;
}

static void test_register_by_update(void **state)
{
	(void)state;
	register_and_use("ebpfmini_cc", "ebpfmini_cc");
}

static void test_register_by_link(void **state)
{
	struct ebpfmini_link *link = NULL;

	(void)state;
	if (register_and_use("ebpfmini_cc_link", "ebpfmini_ccl")) {
		/* a link map registers again after its link is gone */
		register_and_use("ebpfmini_cc_link", "ebpfmini_ccl");
		return;
	}
	/* without struct_ops links (before 6.4) the kernel takes a map's value once */
	log_capture_start(EBPFMINI_LOG_ERROR);
	assert_int_equal(ebpfmini_map_attach_struct_ops(map_of(obj, "ebpfmini_cc_link"), &link),
			 -EBUSY);
	assert_non_null(log_captured("load the object again"));
	log_capture_stop();
	assert_null(link);
}

/* What open makes of the sections: no kernel needed. */
static void test_open_model(void **state)
{
	struct ebpfmini_object *o = open_obj(CC_OBJ);
	struct ebpfmini_map *m = map_of(o, "ebpfmini_cc"), *l = map_of(o, "ebpfmini_cc_link");
	struct ebpfmini_link *link = NULL;

	(void)state;
	assert_int_equal(ebpfmini_map_type(m), BPF_MAP_TYPE_STRUCT_OPS);
	assert_int_equal(ebpfmini_map_type(l), BPF_MAP_TYPE_STRUCT_OPS);
	assert_int_equal(ebpfmini_map_flags(m), 0);
	assert_int_equal(ebpfmini_map_flags(l), 1u << 13 /* BPF_F_LINK */);
	assert_false(ebpfmini_map_is_global_data(m));
	assert_int_equal(ebpfmini_map_max_entries(m), 1);
	assert_true(ebpfmini_program_autoload(prog_of(o, "cc_init")));
	assert_int_equal(ebpfmini_program_type(prog_of(o, "cc_init")), BPF_PROG_TYPE_STRUCT_OPS);
	/* not loaded: nothing to register */
	log_capture_start(EBPFMINI_LOG_ERROR);
	assert_int_equal(ebpfmini_map_attach_struct_ops(m, &link), -EBUSY);
	assert_int_equal(ebpfmini_map_attach_struct_ops(map_of(o, ".bss"), &link), -EINVAL);
	log_capture_stop();
	assert_null(link);
	ebpfmini_object_close(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_model),
		cmocka_unit_test_setup(test_register_by_update, need_loaded),
		cmocka_unit_test_setup(test_register_by_link, need_loaded),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
