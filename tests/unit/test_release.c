/* test_release.c - the kernel release: its number, and uname asked once (lib/kernel/release.c) */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include <cmocka.h>

#include "internal.h"
#include "kernel.h"
#include "sys.h"

#define KV(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))

static const struct {
	const char *release;
	uint32_t code;
} cases[] = {
	{ "6.18.44-fc-v657", 0x06122c },
	{ "6.18.44", KV(6, 18, 44) },
	{ "6.1.0-27-cloud-amd64", KV(6, 1, 0) },
	{ "6.12.12+bpo-cloud-amd64", KV(6, 12, 12) },
	{ "4.19.300", KV(4, 19, 255) }, /* the sublevel is capped, as KERNEL_VERSION does */
	{ "5.15", KV(5, 15, 0) },
	{ "5.15\n", KV(5, 15, 0) },
	{ "6.8.0-rc1", KV(6, 8, 0) },
	{ "255.255.255", KV(255, 255, 255) },
	{ "6", 0 },
	{ "x.y", 0 },
	{ "", 0 },
	{ NULL, 0 },
	{ "300.1.1", 0 },
	{ "6.256.1", 0 },
	{ "-6.1.0", 0 },
};

static void test_version_code(void **state)
{
	(void)state;
	for (size_t i = 0; i < EM_ARRAY_SIZE(cases); i++) {
		print_message("case %zu: \"%s\"\n", i, cases[i].release ? cases[i].release : "(null)");
		assert_int_equal(em_kernel_version_code(cases[i].release), cases[i].code);
	}
}

/* ---- uname, scripted ------------------------------------------------------------------- */

static const char *uname_release; /* NULL: uname fails */
static int unames;

static long fake_kernel(void *ctx, struct em_sys_call *call)
{
	(void)ctx;
	if (call->nr != SYS_uname)
		return -ENOSYS;
	unames++;
	if (!uname_release)
		return -EFAULT;
	snprintf(((struct utsname *)call->args[0])->release, sizeof(((struct utsname *)0)->release),
		 "%s", uname_release);
	return EM_SYS_OK;
}

static void test_running(void **state)
{
	(void)state;
	em_sys_set_hook_ex(fake_kernel, NULL);
	em_kernel_release_reset();

	/* a failure is not kept */
	uname_release = NULL;
	assert_string_equal(em_kernel_release(), "");
	assert_int_equal(em_kernel_version(), 0);
	assert_int_equal(unames, 2);
	/* an answer is kept for the process */
	uname_release = "6.1.0-27-cloud-amd64";
	assert_string_equal(em_kernel_release(), "6.1.0-27-cloud-amd64");
	uname_release = "6.12.0";
	assert_string_equal(em_kernel_release(), "6.1.0-27-cloud-amd64");
	assert_int_equal(em_kernel_version(), KV(6, 1, 0));
	assert_int_equal(unames, 3);
	/* until a test forgets it */
	em_kernel_release_reset();
	assert_int_equal(em_kernel_version(), KV(6, 12, 0));
	assert_int_equal(unames, 4);

	em_sys_set_hook_ex(NULL, NULL);
	em_kernel_release_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_code),
		cmocka_unit_test(test_running),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
