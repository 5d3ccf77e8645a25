/* test_kallsyms.c - the /proc/kallsyms parser: addresses, absent names, addresses hidden by kptr_restrict (lib/kernel/kallsyms.c) */
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

#define ABSENT UINT64_MAX /* want: the name is not listed */

static const char *const names[] = { "a", "bb", "ccc", "missing" };

static const struct {
	const char *what, *text;
	int err;
	bool hidden;
	uint64_t want[4]; /* per name: its address, or ABSENT */
	size_t ambiguous;
} cases[] = {
	{ "addresses shown",
	  "0000000000001000 T a\n"
	  "0000000000002000 t bb\t[mod]\n"
	  "garbage line\n"
	  "zz T ccc\n" /* not hex: skipped */
	  "0000000000003000 D ccc\n"
	  "0000000000001000 t a\n" /* same address again: fine */
	  "0000000000004000 T aa",
	  0, false, { 0x1000, 0x2000, 0x3000, ABSENT }, SIZE_MAX },
	{ "short addresses, upper case, no final newline", "1A T a\nfFfF t bb", 0, false,
	  { 0x1a, 0xffff, ABSENT, ABSENT }, SIZE_MAX },
	{ "a prefix or an extension of a name is another name",
	  "0000000000001000 T aa\n0000000000002000 T b\n0000000000003000 T bbb\n", 0, false,
	  { ABSENT, ABSENT, ABSENT, ABSENT }, SIZE_MAX },
	/* kernel.kptr_restrict: names listed, every address 0 */
	{ "hidden", "0000000000000000 T a\n0000000000000000 t bb\t[mod]\n", 0, true,
	  { 0, 0, ABSENT, ABSENT }, SIZE_MAX },
	{ "hidden, none of the names listed", "0000000000000000 T other\n", 0, true,
	  { ABSENT, ABSENT, ABSENT, ABSENT }, SIZE_MAX },
	{ "one address not 0: not hidden", "0000000000000000 T a\n0000000000001000 T bb\n", 0,
	  false, { 0, 0x1000, ABSENT, ABSENT }, SIZE_MAX },
	{ "empty", "", 0, false, { ABSENT, ABSENT, ABSENT, ABSENT }, SIZE_MAX },
	{ "no symbol line at all", "garbage\n\n", 0, false, { ABSENT, ABSENT, ABSENT, ABSENT },
	  SIZE_MAX },
	/* one name, two addresses */
	{ "ambiguous", "0000000000001000 t bb\n0000000000005000 t bb\n", -EINVAL, false,
	  { 0, 0, 0, 0 }, 1 },
	{ "NULL text", NULL, -EINVAL, false, { 0, 0, 0, 0 }, SIZE_MAX },
};

static void test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < EM_ARRAY_SIZE(cases); i++) {
		struct em_kallsyms_query q[4];
		size_t bad = 42;
		bool hidden = !cases[i].hidden;

		print_message("case %zu: %s\n", i, cases[i].what);
		for (size_t k = 0; k < 4; k++)
			q[k] = (struct em_kallsyms_query){ names[k], 0xdead, true };
		assert_int_equal(em_kallsyms_parse(cases[i].text, q, 4, &hidden, &bad),
				 cases[i].err);
		assert_int_equal(bad, cases[i].ambiguous);
		if (cases[i].err)
			continue;
		assert_int_equal(hidden, cases[i].hidden);
		for (size_t k = 0; k < 4; k++) {
			assert_int_equal(q[k].found, cases[i].want[k] != ABSENT);
			assert_int_equal(q[k].addr, cases[i].want[k] == ABSENT ? 0 : cases[i].want[k]);
		}
	}
	/* NULL hidden and ambiguous are fine; queries without names' array are not */
	assert_int_equal(em_kallsyms_parse("1 T a\n", NULL, 0, NULL, NULL), 0);
	assert_int_equal(em_kallsyms_parse("1 T a\n", NULL, 1, NULL, NULL), -EINVAL);
}

/* ---- the file, served by a scripted kernel ---------------------------------------------- */

static const char *file_text;
static int reads;

static long fake_kernel(void *ctx, struct em_sys_call *call)
{
	(void)ctx;
	if (call->nr != EM_SYS_READ_FILE)
		return -ENOSYS;
	if (strcmp((const char *)call->args[0], "/proc/kallsyms") != 0 || !file_text)
		return -ENOENT;
	reads++;
	call->data = file_text;
	call->data_len = strlen(file_text);
	return EM_SYS_OK;
}

static void test_lookup(void **state)
{
	struct em_kallsyms_query q[2] = { { .name = "a" }, { .name = "bb" } };
	size_t bad = 0;
	bool hidden = true;
	char *text = NULL;

	(void)state;
	em_sys_set_hook_ex(fake_kernel, NULL);
	file_text = "ffffffff81000000 T a\n";
	assert_int_equal(em_kallsyms_lookup(q, 2, &hidden, &bad), 0);
	assert_false(hidden);
	assert_int_equal(bad, SIZE_MAX);
	assert_true(q[0].found);
	assert_int_equal(q[0].addr, 0xffffffff81000000ull);
	assert_false(q[1].found);
	/* read afresh each time */
	file_text = "0000000000000000 T a\n0000000000000000 T bb\n";
	assert_int_equal(em_kallsyms_lookup(q, 2, &hidden, NULL), 0);
	assert_true(hidden);
	assert_true(q[1].found);
	assert_int_equal(q[0].addr, 0);
	assert_int_equal(reads, 2);
	/* nothing asked: nothing read */
	assert_int_equal(em_kallsyms_lookup(NULL, 0, NULL, NULL), 0);
	assert_int_equal(reads, 2);
	assert_int_equal(em_kallsyms_read(&text), 0);
	assert_string_equal(text, file_text);
	free(text);
	file_text = NULL;
	assert_int_equal(em_kallsyms_lookup(q, 2, &hidden, NULL), -ENOENT);
	assert_int_equal(em_kallsyms_read(&text), -ENOENT);
	assert_null(text);
	em_sys_set_hook_ex(NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
