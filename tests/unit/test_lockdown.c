/* test_lockdown.c - the kernel lockdown mode and the active LSMs (lib/kernel/lockdown.c) */
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
		assert_int_equal(em_lockdown_parse(cases[i].text, mode, sizeof(mode)),
				 cases[i].err);
		assert_string_equal(mode, cases[i].mode);
	}
	assert_int_equal(em_lockdown_parse("[none]", NULL, 8), -EINVAL);
	assert_int_equal(em_lockdown_parse("[none]", mode, 0), -EINVAL);
	assert_int_equal(em_lockdown_parse("[none]", mode, 4), -EBADMSG); /* "none" needs 5 */
	assert_int_equal(em_lockdown_parse("[none]", mode, 5), 0);
}

static const struct {
	const char *list, *name;
	bool has;
} lsm_cases[] = {
	{ "lockdown,capability,bpf", "bpf", true },
	{ "bpf,capability", "bpf", true },
	{ "lockdown,capability,landlock,yama,apparmor", "bpf", false },
	{ "lockdown,bpfx,xbpf", "bpf", false },
	{ "lockdown,capability,bpf\n", "bpf", true },
	{ "bp", "bpf", false },
	{ "", "bpf", false },
	{ NULL, "bpf", false },
};

static void test_lsm_has(void **state)
{
	(void)state;
	for (size_t i = 0; i < EM_ARRAY_SIZE(lsm_cases); i++) {
		print_message("case %zu: \"%s\"\n", i,
			      lsm_cases[i].list ? lsm_cases[i].list : "(null)");
		assert_int_equal(em_lockdown_lsm_has(lsm_cases[i].list, lsm_cases[i].name),
				 lsm_cases[i].has);
	}
}

static const char *file_text; /* NULL: securityfs not mounted */
static const char *lsm_text;

static long fake_kernel(void *ctx, struct em_sys_call *call)
{
	const char *text = NULL;

	(void)ctx;
	if (call->nr != EM_SYS_READ_FILE)
		return -ENOSYS;
	if (strcmp((const char *)call->args[0], "/sys/kernel/security/lockdown") == 0)
		text = file_text;
	else if (strcmp((const char *)call->args[0], "/sys/kernel/security/lsm") == 0)
		text = lsm_text;
	if (!text)
		return -ENOENT;
	call->data = text;
	call->data_len = strlen(text);
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

	/* the LSM list, without its newline */
	lsm_text = "lockdown,capability,bpf\n";
	assert_int_equal(em_lockdown_lsm_list(mode, sizeof(mode)), 0);
	assert_string_equal(mode, "lockdown,capability,bpf");
	assert_int_equal(em_lockdown_lsm_list(mode, 10), -E2BIG);
	lsm_text = NULL;
	assert_int_equal(em_lockdown_lsm_list(mode, sizeof(mode)), -ENOENT);
	assert_string_equal(mode, "");
	em_sys_set_hook_ex(NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_lsm_has),
		cmocka_unit_test(test_running),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
