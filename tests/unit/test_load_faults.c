/* test_load_faults.c - load.c against a scripted kernel: phase order, fd ownership, faults, logs */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/magic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "core.h"
#include "ebpfmini/ebpfmini.h"
#include "internal.h"
#include "log_capture.h"
#include "objstate.h"
#include "sys.h"
#include "sys_attr.h"
#include "uapi_compat.h"

#define SYS_FAKE_KERNEL
#include "sys_fake.h"

#define OBJ(name) BPF_OBJ_DIR "/" name ".bpf.o"

/*
 * The script on top of the fake kernel (sys_fake.h): every call except close
 * and munmap is recorded and numbered, so that call fail_at can be made to fail.
 */
#define MAX_CALLS 1024

struct call {
	long nr;
	long cmd;                     /* bpf command for SYS_bpf */
	uint32_t log_level, log_size; /* PROG_LOAD */
	char path[128];               /* OBJ_GET, OBJ_PIN, unlink */
};

typedef long (*prog_load_fn)(union bpf_attr *attr, int attempt);

struct fake {
	struct call calls[MAX_CALLS];
	int ncalls;
	long numbered;
	long fail_at, fail_err;
	/* scripted answers */
	prog_load_fn prog_load;
	int prog_load_attempts;
	long obj_get; /* result of BPF_OBJ_GET: -ENOENT, or 1 for "a pinned map exists" */
	struct bpf_map_info pinned_info;
};

static struct fake fk;

static void fake_reset(void)
{
	fake_kernel_reset();
	memset(&fk, 0, sizeof(fk));
	fk.obj_get = -ENOENT;
}

static long fake_bpf(struct call *c, union bpf_attr *attr)
{
	switch (c->cmd) {
	case BPF_BTF_LOAD:
	case BPF_MAP_CREATE:
		return fake_new_fd();
	case BPF_PROG_LOAD: {
		long ret;

		c->log_level = attr->log_level;
		c->log_size = attr->log_size;
		ret = fk.prog_load ? fk.prog_load(attr, fk.prog_load_attempts) : 0;
		fk.prog_load_attempts++;
		return ret ? ret : fake_new_fd();
	}
	case BPF_OBJ_GET:
		snprintf(c->path, sizeof(c->path), "%s", (const char *)(uintptr_t)attr->pathname);
		return fk.obj_get > 0 ? fake_new_fd() : fk.obj_get;
	case BPF_OBJ_PIN:
		snprintf(c->path, sizeof(c->path), "%s", (const char *)(uintptr_t)attr->pathname);
		return 1;
	case BPF_OBJ_GET_INFO_BY_FD: {
		uint32_t len = EM_MIN(attr->info.info_len, (uint32_t)sizeof(fk.pinned_info));

		memcpy((void *)(uintptr_t)attr->info.info, &fk.pinned_info, len);
		return 1;
	}
	default: /* element updates, freeze: success */
		return 1;
	}
}

static long fake_hook(void *ctx, struct em_sys_call *sc)
{
	struct call *c;

	(void)ctx;
	if (sc->nr == SYS_close)
		return fake_close(sc->args[0]);
	if (sc->nr == SYS_munmap)
		return fake_munmap((void *)sc->args[0], (size_t)sc->args[1]);
	if (sc->nr == EM_SYS_READ_FILE || sc->nr == SYS_openat || sc->nr == SYS_fstat ||
	    sc->nr == SYS_read)
		return 0; /* files are real (the object, /sys/devices/system/cpu/possible) */
	if (sc->nr == SYS_mmap && sc->args[4] >= 0 && sc->args[4] < FAKE_FD_BASE)
		return 0; /* a real file (kernel BTF given as btf_custom_path), kept mapped */
	assert_true(fk.ncalls < MAX_CALLS);
	c = &fk.calls[fk.ncalls++];
	memset(c, 0, sizeof(*c));
	c->nr = sc->nr;
	c->cmd = sc->nr == SYS_bpf ? sc->args[0] : -1;
	if (++fk.numbered == fk.fail_at)
		return fk.fail_err;
	switch (sc->nr) {
	case SYS_bpf:
		return fake_bpf(c, (union bpf_attr *)sc->args[1]);
	case SYS_mmap:
		return fake_mmap((size_t)sc->args[1]);
	case SYS_statfs:
	case SYS_fstatfs: /* the pin directories (opened for real) are on bpffs */
		return BPF_FS_MAGIC;
	case SYS_unlinkat:
		snprintf(c->path, sizeof(c->path), "%s", (const char *)sc->args[1]);
		return 1;
	default: /* mkdir */
		return 1;
	}
}

