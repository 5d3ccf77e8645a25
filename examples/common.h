/* common.h - what every example shares: -d/--help parsing, a bounded run clock, Ctrl-C, error text */
#ifndef EXAMPLES_COMMON_H
#define EXAMPLES_COMMON_H

/*
 * Not part of the library: a few lines each example would otherwise repeat,
 * kept here so that <name>.c shows only the eBPF lifecycle. Everything is
 * static, for one translation unit per example.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

static const char *ex_name = "example";
static double ex_seconds = 3; /* -d SECONDS; 0: until Ctrl-C */
static double ex_end;         /* set when the loop starts */
static volatile sig_atomic_t ex_stop;

static void ex_on_signal(int sig)
{
	(void)sig;
	ex_stop = 1;
}

static inline double ex_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An example's own option at argv[i]: return how many arguments it took, 0 if it is not one. */
typedef int (*ex_option_fn)(int argc, char **argv, int i);

/*
 * Parse -h/--help (usage on stdout, exit 0), -d SECONDS and the example's own
 * options (opt may be NULL); anything else prints the usage on stderr and
 * exits 2. Installs SIGINT/SIGTERM handlers without SA_RESTART, so that a
 * waiting poll returns -EINTR on Ctrl-C.
 */
static inline void ex_start(int argc, char **argv, const char *name, const char *usage,
			    ex_option_fn opt)
{
	struct sigaction sa = { .sa_handler = ex_on_signal };

	ex_name = name;
	for (int i = 1; i < argc; i++) {
		char *end = NULL;
		int used;

		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			exit(0);
		}
		if (strcmp(argv[i], "-d") == 0 && i + 1 < argc) {
			ex_seconds = strtod(argv[++i], &end);
			if (end != argv[i] && !*end && ex_seconds >= 0 && ex_seconds < 1e9)
				continue;
		} else if (opt && (used = opt(argc, argv, i)) > 0) {
			i += used - 1;
			continue;
		}
		fprintf(stderr, "%s: bad argument '%s'\n%s", name, argv[i], usage);
		exit(2);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* True while the loop should go on: no Ctrl-C and (with -d) time left. */
static inline bool ex_running(void)
{
	if (ex_end == 0)
		ex_end = ex_now() + ex_seconds;
	return !ex_stop && (ex_seconds == 0 || ex_now() < ex_end);
}

/* A poll timeout: at most max_ms, and no longer than the time left (rounded up). */
static inline int ex_timeout_ms(int max_ms)
{
	double left = (ex_end - ex_now()) * 1000;

	if (ex_seconds == 0 || left >= max_ms)
		return max_ms;
	return left > 0 ? (int)left + 1 : 0;
}

/* Print "<name>: <step>: <what the error means and how to fix it>"; return exit status 1. */
static inline int ex_fail(const char *step, int err, const char *verifier_log)
{
	char why[1024];

	ebpfmini_log_explain(err, -1, verifier_log, why, sizeof(why));
	fprintf(stderr, "%s: %s: %s\n", ex_name, step, why);
	return 1;
}

/*
 * Ask the library whether the kernel has feature; when it says no, print its
 * reason and return false. When the probe itself cannot tell (not root, ...),
 * go on: the step that needs the feature fails with its own explanation.
 */
static inline bool ex_require(enum ebpfmini_feature feature)
{
	char why[512];

	if (ebpfmini_sys_probe_feature(feature, why, sizeof(why)) != 0)
		return true;
	fprintf(stderr, "%s: cannot run here: %s\n", ex_name, why);
	return false;
}

/* Run a command and wait for it, so that exec events happen even on an idle machine. */
static inline void ex_exec(const char *path)
{
	/* a copy on the stack: a BPF program reading the path cannot fault in a
	 * page the child has not touched yet (a string in .rodata may read as "") */
	char copy[256];
	pid_t pid;

	snprintf(copy, sizeof(copy), "%s", path);
	pid = fork();
	if (pid == 0) {
		execl(copy, copy, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

#endif /* EXAMPLES_COMMON_H */
