/* test_ringbuf_producers.c - ring buffer consumer and user ring buffer producer against the kernel's producers (kernel) */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include "load_util.h"
#include "tracefs.h"

#define NPROD 8
#define USER_MAGIC 0x5eb7a11dU

/* the records of rb_xdp.bpf.c and rb_tp.bpf.c */
struct rb_rec {
	uint32_t producer;
	uint32_t len;
	uint64_t seq;
};

struct tp_rec {
	uint32_t tid;
	uint32_t cpu;
	uint64_t seq;
};

struct user_rec {
	uint64_t seq;
	uint32_t magic;
	uint32_t len;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static bool pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0;
}

/* Run an XDP program repeat times on a packet naming producer p (any thread). */
static int try_run(struct ebpfmini_program *prog, uint32_t p, uint32_t repeat)
{
	unsigned char pkt[64] = { 0 };
	struct ebpfmini_program_test_run_opts opts = {
		.sz = sizeof(opts),
		.data_in = pkt,
		.data_size_in = sizeof(pkt),
		.repeat = repeat,
	};

	memcpy(pkt, &p, sizeof(p));
	return ebpfmini_program_test_run(prog, &opts);
}

/* The same on the test's main thread, failing the test on error. */
static void run_repeat(struct ebpfmini_program *prog, uint32_t p, uint32_t repeat)
{
	int err = try_run(prog, p, repeat);

	if (err)
		fail_msg("test_run '%s': %d (%s)", ebpfmini_program_name(prog), err, strerror(-err));
}

/* ---- record checker: every record once, in order per producer ------------------- */

struct checker {
	uint64_t next[NPROD]; /* seq expected next from each producer */
	uint64_t got[NPROD];
	uint64_t total;
	uint64_t errors;
	bool gaps_ok;         /* lost (failed, discarded) records leave gaps */
	bool var_len;         /* rb_output: check length and payload */
	int ring;             /* tag checked by the several-rings test */
	char first_error[256];
};

static void check_error(struct checker *c, const char *fmt, ...)
{
	va_list ap;

	if (c->errors++ == 0) {
		va_start(ap, fmt);
		vsnprintf(c->first_error, sizeof(c->first_error), fmt, ap);
		va_end(ap);
	}
}

static int check_rec(struct checker *c, const void *data, size_t size)
{
	const struct rb_rec *r = data;

	if (size < sizeof(*r) || r->producer >= NPROD) {
		check_error(c, "record of %zu bytes, producer %u", size, size >= 4 ? r->producer : 0);
		return 0;
	}
	if (r->seq < c->next[r->producer] || (!c->gaps_ok && r->seq != c->next[r->producer]))
		check_error(c, "producer %u: seq %llu after %llu", r->producer,
			    (unsigned long long)r->seq, (unsigned long long)c->next[r->producer]);
	if (r->len != size)
		check_error(c, "seq %llu: %zu bytes, expected %u", (unsigned long long)r->seq, size,
			    r->len);
	if (c->var_len) {
		uint32_t want = 16 + (uint32_t)(r->seq & 7) * 4 - (uint32_t)(r->seq & 1);
		const uint8_t *b = data;

		if (size != want)
			check_error(c, "seq %llu: %zu bytes, expected %u", (unsigned long long)r->seq,
				    size, want);
		for (size_t i = 16; i < size; i++)
			if (b[i] != (uint8_t)(r->seq + i))
				check_error(c, "seq %llu: byte %zu wrong", (unsigned long long)r->seq, i);
	}
	c->next[r->producer] = r->seq + 1;
	c->got[r->producer]++;
	c->total++;
	return 0;
}

static int on_rec(void *ctx, const void *data, size_t size)
{
	return check_rec(ctx, data, size);
}

#define ASSERT_CLEAN(c)                                                                            \
	do {                                                                                       \
		if ((c)->errors)                                                                   \
			fail_msg("%llu bad records, first: %s", (unsigned long long)(c)->errors,   \
				 (c)->first_error);                                                \
	} while (0)

/* ---- fixture: rb_xdp.bpf.o with a chosen ring size and discard rate --------------------- */

