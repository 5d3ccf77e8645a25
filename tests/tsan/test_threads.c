/* test_threads.c - the thread-safety contract of ebpfmini(7), run under ThreadSanitizer (suite tsan) */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ebpfmini/ebpfmini.h"

/*
 * Each case starts its threads together and checks what they computed; a
 * TSan build (meson setup -Db_sanitize=thread) fails the test on any data
 * race the library has (TSAN_OPTIONS=halt_on_error=1 in the test's
 * environment). The kernel cases need root, as the kernel suite does.
 */
#define NTHREADS 4

static void run_threads(void *(*fn)(void *), int n)
{
	pthread_t t[8];
	long i;

	for (i = 0; i < n; i++)
		assert_int_equal(pthread_create(&t[i], NULL, fn, (void *)i), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
}

static int failures;

static void fail_once(const char *what, int err)
{
	fprintf(stderr, "%s: %s\n", what, strerror(-err));
	__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
}

/* ---- objects: open, load, attach, close in every thread; feature probes meanwhile ---- */

static void *object_cycle(void *arg)
{
	for (int i = 0; i < 4; i++) {
		struct ebpfmini_object *obj = NULL;
		struct ebpfmini_link *link = NULL;
		int err = ebpfmini_object_open(BPF_OBJ_DIR "/tp_count.bpf.o", NULL, &obj);

		if (!err)
			err = ebpfmini_object_load(obj);
		if (!err)
			err = ebpfmini_program_attach(
				ebpfmini_object_find_program(obj, "count_getpid"), &link);
		if (err)
			fail_once("open, load, attach tp_count", err);
		ebpfmini_link_close(link);
		ebpfmini_object_close(obj);
		/* the process-wide caches, asked from every thread */
		if ((long)arg % 2)
			(void)ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_XDP);
		else
			(void)ebpfmini_sys_probe_map_type(BPF_MAP_TYPE_RINGBUF);
	}
	return NULL;
}

static void test_objects(void **state)
{
	(void)state;
	failures = 0;
	run_threads(object_cycle, NTHREADS);
	assert_int_equal(failures, 0);
}

/* ---- one map: updates and lookups from several threads while one iterates -------------- */

static struct ebpfmini_map *shared_map;
static int iterations;

static void *map_worker(void *arg)
{
	uint32_t key, next;
	uint64_t value;

	if ((long)arg == 0) { /* the iterator */
		for (int round = 0; round < 50; round++) {
			int err = ebpfmini_map_next_key(shared_map, NULL, &next);

			while (err == 0) {
				key = next;
				err = ebpfmini_map_next_key(shared_map, &key, &next);
			}
			if (err != -ENOENT)
				fail_once("next_key", err);
			__atomic_add_fetch(&iterations, 1, __ATOMIC_RELAXED);
		}
		return NULL;
	}
	for (uint32_t i = 0; i < 2000; i++) {
		int err;

		key = (uint32_t)((long)arg * 4 + i % 4); /* 16 entries: 4 keys per thread */
		value = i;
		err = ebpfmini_map_update(shared_map, &key, &value, BPF_ANY);
		if (!err)
			err = ebpfmini_map_lookup(shared_map, &key, &value, 0);
		if (err)
			fail_once("update, lookup", err);
	}
	return NULL;
}

static void test_one_map(void **state)
{
	struct ebpfmini_object *obj = NULL;

	(void)state;
	failures = iterations = 0;
	assert_int_equal(ebpfmini_object_open(BPF_OBJ_DIR "/load_basic.bpf.o", NULL, &obj), 0);
	assert_int_equal(ebpfmini_object_load(obj), 0);
	shared_map = ebpfmini_object_find_map(obj, "hash");
	assert_non_null(shared_map);
	run_threads(map_worker, NTHREADS);
	assert_int_equal(failures, 0);
	assert_int_equal(iterations, 50);
	ebpfmini_object_close(obj);
}

/* ---- a ring buffer consumed by one thread while BPF produces and other consumers come and go */

static struct ebpfmini_object *rb_obj;
static int produced_done;
static long consumed;

static int count_record(void *ctx, const void *data, size_t size)
{
	(void)ctx, (void)data, (void)size;
	consumed++; /* one consumer thread: no lock needed (its manager is its own) */
	return 0;
}

