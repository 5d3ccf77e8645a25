/* test_btf_prog.c - a function of a loaded program found in its BTF (btf_prog.c), and the load of freplace/fentry against a target program (load_extern.c), against a scripted kernel */
#include <errno.h>
#include <linux/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "btf_builder.h"
#include "ebpfmini/ebpfmini.h"
#include "internal.h"
#include "kbtf.h"
#include "objstate.h"

#define SYS_FAKE_KERNEL
#include "sys_fake.h"

#define EXT_OBJ BPF_OBJ_DIR "/freplace_ext.bpf.o"
#define TARGET_FD 777    /* the target program's fd: the caller's, never closed here */
#define TARGET_BTF_ID 31 /* its BTF object id */
#define FDINFO_TARGET "/proc/self/fdinfo/777"
#define MAP_FD 778 /* a map's fd */
#define FDINFO_MAP "/proc/self/fdinfo/778"

/* ---- the target program's BTF ------------------------------------------------------------ */

/* Type ids of the blob made by make_btf(). */
enum {
	T_INT = 1,
	T_PROTO,
	T_MAIN,
	T_VERDICT,
	T_BUMP,
	T_OTHER
};

static uint8_t *make_btf(size_t *size)
{
	struct bb b;

	bb_init(&b);
	bb_type(&b, "int", BTF_KIND_INT, 0, 0, 4);
	bb_word(&b, (uint32_t)BTF_INT_SIGNED << 24 | 32);
	bb_type(&b, NULL, BTF_KIND_FUNC_PROTO, 1, 0, T_INT);
	bb_word(&b, bb_str(&b, "x")), bb_word(&b, T_INT);
	bb_type(&b, "xdp_main", BTF_KIND_FUNC, BTF_FUNC_GLOBAL, 0, T_PROTO);
	bb_type(&b, "verdict", BTF_KIND_FUNC, BTF_FUNC_GLOBAL, 0, T_PROTO);
	bb_type(&b, "bump", BTF_KIND_FUNC, BTF_FUNC_STATIC, 0, T_PROTO);
	/* another program of the target's object: in the BTF, not among its functions */
	bb_type(&b, "other", BTF_KIND_FUNC, BTF_FUNC_GLOBAL, 0, T_PROTO);
	bb_finish(&b);
	return bb_bytes(&b, size);
}

/* ---- the script of the fake kernel (sys_fake.h) ------------------------------------------ */

struct fake {
	uint8_t *btf; /* what the target's BTF object holds */
	size_t btf_size;
	uint32_t prog_btf_id; /* the target's info: its BTF id (0: loaded without BTF) */
	uint32_t func_ids[4]; /* its func_info type ids */
	uint32_t nfuncs;
	uint32_t func_rec_size; /* func_info_rec_size it reports */
	int info_err;           /* OBJ_GET_INFO_BY_FD of the target fails with it */
	int btf_get_err;        /* BPF_BTF_GET_FD_BY_ID fails with it */
	int btf_fd;             /* the fd BTF_GET_FD_BY_ID gave (-1: none yet) */
	int dup_fd;             /* the library's duplicate of TARGET_FD */
	/* the last BPF_PROG_LOAD */
	uint32_t load_type, load_attach_btf_id, load_attach_prog_fd, load_eat;
	int nloads;
};

static struct fake fk;

static long prog_info(struct bpf_prog_info *info, uint32_t len)
{
	struct bpf_func_info *out = (void *)(uintptr_t)info->func_info;
	uint32_t room = info->nr_func_info;

	assert_true(len >= offsetof(struct bpf_prog_info, func_info_rec_size) + 4);
	if (fk.info_err)
		return fk.info_err;
	memset(info, 0, len);
	info->type = BPF_PROG_TYPE_XDP;
	info->id = 42;
	snprintf(info->name, sizeof(info->name), "xdp_main");
	info->btf_id = fk.prog_btf_id;
	info->nr_func_info = fk.nfuncs;
	info->func_info_rec_size = fk.func_rec_size;
	for (uint32_t i = 0; out && i < fk.nfuncs && i < room; i++) {
		out[i] = (struct bpf_func_info){ .insn_off = i * 10, .type_id = fk.func_ids[i] };
		info->func_info = (uintptr_t)out;
	}
	return EM_SYS_OK;
}

