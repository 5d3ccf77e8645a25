/* openload.c - benchmark: open, load and close an eBPF object N times; median time and peak RSS; --cold: N fresh processes */
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/*
 * Peak resident set of this process image: VmHWM of /proc/self/status.
 * getrusage()'s ru_maxrss is not used when VmHWM is there: Linux carries it
 * over execve(), so it also holds the peak of the shell that forked us.
 */
static long peak_rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	struct rusage ru;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	if (kb < 0 && getrusage(RUSAGE_SELF, &ru) == 0)
		kb = ru.ru_maxrss;
	return kb;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Programs to load in a cycle */
enum { ALL = -1, NONE = -2 }; /* or the index of the one program */

/*
 * One cycle: open, load, close, with load_threads threads, and the programs
 * in only (ALL, NONE or one). Returns 0 or the first error.
 */
static int cycle_of(const char *path, int threads, int only)
{
	struct ebpfmini_object_open_opts opts = { .sz = sizeof(opts), .load_threads = threads };
	struct ebpfmini_object *obj;
	struct ebpfmini_program *prog = NULL;
	int err, i = 0;

	err = ebpfmini_object_open(path, &opts, &obj);
	if (err) {
		fprintf(stderr, "openload: open %s: %s\n", path, strerror(-err));
		return err;
	}
	while (only != ALL && (prog = ebpfmini_object_next_program(obj, prog)))
		ebpfmini_program_set_autoload(prog, i++ == only);
	err = ebpfmini_object_load(obj);
	if (err)
		fprintf(stderr, "openload: load %s: %s\n", path, strerror(-err));
	ebpfmini_object_close(obj);
	return err;
}

static int cycle(const char *path)
{
	return cycle_of(path, 0, ALL);
}

static double median_of(double *t, long n)
{
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* Median wall time of n cycles of cycle_of(path, threads, only); < 0 on failure. */
static double median_cycle(const char *path, long n, int threads, int only, double *t)
{
	for (long i = 0; i < n; i++) {
		double t0 = now_us();

		if (cycle_of(path, threads, only))
			return -1;
		t[i] = now_us() - t0;
	}
	return median_of(t, n);
}

/*
 * An object of several programs: its load one program after another
 * (load_threads 1), and each program's own share (a load of it alone, less a
 * load of none), against which the default load (side by side) is judged:
 * at most the longest program plus the rest divided by the CPUs.
 */
static int programs(const char *path, long n, double median)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_program *prog = NULL;
	double *t = calloc((size_t)n, sizeof(*t)), seq, none, one, longest = 0, sum = 0;
	int nprogs = 0, cpus;
	cpu_set_t set;

	if (!t || ebpfmini_object_open(path, NULL, &obj)) {
		free(t);
		return 1;
	}
	while ((prog = ebpfmini_object_next_program(obj, prog)))
		nprogs++;
	ebpfmini_object_close(obj);
	cpus = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
	if (nprogs < 2) {
		free(t);
		return 0;
	}
	if ((seq = median_cycle(path, n, 1, ALL, t)) < 0 ||
	    (none = median_cycle(path, n, 1, NONE, t)) < 0) {
		free(t);
		return 1;
	}
	for (int i = 0; i < nprogs; i++) {
		if ((one = median_cycle(path, n, 1, i, t)) < 0) {
			free(t);
			return 1;
		}
		one = one > none ? one - none : 0;
		sum += one;
		longest = one > longest ? one : longest;
	}
	/* the programs' part of the default load, against its bound */
	printf("programs=%d cpus=%d seq_median_us=%.0f progs_us=%.0f longest_prog_us=%.0f "
	       "rest_prog_us=%.0f bound_us=%.0f ",
	       nprogs, cpus, seq, median - none, longest, sum - longest,
	       longest + (sum - longest) / cpus);
	free(t);
	return 0;
}

/*
 * The child of --cold, exec'd fresh: "load" opens and loads OBJ once, "empty"
 * exits before opening. Either writes its peak RSS to fd 3 (a pipe) first.
 */
static int child(const char *what, const char *path)
{
	int err = strcmp(what, "load") == 0 ? cycle(path) : 0;

	dprintf(3, "%ld\n", peak_rss_kb());
	return err ? 1 : 0;
}

