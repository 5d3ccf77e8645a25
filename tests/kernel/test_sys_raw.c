/* test_sys_raw.c - every typed bpf() wrapper against the real kernel (root), fds >= 3 and O_CLOEXEC */
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "uapi_compat.h"

#include "ebpfmini/sys.h"

static void need_root(void)
{
	if (geteuid() != 0) {
		print_message("skipped: bpf() needs root (CAP_BPF/CAP_SYS_ADMIN) and this test runs "
			      "as uid %u\n",
			      (unsigned)geteuid());
		skip();
	}
}

/* Every fd the library returns is >= 3 and close-on-exec. */
static void assert_fd_ok(int fd)
{
	int flags;

	if (fd < 0)
		fail_msg("expected an fd, got %d (%s)", fd, strerror(-fd));
	assert_true(fd >= 3);
	flags = fcntl(fd, F_GETFD);
	assert_true(flags >= 0);
	assert_true(flags & FD_CLOEXEC);
}

static int hash_map(const char *name, uint32_t max_entries)
{
	struct ebpfmini_sys_map_create_opts o = { .sz = sizeof(o), .name = name };
	int fd = ebpfmini_sys_map_create(BPF_MAP_TYPE_HASH, 4, 8, max_entries, &o);

	assert_fd_ok(fd);
	return fd;
}

/* r0 = ret; exit */
static int load_ret(uint32_t prog_type, int32_t ret, const char *name)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = ret },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char log[4096] = "";
	struct ebpfmini_sys_prog_load_opts o = { .sz = sizeof(o), .name = name, .log_buf = log,
						 .log_size = sizeof(log), .log_level = 1 };
	int fd = ebpfmini_sys_prog_load(prog_type, "GPL", insns, 2, &o);

	if (fd < 0)
		fail_msg("prog_load: %s\n%s", strerror(-fd), log);
	assert_fd_ok(fd);
	return fd;
}

static void test_hash_elems(void **state)
{
	uint32_t key, next, seen = 0;
	uint64_t value;
	int fd, n = 0;

	(void)state;
	need_root();
	fd = hash_map("sys_hash", 16);
	for (key = 1; key <= 3; key++) {
		value = key * 100;
		assert_int_equal(ebpfmini_sys_map_update(fd, &key, &value, BPF_NOEXIST), 0);
	}
	key = 2;
	value = 0;
	assert_int_equal(ebpfmini_sys_map_update(fd, &key, &value, BPF_NOEXIST), -EEXIST);
	assert_int_equal(ebpfmini_sys_map_lookup(fd, &key, &value, 0), 0);
	assert_int_equal(value, 200);
	value = 222;
	assert_int_equal(ebpfmini_sys_map_update(fd, &key, &value, BPF_EXIST), 0);
	assert_int_equal(ebpfmini_sys_map_lookup(fd, &key, &value, 0), 0);
	assert_int_equal(value, 222);

	/* walk all keys from the start (key NULL) */
	assert_int_equal(ebpfmini_sys_map_next_key(fd, NULL, &next), 0);
	do {
		seen |= 1u << next;
		n++;
		key = next;
	} while (ebpfmini_sys_map_next_key(fd, &key, &next) == 0);
	assert_int_equal(n, 3);
	assert_int_equal(seen, (1u << 1) | (1u << 2) | (1u << 3));
	assert_int_equal(ebpfmini_sys_map_next_key(fd, &key, &next), -ENOENT);

	key = 3;
	assert_int_equal(ebpfmini_sys_map_lookup_and_delete(fd, &key, &value, 0), 0);
	assert_int_equal(value, 300);
	key = 1;
	assert_int_equal(ebpfmini_sys_map_delete(fd, &key, 0), 0);
	assert_int_equal(ebpfmini_sys_map_lookup(fd, &key, &value, 0), -ENOENT);
	assert_int_equal(ebpfmini_sys_map_delete(fd, &key, 0), -ENOENT);
	close(fd);
}

