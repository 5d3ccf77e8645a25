/* test_probe_running.c - the feature probes (ebpfmini_sys_probe_*) against what the running kernel really does */
#include <errno.h>
#include <fcntl.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "attach_util.h"
#include "feature.h"
#include "kuprobe.h"
#include "sys.h"
#include "uapi_compat.h"

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* kernel version as major * 1000 + minor */
static int kernel_version(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	assert_int_equal(uname(&u), 0);
	assert_int_equal(sscanf(u.release, "%d.%d", &major, &minor), 2);
	return major * 1000 + minor;
}

static void test_prog_types(void **state)
{
	char reason[512];

	(void)state;
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_XDP), 1);
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_SOCKET_FILTER), 1);
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_TRACEPOINT), 1);
	/* kprobe programs load even where the kernel has no kprobes to attach them to */
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_KPROBE), 1);
	if (!exists("/sys/bus/event_source/devices/kprobe/type"))
		assert_int_equal(ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_KPROBES, reason,
							    sizeof(reason)) == 1,
				 exists("/sys/kernel/tracing/kprobe_events"));
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_UNSPEC), 0);
	assert_int_equal(ebpfmini_sys_probe_prog_type(9999), 0);
	/* a tracing program that needs no trampoline: an iterator */
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_TRACING),
			 exists("/sys/kernel/btf/vmlinux"));
	/* every type of this kernel answers yes or no, none errs */
	for (uint32_t t = 1; t < EM_BPF_PROG_TYPE_COUNT; t++) {
		int v = ebpfmini_sys_probe_prog_type(t);

		if (v != 0 && v != 1)
			fail_msg("prog type %u (%s): %d", t, ebpfmini_sys_prog_type_name(t), v);
		if (!v)
			print_message("note: %s: no\n", ebpfmini_sys_prog_type_name(t));
	}
	if (kernel_version() >= 6004)
		assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_NETFILTER), 1);
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_EXT), 1);
}

/* lsm programs: what the probe says is what loading one does */
static void test_prog_type_lsm_is_real(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_program *p = NULL;
	int err;

	(void)state;
	if (!exists("/sys/kernel/btf/vmlinux")) {
		print_message("skipped: no kernel BTF\n");
		skip();
	}
	obj = open_obj(OBJ("attach_tramp"));
	while ((p = ebpfmini_object_next_program(obj, p)))
		ebpfmini_program_set_autoload(
			p, strcmp(ebpfmini_program_name(p), "on_lsm_file_open") == 0);
	err = ebpfmini_object_load(obj);
	ebpfmini_object_close(obj);
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_LSM), err == 0);
}

static void test_map_types(void **state)
{
	(void)state;
	assert_int_equal(ebpfmini_sys_probe_map_type(BPF_MAP_TYPE_HASH), 1);
	assert_int_equal(ebpfmini_sys_probe_map_type(BPF_MAP_TYPE_ARRAY), 1);
	assert_int_equal(ebpfmini_sys_probe_map_type(BPF_MAP_TYPE_RINGBUF), 1);
	assert_int_equal(ebpfmini_sys_probe_map_type(BPF_MAP_TYPE_LPM_TRIE), 1);
	assert_int_equal(ebpfmini_sys_probe_map_type(BPF_MAP_TYPE_HASH_OF_MAPS), 1);
	assert_int_equal(ebpfmini_sys_probe_map_type(BPF_MAP_TYPE_TASK_STORAGE),
			 exists("/sys/kernel/btf/vmlinux"));
	assert_int_equal(ebpfmini_sys_probe_map_type(BPF_MAP_TYPE_UNSPEC), 0);
	assert_int_equal(ebpfmini_sys_probe_map_type(9999), 0);
	for (uint32_t t = 1; t < EM_BPF_MAP_TYPE_COUNT; t++) {
		int v = ebpfmini_sys_probe_map_type(t);

		if (v != 0 && v != 1)
			fail_msg("map type %u (%s): %d", t, ebpfmini_sys_map_type_name(t), v);
		if (!v)
			print_message("note: %s: no\n", ebpfmini_sys_map_type_name(t));
	}
}