struct xdp_fix {
	struct ebpfmini_object *obj;
	struct ebpfmini_map *rb, *rb2;
	/* .bss of rb_xdp.bpf.c, per producer */
	volatile uint64_t *seqs, *failed, *discarded;
};

static void xdp_open(struct xdp_fix *f, uint32_t ring_size, uint32_t discard_every)
{
	memset(f, 0, sizeof(*f));
	f->obj = open_obj(OBJ("rb_xdp"));
	f->rb = map_of(f->obj, "rb");
	f->rb2 = map_of(f->obj, "rb2");
	assert_int_equal(ebpfmini_map_set_max_entries(f->rb, ring_size), 0);
	*(uint32_t *)var_ptr(f->obj, ".rodata", "discard_every") = discard_every;
	assert_int_equal(ebpfmini_object_load(f->obj), 0);
	f->seqs = var_ptr(f->obj, ".bss", "seqs");
	f->failed = var_ptr(f->obj, ".bss", "failed");
	f->discarded = var_ptr(f->obj, ".bss", "discarded");
}

/* ---- tests -------------------------------------------------------------------------- */

/* Every record exactly once and in order while the ring has room. */
static void test_every_record(void **state)
{
	struct xdp_fix f;
	struct checker c = { 0 };
	struct ebpfmini_ringbuf *rb = NULL;
	int n;

	(void)state;
	SKIP_UNLESS_ROOT();
	xdp_open(&f, 256 * 1024, 0);
	assert_int_equal(ebpfmini_ringbuf_new(ebpfmini_map_fd(f.rb), on_rec, &c, NULL, &rb), 0);
	assert_int_equal(ebpfmini_ringbuf_size(rb, 0), 256 * 1024);
	for (int round = 0; round < 4; round++) {
		run_repeat(prog_of(f.obj, "rb_reserve"), 1, 5000); /* 120,000 bytes */
		assert_int_equal(ebpfmini_ringbuf_avail(rb, 0), 5000 * 24);
		n = ebpfmini_ringbuf_poll(rb, 1000);
		assert_int_equal(n, 5000);
		assert_int_equal(ebpfmini_ringbuf_consumer_pos(rb, 0),
				 ebpfmini_ringbuf_producer_pos(rb, 0));
	}
	assert_int_equal(c.got[1], 20000);
	assert_int_equal(f.failed[1], 0);
	/* variable lengths, most not a multiple of 8 */
	c.var_len = true;
	run_repeat(prog_of(f.obj, "rb_output"), 2, 3000);
	assert_int_equal(ebpfmini_ringbuf_consume(rb), 3000);
	assert_int_equal(c.got[2], 3000);
	assert_int_equal(f.failed[2], 0);
	ASSERT_CLEAN(&c);
	ebpfmini_ringbuf_free(rb);
	ebpfmini_object_close(f.obj);
}

/* A full ring: the producer's failed reservations are counted, nothing else lost. */
static void test_full_ring(void **state)
{
	struct xdp_fix f;
	struct checker c = { 0 };
	struct ebpfmini_ringbuf *rb = NULL;
	uint64_t failed;

	(void)state;
	SKIP_UNLESS_ROOT();
	xdp_open(&f, 4096, 0);
	assert_int_equal(ebpfmini_ringbuf_new(ebpfmini_map_fd(f.rb), on_rec, &c, NULL, &rb), 0);
	run_repeat(prog_of(f.obj, "rb_reserve"), 0, 1000);
	failed = f.failed[0];
	/* 24-byte records; the kernel keeps the ring at most size - 1 full */
	assert_int_equal(failed, 1000 - 4095 / 24);
	assert_int_equal(ebpfmini_ringbuf_consume(rb), 4095 / 24);
	assert_int_equal(c.got[0] + failed, 1000);
	/* the records that made it are the first ones, in order */
	assert_int_equal(c.next[0], 4095 / 24);
	/* with room again nothing fails */
	run_repeat(prog_of(f.obj, "rb_reserve"), 0, 100);
	assert_int_equal(f.failed[0], failed);
	c.gaps_ok = true;
	assert_int_equal(ebpfmini_ringbuf_consume(rb), 100);
	assert_int_equal(c.next[0], 1100);
	ASSERT_CLEAN(&c);
	ebpfmini_ringbuf_free(rb);
	ebpfmini_object_close(f.obj);
}

