/* test_sys.c - the kernel edge without a kernel: attr layout and sizes, hooks, fd hygiene, files */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/perf_event.h>

#include "internal.h"
#include "sys.h"
#include "sys_attr.h"
#include "uapi_compat.h"

#include "ebpfmini/log.h"
#include "ebpfmini/sys.h"

#include "sys_fake.h"

/* ---- sys_attr.h against the installed <linux/bpf.h>, at compile time ---- */

/* Our field `ours` sits where the header puts `theirs`, with the same width. */
#define EM_ATTR_SAME(ours, theirs)                                                                 \
	_Static_assert(EM_ATTR_OFF(ours) == offsetof(union bpf_attr, theirs) &&                     \
			       EM_ATTR_WIDTH(ours) == sizeof(((union bpf_attr *)0)->theirs),        \
		       "bpf_attr field " #ours " differs from <linux/bpf.h>")

EM_ATTR_SAME(map_create.map_type, map_type); EM_ATTR_SAME(map_create.key_size, key_size);
EM_ATTR_SAME(map_create.value_size, value_size); EM_ATTR_SAME(map_create.max_entries, max_entries);
EM_ATTR_SAME(map_create.map_flags, map_flags); EM_ATTR_SAME(map_create.inner_map_fd, inner_map_fd);
EM_ATTR_SAME(map_create.numa_node, numa_node); EM_ATTR_SAME(map_create.map_name, map_name);
EM_ATTR_SAME(map_create.map_ifindex, map_ifindex); EM_ATTR_SAME(map_create.btf_fd, btf_fd);
EM_ATTR_SAME(map_create.btf_key_type_id, btf_key_type_id);
EM_ATTR_SAME(map_create.btf_value_type_id, btf_value_type_id);
EM_ATTR_SAME(map_create.btf_vmlinux_value_type_id, btf_vmlinux_value_type_id);
EM_ATTR_SAME(map_create.map_extra, map_extra);

EM_ATTR_SAME(elem.map_fd, map_fd); EM_ATTR_SAME(elem.key, key); EM_ATTR_SAME(elem.value, value);
EM_ATTR_SAME(elem.next_key, next_key); EM_ATTR_SAME(elem.flags, flags); EM_ATTR_SAME(batch, batch);
EM_ATTR_SAME(batch.in_batch, batch.in_batch); EM_ATTR_SAME(batch.count, batch.count);
EM_ATTR_SAME(batch.map_fd, batch.map_fd); EM_ATTR_SAME(batch.elem_flags, batch.elem_flags);
EM_ATTR_SAME(batch.flags, batch.flags);

EM_ATTR_SAME(prog_load.prog_type, prog_type); EM_ATTR_SAME(prog_load.insn_cnt, insn_cnt);
EM_ATTR_SAME(prog_load.insns, insns); EM_ATTR_SAME(prog_load.license, license);
EM_ATTR_SAME(prog_load.log_level, log_level); EM_ATTR_SAME(prog_load.log_size, log_size);
EM_ATTR_SAME(prog_load.log_buf, log_buf); EM_ATTR_SAME(prog_load.kern_version, kern_version);
EM_ATTR_SAME(prog_load.prog_flags, prog_flags); EM_ATTR_SAME(prog_load.prog_name, prog_name);
EM_ATTR_SAME(prog_load.prog_ifindex, prog_ifindex);
EM_ATTR_SAME(prog_load.expected_attach_type, expected_attach_type);
EM_ATTR_SAME(prog_load.prog_btf_fd, prog_btf_fd);
EM_ATTR_SAME(prog_load.func_info_rec_size, func_info_rec_size);
EM_ATTR_SAME(prog_load.func_info, func_info); EM_ATTR_SAME(prog_load.func_info_cnt, func_info_cnt);
EM_ATTR_SAME(prog_load.line_info_rec_size, line_info_rec_size);
EM_ATTR_SAME(prog_load.line_info, line_info); EM_ATTR_SAME(prog_load.line_info_cnt, line_info_cnt);
EM_ATTR_SAME(prog_load.attach_btf_id, attach_btf_id);
EM_ATTR_SAME(prog_load.attach_prog_fd, attach_prog_fd);
EM_ATTR_SAME(prog_load.attach_btf_obj_fd, attach_btf_obj_fd);
EM_ATTR_SAME(prog_load.core_relo_cnt, core_relo_cnt); EM_ATTR_SAME(prog_load.fd_array, fd_array);
EM_ATTR_SAME(prog_load.core_relos, core_relos);
EM_ATTR_SAME(prog_load.core_relo_rec_size, core_relo_rec_size);

EM_ATTR_SAME(obj.pathname, pathname); EM_ATTR_SAME(obj.bpf_fd, bpf_fd);
EM_ATTR_SAME(obj.file_flags, file_flags);

EM_ATTR_SAME(attach.target_fd, target_fd); EM_ATTR_SAME(attach.attach_bpf_fd, attach_bpf_fd);
EM_ATTR_SAME(attach.attach_type, attach_type); EM_ATTR_SAME(attach.attach_flags, attach_flags);
EM_ATTR_SAME(attach.replace_bpf_fd, replace_bpf_fd);

EM_ATTR_SAME(test, test); EM_ATTR_SAME(test.prog_fd, test.prog_fd);
EM_ATTR_SAME(test.retval, test.retval); EM_ATTR_SAME(test.data_size_in, test.data_size_in);
EM_ATTR_SAME(test.data_size_out, test.data_size_out); EM_ATTR_SAME(test.data_in, test.data_in);
EM_ATTR_SAME(test.data_out, test.data_out); EM_ATTR_SAME(test.repeat, test.repeat);
EM_ATTR_SAME(test.duration, test.duration); EM_ATTR_SAME(test.ctx_size_in, test.ctx_size_in);
EM_ATTR_SAME(test.ctx_size_out, test.ctx_size_out); EM_ATTR_SAME(test.ctx_in, test.ctx_in);
EM_ATTR_SAME(test.ctx_out, test.ctx_out); EM_ATTR_SAME(test.flags, test.flags);
EM_ATTR_SAME(test.cpu, test.cpu); EM_ATTR_SAME(test.batch_size, test.batch_size);

EM_ATTR_SAME(by_id.start_id, start_id); EM_ATTR_SAME(by_id.prog_id, prog_id);
EM_ATTR_SAME(by_id.link_id, link_id); EM_ATTR_SAME(by_id.next_id, next_id);
EM_ATTR_SAME(by_id.open_flags, open_flags); EM_ATTR_SAME(info, info);
EM_ATTR_SAME(info.bpf_fd, info.bpf_fd); EM_ATTR_SAME(info.info_len, info.info_len);
EM_ATTR_SAME(info.info, info.info);

EM_ATTR_SAME(query.target_fd, query.target_fd); EM_ATTR_SAME(query.attach_type, query.attach_type);
EM_ATTR_SAME(query.query_flags, query.query_flags);
EM_ATTR_SAME(query.attach_flags, query.attach_flags); EM_ATTR_SAME(query.prog_ids, query.prog_ids);
EM_ATTR_SAME(query.prog_cnt, query.prog_cnt);
EM_ATTR_SAME(query.prog_attach_flags, query.prog_attach_flags);

EM_ATTR_SAME(raw_tp.name, raw_tracepoint.name);
EM_ATTR_SAME(raw_tp.prog_fd, raw_tracepoint.prog_fd);

EM_ATTR_SAME(btf_load.btf, btf); EM_ATTR_SAME(btf_load.btf_log_buf, btf_log_buf);
EM_ATTR_SAME(btf_load.btf_size, btf_size); EM_ATTR_SAME(btf_load.btf_log_size, btf_log_size);
EM_ATTR_SAME(btf_load.btf_log_level, btf_log_level);

EM_ATTR_SAME(task_fd_query, task_fd_query); EM_ATTR_SAME(task_fd_query.pid, task_fd_query.pid);
EM_ATTR_SAME(task_fd_query.fd, task_fd_query.fd);
EM_ATTR_SAME(task_fd_query.flags, task_fd_query.flags);
EM_ATTR_SAME(task_fd_query.buf_len, task_fd_query.buf_len);
EM_ATTR_SAME(task_fd_query.buf, task_fd_query.buf);
EM_ATTR_SAME(task_fd_query.prog_id, task_fd_query.prog_id);
EM_ATTR_SAME(task_fd_query.fd_type, task_fd_query.fd_type);
EM_ATTR_SAME(task_fd_query.probe_offset, task_fd_query.probe_offset);
EM_ATTR_SAME(task_fd_query.probe_addr, task_fd_query.probe_addr);

EM_ATTR_SAME(link_create.prog_fd, link_create.prog_fd);
EM_ATTR_SAME(link_create.target_fd, link_create.target_fd);
EM_ATTR_SAME(link_create.target_ifindex, link_create.target_ifindex);
EM_ATTR_SAME(link_create.attach_type, link_create.attach_type);
EM_ATTR_SAME(link_create.flags, link_create.flags);
EM_ATTR_SAME(link_create.target_btf_id, link_create.target_btf_id);
EM_ATTR_SAME(link_create.iter_info, link_create.iter_info);
EM_ATTR_SAME(link_create.iter_info_len, link_create.iter_info_len);
EM_ATTR_SAME(link_create.perf_event.bpf_cookie, link_create.perf_event.bpf_cookie);
EM_ATTR_SAME(link_create.kprobe_multi.flags, link_create.kprobe_multi.flags);
EM_ATTR_SAME(link_create.kprobe_multi.cnt, link_create.kprobe_multi.cnt);
EM_ATTR_SAME(link_create.kprobe_multi.syms, link_create.kprobe_multi.syms);
EM_ATTR_SAME(link_create.kprobe_multi.addrs, link_create.kprobe_multi.addrs);
EM_ATTR_SAME(link_create.kprobe_multi.cookies, link_create.kprobe_multi.cookies);
EM_ATTR_SAME(link_create.tracing.target_btf_id, link_create.tracing.target_btf_id);
EM_ATTR_SAME(link_create.tracing.cookie, link_create.tracing.cookie);

EM_ATTR_SAME(link_update, link_update); EM_ATTR_SAME(link_update.link_fd, link_update.link_fd);
EM_ATTR_SAME(link_update.new_prog_fd, link_update.new_prog_fd);
EM_ATTR_SAME(link_update.flags, link_update.flags);
EM_ATTR_SAME(link_update.old_prog_fd, link_update.old_prog_fd);
EM_ATTR_SAME(link_detach, link_detach); EM_ATTR_SAME(enable_stats, enable_stats);
EM_ATTR_SAME(iter_create, iter_create); EM_ATTR_SAME(iter_create.flags, iter_create.flags);
EM_ATTR_SAME(prog_bind_map, prog_bind_map);
EM_ATTR_SAME(prog_bind_map.map_fd, prog_bind_map.map_fd);
EM_ATTR_SAME(prog_bind_map.flags, prog_bind_map.flags);

#undef EM_ATTR_SAME

static int teardown(void **state)
{
	(void)state;
	em_sys_set_hook(NULL, NULL);
	ebpfmini_sys_set_trace(false);
	return 0;
}

static uint32_t a32(size_t off)
{
	uint32_t v;

	memcpy(&v, R.attr + off, sizeof(v));
	return v;
}

static uint64_t a64(size_t off)
{
	uint64_t v;

	memcpy(&v, R.attr + off, sizeof(v));
	return v;
}

#define P(p) ((uint64_t)(uintptr_t)(p))

/* ---- maps ---- */

static void test_map_create(void **state)
{
	struct ebpfmini_sys_map_create_opts o = {
		.sz = sizeof(o), .name = "a_name_longer_than_fifteen", .map_flags = BPF_F_NO_PREALLOC,
		.inner_map_fd = 7, .numa_node = 1, .map_ifindex = 2, .btf_fd = 3,
		.btf_key_type_id = 4, .btf_value_type_id = 5, .btf_vmlinux_value_type_id = 6,
		.map_extra = 0x1122334455ULL,
	};

	(void)state;
	assert_int_equal(ebpfmini_sys_map_create(BPF_MAP_TYPE_HASH, 4, 12, 10240, &o), 100);
	assert_int_equal(R.nr, SYS_bpf);
	assert_int_equal(R.args[0], BPF_MAP_CREATE);
	assert_int_equal(R.size, 72);
	assert_int_equal(a32(0), BPF_MAP_TYPE_HASH);
	assert_int_equal(a32(4), 4);
	assert_int_equal(a32(8), 12);
	assert_int_equal(a32(12), 10240);
	assert_int_equal(a32(16), BPF_F_NO_PREALLOC);
	assert_int_equal(a32(20), 7);
	assert_int_equal(a32(24), 1);
	assert_memory_equal(R.attr + 28, "a_name_longer_t\0", 16);
	assert_int_equal(a32(44), 2);
	assert_int_equal(a32(48), 3);
	assert_int_equal(a32(52), 4);
	assert_int_equal(a32(56), 5);
	assert_int_equal(a32(60), 6);
	assert_true(a64(64) == 0x1122334455ULL);

	/* no opts: only the four numbers */
	assert_int_equal(ebpfmini_sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, NULL), 100);
	assert_int_equal(a32(16), 0);
	assert_int_equal(R.attr[28], 0);

	/* kernel errors pass through unchanged */
	R.result = -EPERM;
	assert_int_equal(ebpfmini_sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, NULL), -EPERM);
}

