/* test_exhaustion.c - loads that run out of fds, are interrupted by signals, or get ENOMEM from the kernel: clean errors, nothing leaked */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include "load_util.h"
#include "sys.h" /* private: em_sys_set_hook for fault injection */

/* Highest fd open now (the next ones are handed out above it, lowest first). */
static int highest_fd(void)
{
	int hi = 2;

	for (int fd = 3; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			hi = fd;
	return hi;
}

/*
 * RLIMIT_NOFILE reached in the middle of a load: for each budget of new fds
 * from 0 up, the load either succeeds or fails (-EMFILE from the kernel or
 * from an open), and after close no fd is left behind.
 */
static void test_nofile_mid_load(void **state)
{
	struct rlimit old, lim;
	int base, emfile = 0, loaded_at = -1;

	(void)state;
	SKIP_UNLESS_ROOT();
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	base = count_fds();
	for (int k = 0; k < 64 && loaded_at < 0; k++) {
		struct ebpfmini_object *obj = open_obj(OBJ("load_basic"));
		int err;

		lim = old;
		lim.rlim_cur = (rlim_t)(highest_fd() + 1 + k);
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &lim), 0);
		log_capture_start(EBPFMINI_LOG_ERROR);
		err = ebpfmini_object_load(obj);
		log_capture_stop();
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
		if (err == 0)
			loaded_at = k;
		else if (err == -EMFILE)
			emfile++;
		else
			fail_msg("budget of %d fds: load failed with %d, not -EMFILE", k, err);
		ebpfmini_object_close(obj);
		assert_int_equal(count_fds(), base);
	}
	print_message("load_basic: -EMFILE with up to %d new fds, loaded with %d\n", loaded_at - 1,
		      loaded_at);
	assert_true(emfile > 0);
	assert_true(loaded_at > 0);
}

/*
 * Signals (a 1 ms interval timer, handler without SA_RESTART) during loads:
 * each load succeeds or fails cleanly with the kernel's errno (the verifier
 * gives up with EAGAIN on a pending signal, a wait ends with EINTR).
 */
static volatile sig_atomic_t ticks;

static void on_tick(int sig)
{
	(void)sig;
	ticks++;
}

static void test_signals_during_loads(void **state)
{
	struct sigaction sa = { .sa_handler = on_tick }, old_sa;
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } }, off = { 0 };
	int base, ok = 0;

	(void)state;
	SKIP_UNLESS_ROOT();
	base = count_fds();
	assert_int_equal(sigaction(SIGALRM, &sa, &old_sa), 0);
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
	for (int i = 0; i < 20; i++) {
		struct ebpfmini_object *obj = open_obj(OBJ("load_basic"));
		int err;

		log_capture_start(EBPFMINI_LOG_ERROR);
		err = ebpfmini_object_load(obj);
		log_capture_stop();
		if (err == 0)
			ok++;
		else if (err != -EINTR && err != -EAGAIN)
			fail_msg("load %d under signals: %d", i, err);
		ebpfmini_object_close(obj);
	}
	assert_int_equal(setitimer(ITIMER_REAL, &off, NULL), 0);
	assert_int_equal(sigaction(SIGALRM, &old_sa, NULL), 0);
	print_message("20 loads under a 1 ms timer: %d loaded, %d signals\n", ok, (int)ticks);
	assert_true(ticks > 0);
	assert_int_equal(count_fds(), base);
}

/* ENOMEM from the kernel at each bpf() call of a load in turn (fault injection). */
static long enomem_at, calls;

static long enomem_hook(void *ctx, long nr, long arg0, void *arg1)
{
	(void)ctx, (void)arg0, (void)arg1;
	if (nr != SYS_bpf)
		return 0;
	return ++calls == enomem_at ? -ENOMEM : 0;
}

static void test_kernel_enomem(void **state)
{
	int base, failed = 0;

	(void)state;
	SKIP_UNLESS_ROOT();
	base = count_fds();
	for (enomem_at = 1;; enomem_at++) {
		struct ebpfmini_object *obj = open_obj(OBJ("load_basic"));
		int err;

		calls = 0;
		em_sys_set_hook(enomem_hook, NULL);
		log_capture_start(EBPFMINI_LOG_ERROR);
		err = ebpfmini_object_load(obj);
		log_capture_stop();
		em_sys_set_hook(NULL, NULL);
		ebpfmini_object_close(obj);
		assert_int_equal(count_fds(), base);
		if (calls < enomem_at)
			break; /* the load made fewer calls: every one has failed once */
		/* a probe may take ENOMEM as "no" and the load go on; else the load says ENOMEM */
		if (err) {
			assert_int_equal(err, -ENOMEM);
			failed++;
		}
	}
	print_message("load_basic: ENOMEM injected at each of %ld bpf() calls, %d loads failed\n",
		      enomem_at - 1, failed);
	assert_true(failed > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nofile_mid_load),
		cmocka_unit_test(test_signals_during_loads),
		cmocka_unit_test(test_kernel_enomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
