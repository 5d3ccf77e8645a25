/* test_fdleak.c - every fd a load opens is closed: failing loads, injected faults, open/load/close cycles */
#include <errno.h>
#include <linux/bpf.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "load_util.h"
#include "sys.h" /* private: em_sys_set_hook for fault injection */

/* ---- fault injection: fail the Nth kernel call of the load ---- */

struct fault {
	long calls;   /* kernel calls seen since armed */
	long fail_at; /* 1-based call to fail, 0 = count only */
	long failed_nr, failed_arg0; /* failed_nr -1: no call failed (0 is SYS_read) */
};

static struct fault fault;

static long fault_hook(void *ctx, long nr, long arg0, void *arg1)
{
	struct fault *f = ctx;

	(void)arg1;
	/* closing and unmapping never fail here: a failed close would leak by design */
	if (nr == SYS_close || nr == SYS_munmap)
		return 0;
	if (++f->calls == f->fail_at) {
		f->failed_nr = nr;
		f->failed_arg0 = arg0;
		return -EPERM;
	}
	return 0;
}

static void arm(long fail_at)
{
	fault = (struct fault){ .fail_at = fail_at, .failed_nr = -1 };
	em_sys_set_hook(fault_hook, &fault);
}

static void disarm(void)
{
	em_sys_set_hook(NULL, NULL);
}

/* ---- a bpffs of our own for the pinning phases ---- */

static char fsdir[64];

