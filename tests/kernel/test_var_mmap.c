/* test_var_mmap.c - global variables by name against the kernel: set before load, read and
 * written through the mapping after, frozen .rodata refused */
#include <errno.h>

#include "load_util.h"

static struct ebpfmini_var *var_of(struct ebpfmini_object *obj, const char *name)
{
	struct ebpfmini_var *v = ebpfmini_object_find_var(obj, name);

	if (!v)
		fail_msg("no variable '%s'", name);
	return v;
}

static void test_var_before_and_after_load(void **state)
{
	struct ebpfmini_object *obj;
	uint64_t wide = 1000, sum = 0, hits[4];
	uint32_t u32, limit;
	uint8_t small = 0;
	int fds = count_fds();

	(void)state;
	SKIP_UNLESS_ROOT();
	obj = open_obj(OBJ("skel_vars"));
	/* configure before load */
	assert_int_equal(ebpfmini_var_write(var_of(obj, "ro_wide"), &wide, 8), 0);
	assert_int_equal(ebpfmini_var_read(var_of(obj, "ro_small"), &small, 1), 0);
	assert_int_equal(small, 1);
	assert_int_equal(ebpfmini_object_load(obj), 0);

	/* the program sees the values set before load */
	assert_int_equal(run_xdp(prog_of(obj, "skel_copy")), XDP_PASS);
	assert_int_equal(ebpfmini_var_read(var_of(obj, "bss_sum"), &sum, 8), 0);
	/* 1 + 1000 + limit 3 + wide 5 + ro_arr[2] 30 + port 80 + MODE_ON 7 + custom_ro 12 +
	 * data_static 9 */
	assert_int_equal(sum, 1 + 1000 + 3 + 5 + 30 + 80 + 7 + 12 + 9);
	assert_int_equal(ebpfmini_var_read(var_of(obj, "bss_hits"), hits, sizeof(hits)), 0);
	assert_int_equal(hits[0], 1);
	assert_int_equal(hits[3], 1); /* LINUX_KERNEL_VERSION was filled */
	assert_int_equal(ebpfmini_var_read(var_of(obj, "LINUX_KERNEL_VERSION"), &u32, 4), 0);
	assert_true(u32 > 0);

	/* after load a write goes through the mapping: the next run sees it */
	u32 = 100;
	assert_int_equal(ebpfmini_var_write(var_of(obj, "custom_val"), &u32, 4), 0);
	assert_int_equal(run_xdp(prog_of(obj, "skel_copy")), XDP_PASS);
	assert_int_equal(ebpfmini_var_read(var_of(obj, "custom_val"), &u32, 4), 0);
	assert_int_equal(u32, 100 + 5 + 's');
	hits[0] = 0;
	assert_int_equal(ebpfmini_var_write(var_of(obj, "bss_hits"), hits, sizeof(hits)), 0);
	assert_int_equal(run_xdp(prog_of(obj, "skel_copy")), XDP_PASS);
	assert_int_equal(ebpfmini_var_read(var_of(obj, "bss_hits"), hits, sizeof(hits)), 0);
	assert_int_equal(hits[0], 1);

	/* frozen .rodata: readable, not writable, and the log says why */
	assert_int_equal(ebpfmini_var_read(var_of(obj, "ro_cfg"), &limit, 4), -EINVAL);
	log_capture_start(EBPFMINI_LOG_ERROR);
	assert_int_equal(ebpfmini_var_write(var_of(obj, "ro_wide"), &wide, 8), -EPERM);
	assert_int_equal(ebpfmini_var_write(var_of(obj, "custom_ro"), &u32, 2), -EPERM);
	assert_int_equal(ebpfmini_var_write(var_of(obj, "ro_small"), &small, 1), -EPERM);
	assert_true(log_captured("map '.rodata': write 'ro_wide': read-only after load"));
	log_capture_stop();
	wide = 0;
	assert_int_equal(ebpfmini_var_read(var_of(obj, "ro_wide"), &wide, 8), 0);
	assert_int_equal(wide, 1000);
	ebpfmini_object_close(obj);
	assert_int_equal(count_fds(), fds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_var_before_and_after_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