/* bpf_ringbuf_discard(): the records are skipped, their space comes back. */
static void test_discard(void **state)
{
	struct xdp_fix f;
	struct checker c = { .gaps_ok = true };
	struct ebpfmini_ringbuf *rb = NULL;
	struct ebpfmini_ringbuf_record rec;
	uint64_t seen = 0;
	int n;

	(void)state;
	SKIP_UNLESS_ROOT();
	xdp_open(&f, 64 * 1024, 3);
	assert_int_equal(ebpfmini_ringbuf_new(ebpfmini_map_fd(f.rb), on_rec, &c, NULL, &rb), 0);
	run_repeat(prog_of(f.obj, "rb_reserve"), 3, 1500);
	assert_int_equal(f.discarded[3], 500);
	assert_int_equal(ebpfmini_ringbuf_consume(rb), 1000);
	assert_int_equal(c.got[3], 1000);
	assert_int_equal(ebpfmini_ringbuf_avail(rb, 0), 0);
	/* the iterator skips them too */
	run_repeat(prog_of(f.obj, "rb_reserve"), 3, 1500);
	while ((n = ebpfmini_ringbuf_next(rb, 0, &rec)) > 0) {
		const struct rb_rec *r = rec.data;

		assert_int_not_equal(r->seq % 3, 2);
		check_rec(&c, rec.data, rec.size);
		seen++;
		if (seen % 10 == 0 || seen == 1000)
			assert_int_equal(ebpfmini_ringbuf_release(rb, &rec), 0);
	}
	assert_int_equal(n, 0);
	assert_int_equal(seen, 1000);
	assert_int_equal(ebpfmini_ringbuf_avail(rb, 0), 0);
	ASSERT_CLEAN(&c);
	ebpfmini_ringbuf_free(rb);
	ebpfmini_object_close(f.obj);
}

/* Two rings, one epoll fd; poll() wakes when a producer writes. */
struct waker {
	struct ebpfmini_program *prog;
	uint32_t producer;
	int delay_ms;
	int err;
};

static void *wake_later(void *arg)
{
	struct waker *w = arg;

	usleep((useconds_t)w->delay_ms * 1000);
	w->err = try_run(w->prog, w->producer, 10);
	return NULL;
}

static void test_several_rings(void **state)
{
	struct xdp_fix f;
	struct checker c1 = { .gaps_ok = true }, c2 = { .gaps_ok = true };
	struct ebpfmini_ringbuf *rb = NULL;
	struct waker w;
	pthread_t th;
	uint64_t t0;
	int n, fl;

	(void)state;
	SKIP_UNLESS_ROOT();
	xdp_open(&f, 64 * 1024, 0);
	assert_int_equal(ebpfmini_ringbuf_new(ebpfmini_map_fd(f.rb), on_rec, &c1, NULL, &rb), 0);
	assert_int_equal(ebpfmini_ringbuf_add(rb, ebpfmini_map_fd(f.rb2), on_rec, &c2), 1);
	assert_int_equal(ebpfmini_ringbuf_ring_count(rb), 2);
	assert_int_equal(ebpfmini_ringbuf_size(rb, 1), 4096);
	fl = fcntl(ebpfmini_ringbuf_epoll_fd(rb), F_GETFD);
	assert_true(fl >= 0 && (fl & FD_CLOEXEC));
	/* a wrong map type is refused, with a message naming both types */
	log_capture_start(EBPFMINI_LOG_DEBUG);
	assert_int_equal(ebpfmini_ringbuf_add(rb, ebpfmini_map_fd(map_of(f.obj, ".bss")), on_rec,
					      &c1),
			 -EINVAL);
	log_capture_stop();
	assert_true(log_captured("ringbuf: map 'rb_xdp.bss'"));
	assert_true(log_captured("is BPF_MAP_TYPE_ARRAY, not BPF_MAP_TYPE_RINGBUF"));
	run_repeat(prog_of(f.obj, "rb_reserve"), 4, 50);
	run_repeat(prog_of(f.obj, "rb_second"), 5, 20);
	assert_int_equal(ebpfmini_ringbuf_poll(rb, 1000), 70);
	assert_int_equal(c1.got[4], 50);
	assert_int_equal(c2.got[5], 20);
	/* nothing waiting: poll times out */
	assert_int_equal(ebpfmini_ringbuf_poll(rb, 50), 0);
	/* a producer writing into the second ring during the wait wakes it */
	w = (struct waker){ prog_of(f.obj, "rb_second"), 6, 100, 0 };
	t0 = now_ns();
	assert_int_equal(pthread_create(&th, NULL, wake_later, &w), 0);
	n = ebpfmini_ringbuf_poll(rb, 10000);
	pthread_join(th, NULL);
	assert_int_equal(w.err, 0);
	if (n < 10)
		n += ebpfmini_ringbuf_consume(rb); /* woken by the first record */
	assert_int_equal(n, 10);
	assert_true(now_ns() - t0 < 5000000000ULL);
	assert_int_equal(c2.got[6], 10);
	ASSERT_CLEAN(&c1);
	ASSERT_CLEAN(&c2);
	ebpfmini_ringbuf_free(rb);
	ebpfmini_object_close(f.obj);
}