static struct ebpfmini_object *open_obj(const char *path)
{
	struct ebpfmini_object *obj = NULL;

	assert_int_equal(ebpfmini_object_open(path, NULL, &obj), 0);
	return obj;
}

static int first_call(long cmd)
{
	for (int i = 0; i < fk.ncalls; i++)
		if (fk.calls[i].cmd == cmd)
			return i;
	return -1;
}

static int last_call(long cmd)
{
	for (int i = fk.ncalls - 1; i >= 0; i--)
		if (fk.calls[i].cmd == cmd)
			return i;
	return -1;
}

static int count_calls(long nr, long cmd)
{
	int n = 0;

	for (int i = 0; i < fk.ncalls; i++)
		n += fk.calls[i].nr == nr && (nr != SYS_bpf || fk.calls[i].cmd == cmd);
	return n;
}

/* ---- tests ---- */

static void test_phase_order_and_ownership(void **state)
{
	struct ebpfmini_object *obj = open_obj(OBJ("load_basic"));
	int nmaps = 0, nprogs = 0, ndata = 0, mmaps, first_prog, last_prog;
	struct ebpfmini_map *m;
	struct ebpfmini_program *p;

	(void)state;
	assert_int_equal(fk.ncalls, 0); /* open never touches the kernel */
	for (m = ebpfmini_object_next_map(obj, NULL); m; m = ebpfmini_object_next_map(obj, m)) {
		nmaps++;
		ndata += ebpfmini_map_is_global_data(m);
		assert_int_equal(em_map_state(m)->fd, -1); /* open creates no kernel state */
	}
	for (p = ebpfmini_object_next_program(obj, NULL); p;
	     p = ebpfmini_object_next_program(obj, p)) {
		nprogs++;
		assert_int_equal(em_prog_state(p)->fd, -1);
	}

	assert_int_equal(ebpfmini_object_load(obj), 0);
	/* BTF first; maps; global data (copy, freeze, mmap); programs; prog array slots */
	assert_int_equal(fk.calls[0].cmd, BPF_BTF_LOAD);
	assert_int_equal(count_calls(SYS_bpf, BPF_MAP_CREATE), nmaps);
	assert_int_equal(count_calls(SYS_bpf, BPF_PROG_LOAD), nprogs);
	mmaps = count_calls(SYS_mmap, 0);
	assert_int_equal(mmaps, ndata);
	first_prog = first_call(BPF_PROG_LOAD);
	last_prog = last_call(BPF_PROG_LOAD);
	assert_true(last_call(BPF_MAP_CREATE) < first_call(BPF_MAP_FREEZE));
	assert_true(last_call(BPF_MAP_FREEZE) < first_prog);
	for (int i = first_prog; i < fk.ncalls; i++)
		assert_int_not_equal(fk.calls[i].nr, SYS_mmap);
	/* .data (non-zero) is copied in before its mapping; the slot of jmp comes last */
	assert_true(first_call(BPF_MAP_UPDATE_ELEM) < first_prog);
	assert_int_equal(fk.calls[fk.ncalls - 1].cmd, BPF_MAP_UPDATE_ELEM);
	assert_true(last_prog < fk.ncalls - 1);
	/* quiet loads: no log buffer at log level 0 */
	for (int i = 0; i < fk.ncalls; i++)
		if (fk.calls[i].cmd == BPF_PROG_LOAD)
			assert_int_equal(fk.calls[i].log_size, 0);
	/* the fds the object holds are the ones handed out */
	assert_true(ebpfmini_map_fd(ebpfmini_object_find_map(obj, "hash")) >= FAKE_FD_BASE);
	assert_true(ebpfmini_program_fd(ebpfmini_object_find_program(obj, "calc")) >= FAKE_FD_BASE);
	for (int fd = FAKE_FD_BASE; fd < K.next_fd; fd++)
		assert_int_equal(K.closed[fd - FAKE_FD_BASE], 0);
	assert_non_null(ebpfmini_map_data(ebpfmini_object_find_map(obj, ".bss"), NULL));
	assert_ptr_equal(ebpfmini_map_data(ebpfmini_object_find_map(obj, ".bss"), NULL),
			 em_map_state(ebpfmini_object_find_map(obj, ".bss"))->mmaped);

	ebpfmini_object_close(obj);
	assert_all_released("close");
}

