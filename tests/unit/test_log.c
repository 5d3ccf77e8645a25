/* test_log.c - the process-wide logger (lib/base/log.c): escaping of hostile names, the callback and its context under threads */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "log_capture.h"

/* A name with a line break, a forged line and a terminal escape stays one line, escaped. */
static void test_name_cannot_forge_a_line(void **state)
{
	const char *name = "x\nebpfmini: map 'y': created\x1b[2J\x7f";

	(void)state;
	log_capture_start(EBPFMINI_LOG_DEBUG);
	em_warn("prog '%s': load: bad", name);
	assert_int_equal(logcap.count, 1);
	assert_string_equal(logcap.last,
			    "prog 'x\n\tebpfmini: map 'y': created\\x1b[2J\\x7f': load: bad");
	/* nothing after a line break starts at the beginning of a line */
	for (const char *p = strchr(logcap.last, '\n'); p; p = strchr(p + 1, '\n'))
		assert_int_equal(p[1], '\t');
	log_capture_stop();
}

/*
 * One thread logs while another switches between two callbacks, each with
 * its own context: a callback is never called with the other one's context.
 */
static int ctx_a, ctx_b;
static int mismatches;

static void cb_a(enum ebpfmini_log_level level, const char *line, void *ctx)
{
	(void)level, (void)line;
	if (ctx != &ctx_a)
		__atomic_add_fetch(&mismatches, 1, __ATOMIC_RELAXED);
}

static void cb_b(enum ebpfmini_log_level level, const char *line, void *ctx)
{
	(void)level, (void)line;
	if (ctx != &ctx_b)
		__atomic_add_fetch(&mismatches, 1, __ATOMIC_RELAXED);
}

static int stop;

static void *logger(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		em_warn("map 'm': lookup: %d", 1);
	return NULL;
}

static void test_callback_gets_its_context(void **state)
{
	pthread_t t[2];

	(void)state;
	ebpfmini_log_set(cb_a, EBPFMINI_LOG_WARN, &ctx_a);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, logger, NULL), 0);
	for (int i = 0; i < 20000; i++) {
		ebpfmini_log_set(cb_b, EBPFMINI_LOG_WARN, &ctx_b);
		ebpfmini_log_set(cb_a, EBPFMINI_LOG_WARN, &ctx_a);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	ebpfmini_log_set(NULL, EBPFMINI_LOG_WARN, NULL);
	assert_int_equal(mismatches, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_cannot_forge_a_line),
		cmocka_unit_test(test_callback_gets_its_context),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
