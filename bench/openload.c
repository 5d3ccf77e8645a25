/* openload.c - benchmark: open, load and close an eBPF object N times; median time and peak RSS */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

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

/* One cycle: open, load, close. Returns 0 or the first error. */
static int cycle(const char *path)
{
	struct ebpfmini_object *obj;
	int err;

	err = ebpfmini_object_open(path, NULL, &obj);
	if (err) {
		fprintf(stderr, "openload: open %s: %s\n", path, strerror(-err));
		return err;
	}
	err = ebpfmini_object_load(obj);
	if (err)
		fprintf(stderr, "openload: load %s: %s\n", path, strerror(-err));
	ebpfmini_object_close(obj);
	return err;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	double *t, median;
	long n = 100, start_kb = peak_rss_kb();

	if (argc < 2 || argc > 3 || (argc == 3 && (n = strtol(argv[2], NULL, 10)) < 1)) {
		fprintf(stderr, "usage: openload OBJ [N]\n"
				"  open, load and close the eBPF object OBJ N times (default 100);\n"
				"  prints median_us=<median cycle time> peak_rss_kb=<peak RSS>\n");
		return 2;
	}
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
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	median = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
	fprintf(stderr, "openload: min %.0f us, p90 %.0f us, max %.0f us\n", t[0],
		t[(size_t)(n * 9 / 10)], t[n - 1]);
	/* where the time goes: this process (user) against the kernel's bpf() work (sys) */
	fprintf(stderr, "openload: cpu per cycle: user %.0f us, sys %.0f us\n",
		((double)ru.ru_utime.tv_sec * 1e6 + (double)ru.ru_utime.tv_usec) / (double)n,
		((double)ru.ru_stime.tv_sec * 1e6 + (double)ru.ru_stime.tv_usec) / (double)n);
	fprintf(stderr, "openload: peak RSS %ld kB before the first cycle\n", start_kb);
	printf("median_us=%.0f peak_rss_kb=%ld\n", median, peak_rss_kb());
	free(t);
	return 0;
}