static void test_fault_at_each_call(void **state)
{
	struct ebpfmini_object *obj;
	long total;

	(void)state;
	obj = open_obj(OBJ("load_basic"));
	assert_int_equal(ebpfmini_object_load(obj), 0);
	total = fk.numbered;
	ebpfmini_object_close(obj);
	assert_true(total > 10);

	for (long n = 1; n <= total; n++) {
		int err, closes_after_load[FAKE_MAX_FDS];
		long failed_cmd;

		fake_reset();
		log_capture_reset();
		fk.fail_at = n;
		fk.fail_err = -EPERM;
		obj = open_obj(OBJ("load_basic"));
		err = ebpfmini_object_load(obj);
		failed_cmd = fk.calls[n - 1].cmd;
		if (err) {
			/* the caller gets the injected errno; nothing stays open */
			if (err != -EPERM)
				fail_msg("fault at call %ld (bpf cmd %ld): load returned %d", n,
					 failed_cmd, err);
			assert_all_released("failed load");
			memcpy(closes_after_load, K.closed, sizeof(closes_after_load));
			ebpfmini_object_close(obj);
			/* close after a failed load closes nothing a second time */
			assert_memory_equal(closes_after_load, K.closed,
					    sizeof(closes_after_load));
		} else {
			/* only the BTF and a transient program load have a way around a failure;
			 * the load report's questions for ids (OBJ_GET_INFO) leave the id 0 */
			if (failed_cmd != BPF_BTF_LOAD && failed_cmd != BPF_PROG_LOAD &&
			    failed_cmd != BPF_OBJ_GET_INFO_BY_FD)
				fail_msg(
					"fault at call %ld (bpf cmd %ld, nr %ld) did not fail the load",
					n, failed_cmd, fk.calls[n - 1].nr);
			ebpfmini_object_close(obj);
			assert_all_released("close after a load that recovered");
		}
	}
}

static long prog_load_reject(union bpf_attr *attr, int attempt)
{
	if (attempt == 0) {
		assert_int_equal(attr->log_level, 0);
		assert_int_equal(attr->log_buf, 0);
		return -EACCES;
	}
	/* the retry asks for a log: give one, and a different errno that must not win */
	assert_int_equal(attr->log_level, 1);
	assert_true(attr->log_size >= 64 * 1024);
	snprintf((char *)(uintptr_t)attr->log_buf, attr->log_size,
		 "0: R1=ctx() R10=fp0\n; return *v; @ x.bpf.c:3\n"
		 "1: (61) r0 = *(u32 *)(r0 +0)\nR0 invalid mem access 'scalar'\n"
		 "processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0\n");
	return -EINVAL;
}

