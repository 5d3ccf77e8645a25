/* test_sys_trace.c - EBPFMINI_TRACE: the exact strace-style lines of the kernel edge, and its switch */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/filter.h>
#include <linux/perf_event.h>
#include <linux/seccomp.h>

#include "internal.h"
#include "sys.h"
#include "sys_attr.h"
#include "uapi_compat.h"

#include "ebpfmini/log.h"
#include "ebpfmini/sys.h"

#include "sys_fake.h"

/* stderr saved by capture_stderr while redirected (restored here if a test failed inside) */
static int saved_stderr = -1;

static int teardown(void **state)
{
	(void)state;
	if (saved_stderr >= 0) {
		dup2(saved_stderr, 2);
		close(saved_stderr);
		saved_stderr = -1;
	}
	em_sys_set_hook(NULL, NULL);
	ebpfmini_sys_set_trace(false);
	return 0;
}

#define P(p) ((uint64_t)(uintptr_t)(p))

/* ---- EBPFMINI_TRACE is read from the environment (first test: nothing decided yet) ---- */

static void test_trace_env_default(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setenv("EBPFMINI_TRACE", "1", 1);
		_exit(ebpfmini_sys_trace() ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		unsetenv("EBPFMINI_TRACE");
		_exit(ebpfmini_sys_trace() ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	ebpfmini_sys_set_trace(true);
	assert_true(ebpfmini_sys_trace());
	ebpfmini_sys_set_trace(false);
	assert_false(ebpfmini_sys_trace());
}

/*
 * Where seccomp refuses process_vm_readv, the decoder must not read the
 * caller's pointers itself: a bad attr pointer is then the kernel's EFAULT
 * (here the hook's), not a crash of the process. In a child: the filter
 * stays with it.
 */
static long answer_efault(void *ctx, long nr, long arg0, void *arg1)
{
	(void)ctx, (void)nr, (void)arg0, (void)arg1;
	return -EFAULT;
}

static void test_trace_bad_pointer_under_seccomp(void **state)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_process_vm_readv, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { EM_ARRAY_SIZE(code), code };
	int status, devnull;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		devnull = open("/dev/null", O_WRONLY);
		if (devnull < 0 || dup2(devnull, 2) != 2 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
			_exit(2);
		em_sys_set_hook(answer_efault, NULL);
		ebpfmini_sys_set_trace(true);
		_exit(ebpfmini_sys_bpf(BPF_MAP_CREATE, (union bpf_attr *)16, 72) == -EFAULT ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("tracing a bad attr pointer killed the process (signal %d)",
			 WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static const struct bpf_insn ret2[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 2 },
	{ .code = BPF_JMP | BPF_EXIT },
};

/* ---- trace lines ---- */

/* Runs fn with stderr redirected to a file and returns what it wrote (malloc'd). */
static char *capture_stderr(void (*fn)(void *), void *arg)
{
	FILE *tmp = tmpfile();
	long len;
	char *text;

	assert_non_null(tmp);
	fflush(stderr);
	saved_stderr = dup(2);
	assert_true(saved_stderr >= 0);
	assert_true(dup2(fileno(tmp), 2) == 2);
	ebpfmini_sys_set_trace(true);
	fn(arg);
	ebpfmini_sys_set_trace(false);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	saved_stderr = -1;
	len = ftell(tmp) >= 0 ? lseek(fileno(tmp), 0, SEEK_END) : 0;
	text = calloc(1, (size_t)len + 1);
	assert_non_null(text);
	assert_int_equal(pread(fileno(tmp), text, (size_t)len, 0), len);
	fclose(tmp);
	return text;
}

static char *fmt(const char *f, ...) EM_PRINTF(1, 2);
static char *fmt(const char *f, ...)
{
	static char buf[1024];
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	return buf;
}

static void do_map_create(void *arg)
{
	struct ebpfmini_sys_map_create_opts o = { .sz = sizeof(o), .name = "config",
						  .map_flags = BPF_F_NO_PREALLOC, .btf_fd = 3,
						  .btf_key_type_id = 1, .btf_value_type_id = 5 };

	(void)arg;
	R.result = 5;
	ebpfmini_sys_map_create(BPF_MAP_TYPE_HASH, 4, 12, 10240, &o);
}

static void test_trace_map_create(void **state)
{
	char *out = capture_stderr(do_map_create, NULL);

	(void)state;
	assert_string_equal(out,
			    "bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_HASH, key_size=4, "
			    "value_size=12, max_entries=10240, map_flags=BPF_F_NO_PREALLOC, "
			    "map_name=\"config\", btf_fd=3, btf_key_type_id=1, btf_value_type_id=5}, "
			    "72) = 5\n");
	free(out);
}

static char log_buf[4096];
static uint64_t finfo[2];

static void do_prog_load(void *arg)
{
	struct ebpfmini_sys_prog_load_opts o = {
		.sz = sizeof(o), .name = "xdp_pass", .expected_attach_type = BPF_XDP,
		.prog_btf_fd = 4, .func_info = finfo, .func_info_rec_size = 8, .func_info_cnt = 1,
		.log_buf = log_buf, .log_size = sizeof(log_buf), .log_level = 1,
		.prog_flags = BPF_F_XDP_HAS_FRAGS | BPF_F_SLEEPABLE | (1U << 30),
	};

	(void)arg;
	R.result = 6;
	ebpfmini_sys_prog_load(BPF_PROG_TYPE_XDP, "GPL", ret2, 2, &o);
	R.result = -EACCES;
	ebpfmini_sys_prog_load(BPF_PROG_TYPE_KPROBE, "Dual \"BSD\"/GPL", ret2, 2, NULL);
}

static void test_trace_prog_load(void **state)
{
	char *out = capture_stderr(do_prog_load, NULL);
	char expect[1024];

	(void)state;
	snprintf(expect, sizeof(expect), "%s",
		 fmt("bpf(BPF_PROG_LOAD, {prog_type=BPF_PROG_TYPE_XDP, insn_cnt=2, insns=0x%llx, "
		     "license=\"GPL\", log_level=1, log_size=4096, log_buf=0x%llx, "
		     "prog_flags=BPF_F_SLEEPABLE|BPF_F_XDP_HAS_FRAGS|0x40000000, "
		     "prog_name=\"xdp_pass\", expected_attach_type=BPF_XDP, prog_btf_fd=4, "
		     "func_info_rec_size=8, func_info=0x%llx, func_info_cnt=1}, 144) = 6\n"
		     "bpf(BPF_PROG_LOAD, {prog_type=BPF_PROG_TYPE_KPROBE, insn_cnt=2, insns=0x%llx, "
		     "license=\"Dual \\\"BSD\\\"/GPL\"}, 144) = -1 EACCES (Permission denied)\n",
		     (unsigned long long)P(ret2), (unsigned long long)P(log_buf),
		     (unsigned long long)P(finfo), (unsigned long long)P(ret2)));
	assert_string_equal(out, expect);
	free(out);
}

static void do_pin_link(void *arg)
{
	struct ebpfmini_sys_link_create_opts x = { .sz = sizeof(x), .flags = 2 };
	struct ebpfmini_sys_link_create_opts t = { .sz = sizeof(t), .flags = BPF_F_BEFORE,
						   .relative_fd = 9, .expected_revision = 3 };
	struct ebpfmini_sys_link_create_opts c = { .sz = sizeof(c), .flags = BPF_F_ALLOW_MULTI };

	(void)arg;
	R.result = EM_SYS_OK;
	ebpfmini_sys_obj_pin(5, "/sys/fs/bpf/config");
	R.result = -EPERM;
	ebpfmini_sys_obj_get("/sys/fs/bpf/config", BPF_F_RDONLY);
	R.result = 7;
	ebpfmini_sys_link_create(6, 1, BPF_XDP, &x);
	R.result = 8;
	ebpfmini_sys_link_create(6, 2, BPF_TCX_INGRESS, &t);
	R.result = 9;
	ebpfmini_sys_link_create(6, 4, BPF_CGROUP_INET_EGRESS, &c);
}

static void test_trace_pin_link(void **state)
{
	char *out = capture_stderr(do_pin_link, NULL);

	(void)state;
	assert_string_equal(
		out,
		"bpf(BPF_OBJ_PIN, {pathname=\"/sys/fs/bpf/config\", bpf_fd=5}, 16) = 0\n"
		"bpf(BPF_OBJ_GET, {pathname=\"/sys/fs/bpf/config\", file_flags=BPF_F_RDONLY}, 16) "
		"= -1 EPERM (Operation not permitted)\n"
		"bpf(BPF_LINK_CREATE, {prog_fd=6, target_ifindex=1, attach_type=BPF_XDP, "
		"flags=XDP_FLAGS_SKB_MODE}, 16) = 7\n"
		"bpf(BPF_LINK_CREATE, {prog_fd=6, target_ifindex=2, attach_type=BPF_TCX_INGRESS, "
		"flags=BPF_F_BEFORE, relative_fd=9, expected_revision=3}, 32) = 8\n"
		"bpf(BPF_LINK_CREATE, {prog_fd=6, target_fd=4, attach_type=BPF_CGROUP_INET_EGRESS, "
		"flags=BPF_F_ALLOW_MULTI}, 16) = 9\n");
	free(out);
}

static uint32_t tkey = 1, tval = 2;
static union em_bpf_attr tattr;

static void do_elem_and_sizes(void *arg)
{
	(void)arg;
	R.result = -EEXIST;
	ebpfmini_sys_map_update(5, &tkey, &tval, BPF_NOEXIST);
	R.result = EM_SYS_OK;
	ebpfmini_sys_map_lookup(5, &tkey, &tval, BPF_F_LOCK);
	ebpfmini_sys_map_next_key(5, NULL, &tval);
	/* a full MAP_CREATE attr passed with size 16: only the first 16 bytes are decoded */
	memset(&tattr, 0, sizeof(tattr));
	tattr.attr.map_type = BPF_MAP_TYPE_ARRAY;
	tattr.attr.key_size = 4;
	tattr.attr.value_size = 8;
	tattr.attr.max_entries = 1;
	tattr.attr.map_flags = BPF_F_MMAPABLE;
	memcpy(tattr.attr.map_name, "hidden", 7);
	R.result = 5;
	ebpfmini_sys_bpf(BPF_MAP_CREATE, &tattr.attr, 16);
	/* an unknown command, the kernel-internal ENOTSUPP and an errno without a name */
	R.result = -EM_ENOTSUPP;
	ebpfmini_sys_bpf(99, &tattr.attr, 8);
	R.result = -4095;
	ebpfmini_sys_bpf(BPF_LINK_DETACH, &tattr.attr, 4);
	/* no attr at all */
	R.result = -EFAULT;
	ebpfmini_sys_bpf(BPF_MAP_FREEZE, NULL, 4);
}

static void test_trace_elem_and_sizes(void **state)
{
	char *out = capture_stderr(do_elem_and_sizes, NULL);
	char expect[2048];

	(void)state;
	snprintf(expect, sizeof(expect),
		 "bpf(BPF_MAP_UPDATE_ELEM, {map_fd=5, key=0x%llx, value=0x%llx, flags=BPF_NOEXIST}, "
		 "32) = -1 EEXIST (File exists)\n"
		 "bpf(BPF_MAP_LOOKUP_ELEM, {map_fd=5, key=0x%llx, value=0x%llx, flags=BPF_F_LOCK}, "
		 "32) = 0\n"
		 "bpf(BPF_MAP_GET_NEXT_KEY, {map_fd=5, key=NULL, next_key=0x%llx}, 24) = 0\n"
		 "bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_ARRAY, key_size=4, value_size=8, "
		 "max_entries=1}, 16) = 5\n"
		 "bpf(99, %p, 8) = -1 ENOTSUPP (Operation not supported (kernel-internal ENOTSUPP))\n"
		 "bpf(BPF_LINK_DETACH, {link_fd=2}, 4) = -1 E4095 (Unknown error 4095)\n"
		 "bpf(BPF_MAP_FREEZE, NULL, 4) = -1 EFAULT (Bad address)\n",
		 (unsigned long long)P(&tkey), (unsigned long long)P(&tval),
		 (unsigned long long)P(&tkey), (unsigned long long)P(&tval),
		 (unsigned long long)P(&tval), (void *)&tattr.attr);
	assert_string_equal(out, expect);
	free(out);
}

static void do_other_calls(void *arg)
{
	struct perf_event_attr pa;
	int *fd = arg;
	void *p;
	long magic;

	memset(&pa, 0, sizeof(pa));
	pa.type = PERF_TYPE_TRACEPOINT;
	pa.size = sizeof(pa);
	pa.config = 1234;
	pa.sample_period = 1;
	pa.sample_type = PERF_SAMPLE_RAW;
	pa.wakeup_events = 1;
	R.result = 7;
	em_sys_perf_event_open(&pa, -1, 0, -1, 0);
	R.result = EM_SYS_OK;
	em_sys_ioctl(7, PERF_EVENT_IOC_SET_BPF, 6);
	R.result = 0x10000;
	em_sys_mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, 5, 0, &p);
	R.result = 0xcafe4a11L;
	em_sys_statfs_type("/sys/fs/bpf", &magic);
	em_sys_set_hook(NULL, NULL); /* a real open and close */
	*fd = em_sys_open("/dev/null", O_RDONLY, 0);
	em_sys_close(*fd);
	em_sys_set_hook_ex(rec_hook, &R);
}

static void test_trace_other_calls(void **state)
{
	int fd = -1;
	char *out = capture_stderr(do_other_calls, &fd);
	char expect[2048];

	(void)state;
	snprintf(expect, sizeof(expect),
		 "perf_event_open({type=PERF_TYPE_TRACEPOINT, size=%zu, config=1234, "
		 "sample_period=1, sample_type=PERF_SAMPLE_RAW, wakeup_events=1}, -1, 0, -1, "
		 "PERF_FLAG_FD_CLOEXEC) = 7\n"
		 "ioctl(7, PERF_EVENT_IOC_SET_BPF, 6) = 0\n"
		 "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 5, 0) = 0x10000\n"
		 "statfs(\"/sys/fs/bpf\") = 0\n"
		 "openat(\"/dev/null\", O_RDONLY|O_CLOEXEC) = %d\n"
		 "close(%d) = 0\n",
		 sizeof(struct perf_event_attr), fd, fd);
	assert_string_equal(out, expect);
	free(out);
}

/* Fields newer than the build's header, written by name into the 6.18 layout and decoded. */
static union em_bpf_attr nattr;

static void do_newer_fields(void *arg)
{
	(void)arg;
	R.result = EM_SYS_OK;
	memset(&nattr, 0, sizeof(nattr));
	nattr.map_create.map_type = BPF_MAP_TYPE_ARRAY;
	nattr.map_create.key_size = 4;
	nattr.map_create.value_size = 4;
	nattr.map_create.max_entries = 1;
	nattr.map_create.map_flags = BPF_F_TOKEN_FD;
	nattr.map_create.map_token_fd = 9;
	nattr.map_create.excl_prog_hash_size = 32;
	ebpfmini_sys_bpf(BPF_MAP_CREATE, &nattr.attr, EM_ATTR_END(map_create.excl_prog_hash_size));
	memset(&nattr, 0, sizeof(nattr));
	nattr.prog_load.prog_type = BPF_PROG_TYPE_XDP;
	nattr.prog_load.log_true_size = 77; /* an output: not shown */
	nattr.prog_load.prog_token_fd = 9;
	nattr.prog_load.fd_array_cnt = 2;
	nattr.prog_load.keyring_id = -3;
	ebpfmini_sys_bpf(BPF_PROG_LOAD, &nattr.attr, EM_ATTR_END(prog_load.keyring_id));
	memset(&nattr, 0, sizeof(nattr));
	nattr.link_create.prog_fd = 6;
	nattr.link_create.attach_type = BPF_TRACE_UPROBE_MULTI;
	nattr.link_create.uprobe_multi.cnt = 1;
	nattr.link_create.uprobe_multi.flags = BPF_F_UPROBE_MULTI_RETURN;
	nattr.link_create.uprobe_multi.pid = 42;
	ebpfmini_sys_bpf(BPF_LINK_CREATE, &nattr.attr, EM_ATTR_END(link_create.uprobe_multi.pid));
	memset(&nattr, 0, sizeof(nattr));
	nattr.link_create.prog_fd = 6;
	nattr.link_create.attach_type = BPF_NETFILTER;
	nattr.link_create.netfilter.pf = 2;
	nattr.link_create.netfilter.hooknum = 1;
	nattr.link_create.netfilter.priority = -100;
	ebpfmini_sys_bpf(BPF_LINK_CREATE, &nattr.attr, EM_ATTR_END(link_create.netfilter.flags));
	memset(&nattr, 0, sizeof(nattr));
	nattr.btf_load.btf_size = 24;
	nattr.btf_load.btf_flags = BPF_F_TOKEN_FD;
	nattr.btf_load.btf_token_fd = 9;
	ebpfmini_sys_bpf(BPF_BTF_LOAD, &nattr.attr, EM_ATTR_END(btf_load.btf_token_fd));
}

static void test_trace_newer_fields(void **state)
{
	char *out = capture_stderr(do_newer_fields, NULL);

	(void)state;
	assert_string_equal(
		out,
		"bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_ARRAY, key_size=4, value_size=4, "
		"max_entries=1, map_flags=BPF_F_TOKEN_FD, map_token_fd=9, excl_prog_hash_size=32}, "
		"92) = 0\n"
		"bpf(BPF_PROG_LOAD, {prog_type=BPF_PROG_TYPE_XDP, insn_cnt=0, insns=NULL, "
		"license=NULL, prog_token_fd=9, fd_array_cnt=2, keyring_id=-3}, 168) = 0\n"
		"bpf(BPF_LINK_CREATE, {prog_fd=6, attach_type=BPF_TRACE_UPROBE_MULTI, path=NULL, "
		"cnt=1, uprobe_multi.flags=BPF_F_UPROBE_MULTI_RETURN, pid=42}, 60) = 0\n"
		"bpf(BPF_LINK_CREATE, {prog_fd=6, attach_type=BPF_NETFILTER, pf=2, hooknum=1, "
		"priority=-100}, 32) = 0\n"
		"bpf(BPF_BTF_LOAD, {btf=NULL, btf_size=24, btf_flags=BPF_F_TOKEN_FD, "
		"btf_token_fd=9}, 40) = 0\n");
	free(out);
}

/* The line of every other call, as strace would write it. */
static char tbuf[8];

static void do_every_call(void *arg)
{
	struct epoll_event ev = { .events = 1, .data.u64 = 7 };
	struct stat st;

	(void)arg;
	R.result = EM_SYS_OK;
	em_sys_munmap((void *)0x10000, 8192);
	R.result = 11;
	em_sys_epoll_create();
	R.result = EM_SYS_OK;
	em_sys_epoll_ctl(11, EPOLL_CTL_ADD, 5, &ev);
	em_sys_epoll_ctl(11, 9, 5, NULL);
	R.result = 1;
	em_sys_epoll_wait(11, (struct epoll_event *)tbuf, 4, 100);
	R.result = 123;
	em_sys_fstat(5, &st);
	R.result = EM_SYS_OK;
	em_sys_mkdirat(AT_FDCWD, "/x", 0700);
	R.result = -ENOENT;
	em_sys_unlinkat(AT_FDCWD, "/x", 0);
	em_sys_unlinkat(AT_FDCWD, "/x", AT_REMOVEDIR);
	R.result = 12;
	em_sys_socket(2, 2, 0);
	R.result = EM_SYS_OK;
	em_sys_setsockopt(12, 1, 50, tbuf, 4);
	R.result = 13;
	em_sys_dup(12);
	R.result = 8;
	em_sys_read(5, tbuf, sizeof(tbuf)); /* the hook fills nothing: the pointer is shown */
	R.result = EM_SYS_OK;
	memcpy(tbuf, "id\n\0\x01", 5);
	em_sys_write_all(5, tbuf, 5);
	em_sys_setsockopt(12, 1, 50, (int[]){ 9 }, 4);
	/* a dynamic PMU (kprobe): config1 is the function's name */
	R.result = 14;
	em_sys_perf_event_open(&(struct perf_event_attr){ .type = 9, .size = sizeof(struct perf_event_attr),
		.config1 = (uint64_t)(uintptr_t)"do_unlinkat" }, -1, 0, -1, 0);
}

static void test_trace_every_call(void **state)
{
	char *out = capture_stderr(do_every_call, NULL);
	char expect[2048];

	(void)state;
	snprintf(expect, sizeof(expect),
		 "munmap(0x10000, 8192) = 0\n"
		 "epoll_create1(EPOLL_CLOEXEC) = 11\n"
		 "epoll_ctl(11, EPOLL_CTL_ADD, 5, {events=0x1, data=0x7}) = 0\n"
		 "epoll_ctl(11, 9, 5, NULL) = 0\n"
		 "epoll_pwait(11, %p, 4, 100, NULL) = 1\n"
		 "fstat(5) = 0\n"
		 "mkdir(\"/x\", 0700) = 0\n"
		 "unlink(\"/x\") = -1 ENOENT (No such file or directory)\n"
		 "rmdir(\"/x\") = -1 ENOENT (No such file or directory)\n"
		 "socket(2, 0x80002, 0) = 12\n"
		 "setsockopt(12, 1, 50, [0], 4) = 0\n"
		 "fcntl(12, F_DUPFD_CLOEXEC, 3) = 13\n"
		 "read(5, %p, 8) = 8\n"
		 "write(5, \"id\\n\\x00\\x01\", 5) = 0\n"
		 "setsockopt(12, 1, 50, [9], 4) = 0\n"
		 "perf_event_open({type=9, size=%zu, config=0, config1=\"do_unlinkat\"}, -1, 0, -1, "
		 "PERF_FLAG_FD_CLOEXEC) = 14\n",
		 (void *)tbuf, (void *)tbuf, sizeof(struct perf_event_attr));
	assert_string_equal(out, expect);
	free(out);
}

/* Real calls: what the kernel filled is shown by content (the read of a tracepoint's id). */
struct real {
	int pipe[2], ep;
	char release[128];
};

static void do_real_calls(void *arg)
{
	struct real *r = arg;
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0x42 }, out[2];
	char buf[200], hundred[100];

	em_sys_set_hook(NULL, NULL);
	em_sys_read(r->pipe[0], buf, 65); /* the "862\n" written before */
	memset(hundred, 'a', sizeof(hundred));
	assert_int_equal(write(r->pipe[1], hundred, sizeof(hundred)), sizeof(hundred));
	em_sys_read(r->pipe[0], buf, sizeof(buf)); /* 100 bytes: 64 shown, then "..." */
	r->ep = em_sys_epoll_create();
	em_sys_epoll_ctl(r->ep, EPOLL_CTL_ADD, r->pipe[0], &ev);
	em_sys_write_all(r->pipe[1], "x", 1);
	em_sys_epoll_wait(r->ep, out, 2, 0);
	em_sys_close(r->ep);
	em_sys_kernel_release(r->release, sizeof(r->release));
	em_sys_set_hook_ex(rec_hook, &R);
}

static void test_trace_real_contents(void **state)
{
	struct real r;
	char *out, expect[1024], a64[65];

	(void)state;
	assert_int_equal(pipe(r.pipe), 0);
	assert_int_equal(write(r.pipe[1], "862\n", 4), 4);
	out = capture_stderr(do_real_calls, &r);
	memset(a64, 'a', 64);
	a64[64] = '\0';
	snprintf(expect, sizeof(expect),
		 "read(%d, \"862\\n\", 65) = 4\n"
		 "read(%d, \"%s\"..., 200) = 100\n"
		 "epoll_create1(EPOLL_CLOEXEC) = %d\n"
		 "epoll_ctl(%d, EPOLL_CTL_ADD, %d, {events=0x1, data=0x42}) = 0\n"
		 "write(%d, \"x\", 1) = 0\n"
		 "epoll_pwait(%d, [{events=0x1, data=0x42}], 2, 0, NULL) = 1\n"
		 "close(%d) = 0\n"
		 "uname({release=\"%s\"}) = 0\n",
		 r.pipe[0], r.pipe[0], a64, r.ep, r.ep, r.pipe[0], r.pipe[1], r.ep, r.ep, r.release);
	assert_string_equal(out, expect);
	free(out);
	close(r.pipe[0]);
	close(r.pipe[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_env_default),
		cmocka_unit_test(test_trace_bad_pointer_under_seccomp),
		cmocka_unit_test_setup_teardown(test_trace_map_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace_prog_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace_pin_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace_elem_and_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace_other_calls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace_newer_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace_every_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace_real_contents, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
