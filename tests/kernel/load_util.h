/* load_util.h - helpers shared by the load, pin and fd-leak kernel tests */
#ifndef EBPFMINI_TEST_LOAD_UTIL_H
#define EBPFMINI_TEST_LOAD_UTIL_H

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include "ebpfmini/ebpfmini.h"
#include "log_capture.h"

#define OBJ(name) BPF_OBJ_DIR "/" name ".bpf.o"

/* Skip (with the reason) when the test cannot use bpf(): not root. */
#define SKIP_UNLESS_ROOT()                                                                         \
	do {                                                                                       \
		if (geteuid() != 0) {                                                              \
			print_message("skipped: needs root (CAP_BPF, CAP_SYS_ADMIN) for bpf()\n"); \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

/* ---- fd accounting ---- */

static inline int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own fd */
}

/* ---- objects ---- */

static inline struct ebpfmini_object *open_obj(const char *path)
{
	struct ebpfmini_object *obj = NULL;
	int err = ebpfmini_object_open(path, NULL, &obj);

	if (err)
		fail_msg("open %s: %d (%s)", path, err, strerror(-err));
	return obj;
}

static inline struct ebpfmini_map *map_of(struct ebpfmini_object *obj, const char *name)
{
	struct ebpfmini_map *map = ebpfmini_object_find_map(obj, name);

	if (!map)
		fail_msg("no map '%s'", name);
	return map;
}

static inline struct ebpfmini_program *prog_of(struct ebpfmini_object *obj, const char *name)
{
	struct ebpfmini_program *prog = ebpfmini_object_find_program(obj, name);

	if (!prog)
		fail_msg("no program '%s'", name);
	return prog;
}

/* Run an XDP program once on a 64-byte zero packet; returns its verdict. */
static inline uint32_t run_xdp(struct ebpfmini_program *prog)
{
	unsigned char pkt[64] = { 0 };
	struct ebpfmini_program_test_run_opts opts = {
		.sz = sizeof(opts),
		.data_in = pkt,
		.data_size_in = sizeof(pkt),
	};
	int err = ebpfmini_program_test_run(prog, &opts);

	if (err)
		fail_msg("test_run '%s': %d (%s)", ebpfmini_program_name(prog), err,
			 strerror(-err));
	return opts.retval;
}

static inline struct bpf_map_info map_info_of(int fd)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	assert_int_equal(ebpfmini_sys_obj_get_info(fd, &info, &len), 0);
	return info;
}

/*
 * Address of global variable name inside the global data map sec (".bss",
 * ".data", ...), through ebpfmini_map_data(): the initial image before load,
 * the kernel's mapping after. The offset is ebpfmini_object_find_var()'s.
 */
static inline void *var_ptr(struct ebpfmini_object *obj, const char *sec, const char *name)
{
	struct ebpfmini_var *var = ebpfmini_object_find_var(obj, name);
	size_t size = 0;
	uint8_t *base;

	if (!var || strcmp(ebpfmini_var_section(var), sec) != 0)
		fail_msg("no variable '%s' in '%s'", name, sec);
	base = ebpfmini_map_data(map_of(obj, sec), &size);
	assert_non_null(base);
	assert_true(ebpfmini_var_offset(var) + ebpfmini_var_size(var) <= size);
	return base + ebpfmini_var_offset(var);
}

#endif /* EBPFMINI_TEST_LOAD_UTIL_H */