/* A callback's non-zero value stops consumption and comes back; the rest follows. */
static int stop_at_ten(void *ctx, const void *data, size_t size)
{
	struct checker *c = ctx;

	check_rec(c, data, size);
	return c->total == 10 ? 77 : 0;
}

static void test_callback_stop(void **state)
{
	struct xdp_fix f;
	struct checker c = { 0 };
	struct ebpfmini_ringbuf *rb = NULL;

	(void)state;
	SKIP_UNLESS_ROOT();
	xdp_open(&f, 64 * 1024, 0);
	assert_int_equal(ebpfmini_ringbuf_new(ebpfmini_map_fd(f.rb), stop_at_ten, &c, NULL, &rb),
			 0);
	run_repeat(prog_of(f.obj, "rb_reserve"), 0, 30);
	assert_int_equal(ebpfmini_ringbuf_consume(rb), 77);
	assert_int_equal(c.total, 10);
	assert_int_equal(ebpfmini_ringbuf_consume_n(rb, 5), 5);
	/* no notification will come for the rest: poll() must still deliver them */
	assert_int_equal(ebpfmini_ringbuf_poll(rb, 2000), 15);
	assert_int_equal(c.total, 30);
	ASSERT_CLEAN(&c);
	ebpfmini_ringbuf_free(rb);
	ebpfmini_object_close(f.obj);
}

/* A signal ends a waiting poll() with -EINTR. */
static void on_alarm(int sig)
{
	(void)sig;
}

static void test_eintr(void **state)
{
	struct xdp_fix f;
	struct checker c = { 0 };
	struct ebpfmini_ringbuf *rb = NULL;
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval it = { .it_value = { .tv_usec = 100000 } };
	uint64_t t0;

	(void)state;
	SKIP_UNLESS_ROOT();
	xdp_open(&f, 4096, 0);
	assert_int_equal(ebpfmini_ringbuf_new(ebpfmini_map_fd(f.rb), on_rec, &c, NULL, &rb), 0);
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0); /* no SA_RESTART */
	t0 = now_ns();
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
	assert_int_equal(ebpfmini_ringbuf_poll(rb, 10000), -EINTR);
	assert_true(now_ns() - t0 < 5000000000ULL);
	sigaction(SIGALRM, &old, NULL);
	ebpfmini_ringbuf_free(rb);
	ebpfmini_object_close(f.obj);
}

/* ---- tracepoint fired by two threads on two CPUs ------------------------------------- */

#define TP_CALLS 50000

struct tp_thread {
	int cpu;
	bool pinned;
	pid_t tid;
};

