/* test_attach_uprobe.c - uprobes and uretprobes on this binary and on libc: PMU, tracefs fallback, pid filter, errors */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "attach_util.h"
#include "kuprobe.h"
#include "sys.h"

#define N_CALLS 25

/* The functions the uprobes hit: global, not inlined, so .symtab has them. */
__attribute__((noinline, used)) int uprobe_target(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 3;
}

__attribute__((noinline, used)) void uprobe_auto_target(void)
{
	__asm__ volatile("" ::: "memory");
}

static void call_target(int n)
{
	for (int i = 1; i <= n; i++)
		uprobe_target(i);
}

static struct ebpfmini_object *load_uprobes(void)
{
	return load_for_me(OBJ("attach_uprobe"), NULL);
}

/* explicit attach by symbol, with a cookie; the uretprobe sees the return values */
static void test_uprobe_symbol(void **state)
{
	struct ebpfmini_object *obj = load_uprobes();
	struct ebpfmini_program_attach_uprobe_opts opts = { .sz = sizeof(opts), .cookie = 0x1234 };
	struct ebpfmini_link *link = NULL, *ret = NULL;
	struct ebpfmini_link_info info = { .sz = sizeof(info) };
	volatile uint64_t *hits = counter(obj, "hits"), *sum = counter(obj, "arg_sum");
	volatile uint64_t *ret_hits = counter(obj, "ret_hits"), *ret_sum = counter(obj, "ret_sum");
	int fds = count_fds();
	uint64_t h;

	(void)state;
	assert_int_equal(ebpfmini_program_attach_uprobe(prog_of(obj, "on_target"), "/proc/self/exe",
							"uprobe_target", &opts, &link),
			 0);
	assert_string_equal(ebpfmini_link_target(link), "uprobe /proc/self/exe:uprobe_target");
	assert_int_equal(ebpfmini_link_info(link, &info), 0);
	assert_int_equal(info.type, BPF_LINK_TYPE_PERF_EVENT);
	opts.retprobe = true;
	opts.cookie = 0;
	assert_int_equal(ebpfmini_program_attach_uprobe(prog_of(obj, "on_target_ret"),
							"/proc/self/exe", "uprobe_target", &opts,
							&ret),
			 0);
	assert_string_equal(ebpfmini_link_target(ret), "uretprobe /proc/self/exe:uprobe_target");

	call_target(N_CALLS);
	assert_int_equal(*hits, N_CALLS);
	assert_int_equal(*sum, N_CALLS * (N_CALLS + 1) / 2);
	assert_int_equal(*counter(obj, "cookie"), 0x1234);
	assert_int_equal(*ret_hits, N_CALLS);
	assert_int_equal(*ret_sum, 3 * N_CALLS * (N_CALLS + 1) / 2);

	ebpfmini_link_close(link);
	ebpfmini_link_close(ret);
	h = *hits;
	call_target(N_CALLS);
	assert_int_equal(*hits, h);
	assert_int_equal(*ret_hits, N_CALLS);
	assert_int_equal(count_fds(), fds);
	ebpfmini_object_close(obj);
}

/* the file offset instead of a symbol: the same probe */
static void test_uprobe_offset(void **state)
{
	struct ebpfmini_object *obj = load_uprobes();
	struct ebpfmini_program_attach_uprobe_opts opts = { .sz = sizeof(opts) };
	struct ebpfmini_link *link = NULL;
	volatile uint64_t *hits = counter(obj, "hits");
	char want[128];

	(void)state;
	assert_int_equal(
		em_attach_uprobe_symbol_offset("/proc/self/exe", "uprobe_target", &opts.offset), 0);
	assert_true(opts.offset > 0);
	assert_int_equal(ebpfmini_program_attach_uprobe(prog_of(obj, "on_target"), "/proc/self/exe",
							NULL, &opts, &link),
			 0);
	snprintf(want, sizeof(want), "uprobe /proc/self/exe:0x%llx",
		 (unsigned long long)opts.offset);
	assert_string_equal(ebpfmini_link_target(link), want);
	call_target(N_CALLS);
	assert_int_equal(*hits, N_CALLS);
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
}

