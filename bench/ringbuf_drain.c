/* ringbuf_drain.c - benchmark: ns per record to drain a full ring buffer (callback, iterator) and perf buffer */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/bpf.h>

#include "ebpfmini/ebpfmini.h"

/*
 * ringbuf-drain [N]
 *
 * Fills a 256 MiB BPF ring buffer with N (default 3,000,000) records of 64
 * bytes, written by an XDP program run N times by BPF_PROG_TEST_RUN, then
 * times draining them: through ebpfmini_ringbuf_consume() and a callback,
 * and through the ebpfmini_ringbuf_next()/_release() iterator. Then the same
 * records through a perf buffer of 256 MiB on one CPU and
 * ebpfmini_perfbuf_consume(). Each figure is the best of 5 rounds; the fill
 * is not timed. The callbacks read each record's sequence number, so every
 * record is touched and the sum checks that all arrived.
 *
 * The BPF object is found at BENCH_BPF_OBJ (the build directory), or at the
 * path in the environment variable EBPFMINI_BENCH_OBJ.
 */

#define ROUNDS 5
#define RING_SIZE (256u << 20)
#define REC_SIZE 64

struct acc {
	uint64_t n;
	uint64_t sum;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "ringbuf-drain: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

/* Run prog n times (BPF_PROG_TEST_RUN repeat; the kernel caps nothing below 2^32). */
static void fill(struct ebpfmini_program *prog, uint64_t n)
{
	unsigned char pkt[64] = { 0 };

	while (n) {
		struct ebpfmini_program_test_run_opts opts = {
			.sz = sizeof(opts),
			.data_in = pkt,
			.data_size_in = sizeof(pkt),
			.repeat = n > 1000000000 ? 1000000000 : (uint32_t)n,
		};
		int err = ebpfmini_program_test_run(prog, &opts);

		if (err)
			die("test_run", err);
		n -= opts.repeat;
	}
}

static int on_record(void *ctx, const void *data, size_t size)
{
	struct acc *a = ctx;

	(void)size;
	a->sum += *(const uint64_t *)data;
	a->n++;
	return 0;
}

static int on_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct acc *a = ctx;

	uint64_t v;

	(void)cpu;
	(void)size;
	memcpy(&v, data, sizeof(v)); /* perf samples are only 4-byte aligned */
	a->sum += v;
	a->n++;
	return 0;
}

/* Sum of the sequence numbers of round r (records r*n .. r*n + n - 1). */
static uint64_t want_sum(uint64_t n, uint64_t first)
{
	return n * first + n * (n - 1) / 2;
}

