/* test_secure_env.c - a set-id program linking the library ignores its caller's EBPFMINI_TRACE, EBPFMINI_LOG, PATH */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ebpfmini/log.h"

/*
 * The probe (a copy of secure_env_probe in a temporary directory) runs with
 * the caller's environment: once as it is, once set-group-id root run by a
 * process whose real group is nogroup, which makes the kernel mark the exec
 * secure (AT_SECURE), as for a setuid or file-capability program.
 */
static char dir[] = "/tmp/ebpfmini-secure-XXXXXX";
static char probe[64], target[64];

static void run(bool setgid_exec, char *out, size_t size)
{
	char env_path[128];
	char *argv[] = { probe, NULL };
	char *envp[] = { "EBPFMINI_TRACE=1", "EBPFMINI_LOG=debug", env_path, NULL };
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	snprintf(env_path, sizeof(env_path), "PATH=%s", dir);
	assert_int_equal(chmod(probe, setgid_exec ? 02755 : 0755), 0);
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pipefd[1], 1);
		if (setgid_exec && (setgroups(0, NULL) || setgid(65534)))
			_exit(126);
		execve(probe, argv, envp);
		_exit(127);
	}
	close(pipefd[1]);
	n = read(pipefd[0], out, size - 1);
	close(pipefd[0]);
	out[n > 0 ? n : 0] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_secure_env(void **state)
{
	char out[4200], want[256];
	int in, outfd;
	char buf[65536];
	ssize_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(probe, sizeof(probe), "%s/probe", dir);
	snprintf(target, sizeof(target), "%s/em-probe-target", dir);
	in = open(SECURE_ENV_PROBE, O_RDONLY);
	assert_true(in >= 0);
	outfd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0755);
	assert_true(outfd >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(outfd, buf, (size_t)n), n);
	close(in);
	close(outfd);
	close(open(target, O_WRONLY | O_CREAT | O_EXCL, 0755));

	/* an ordinary exec takes all three from the environment */
	run(false, out, sizeof(out));
	snprintf(want, sizeof(want), "trace=1 level=%d found=0 path=%s\n", EBPFMINI_LOG_DEBUG,
		 target);
	assert_string_equal(out, want);

	/* a secure exec takes none: no trace, the default level, not the caller's PATH */
	run(true, out, sizeof(out));
	snprintf(want, sizeof(want), "trace=0 level=%d found=%d path=\n", EBPFMINI_LOG_WARN,
		 -ENOENT);
	assert_string_equal(out, want);

	unlink(target);
	unlink(probe);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secure_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