/* One fresh process, fork to exit: its wall time (us), peak RSS and CPU time; < 0 on failure. */
static double run_child(const char *what, const char *path, long *rss_kb, double *cpu_us)
{
	char *args[] = { "openload", "--child", (char *)what, (char *)path, NULL };
	char buf[32] = "";
	struct rusage ru;
	int p[2], status;
	double t0, t;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	t0 = now_us();
	pid = fork();
	if (pid == 0) {
		if (dup2(p[1], 3) == 3)
			execv("/proc/self/exe", args);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid) {
		close(p[0]);
		return -1;
	}
	t = now_us() - t0;
	if (read(p[0], buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(p[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "openload: child '%s' of %s failed (status 0x%x)\n", what, path,
			status);
		return -1;
	}
	*rss_kb = strtol(buf, NULL, 10);
	*cpu_us = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
		  (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	return t;
}

/*
 * --cold: n fresh processes that load OBJ once and n that exit before opening,
 * interleaved so that both see the same machine; medians of each.
 */
static int cold(const char *path, long n)
{
	double *t = calloc((size_t)n * 5, sizeof(*t)), *e = t + n, *tc = t + 2 * n, *ec = t + 3 * n;
	double *d = t + 4 * n;
	long rss = 0, erss = 0, kb, ekb;

	if (!t)
		return 1;
	for (long i = 0; i < n; i++) {
		if ((e[i] = run_child("empty", path, &ekb, &ec[i])) < 0 ||
		    (t[i] = run_child("load", path, &kb, &tc[i])) < 0) {
			free(t);
			return 1;
		}
		d[i] = t[i] - e[i];
		erss = erss > ekb ? erss : ekb;
		rss = rss > kb ? rss : kb;
	}
	fprintf(stderr, "openload: %ld fresh processes of %s (and %ld empty); peak RSS %ld kB, "
			"empty %ld kB\n",
		n, path, n, rss, erss);
	/* the median of each pair's difference shakes off more of a busy machine's noise */
	printf("cold_median_us=%.0f empty_median_us=%.0f delta_median_us=%.0f cold_cpu_us=%.0f "
	       "empty_cpu_us=%.0f cold_peak_rss_kb=%ld ",
	       median_of(t, n), median_of(e, n), median_of(d, n), median_of(tc, n),
	       median_of(ec, n), rss);
	fflush(stdout);
	free(t);
	return 0;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	double *t, median;
	long n = 100, start_kb;
	bool is_cold = argc > 1 && strcmp(argv[1], "--cold") == 0;

	if (argc == 4 && strcmp(argv[1], "--child") == 0)
		return child(argv[2], argv[3]);
	start_kb = peak_rss_kb();
	argv += is_cold;
	argc -= is_cold;
	if (argc < 2 || argc > 3 || (argc == 3 && (n = strtol(argv[2], NULL, 10)) < 1)) {
		fprintf(stderr, "usage: openload [--cold] OBJ [N]\n"
				"  open, load and close the eBPF object OBJ N times (default 100);\n"
				"  prints median_us=<median cycle time> peak_rss_kb=<peak RSS>\n"
				"  --cold: first N fresh processes (fork, exec) that each load OBJ\n"
				"  once and N that exit before opening it, in pairs; prints\n"
				"  cold_median_us=, empty_median_us=, delta_median_us= (of the pairs'\n"
				"  differences), their CPU time and cold_peak_rss_kb= (the largest) too;\n"
				"  an object of several programs: seq_median_us= (loaded one after\n"
				"  another), progs_us= (the programs' part of median_us=), each\n"
				"  program's own share (longest_prog_us=, rest_prog_us=) and\n"
				"  bound_us= (longest + rest / cpus)\n");
		return 2;
	}
	if (is_cold && cold(argv[1], n))
		return 1;
	t = calloc((size_t)n, sizeof(*t));
	if (!t)
		return 1;
	for (long i = 0; i < n; i++) {
		double t0 = now_us();

		if (cycle(argv[1])) {
			free(t);
			return 1;
		}
		t[i] = now_us() - t0;
	}
	getrusage(RUSAGE_SELF, &ru);
	/* the first cycle also reads the kernel's BTF (kept for the process): shown apart */
	fprintf(stderr, "openload: %ld cycles of %s; first %.0f us\n", n, argv[1], t[0]);
	median = median_of(t, n);
	fprintf(stderr, "openload: min %.0f us, p90 %.0f us, max %.0f us\n", t[0],
		t[(size_t)(n * 9 / 10)], t[n - 1]);
	/* where the time goes: this process (user) against the kernel's bpf() work (sys) */
	fprintf(stderr, "openload: cpu per cycle: user %.0f us, sys %.0f us\n",
		((double)ru.ru_utime.tv_sec * 1e6 + (double)ru.ru_utime.tv_usec) / (double)n,
		((double)ru.ru_stime.tv_sec * 1e6 + (double)ru.ru_stime.tv_usec) / (double)n);
	fprintf(stderr, "openload: peak RSS %ld kB before the first cycle\n", start_kb);
	printf("median_us=%.0f peak_rss_kb=%ld ", median, peak_rss_kb());
	free(t);
	if (programs(argv[1], n, median))
		return 1;
	printf("\n");
	return 0;
}