static void test_batch(void **state)
{
	uint32_t keys[64], out_keys[64], count, total = 0, token = 0;
	uint64_t values[64], out_values[64];
	bool first = true;
	int fd, ret;

	(void)state;
	need_root();
	fd = hash_map("sys_batch", 64);
	for (uint32_t i = 0; i < 10; i++) {
		keys[i] = i + 1;
		values[i] = (i + 1) * 7;
	}
	count = 10;
	assert_int_equal(ebpfmini_sys_map_update_batch(fd, keys, values, &count, NULL), 0);
	assert_int_equal(count, 10);

	/* read everything back, a batch at a time, until ENOENT */
	do {
		count = 4;
		ret = ebpfmini_sys_map_lookup_batch(fd, first ? NULL : &token, &token, out_keys,
						    out_values, &count, NULL);
		first = false;
		assert_true(ret == 0 || ret == -ENOENT);
		for (uint32_t i = 0; i < count; i++)
			assert_true(out_values[i] == out_keys[i] * 7ULL);
		total += count;
	} while (ret == 0);
	assert_int_equal(total, 10);

	count = 5;
	assert_int_equal(ebpfmini_sys_map_delete_batch(fd, keys, &count, NULL), 0);
	assert_int_equal(count, 5);

	count = 64;
	ret = ebpfmini_sys_map_lookup_and_delete_batch(fd, NULL, &token, out_keys, out_values,
						       &count, NULL);
	assert_int_equal(ret, -ENOENT);
	assert_int_equal(count, 5);
	for (uint32_t i = 0; i < count; i++)
		assert_true(out_keys[i] > 5 && out_keys[i] <= 10);
	assert_int_equal(ebpfmini_sys_map_next_key(fd, NULL, &token), -ENOENT);
	close(fd);
}

static void test_freeze(void **state)
{
	uint32_t key = 0;
	uint64_t value = 7;
	int fd;

	(void)state;
	need_root();
	fd = ebpfmini_sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, NULL);
	assert_fd_ok(fd);
	assert_int_equal(ebpfmini_sys_map_update(fd, &key, &value, BPF_ANY), 0);
	assert_int_equal(ebpfmini_sys_map_freeze(fd), 0);
	value = 8;
	assert_int_equal(ebpfmini_sys_map_update(fd, &key, &value, BPF_ANY), -EPERM);
	assert_int_equal(ebpfmini_sys_map_lookup(fd, &key, &value, 0), 0);
	assert_int_equal(value, 7);
	close(fd);
}

static void test_info_and_ids(void **state)
{
	struct bpf_map_info info, info2;
	uint32_t len = sizeof(info), id = 0;
	bool found = false;
	int fd, fd2, ret;

	(void)state;
	need_root();
	fd = hash_map("sys_info", 33);
	memset(&info, 0, sizeof(info));
	assert_int_equal(ebpfmini_sys_obj_get_info(fd, &info, &len), 0);
	assert_true(len > 0 && len <= sizeof(info));
	assert_int_equal(info.type, BPF_MAP_TYPE_HASH);
	assert_int_equal(info.key_size, 4);
	assert_int_equal(info.value_size, 8);
	assert_int_equal(info.max_entries, 33);
	assert_string_equal(info.name, "sys_info");
	assert_true(info.id > 0);

	while ((ret = ebpfmini_sys_map_get_next_id(id, &id)) == 0)
		if (id == info.id)
			found = true;
	assert_int_equal(ret, -ENOENT);
	assert_true(found);

	fd2 = ebpfmini_sys_map_get_fd_by_id(info.id);
	assert_fd_ok(fd2);
	assert_int_not_equal(fd2, fd);
	memset(&info2, 0, sizeof(info2));
	len = sizeof(info2);
	assert_int_equal(ebpfmini_sys_obj_get_info(fd2, &info2, &len), 0);
	assert_int_equal(info2.id, info.id);
	close(fd2);
	close(fd);
	assert_int_equal(ebpfmini_sys_map_get_fd_by_id(0xfffffff0u), -ENOENT);
}