static long btf_info(struct bpf_btf_info *info)
{
	if (info->btf && info->btf_size)
		memcpy((void *)(uintptr_t)info->btf, fk.btf, EM_MIN(info->btf_size, fk.btf_size));
	info->btf_size = (uint32_t)fk.btf_size;
	info->id = TARGET_BTF_ID;
	return EM_SYS_OK;
}

static long fake_bpf(long cmd, union bpf_attr *attr)
{
	switch (cmd) {
	case BPF_OBJ_GET_INFO_BY_FD:
		if (attr->info.bpf_fd == TARGET_FD || (int)attr->info.bpf_fd == fk.dup_fd)
			return prog_info((void *)(uintptr_t)attr->info.info, attr->info.info_len);
		if ((int)attr->info.bpf_fd == fk.btf_fd)
			return btf_info((void *)(uintptr_t)attr->info.info);
		return EM_SYS_OK;
	case BPF_BTF_GET_FD_BY_ID:
		assert_int_equal(attr->btf_id, TARGET_BTF_ID);
		if (fk.btf_get_err)
			return fk.btf_get_err;
		fk.btf_fd = (int)fake_new_fd();
		return fk.btf_fd;
	case BPF_PROG_LOAD:
		fk.nloads++;
		fk.load_type = attr->prog_type;
		fk.load_eat = attr->expected_attach_type;
		fk.load_attach_btf_id = attr->attach_btf_id;
		fk.load_attach_prog_fd = attr->attach_prog_fd;
		return fake_new_fd();
	case BPF_BTF_LOAD:
	case BPF_MAP_CREATE:
		return fake_new_fd();
	default:
		return EM_SYS_OK;
	}
}

static long fake_hook(void *ctx, struct em_sys_call *sc)
{
	(void)ctx;
	switch (sc->nr) {
	case SYS_close:
		if (sc->args[0] == TARGET_FD)
			fail_msg("the caller's target fd was closed by the library");
		return fake_close(sc->args[0]);
	case SYS_fcntl: /* em_sys_dup of the target fd */
		assert_int_equal(sc->args[0], TARGET_FD);
		fk.dup_fd = (int)fake_new_fd();
		return fk.dup_fd;
	case EM_SYS_READ_FILE:
		if (strcmp((const char *)sc->args[0], FDINFO_MAP) == 0) {
			static const char text[] = "pos:\t0\nflags:\t02000002\nmap_type:\t2\n";

			sc->data = text;
			sc->data_len = sizeof(text) - 1;
			return 1;
		}
		if (strcmp((const char *)sc->args[0], FDINFO_TARGET) == 0) {
			static const char text[] = "pos:\t0\nflags:\t02000002\nprog_type:\t6\n"
						   "prog_jited:\t1\nprog_id:\t42\n";

			sc->data = text;
			sc->data_len = sizeof(text) - 1;
			return 1;
		}
		return 0;
	case SYS_mmap:
		if (sc->args[4] >= 0 && sc->args[4] < FAKE_FD_BASE)
			return 0; /* a real file */
		return fake_mmap((size_t)sc->args[1]);
	case SYS_munmap:
		return fake_munmap((void *)sc->args[0], (size_t)sc->args[1]);
	case SYS_bpf:
		return fake_bpf(sc->args[0], (union bpf_attr *)sc->args[1]);
	default:
		return 0;
	}
}

static void fake_reset(void)
{
	fake_kernel_reset();
	free(fk.btf);
	memset(&fk, 0, sizeof(fk));
	fk.btf = make_btf(&fk.btf_size);
	fk.prog_btf_id = TARGET_BTF_ID;
	fk.func_ids[0] = T_MAIN;
	fk.func_ids[1] = T_VERDICT;
	fk.func_ids[2] = T_BUMP;
	fk.nfuncs = 3;
	fk.func_rec_size = sizeof(struct bpf_func_info);
	fk.btf_fd = -1;
	fk.dup_fd = -1;
}

/* em_btf_prog_find() of func on the target: its result, the id in *id. */
static int find(const char *func, bool global_only, uint32_t *id)
{
	*id = 12345;
	log_capture_reset();
	return em_btf_prog_find(TARGET_FD, func, global_only, "prog 'p': attach target", id);
}

/* ---- em_btf_prog_find() ----------------------------------------------------------------- */