static void test_opts_validation(void **state)
{
	struct {
		struct ebpfmini_sys_map_create_opts o;
		uint64_t future;
	} big = { .o = { .sz = sizeof(big) }, .future = 1 };
	struct ebpfmini_sys_map_create_opts bad = { .sz = 1 };
	/* an older, shorter caller struct: fields beyond its sz read as zero */
	struct ebpfmini_sys_map_create_opts old = { .sz = offsetof(struct ebpfmini_sys_map_create_opts,
								    map_flags) + 4,
						    .map_flags = BPF_F_RDONLY, .btf_fd = 9 };

	(void)state;
	assert_int_equal(ebpfmini_sys_map_create(BPF_MAP_TYPE_HASH, 4, 4, 1, &big.o), -EINVAL);
	assert_int_equal(ebpfmini_sys_map_create(BPF_MAP_TYPE_HASH, 4, 4, 1, &bad), -EINVAL);
	assert_int_equal(R.calls, 0);
	assert_int_equal(ebpfmini_sys_map_create(BPF_MAP_TYPE_HASH, 4, 4, 1, &old), 100);
	assert_int_equal(a32(16), BPF_F_RDONLY);
	assert_int_equal(a32(48), 0);
}

static void test_map_elem(void **state)
{
	uint32_t key = 1, value = 2, next = 0;

	(void)state;
	R.result = EM_SYS_OK;
	assert_int_equal(ebpfmini_sys_map_lookup(5, &key, &value, BPF_F_LOCK), 0);
	assert_int_equal(R.args[0], BPF_MAP_LOOKUP_ELEM);
	assert_int_equal(R.size, 32);
	assert_int_equal(a32(0), 5);
	assert_true(a64(8) == P(&key) && a64(16) == P(&value) && a64(24) == BPF_F_LOCK);

	assert_int_equal(ebpfmini_sys_map_update(5, &key, &value, BPF_NOEXIST), 0);
	assert_int_equal(R.args[0], BPF_MAP_UPDATE_ELEM);
	assert_int_equal(R.size, 32);
	assert_true(a64(8) == P(&key) && a64(16) == P(&value) && a64(24) == BPF_NOEXIST);

	assert_int_equal(ebpfmini_sys_map_update(5, NULL, &value, 0), 0); /* queue push */
	assert_true(a64(8) == 0);

	assert_int_equal(ebpfmini_sys_map_delete(5, &key, 0), 0);
	assert_int_equal(R.args[0], BPF_MAP_DELETE_ELEM);
	assert_int_equal(R.size, 32);
	assert_true(a64(8) == P(&key) && a64(16) == 0);

	assert_int_equal(ebpfmini_sys_map_next_key(5, NULL, &next), 0);
	assert_int_equal(R.args[0], BPF_MAP_GET_NEXT_KEY);
	assert_int_equal(R.size, 24);
	assert_true(a64(8) == 0 && a64(16) == P(&next));

	assert_int_equal(ebpfmini_sys_map_lookup_and_delete(5, &key, &value, 0), 0);
	assert_int_equal(R.args[0], BPF_MAP_LOOKUP_AND_DELETE_ELEM);
	assert_int_equal(R.size, 32);

	assert_int_equal(ebpfmini_sys_map_freeze(5), 0);
	assert_int_equal(R.args[0], BPF_MAP_FREEZE);
	assert_int_equal(R.size, 4);
	assert_int_equal(a32(0), 5);

	/* required pointers */
	R.calls = 0;
	assert_int_equal(ebpfmini_sys_map_lookup(5, &key, NULL, 0), -EINVAL);
	assert_int_equal(ebpfmini_sys_map_update(5, &key, NULL, 0), -EINVAL);
	assert_int_equal(ebpfmini_sys_map_delete(5, NULL, 0), -EINVAL);
	assert_int_equal(ebpfmini_sys_map_next_key(5, &key, NULL), -EINVAL);
	assert_int_equal(R.calls, 0);

	R.result = -ENOENT;
	assert_int_equal(ebpfmini_sys_map_lookup(5, &key, &value, 0), -ENOENT);
}

