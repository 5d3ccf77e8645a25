/* test_ksym.c - kfuncs, ksyms and BTF attach targets (tp_btf, iter, trampolines) against the running kernel (kernel tests) */
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>

#include "kbtf.h" /* em_btf_vmlinux_get: which kfuncs the kernel has */
#include "load_util.h"

#define KSYM_OBJ OBJ("load_ksym")
#define TARGETS_OBJ OBJ("load_btf_targets")

/* Call src_reg values of <linux/bpf.h>; the poison base of load_extern.c. */
#define KFUNC_POISON_BASE 0xbad3000

static void skip_without_btf(void)
{
	SKIP_UNLESS_ROOT();
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		print_message("skipped: /sys/kernel/btf/vmlinux: kernel without BTF "
			      "(CONFIG_DEBUG_INFO_BTF)\n");
		skip();
	}
}

/* Open path with only the named program loaded. */
static struct ebpfmini_object *open_only(const char *path, const char *prog_name,
					 const struct ebpfmini_object_open_opts *opts)
{
	struct ebpfmini_object *obj = NULL;
	struct ebpfmini_program *p = NULL;
	int err = ebpfmini_object_open(path, opts, &obj);

	if (err)
		fail_msg("open %s: %s", path, strerror(-err));
	while ((p = ebpfmini_object_next_program(obj, p)))
		assert_int_equal(
			ebpfmini_program_set_autoload(p, strcmp(ebpfmini_program_name(p), prog_name) == 0),
			0);
	return obj;
}

/* The address /proc/kallsyms gives name, 0 when absent. */
static uint64_t kallsyms_addr(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], sym[256], type;
	unsigned long long addr;
	uint64_t found = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) == 3 && strcmp(sym, name) == 0) {
			found = addr;
			break;
		}
	}
	fclose(f);
	return found;
}

/*
 * Skip unless the kernel has the kfuncs use_ksyms calls without __weak (its
 * BTF has a function of each name), and shows kallsyms addresses (use_ksyms
 * reads _stext's; kernel.kptr_restrict may hide them).
 */
static void skip_without_kfuncs_and_kallsyms(void)
{
	static const char *const kfuncs[] = { "bpf_task_from_pid", "bpf_task_release",
					       "bpf_rcu_read_lock", "bpf_rcu_read_unlock" };
	const struct ebpfmini_btf *btf;

	assert_int_equal(em_btf_vmlinux_get(NULL, &btf), 0);
	for (size_t i = 0; i < sizeof(kfuncs) / sizeof(kfuncs[0]); i++) {
		if (em_btf_find(btf, kfuncs[i], BTF_KIND_FUNC) <= 0) {
			print_message("skipped: the kernel has no kfunc %s (its BTF has no such "
				      "function)\n",
				      kfuncs[i]);
			skip();
		}
	}
	if (kallsyms_addr("_stext") == 0) {
		print_message("skipped: /proc/kallsyms shows no addresses (kernel.kptr_restrict): "
			      "typeless ksyms cannot be resolved\n");
		skip();
	}
}

static void run_syscall_prog(struct ebpfmini_program *prog)
{
	struct ebpfmini_program_test_run_opts opts = { .sz = sizeof(opts) };
	int err = ebpfmini_program_test_run(prog, &opts);

	if (err)
		fail_msg("test_run '%s': %s", ebpfmini_program_name(prog), strerror(-err));
	assert_int_equal(opts.retval, 0);
}

