/* test_attach_sock.c - socket filters and sk_msg/sk_skb programs on a sockmap, in a network namespace of the test's own */
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "load_util.h"
#include "net_util.h"
#include "feature.h" /* em_feature_btf_enum_knows: whether the kernel has sockmap links */
#include "sys.h" /* em_sys_set_hook: a kernel without sockmap links */
#include "uapi_compat.h"

#ifndef SO_DETACH_BPF
#define SO_DETACH_BPF 27
#endif

struct fixture {
	struct ebpfmini_object *obj;
	uint64_t *filtered, *msgs, *msg_bytes, *skbs, *skb_bytes;
};

static int group_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	net_enter_private_ns(false);
	if (net_skip_reason[0])
		return 0;
	f->obj = open_obj(OBJ("net_sock"));
	if (ebpfmini_object_load(f->obj))
		return -1;
	f->filtered = var_ptr(f->obj, ".bss", "filtered");
	f->msgs = var_ptr(f->obj, ".bss", "msgs");
	f->msg_bytes = var_ptr(f->obj, ".bss", "msg_bytes");
	f->skbs = var_ptr(f->obj, ".bss", "skbs");
	f->skb_bytes = var_ptr(f->obj, ".bss", "skb_bytes");
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;

	ebpfmini_object_close(f->obj);
	free(f);
	return 0;
}

static int test_teardown(void **state)
{
	(void)state;
	em_sys_set_hook(NULL, NULL);
	log_capture_stop();
	return 0;
}

/* ---- socket filters ---- */

static void test_socket_filter_count(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_program *prog = prog_of(f->obj, "sock_count");
	struct ebpfmini_link_info info = { .sz = sizeof(info) };
	struct ebpfmini_link *link = NULL;
	int rx = net_bound(SOCK_DGRAM, 0), fds = count_fds();
	uint16_t port = net_local_port(rx);
	char target[64];

	*f->filtered = 0;
	assert_int_equal(ebpfmini_program_attach_socket(prog, rx, &link), 0);
	snprintf(target, sizeof(target), "filter on socket fd %d", rx);
	assert_string_equal(ebpfmini_link_target(link), target);
	net_udp_send("127.0.0.1", port, "count me", 4);
	assert_int_equal(net_drain(rx, 200), 4);
	assert_int_equal(*f->filtered, 4);

	/* no kernel link behind it */
	assert_int_equal(ebpfmini_link_fd(link), -EBADF);
	assert_int_equal(ebpfmini_link_id(link), 0);
	assert_int_equal(ebpfmini_link_info(link, &info), -EOPNOTSUPP);
	log_capture_start(EBPFMINI_LOG_DEBUG);
	assert_int_equal(ebpfmini_link_pin(link, "/sys/fs/bpf/ebpfmini-never"), -EOPNOTSUPP);

	/* detach undoes the attachment at once (SO_DETACH_BPF); the object stays to be closed */
	assert_int_equal(ebpfmini_link_detach(link), 0);
	net_udp_send("127.0.0.1", port, "not counted", 2);
	assert_int_equal(net_drain(rx, 200), 2);
	assert_int_equal(*f->filtered, 4);
	assert_int_equal(ebpfmini_link_detach(link), 0); /* twice is harmless */

	ebpfmini_link_close(link);
	assert_int_equal(count_fds(), fds);
	net_udp_send("127.0.0.1", port, "still not counted", 2);
	assert_int_equal(net_drain(rx, 200), 2);
	assert_int_equal(*f->filtered, 4);
	close(rx);
}

