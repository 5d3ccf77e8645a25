/* test_cpus.c - the CPU list parser and the possible/online CPUs (lib/kernel/cpus.c) */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ebpfmini/log.h"
#include "internal.h"
#include "kernel.h"
#include "sys.h"

#define LIST_END -1

static const struct {
	const char *text;
	int err;
	int cpus[12]; /* ascending, LIST_END after the last */
} cases[] = {
	{ "0-3\n", 0, { 0, 1, 2, 3, LIST_END } },
	{ "0", 0, { 0, LIST_END } },
	{ "3", 0, { 3, LIST_END } },
	{ "1", 0, { 1, LIST_END } },
	{ "0,2-3,7\n", 0, { 0, 2, 3, 7, LIST_END } },
	{ "0-1,4-5", 0, { 0, 1, 4, 5, LIST_END } },
	{ "0-2,5,7-8\n", 0, { 0, 1, 2, 5, 7, 8, LIST_END } },
	{ "0-3,8\n", 0, { 0, 1, 2, 3, 8, LIST_END } },
	/* overlapping or unordered: each CPU once, ascending */
	{ "0-1,1-2", 0, { 0, 1, 2, LIST_END } },
	{ "5,1", 0, { 1, 5, LIST_END } },
	{ "1,", 0, { 1, LIST_END } },
	{ "65535", 0, { 65535, LIST_END } },
	/* malformed */
	{ "", -EBADMSG, { LIST_END } },
	{ "\n", -EBADMSG, { LIST_END } },
	{ "x", -EBADMSG, { LIST_END } },
	{ "3-1", -EBADMSG, { LIST_END } },
	{ "2-1", -EBADMSG, { LIST_END } },
	{ "0-", -EBADMSG, { LIST_END } },
	{ "1-", -EBADMSG, { LIST_END } },
	{ "0;1", -EBADMSG, { LIST_END } },
	{ "1;2", -EBADMSG, { LIST_END } },
	{ "1,,2", -EBADMSG, { LIST_END } },
	{ "-1", -EBADMSG, { LIST_END } },
	{ "65536", -EBADMSG, { LIST_END } },
	{ "0-99999999", -EBADMSG, { LIST_END } },
	{ "99999999999", -EBADMSG, { LIST_END } },
	{ "99999999999999999999999", -EBADMSG, { LIST_END } },
	{ NULL, -EBADMSG, { LIST_END } },
};

static void test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < EM_ARRAY_SIZE(cases); i++) {
		int *cpus = (int *)&cases; /* must be overwritten */
		size_t n = 99, want = 0;

		while (cases[i].cpus[want] != LIST_END)
			want++;
		print_message("case %zu: \"%s\"\n", i, cases[i].text ? cases[i].text : "(null)");
		assert_int_equal(em_cpus_parse(cases[i].text, &cpus, &n), cases[i].err);
		assert_int_equal(n, want);
		if (cases[i].err) {
			assert_null(cpus);
			continue;
		}
		assert_non_null(cpus);
		for (size_t c = 0; c < want; c++)
			assert_int_equal(cpus[c], cases[i].cpus[c]);
		free(cpus);
	}
	assert_int_equal(em_cpus_parse("0", NULL, &(size_t){ 0 }), -EINVAL);
}

/* ---- the files, served by a scripted kernel -------------------------------------------- */

static const char *possible_text, *online_text;
static int reads;

static long fake_kernel(void *ctx, struct em_sys_call *call)
{
	const char *path = (const char *)call->args[0], *text = NULL;

	(void)ctx;
	if (call->nr != EM_SYS_READ_FILE)
		return -ENOSYS;
	if (strcmp(path, "/sys/devices/system/cpu/possible") == 0)
		text = possible_text;
	else if (strcmp(path, "/sys/devices/system/cpu/online") == 0)
		text = online_text;
	if (!text)
		return -ENOENT;
	reads++;
	call->data = text;
	call->data_len = strlen(text);
	return EM_SYS_OK;
}

static void test_files(void **state)
{
	int *cpus = NULL;
	size_t n = 0;

	(void)state;
	ebpfmini_log_set(NULL, EBPFMINI_LOG_OFF, NULL);
	em_sys_set_hook_ex(fake_kernel, NULL);

	/* possible: an error is not cached, a count is, for the process */
	possible_text = "bogus";
	assert_int_equal(em_cpus_possible(), -EBADMSG);
	possible_text = NULL;
	assert_int_equal(em_cpus_possible(), -ENOENT);
	possible_text = "0-3,6\n";
	reads = 0;
	assert_int_equal(em_cpus_possible(), 7); /* the highest + 1, holes included */
	possible_text = "0-127\n";
	assert_int_equal(em_cpus_possible(), 7);
	assert_int_equal(reads, 1);

	/* online: read at every call */
	online_text = "0-2\n";
	assert_int_equal(em_cpus_online(&cpus, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(cpus[2], 2);
	free(cpus);
	online_text = "1,3\n";
	assert_int_equal(em_cpus_online(&cpus, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(cpus[0], 1);
	assert_int_equal(cpus[1], 3);
	free(cpus);
	online_text = NULL;
	assert_int_equal(em_cpus_online(&cpus, &n), -ENOENT);
	assert_null(cpus);
	assert_int_equal(n, 0);
	assert_int_equal(em_cpus_online(NULL, &n), -EINVAL);

	em_sys_set_hook_ex(NULL, NULL);
	ebpfmini_log_set(NULL, EBPFMINI_LOG_WARN, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