/* kfuncs (with a trusted pointer read), typeless ksyms, and __weak ones the kernel lacks. */
static void test_kfuncs_and_ksyms(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_program *prog;
	const struct bpf_insn *insns;
	int fds = count_fds(), kfunc_calls = 0, poisoned = 0, btf_id_loads = 0, err;
	uint64_t stext;

	(void)state;
	skip_without_btf();
	skip_without_kfuncs_and_kallsyms();
	obj = open_only(KSYM_OBJ, "use_ksyms", NULL);
	*(int *)var_ptr(obj, ".bss", "pid_in") = getpid();
	log_capture_start(EBPFMINI_LOG_DEBUG);
	err = ebpfmini_object_load(obj);
	log_capture_stop();
	if (err)
		fail_msg("load: %s\n%s", strerror(-err), logcap.text);
	/* the weak ones are reported, not refused */
	assert_true(log_captured("extern 'ebpfmini_no_such_kfunc': the kernel has no such function: "
			    "__weak"));
	prog = prog_of(obj, "use_ksyms");
	insns = ebpfmini_program_insns(prog);
	assert_non_null(insns);
	for (size_t i = 0; i < ebpfmini_program_insn_count(prog); i++) {
		btf_id_loads += insns[i].code == (BPF_LD | BPF_IMM | BPF_DW) &&
				insns[i].src_reg == BPF_PSEUDO_BTF_ID;
		if (insns[i].code != (BPF_JMP | BPF_CALL))
			continue;
		kfunc_calls += insns[i].src_reg == BPF_PSEUDO_KFUNC_CALL;
		poisoned += insns[i].src_reg == 0 && insns[i].imm >= KFUNC_POISON_BASE &&
			    insns[i].imm < KFUNC_POISON_BASE + 64;
	}
	assert_int_equal(kfunc_calls, 4); /* from_pid, release, rcu lock and unlock */
	assert_int_equal(poisoned, 1);    /* the dead call of the missing kfunc */
	assert_int_equal(btf_id_loads, 1); /* bpf_ksym_exists(bpf_task_acquire) */

	run_syscall_prog(prog);
	assert_int_equal(*(int *)var_ptr(obj, ".data", "tgid_out"), getpid());
	assert_int_equal(*(int *)var_ptr(obj, ".bss", "found_task"), 1);
	assert_int_equal(*(int *)var_ptr(obj, ".data", "has_missing_kfunc"), 0);
	assert_int_equal(*(int *)var_ptr(obj, ".data", "has_task_acquire"), 1);
	assert_int_equal(*(int *)var_ptr(obj, ".data", "has_missing_var"), 0);
	assert_int_equal(*(uint64_t *)var_ptr(obj, ".data", "missing_symbol_addr"), 0);
	stext = kallsyms_addr("_stext");
	assert_int_not_equal(stext, 0);
	assert_int_equal(*(uint64_t *)var_ptr(obj, ".bss", "stext_addr"), stext);
	ebpfmini_object_close(obj);
	assert_int_equal(count_fds(), fds);
}

/*
 * Typed ksyms of per-CPU variables: resolved from kernel BTF, then the
 * verifier looks the address up by name, which needs data symbols in
 * kallsyms (CONFIG_KALLSYMS_ALL).
 */
static void test_typed_percpu_ksyms(void **state)
{
	struct ebpfmini_object *obj;
	int err;

	(void)state;
	skip_without_btf();
	/* the object's externs are resolved together, those of use_ksyms too */
	skip_without_kfuncs_and_kallsyms();
	obj = open_only(KSYM_OBJ, "use_percpu_vars", NULL);
	log_capture_start(EBPFMINI_LOG_DEBUG);
	err = ebpfmini_object_load(obj);
	log_capture_stop();
	/* resolution itself worked: the kernel's BTF has both variables */
	if (!log_captured("extern 'runqueues': variable [") ||
	    !log_captured("extern 'bpf_prog_active': variable ["))
		fail_msg("per-CPU ksyms not resolved (load: %s):\n%s", strerror(-err), logcap.text);
	if (err == -ENOENT && log_captured("failed to find the address for kernel symbol")) {
		ebpfmini_object_close(obj);
		print_message("skipped: kernel without CONFIG_KALLSYMS_ALL: the verifier cannot "
			      "find the address of per-CPU variables\n");
		skip();
	}
	if (err)
		fail_msg("load: %s\n%s", strerror(-err), logcap.text);
	run_syscall_prog(prog_of(obj, "use_percpu_vars"));
	assert_int_equal(*(int *)var_ptr(obj, ".bss", "rq_ok"), 1);
	assert_int_equal(*(int *)var_ptr(obj, ".bss", "prog_active_ok"), 1);
	ebpfmini_object_close(obj);
}

/* iter/task gets attach_btf_id of bpf_iter_task: create the iterator and read it. */
static void test_iter_task(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_program *prog;
	char buf[4096];
	int link, iter, err;
	ssize_t n;

	(void)state;
	skip_without_btf();
	obj = open_only(TARGETS_OBJ, "count_tasks", NULL);
	err = ebpfmini_object_load(obj);
	assert_int_equal(err, 0);
	prog = prog_of(obj, "count_tasks");
	link = ebpfmini_sys_link_create(ebpfmini_program_fd(prog), 0, BPF_TRACE_ITER, NULL);
	if (link < 0)
		fail_msg("BPF_LINK_CREATE (iter/task): %s", strerror(-link));
	iter = ebpfmini_sys_iter_create(link, 0);
	assert_true(iter >= 0);
	while ((n = read(iter, buf, sizeof(buf))) > 0)
		;
	assert_int_equal(n, 0);
	close(iter);
	close(link);
	/* every task of the system was visited, this process among them */
	assert_true(*(int *)var_ptr(obj, ".bss", "tasks_seen") > 1);
	assert_true(*(int *)var_ptr(obj, ".bss", "max_pid") >= getpid());
	ebpfmini_object_close(obj);
}

