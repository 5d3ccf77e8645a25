/* test_core_e2e.c - CO-RE objects loaded, attached to a tracepoint and checked against what user space knows (kernel tests) */
#include <errno.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>

#include "load_util.h"

/* The result record both objects fill (core_e2e.bpf.c, core_vmlinux.bpf.c). */
struct core_result {
	int pid, tgid, ppid, pid_via_flavor;
	int has_pid, has_made_up, has_task_struct;
	int hits;
	char comm[16];
};

static char skip_reason[160];

/*
 * A private mount namespace, so that mounting tracefs (when the machine has
 * not) leaves nothing behind.
 */
static int group_setup(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		snprintf(skip_reason, sizeof(skip_reason), "needs root (CAP_BPF, CAP_PERFMON)");
		return 0;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "/sys/kernel/btf/vmlinux: kernel without BTF (CONFIG_DEBUG_INFO_BTF)");
		return 0;
	}
	if (unshare(CLONE_NEWNS) || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		snprintf(skip_reason, sizeof(skip_reason), "cannot make a private mount namespace");
		return 0;
	}
	if (access("/sys/kernel/tracing/events", R_OK) != 0 &&
	    mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) != 0)
		snprintf(skip_reason, sizeof(skip_reason),
			 "tracefs is not mounted and cannot be: the kernel lacks CONFIG_TRACING?");
	return 0;
}

static void skip_if_needed(void)
{
	if (skip_reason[0]) {
		print_message("skipped: %s\n", skip_reason);
		skip();
	}
}

/* /proc/self/comm without its newline. */
static void own_comm(char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/comm", "r");

	assert_non_null(f);
	assert_non_null(fgets(buf, (int)size, f));
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

/* Open, configure (.rodata), load, attach by SEC name, trigger, and check every value. */
static void run_and_check(const char *path, const char *prog_name)
{
	struct ebpfmini_object *obj = open_obj(path);
	struct ebpfmini_link *link = NULL;
	const struct core_result *r;
	char comm[32];
	int fds = count_fds(), err;

	*(int *)var_ptr(obj, ".rodata", "target_tgid") = getpid();
	log_capture_start(EBPFMINI_LOG_DEBUG);
	err = ebpfmini_object_load(obj);
	log_capture_stop();
	if (err)
		fail_msg("load %s: %s\n%s", path, strerror(-err), logcap.text);
	/* the made-up field is reported missing, not refused */
	err = ebpfmini_program_attach(prog_of(obj, prog_name), &link);
	if (err)
		fail_msg("attach '%s': %s", prog_name, strerror(-err));
	for (int i = 0; i < 3; i++)
		syscall(SYS_getpid);
	ebpfmini_link_close(link);

	r = var_ptr(obj, ".bss", "result");
	own_comm(comm, sizeof(comm));
	assert_true(r->hits >= 3);
	assert_int_equal(r->tgid, getpid());
	assert_int_equal(r->pid, (int)syscall(SYS_gettid));
	assert_int_equal(r->ppid, getppid());
	assert_int_equal(r->pid_via_flavor, r->pid);
	assert_string_equal(r->comm, comm);
	assert_int_equal(r->has_pid, 1);
	assert_int_equal(r->has_made_up, 0); /* no kernel has ebpfmini_made_up_field */
	assert_int_equal(r->has_task_struct, 1);
	ebpfmini_object_close(obj);
	assert_int_equal(count_fds(), fds);
}

/* Types written by hand (only the fields read, a ___flavor with a made-up field). */
static void test_core_by_hand(void **state)
{
	(void)state;
	skip_if_needed();
	run_and_check(OBJ("core_e2e"), "read_task");
}

/*
 * The modern way: every kernel type from the vmlinux.h that ebpfmini's own
 * BTF-to-C dump made of this kernel at build time (tests/bpf/meson.build).
 */
static void test_core_vmlinux_h(void **state)
{
	struct ebpfmini_object *obj;
	bool has_prog;

	(void)state;
	skip_if_needed();
	obj = open_obj(OBJ("core_vmlinux"));
	has_prog = ebpfmini_object_find_program(obj, "read_task") != NULL;
	ebpfmini_object_close(obj);
	if (!has_prog) {
		print_message("skipped: the build machine's kernel had no BTF to make vmlinux.h "
			      "from (CONFIG_DEBUG_INFO_BTF)\n");
		skip();
	}
	run_and_check(OBJ("core_vmlinux"), "read_task");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core_by_hand),
		cmocka_unit_test(test_core_vmlinux_h),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