static void test_first_errno_and_log(void **state)
{
	struct ebpfmini_object *obj = open_obj(OBJ("load_basic"));
	/* programs load in object order: the first one meets the scripted rejection */
	struct ebpfmini_program *first = ebpfmini_object_next_program(obj, NULL);
	char want[128];

	(void)state;
	fk.prog_load = prog_load_reject;
	assert_int_equal(ebpfmini_object_load(obj), -EACCES);
	assert_int_equal(fk.prog_load_attempts, 2);
	assert_non_null(ebpfmini_program_log(first));
	assert_non_null(strstr(ebpfmini_program_log(first), "@ x.bpf.c:3"));
	snprintf(want, sizeof(want),
		 "prog '%s': load: Permission denied: R0 invalid mem access "
		 "'scalar'\n",
		 ebpfmini_program_name(first));
	assert_non_null(strstr(logcap.text, want));
	/* the whole log reached the callback as one block, each line after the first indented */
	assert_non_null(strstr(logcap.text, "verifier log:\n\t0: R1=ctx() R10=fp0\n\t; return *v;"));
	assert_all_released("failed load");
	ebpfmini_object_close(obj);
}

static long prog_load_true_size(union bpf_attr *attr, int attempt)
{
	union em_bpf_attr *u = (void *)attr;
	uint32_t need = 300000;

	if (attempt == 0) {
		assert_int_equal(attr->log_level, 1);
		assert_int_equal(attr->log_size, 64 * 1024);
		u->prog_load.log_true_size = need;
		return -ENOSPC;
	}
	assert_int_equal(attr->log_size, need);
	snprintf((char *)(uintptr_t)attr->log_buf, attr->log_size, "processed 3 insns\n");
	return 0;
}

static void test_log_grows_to_true_size(void **state)
{
	struct ebpfmini_object *obj = open_obj(OBJ("load_basic"));
	struct ebpfmini_program *calc = ebpfmini_object_find_program(obj, "calc");
	struct ebpfmini_program *p;

	(void)state;
	/* only calc asks for a log; the others load quietly */
	for (p = ebpfmini_object_next_program(obj, NULL); p;
	     p = ebpfmini_object_next_program(obj, p))
		ebpfmini_program_set_autoload(p, p == calc);
	assert_int_equal(ebpfmini_program_set_log_level(calc, 1), 0);
	fk.prog_load = prog_load_true_size;
	/* tail_a is left out, so jmp's initial slot is skipped */
	assert_int_equal(ebpfmini_object_load(obj), 0);
	assert_int_equal(fk.prog_load_attempts, 2);
	assert_string_equal(ebpfmini_program_log(calc), "processed 3 insns\n");
	ebpfmini_object_close(obj);
	assert_all_released("close");
}

static long prog_load_always_enospc(union bpf_attr *attr, int attempt)
{
	if (attempt == 0)
		return -EACCES;
	snprintf((char *)(uintptr_t)attr->log_buf, attr->log_size, "...\nlast words\n");
	return -ENOSPC;
}

static void test_log_grows_x4_to_16mib(void **state)
{
	struct ebpfmini_object *obj = open_obj(OBJ("load_basic"));
	const uint32_t want[] = { 0, 64u << 10, 256u << 10, 1u << 20, 4u << 20, 16u << 20 };
	int i = 0;

	(void)state;
	fk.prog_load = prog_load_always_enospc;
	assert_int_equal(ebpfmini_object_load(obj), -EACCES);
	for (int c = 0; c < fk.ncalls; c++) {
		if (fk.calls[c].cmd != BPF_PROG_LOAD)
			continue;
		assert_true(i < 6);
		assert_int_equal(fk.calls[c].log_size, want[i]);
		i++;
	}
	assert_int_equal(i, 6);
	assert_non_null(strstr(logcap.text, "load: Permission denied: last words"));
	ebpfmini_object_close(obj);
	assert_all_released("close");
}