static void check(const char *what, const struct acc *a, uint64_t n, uint64_t first)
{
	if (a->n != n || a->sum != want_sum(n, first)) {
		fprintf(stderr, "ringbuf-drain: %s: %llu records (sum %llu), expected %llu (sum %llu)\n",
			what, (unsigned long long)a->n, (unsigned long long)a->sum,
			(unsigned long long)n, (unsigned long long)want_sum(n, first));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	const char *path = getenv("EBPFMINI_BENCH_OBJ");
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 3000000;
	double best_cb = 1e30, best_it = 1e30, best_pb = 1e30;
	struct ebpfmini_object *obj = NULL;
	struct ebpfmini_program *fill_rb, *fill_pb;
	struct ebpfmini_ringbuf *rb = NULL;
	struct ebpfmini_perfbuf *pb = NULL;
	volatile uint64_t *seq, *failed;
	uint64_t first = 0;
	uint32_t ring = RING_SIZE;
	cpu_set_t cpus;
	size_t sz;
	int err, cpu0 = 0;

	if (!path)
		path = BENCH_BPF_OBJ;
	if (n == 0)
		die("N must be at least 1", EINVAL);
	/* 64 bytes + 8 of header each; the kernel leaves one byte of the ring unused */
	while ((uint64_t)ring <= n * (REC_SIZE + 8) && ring < (1u << 31))
		ring <<= 1;

	/* one CPU: the XDP runs, hence the perf samples, stay on it */
	CPU_ZERO(&cpus);
	if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0)
		while (cpu0 < CPU_SETSIZE && !CPU_ISSET(cpu0, &cpus))
			cpu0++;
	CPU_ZERO(&cpus);
	CPU_SET(cpu0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		die("sched_setaffinity", errno);

	/* open, size the ring, load */
	err = ebpfmini_object_open(path, NULL, &obj);
	if (err)
		die(path, err);
	err = ebpfmini_map_set_max_entries(ebpfmini_object_find_map(obj, "rb"), ring);
	if (err)
		die("set ring size", err);
	err = ebpfmini_object_load(obj);
	if (err)
		die("load", err);
	fill_rb = ebpfmini_object_find_program(obj, "fill_ringbuf");
	fill_pb = ebpfmini_object_find_program(obj, "fill_perfbuf");
	seq = (volatile uint64_t *)((uint8_t *)ebpfmini_map_data(
		ebpfmini_object_find_map(obj, ".bss"), &sz));
	if (!fill_rb || !fill_pb || !seq || sz < 16)
		die("object layout", EINVAL);
	failed = seq + 1; /* .bss holds one struct: seq, then failed */

	/* ring buffer, through the callback */
	struct acc a;
	err = ebpfmini_ringbuf_new(ebpfmini_map_fd(ebpfmini_object_find_map(obj, "rb")), on_record,
				   &a, NULL, &rb);
	if (err)
		die("ringbuf_new", err);
	for (int r = 0; r < ROUNDS; r++) {
		double t0, t1;

		fill(fill_rb, n);
		if (*failed)
			die("ring buffer full", ENOSPC);
		memset(&a, 0, sizeof(a));
		t0 = now_ns();
		err = ebpfmini_ringbuf_consume(rb);
		t1 = now_ns();
		if (err < 0)
			die("consume", err);
		check("callback", &a, n, first);
		first += n;
		if ((t1 - t0) / (double)n < best_cb)
			best_cb = (t1 - t0) / (double)n;
	}

	/* ring buffer, through the iterator: the loop of ringbuf.h */
	for (int r = 0; r < ROUNDS; r++) {
		struct ebpfmini_ringbuf_record rec;
		double t0, t1;

		fill(fill_rb, n);
		memset(&a, 0, sizeof(a));
		t0 = now_ns();
		while ((err = ebpfmini_ringbuf_next(rb, 0, &rec)) > 0) {
			a.sum += *(const uint64_t *)rec.data;
			a.n++;
			ebpfmini_ringbuf_release(rb, &rec);
		}
		t1 = now_ns();
		if (err < 0)
			die("next", err);
		check("iterator", &a, n, first);
		first += n;
		if ((t1 - t0) / (double)n < best_it)
			best_it = (t1 - t0) / (double)n;
	}
	ebpfmini_ringbuf_free(rb);

	/* perf buffer: one ring of the same size on this CPU */
	struct ebpfmini_perfbuf_opts popts = {
		.sz = sizeof(popts),
		.pages = ring / 4096,
		.wakeup_bytes = ring / 2, /* nobody waits: few notifications */
		.cpus = &cpu0,
		.cpu_count = 1,
	};
	err = ebpfmini_perfbuf_new(ebpfmini_map_fd(ebpfmini_object_find_map(obj, "events")),
				   on_sample, &a, &popts, &pb);
	if (err)
		die("perfbuf_new", err);
	for (int r = 0; r < ROUNDS; r++) {
		double t0, t1;

		fill(fill_pb, n);
		if (*failed)
			die("perf buffer full", ENOSPC);
		memset(&a, 0, sizeof(a));
		t0 = now_ns();
		err = ebpfmini_perfbuf_consume(pb);
		t1 = now_ns();
		if (err < 0)
			die("perfbuf consume", err);
		check("perfbuf", &a, n, first);
		first += n;
		if ((t1 - t0) / (double)n < best_pb)
			best_pb = (t1 - t0) / (double)n;
	}
	if (ebpfmini_perfbuf_lost(pb))
		die("perf buffer lost samples", ENOSPC);
	ebpfmini_perfbuf_free(pb);
	ebpfmini_object_close(obj);

	printf("callback_ns_per_record=%.2f iterator_ns_per_record=%.2f perfbuf_ns_per_record=%.2f\n",
	       best_cb, best_it, best_pb);
	return 0;
}
