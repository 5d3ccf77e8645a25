/* test_attach_usdt.c - USDT probes of this binary: arguments of several kinds read by usdt.bpf.h, semaphores, auto-attach, pid filter, errors */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "attach_util.h"
#include "usdt_probe.h"

#define N_CALLS 7

TEST_USDT_SEMAPHORE(ebpfmini_test, guarded);

/* four arguments: a signed int register, a long in memory, a constant, a char register */
__attribute__((noinline, used)) void fire_args(int a, long b, char d)
{
	volatile long mem = b;

	TEST_USDT(ebpfmini_test, args, "-4@%0 8@%1 -8@%2 -1@%3", "r"(a), "m"(mem), "n"(-7),
		  "q"(d));
}

__attribute__((noinline, used)) int fire_guarded(void)
{
	if (!TEST_USDT_SEMA(ebpfmini_test, guarded))
		return 0;
	TEST_USDT_S(ebpfmini_test, guarded, "");
	return 1;
}

static struct ebpfmini_object *load_usdt(void)
{
	return load_for_me(OBJ("attach_usdt"), NULL);
}

static long arg_of(struct ebpfmini_object *obj, int i)
{
	return ((volatile long *)var_ptr(obj, ".bss", "args"))[i];
}

/* explicit attach with a cookie: each kind of argument, its sign, count, cookie */
static void test_usdt_args(void **state)
{
	struct ebpfmini_object *obj = load_usdt();
	struct ebpfmini_program_attach_usdt_opts opts = { .sz = sizeof(opts), .usdt_cookie = 0xc0ffee };
	volatile uint64_t *hits = counter(obj, "hits");
	struct ebpfmini_link *link = NULL;
	int fds = count_fds();

	(void)state;
	assert_int_equal(ebpfmini_program_attach_usdt(prog_of(obj, "on_args"), 0, "/proc/self/exe",
						      "ebpfmini_test", "args", &opts, &link),
			 0);
	assert_string_equal(ebpfmini_link_target(link), "usdt /proc/self/exe:ebpfmini_test:args");
	assert_int_equal(ebpfmini_link_member_count(link), 1);
	for (int i = 1; i <= N_CALLS; i++)
		fire_args(-i, 0x123456789ll * i, (char)-i);
	assert_int_equal(*hits, N_CALLS);
	assert_int_equal(arg_of(obj, 0), -N_CALLS);
	assert_int_equal(arg_of(obj, 1), 0x123456789ll * N_CALLS);
	assert_int_equal(arg_of(obj, 2), -7);
	assert_int_equal(arg_of(obj, 3), -N_CALLS);
	assert_int_equal(*(volatile long *)var_ptr(obj, ".bss", "cnt"), 4);
	assert_int_equal(*(volatile long *)var_ptr(obj, ".bss", "cookie"), 0xc0ffee);
	assert_int_equal(*(volatile long *)var_ptr(obj, ".bss", "missing_err"), -ENOENT);
	ebpfmini_link_close(link);
	fire_args(1, 2, 3);
	assert_int_equal(*hits, N_CALLS);
	assert_int_equal(count_fds(), fds);

	/* the slot was given back: attaching again works */
	assert_int_equal(ebpfmini_program_attach_usdt(prog_of(obj, "on_args"), -1, "/proc/self/exe",
						      "ebpfmini_test", "args", NULL, &link),
			 0);
	fire_args(5, 6, 7);
	assert_int_equal(*hits, N_CALLS + 1);
	assert_int_equal(arg_of(obj, 3), 7);
	assert_int_equal(*(volatile long *)var_ptr(obj, ".bss", "cookie"), 0);
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
}