static void *ring_worker(void *arg)
{
	int fd = ebpfmini_map_fd(ebpfmini_object_find_map(rb_obj, "rb"));
	int fd2 = ebpfmini_map_fd(ebpfmini_object_find_map(rb_obj, "rb2"));

	switch ((long)arg) {
	case 0: { /* the consumer */
		struct ebpfmini_ringbuf *rb = NULL;
		int err = ebpfmini_ringbuf_new(fd, count_record, NULL, NULL, &rb);

		if (err) {
			fail_once("ringbuf_new", err);
			return NULL;
		}
		while (!__atomic_load_n(&produced_done, __ATOMIC_ACQUIRE))
			ebpfmini_ringbuf_poll(rb, 10);
		ebpfmini_ringbuf_consume(rb);
		ebpfmini_ringbuf_free(rb);
		return NULL;
	}
	case 1: { /* the producer: the program, run by the kernel for this thread */
		uint8_t pkt[64] = { 0 };
		struct ebpfmini_program_test_run_opts o = { .sz = sizeof(o), .data_in = pkt,
							     .data_size_in = sizeof(pkt),
							     .repeat = 100 };

		for (int i = 0; i < 10; i++) {
			int err = ebpfmini_program_test_run(
				ebpfmini_object_find_program(rb_obj, "rb_reserve"), &o);

			if (err)
				fail_once("test_run rb_reserve", err);
		}
		__atomic_store_n(&produced_done, 1, __ATOMIC_RELEASE);
		return NULL;
	}
	default: /* other managers, each adding rings, in other threads */
		for (int i = 0; i < 20; i++) {
			struct ebpfmini_ringbuf *rb = NULL;
			int again = dup(fd2); /* one epoll watches an fd once: a second fd */
			int err = ebpfmini_ringbuf_new(fd2, count_record, NULL, NULL, &rb);

			if (!err && ebpfmini_ringbuf_add(rb, again, count_record, NULL) < 0)
				err = -EINVAL;
			if (err)
				fail_once("ringbuf_new, add", err);
			ebpfmini_ringbuf_free(rb);
			close(again);
		}
		return NULL;
	}
}

static void test_ring(void **state)
{
	(void)state;
	failures = 0;
	consumed = 0;
	produced_done = 0;
	assert_int_equal(ebpfmini_object_open(BPF_OBJ_DIR "/rb_xdp.bpf.o", NULL, &rb_obj), 0);
	assert_int_equal(ebpfmini_object_load(rb_obj), 0);
	run_threads(ring_worker, NTHREADS);
	assert_int_equal(failures, 0);
	assert_true(consumed > 0);
	ebpfmini_object_close(rb_obj);
}

/* ---- the logger: level and callback changed while other threads log ---------------------- */

static int ctx_a, ctx_b, wrong_ctx, stop_logging;
static long lines_a, lines_b;

static void cb_a(enum ebpfmini_log_level level, const char *line, void *ctx)
{
	(void)level, (void)line;
	if (ctx != &ctx_a)
		wrong_ctx++; /* callbacks run one at a time: plain counters */
	__atomic_add_fetch(&lines_a, 1, __ATOMIC_RELAXED);
}

static void cb_b(enum ebpfmini_log_level level, const char *line, void *ctx)
{
	(void)level, (void)line;
	if (ctx != &ctx_b)
		wrong_ctx++;
	__atomic_add_fetch(&lines_b, 1, __ATOMIC_RELAXED);
}

static void *log_worker(void *arg)
{
	static const uint8_t junk[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };

	if ((long)arg == 0) {
		for (int i = 0; i < 2000 || __atomic_load_n(&lines_a, __ATOMIC_RELAXED) +
						    __atomic_load_n(&lines_b, __ATOMIC_RELAXED) < 100;
		     i++) {
			ebpfmini_log_set(i % 2 ? cb_a : cb_b,
					 i % 3 ? EBPFMINI_LOG_DEBUG : EBPFMINI_LOG_WARN,
					 i % 2 ? (void *)&ctx_a : (void *)&ctx_b);
			(void)ebpfmini_log_level();
		}
		__atomic_store_n(&stop_logging, 1, __ATOMIC_RELEASE);
		return NULL;
	}
	while (!__atomic_load_n(&stop_logging, __ATOMIC_ACQUIRE)) {
		struct ebpfmini_object *obj = NULL;

		/* a damaged object: open logs why, from this thread */
		if (ebpfmini_object_open_mem(junk, sizeof(junk), NULL, &obj) == 0)
			ebpfmini_object_close(obj);
		ebpfmini_sys_set_trace(false);
	}
	return NULL;
}

static void test_logger(void **state)
{
	(void)state;
	run_threads(log_worker, NTHREADS);
	ebpfmini_log_set(NULL, EBPFMINI_LOG_WARN, NULL);
	assert_int_equal(wrong_ctx, 0);
	assert_true(lines_a + lines_b > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logger),
		cmocka_unit_test(test_objects),
		cmocka_unit_test(test_one_map),
		cmocka_unit_test(test_ring),
	};

	if (geteuid() != 0)
		fprintf(stderr, "test_threads: the kernel cases need root\n");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
