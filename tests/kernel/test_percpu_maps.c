/* test_percpu_maps.c - per-CPU values as arrays of one value per possible CPU against the
 * kernel's 8-byte-rounded layout: ebpfmini_map_lookup_percpu/update_percpu */
#include <errno.h>

#include "load_util.h"

static void test_percpu_roundtrip(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_map *hash, *array;
	int ncpus = ebpfmini_num_possible_cpus();
	uint32_t key = 3, *v32, *raw;
	uint64_t *v64, sum = 0;

	(void)state;
	SKIP_UNLESS_ROOT();
	assert_true(ncpus > 0);
	obj = open_obj(OBJ("load_basic"));
	assert_int_equal(ebpfmini_object_load(obj), 0);
	hash = map_of(obj, "pcpu_hash");
	array = map_of(obj, "pcpu_array");
	v32 = calloc((size_t)ncpus, sizeof(*v32));
	v64 = calloc((size_t)ncpus, sizeof(*v64));
	raw = calloc((size_t)ncpus, 8);
	assert_non_null(v32);
	assert_non_null(v64);
	assert_non_null(raw);

	/* 4-byte values: packed on our side, every 8 bytes on the kernel's */
	for (int c = 0; c < ncpus; c++)
		v32[c] = 100 + (uint32_t)c;
	assert_int_equal(ebpfmini_map_update_percpu(hash, &key, v32, ncpus * 4, 0), ncpus);
	assert_int_equal(ebpfmini_map_value_buf_size(hash), ncpus * 8);
	assert_int_equal(ebpfmini_map_lookup(hash, &key, raw, 0), 0);
	for (int c = 0; c < ncpus; c++)
		assert_int_equal(raw[2 * c], 100 + c);
	memset(v32, 0, (size_t)ncpus * 4);
	assert_int_equal(ebpfmini_map_lookup_percpu(hash, &key, v32, ncpus * 4, 0), ncpus);
	for (int c = 0; c < ncpus; c++)
		assert_int_equal(v32[c], 100 + c);

	/* 8-byte values, summed over the CPUs */
	key = 1;
	for (int c = 0; c < ncpus; c++)
		v64[c] = (uint64_t)c + 1;
	assert_int_equal(ebpfmini_map_update_percpu(array, &key, v64, ncpus * 8, 0), ncpus);
	memset(v64, 0, (size_t)ncpus * 8);
	assert_int_equal(ebpfmini_map_lookup_percpu(array, &key, v64, ncpus * 8, 0), ncpus);
	for (int c = 0; c < ncpus; c++)
		sum += v64[c];
	assert_int_equal(sum, (uint64_t)ncpus * (ncpus + 1) / 2);

	/* errors */
	assert_int_equal(ebpfmini_map_lookup_percpu(array, &key, v64, ncpus * 8 - 1, 0), -EINVAL);
	assert_int_equal(ebpfmini_map_lookup_percpu(map_of(obj, "array"), &key, v64, ncpus * 8, 0),
			 -EINVAL);
	assert_int_equal(ebpfmini_map_lookup_percpu(array, &key, NULL, ncpus * 8, 0), -EINVAL);
	key = 99;
	assert_int_equal(ebpfmini_map_lookup_percpu(hash, &key, v32, ncpus * 4, 0), -ENOENT);
	free(v32);
	free(v64);
	free(raw);
	ebpfmini_object_close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percpu_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