static void test_prog_load_run(void **state)
{
	uint8_t pkt[64];
	struct ebpfmini_sys_test_run_opts run = { .sz = sizeof(run), .data_in = pkt,
						  .data_size_in = sizeof(pkt), .repeat = 1 };
	struct bpf_prog_info info;
	uint32_t len = sizeof(info), id = 0;
	bool found = false;
	int prog, map, stats, fd2;

	(void)state;
	need_root();
	memset(pkt, 0, sizeof(pkt));
	prog = load_ret(BPF_PROG_TYPE_XDP, 2 /* XDP_PASS */, "sys_xdp");
	assert_int_equal(ebpfmini_sys_prog_test_run(prog, &run), 0);
	assert_int_equal(run.retval, 2);

	memset(&info, 0, sizeof(info));
	assert_int_equal(ebpfmini_sys_obj_get_info(prog, &info, &len), 0);
	assert_int_equal(info.type, BPF_PROG_TYPE_XDP);
	assert_string_equal(info.name, "sys_xdp");
	while (ebpfmini_sys_prog_get_next_id(id, &id) == 0)
		if (id == info.id)
			found = true;
	assert_true(found);
	fd2 = ebpfmini_sys_prog_get_fd_by_id(info.id);
	assert_fd_ok(fd2);
	close(fd2);

	stats = ebpfmini_sys_enable_stats(BPF_STATS_RUN_TIME);
	assert_fd_ok(stats);
	close(stats);

	map = hash_map("sys_bound", 1);
	assert_int_equal(ebpfmini_sys_prog_bind_map(prog, map, 0), 0);
	close(map);
	close(prog);
}

/* Whether the kernel writes log_true_size back: a load that succeeds with a log says. */
static bool kernel_reports_log_true_size(void)
{
	struct bpf_insn prog[] = { { .code = BPF_ALU64 | BPF_MOV | BPF_K, .imm = 2 },
				   { .code = BPF_JMP | BPF_EXIT } };
	char log[4096];
	struct ebpfmini_sys_prog_load_opts o = { .sz = sizeof(o), .log_buf = log,
						 .log_size = sizeof(log), .log_level = 1 };
	int fd = ebpfmini_sys_prog_load(BPF_PROG_TYPE_XDP, "GPL", prog, 2, &o);

	assert_fd_ok(fd);
	close(fd);
	return o.log_true_size > 0;
}

static void test_prog_rejected(void **state)
{
	struct bpf_insn exit_only = { .code = BPF_JMP | BPF_EXIT };
	char log[4096] = "";
	struct ebpfmini_sys_prog_load_opts o = { .sz = sizeof(o), .log_buf = log,
						 .log_size = sizeof(log), .log_level = 1 };

	(void)state;
	need_root();
	assert_int_equal(ebpfmini_sys_prog_load(BPF_PROG_TYPE_XDP, "GPL", &exit_only, 1, &o),
			 -EACCES);
	assert_non_null(strstr(log, "R0 !read_ok"));
	/* log_true_size lies beyond the 6.1 header's fields: a kernel that knows it (6.4)
	 * fills it in; an older one takes the longer attr (its bytes are zero) and leaves it */
	if (!kernel_reports_log_true_size()) {
		assert_int_equal(o.log_true_size, 0);
		print_message("note: kernel lacks log_true_size (Linux 6.4): not checked\n");
		return;
	}
	assert_true(o.log_true_size > 0);
	assert_int_equal(o.log_true_size, strlen(log) + 1);
}

static void test_btf(void **state)
{
	/* a BTF blob with one type: int, 4 bytes, 32 bits */
	static const struct {
		uint16_t magic;
		uint8_t version, flags;
		uint32_t hdr_len, type_off, type_len, str_off, str_len;
		uint32_t name_off, info, size, int_data;
		char strs[5];
	} __attribute__((packed)) blob = { 0xeb9f, 1, 0, 24, 0, 16, 16, 5,
					   1, 1u << 24, 4, 32, "\0int" };
	struct bpf_btf_info info;
	uint32_t len = sizeof(info), id = 0;
	bool found = false;
	int fd, fd2;

	(void)state;
	need_root();
	fd = ebpfmini_sys_btf_load(&blob, sizeof(blob), NULL);
	assert_fd_ok(fd);
	memset(&info, 0, sizeof(info));
	assert_int_equal(ebpfmini_sys_obj_get_info(fd, &info, &len), 0);
	assert_int_equal(info.btf_size, sizeof(blob));
	while (ebpfmini_sys_btf_get_next_id(id, &id) == 0)
		if (id == info.id)
			found = true;
	assert_true(found);
	fd2 = ebpfmini_sys_btf_get_fd_by_id(info.id);
	assert_fd_ok(fd2);
	close(fd2);
	close(fd);
}