/*
 * CO-RE runs before any kernel call, against the BTF file given as
 * btf_custom_path (load_core_target.bpf.o moves sample.b from 4 to 12), and
 * only once; a BTF file that cannot be read fails the load before the kernel
 * is asked anything.
 */
static void test_core_custom_btf(void **state)
{
	struct ebpfmini_object_open_opts opts = {
		.sz = sizeof(opts),
		.btf_custom_path = OBJ("load_core_target"),
	};
	struct ebpfmini_object *obj = NULL;
	const struct bpf_insn *insns;

	(void)state;
	assert_int_equal(ebpfmini_object_open(OBJ("load_core"), &opts, &obj), 0);
	assert_false(obj->core_done);
	assert_int_equal(ebpfmini_object_load(obj), 0);
	assert_true(obj->core_done);
	assert_int_equal(fk.calls[0].cmd, BPF_BTF_LOAD);
	assert_non_null(strstr(logcap.text, "field_byte_offset of struct sample.b): imm 4 -> 12"));
	/* the fixups stay on the object, for a report */
	assert_non_null(obj->core_fixups);
	assert_int_equal(obj->core_fixups->n, 1);
	assert_int_equal(obj->core_fixups->v[0].op, EM_CORE_FIX_IMM);
	assert_int_equal(obj->core_fixups->v[0].old_val, 4);
	assert_int_equal(obj->core_fixups->v[0].new_val, 12);
	assert_int_equal(obj->core_fixups->v[0].insn, 5);
	/* "r1 = 4" (the byte offset of b) became 12 in the loaded program */
	insns = ebpfmini_program_insns(ebpfmini_object_find_program(obj, "core_user"));
	assert_int_equal(insns[5].code, BPF_ALU64 | BPF_MOV | BPF_K);
	assert_int_equal(insns[5].imm, 12);
	ebpfmini_object_close(obj);
	assert_all_released("close");

	fake_reset();
	log_capture_reset();
	opts.btf_custom_path = "/nonexistent/ebpfmini-vmlinux";
	assert_int_equal(ebpfmini_object_open(OBJ("load_core"), &opts, &obj), 0);
	assert_int_equal(ebpfmini_object_load(obj), -ENOENT);
	assert_int_equal(count_calls(SYS_bpf, BPF_BTF_LOAD), 0); /* before any kernel object */
	assert_non_null(strstr(logcap.text, "/nonexistent/ebpfmini-vmlinux"));
	assert_false(obj->core_done);
	assert_null(obj->core_fixups);
	ebpfmini_object_close(obj);
	assert_all_released("close");
}

/* The verifier reaches a poisoned instruction: the helper it calls does not exist. */
static long prog_load_poisoned(union bpf_attr *attr, int attempt)
{
	if (attempt == 0)
		return -EINVAL;
	snprintf((char *)(uintptr_t)attr->log_buf, attr->log_size,
		 "0: R1=ctx() R10=fp0\n7: (85) call unknown#%d\ninvalid func unknown#%d\n"
		 "processed 8 insns (limit 1000000) max_states_per_insn 0 total_states 0\n",
		 EM_CORE_POISON_HELPER, EM_CORE_POISON_HELPER);
	return -EINVAL;
}

/*
 * A poisoned CO-RE read behind an existence check (load_core_guard.bpf.o's
 * "added", missing from load_core_target.bpf.o) is expected: a load that
 * succeeds logs it at debug only; a load that fails on it says so at WARN.
 */