static int setup(void **state)
{
	(void)state;
	if (geteuid() != 0)
		return 0;
	snprintf(fsdir, sizeof(fsdir), "/tmp/ebpfmini-fdleak-XXXXXX");
	if (!mkdtemp(fsdir))
		return -1;
	if (mount("bpf", fsdir, "bpf", 0, NULL) != 0) {
		rmdir(fsdir);
		fsdir[0] = '\0';
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (fsdir[0]) {
		umount(fsdir);
		rmdir(fsdir);
	}
	return 0;
}

static void need_bpffs(void)
{
	if (!fsdir[0]) {
		print_message("skipped: cannot mount a bpf filesystem (CONFIG_BPF_SYSCALL)\n");
		skip();
	}
}

/* Remove whatever the pin root holds (a load that succeeded despite a fault pinned its map). */
static void clean_fsdir(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/shared_counts", fsdir);
	unlink(path);
}

static struct ebpfmini_object *open_with_root(const char *name)
{
	struct ebpfmini_object_open_opts opts = { .sz = sizeof(opts), .pin_root = fsdir };
	struct ebpfmini_object *obj = NULL;
	char path[256];

	snprintf(path, sizeof(path), BPF_OBJ_DIR "/%s.bpf.o", name);
	assert_int_equal(ebpfmini_object_open(path, fsdir[0] ? &opts : NULL, &obj), 0);
	return obj;
}

/* ---- tests ---- */

static void test_cycles(void **state)
{
	int before;

	(void)state;
	SKIP_UNLESS_ROOT();
	before = count_fds();
	for (int i = 0; i < 5; i++) {
		struct ebpfmini_object *obj = open_obj(OBJ("load_basic"));

		assert_int_equal(count_fds(), before); /* open touches no kernel state */
		assert_int_equal(ebpfmini_object_load(obj), 0);
		assert_true(count_fds() > before);
		run_xdp(prog_of(obj, "calc"));
		ebpfmini_object_close(obj);
		assert_int_equal(count_fds(), before);
	}
}

static void expect_failure_without_leak(struct ebpfmini_object *obj, int want_err)
{
	int before = count_fds(), err;

	log_capture_start(EBPFMINI_LOG_DEBUG);
	err = ebpfmini_object_load(obj);
	log_capture_stop();
	if (want_err)
		assert_int_equal(err, want_err);
	else
		assert_true(err < 0);
	assert_int_equal(count_fds(), before); /* closed at the failure, not at close */
	ebpfmini_object_close(obj);
	assert_int_equal(count_fds(), before);
}

static void test_failing_loads(void **state)
{
	struct ebpfmini_object *obj;

	(void)state;
	SKIP_UNLESS_ROOT();
	/* verifier reject */
	expect_failure_without_leak(open_obj(OBJ("load_bad")), -EACCES);
	/* a program type the kernel does not know */
	obj = open_obj(OBJ("load_basic"));
	assert_int_equal(ebpfmini_program_set_type(prog_of(obj, "tail_b"), 999), 0);
	expect_failure_without_leak(obj, -EINVAL);
	/* a map the kernel refuses (ringbuf size not a power-of-2 number of pages) */
	obj = open_obj(OBJ("load_basic"));
	assert_int_equal(ebpfmini_map_set_max_entries(map_of(obj, "rb"), 5000), 0);
	expect_failure_without_leak(obj, -EINVAL);
	/* a program type ebpfmini cannot guess */
	expect_failure_without_leak(open_obj(OBJ("load_unknown")), -EOPNOTSUPP);
}

static void test_incompatible_pin(void **state)
{
	struct ebpfmini_object *first, *obj;
	int before;

	(void)state;
	SKIP_UNLESS_ROOT();
	need_bpffs();
	before = count_fds();
	first = open_with_root("load_pin");
	assert_int_equal(ebpfmini_object_load(first), 0);
	ebpfmini_object_close(first);
	assert_int_equal(count_fds(), before);

	obj = open_with_root("load_pin");
	assert_int_equal(ebpfmini_map_set_max_entries(map_of(obj, "shared_counts"), 99), 0);
	expect_failure_without_leak(obj, -EEXIST);
	clean_fsdir();
	assert_int_equal(count_fds(), before);
}

/*
 * Count the kernel calls of a successful load of name, then load it again
 * failing the 1st, 2nd, ... call in turn: whatever the outcome, after the
 * load (failed) and after close (any) the fd count is where it started.
 */
static void inject_every_call(const char *name)
{
	struct ebpfmini_object *obj;
	long total;
	int before, failures = 0, informational = 0;

	before = count_fds();
	obj = open_with_root(name);
	arm(0);
	assert_int_equal(ebpfmini_object_load(obj), 0);
	total = fault.calls;
	disarm();
	ebpfmini_object_close(obj);
	clean_fsdir();
	assert_int_equal(count_fds(), before);
	assert_true(total > 5);

	for (long n = 1; n <= total; n++) {
		int err;

		obj = open_with_root(name);
		log_capture_start(EBPFMINI_LOG_DEBUG);
		arm(n);
		err = ebpfmini_object_load(obj);
		disarm();
		log_capture_stop();
		if (fault.failed_nr < 0)
			fail_msg("%s: call %ld of %ld was never made", name, n, total);
		/* the load report's questions for ids are not fatal: a failure leaves the id 0 */
		if (!err && fault.failed_arg0 == BPF_OBJ_GET_INFO_BY_FD)
			informational++;
		if (err) {
			failures++;
			if (count_fds() != before)
				fail_msg(
					"%s: fault at call %ld (nr %ld, arg0 %ld): %d fds open after the "
					"failed load, %d before",
					name, n, fault.failed_nr, fault.failed_arg0, count_fds(),
					before);
		}
		ebpfmini_object_close(obj);
		clean_fsdir();
		if (count_fds() != before)
			fail_msg(
				"%s: fault at call %ld (nr %ld, arg0 %ld): %d fds open after close, "
				"%d before",
				name, n, fault.failed_nr, fault.failed_arg0, count_fds(), before);
	}
	print_message("%s: %ld kernel calls, a fault at %d of them failed the load\n", name, total,
		      failures);
	/* most faults must fail the load (only BTF and program loads have fallbacks) */
	assert_true(failures > (total - informational) / 2);
}

static void test_fault_at_each_call(void **state)
{
	(void)state;
	SKIP_UNLESS_ROOT();
	inject_every_call("load_basic");
	/* the kconfig phase reads (and inflates) the kernel config */
	if (access("/proc/config.gz", R_OK) == 0)
		inject_every_call("load_kconfig_sys");
}

static void test_fault_at_each_call_pinned(void **state)
{
	(void)state;
	SKIP_UNLESS_ROOT();
	need_bpffs();
	inject_every_call("load_pin");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_failing_loads),
		cmocka_unit_test(test_incompatible_pin),
		cmocka_unit_test(test_fault_at_each_call),
		cmocka_unit_test(test_fault_at_each_call_pinned),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