static void test_finds_global_function(void **state)
{
	uint32_t id;

	(void)state;
	assert_int_equal(find("verdict", true, &id), 0);
	assert_int_equal(id, T_VERDICT);
	assert_int_equal(find("xdp_main", false, &id), 0);
	assert_int_equal(id, T_MAIN);
	/* a static function is found for fentry, refused for freplace */
	assert_int_equal(find("bump", false, &id), 0);
	assert_int_equal(id, T_BUMP);
	assert_int_equal(find("bump", true, &id), -EINVAL);
	assert_int_equal(id, 0);
	assert_true(log_captured("prog 'p': attach target: 'bump' is a static function: "
				 "freplace replaces only global functions"));
	assert_all_released("find");
}

static void test_missing_function(void **state)
{
	uint32_t id;

	(void)state;
	assert_int_equal(find("nope", false, &id), -ENOENT);
	assert_int_equal(id, 0);
	assert_true(log_captured("prog 'p': attach target: the target program has no function "
				 "'nope' (its functions: xdp_main, verdict, bump)"));
	/* in the BTF, but a function of another program of that object */
	assert_int_equal(find("other", false, &id), -ENOENT);
	assert_true(log_captured("'other' is in the target's BTF but is not one of its functions"));
	assert_all_released("missing");
}

static void test_target_without_btf(void **state)
{
	uint32_t id;

	(void)state;
	fk.prog_btf_id = 0;
	fk.nfuncs = 0;
	assert_int_equal(find("verdict", true, &id), -EINVAL);
	assert_true(log_captured("the target program 'xdp_main' (id 42) has no BTF: its functions "
				 "have no names"));
	/* BTF but no func_info */
	fk.prog_btf_id = TARGET_BTF_ID;
	assert_int_equal(find("verdict", true, &id), -EINVAL);
	assert_true(log_captured("has no BTF function records"));
	assert_all_released("no btf");
}

static void test_kernel_errors(void **state)
{
	uint32_t id;

	(void)state;
	fk.info_err = -EBADF;
	assert_int_equal(find("verdict", true, &id), -EBADF);
	assert_true(log_captured("read the target program's info"));
	fk.info_err = 0;
	fk.btf_get_err = -ENOENT;
	assert_int_equal(find("verdict", true, &id), -ENOENT);
	assert_true(
		log_captured("read the BTF of the target program 'xdp_main' (id 42) (BTF id 31)"));
	fk.btf_get_err = 0;
	/* a record size the kernel would never give */
	fk.func_rec_size = 4;
	assert_int_equal(find("verdict", true, &id), -EBADMSG);
	fk.func_rec_size = sizeof(struct bpf_func_info);
	/* malformed BTF: the library's parser says so */
	fk.btf[0] ^= 0xff;
	assert_int_equal(find("verdict", true, &id), -EBADMSG);
	assert_true(log_captured("is malformed"));
	fk.btf[0] ^= 0xff;
	/* a truncated one */
	fk.btf_size -= 3;
	assert_int_equal(find("verdict", true, &id), -EBADMSG);
	assert_int_equal(id, 0);
	assert_all_released("errors");
}

/* ---- the load: set_attach_target, then BPF_PROG_LOAD with attach_prog_fd ----------------- */

static struct ebpfmini_object *open_only(const char *prog)
{
	struct ebpfmini_object *obj = NULL;
	struct ebpfmini_program *p = NULL;

	assert_int_equal(ebpfmini_object_open(EXT_OBJ, NULL, &obj), 0);
	while ((p = ebpfmini_object_next_program(obj, p)))
		ebpfmini_program_set_autoload(p, strcmp(ebpfmini_program_name(p), prog) == 0);
	return obj;
}

static void test_load_freplace(void **state)
{
	struct ebpfmini_object *obj = open_only("new_verdict");
	struct ebpfmini_program *p = ebpfmini_object_find_program(obj, "new_verdict");

	(void)state;
	assert_int_equal(ebpfmini_program_set_attach_target(p, TARGET_FD, NULL), 0);
	assert_true(fk.dup_fd >= FAKE_FD_BASE);
	assert_int_equal(ebpfmini_object_load(obj), 0);
	assert_int_equal(fk.nloads, 1);
	assert_int_equal(fk.load_type, BPF_PROG_TYPE_EXT);
	assert_int_equal(fk.load_attach_prog_fd, fk.dup_fd);
	assert_int_equal(fk.load_attach_btf_id, T_VERDICT);
	/* kept for attaching: the duplicate is closed with the object */
	assert_int_equal(K.closed[fk.dup_fd - FAKE_FD_BASE], 0);
	assert_int_equal(ebpfmini_program_set_attach_target(p, 0, NULL), -EBUSY);
	ebpfmini_object_close(obj);
	assert_all_released("freplace");
}