/* SEC("usdt//proc/self/exe:ebpfmini_test:guarded"): the kernel counts the semaphore while attached */
static void test_usdt_auto_semaphore(void **state)
{
	struct ebpfmini_object *obj = load_usdt();
	volatile uint64_t *hits = counter(obj, "auto_hits");
	struct ebpfmini_link *link = NULL;
	unsigned short sema;

	(void)state;
	assert_int_equal(TEST_USDT_SEMA(ebpfmini_test, guarded), 0);
	assert_int_equal(fire_guarded(), 0);
	assert_int_equal(ebpfmini_program_attach(prog_of(obj, "on_guarded"), &link), 0);
	sema = TEST_USDT_SEMA(ebpfmini_test, guarded);
	assert_true(sema > 0);
	for (int i = 0; i < N_CALLS; i++)
		assert_int_equal(fire_guarded(), 1);
	assert_int_equal(*hits, N_CALLS);
	ebpfmini_link_close(link);
	/* counted down again (6.18 counts a system-wide uprobe up twice and down once: not
	 * to 0, so only "less than while attached" is checked) */
	print_message("semaphore: %u while attached, %u after close\n", sema,
		      TEST_USDT_SEMA(ebpfmini_test, guarded));
	assert_true(TEST_USDT_SEMA(ebpfmini_test, guarded) < sema);
	fire_guarded();
	assert_int_equal(*hits, N_CALLS);
	ebpfmini_object_close(obj);
}

/* with the pid of another process, this one's probes do not run the program */
static void test_usdt_pid_filter(void **state)
{
	struct ebpfmini_object *obj = load_usdt();
	volatile uint64_t *hits = counter(obj, "hits");
	struct ebpfmini_link *link = NULL;
	pid_t child = fork();

	(void)state;
	assert_true(child >= 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	assert_int_equal(ebpfmini_program_attach_usdt(prog_of(obj, "on_args"), child,
						      "/proc/self/exe", "ebpfmini_test", "args",
						      NULL, &link),
			 0);
	assert_non_null(strstr(ebpfmini_link_target(link), " pid "));
	fire_args(1, 2, 3);
	assert_int_equal(*hits, 0);
	ebpfmini_link_close(link);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	assert_int_equal(ebpfmini_program_attach_usdt(prog_of(obj, "on_args"), getpid(),
						      "/proc/self/exe", "ebpfmini_test", "args",
						      NULL, &link),
			 0);
	fire_args(1, 2, 3);
	assert_int_equal(*hits, 1);
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
}

static void test_usdt_errors(void **state)
{
	struct ebpfmini_object *obj = load_usdt(), *up = load_for_me(OBJ("attach_uprobe"), NULL);
	struct ebpfmini_program *prog = prog_of(obj, "on_args");
	struct ebpfmini_link *link = (struct ebpfmini_link *)obj;
	int fds = count_fds();

	(void)state;
	assert_int_equal(ebpfmini_program_attach_usdt(prog, 0, "/proc/self/exe", "ebpfmini_test",
						      "nope", NULL, &link),
			 -ENOENT);
	assert_null(link);
	assert_true(log_captured("no USDT probe ebpfmini_test:nope"));
	assert_int_equal(ebpfmini_program_attach_usdt(prog, 0, "/nonexistent/bin", "p", "n", NULL,
						      &link),
			 -ENOENT);
	assert_true(log_captured("attach usdt '/nonexistent/bin:p:n': no such file"));
	/* a program without the spec map of usdt.bpf.h */
	assert_int_equal(ebpfmini_program_attach_usdt(prog_of(up, "on_target"), 0, "/proc/self/exe",
						      "ebpfmini_test", "args", NULL, &link),
			 -EINVAL);
	assert_true(log_captured("build the program with <ebpfmini/usdt.bpf.h>"));
	/* a bare "usdt" names no target */
	assert_int_equal(ebpfmini_program_attach(prog, &link), -EOPNOTSUPP);
	assert_int_equal(count_fds(), fds);
	ebpfmini_object_close(up);
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
		T(test_usdt_args),
		T(test_usdt_auto_semaphore),
		T(test_usdt_pid_filter),
		T(test_usdt_errors),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
