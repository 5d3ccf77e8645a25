/* common.h - what the examples share: -d/--help parsing, a bounded run clock, Ctrl-C, error text, trace_pipe, a map printed, a bpffs */
#ifndef EXAMPLES_COMMON_H
#define EXAMPLES_COMMON_H

/*
 * Not part of the library: a few lines each example would otherwise repeat,
 * kept here so that <name>.c shows only the eBPF lifecycle. Everything is
 * static, for one translation unit per example.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>
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

/* ---- trace_pipe (hello) ---------------------------------------------------------------- */

/* tracefs's trace_pipe, where bpf_printk() writes, opened non-blocking: the fd, or -1 after
 * saying why. */
static inline int ex_trace_pipe(void)
{
	const char *path = "/sys/kernel/tracing/trace_pipe";
	int fd;

	if (access(path, R_OK) != 0)
		path = "/sys/kernel/debug/tracing/trace_pipe";
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == EBUSY) /* kernels >= 6.6 allow one reader */
		fprintf(stderr, "%s: %s: another program is reading it\n", ex_name, path);
	else if (fd < 0)
		ex_fail("open trace_pipe", -errno, NULL);
	return fd;
}

/* Wait up to timeout_ms for lines from trace_pipe fd; print those that contain match. */
static inline void ex_trace_lines(int fd, const char *match, int timeout_ms)
{
	static char buf[4096];
	static size_t len;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char *line, *nl;
	ssize_t n;

	poll(&pfd, 1, timeout_ms);
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0) {
		len += (size_t)n;
		for (line = buf; (nl = memchr(line, '\n', len - (size_t)(line - buf))); line = nl + 1) {
			*nl = '\0';
			if (strstr(line, match))
				printf("%s\n", line + strspn(line, " "));
		}
		len -= (size_t)(line - buf);
		memmove(buf, line, len);
		if (len == sizeof(buf) - 1)
			len = 0; /* a line longer than the buffer is dropped */
	}
}

/* ---- a map's definition and contents (find-map) ----------------------------------------- */

/* A key or value of len bytes: a number when it has the size of one (little-endian), a
 * per-CPU value (size bytes, one 8-byte slot per CPU) as the sum over the CPUs; hex bytes
 * otherwise. */
static inline void ex_print_bytes(const unsigned char *p, uint32_t len, int size)
{
	unsigned long long sum = 0;

	if (len != 1 && len != 2 && len != 4 && len != 8) {
		for (uint32_t i = 0; i < len; i++)
			printf("%02x", p[i]);
		return;
	}
	for (int off = 0; off < size; off += 8) {
		uint64_t v = 0;

		memcpy(&v, p + off, len);
		sum += v;
	}
	printf("%llu", sum);
}

/* Print "found by <how> '<what>': " and what the kernel says about map (OBJ_GET_INFO_BY_FD),
 * then its elements as numbers, walking the keys; return its id (0 on failure). */
static inline uint32_t ex_print_map(const char *how, const char *what, struct ebpfmini_map *map)
{
	struct ebpfmini_map_info info = { .sz = sizeof(info) };
	int vsize = ebpfmini_map_value_buf_size(map), n = 0;
	unsigned char key[64], next[64], *value = calloc(1, vsize > 0 ? (size_t)vsize : 1);

	if (ebpfmini_map_info(map, &info) || !value || info.key_size > sizeof(key)) {
		free(value);
		return 0;
	}
	printf("found by %s '%s': map id %u name '%s' type %s key_size %u value_size %u "
	       "max_entries %u flags %#x\n",
	       how, what, info.id, info.name, ebpfmini_sys_map_type_name(info.type),
	       info.key_size, info.value_size, info.max_entries, info.flags);
	/* next_key after NULL is the first key */
	for (void *prev = NULL; ebpfmini_map_next_key(map, prev, next) == 0 && n < 1000; prev = key) {
		memcpy(key, next, info.key_size);
		if (ebpfmini_map_lookup(map, key, value, 0) != 0)
			continue; /* deleted meanwhile */
		printf("  key ");
		ex_print_bytes(key, info.key_size, 1);
		printf(" value ");
		ex_print_bytes(value, info.value_size, vsize);
		printf("\n");
		n++;
	}
	printf("  (%d elements)\n", n);
	free(value);
	return info.id;
}

/* ---- a bpffs to pin in (lifetime) ------------------------------------------------------- */

/* Whether dir is a bpffs: 0 when it is, 1 after mounting one there (when may_mount), -1
 * after saying why not. */
static inline int ex_bpffs(const char *dir, bool may_mount)
{
	struct statfs st;

	if (statfs(dir, &st) == 0 && st.f_type == 0xcafe4a11 /* BPF_FS_MAGIC */)
		return 0;
	if (!may_mount || statfs(dir, &st) != 0) {
		fprintf(stderr, "%s: %s is not a bpffs: mount -t bpf bpf %s\n", ex_name, dir, dir);
		return -1;
	}
	if (mount("bpf", dir, "bpf", 0, "mode=0700") != 0) {
		ex_fail("mount a bpffs", -errno, NULL);
		return -1;
	}
	printf("mounted a bpffs at %s\n", dir);
	return 1;
}

#endif /* EXAMPLES_COMMON_H */
