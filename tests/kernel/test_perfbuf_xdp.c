/* test_perfbuf_xdp.c - perf buffer consumer against bpf_perf_event_output() from XDP on each CPU (kernel) */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include "load_util.h"

/* the sample of rb_perf.bpf.c */
struct perf_rec {
	uint64_t seq;
	uint32_t cpu;
	uint32_t magic;
	uint8_t payload[40];
};

struct fix {
	struct ebpfmini_object *obj;
	struct ebpfmini_program *prog;
	int map_fd;
	volatile uint64_t *seq, *failed;
	volatile int64_t *last_err;
};

struct seen {
	uint64_t total;
	uint64_t next;     /* seq expected next (samples from one CPU at a time) */
	uint64_t per_cpu[64];
	uint64_t lost;
	unsigned int lost_calls;
	uint64_t errors;
	bool gaps_ok;
	int stop_after;    /* return 5 after this many samples (0: never) */
	char first_error[256];
};

static void fix_open(struct fix *f)
{
	memset(f, 0, sizeof(*f));
	f->obj = open_obj(OBJ("rb_perf"));
	assert_int_equal(ebpfmini_object_load(f->obj), 0);
	f->prog = prog_of(f->obj, "rb_perf");
	f->map_fd = ebpfmini_map_fd(map_of(f->obj, "events"));
	f->seq = var_ptr(f->obj, ".bss", "seq");
	f->failed = var_ptr(f->obj, ".bss", "failed");
	f->last_err = var_ptr(f->obj, ".bss", "last_err");
}

static bool pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0;
}

