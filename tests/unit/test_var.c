/* test_var.c - unit tests of global variables by name (lib/object/var.c), before load */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ebpfmini/ebpfmini.h"
#include "log_capture.h"

#define SKEL_VARS BPF_OBJ_DIR "/skel_vars.bpf.o"

static struct ebpfmini_object *open_obj(const char *path)
{
	struct ebpfmini_object *obj = NULL;

	assert_int_equal(ebpfmini_object_open(path, NULL, &obj), 0);
	return obj;
}

/* Every variable: section, size and type as BTF says, inside its map, in order. */
static void test_vars_match_btf(void **state)
{
	struct ebpfmini_object *obj = open_obj(SKEL_VARS);
	const struct ebpfmini_btf *btf = ebpfmini_object_btf(obj);
	struct ebpfmini_var *v, *prev = NULL;
	int n = 0;

	(void)state;
	for (v = ebpfmini_object_next_var(obj, NULL); v;
	     prev = v, v = ebpfmini_object_next_var(obj, v)) {
		size_t size = 0;

		assert_ptr_equal(ebpfmini_object_find_var(obj, ebpfmini_var_name(v)), v);
		assert_string_equal(ebpfmini_var_section(v),
				    ebpfmini_map_name(ebpfmini_var_map(v)));
		assert_int_equal(ebpfmini_btf_type_size(btf, ebpfmini_var_type_id(v)),
				 (int)ebpfmini_var_size(v));
		assert_non_null(ebpfmini_map_data(ebpfmini_var_map(v), &size));
		assert_true(ebpfmini_var_offset(v) + ebpfmini_var_size(v) <= size);
		if (prev && ebpfmini_var_map(prev) == ebpfmini_var_map(v))
			assert_true(ebpfmini_var_offset(prev) + ebpfmini_var_size(prev) <=
				    ebpfmini_var_offset(v));
		n++;
	}
	assert_int_equal(n, 16); /* 6 .rodata, 3 .data, 4 .bss, 2 custom, 1 .kconfig */
	ebpfmini_object_close(obj);
}

static void test_sections_and_values(void **state)
{
	struct ebpfmini_object *obj = open_obj(SKEL_VARS);
	static const struct {
		const char *name, *sec;
		uint32_t size;
	} want[] = {
		{ "ro_small", ".rodata", 1 },         { "ro_wide", ".rodata", 8 },
		{ "ro_cfg", ".rodata", 32 },          { "ro_arr", ".rodata", 12 },
		{ "ro_anon", ".rodata", 4 },          { "ro_mode", ".rodata", 4 },
		{ "data_counter", ".data", 4 },       { "data_name", ".data", 6 },
		{ "data_static", ".data", 4 },        { "bss_sum", ".bss", 8 },
		{ "bss_hits", ".bss", 32 },           { "custom_val", ".data.custom", 4 },
		{ "custom_ro", ".rodata.custom", 2 }, { "LINUX_KERNEL_VERSION", ".kconfig", 4 },
	};
	struct ebpfmini_var *v;
	uint64_t wide = 0;
	uint32_t u32 = 0;
	char name[6];

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		v = ebpfmini_object_find_var(obj, want[i].name);
		assert_non_null(v);
		assert_string_equal(ebpfmini_var_section(v), want[i].sec);
		assert_int_equal(ebpfmini_var_size(v), want[i].size);
	}
	assert_null(ebpfmini_object_find_var(obj, "no_such_var"));
	assert_null(ebpfmini_object_find_var(obj, "LICENSE")); /* a DATASEC, but not a data map */
	assert_null(ebpfmini_object_find_var(obj, NULL));
	assert_null(ebpfmini_object_find_var(NULL, "ro_wide"));

	/* initial values, read through the handle */
	v = ebpfmini_object_find_var(obj, "ro_wide");
	assert_int_equal(ebpfmini_var_read(v, &wide, sizeof(wide)), 0);
	assert_true(wide == 0x1122334455667788ULL);
	assert_int_equal(ebpfmini_var_read(ebpfmini_object_find_var(obj, "data_static"), &u32, 4),
			 0);
	assert_int_equal(u32, 9);
	assert_int_equal(ebpfmini_var_read(ebpfmini_object_find_var(obj, "data_name"), name, 6), 0);
	assert_string_equal(name, "skel");

	/* a write lands in the map's initial image, at the variable's offset */
	wide = 42;
	assert_int_equal(ebpfmini_var_write(v, &wide, sizeof(wide)), 0);
	memcpy(&wide,
	       (uint8_t *)ebpfmini_map_data(ebpfmini_var_map(v), NULL) + ebpfmini_var_offset(v), 8);
	assert_true(wide == 42);

	/* wrong sizes and NULLs */
	assert_int_equal(ebpfmini_var_read(v, &u32, 4), -EINVAL);
	assert_int_equal(ebpfmini_var_write(v, &u32, 4), -EINVAL);
	assert_int_equal(ebpfmini_var_read(v, NULL, 8), -EINVAL);
	assert_int_equal(ebpfmini_var_read(NULL, &wide, 8), -EINVAL);

	/* .kconfig is the kernel's to fill */
	log_capture_start(EBPFMINI_LOG_ERROR);
	assert_int_equal(
		ebpfmini_var_write(ebpfmini_object_find_var(obj, "LINUX_KERNEL_VERSION"), &u32, 4),
		-EPERM);
	assert_true(log_captured("map '.kconfig': write 'LINUX_KERNEL_VERSION': read-only"));
	log_capture_stop();
	ebpfmini_object_close(obj);
}

/* An object without data sections has no variables. */
static void test_no_vars(void **state)
{
	struct ebpfmini_object *obj = open_obj(BPF_OBJ_DIR "/link_xdp.bpf.o");

	(void)state;
	assert_null(ebpfmini_object_next_var(obj, NULL));
	assert_null(ebpfmini_object_find_var(obj, "x"));
	ebpfmini_object_close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vars_match_btf),
		cmocka_unit_test(test_sections_and_values),
		cmocka_unit_test(test_no_vars),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