/* SEC("uprobe//proc/self/exe:uprobe_auto_target") and SEC("u[ret]probe/libc.so.6:getpid") */
static void test_uprobe_auto(void **state)
{
	struct ebpfmini_object *obj = load_uprobes();
	struct ebpfmini_link *self = NULL, *libc = NULL, *libc_ret = NULL;
	volatile uint64_t *hits = counter(obj, "auto_hits");
	volatile uint64_t *libc_hits = counter(obj, "libc_hits");
	volatile uint64_t *libc_ret_hits = counter(obj, "libc_ret_hits");
	pid_t me = getpid();

	(void)state;
	assert_int_equal(ebpfmini_program_attach(prog_of(obj, "on_auto_target"), &self), 0);
	for (int i = 0; i < N_CALLS; i++)
		uprobe_auto_target();
	assert_int_equal(*hits, N_CALLS);

	/* libc found by name on the library paths */
	assert_int_equal(ebpfmini_program_attach(prog_of(obj, "on_libc_getpid"), &libc), 0);
	assert_int_equal(ebpfmini_program_attach(prog_of(obj, "on_libc_getpid_ret"), &libc_ret), 0);
	assert_non_null(strstr(ebpfmini_link_target(libc), "/libc.so.6:getpid"));
	assert_true(ebpfmini_link_target(libc)[7] == '/'); /* "uprobe /...": a full path */
	for (int i = 0; i < N_CALLS; i++)
		assert_int_equal(getpid(), me);
	assert_int_equal(*libc_hits, N_CALLS);
	assert_int_equal(*libc_ret_hits, N_CALLS);
	assert_int_equal(*counter(obj, "libc_last_ret"), (uint64_t)me);
	ebpfmini_link_close(libc);
	ebpfmini_link_close(libc_ret);
	ebpfmini_link_close(self);
	getpid();
	assert_int_equal(*libc_hits, N_CALLS);
	ebpfmini_object_close(obj);
}

/* with a pid, only that process's calls run the program */
static void test_uprobe_pid_filter(void **state)
{
	struct ebpfmini_object *obj = load_uprobes();
	struct ebpfmini_program_attach_uprobe_opts opts = { .sz = sizeof(opts) };
	struct ebpfmini_link *link = NULL;
	volatile uint64_t *hits = counter(obj, "pid_hits");
	uint32_t *last = var_ptr(obj, ".bss", "pid_last_tgid");
	int go[2], status = 0;
	char c = 0;
	pid_t child;

	(void)state;
	assert_int_equal(pipe(go), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		call_target(7);
		_exit(0);
	}
	close(go[0]);
	opts.pid = child;
	assert_int_equal(ebpfmini_program_attach_uprobe(prog_of(obj, "on_target_pid"),
							"/proc/self/exe", "uprobe_target", &opts,
							&link),
			 0);
	assert_non_null(strstr(ebpfmini_link_target(link), " pid "));
	call_target(N_CALLS); /* not the child: not counted */
	assert_int_equal(*hits, 0);
	assert_int_equal(write(go[1], "g", 1), 1);
	close(go[1]);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(*hits, 7);
	assert_int_equal(*last, (uint32_t)child);
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
}

/* ---- without the uprobe PMU: tracefs uprobe_events, removed again on close ------------------- */

struct no_pmu {
	bool no_events_file; /* uprobe_events is missing too */
};

static long no_uprobe_pmu(void *ctx, struct em_sys_call *call)
{
	struct no_pmu *np = ctx;
	const char *path;

	if (call->nr == EM_SYS_READ_FILE) {
		path = (const char *)call->args[0];
		if (strncmp(path, "/sys/bus/event_source/devices/uprobe/", 37) == 0)
			return -ENOENT;
	}
	if (call->nr == SYS_openat && np->no_events_file) {
		path = (const char *)call->args[1];
		if (strstr(path, "/uprobe_events"))
			return -ENOENT;
	}
	return 0;
}

static bool uprobe_events_has(const char *text)
{
	char path[512];
	void *buf = NULL;
	bool yes;

	assert_int_equal(em_tracefs_path(path, sizeof(path), "uprobe_events"), 0);
	assert_int_equal(em_sys_read_file(path, 1 << 20, &buf, NULL), 0);
	yes = strstr(buf, text) != NULL;
	free(buf);
	return yes;
}

static void test_uprobe_tracefs(void **state)
{
	struct ebpfmini_object *obj = load_uprobes();
	struct ebpfmini_link *link = NULL;
	volatile uint64_t *hits = counter(obj, "legacy_hits");
	struct no_pmu np = { 0 };
	char reason[512], mine[64];
	int fds = count_fds(), err;

	(void)state;
	snprintf(mine, sizeof(mine), "_%d_", getpid());
	em_sys_set_hook_ex(no_uprobe_pmu, &np);
	err = ebpfmini_program_attach_uprobe(prog_of(obj, "on_target_legacy"), "/proc/self/exe",
					     "uprobe_target", NULL, &link);
	em_sys_set_hook_ex(NULL, NULL);
	assert_int_equal(err, 0);
	assert_true(log_captured("no uprobe PMU: using tracefs uprobe_events"));
	assert_true(uprobe_events_has("ebpfmini/p_exe_"));
	assert_true(uprobe_events_has(mine));
	call_target(N_CALLS);
	assert_int_equal(*hits, N_CALLS);
	ebpfmini_link_close(link);
	assert_false(uprobe_events_has(mine));
	call_target(N_CALLS);
	assert_int_equal(*hits, N_CALLS);
	assert_int_equal(count_fds(), fds);

	/* no PMU and no uprobe_events: the kernel has no uprobes */
	np.no_events_file = true;
	em_sys_set_hook_ex(no_uprobe_pmu, &np);
	err = ebpfmini_program_attach_uprobe(prog_of(obj, "on_target_legacy"), "/proc/self/exe",
					     "uprobe_target", NULL, &link);
	assert_int_equal(
		ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_UPROBES, reason, sizeof(reason)), 0);
	em_sys_set_hook_ex(NULL, NULL);
	assert_int_equal(err, -EOPNOTSUPP);
	assert_true(log_captured(EM_UPROBES_MISSING));
	assert_string_equal(reason, EM_UPROBES_MISSING);
	assert_int_equal(count_fds(), fds);
	ebpfmini_object_close(obj);
}

