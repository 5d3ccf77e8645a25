/* ringbuf_live.c - benchmark: records produced on two CPUs while a consumer waits in epoll; events per second, wakeups per event, lost records, ring buffer against perf buffer */
#include <errno.h>
#include <stdbool.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ebpfmini/ebpfmini.h>

/*
 * ringbuf-live [N]
 *
 * Two threads, each pinned to its own CPU, run an XDP program N / 2 times
 * (BPF_PROG_TEST_RUN) that writes a 64-byte record per run, with the
 * kernel's usual notifications, into a 64 MiB ring buffer, then into a perf
 * buffer of 32 MiB per CPU. Meanwhile the main thread consumes through
 * ebpfmini_ringbuf_poll() / ebpfmini_perfbuf_poll() (epoll). Prints, for each:
 * events per second (first run to last record), wakeups per event (polls that
 * returned records) and lost records (no room: the program counts them; the
 * perf buffer's lost count).
 */

#define RING_SIZE (64u << 20)
#define PERF_PAGES ((32u << 20) / 4096)

struct producer {
	struct ebpfmini_program *prog;
	uint64_t n;
	int cpu;
	int err;
	int done; /* set (atomic) when its runs are over */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "ringbuf-live: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

static void *produce(void *arg)
{
	struct producer *p = arg;
	unsigned char pkt[64] = { 0 };
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(p->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set); /* best effort */
	for (uint64_t left = p->n; left && !p->err;) {
		struct ebpfmini_program_test_run_opts o = {
			.sz = sizeof(o),
			.data_in = pkt,
			.data_size_in = sizeof(pkt),
			.repeat = left > 1000 ? 1000 : (uint32_t)left, /* small batches: a live stream */
		};

		p->err = ebpfmini_program_test_run(p->prog, &o);
		left -= o.repeat;
	}
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int on_record(void *ctx, const void *data, size_t size)
{
	(void)data;
	(void)size;
	++*(uint64_t *)ctx;
	return 0;
}

static int on_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	(void)cpu;
	return on_record(ctx, data, size);
}

/* The CPUs this process may run on: the first two (or the one twice). */
static void two_cpus(int cpu[2])
{
	cpu_set_t set;
	int k = 0;

	cpu[0] = cpu[1] = 0;
	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	for (int c = 0; c < CPU_SETSIZE && k < 2; c++)
		if (CPU_ISSET(c, &set))
			cpu[k++] = c;
	if (k == 1)
		cpu[1] = cpu[0];
}

/* One run: producers on two CPUs, this thread polling until every record came. */
static void run(const char *name, struct ebpfmini_program *prog, void *buf, bool perf,
		uint64_t n, volatile uint64_t *lost, uint64_t *received)
{
	struct producer p[2] = { { prog, n / 2, 0, 0, 0 }, { prog, n - n / 2, 0, 0, 0 } };
	uint64_t wakeups = 0, lost_before = *lost, lost_n;
	pthread_t tid[2];
	int cpu[2];
	double t0, t1 = 0;

	two_cpus(cpu);
	p[0].cpu = cpu[0];
	p[1].cpu = cpu[1];
	*received = 0;
	t0 = now_s();
	for (int i = 0; i < 2; i++)
		if (pthread_create(&tid[i], NULL, produce, &p[i]))
			die("pthread_create", errno);
	/* until every record came or was lost, or half a second passed idle after the runs */
	for (int idle = 0; idle < 5 && *received + (*lost - lost_before) < n;) {
		int got = perf ? ebpfmini_perfbuf_poll(buf, 100) : ebpfmini_ringbuf_poll(buf, 100);

		if (got < 0)
			die("poll", got);
		if (got > 0) {
			wakeups++;
			t1 = now_s();
		}
		idle = got == 0 && __atomic_load_n(&p[0].done, __ATOMIC_ACQUIRE) &&
				       __atomic_load_n(&p[1].done, __ATOMIC_ACQUIRE)
			       ? idle + 1
			       : 0;
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(tid[i], NULL);
		if (p[i].err)
			die("test_run", p[i].err);
	}
	lost_n = *lost - lost_before + (perf ? ebpfmini_perfbuf_lost(buf) : 0);
	printf("%s_events_per_s=%.0f %s_wakeups_per_event=%.4f %s_lost=%llu ", name,
	       t1 > t0 ? (double)*received / (t1 - t0) : 0.0, name,
	       *received ? (double)wakeups / (double)*received : 0.0, name,
	       (unsigned long long)lost_n);
	if (*received + lost_n != n)
		fprintf(stderr, "ringbuf-live: %s: %llu received and %llu lost of %llu\n", name,
			(unsigned long long)*received, (unsigned long long)lost_n,
			(unsigned long long)n);
}

int main(int argc, char **argv)
{
	const char *path = getenv("EBPFMINI_BENCH_OBJ");
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000, received = 0;
	struct ebpfmini_perfbuf_opts popts = { .sz = sizeof(popts), .pages = PERF_PAGES };
	struct ebpfmini_object *obj = NULL;
	struct ebpfmini_ringbuf *rb = NULL;
	struct ebpfmini_perfbuf *pb = NULL;
	volatile uint64_t *lost;
	size_t sz;
	int err;

	if (!path)
		path = BENCH_BPF_OBJ;
	if (n < 2)
		die("N must be at least 2", EINVAL);
	err = ebpfmini_object_open(path, NULL, &obj);
	if (err)
		die(path, err);
	err = ebpfmini_map_set_max_entries(ebpfmini_object_find_map(obj, "rb"), RING_SIZE);
	if (!err)
		err = ebpfmini_object_load(obj);
	if (err)
		die("load", err);
	lost = ebpfmini_map_data(ebpfmini_object_find_map(obj, ".bss"), &sz);
	if (!lost || sz < sizeof(*lost))
		die("object layout", EINVAL);

	err = ebpfmini_ringbuf_new(ebpfmini_map_fd(ebpfmini_object_find_map(obj, "rb")), on_record,
				   &received, NULL, &rb);
	if (err)
		die("ringbuf_new", err);
	run("ringbuf", ebpfmini_object_find_program(obj, "live_ringbuf"), rb, false, n, lost,
	    &received);
	ebpfmini_ringbuf_free(rb);

	err = ebpfmini_perfbuf_new(ebpfmini_map_fd(ebpfmini_object_find_map(obj, "events")),
				   on_sample, &received, &popts, &pb);
	if (err)
		die("perfbuf_new", err);
	run("perfbuf", ebpfmini_object_find_program(obj, "live_perfbuf"), pb, true, n, lost,
	    &received);
	ebpfmini_perfbuf_free(pb);
	ebpfmini_object_close(obj);
	printf("\n");
	return 0;
}