static void test_core_poison_guarded(void **state)
{
	struct ebpfmini_object_open_opts opts = {
		.sz = sizeof(opts),
		.btf_custom_path = OBJ("load_core_target"),
	};
	const char *poisoned = "relocation #1 (field_byte_offset of struct sample___new.added): "
			       "no matching field in target: instruction poisoned";
	struct ebpfmini_object *obj = NULL;
	size_t n_poisoned = 0;

	(void)state;
	log_capture_start(EBPFMINI_LOG_WARN);
	assert_int_equal(ebpfmini_object_open(OBJ("load_core_guard"), &opts, &obj), 0);
	assert_int_equal(ebpfmini_object_load(obj), 0);
	assert_string_equal(logcap.text, ""); /* not a word above debug */
	assert_non_null(obj->core_fixups);
	for (size_t i = 0; i < obj->core_fixups->n; i++)
		n_poisoned += obj->core_fixups->v[i].op == EM_CORE_FIX_POISON;
	assert_int_equal(n_poisoned, 1);
	ebpfmini_object_close(obj);
	assert_all_released("close");

	/* at debug, the poisoned relocation is there */
	fake_reset();
	log_capture_start(EBPFMINI_LOG_DEBUG);
	assert_int_equal(ebpfmini_object_open(OBJ("load_core_guard"), &opts, &obj), 0);
	assert_int_equal(ebpfmini_object_load(obj), 0);
	assert_non_null(strstr(logcap.text, poisoned));
	ebpfmini_object_close(obj);
	assert_all_released("close");

	/* the verifier reaches it: a warning names the relocation */
	fake_reset();
	log_capture_start(EBPFMINI_LOG_WARN);
	fk.prog_load = prog_load_poisoned;
	assert_int_equal(ebpfmini_object_open(OBJ("load_core_guard"), &opts, &obj), 0);
	assert_int_equal(ebpfmini_object_load(obj), -EINVAL);
	assert_non_null(strstr(logcap.text,
			       "prog 'core_guarded': the verifier reached a CO-RE "
			       "relocation this kernel cannot satisfy: prog section 'xdp' insn "));
	assert_non_null(strstr(logcap.text, poisoned));
	ebpfmini_object_close(obj);
	assert_all_released("close");
}

static void test_unknown_section_refused(void **state)
{
	struct ebpfmini_object *obj = open_obj(OBJ("load_unknown"));

	(void)state;
	assert_int_equal(ebpfmini_object_load(obj), -EOPNOTSUPP);
	assert_int_equal(fk.ncalls, 0);
	assert_non_null(
		strstr(logcap.text, "prog 'mystery': section 'no_such_hook/x': unknown program type"));
	ebpfmini_object_close(obj);
}

static void test_reuse_compatible_pin(void **state)
{
	struct ebpfmini_object *obj = open_obj(OBJ("load_pin"));
	struct ebpfmini_map *shared = ebpfmini_object_find_map(obj, "shared_counts");

	(void)state;
	assert_string_equal(ebpfmini_map_pin_path(shared), "/sys/fs/bpf/shared_counts");
	assert_int_equal(ebpfmini_object_set_pin_root(obj, "/pins/"), 0);
	assert_string_equal(ebpfmini_map_pin_path(shared), "/pins/shared_counts");
	fk.obj_get = 1;
	fk.pinned_info = (struct bpf_map_info){
		.type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 8, .max_entries = 16
	};
	assert_int_equal(ebpfmini_object_load(obj), 0);
	assert_true(em_map_state(shared)->reused);
	assert_string_equal(fk.calls[first_call(BPF_OBJ_GET)].path, "/pins/shared_counts");
	/* shared_counts came from the pin: one MAP_CREATE fewer, no new pin */
	assert_int_equal(count_calls(SYS_bpf, BPF_MAP_CREATE), 1);
	assert_int_equal(count_calls(SYS_bpf, BPF_OBJ_PIN), 0);
	ebpfmini_object_close(obj);
	assert_all_released("close");
}