/* tracefs unmounted (in a private mount namespace) and no PMU: attach says how to mount it */
static void test_uprobe_no_tracefs(void **state)
{
	struct ebpfmini_object *obj = load_uprobes();
	int status = 0;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct ebpfmini_link *link = NULL;
		struct no_pmu np = { 0 };
		int err;

		if (unshare(CLONE_NEWNS) || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL))
			_exit(10);
		umount2("/sys/kernel/debug", MNT_DETACH);
		while (umount2("/sys/kernel/tracing", MNT_DETACH) == 0)
			;
		log_capture_reset();
		em_sys_set_hook_ex(no_uprobe_pmu, &np);
		err = ebpfmini_program_attach_uprobe(prog_of(obj, "on_target_legacy"),
						     "/proc/self/exe", "uprobe_target", NULL,
						     &link);
		em_sys_set_hook_ex(NULL, NULL);
		if (err != -ENODEV || link)
			_exit(11);
		if (!log_captured("no uprobe PMU (/sys/bus/event_source/devices/uprobe) and tracefs is "
			     "not mounted: mount -t tracefs tracefs /sys/kernel/tracing"))
			_exit(12);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	ebpfmini_object_close(obj);
}

static void test_uprobe_errors(void **state)
{
	struct ebpfmini_object *obj = load_uprobes();
	struct ebpfmini_program *prog = prog_of(obj, "on_target");
	struct ebpfmini_program_attach_uprobe_opts opts = { .sz = sizeof(opts) };
	struct ebpfmini_link *link = (struct ebpfmini_link *)obj;
	char text[] = "/tmp/ebpfmini-notelf-XXXXXX";
	int fds = count_fds(), fd;

	(void)state;
	assert_int_equal(
		ebpfmini_program_attach_uprobe(prog, "/nonexistent/bin", "main", NULL, &link),
		-ENOENT);
	assert_null(link);
	assert_true(log_captured("attach uprobe '/nonexistent/bin:main': no such file"));
	assert_int_equal(ebpfmini_program_attach_uprobe(prog, "/proc/self/exe",
							"ebpfmini_no_such_function", NULL, &link),
			 -ENOENT);
	assert_true(log_captured("no function of that name in .symtab or .dynsym"));
	assert_int_equal(
		ebpfmini_program_attach_uprobe(prog, "libebpfmini-nope.so.9", "f", NULL, &link),
		-ENOENT);
	assert_true(log_captured("no such library in LD_LIBRARY_PATH"));
	assert_int_equal(
		ebpfmini_program_attach_uprobe(prog, "ebpfmini-no-such-tool", "f", NULL, &link),
		-ENOENT);
	assert_true(log_captured("no such program in PATH"));

	fd = mkstemp(text);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "#!/bin/sh\necho\n", 15), 15);
	close(fd);
	assert_int_equal(ebpfmini_program_attach_uprobe(prog, text, "main", NULL, &link), -ENOEXEC);
	assert_true(log_captured("not an ELF executable or shared library"));
	unlink(text);

	opts.pid = -1;
	assert_int_equal(ebpfmini_program_attach_uprobe(prog, "/proc/self/exe", "uprobe_target",
							&opts, &link),
			 -EINVAL);
	opts.pid = 0;
	assert_int_equal(ebpfmini_program_attach_uprobe(prog, "/proc/self/exe", NULL, &opts, &link),
			 -EINVAL);
	assert_true(log_captured("neither a symbol nor a file offset"));
	/* an offset past the file's code: the kernel refuses it */
	opts.offset = 1ull << 40;
	assert_true(ebpfmini_program_attach_uprobe(prog, "/proc/self/exe", NULL, &opts, &link) < 0);
	assert_null(link);
	/* a bare "uprobe" names no target */
	assert_int_equal(ebpfmini_program_attach(prog, &link), -EOPNOTSUPP);
	assert_int_equal(count_fds(), fds);
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
		T(test_uprobe_symbol),     T(test_uprobe_offset),  T(test_uprobe_auto),
		T(test_uprobe_pid_filter), T(test_uprobe_tracefs), T(test_uprobe_no_tracefs),
		T(test_uprobe_errors),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