/* With stdin closed the kernel would hand out fd 0: the library moves it up. */
static void test_low_fd_moved_up(void **state)
{
	int saved, fd, zero_free;

	(void)state;
	need_root();
	saved = fcntl(0, F_DUPFD_CLOEXEC, 10);
	assert_true(saved >= 10);
	close(0);
	fd = ebpfmini_sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 1, NULL);
	zero_free = fcntl(0, F_GETFD) < 0;
	dup2(saved, 0);
	close(saved);
	assert_fd_ok(fd);
	assert_true(zero_free);
	close(fd);
}

/* Links in a network namespace of our own: XDP on lo, then tcx with the 6.6 fields. */
static void test_links(void **state)
{
	struct ebpfmini_sys_prog_query_opts q = { .sz = sizeof(q) };
	struct bpf_link_info info;
	uint32_t len = sizeof(info), id = 0, ids[4];
	bool found = false;
	char reason[256];
	int xdp, cls, cls2, link, tcx1, tcx2, ret;

	(void)state;
	need_root();
	if (unshare(CLONE_NEWNET) != 0)
		fail_msg("unshare(CLONE_NEWNET): %s", strerror(errno));

	xdp = load_ret(BPF_PROG_TYPE_XDP, 2, "sys_link_xdp");
	link = ebpfmini_sys_link_create(xdp, 1 /* lo */, BPF_XDP, NULL);
	assert_fd_ok(link);
	memset(&info, 0, sizeof(info));
	assert_int_equal(ebpfmini_sys_obj_get_info(link, &info, &len), 0);
	assert_int_equal(info.type, BPF_LINK_TYPE_XDP);
	while (ebpfmini_sys_link_get_next_id(id, &id) == 0)
		if (id == info.id)
			found = true;
	assert_true(found);
	ret = ebpfmini_sys_link_get_fd_by_id(info.id);
	assert_fd_ok(ret);
	close(ret);
	assert_int_equal(ebpfmini_sys_link_update(link, xdp, NULL), 0);
	assert_int_equal(ebpfmini_sys_link_detach(link), 0);
	close(link);

	/* tcx: the revision is read back from PROG_QUERY's 6.6 field and checked by LINK_CREATE */
	if (ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TCX, reason, sizeof(reason)) != 1) {
		close(xdp);
		print_message("skip: kernel lacks tcx links: %s\n", reason);
		skip();
	}
	cls = load_ret(BPF_PROG_TYPE_SCHED_CLS, 0 /* TCX_PASS */, "sys_tcx");
	tcx1 = ebpfmini_sys_link_create(cls, 1, BPF_TCX_INGRESS, NULL);
	assert_fd_ok(tcx1);
	q.prog_ids = ids;
	q.prog_cnt = 4;
	assert_int_equal(ebpfmini_sys_prog_query(1, BPF_TCX_INGRESS, &q), 0);
	assert_int_equal(q.prog_cnt, 1);
	assert_true(q.revision > 0);
	struct ebpfmini_sys_link_create_opts stale = { .sz = sizeof(stale),
						       .expected_revision = q.revision + 5 };
	assert_int_equal(ebpfmini_sys_link_create(cls, 1, BPF_TCX_EGRESS, &stale), -ESTALE);
	struct ebpfmini_sys_link_create_opts before = { .sz = sizeof(before),
							.flags = BPF_F_BEFORE | BPF_F_LINK,
							.relative_fd = (uint32_t)tcx1,
							.expected_revision = q.revision };
	cls2 = load_ret(BPF_PROG_TYPE_SCHED_CLS, 0, "sys_tcx2"); /* a program attaches once */
	tcx2 = ebpfmini_sys_link_create(cls2, 1, BPF_TCX_INGRESS, &before);
	assert_fd_ok(tcx2);
	q.prog_cnt = 4;
	assert_int_equal(ebpfmini_sys_prog_query(1, BPF_TCX_INGRESS, &q), 0);
	assert_int_equal(q.prog_cnt, 2);
	assert_true(ids[0] != ids[1]);
	close(tcx2);
	close(cls2);
	close(tcx1);
	close(cls);
	close(xdp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_elems),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_freeze),
		cmocka_unit_test(test_info_and_ids),
		cmocka_unit_test(test_prog_load_run),
		cmocka_unit_test(test_prog_rejected),
		cmocka_unit_test(test_btf),
		cmocka_unit_test(test_low_fd_moved_up),
		cmocka_unit_test(test_links), /* last: it moves the process into a new netns */
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
