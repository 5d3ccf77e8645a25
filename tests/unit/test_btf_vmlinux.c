/* test_btf_vmlinux.c - unit tests of the kernel BTF reader (lib/kernel/btf_vmlinux.c): the read into huge pages where the kernel refuses to map its BTF */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "kbtf.h"
#include "sys.h"

static struct {
	int file_maps, anon_maps, madvise, reads;
} seen;

/* The kernel refuses to map a file (as before 6.16); anonymous mappings and reads go through. */
static long no_file_mmap(void *ctx, struct em_sys_call *c)
{
	(void)ctx;
	if (c->nr == SYS_mmap && (int)c->args[4] >= 0) {
		seen.file_maps++;
		return -ENODEV;
	}
	if (c->nr == SYS_mmap)
		seen.anon_maps++;
	if (c->nr == SYS_madvise && (int)c->args[2] == MADV_HUGEPAGE)
		seen.madvise++;
	if (c->nr == SYS_read)
		seen.reads++;
	return 0;
}

static void test_read_into_huge_pages(void **state)
{
	const struct ebpfmini_btf *btf = NULL;

	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		skip(); /* a kernel without CONFIG_DEBUG_INFO_BTF */
	em_sys_set_hook_ex(no_file_mmap, NULL);
	assert_int_equal(em_btf_vmlinux_get(NULL, &btf), 0);
	em_sys_set_hook_ex(NULL, NULL);
	assert_non_null(btf);
	assert_true(ebpfmini_btf_type_count((struct ebpfmini_btf *)btf) > 1000);
	assert_int_equal(seen.file_maps, 1);
	assert_int_equal(seen.anon_maps, 1);
	assert_int_equal(seen.madvise, 1);
	assert_true(seen.reads >= 1);
	/* kept for the process: a second call reads nothing */
	assert_int_equal(em_btf_vmlinux_get(NULL, &btf), 0);
	assert_int_equal(seen.file_maps, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_into_huge_pages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