static void *tp_fire(void *arg)
{
	struct tp_thread *t = arg;

	t->pinned = pin_cpu(t->cpu);
	t->tid = (pid_t)syscall(SYS_gettid);
	for (long i = 0; i < TP_CALLS; i++)
		syscall(SYS_getpgid, i);
	return NULL;
}

struct tp_check {
	pid_t tids[2];
	int cpus[2];
	uint64_t next[2];
	uint64_t total;
	uint64_t errors;
	char first_error[256];
};

static int on_tp(void *ctx, const void *data, size_t size)
{
	struct tp_check *c = ctx;
	const struct tp_rec *r = data;
	int who = -1;

	if (size != sizeof(*r)) {
		c->errors++;
		return 0;
	}
	for (int i = 0; i < 2; i++)
		if (c->tids[i] == (pid_t)r->tid)
			who = i;
	if (who < 0 || r->seq != c->next[who] || (c->cpus[who] >= 0 && (int)r->cpu != c->cpus[who])) {
		if (c->errors++ == 0)
			snprintf(c->first_error, sizeof(c->first_error),
				 "tid %u cpu %u seq %llu (expected %llu)", r->tid, r->cpu,
				 (unsigned long long)r->seq,
				 who >= 0 ? (unsigned long long)c->next[who] : 0ULL);
		if (who < 0)
			return 0;
	}
	c->next[who] = r->seq + 1;
	c->total++;
	return 0;
}