static void test_helpers(void **state)
{
	(void)state;
	assert_int_equal(ebpfmini_sys_probe_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_map_lookup_elem), 1);
	assert_int_equal(
		ebpfmini_sys_probe_helper(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_get_current_pid_tgid),
		1);
	/* kprobe-only and skb helpers are not for XDP */
	assert_int_equal(ebpfmini_sys_probe_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_override_return), 0);
	assert_int_equal(ebpfmini_sys_probe_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_skb_load_bytes), 0);
	/* an id no kernel has */
	assert_int_equal(ebpfmini_sys_probe_helper(BPF_PROG_TYPE_XDP, 100000), 0);
	assert_int_equal(ebpfmini_sys_probe_helper(BPF_PROG_TYPE_XDP, 0), 0);
	/* a type that does not load cannot be asked */
	assert_int_equal(ebpfmini_sys_probe_helper(9999, BPF_FUNC_map_lookup_elem), -EOPNOTSUPP);
	/* the answers are the verifier's: a program calling a "no" helper does not load */
	assert_int_equal(
		ebpfmini_sys_probe_helper(BPF_PROG_TYPE_SOCKET_FILTER, BPF_FUNC_xdp_adjust_head),
		0);
}

static void test_attach_types(void **state)
{
	(void)state;
	assert_int_equal(ebpfmini_sys_probe_attach_type(BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
							BPF_CGROUP_INET4_CONNECT),
			 1);
	/* the kernel checks the pairing for sock_addr programs */
	assert_int_equal(ebpfmini_sys_probe_attach_type(BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
							BPF_CGROUP_INET_INGRESS),
			 0);
	assert_int_equal(ebpfmini_sys_probe_attach_type(BPF_PROG_TYPE_XDP, 9999), 0);
	assert_int_equal(ebpfmini_sys_probe_attach_type(BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER),
			 exists("/sys/kernel/btf/vmlinux"));
	assert_int_equal(ebpfmini_sys_probe_attach_type(BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP),
			 exists("/sys/kernel/btf/vmlinux"));
	assert_int_equal(ebpfmini_sys_probe_attach_type(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY),
			 ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TRAMPOLINES, NULL, 0));
	if (kernel_version() >= 6006)
		assert_int_equal(
			ebpfmini_sys_probe_attach_type(BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_INGRESS),
			1);
}

/* every feature against the files and loads that decide it */
static void test_features(void **state)
{
	char reason[512];
	struct statfs sfs;
	int v;

	(void)state;
	v = ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_KPROBES, reason, sizeof(reason));
	assert_int_equal(v, exists("/sys/bus/event_source/devices/kprobe/type") ||
				    exists("/sys/kernel/tracing/kprobe_events"));
	if (!v)
		assert_string_equal(reason, EM_KPROBES_MISSING);
	print_message("note: kprobes: %s\n", reason);

	v = ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_UPROBES, reason, sizeof(reason));
	assert_int_equal(v, exists("/sys/bus/event_source/devices/uprobe/type") ||
				    exists("/sys/kernel/tracing/uprobe_events"));
	assert_int_equal(
		ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TRACEFS, reason, sizeof(reason)),
		1); /* mounted by the group setup */
	assert_non_null(strstr(reason, "tracefs is mounted at /sys/kernel/"));
	v = ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_BPFFS, reason, sizeof(reason));
	assert_int_equal(v, statfs("/sys/fs/bpf", &sfs) == 0 && sfs.f_type == 0xcafe4a11);
	assert_int_equal(
		ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_KERNEL_BTF, reason, sizeof(reason)),
		exists("/sys/kernel/btf/vmlinux"));
	assert_int_equal(
		ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_PERF_LINK, reason, sizeof(reason)),
		kernel_version() >= 5015);
	assert_int_equal(ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TCX, reason, sizeof(reason)),
			 kernel_version() >= 6006);
	assert_int_equal(
		ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_NETFILTER_LINK, reason, sizeof(reason)),
		ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_NETFILTER));

	assert_int_equal(ebpfmini_sys_probe_feature(0, reason, sizeof(reason)), -EINVAL);
	assert_int_equal(ebpfmini_sys_probe_feature(999, reason, sizeof(reason)), -EINVAL);
	assert_string_equal(reason, "unknown feature 999");
	assert_string_equal(ebpfmini_sys_feature_name(EBPFMINI_FEATURE_TRAMPOLINES),
			    "BPF trampolines");
	assert_null(ebpfmini_sys_feature_name(999));
	/* reason may be NULL */
	assert_int_equal(ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_UPROBES, NULL, 0), 1);
}

