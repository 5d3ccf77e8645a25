/* test_lockdown.c - the kernel lockdown mode (lib/kernel/lockdown.c) */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "kernel.h"
#include "sys.h"

static const struct {
	const char *text;
	int err;
	const char *mode;
} cases[] = {
	{ "[none] integrity confidentiality\n", 0, "none" },
	{ "none [integrity] confidentiality\n", 0, "integrity" },
	{ "none integrity [confidentiality]\n", 0, "confidentiality" },
	{ "[integrity]", 0, "integrity" },
	{ "none integrity confidentiality\n", -EBADMSG, "" },
	{ "[integrity", -EBADMSG, "" },
	{ "[]", -EBADMSG, "" },
	{ "[a b]", -EBADMSG, "" },
	{ "[confidentiality-and-much-more-than-it]", -EBADMSG, "" }, /* longer than 31 */
	{ "", -EBADMSG, "" },
	{ NULL, -EBADMSG, "" },
};

static void test_parse(void **state)
{
	char mode[32];

	(void)state;
	for (size_t i = 0; i < EM_ARRAY_SIZE(cases); i++) {
		print_message("case %zu: \"%s\"\n", i, cases[i].text ? cases[i].text : "(null)");
		memset(mode, 'x', sizeof(mode));
		assert_int_equal(em_lockdown_parse(cases[i].text, mode, sizeof(mode)), cases[i].err);
		assert_string_equal(mode, cases[i].mode);
	}
	assert_int_equal(em_lockdown_parse("[none]", NULL, 8), -EINVAL);
	assert_int_equal(em_lockdown_parse("[none]", mode, 0), -EINVAL);
	assert_int_equal(em_lockdown_parse("[none]", mode, 4), -EBADMSG); /* "none" needs 5 */
	assert_int_equal(em_lockdown_parse("[none]", mode, 5), 0);
}

static const char *file_text; /* NULL: securityfs not mounted */

static long fake_kernel(void *ctx, struct em_sys_call *call)
{
	(void)ctx;
	if (call->nr != EM_SYS_READ_FILE ||
	    strcmp((const char *)call->args[0], "/sys/kernel/security/lockdown") != 0 || !file_text)
		return -ENOENT;
	call->data = file_text;
	call->data_len = strlen(file_text);
	return EM_SYS_OK;
}

static void test_running(void **state)
{
	char mode[32];

	(void)state;
	em_sys_set_hook_ex(fake_kernel, NULL);
	file_text = "none [integrity] confidentiality\n";
	assert_int_equal(em_lockdown_mode(mode, sizeof(mode)), 0);
	assert_string_equal(mode, "integrity");
	/* read at each call: lockdown can be raised */
	file_text = "none integrity [confidentiality]\n";
	assert_int_equal(em_lockdown_mode(mode, sizeof(mode)), 0);
	assert_string_equal(mode, "confidentiality");
	file_text = NULL;
	assert_int_equal(em_lockdown_mode(mode, sizeof(mode)), -ENOENT);
	assert_string_equal(mode, "");
	em_sys_set_hook_ex(NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_running),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