static void test_map_batch(void **state)
{
	uint32_t keys[4], values[4], in = 0, out = 0, count = 4;
	struct ebpfmini_sys_batch_opts o = { .sz = sizeof(o), .elem_flags = BPF_F_LOCK, .flags = 0 };

	(void)state;
	R.result = -ENOENT; /* the end was reached ... */
	R.out_off = 32;     /* ... and the kernel says 3 elements were copied */
	R.out_val = 3;
	R.out_width = 4;
	assert_int_equal(ebpfmini_sys_map_lookup_batch(6, &in, &out, keys, values, &count, &o),
			 -ENOENT);
	assert_int_equal(count, 3);
	assert_int_equal(R.args[0], BPF_MAP_LOOKUP_BATCH);
	assert_int_equal(R.size, 56);
	assert_true(a64(0) == P(&in) && a64(8) == P(&out) && a64(16) == P(keys) &&
		    a64(24) == P(values));
	assert_int_equal(a32(32), 4);
	assert_int_equal(a32(36), 6);
	assert_true(a64(40) == BPF_F_LOCK);

	count = 2;
	R.out_width = 0;
	R.result = EM_SYS_OK;
	assert_int_equal(ebpfmini_sys_map_update_batch(6, keys, values, &count, NULL), 0);
	assert_int_equal(R.args[0], BPF_MAP_UPDATE_BATCH);
	assert_true(a64(0) == 0 && a64(8) == 0 && a64(16) == P(keys) && a64(24) == P(values));
	assert_int_equal(a32(32), 2);
	assert_int_equal(ebpfmini_sys_map_delete_batch(6, keys, &count, NULL), 0);
	assert_int_equal(R.args[0], BPF_MAP_DELETE_BATCH);
	assert_true(a64(24) == 0);
	assert_int_equal(ebpfmini_sys_map_lookup_and_delete_batch(6, NULL, &out, keys, values,
								  &count, NULL),
			 0);
	assert_int_equal(R.args[0], BPF_MAP_LOOKUP_AND_DELETE_BATCH);
	assert_int_equal(ebpfmini_sys_map_update_batch(6, keys, values, NULL, NULL), -EINVAL);
}

/* ---- programs ---- */

static const struct bpf_insn ret2[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 2 },
	{ .code = BPF_JMP | BPF_EXIT },
};