/* trampolines: the probe's answer is what loading an fentry program does */
static void test_trampolines_are_real(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_program *p = NULL;
	char reason[512];
	int v, err;

	(void)state;
	v = ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TRAMPOLINES, reason, sizeof(reason));
	print_message("note: trampolines: %d: %s\n", v, reason);
	if (!exists("/sys/kernel/btf/vmlinux")) {
		assert_int_equal(v, 0);
		return;
	}
	obj = open_obj(OBJ("attach_tramp"));
	while ((p = ebpfmini_object_next_program(obj, p)))
		ebpfmini_program_set_autoload(
			p, strcmp(ebpfmini_program_name(p), "on_unlink_entry") == 0);
	err = ebpfmini_object_load(obj);
	ebpfmini_object_close(obj);
	if (err == -EPERM) {
		assert_int_equal(v, 0);
		assert_non_null(strstr(reason, "kernel lockdown ("));
		assert_non_null(strstr(reason, ") forbids BPF trampolines"));
		if (!exists("/sys/kernel/security/lockdown"))
			assert_int_equal(
				strncmp(reason,
					"kernel lockdown (integrity) forbids BPF trampolines", 51),
				0);
	} else if (err == 0) {
		assert_int_equal(v, 1);
	}
	/* lsm programs run on trampolines too */
	if (v == 0)
		assert_int_equal(ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_BPF_LSM, reason,
							    sizeof(reason)),
				 0);
}

/* answers about the kernel are cached: the second question makes no bpf() call */
static long count_bpf(void *ctx, long nr, long arg0, void *arg1)
{
	(void)arg0;
	(void)arg1;
	if (nr == SYS_bpf)
		(*(int *)ctx)++;
	return 0;
}

static void test_cache(void **state)
{
	int calls = 0;

	(void)state;
	em_feature_reset();
	em_feature_probe_reset();
	em_sys_set_hook(count_bpf, &calls);
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_XDP), 1);
	assert_int_equal(ebpfmini_sys_probe_map_type(BPF_MAP_TYPE_HASH), 1);
	assert_int_equal(ebpfmini_sys_probe_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_ktime_get_ns), 1);
	assert_int_equal(ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_PERF_LINK, NULL, 0), 1);
	assert_true(calls >= 4);
	calls = 0;
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_XDP), 1);
	assert_int_equal(ebpfmini_sys_probe_map_type(BPF_MAP_TYPE_HASH), 1);
	assert_int_equal(ebpfmini_sys_probe_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_ktime_get_ns), 1);
	assert_int_equal(ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_PERF_LINK, NULL, 0), 1);
	em_sys_set_hook(NULL, NULL);
	assert_int_equal(calls, 0);
}

/* mounts are looked at on each call: tracefs and bpffs hidden in a private mount namespace */
static void test_mounts_missing(void **state)
{
	int status = 0;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char reason[512];

		if (unshare(CLONE_NEWNS) || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL))
			_exit(10);
		umount2("/sys/kernel/debug", MNT_DETACH);
		while (umount2("/sys/kernel/tracing", MNT_DETACH) == 0)
			;
		while (umount2("/sys/fs/bpf", MNT_DETACH) == 0)
			;
		if (ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TRACEFS, reason, sizeof(reason)) !=
			    0 ||
		    strcmp(reason, EM_TRACEFS_MOUNT_HINT) != 0)
			_exit(11);
		if (ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_BPFFS, reason, sizeof(reason)) !=
			    0 ||
		    !strstr(reason, "mount -t bpf bpf /sys/fs/bpf"))
			_exit(12);
		if (!exists("/sys/bus/event_source/devices/kprobe/type") &&
		    (ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_KPROBES, reason, sizeof(reason)) !=
			     0 ||
		     !strstr(reason, "tracefs is not mounted")))
			_exit(13);
		/* the uprobe PMU needs no tracefs */
		if (ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_UPROBES, reason, sizeof(reason)) !=
		    exists("/sys/bus/event_source/devices/uprobe/type"))
			_exit(14);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* a program type the kernel rejects: the probe says no and the load fails, naming the program */
static void test_rejected_type(void **state)
{
	struct ebpfmini_object *obj = open_obj(OBJ("attach_perf"));
	int err;

	(void)state;
	assert_int_equal(ebpfmini_sys_probe_prog_type(EM_BPF_PROG_TYPE_COUNT + 50), 0);
	assert_int_equal(
		ebpfmini_program_set_type(prog_of(obj, "on_sample"), EM_BPF_PROG_TYPE_COUNT + 50),
		0);
	err = ebpfmini_object_load(obj);
	assert_int_equal(err, -EINVAL);
	assert_true(log_captured("prog 'on_sample'"));
	ebpfmini_object_close(obj);
}

static int group_setup(void **state)
{
	(void)state;
	attach_group_setup();
	return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, attach_test_setup, attach_test_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_prog_types),
		T(test_prog_type_lsm_is_real),
		T(test_map_types),
		T(test_helpers),
		T(test_attach_types),
		T(test_features),
		T(test_trampolines_are_real),
		T(test_cache),
		T(test_mounts_missing),
		T(test_rejected_type),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