/* tp_btf/sys_enter gets the typedef btf_trace_sys_enter: attach it and count getpid(). */
static void test_tp_btf(void **state)
{
	struct ebpfmini_object *obj;
	int link, *calls;

	(void)state;
	skip_without_btf();
	obj = open_only(TARGETS_OBJ, "on_sys_enter", NULL);
	assert_int_equal(ebpfmini_object_load(obj), 0);
	*(int *)var_ptr(obj, ".bss", "target_tgid") = getpid();
	link = ebpfmini_sys_raw_tracepoint_open(NULL, ebpfmini_program_fd(prog_of(obj, "on_sys_enter")));
	if (link < 0)
		fail_msg("BPF_RAW_TRACEPOINT_OPEN (tp_btf): %s", strerror(-link));
	for (int i = 0; i < 3; i++)
		syscall(SYS_getpid);
	close(link);
	calls = var_ptr(obj, ".bss", "getpid_calls");
	assert_true(*calls >= 3);
	ebpfmini_object_close(obj);
}

/* fentry, fexit and lsm resolve their targets; under lockdown the kernel refuses them. */
static void check_trampoline(const char *prog_name, const char *sec)
{
	struct ebpfmini_object *obj = open_only(TARGETS_OBJ, prog_name, NULL);
	int fds = count_fds(), err;

	log_capture_start(EBPFMINI_LOG_DEBUG);
	err = ebpfmini_object_load(obj);
	log_capture_stop();
	if (err == 0) {
		print_message("note: '%s' loaded: this kernel allows BPF trampolines (no lockdown)\n",
			      sec);
		assert_true(ebpfmini_program_fd(prog_of(obj, prog_name)) >= 3);
	} else {
		assert_int_equal(err, -EPERM);
		assert_true(log_captured("kernel lockdown ("));
		assert_true(log_captured(") forbids BPF trampolines"));
		assert_true(log_captured(sec));
		if (access("/sys/kernel/security/lockdown", R_OK) != 0)
			assert_true(log_captured("kernel lockdown (integrity) forbids BPF trampolines"));
	}
	ebpfmini_object_close(obj);
	assert_true(count_fds() <= fds);
}

static void test_trampolines(void **state)
{
	(void)state;
	skip_without_btf();
	check_trampoline("on_unlink", "fentry/do_unlinkat");
	check_trampoline("after_unlink", "fexit/do_unlinkat");
	check_trampoline("check_open", "lsm/file_open");
}

static void test_missing_target_and_freplace(void **state)
{
	struct ebpfmini_object *obj;
	int fds, err;

	(void)state;
	skip_without_btf();
	fds = count_fds();
	obj = open_only(TARGETS_OBJ, "no_target", NULL);
	log_capture_start(EBPFMINI_LOG_DEBUG);
	err = ebpfmini_object_load(obj);
	log_capture_stop();
	assert_int_equal(err, -ENOENT);
	assert_true(log_captured("prog 'no_target': attach target 'ebpfmini_no_such_function': the "
			    "kernel has no function 'ebpfmini_no_such_function'"));
	ebpfmini_object_close(obj);

	obj = open_only(TARGETS_OBJ, "replacement", NULL);
	log_capture_start(EBPFMINI_LOG_DEBUG);
	err = ebpfmini_object_load(obj);
	log_capture_stop();
	assert_int_equal(err, -EINVAL);
	assert_true(log_captured("prog 'replacement': section 'freplace/some_function': freplace "
				 "replaces a function of a loaded BPF program: give that program"));
	ebpfmini_object_close(obj);
	assert_int_equal(count_fds(), fds);
}

/* btf_custom_path: the kernel's own file named explicitly works; a missing file fails. */
static void test_btf_custom_path(void **state)
{
	struct ebpfmini_object_open_opts opts = { .sz = sizeof(opts) };
	struct ebpfmini_object *obj;
	int err;

	(void)state;
	skip_without_btf();
	opts.btf_custom_path = "/sys/kernel/btf/vmlinux";
	obj = open_only(TARGETS_OBJ, "count_tasks", &opts);
	assert_int_equal(ebpfmini_object_load(obj), 0);
	ebpfmini_object_close(obj);

	opts.btf_custom_path = "/nonexistent/ebpfmini/vmlinux";
	obj = open_only(TARGETS_OBJ, "count_tasks", &opts);
	log_capture_start(EBPFMINI_LOG_DEBUG);
	err = ebpfmini_object_load(obj);
	log_capture_stop();
	assert_int_equal(err, -ENOENT);
	assert_true(log_captured("/nonexistent/ebpfmini/vmlinux"));
	ebpfmini_object_close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kfuncs_and_ksyms),
		cmocka_unit_test(test_typed_percpu_ksyms),
		cmocka_unit_test(test_iter_task),
		cmocka_unit_test(test_tp_btf),
		cmocka_unit_test(test_trampolines),
		cmocka_unit_test(test_missing_target_and_freplace),
		cmocka_unit_test(test_btf_custom_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