static void test_prog_load(void **state)
{
	char log[256];
	uint64_t finfo[2];
	int fds[2] = { 3, 4 };
	struct ebpfmini_sys_prog_load_opts o = {
		.sz = sizeof(o), .name = "xdp_pass", .expected_attach_type = BPF_XDP,
		.prog_flags = BPF_F_XDP_HAS_FRAGS, .kern_version = 0x61200, .prog_ifindex = 0,
		.prog_btf_fd = 9, .func_info = finfo, .func_info_rec_size = 8, .func_info_cnt = 1,
		.line_info = finfo, .line_info_rec_size = 16, .line_info_cnt = 1,
		.attach_btf_id = 77, .attach_btf_obj_fd = 8, .fd_array = fds,
		.log_buf = log, .log_size = sizeof(log), .log_level = 1,
	};

	(void)state;
	R.out_off = EM_ATTR_OFF(prog_load.log_true_size);
	R.out_val = 4242;
	R.out_width = 4;
	assert_int_equal(ebpfmini_sys_prog_load(BPF_PROG_TYPE_XDP, "GPL", ret2, 2, &o), 100);
	assert_int_equal(R.args[0], BPF_PROG_LOAD);
	assert_int_equal(R.size, 144);
	assert_int_equal(a32(0), BPF_PROG_TYPE_XDP);
	assert_int_equal(a32(4), 2);
	assert_true(a64(8) == P(ret2));
	assert_string_equal((const char *)(uintptr_t)a64(16), "GPL");
	assert_int_equal(a32(24), 1);
	assert_int_equal(a32(28), sizeof(log));
	assert_true(a64(32) == P(log));
	assert_int_equal(a32(40), 0x61200);
	assert_int_equal(a32(44), BPF_F_XDP_HAS_FRAGS);
	assert_memory_equal(R.attr + 48, "xdp_pass\0", 9);
	assert_int_equal(a32(68), BPF_XDP);
	assert_int_equal(a32(72), 9);
	assert_int_equal(a32(76), 8);
	assert_true(a64(80) == P(finfo));
	assert_int_equal(a32(88), 1);
	assert_int_equal(a32(92), 16);
	assert_true(a64(96) == P(finfo));
	assert_int_equal(a32(104), 1);
	assert_int_equal(a32(108), 77);
	assert_int_equal(a32(112), 8);
	assert_true(a64(120) == P(fds));
	assert_int_equal(a32(140), 0); /* log_true_size goes in as zero ... */
	assert_int_equal(o.log_true_size, 4242); /* ... and comes back */

	/* NULL license is the empty string; attach_prog_fd shares attach_btf_obj_fd's field */
	struct ebpfmini_sys_prog_load_opts ext = { .sz = sizeof(ext), .attach_prog_fd = 11 };
	R.out_width = 0;
	assert_int_equal(ebpfmini_sys_prog_load(BPF_PROG_TYPE_EXT, NULL, ret2, 2, &ext), 100);
	assert_string_equal((const char *)(uintptr_t)a64(16), "");
	assert_int_equal(a32(112), 11);

	R.calls = 0;
	ext.attach_btf_obj_fd = 12;
	assert_int_equal(ebpfmini_sys_prog_load(BPF_PROG_TYPE_EXT, NULL, ret2, 2, &ext), -EINVAL);
	assert_int_equal(ebpfmini_sys_prog_load(BPF_PROG_TYPE_XDP, "GPL", NULL, 2, NULL), -EINVAL);
	assert_int_equal(ebpfmini_sys_prog_load(BPF_PROG_TYPE_XDP, "GPL", ret2, 0, NULL), -EINVAL);
	assert_int_equal(R.calls, 0);
}

static void test_prog_test_run(void **state)
{
	uint8_t in[64], out[64];
	struct ebpfmini_sys_test_run_opts o = {
		.sz = sizeof(o), .data_in = in, .data_size_in = sizeof(in), .data_out = out,
		.data_size_out = sizeof(out), .repeat = 3, .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = 1,
	};

	(void)state;
	R.result = EM_SYS_OK;
	R.out_off = 4; /* retval */
	R.out_val = 2;
	R.out_width = 4;
	assert_int_equal(ebpfmini_sys_prog_test_run(7, &o), 0);
	assert_int_equal(R.args[0], BPF_PROG_TEST_RUN);
	assert_int_equal(R.size, 76);
	assert_int_equal(a32(0), 7);
	assert_int_equal(a32(8), 64);
	assert_int_equal(a32(12), 64);
	assert_true(a64(16) == P(in) && a64(24) == P(out));
	assert_int_equal(a32(32), 3);
	assert_int_equal(a32(64), BPF_F_TEST_RUN_ON_CPU);
	assert_int_equal(a32(68), 1);
	assert_int_equal(o.retval, 2);
	assert_int_equal(o.data_size_out, 64);
	assert_int_equal(ebpfmini_sys_prog_test_run(7, NULL), 0);
}

static void test_prog_attach_detach_query(void **state)
{
	uint32_t ids[4];
	struct ebpfmini_sys_prog_attach_opts o = { .sz = sizeof(o), .flags = BPF_F_ALLOW_MULTI };
	struct ebpfmini_sys_prog_query_opts q = { .sz = sizeof(q), .prog_ids = ids, .prog_cnt = 4,
						  .query_flags = BPF_F_QUERY_EFFECTIVE };

	(void)state;
	R.result = EM_SYS_OK;
	assert_int_equal(ebpfmini_sys_prog_attach(7, 8, BPF_CGROUP_INET_INGRESS, &o), 0);
	assert_int_equal(R.args[0], BPF_PROG_ATTACH);
	assert_int_equal(R.size, 16);
	assert_int_equal(a32(0), 8);
	assert_int_equal(a32(4), 7);
	assert_int_equal(a32(8), BPF_CGROUP_INET_INGRESS);
	assert_int_equal(a32(12), BPF_F_ALLOW_MULTI);

	o.flags = BPF_F_REPLACE;
	o.replace_prog_fd = 9;
	assert_int_equal(ebpfmini_sys_prog_attach(7, 8, BPF_CGROUP_INET_INGRESS, &o), 0);
	assert_int_equal(R.size, 20);
	assert_int_equal(a32(16), 9);

	struct ebpfmini_sys_prog_attach_opts t = { .sz = sizeof(t), .flags = BPF_F_BEFORE | BPF_F_ID,
						   .relative_id = 55, .expected_revision = 4 };
	assert_int_equal(ebpfmini_sys_prog_attach(7, 2, BPF_TCX_INGRESS, &t), 0);
	assert_int_equal(R.size, 32);
	assert_int_equal(a32(EM_ATTR_OFF(attach.relative_fd)), 55);
	assert_true(a64(EM_ATTR_OFF(attach.expected_revision)) == 4);
	t.relative_fd = 3;
	assert_int_equal(ebpfmini_sys_prog_attach(7, 2, BPF_TCX_INGRESS, &t), -EINVAL);

	assert_int_equal(ebpfmini_sys_prog_detach(7, 8, BPF_CGROUP_INET_EGRESS), 0);
	assert_int_equal(R.args[0], BPF_PROG_DETACH);
	assert_int_equal(R.size, 12);
	assert_int_equal(a32(0), 8);
	assert_int_equal(a32(4), 7);
	assert_int_equal(a32(8), BPF_CGROUP_INET_EGRESS);

	R.out_off = EM_ATTR_OFF(query.revision);
	R.out_val = 17;
	R.out_width = 8;
	assert_int_equal(ebpfmini_sys_prog_query(8, BPF_CGROUP_INET_INGRESS, &q), 0);
	assert_int_equal(R.args[0], BPF_PROG_QUERY);
	assert_int_equal(R.size, 64);
	assert_int_equal(a32(0), 8);
	assert_int_equal(a32(4), BPF_CGROUP_INET_INGRESS);
	assert_int_equal(a32(8), BPF_F_QUERY_EFFECTIVE);
	assert_true(a64(16) == P(ids));
	assert_int_equal(a32(24), 4);
	assert_true(q.revision == 17);

	assert_int_equal(ebpfmini_sys_prog_bind_map(7, 5, 0), 0);
	assert_int_equal(R.args[0], BPF_PROG_BIND_MAP);
	assert_int_equal(R.size, 12);
	assert_int_equal(a32(0), 7);
	assert_int_equal(a32(4), 5);
}

/* ---- pinning, ids, info ---- */