static void unpin(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	for (int c = 0; c < CPU_SETSIZE; c++)
		CPU_SET(c, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Run the program repeat times on cpu (XDP test runs stay on the caller's CPU). */
static void run_on(struct fix *f, int cpu, uint32_t repeat)
{
	unsigned char pkt[64] = { 0 };
	struct ebpfmini_program_test_run_opts opts = {
		.sz = sizeof(opts),
		.data_in = pkt,
		.data_size_in = sizeof(pkt),
		.repeat = repeat,
	};
	int err;

	if (!pin_cpu(cpu))
		fail_msg("cannot run on cpu %d", cpu);
	err = ebpfmini_program_test_run(f->prog, &opts);
	unpin();
	if (err)
		fail_msg("test_run: %d (%s)", err, strerror(-err));
}

static int on_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct seen *s = ctx;
	struct perf_rec copy = { 0 };
	const struct perf_rec *r = &copy;
	bool bad = false;

	/* raw sample data follows a u32 size in the perf record: only 4-byte aligned */
	memcpy(&copy, data, size < sizeof(copy) ? size : sizeof(copy));

	/* 56 bytes written; the kernel pads the raw sample so the record is 8-aligned */
	if (size < sizeof(*r) || size > sizeof(*r) + 7) {
		bad = true;
	} else {
		bad = r->magic != 0xfeedf00d || (int)r->cpu != cpu ||
		      r->seq < s->next || (!s->gaps_ok && r->seq != s->next);
		for (int i = 0; i < 40 && !bad; i++)
			bad = r->payload[i] != (uint8_t)(r->seq + i);
	}
	if (bad && s->errors++ == 0)
		snprintf(s->first_error, sizeof(s->first_error),
			 "cpu %d size %u: seq %llu (expected %llu), rec cpu %u, magic %x", cpu, size,
			 size >= 8 ? (unsigned long long)r->seq : 0ULL, (unsigned long long)s->next,
			 size >= 12 ? r->cpu : 0, size >= 16 ? r->magic : 0);
	if (size >= sizeof(*r))
		s->next = r->seq + 1;
	if (cpu >= 0 && cpu < 64)
		s->per_cpu[cpu]++;
	s->total++;
	return s->stop_after && s->total == (uint64_t)s->stop_after ? 5 : 0;
}

static void on_lost(void *ctx, int cpu, uint64_t lost)
{
	struct seen *s = ctx;

	(void)cpu;
	s->lost += lost;
	s->lost_calls++;
}

#define ASSERT_CLEAN(s)                                                                            \
	do {                                                                                       \
		if ((s)->errors)                                                                   \
			fail_msg("%llu bad samples, first: %s", (unsigned long long)(s)->errors,   \
				 (s)->first_error);                                                \
	} while (0)

static int online_cpus(int *cpus, int max)
{
	cpu_set_t set;
	int n = 0;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (int c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n;
}

/* Every sample, from every CPU, in order, with the right CPU. */
static void test_every_sample(void **state)
{
	struct fix f;
	struct seen s = { 0 };
	struct ebpfmini_perfbuf_opts opts = { .sz = sizeof(opts), .lost_cb = on_lost };
	struct ebpfmini_perfbuf *pb = NULL;
	int cpus[64], ncpu, n, fl;

	(void)state;
	SKIP_UNLESS_ROOT();
	fix_open(&f);
	assert_int_equal(ebpfmini_perfbuf_new(f.map_fd, on_sample, &s, &opts, &pb), 0);
	ncpu = online_cpus(cpus, 64);
	assert_true(ncpu >= 1);
	assert_int_equal(ebpfmini_perfbuf_buffer_count(pb), (size_t)ncpu);
	fl = fcntl(ebpfmini_perfbuf_epoll_fd(pb), F_GETFD);
	assert_true(fl >= 0 && (fl & FD_CLOEXEC));
	for (size_t i = 0; i < ebpfmini_perfbuf_buffer_count(pb); i++) {
		fl = fcntl(ebpfmini_perfbuf_buffer_fd(pb, i), F_GETFD);
		assert_true(fl >= 0 && (fl & FD_CLOEXEC));
	}
	for (int i = 0; i < ncpu; i++) {
		uint64_t before = s.total;

		run_on(&f, cpus[i], 1000); /* 72-byte records: 72,000 bytes of 256 KiB */
		n = ebpfmini_perfbuf_poll(pb, 1000);
		assert_true(n >= 1);
		while (s.total - before < 1000 && (n = ebpfmini_perfbuf_poll(pb, 100)) > 0)
			;
		assert_int_equal(s.total - before, 1000);
		assert_int_equal(s.per_cpu[cpus[i]], 1000);
	}
	assert_int_equal(*f.failed, 0);
	assert_int_equal(s.lost, 0);
	assert_int_equal(ebpfmini_perfbuf_poll(pb, 20), 0);
	ASSERT_CLEAN(&s);
	ebpfmini_perfbuf_free(pb);
	/* the map entries are gone with the buffer: output now fails */
	run_on(&f, cpus[0], 1);
	assert_int_equal(*f.failed, 1);
	ebpfmini_object_close(f.obj);
}

/* A ring that overflows: the kernel's PERF_RECORD_LOST reaches the lost callback. */
static void test_overflow_lost(void **state)
{
	struct fix f;
	struct seen s = { .gaps_ok = true };
	struct ebpfmini_perfbuf_opts opts = {
		.sz = sizeof(opts), .pages = 1, .lost_cb = on_lost,
	};
	struct ebpfmini_perfbuf *pb = NULL;
	int cpus[64];
	uint64_t failed;

	(void)state;
	SKIP_UNLESS_ROOT();
	assert_true(online_cpus(cpus, 64) >= 1);
	fix_open(&f);
	assert_int_equal(ebpfmini_perfbuf_new(f.map_fd, on_sample, &s, &opts, &pb), 0);
	run_on(&f, cpus[0], 500);
	failed = *f.failed;
	assert_true(failed > 0);
	assert_int_equal(*f.last_err, -ENOSPC);
	assert_int_equal(ebpfmini_perfbuf_consume(pb), (int)(500 - failed));
	assert_int_equal(s.lost, 0); /* the kernel reports the loss with its next record */
	run_on(&f, cpus[0], 1);
	assert_int_equal(ebpfmini_perfbuf_consume(pb), 1);
	assert_int_equal(s.lost_calls, 1);
	assert_int_equal(s.lost, failed);
	assert_int_equal(ebpfmini_perfbuf_lost(pb), failed);
	assert_int_equal(s.total + s.lost, 501);
	assert_int_equal(s.next, 501);
	ASSERT_CLEAN(&s);
	ebpfmini_perfbuf_free(pb);
	ebpfmini_object_close(f.obj);
}

/* Records that wrap the end of a small ring arrive whole; a stopping callback. */
static void test_wrap_and_stop(void **state)
{
	struct fix f;
	struct seen s = { 0 };
	struct ebpfmini_perfbuf_opts opts = { .sz = sizeof(opts), .pages = 1 };
	struct ebpfmini_perfbuf *pb = NULL;
	int cpus[64];

	(void)state;
	SKIP_UNLESS_ROOT();
	assert_true(online_cpus(cpus, 64) >= 1);
	fix_open(&f);
	assert_int_equal(ebpfmini_perfbuf_new(f.map_fd, on_sample, &s, &opts, &pb), 0);
	/* 72-byte records through a 4096-byte ring: they wrap at many offsets */
	for (int round = 0; round < 200; round++) {
		run_on(&f, cpus[0], 7);
		assert_int_equal(ebpfmini_perfbuf_consume(pb), 7);
	}
	assert_int_equal(s.total, 1400);
	assert_int_equal(*f.failed, 0);
	s.stop_after = 1403;
	run_on(&f, cpus[0], 10);
	assert_int_equal(ebpfmini_perfbuf_consume(pb), 5);
	assert_int_equal(s.total, 1403);
	/* poll() finishes the ring the callback stopped, without a notification */
	assert_int_equal(ebpfmini_perfbuf_poll(pb, 1000), 7);
	ASSERT_CLEAN(&s);
	ebpfmini_perfbuf_free(pb);
	ebpfmini_object_close(f.obj);
}

/* wakeup_events and the watermark decide when poll() wakes. */
static void test_wakeup_settings(void **state)
{
	struct fix f;
	struct seen s = { 0 };
	struct ebpfmini_perfbuf_opts opts = { .sz = sizeof(opts), .pages = 4 };
	struct ebpfmini_perfbuf *pb = NULL;
	int cpus[64];

	(void)state;
	SKIP_UNLESS_ROOT();
	assert_true(online_cpus(cpus, 64) >= 1);
	fix_open(&f);
	opts.cpus = cpus;
	opts.cpu_count = 1;
	opts.wakeup_events = 5;
	assert_int_equal(ebpfmini_perfbuf_new(f.map_fd, on_sample, &s, &opts, &pb), 0);
	assert_int_equal(ebpfmini_perfbuf_buffer_count(pb), 1);
	assert_int_equal(ebpfmini_perfbuf_buffer_cpu(pb, 0), cpus[0]);
	run_on(&f, cpus[0], 4);
	assert_int_equal(ebpfmini_perfbuf_poll(pb, 100), 0); /* 4 < 5: no notification */
	run_on(&f, cpus[0], 1);
	assert_int_equal(ebpfmini_perfbuf_poll(pb, 1000), 5);
	ebpfmini_perfbuf_free(pb);

	/* watermark: notify once 1024 bytes wait (72 bytes a record) */
	opts.wakeup_events = 0;
	opts.wakeup_bytes = 1024;
	assert_int_equal(ebpfmini_perfbuf_new(f.map_fd, on_sample, &s, &opts, &pb), 0);
	run_on(&f, cpus[0], 10);
	assert_int_equal(ebpfmini_perfbuf_poll(pb, 100), 0);
	run_on(&f, cpus[0], 10);
	assert_int_equal(ebpfmini_perfbuf_poll(pb, 1000), 20);
	assert_int_equal(*f.failed, 0);
	ASSERT_CLEAN(&s);
	ebpfmini_perfbuf_free(pb);
	ebpfmini_object_close(f.obj);
}

static void test_errors_and_fds(void **state)
{
	struct fix f;
	struct seen s = { 0 };
	struct ebpfmini_perfbuf_opts opts = { .sz = sizeof(opts) };
	struct ebpfmini_perfbuf *pb = NULL;
	int before, bad_cpu = 4096;

	(void)state;
	SKIP_UNLESS_ROOT();
	fix_open(&f);
	before = count_fds();
	for (int i = 0; i < 5; i++) {
		assert_int_equal(ebpfmini_perfbuf_new(f.map_fd, on_sample, &s, NULL, &pb), 0);
		ebpfmini_perfbuf_free(pb);
	}
	assert_int_equal(count_fds(), before);
	/* not a perf event array */
	log_capture_start(EBPFMINI_LOG_DEBUG);
	pb = (void *)1;
	assert_int_equal(ebpfmini_perfbuf_new(ebpfmini_map_fd(map_of(f.obj, ".bss")), on_sample,
					      &s, NULL, &pb),
			 -EINVAL);
	assert_null(pb);
	/* a CPU beyond the map's entries */
	opts.cpus = &bad_cpu;
	opts.cpu_count = 1;
	assert_int_equal(ebpfmini_perfbuf_new(f.map_fd, on_sample, &s, &opts, &pb), -EINVAL);
	log_capture_stop();
	assert_true(log_captured("not BPF_MAP_TYPE_PERF_EVENT_ARRAY"));
	assert_true(log_captured("perfbuf: cpu 4096: outside the map's"));
	assert_int_equal(count_fds(), before);
	ebpfmini_object_close(f.obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_sample),
		cmocka_unit_test(test_overflow_lost),
		cmocka_unit_test(test_wrap_and_stop),
		cmocka_unit_test(test_wakeup_settings),
		cmocka_unit_test(test_errors_and_fds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