/* the filter belongs to the socket: a process that exits without closing its link leaves it */
static void test_socket_filter_outlives_process(void **state)
{
	struct fixture *f = *state;
	int rx = net_bound(SOCK_DGRAM, 0), status = 0, zero = 0;
	uint16_t port = net_local_port(rx);
	pid_t pid;

	*f->filtered = 0;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct ebpfmini_link *link = NULL;

		/* attach to the inherited socket, then exit without closing */
		_exit(ebpfmini_program_attach_socket(prog_of(f->obj, "sock_count"), rx, &link) ? 1
											   : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	net_udp_send("127.0.0.1", port, "still filtered", 3);
	assert_int_equal(net_drain(rx, 200), 3);
	assert_int_equal(*f->filtered, 3); /* the .bss is the kernel's map: shared with the child */
	assert_int_equal(setsockopt(rx, SOL_SOCKET, SO_DETACH_BPF, &zero, sizeof(zero)), 0);
	close(rx);
}

static void test_socket_errors(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_link *link = NULL;
	int notsock = open("/dev/null", O_RDONLY | O_CLOEXEC), rx = net_bound(SOCK_DGRAM, 0);

	log_capture_start(EBPFMINI_LOG_DEBUG);
	assert_int_equal(ebpfmini_program_attach_socket(prog_of(f->obj, "sock_count"), notsock,
							&link),
			 -ENOTSOCK);
	assert_true(log_captured("the fd is not a socket"));
	assert_null(link);
	assert_int_equal(ebpfmini_program_attach_socket(prog_of(f->obj, "msg_count"), rx, &link),
			 -EINVAL);
	assert_true(log_captured("a BPF_PROG_TYPE_SK_MSG program cannot attach to a socket (it takes "
			    "BPF_PROG_TYPE_SOCKET_FILTER or BPF_PROG_TYPE_SK_REUSEPORT)"));
	assert_int_equal(ebpfmini_program_attach_socket(prog_of(f->obj, "sock_count"), -1, &link),
			 -EINVAL);
	close(notsock);
	close(rx);
}

/* ---- sockmap ---- */

/* a connected pair of TCP sockets on loopback */
static void tcp_pair(int *client, int *server)
{
	int listener = net_bound(SOCK_STREAM, 0);
	struct sockaddr_in a = net_addr("127.0.0.1", net_local_port(listener));

	*client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(*client >= 0);
	assert_int_equal(connect(*client, (struct sockaddr *)&a, sizeof(a)), 0);
	*server = accept(listener, NULL, NULL);
	assert_true(*server >= 0);
	close(listener);
}

static void put_socks(struct ebpfmini_map *map, int a, int b)
{
	uint32_t k0 = 0, k1 = 1, va = (uint32_t)a, vb = (uint32_t)b;

	assert_int_equal(ebpfmini_map_update(map, &k0, &va, 0), 0);
	assert_int_equal(ebpfmini_map_update(map, &k1, &vb, 0), 0);
}

static void del_socks(struct ebpfmini_map *map)
{
	uint32_t k0 = 0, k1 = 1;

	ebpfmini_map_delete(map, &k0);
	ebpfmini_map_delete(map, &k1);
}

/* send text from client, read it at server */
static void send_through(int client, int server, const char *text)
{
	char buf[64] = { 0 };
	size_t n = strlen(text);
	struct pollfd p = { .fd = server, .events = POLLIN };

	assert_int_equal(write(client, text, n), (ssize_t)n);
	assert_int_equal(poll(&p, 1, 1000), 1);
	assert_int_equal(read(server, buf, sizeof(buf) - 1), (ssize_t)n);
	assert_string_equal(buf, text);
}

static uint32_t map_prog_count(int map_fd, uint32_t attach_type)
{
	uint32_t id = 0;
	struct ebpfmini_sys_prog_query_opts q = { .sz = sizeof(q), .prog_ids = &id, .prog_cnt = 1 };

	assert_int_equal(ebpfmini_sys_prog_query(map_fd, attach_type, &q), 0);
	return q.prog_cnt;
}

/* sk_msg counts what the client sends, sk_skb/stream_verdict what the server receives */
static void test_sockmap_msg_and_skb(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_map *socks = map_of(f->obj, "socks");
	struct ebpfmini_link_info info = { .sz = sizeof(info) };
	struct ebpfmini_link *msg = NULL, *skb = NULL;
	int client, server;
	bool links = em_feature_btf_enum_knows("bpf_link_type", BPF_LINK_TYPE_SOCKMAP) == 1;

	*f->msgs = *f->msg_bytes = *f->skbs = *f->skb_bytes = 0;
	assert_int_equal(ebpfmini_program_attach_sockmap(prog_of(f->obj, "msg_count"),
							 ebpfmini_map_fd(socks), &msg),
			 0);
	assert_int_equal(ebpfmini_program_attach_sockmap(prog_of(f->obj, "skb_count"),
							 ebpfmini_map_fd(socks), &skb),
			 0);
	assert_string_equal(ebpfmini_link_target(msg), "sk_msg sockmap 'socks'");
	assert_string_equal(ebpfmini_link_target(skb), "sk_skb/stream_verdict sockmap 'socks'");
	if (links) {
		assert_int_equal(ebpfmini_link_info(msg, &info), 0);
		assert_int_equal(info.type, BPF_LINK_TYPE_SOCKMAP);
		assert_int_equal(info.prog_id, ebpfmini_program_id(prog_of(f->obj, "msg_count")));
	} else {
		/* attached with BPF_PROG_ATTACH: no kernel link to describe */
		assert_int_equal(ebpfmini_link_info(msg, &info), -EOPNOTSUPP);
		print_message("skipped part: the kernel has no sockmap links (BPF_LINK_TYPE_SOCKMAP, "
			      "Linux 6.10): link info\n");
	}

	tcp_pair(&client, &server);
	put_socks(socks, client, server); /* programs apply to sockets added after them */
	send_through(client, server, "hello");
	send_through(client, server, "sockmap!");
	assert_int_equal(*f->msgs, 2);
	assert_int_equal(*f->msg_bytes, 13);
	assert_true(*f->skbs >= 1);
	assert_int_equal(*f->skb_bytes, 13);

	/* one program per hook and map (BPF_PROG_ATTACH, without links, replaces instead) */
	log_capture_start(EBPFMINI_LOG_DEBUG);
	if (links) {
		struct ebpfmini_link *again = NULL;

		assert_int_equal(ebpfmini_program_attach_sockmap(prog_of(f->obj, "msg_count"),
								 ebpfmini_map_fd(socks), &again),
				 -EBUSY);
		assert_true(log_captured("the map has a program on this hook already"));
	} else {
		print_message("skipped part: the kernel has no sockmap links (BPF_LINK_TYPE_SOCKMAP, "
			      "Linux 6.10): a second attach\n");
	}
	del_socks(socks);
	ebpfmini_link_close(msg);
	ebpfmini_link_close(skb);
	assert_int_equal(map_prog_count(ebpfmini_map_fd(socks), BPF_SK_MSG_VERDICT), 0);
	assert_int_equal(map_prog_count(ebpfmini_map_fd(socks), BPF_SK_SKB_STREAM_VERDICT), 0);
	close(client);
	close(server);
}

/* pretend to be a kernel before sockmap links (6.10): LINK_CREATE answers EINVAL */
static long no_link_create(void *ctx, long nr, long arg0, void *arg1)
{
	(void)ctx;
	(void)arg1;
	return nr == SYS_bpf && arg0 == BPF_LINK_CREATE ? -EINVAL : 0;
}

static void test_sockmap_prog_attach_fallback(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_map *hash = map_of(f->obj, "socks_hash");
	struct ebpfmini_link *link = NULL;
	int client, server, fds = count_fds();

	*f->msgs = 0;
	em_sys_set_hook(no_link_create, NULL);
	assert_int_equal(ebpfmini_program_attach_sockmap(prog_of(f->obj, "msg_count"),
							 ebpfmini_map_fd(hash), &link),
			 0);
	em_sys_set_hook(NULL, NULL);
	assert_string_equal(ebpfmini_link_target(link), "sk_msg sockhash 'socks_hash'");
	assert_int_equal(ebpfmini_link_id(link), 0); /* no kernel link */
	assert_int_equal(map_prog_count(ebpfmini_map_fd(hash), BPF_SK_MSG_VERDICT), 1);

	tcp_pair(&client, &server);
	put_socks(hash, client, server);
	send_through(client, server, "legacy");
	assert_int_equal(*f->msgs, 1);
	del_socks(hash);

	ebpfmini_link_close(link); /* BPF_PROG_DETACH */
	assert_int_equal(map_prog_count(ebpfmini_map_fd(hash), BPF_SK_MSG_VERDICT), 0);
	close(client);
	close(server);
	assert_int_equal(count_fds(), fds);
}

static void test_sockmap_errors(void **state)
{
	struct fixture *f = *state;
	int socks = ebpfmini_map_fd(map_of(f->obj, "socks"));
	struct ebpfmini_link *link = NULL;

	log_capture_start(EBPFMINI_LOG_DEBUG);
	assert_int_equal(ebpfmini_program_attach_sockmap(prog_of(f->obj, "msg_count"),
							 ebpfmini_map_fd(map_of(f->obj, "not_socks")),
							 &link),
			 -EINVAL);
	assert_true(log_captured("map 'not_socks' is a BPF_MAP_TYPE_ARRAY, not a sockmap or sockhash"));
	assert_int_equal(ebpfmini_program_attach_sockmap(prog_of(f->obj, "skb_plain"), socks,
							 &link),
			 -EINVAL);
	assert_true(log_captured("SEC 'sk_skb' does not say which sk_skb hook"));
	assert_int_equal(ebpfmini_program_attach_sockmap(prog_of(f->obj, "sock_count"), socks,
							 &link),
			 -EINVAL);
	assert_true(log_captured("a BPF_PROG_TYPE_SOCKET_FILTER program cannot attach to a sockmap"));
	assert_null(link);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_socket_filter_count, net_skip_setup,
						test_teardown),
		cmocka_unit_test_setup_teardown(test_socket_filter_outlives_process, net_skip_setup,
						test_teardown),
		cmocka_unit_test_setup_teardown(test_socket_errors, net_skip_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_sockmap_msg_and_skb, net_skip_setup,
						test_teardown),
		cmocka_unit_test_setup_teardown(test_sockmap_prog_attach_fallback, net_skip_setup,
						test_teardown),
		cmocka_unit_test_setup_teardown(test_sockmap_errors, net_skip_setup, test_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