static void test_obj_ids_info(void **state)
{
	uint32_t next = 0, len = 80;
	uint8_t info[80];

	(void)state;
	R.result = EM_SYS_OK;
	assert_int_equal(ebpfmini_sys_obj_pin(5, "/sys/fs/bpf/x"), 0);
	assert_int_equal(R.args[0], BPF_OBJ_PIN);
	assert_int_equal(R.size, 16);
	assert_string_equal((const char *)(uintptr_t)a64(0), "/sys/fs/bpf/x");
	assert_int_equal(a32(8), 5);
	R.result = 100;
	assert_int_equal(ebpfmini_sys_obj_get("/sys/fs/bpf/x", BPF_F_RDONLY), 100);
	assert_int_equal(R.args[0], BPF_OBJ_GET);
	assert_int_equal(R.size, 16);
	assert_int_equal(a32(12), BPF_F_RDONLY);
	assert_int_equal(ebpfmini_sys_obj_pin(5, NULL), -EINVAL);

	R.result = EM_SYS_OK;
	R.out_off = 4;
	R.out_val = 42;
	R.out_width = 4;
	assert_int_equal(ebpfmini_sys_map_get_next_id(7, &next), 0);
	assert_int_equal(R.args[0], BPF_MAP_GET_NEXT_ID);
	assert_int_equal(R.size, 8);
	assert_int_equal(a32(0), 7);
	assert_int_equal(next, 42);
	assert_int_equal(ebpfmini_sys_prog_get_next_id(0, &next), 0);
	assert_int_equal(R.args[0], BPF_PROG_GET_NEXT_ID);
	assert_int_equal(ebpfmini_sys_btf_get_next_id(0, &next), 0);
	assert_int_equal(R.args[0], BPF_BTF_GET_NEXT_ID);
	assert_int_equal(ebpfmini_sys_link_get_next_id(0, &next), 0);
	assert_int_equal(R.args[0], BPF_LINK_GET_NEXT_ID);
	next = 1;
	R.result = -ENOENT;
	assert_int_equal(ebpfmini_sys_link_get_next_id(9, &next), -ENOENT);
	assert_int_equal(next, 1); /* untouched on failure */

	R.out_width = 0;
	R.result = 100;
	assert_int_equal(ebpfmini_sys_map_get_fd_by_id(42), 100);
	assert_int_equal(R.args[0], BPF_MAP_GET_FD_BY_ID);
	assert_int_equal(R.size, 4);
	assert_int_equal(a32(0), 42);
	assert_int_equal(ebpfmini_sys_prog_get_fd_by_id(1), 100);
	assert_int_equal(R.args[0], BPF_PROG_GET_FD_BY_ID);
	assert_int_equal(ebpfmini_sys_btf_get_fd_by_id(1), 100);
	assert_int_equal(R.args[0], BPF_BTF_GET_FD_BY_ID);
	assert_int_equal(ebpfmini_sys_link_get_fd_by_id(1), 100);
	assert_int_equal(R.args[0], BPF_LINK_GET_FD_BY_ID);

	R.result = EM_SYS_OK;
	R.out_off = 4;
	R.out_val = 64;
	R.out_width = 4;
	assert_int_equal(ebpfmini_sys_obj_get_info(5, info, &len), 0);
	assert_int_equal(R.args[0], BPF_OBJ_GET_INFO_BY_FD);
	assert_int_equal(R.size, 16);
	assert_int_equal(a32(0), 5);
	assert_int_equal(a32(4), 80);
	assert_true(a64(8) == P(info));
	assert_int_equal(len, 64);
}

static void test_btf_tracing_links(void **state)
{
	char log[128], name[64];
	uint32_t name_len = sizeof(name), prog_id = 0, fd_type = 0;
	uint64_t off = 0, addr = 0;
	struct ebpfmini_sys_btf_load_opts b = { .sz = sizeof(b), .log_buf = log,
						.log_size = sizeof(log), .log_level = 1 };

	(void)state;
	R.out_off = EM_ATTR_OFF(btf_load.btf_log_true_size);
	R.out_val = 99;
	R.out_width = 4;
	assert_int_equal(ebpfmini_sys_btf_load("\x9f\xeb", 24, &b), 100);
	assert_int_equal(R.args[0], BPF_BTF_LOAD);
	assert_int_equal(R.size, 32);
	assert_int_equal(a32(16), 24);
	assert_int_equal(a32(20), sizeof(log));
	assert_int_equal(a32(24), 1);
	assert_true(a64(8) == P(log));
	assert_int_equal(b.log_true_size, 99);
	R.out_width = 0;

	assert_int_equal(ebpfmini_sys_raw_tracepoint_open("sched_switch", 7), 100);
	assert_int_equal(R.args[0], BPF_RAW_TRACEPOINT_OPEN);
	assert_int_equal(R.size, 12);
	assert_string_equal((const char *)(uintptr_t)a64(0), "sched_switch");
	assert_int_equal(a32(8), 7);

	R.result = EM_SYS_OK;
	assert_int_equal(ebpfmini_sys_task_fd_query(123, 4, 0, name, &name_len, &prog_id, &fd_type,
						    &off, &addr),
			 0);
	assert_int_equal(R.args[0], BPF_TASK_FD_QUERY);
	assert_int_equal(R.size, 48);
	assert_int_equal(a32(0), 123);
	assert_int_equal(a32(4), 4);
	assert_int_equal(a32(12), sizeof(name));
	assert_true(a64(16) == P(name));
	assert_int_equal(ebpfmini_sys_task_fd_query(1, 4, 0, name, NULL, NULL, NULL, NULL, NULL),
			 -EINVAL);

	struct ebpfmini_sys_link_update_opts up = { .sz = sizeof(up), .flags = BPF_F_REPLACE,
						    .old_prog_fd = 6 };
	assert_int_equal(ebpfmini_sys_link_update(9, 7, &up), 0);
	assert_int_equal(R.args[0], BPF_LINK_UPDATE);
	assert_int_equal(R.size, 16);
	assert_int_equal(a32(0), 9);
	assert_int_equal(a32(4), 7);
	assert_int_equal(a32(8), BPF_F_REPLACE);
	assert_int_equal(a32(12), 6);
	assert_int_equal(ebpfmini_sys_link_detach(9), 0);
	assert_int_equal(R.args[0], BPF_LINK_DETACH);
	assert_int_equal(R.size, 4);
	R.result = 100;
	assert_int_equal(ebpfmini_sys_iter_create(9, 0), 100);
	assert_int_equal(R.args[0], BPF_ITER_CREATE);
	assert_int_equal(R.size, 8);
	assert_int_equal(ebpfmini_sys_enable_stats(BPF_STATS_RUN_TIME), 100);
	assert_int_equal(R.args[0], BPF_ENABLE_STATS);
	assert_int_equal(R.size, 4);
}

