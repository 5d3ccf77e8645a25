/* scale.c - benchmark: open and load time per item for objects of 10 to 10,000 programs, maps, globals, CO-RE relocations and BTF types, and inputs crafted to be slow */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

#ifndef BENCH_DIR
#define BENCH_DIR "."
#endif

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Peak resident set since the last reset_peak_rss(): VmHWM of /proc/self/status. */
static long peak_rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static void reset_peak_rss(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");

	if (f) {
		fputs("5", f); /* 5: reset the peak resident set size (proc(5)) */
		fclose(f);
	}
}

struct run {
	double open_us, load_us;
	long rss_kb; /* peak RSS of the open and load, above what the process held before */
};

/* Open (and, if load, load) path once; times in r. Returns 0 or the error. */
static int once(const char *path, const char *kconfig, bool load, struct run *r)
{
	struct ebpfmini_object_open_opts opts = { .sz = sizeof(opts), .kconfig_path = kconfig };
	struct ebpfmini_object *obj;
	long base = peak_rss_kb();
	double t0 = now_us();
	int err;

	err = ebpfmini_object_open(path, &opts, &obj);
	r->open_us = now_us() - t0;
	if (err) {
		fprintf(stderr, "scale: open %s: %s\n", path, strerror(-err));
		return err;
	}
	t0 = now_us();
	err = load ? ebpfmini_object_load(obj) : 0;
	r->load_us = load ? now_us() - t0 : 0;
	r->rss_kb = peak_rss_kb() - base;
	ebpfmini_object_close(obj);
	if (err)
		fprintf(stderr, "scale: load %s: %s\n", path, strerror(-err));
	return err;
}

/*
 * Median of reps runs, each in a fresh child (fork) whose peak RSS is reset
 * first: the kernel BTF is read by every run's load (the cold cost is in
 * bench/openload --cold), and a run's memory is its own.
 */
static int measure(const char *path, const char *kconfig, bool load, int reps, struct run *out)
{
	double open[16], ld[16];
	long rss = 0;

	for (int i = 0; i < reps && i < 16; i++) {
		struct run r = { 0 };
		int p[2], status;
		pid_t pid;

		if (pipe(p))
			return -errno;
		pid = fork();
		if (pid == 0) {
			int err;

			close(p[0]);
			reset_peak_rss();
			err = once(path, kconfig, load, &r);
			if (write(p[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
				err = -EIO;
			_exit(err ? 1 : 0);
		}
		close(p[1]);
		if (pid < 0 || read(p[0], &r, sizeof(r)) != (ssize_t)sizeof(r) ||
		    waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
			close(p[0]);
			if (pid > 0)
				waitpid(pid, &status, 0);
			return -EIO;
		}
		close(p[0]);
		open[i] = r.open_us;
		ld[i] = r.load_us;
		rss = rss > r.rss_kb ? rss : r.rss_kb;
	}
	out->open_us = median(open, reps);
	out->load_us = median(ld, reps);
	out->rss_kb = rss;
	return 0;
}

static bool exists(const char *path)
{
	if (access(path, R_OK) == 0)
		return true;
	fprintf(stderr, "scale: %s not built: ninja -C <build> bench/%s\n", path,
		strrchr(path, '/') + 1);
	return false;
}

/* A kernel config of lines long: CONFIG_LONG_0..=y, then CONFIG_SCALE_0..n-1=<i>. */
static int write_config(char *path, long lines, long n)
{
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!f)
		return -1;
	for (long i = 0; i < lines; i++)
		fprintf(f, i % 7 ? "CONFIG_LONG_%ld=y\n" : "# CONFIG_LONG_%ld is not set\n", i);
	for (long i = 0; i < n; i++)
		fprintf(f, "CONFIG_SCALE_%ld=%ld\n", i, i);
	return fclose(f) ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const int sizes[] = { 10, 100, 1000, 10000 };
	const char *dir = BENCH_DIR;
	bool quick = false;
	double per_open[4] = { 0 }, per_load[4] = { 0 };
	char path[4096], conf[] = "/tmp/ebpfmini-scale-config-XXXXXX";
	struct rlimit rl;
	struct run r, c;
	int err = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			quick = true;
		else if (argv[i][0] != '-')
			dir = argv[i];
		else {
			fprintf(stderr, "usage: scale [--quick] [DIR]\n"
					"  opens and loads DIR/scale_N.bpf.o (N = 10 ... 10,000; --quick:\n"
					"  10 and 100) and crafted inputs; prints time per item\n");
			return 2;
		}
	}
	/* 10,000 maps and programs are 20,000 fds */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (int s = 0; s < 4 && !err; s++) {
		int n = sizes[s];

		if (quick && n > 100)
			break;
		snprintf(path, sizeof(path), "%s/scale_%d.bpf.o", dir, n);
		if (!exists(path))
			continue;
		err = measure(path, NULL, true, n >= 1000 ? 3 : 5, &r);
		if (err)
			break;
		per_open[s] = r.open_us / n;
		per_load[s] = r.load_us / n;
		printf("items=%d open_us=%.0f open_per_item_us=%.2f load_us=%.0f "
		       "load_per_item_us=%.2f peak_rss_kb=%ld\n",
		       n, r.open_us, per_open[s], r.load_us, per_load[s], r.rss_kb);
		fflush(stdout);
	}
	if (per_open[1] > 0 && per_open[3] > 0)
		printf("open_per_item_10000_vs_100=%.2f load_per_item_10000_vs_100=%.2f\n",
		       per_open[3] / per_open[1], per_load[3] / per_load[1]);

	/* CO-RE root names that collide in an unkeyed hash, against as many that do not */
	for (int n = 1000; n <= (quick ? 1000 : 10000) && !err; n *= 10) {
		char dpath[4096];

		snprintf(path, sizeof(path), "%s/collide_%d.bpf.o", dir, n);
		snprintf(dpath, sizeof(dpath), "%s/distinct_%d.bpf.o", dir, n);
		if (!exists(path) || !exists(dpath))
			continue;
		err = measure(path, NULL, true, 3, &c);
		err = err ? err : measure(dpath, NULL, true, 3, &r);
		if (!err)
			printf("core_names=%d colliding_load_us=%.0f distinct_load_us=%.0f "
			       "colliding_rss_kb=%ld distinct_rss_kb=%ld\n",
			       n, c.load_us, r.load_us, c.rss_kb, r.rss_kb);
		fflush(stdout);
	}

	/* .kconfig externs against a config of 200,000 lines */
	if (!err && write_config(conf, 200000, 10000) == 0) {
		for (int n = 100; n <= (quick ? 1000 : 10000) && !err; n *= 10) {
			snprintf(path, sizeof(path), "%s/kconfig_%d.bpf.o", dir, n);
			if (!exists(path))
				continue;
			err = measure(path, conf, true, 3, &r);
			if (!err)
				printf("kconfig_externs=%d config_lines=210000 load_us=%.0f "
				       "per_extern_us=%.2f peak_rss_kb=%ld\n",
				       n, r.load_us, r.load_us / n, r.rss_kb);
			fflush(stdout);
		}
		unlink(conf);
	}

	/* a .bss of 64 MiB: what open and load hold of it */
	snprintf(path, sizeof(path), "%s/zeros_64.bpf.o", dir);
	if (!err && exists(path)) {
		err = measure(path, NULL, true, 3, &r);
		if (!err)
			printf("zero_bss_mib=64 open_us=%.0f load_us=%.0f peak_rss_kb=%ld\n",
			       r.open_us, r.load_us, r.rss_kb);
	}
	return err ? 1 : 0;
}