static void test_tracepoint_two_cpus(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_ringbuf *rb = NULL;
	struct ebpfmini_link *link = NULL;
	struct tp_thread th[2] = { { .cpu = 0 }, { .cpu = 1 } };
	struct tp_check c = { 0 };
	pthread_t pt[2];
	volatile uint64_t *written, *failed;
	uint64_t deadline;
	int err;

	(void)state;
	SKIP_UNLESS_ROOT();
	if (!em_tracefs_root(&err)) {
		if (unshare(CLONE_NEWNS) || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL)) {
			print_message("skipped: tracefs not mounted and cannot be (CONFIG_TRACING?)\n");
			skip();
		}
	}
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		th[1].cpu = 0; /* one CPU: both threads on it */
	obj = open_obj(OBJ("rb_tp"));
	*(uint32_t *)var_ptr(obj, ".rodata", "target_tgid") = (uint32_t)getpid();
	assert_int_equal(ebpfmini_object_load(obj), 0);
	written = var_ptr(obj, ".bss", "written");
	failed = var_ptr(obj, ".bss", "failed");
	assert_int_equal(ebpfmini_ringbuf_new(ebpfmini_map_fd(map_of(obj, "tp_rb")), on_tp, &c, NULL,
					      &rb),
			 0);
	err = ebpfmini_program_attach(prog_of(obj, "rb_tp"), &link);
	if (err)
		fail_msg("attach tp/syscalls/sys_enter_getpgid: %d (%s)", err, strerror(-err));
	/* the consumer learns the thread ids before the first record can arrive */
	for (int i = 0; i < 2; i++) {
		th[i].tid = 0;
		assert_int_equal(pthread_create(&pt[i], NULL, tp_fire, &th[i]), 0);
	}
	for (int i = 0; i < 2; i++) {
		while (!__atomic_load_n(&th[i].tid, __ATOMIC_ACQUIRE))
			sched_yield();
		c.tids[i] = th[i].tid;
		c.cpus[i] = th[i].pinned ? th[i].cpu : -1;
	}
	/* consume while they fire; then until everything arrived (bounded) */
	deadline = now_ns() + 30000000000ULL;
	while (c.total < 2 * TP_CALLS && now_ns() < deadline) {
		int n = ebpfmini_ringbuf_poll(rb, 100);

		assert_true(n >= 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(pt[i], NULL);
	ebpfmini_link_close(link);
	if (c.errors)
		fail_msg("%llu bad records, first: %s", (unsigned long long)c.errors,
			 c.first_error);
	assert_int_equal(*failed, 0);
	assert_int_equal(*written, 2 * TP_CALLS);
	assert_int_equal(c.total, 2 * TP_CALLS);
	assert_int_equal(c.next[0], TP_CALLS);
	assert_int_equal(c.next[1], TP_CALLS);
	ebpfmini_ringbuf_free(rb);
	ebpfmini_object_close(obj);
}

/* ---- stress: a one-page ring, several producers, an edge-triggered consumer ---------- */

#define STRESS_PRODUCERS 3
#define STRESS_RUNS 400
#define STRESS_REPEAT 250

struct stress_producer {
	struct ebpfmini_program *prog;
	uint32_t id;
	volatile unsigned int *done;
	volatile bool *stop;
	int runs;
	int err;
};

static void *stress_produce(void *arg)
{
	struct stress_producer *p = arg;

	for (; p->runs < STRESS_RUNS && !*p->stop && !p->err; p->runs++)
		p->err = try_run(p->prog, p->id, STRESS_REPEAT);
	__atomic_fetch_add(p->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Stop and join the producers (before failing the test: they use its object). */
static void stress_stop(pthread_t *th, struct stress_producer *prod, volatile bool *stop)
{
	*stop = true;
	for (int i = 0; i < STRESS_PRODUCERS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < STRESS_PRODUCERS; i++)
		if (prod[i].err)
			fail_msg("producer %d: test_run: %d (%s)", i, prod[i].err,
				 strerror(-prod[i].err));
}

static void test_stress_one_page(void **state)
{
	struct xdp_fix f;
	struct checker c = { .gaps_ok = true };
	struct ebpfmini_ringbuf *rb = NULL;
	struct stress_producer prod[STRESS_PRODUCERS];
	pthread_t th[STRESS_PRODUCERS];
	volatile unsigned int done = 0;
	volatile bool stop = false;
	uint64_t expect = 0, deadline, polls = 0;

	(void)state;
	SKIP_UNLESS_ROOT();
	xdp_open(&f, 4096, 5);
	assert_int_equal(ebpfmini_ringbuf_new(ebpfmini_map_fd(f.rb), on_rec, &c, NULL, &rb), 0);
	for (int i = 0; i < STRESS_PRODUCERS; i++) {
		prod[i] = (struct stress_producer){ prog_of(f.obj, "rb_reserve"), (uint32_t)i,
						    &done, &stop, 0, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, stress_produce, &prod[i]), 0);
	}
	/* The consumer only sleeps in poll(). Whenever poll() times out after a
	 * whole second while bytes wait in the ring, a wakeup was lost (a record
	 * is committed within microseconds of its reservation). poll() may also
	 * return 0 at once: woken for a record still being written. */
	deadline = now_ns() + 120000000000ULL;
	for (;;) {
		bool finished = __atomic_load_n(&done, __ATOMIC_ACQUIRE) == STRESS_PRODUCERS;
		uint64_t t0 = now_ns(), waiting;
		int n = ebpfmini_ringbuf_poll(rb, 1000);

		polls++;
		if (n < 0) {
			stress_stop(th, prod, &stop);
			fail_msg("poll: %d (%s)", n, strerror(-n));
		}
		waiting = ebpfmini_ringbuf_avail(rb, 0);
		if (n == 0 && now_ns() - t0 >= 900000000ULL && waiting) {
			/* a committed record, not one a preempted producer still
			 * holds busy: the iterator returns only committed ones */
			struct ebpfmini_ringbuf_record rec;

			if (ebpfmini_ringbuf_next(rb, 0, &rec) == 1) {
				stress_stop(th, prod, &stop);
				fail_msg("poll() slept 1 s with %llu bytes in the ring (lost wakeup)",
					 (unsigned long long)waiting);
			}
		}
		if (n == 0 && finished && !waiting)
			break;
		if (now_ns() > deadline) {
			stress_stop(th, prod, &stop);
			fail_msg("consumer did not finish in 120 s");
		}
	}
	stress_stop(th, prod, &stop);
	for (int i = 0; i < STRESS_PRODUCERS; i++) {
		uint64_t runs = (uint64_t)STRESS_RUNS * STRESS_REPEAT;

		assert_int_equal(f.seqs[i], runs);
		/* every run either delivered, or failed to reserve, or discarded */
		assert_int_equal(c.got[i] + f.failed[i] + f.discarded[i], runs);
		expect += c.got[i];
	}
	assert_int_equal(c.total, expect);
	print_message("stress: %llu records delivered, %llu reservations failed, %llu polls\n",
		      (unsigned long long)c.total,
		      (unsigned long long)(f.failed[0] + f.failed[1] + f.failed[2]),
		      (unsigned long long)polls);
	ASSERT_CLEAN(&c);
	ebpfmini_ringbuf_free(rb);
	ebpfmini_object_close(f.obj);
}

/* ---- user ring buffer drained by a BPF program ------------------------------------------ */

struct user_fix {
	struct ebpfmini_object *obj;
	struct ebpfmini_program *drain;
	volatile uint64_t *good, *bad, *drained;
	volatile int64_t *last_ret;
	struct ebpfmini_ringbuf_user *u;
	uint64_t seq;
};

static void user_open(struct user_fix *f)
{
	memset(f, 0, sizeof(*f));
	f->obj = open_obj(OBJ("rb_user"));
	assert_int_equal(ebpfmini_object_load(f->obj), 0);
	f->drain = prog_of(f->obj, "rb_user_drain");
	f->good = var_ptr(f->obj, ".bss", "good");
	f->bad = var_ptr(f->obj, ".bss", "bad");
	f->drained = var_ptr(f->obj, ".bss", "drained");
	f->last_ret = var_ptr(f->obj, ".bss", "last_ret");
	assert_int_equal(ebpfmini_ringbuf_user_new(ebpfmini_map_fd(map_of(f->obj, "urb")), NULL,
						   &f->u),
			 0);
}

static void user_close(struct user_fix *f)
{
	ebpfmini_ringbuf_user_free(f->u);
	ebpfmini_object_close(f->obj);
}

/* Write one checked sample of len payload bytes (blocking up to timeout_ms). */
static int user_write(struct user_fix *f, uint32_t len, int timeout_ms)
{
	struct user_rec *r;
	void *p;
	int err = ebpfmini_ringbuf_user_reserve_blocking(f->u, sizeof(*r) + len, timeout_ms, &p);

	if (err)
		return err;
	r = p;
	r->seq = f->seq++;
	r->magic = USER_MAGIC;
	r->len = len;
	for (uint32_t i = 0; i < len; i++)
		((uint8_t *)(r + 1))[i] = (uint8_t)(r->seq + i);
	ebpfmini_ringbuf_user_submit(f->u, p);
	return 0;
}

static void test_user_ringbuf(void **state)
{
	struct user_fix f;
	struct ebpfmini_ringbuf_user *other = (void *)1;
	uint64_t submitted = 0;
	void *p;

	(void)state;
	SKIP_UNLESS_ROOT();
	user_open(&f);
	assert_int_equal(ebpfmini_ringbuf_user_size(f.u), 64 * 1024);
	for (int round = 0; round < 20; round++) {
		for (int k = 0; k < 50; k++) {
			uint32_t len = (uint32_t)(f.seq * 37) % 900;

			if (k % 7 == 3) { /* a discarded sample between checked ones */
				assert_int_equal(ebpfmini_ringbuf_user_reserve(f.u, 100, &p), 0);
				memset(p, 0xee, 100);
				ebpfmini_ringbuf_user_discard(f.u, p);
			}
			assert_int_equal(user_write(&f, len, 0), 0);
			submitted++;
		}
		run_xdp(f.drain);
		assert_int_equal(*f.bad, 0);
		assert_int_equal(*f.good, submitted);
		assert_true(*f.last_ret >= 50); /* discarded ones count too */
		assert_int_equal(ebpfmini_ringbuf_user_avail(f.u), 64 * 1024);
	}
	/* a wrong map type is refused */
	log_capture_start(EBPFMINI_LOG_DEBUG);
	assert_int_equal(ebpfmini_ringbuf_user_new(ebpfmini_map_fd(map_of(f.obj, ".bss")), NULL,
						   &other),
			 -EINVAL);
	log_capture_stop();
	assert_true(log_captured("not BPF_MAP_TYPE_USER_RINGBUF"));
	assert_null(other);
	user_close(&f);
}

struct drainer {
	struct user_fix *f;
	int delay_ms;
	int err;
};

static void *drain_later(void *arg)
{
	struct drainer *d = arg;

	usleep((useconds_t)d->delay_ms * 1000);
	d->err = try_run(d->f->drain, 0, 1);
	return NULL;
}

static void test_user_ringbuf_blocking(void **state)
{
	struct user_fix f;
	struct drainer d;
	pthread_t th;
	uint64_t written = 0, t0;
	void *p;
	int err;

	(void)state;
	SKIP_UNLESS_ROOT();
	user_open(&f);
	/* fill the ring completely: 1008-byte samples + header = 1 KiB each */
	while ((err = user_write(&f, 1000, 0)) == 0)
		written++;
	assert_int_equal(err, -ETIMEDOUT);
	assert_int_equal(written, 64);
	assert_int_equal(ebpfmini_ringbuf_user_avail(f.u), 0);
	assert_int_equal(ebpfmini_ringbuf_user_reserve(f.u, 8, &p), -ENOSPC);
	assert_int_equal(ebpfmini_ringbuf_user_reserve(f.u, 64 * 1024, &p), -E2BIG);
	/* nobody drains: the blocking reserve gives up */
	t0 = now_ns();
	assert_int_equal(user_write(&f, 8, 100), -ETIMEDOUT);
	assert_true(now_ns() - t0 >= 90000000ULL);
	/* the BPF side drains while we wait: the reserve succeeds */
	d = (struct drainer){ &f, 100, 0 };
	assert_int_equal(pthread_create(&th, NULL, drain_later, &d), 0);
	t0 = now_ns();
	assert_int_equal(user_write(&f, 8, 10000), 0);
	assert_true(now_ns() - t0 < 5000000000ULL);
	pthread_join(th, NULL);
	assert_int_equal(d.err, 0);
	run_xdp(f.drain);
	assert_int_equal(*f.good, 65);
	assert_int_equal(*f.bad, 0);
	user_close(&f);
}

static void test_fds(void **state)
{
	struct xdp_fix f;
	struct checker c = { 0 };
	struct ebpfmini_ringbuf *rb = NULL;
	int before, err;

	(void)state;
	SKIP_UNLESS_ROOT();
	xdp_open(&f, 4096, 0);
	before = count_fds();
	for (int i = 0; i < 10; i++) {
		assert_int_equal(ebpfmini_ringbuf_new(ebpfmini_map_fd(f.rb), on_rec, &c, NULL, &rb),
				 0);
		assert_int_equal(ebpfmini_ringbuf_add(rb, ebpfmini_map_fd(f.rb2), on_rec, &c), 1);
		ebpfmini_ringbuf_free(rb);
	}
	assert_int_equal(count_fds(), before);
	/* not an fd: the kernel's answer (EBADF, or EBADFD from 6.12 on) passes through */
	log_capture_start(EBPFMINI_LOG_DEBUG);
	err = ebpfmini_ringbuf_new(999, on_rec, &c, NULL, &rb);
	log_capture_stop();
	assert_true(err == -EBADF || err == -EBADFD);
	assert_true(log_captured("ringbuf: cannot read map fd 999"));
	assert_null(rb);
	assert_int_equal(count_fds(), before);
	ebpfmini_object_close(f.obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_record),
		cmocka_unit_test(test_full_ring),
		cmocka_unit_test(test_discard),
		cmocka_unit_test(test_several_rings),
		cmocka_unit_test(test_callback_stop),
		cmocka_unit_test(test_eintr),
		cmocka_unit_test(test_tracepoint_two_cpus),
		cmocka_unit_test(test_stress_one_page),
		cmocka_unit_test(test_user_ringbuf),
		cmocka_unit_test(test_user_ringbuf_blocking),
		cmocka_unit_test(test_fds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