static void test_link_create(void **state)
{
	uint32_t map_fd = 5;

	(void)state;
	/* XDP: nothing beyond the common fields */
	struct ebpfmini_sys_link_create_opts x = { .sz = sizeof(x), .flags = 2 };
	assert_int_equal(ebpfmini_sys_link_create(7, 1, BPF_XDP, &x), 100);
	assert_int_equal(R.args[0], BPF_LINK_CREATE);
	assert_int_equal(R.size, 16);
	assert_int_equal(a32(0), 7);
	assert_int_equal(a32(4), 1);
	assert_int_equal(a32(8), BPF_XDP);
	assert_int_equal(a32(12), 2);

	/* tcx: relative fd and expected revision at their 6.6 offsets */
	struct ebpfmini_sys_link_create_opts t = { .sz = sizeof(t), .flags = BPF_F_BEFORE,
						   .relative_fd = 9, .expected_revision = 3 };
	assert_int_equal(ebpfmini_sys_link_create(7, 2, BPF_TCX_INGRESS, &t), 100);
	assert_int_equal(R.size, 32);
	assert_int_equal(a32(16), 9);
	assert_true(a64(24) == 3);
	t.expected_revision = 0;
	assert_int_equal(ebpfmini_sys_link_create(7, 2, BPF_TCX_EGRESS, &t), 100);
	assert_int_equal(R.size, 20);

	/* netfilter: all four fields, priority signed */
	struct ebpfmini_sys_link_create_opts n = { .sz = sizeof(n), .netfilter_pf = 2,
						   .netfilter_hooknum = 0, .netfilter_priority = -128,
						   .netfilter_flags = 1 };
	assert_int_equal(ebpfmini_sys_link_create(7, 0, BPF_NETFILTER, &n), 100);
	assert_int_equal(R.size, 32);
	assert_int_equal(a32(16), 2);
	assert_int_equal(a32(20), 0);
	assert_int_equal((int32_t)a32(24), -128);
	assert_int_equal(a32(28), 1);

	/* iterator info */
	struct ebpfmini_sys_link_create_opts it = { .sz = sizeof(it), .iter_info = &map_fd,
						    .iter_info_len = sizeof(map_fd) };
	assert_int_equal(ebpfmini_sys_link_create(7, 0, BPF_TRACE_ITER, &it), 100);
	assert_int_equal(R.size, 28);
	assert_true(a64(16) == P(&map_fd));
	assert_int_equal(a32(24), 4);

	/* perf event cookie, tracing target and cookie */
	struct ebpfmini_sys_link_create_opts pe = { .sz = sizeof(pe), .perf_event_bpf_cookie = 77 };
	assert_int_equal(ebpfmini_sys_link_create(7, 10, BPF_PERF_EVENT, &pe), 100);
	assert_int_equal(R.size, 24);
	assert_true(a64(16) == 77);
	struct ebpfmini_sys_link_create_opts tr = { .sz = sizeof(tr), .target_btf_id = 1234,
						    .tracing_cookie = 5 };
	assert_int_equal(ebpfmini_sys_link_create(7, 0, BPF_TRACE_FENTRY, &tr), 100);
	assert_int_equal(R.size, 32);
	assert_int_equal(a32(16), 1234);
	assert_true(a64(24) == 5);

	/* a field of another attach type's union member is a caller bug */
	R.calls = 0;
	assert_int_equal(ebpfmini_sys_link_create(7, 10, BPF_PERF_EVENT, &tr), -EINVAL);
	assert_int_equal(ebpfmini_sys_link_create(7, 1, BPF_XDP, &t), -EINVAL);
	assert_int_equal(ebpfmini_sys_link_create(7, 1, BPF_NETFILTER, &pe), -EINVAL);
	t.relative_id = 4;
	assert_int_equal(ebpfmini_sys_link_create(7, 2, BPF_TCX_INGRESS, &t), -EINVAL);
	assert_int_equal(R.calls, 0);
}

/* ---- the raw call, the legacy hook, the other syscalls ---- */

static long legacy_nr, legacy_arg0;
static void *legacy_arg1;

static long legacy_hook(void *ctx, long nr, long arg0, void *arg1)
{
	(void)ctx;
	legacy_nr = nr;
	legacy_arg0 = arg0;
	legacy_arg1 = arg1;
	return -EACCES;
}

static void test_legacy_hook_and_raw(void **state)
{
	union bpf_attr attr;

	(void)state;
	memset(&attr, 0, sizeof(attr));
	em_sys_set_hook(legacy_hook, NULL);
	assert_int_equal(ebpfmini_sys_bpf(BPF_MAP_FREEZE, &attr, 4), -EACCES);
	assert_int_equal(legacy_nr, SYS_bpf);
	assert_int_equal(legacy_arg0, BPF_MAP_FREEZE);
	assert_ptr_equal(legacy_arg1, &attr);
	assert_int_equal(em_sys_open("/dev/null", O_RDONLY, 0), -EACCES);
	assert_int_equal(legacy_nr, SYS_openat);
	assert_string_equal((const char *)legacy_arg1, "/dev/null");
	assert_int_equal(em_sys_ioctl(5, PERF_EVENT_IOC_ENABLE, 0), -EACCES);
	assert_int_equal(legacy_nr, SYS_ioctl);
	assert_int_equal(legacy_arg0, 5);
	assert_true((unsigned long)legacy_arg1 == PERF_EVENT_IOC_ENABLE);
}

static void test_flags_added(void **state)
{
	struct perf_event_attr pa;

	(void)state;
	memset(&pa, 0, sizeof(pa));
	assert_int_equal(em_sys_perf_event_open(&pa, -1, 0, -1, 0), 100);
	assert_int_equal(R.nr, SYS_perf_event_open);
	assert_true(R.args[4] & PERF_FLAG_FD_CLOEXEC);
	assert_int_equal(R.args[1], -1);
	assert_int_equal(R.args[2], 0);
	assert_int_equal(em_sys_open("/nonexistent", O_RDONLY, 0), 100);
	assert_int_equal(R.nr, SYS_openat);
	assert_true(R.args[2] & O_CLOEXEC);
	R.result = 0x7000000;
	void *p = NULL;
	assert_int_equal(em_sys_mmap(NULL, 4096, PROT_READ, MAP_SHARED, 5, 0, &p), 0);
	assert_ptr_equal(p, (void *)0x7000000);
	R.result = -ENOMEM;
	assert_int_equal(em_sys_mmap(NULL, 4096, PROT_READ, MAP_SHARED, 5, 0, &p), -ENOMEM);
	R.result = 0xcafe4a11L;
	long magic = 0;
	assert_int_equal(em_sys_statfs_type("/sys/fs/bpf", &magic), 0);
	assert_true(magic == 0xcafe4a11L);
	R.result = 1;
	assert_int_equal(em_sys_close(100), 0);
	assert_int_equal(R.nr, SYS_close);
	assert_int_equal(em_sys_mkdirat(AT_FDCWD, "/x/y", 0700), 0);
	assert_int_equal(R.nr, SYS_mkdirat);
	assert_int_equal(R.args[2], 0700);
	assert_int_equal(em_sys_unlinkat(AT_FDCWD, "/x/y", AT_REMOVEDIR), 0);
	assert_int_equal(R.nr, SYS_unlinkat);
	assert_int_equal(R.args[2], AT_REMOVEDIR);
	assert_int_equal(em_sys_unlinkat(AT_FDCWD, "/x/y", 0), 0);
	assert_int_equal(R.args[2], 0);
}