static void test_incompatible_pin(void **state)
{
	struct ebpfmini_object *obj = open_obj(OBJ("load_pin"));

	(void)state;
	fk.obj_get = 1;
	fk.pinned_info = (struct bpf_map_info){
		.type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 8, .max_entries = 10
	};
	assert_int_equal(ebpfmini_object_load(obj), -EEXIST);
	assert_non_null(strstr(logcap.text,
			       "map 'shared_counts': pinned map at /sys/fs/bpf/shared_counts "
			       "is incompatible: max_entries 10 != 16"));
	assert_all_released("failed load");
	ebpfmini_object_close(obj);

	fake_reset();
	log_capture_reset();
	obj = open_obj(OBJ("load_pin"));
	fk.obj_get = 1;
	fk.pinned_info = (struct bpf_map_info){
		.type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8, .max_entries = 16
	};
	assert_int_equal(ebpfmini_object_load(obj), -EEXIST);
	assert_non_null(
		strstr(logcap.text, "incompatible: type BPF_MAP_TYPE_ARRAY != BPF_MAP_TYPE_HASH"));
	ebpfmini_object_close(obj);
	assert_all_released("close");
}

static long prog_load_fail(union bpf_attr *attr, int attempt)
{
	(void)attr;
	(void)attempt;
	return -E2BIG;
}

static void test_failed_load_removes_its_pins(void **state)
{
	struct ebpfmini_object *obj = open_obj(OBJ("load_pin"));
	int unlink_at;

	(void)state;
	fk.prog_load = prog_load_fail;
	assert_int_equal(ebpfmini_object_load(obj), -E2BIG);
	assert_int_equal(count_calls(SYS_bpf, BPF_OBJ_PIN), 1);
	assert_string_equal(fk.calls[first_call(BPF_OBJ_PIN)].path, "/sys/fs/bpf/shared_counts");
	unlink_at = -1;
	for (int i = 0; i < fk.ncalls; i++)
		if (fk.calls[i].nr == SYS_unlinkat)
			unlink_at = i;
	assert_true(unlink_at > last_call(BPF_PROG_LOAD));
	assert_string_equal(fk.calls[unlink_at].path, "shared_counts"); /* in the checked directory */
	assert_all_released("failed load");
	ebpfmini_object_close(obj);
}

static void test_setters_and_state(void **state)
{
	struct ebpfmini_object *obj = open_obj(OBJ("load_basic"));
	struct ebpfmini_map *hash = ebpfmini_object_find_map(obj, "hash");
	uint32_t key = 1;
	uint64_t val = 2;

	(void)state;
	/* element operations need a loaded map */
	assert_int_equal(ebpfmini_map_lookup(hash, &key, &val, 0), -EBUSY);
	assert_int_equal(ebpfmini_map_update(hash, &key, &val, 0), -EBUSY);
	assert_int_equal(ebpfmini_map_delete(hash, &key), -EBUSY);
	assert_int_equal(ebpfmini_map_next_key(hash, NULL, &key), -EBUSY);
	assert_int_equal(ebpfmini_map_freeze(hash), -EBUSY);
	assert_int_equal(ebpfmini_map_id(hash), 0);
	assert_int_equal(ebpfmini_map_set_pin_path(hash, "/sys/fs/bpf/h"), 0);
	assert_string_equal(ebpfmini_map_pin_path(hash), "/sys/fs/bpf/h");
	assert_int_equal(ebpfmini_map_set_pin_path(hash, NULL), 0);
	assert_null(ebpfmini_map_pin_path(hash));
	assert_int_equal(ebpfmini_object_load(obj), 0);
	assert_int_equal(ebpfmini_map_update(hash, &key, &val, 0), 1); /* the fake's answer */
	assert_int_equal(ebpfmini_map_set_pin_path(hash, "/x"), -EBUSY);
	ebpfmini_object_close(obj);
	assert_all_released("close");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_phase_order_and_ownership, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_at_each_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_errno_and_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_grows_to_true_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_grows_x4_to_16mib, setup, teardown),
		cmocka_unit_test_setup_teardown(test_core_custom_btf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_core_poison_guarded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_section_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reuse_compatible_pin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_incompatible_pin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_load_removes_its_pins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_setters_and_state, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
