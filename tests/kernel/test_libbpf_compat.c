/* test_libbpf_compat.c - objects built with ebpfmini's BPF headers also load with libbpf */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ebpfmini/ebpfmini.h"

/*
 * libbpf is not a dependency: the system's runtime library (Debian package
 * libbpf1, pulled in by iproute2) is opened with dlopen, and the handful of
 * functions used are declared here from libbpf's documented ABI. Nothing
 * from libbpf's headers is included.
 */
struct lb_object;
struct lb_program;
struct lb_map;

struct libbpf_api {
	void *handle;
	struct lb_object *(*open_file)(const char *path, const void *opts);
	int (*load)(struct lb_object *obj);
	void (*close)(struct lb_object *obj);
	struct lb_program *(*find_program)(const struct lb_object *obj, const char *name);
	struct lb_map *(*find_map)(const struct lb_object *obj, const char *name);
	int (*program_fd)(const struct lb_program *prog);
	int (*map_fd)(const struct lb_map *map);
};

static struct libbpf_api lb;

static int setup(void **state)
{
	(void)state;
	lb.handle = dlopen("libbpf.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!lb.handle)
		return 0;
	lb.open_file = (struct lb_object * (*)(const char *, const void *))
		dlsym(lb.handle, "bpf_object__open_file");
	lb.load = (int (*)(struct lb_object *))dlsym(lb.handle, "bpf_object__load");
	lb.close = (void (*)(struct lb_object *))dlsym(lb.handle, "bpf_object__close");
	lb.find_program = (struct lb_program * (*)(const struct lb_object *, const char *))
		dlsym(lb.handle, "bpf_object__find_program_by_name");
	lb.find_map = (struct lb_map * (*)(const struct lb_object *, const char *))
		dlsym(lb.handle, "bpf_object__find_map_by_name");
	lb.program_fd = (int (*)(const struct lb_program *))dlsym(lb.handle, "bpf_program__fd");
	lb.map_fd = (int (*)(const struct lb_map *))dlsym(lb.handle, "bpf_map__fd");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (lb.handle)
		dlclose(lb.handle);
	return 0;
}

/* Run the XDP program twice on a dummy packet; return its verdict and the
 * counter it keeps under key 42. */
static void run_twice(int prog_fd, int map_fd, uint32_t *retval, uint64_t *count)
{
	unsigned char pkt[64] = { 0 };
	struct ebpfmini_sys_test_run_opts opts = {
		.sz = sizeof(opts),
		.data_in = pkt,
		.data_size_in = sizeof(pkt),
		.repeat = 2,
	};
	uint32_t key = 42;

	assert_int_equal(ebpfmini_sys_prog_test_run(prog_fd, &opts), 0);
	*retval = opts.retval;
	assert_int_equal(ebpfmini_sys_map_lookup(map_fd, &key, count, 0), 0);
}

static void test_libbpf_loads_our_object(void **state)
{
	struct lb_object *obj;
	uint32_t retval = 0;
	uint64_t count = 0;

	(void)state;
	if (geteuid() != 0) {
		print_message("skip: needs root (CAP_BPF) to load programs\n");
		skip();
	}
	/* libbpf1 is installed by .ci/run; on a machine without it, this test
	 * cannot say anything, and that is a setup error, not a skip. */
	assert_non_null(lb.handle);
	assert_non_null(lb.open_file);

	obj = lb.open_file(BPF_OBJ_DIR "/compat.bpf.o", NULL);
	assert_non_null(obj);
	assert_int_equal(lb.load(obj), 0);
	run_twice(lb.program_fd(lb.find_program(obj, "compat_xdp")),
		  lb.map_fd(lb.find_map(obj, "counts")), &retval, &count);
	assert_int_equal(retval, 2 /* XDP_PASS */);
	assert_int_equal(count, 2);
	lb.close(obj);
}

static void test_ebpfmini_loads_same_object(void **state)
{
	struct ebpfmini_object *obj = NULL;
	uint32_t retval = 0;
	uint64_t count = 0;
	uint32_t drop = 1 /* XDP_DROP */;

	(void)state;
	if (geteuid() != 0) {
		print_message("skip: needs root (CAP_BPF) to load programs\n");
		skip();
	}
	assert_int_equal(ebpfmini_object_open(BPF_OBJ_DIR "/compat.bpf.o", NULL, &obj), 0);
	/* configure .rodata before load: the program must see the new verdict */
	struct ebpfmini_map *rodata = ebpfmini_object_find_map(obj, ".rodata");
	assert_non_null(rodata);
	size_t size = 0;
	uint32_t *ro = ebpfmini_map_data(rodata, &size);
	assert_non_null(ro);
	assert_int_equal(size, sizeof(uint32_t));
	assert_int_equal(*ro, 2);
	*ro = drop;
	assert_int_equal(ebpfmini_object_load(obj), 0);
	run_twice(ebpfmini_program_fd(ebpfmini_object_find_program(obj, "compat_xdp")),
		  ebpfmini_map_fd(ebpfmini_object_find_map(obj, "counts")), &retval, &count);
	assert_int_equal(retval, drop);
	assert_int_equal(count, 2);
	uint64_t *runs = ebpfmini_map_data(ebpfmini_object_find_map(obj, ".bss"), NULL);
	assert_non_null(runs);
	assert_int_equal(*runs, 2);
	ebpfmini_object_close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libbpf_loads_our_object),
		cmocka_unit_test(test_ebpfmini_loads_same_object),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