/* An fd the kernel hands out below 3 is moved up, O_CLOEXEC, and the low one closed. */
static void test_fd_move_up(void **state)
{
	int saved, fd;

	(void)state;
	em_sys_set_hook(NULL, NULL);
	saved = fcntl(0, F_DUPFD_CLOEXEC, 10);
	assert_true(saved >= 10);
	close(0);
	fd = em_sys_open("/dev/null", O_RDONLY, 0);
	/* restore stdin before asserting */
	int zero_free = fcntl(0, F_GETFD) < 0 && errno == EBADF;
	dup2(saved, 0);
	close(saved);
	assert_true(fd >= 3);
	assert_true(zero_free);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(em_sys_close(fd), 0);
	assert_int_equal(em_sys_close(fd), -EBADF);

	/* a real mmap and munmap */
	void *p = NULL;
	assert_int_equal(em_sys_mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				     -1, 0, &p),
			 0);
	assert_non_null(p);
	((char *)p)[0] = 1;
	assert_int_equal(em_sys_munmap(p, 4096), 0);
}

/* The other calls: what the hook sees, how its answers read, and the real calls. */
static void test_every_call(void **state)
{
	struct epoll_event ev = { .events = EPOLLIN }, evs[2];
	char rel[65], buf[8];
	struct stat st;
	int one = 1, pipefd[2];

	(void)state;
	R.result = 11;
	assert_int_equal(em_sys_epoll_create(), 11);
	assert_int_equal(R.nr, SYS_epoll_create1);
	assert_int_equal(R.args[0], EPOLL_CLOEXEC);
	R.result = 1; /* calls that succeed with 0 read any positive answer as 0 */
	assert_int_equal(em_sys_epoll_ctl(11, EPOLL_CTL_ADD, 5, &ev), 0);
	assert_true(R.nr == SYS_epoll_ctl && R.args[1] == EPOLL_CTL_ADD && R.args[2] == 5);
	assert_int_equal(em_sys_setsockopt(12, 1, 50, &one, 4), 0);
	assert_true(R.nr == SYS_setsockopt && R.args[2] == 50 && R.args[4] == 4);
	assert_int_equal(em_sys_munmap((void *)0x10000, 8192), 0);
	assert_int_equal(em_sys_write_all(5, buf, sizeof(buf)), 0);
	assert_true(R.nr == SYS_write && R.args[0] == 5 && R.args[2] == sizeof(buf));
	assert_int_equal(em_sys_kernel_release(rel, sizeof(rel)), 0);
	assert_int_equal(R.nr, SYS_uname);
	assert_string_equal(rel, ""); /* nothing to report */
	R.result = 2; /* the others return it */
	assert_int_equal(em_sys_epoll_wait(11, evs, 2, 100), 2);
	assert_true(R.nr == SYS_epoll_pwait && R.args[2] == 2 && R.args[3] == 100);
	assert_int_equal(em_sys_read(5, buf, sizeof(buf)), 2);
	assert_true(R.nr == SYS_read && R.args[2] == sizeof(buf));
	R.result = 13;
	assert_int_equal(em_sys_dup(12), 13);
	assert_true(R.nr == SYS_fcntl && R.args[1] == F_DUPFD_CLOEXEC && R.args[2] == 3);
	assert_int_equal(em_sys_socket(AF_INET, SOCK_DGRAM, 0), 13);
	assert_true(R.nr == SYS_socket && (R.args[1] & SOCK_CLOEXEC));
	R.result = 4096; /* fstat: a regular file of that size */
	assert_int_equal(em_sys_fstat(5, &st), 0);
	assert_true(S_ISREG(st.st_mode) && st.st_size == 4096);
	R.result = -EIO;
	assert_int_equal(em_sys_write_all(5, buf, sizeof(buf)), -EIO);
	assert_int_equal(em_sys_kernel_release(rel, sizeof(rel)), -EIO);
	assert_int_equal(em_sys_fstat(5, NULL), -EINVAL);
	assert_int_equal(em_sys_mkdirat(AT_FDCWD, NULL, 0700), -EINVAL);

	/* the real calls */
	em_sys_set_hook(NULL, NULL);
	assert_int_equal(em_sys_kernel_release(rel, sizeof(rel)), 0);
	assert_true(strlen(rel) > 0);
	assert_int_equal(pipe(pipefd), 0);
	assert_int_equal(em_sys_write_all(pipefd[1], "abc", 3), 0);
	assert_int_equal(em_sys_read(pipefd[0], buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "abc", 3);
	assert_int_equal(em_sys_fstat(pipefd[0], &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	em_sys_close(pipefd[0]);
	assert_int_equal(em_sys_read(pipefd[0], buf, sizeof(buf)), -EBADF);
	em_sys_close(pipefd[1]);
	assert_int_equal(em_sys_dup(pipefd[1]), -EBADF);
}

/* ---- files ---- */

static const char *served_text;

static long serve_hook(void *ctx, struct em_sys_call *call)
{
	(void)ctx;
	if (call->nr == EM_SYS_READ_FILE && strcmp((const char *)call->args[0], "/fake") == 0) {
		call->data = served_text;
		call->data_len = strlen(served_text);
		return 1;
	}
	return 0;
}

static void test_read_write_file(void **state)
{
	char path[] = "/tmp/test_sys_XXXXXX";
	void *buf = NULL;
	size_t size = 0;
	int fd;

	(void)state;
	em_sys_set_hook(NULL, NULL);
	/* a pseudo file reports st_size 0 but has content */
	assert_int_equal(em_sys_read_file("/proc/self/status", 1 << 20, &buf, &size), 0);
	assert_true(size > 0);
	assert_int_equal(((char *)buf)[size], '\0');
	assert_non_null(strstr(buf, "CapEff:"));
	free(buf);
	assert_int_equal(em_sys_read_file("/proc/self/status", SIZE_MAX, &buf, &size), 0);
	assert_non_null(strstr(buf, "CapEff:"));
	free(buf);
	assert_int_equal(em_sys_read_file("/proc/self/status", 16, &buf, &size), -E2BIG);
	assert_null(buf);
	assert_int_equal(em_sys_read_file("/nonexistent/file", 100, &buf, &size), -ENOENT);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(em_sys_write_file(path, "hello\nworld"), 0);
	assert_int_equal(em_sys_read_file(path, 11, &buf, &size), 0);
	assert_int_equal(size, 11);
	assert_string_equal(buf, "hello\nworld");
	free(buf);
	assert_int_equal(em_sys_read_file(path, 10, &buf, &size), -E2BIG);
	/* an empty file */
	assert_int_equal(truncate(path, 0), 0);
	assert_int_equal(em_sys_read_file(path, 10, &buf, &size), 0);
	assert_int_equal(size, 0);
	assert_string_equal(buf, "");
	free(buf);
	unlink(path);
	assert_int_equal(em_sys_write_file("/nonexistent/file", "x"), -ENOENT);

	/* the extended hook can serve a file's contents */
	served_text = "scripted";
	em_sys_set_hook_ex(serve_hook, NULL);
	assert_int_equal(em_sys_read_file("/fake", 100, &buf, &size), 0);
	assert_int_equal(size, 8);
	assert_string_equal(buf, "scripted");
	free(buf);
	assert_int_equal(em_sys_read_file("/fake", 4, &buf, &size), -E2BIG);
}

/* em_sys_read_file's fstat and reads, em_sys_write_file's writes go through the hook */
static int file_fstats, file_reads;

static long fail_read_hook(void *ctx, struct em_sys_call *call)
{
	(void)ctx;
	if (call->nr == SYS_fstat)
		file_fstats++;
	if (call->nr == SYS_read)
		file_reads++;
	return call->nr == SYS_read || call->nr == SYS_write ? -EIO : 0;
}

static void test_read_file_hooked(void **state)
{
	void *buf = NULL;
	size_t size = 0;

	(void)state;
	file_fstats = file_reads = 0;
	em_sys_set_hook_ex(fail_read_hook, NULL);
	assert_int_equal(em_sys_read_file("/proc/self/status", 1 << 20, &buf, &size), -EIO);
	assert_null(buf);
	assert_int_equal(file_fstats, 1);
	assert_int_equal(file_reads, 1);
	assert_int_equal(em_sys_write_file("/dev/null", "x"), -EIO);
}

/* ---- names ---- */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(ebpfmini_sys_cmd_name(BPF_MAP_CREATE), "BPF_MAP_CREATE");
	assert_string_equal(ebpfmini_sys_cmd_name(BPF_PROG_TEST_RUN), "BPF_PROG_TEST_RUN");
	assert_string_equal(ebpfmini_sys_cmd_name(37), "BPF_PROG_STREAM_READ_BY_FD");
	assert_null(ebpfmini_sys_cmd_name(38));
	assert_null(ebpfmini_sys_cmd_name(-1));
	assert_string_equal(ebpfmini_sys_map_type_name(BPF_MAP_TYPE_RINGBUF), "BPF_MAP_TYPE_RINGBUF");
	assert_string_equal(ebpfmini_sys_map_type_name(33), "BPF_MAP_TYPE_ARENA");
	assert_null(ebpfmini_sys_map_type_name(34));
	assert_string_equal(ebpfmini_sys_prog_type_name(32), "BPF_PROG_TYPE_NETFILTER");
	assert_null(ebpfmini_sys_prog_type_name(33));
	assert_string_equal(ebpfmini_sys_attach_type_name(45), "BPF_NETFILTER");
	assert_string_equal(ebpfmini_sys_attach_type_name(46), "BPF_TCX_INGRESS");
	assert_string_equal(ebpfmini_sys_attach_type_name(47), "BPF_TCX_EGRESS");
	assert_string_equal(ebpfmini_sys_attach_type_name(57), "BPF_TRACE_UPROBE_SESSION");
	assert_null(ebpfmini_sys_attach_type_name(58));
	assert_string_equal(ebpfmini_sys_link_type_name(11), "BPF_LINK_TYPE_TCX");
	assert_string_equal(ebpfmini_sys_link_type_name(14), "BPF_LINK_TYPE_SOCKMAP");
	assert_null(ebpfmini_sys_link_type_name(15));
	/* no gaps in any table */
	for (int i = 0; i < EM_BPF_CMD_COUNT; i++)
		assert_non_null(ebpfmini_sys_cmd_name(i));
	for (uint32_t i = 0; i < EM_BPF_MAP_TYPE_COUNT; i++)
		assert_non_null(ebpfmini_sys_map_type_name(i));
	for (uint32_t i = 0; i < EM_BPF_PROG_TYPE_COUNT; i++)
		assert_non_null(ebpfmini_sys_prog_type_name(i));
	for (uint32_t i = 0; i < EM_BPF_ATTACH_TYPE_COUNT; i++)
		assert_non_null(ebpfmini_sys_attach_type_name(i));
	for (uint32_t i = 0; i < EM_BPF_LINK_TYPE_COUNT; i++)
		assert_non_null(ebpfmini_sys_link_type_name(i));
}

/* ---- the attr layout (sys_attr.h) ---- */

/* Fields newer than the build's <linux/bpf.h>: their offsets are kernel ABI facts (6.18's BTF). */
static void test_attr_layout(void **state)
{
	static const struct {
		const char *name;
		size_t off, want;
	} rows[] = {
#define ROW(f, o) { #f, EM_ATTR_OFF(f), o }
		ROW(map_create.value_type_btf_obj_fd, 72), ROW(map_create.map_token_fd, 76),
		ROW(map_create.excl_prog_hash, 80), ROW(map_create.excl_prog_hash_size, 88),
		ROW(prog_load.log_true_size, 140), ROW(prog_load.prog_token_fd, 144),
		ROW(prog_load.fd_array_cnt, 148), ROW(prog_load.signature, 152),
		ROW(prog_load.signature_size, 160), ROW(prog_load.keyring_id, 164),
		ROW(obj.path_fd, 16), ROW(attach.relative_fd, 20), ROW(attach.relative_id, 20),
		ROW(attach.expected_revision, 24), ROW(query.link_ids, 40),
		ROW(query.link_attach_flags, 48), ROW(query.revision, 56), ROW(raw_tp.cookie, 16),
		ROW(btf_load.btf_log_true_size, 28), ROW(btf_load.btf_flags, 32),
		ROW(btf_load.btf_token_fd, 36), ROW(by_id.fd_by_id_token_fd, 12),
		ROW(link_create.netfilter.pf, 16), ROW(link_create.netfilter.hooknum, 20),
		ROW(link_create.netfilter.priority, 24), ROW(link_create.netfilter.flags, 28),
		ROW(link_create.mprog.relative_fd, 16), ROW(link_create.mprog.expected_revision, 24),
		ROW(link_create.uprobe_multi.path, 16), ROW(link_create.uprobe_multi.offsets, 24),
		ROW(link_create.uprobe_multi.ref_ctr_offsets, 32),
		ROW(link_create.uprobe_multi.cookies, 40), ROW(link_create.uprobe_multi.cnt, 48),
		ROW(link_create.uprobe_multi.flags, 52), ROW(link_create.uprobe_multi.pid, 56),
		ROW(token_create.flags, 0), ROW(token_create.bpffs_fd, 4),
		ROW(prog_stream_read.stream_buf, 0), ROW(prog_stream_read.stream_buf_len, 8),
		ROW(prog_stream_read.stream_id, 12), ROW(prog_stream_read.prog_fd, 16),
#undef ROW
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].off != rows[i].want)
			fail_msg("%s at %zu, the kernel has it at %zu", rows[i].name, rows[i].off,
				 rows[i].want);
	}
	/* the size covering a field ends with it */
	assert_int_equal(EM_ATTR_END(prog_load.log_true_size), 144);
	assert_int_equal(EM_ATTR_END(prog_load.keyring_id), EM_BPF_ATTR_SIZE);
	assert_int_equal(EM_ATTR_END(map_create.map_extra), 72);
	assert_int_equal(EM_ATTR_END(link_create.mprog.expected_revision), 32);
	assert_int_equal(sizeof(union em_bpf_attr), EM_BPF_ATTR_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attr_layout),
		cmocka_unit_test_setup_teardown(test_map_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_opts_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_elem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prog_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prog_test_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prog_attach_detach_query, setup, teardown),
		cmocka_unit_test_setup_teardown(test_obj_ids_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_btf_tracing_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_legacy_hook_and_raw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags_added, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_move_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_write_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_file_hooked, setup, teardown),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