static void test_load_fentry_on_prog(void **state)
{
	struct ebpfmini_object *obj = open_only("on_verdict_exit");
	struct ebpfmini_program *p = ebpfmini_object_find_program(obj, "on_verdict_exit");

	(void)state;
	/* the function named here wins over the SEC name's ("verdict") */
	assert_int_equal(ebpfmini_program_set_attach_target(p, TARGET_FD, "bump"), 0);
	assert_int_equal(ebpfmini_object_load(obj), 0);
	assert_int_equal(fk.load_type, BPF_PROG_TYPE_TRACING);
	assert_int_equal(fk.load_eat, BPF_TRACE_FEXIT);
	assert_int_equal(fk.load_attach_prog_fd, fk.dup_fd);
	assert_int_equal(fk.load_attach_btf_id, T_BUMP); /* static is fine for fexit */
	ebpfmini_object_close(obj);
	assert_all_released("fexit");
}

static void test_load_refusals(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_program *p;
	int dup;

	(void)state;
	/* a second call replaces the first: its duplicate is closed at once */
	obj = open_only("drop_verdict");
	p = ebpfmini_object_find_program(obj, "drop_verdict");
	assert_int_equal(ebpfmini_program_set_attach_target(p, TARGET_FD, "bump"), 0);
	dup = fk.dup_fd;
	assert_int_equal(ebpfmini_program_set_attach_target(p, TARGET_FD, "nope"), 0);
	assert_int_equal(K.closed[dup - FAKE_FD_BASE], 1);
	log_capture_reset();
	assert_int_equal(ebpfmini_object_load(obj), -ENOENT);
	assert_int_equal(fk.nloads, 0);
	assert_true(log_captured("prog 'drop_verdict': attach target 'nope': the target program "
				 "has no function 'nope'"));
	ebpfmini_object_close(obj);

	/* a bare SEC("freplace") without a function */
	obj = open_only("drop_verdict");
	p = ebpfmini_object_find_program(obj, "drop_verdict");
	assert_int_equal(ebpfmini_program_set_attach_target(p, TARGET_FD, NULL), 0);
	log_capture_reset();
	assert_int_equal(ebpfmini_object_load(obj), -EINVAL);
	assert_true(log_captured("section 'freplace' names no function of the target program"));
	ebpfmini_object_close(obj);

	/* an fd that is not a program: fdinfo says so, nothing duplicated */
	obj = open_only("drop_verdict");
	p = ebpfmini_object_find_program(obj, "drop_verdict");
	fk.dup_fd = -1;
	assert_int_equal(ebpfmini_program_set_attach_target(p, MAP_FD, NULL), -EINVAL);
	assert_int_equal(fk.dup_fd, -1);
	/* freplace without a target program */
	log_capture_reset();
	assert_int_equal(ebpfmini_object_load(obj), -EINVAL);
	assert_true(log_captured("freplace replaces a function of a loaded BPF program: give that "
				 "program"));
	assert_int_equal(fk.nloads, 0);
	ebpfmini_object_close(obj);
	assert_all_released("refusals");
}

static int unit_teardown(void **state)
{
	teardown(state);
	free(fk.btf);
	fk.btf = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_finds_global_function, setup, unit_teardown),
		cmocka_unit_test_setup_teardown(test_missing_function, setup, unit_teardown),
		cmocka_unit_test_setup_teardown(test_target_without_btf, setup, unit_teardown),
		cmocka_unit_test_setup_teardown(test_kernel_errors, setup, unit_teardown),
		cmocka_unit_test_setup_teardown(test_load_freplace, setup, unit_teardown),
		cmocka_unit_test_setup_teardown(test_load_fentry_on_prog, setup, unit_teardown),
		cmocka_unit_test_setup_teardown(test_load_refusals, setup, unit_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
