/* test_load_extern.c - ksym/kfunc externs, attach targets, module BTF and kallsyms (objextern.c, load_extern.c, ksym.c) against a scripted kernel */
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
#include <unistd.h>

#include <cmocka.h>

#include "core.h"
#include "kbtf.h"
#include "ebpfmini/ebpfmini.h"
#include "internal.h"
#include "log_capture.h"
#include "ksym.h"
#include "objstate.h"
#include "sys.h"

#define SYS_FAKE_KERNEL
#include "sys_fake.h"

#define OBJ(name) BPF_OBJ_DIR "/" name ".bpf.o"
#define TARGET OBJ("load_core_target") /* a "kernel" BTF with the kfuncs and variables */
#define MOD_NAME "ebpfmini_mod"
#define MOD_PATH "/sys/kernel/btf/" MOD_NAME
#define POISON_BASE 0xbad3000 /* load_extern.c */

/* ---- the script of the fake kernel (sys_fake.h) ------------------------------------------ */

#define MAX_LOADS 8

struct prog_load {
	uint32_t attach_btf_id, attach_btf_obj_fd;
	int fd_array[4];
	bool has_fd_array;
	struct bpf_insn insns[128];
	uint32_t insn_cnt;
};

struct fake {
	uint32_t btf_id_of[FAKE_MAX_FDS]; /* BTF object id behind a BTF_GET_FD_BY_ID fd */
	uint8_t btf_blob[16384];     /* the last BPF_BTF_LOAD */
	size_t btf_size;
	struct prog_load loads[MAX_LOADS];
	int nloads;
	int next_id_calls;
	/* scripted files */
	const char *kallsyms;
	const void *mod_btf;
	size_t mod_btf_size;
};

static struct fake fk;

/* BTF objects the fake kernel lists: vmlinux, a program's BTF, the module. */
static const struct {
	uint32_t id;
	const char *name;
	uint32_t kernel_btf;
} btf_objs[] = { { 1, "vmlinux", 1 }, { 5, "", 0 }, { 9, MOD_NAME, 1 } };

static long fake_bpf(long cmd, union bpf_attr *attr)
{
	switch (cmd) {
	case BPF_BTF_LOAD:
		assert_true(attr->btf_size <= sizeof(fk.btf_blob));
		memcpy(fk.btf_blob, (const void *)(uintptr_t)attr->btf, attr->btf_size);
		fk.btf_size = attr->btf_size;
		return fake_new_fd();
	case BPF_PROG_LOAD: {
		struct prog_load *l = &fk.loads[fk.nloads++];

		assert_true(fk.nloads <= MAX_LOADS && attr->insn_cnt <= 128);
		l->attach_btf_id = attr->attach_btf_id;
		l->attach_btf_obj_fd = attr->attach_btf_obj_fd;
		l->has_fd_array = attr->fd_array != 0;
		if (attr->fd_array)
			memcpy(l->fd_array, (const void *)(uintptr_t)attr->fd_array,
			       2 * sizeof(int));
		memcpy(l->insns, (const void *)(uintptr_t)attr->insns,
		       attr->insn_cnt * sizeof(struct bpf_insn));
		l->insn_cnt = attr->insn_cnt;
		return fake_new_fd();
	}
	case BPF_BTF_GET_NEXT_ID:
		fk.next_id_calls++;
		for (size_t i = 0; i < EM_ARRAY_SIZE(btf_objs); i++) {
			if (btf_objs[i].id > attr->start_id) {
				attr->next_id = btf_objs[i].id;
				return EM_SYS_OK;
			}
		}
		return -ENOENT;
	case BPF_BTF_GET_FD_BY_ID: {
		long fd = fake_new_fd();

		fk.btf_id_of[fd - FAKE_FD_BASE] = attr->btf_id;
		return fd;
	}
	case BPF_OBJ_GET_INFO_BY_FD: {
		uint32_t fd = attr->info.bpf_fd, id = 0;
		struct bpf_btf_info *info = (void *)(uintptr_t)attr->info.info;

		if (fd >= FAKE_FD_BASE && fd < FAKE_FD_BASE + FAKE_MAX_FDS)
			id = fk.btf_id_of[fd - FAKE_FD_BASE];
		for (size_t i = 0; id && i < EM_ARRAY_SIZE(btf_objs); i++) {
			if (btf_objs[i].id != id)
				continue;
			info->id = id;
			info->kernel_btf = btf_objs[i].kernel_btf;
			snprintf((char *)(uintptr_t)info->name, info->name_len, "%s",
				 btf_objs[i].name);
		}
		return EM_SYS_OK;
	}
	default: /* maps, updates, freeze */
		return cmd == BPF_MAP_CREATE ? fake_new_fd() : EM_SYS_OK;
	}
}

static long fake_hook(void *ctx, struct em_sys_call *sc)
{
	(void)ctx;
	switch (sc->nr) {
	case SYS_close:
		return fake_close(sc->args[0]);
	case SYS_openat:
		return strcmp((const char *)sc->args[1], MOD_PATH) == 0 ? -ENOENT : 0;
	case EM_SYS_READ_FILE:
		if (fk.kallsyms && strcmp((const char *)sc->args[0], "/proc/kallsyms") == 0) {
			sc->data = fk.kallsyms;
			sc->data_len = strlen(fk.kallsyms);
			return 1;
		}
		if (fk.mod_btf && strcmp((const char *)sc->args[0], MOD_PATH) == 0) {
			sc->data = fk.mod_btf;
			sc->data_len = fk.mod_btf_size;
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
	memset(&fk, 0, sizeof(fk));
}

/* ---- helpers ------------------------------------------------------------------------------ */

static struct ebpfmini_object *open_with(const char *path, const char *btf_path)
{
	struct ebpfmini_object_open_opts opts = { .sz = sizeof(opts), .btf_custom_path = btf_path };
	struct ebpfmini_object *obj = NULL;

	assert_int_equal(ebpfmini_object_open(path, &opts, &obj), 0);
	return obj;
}

static size_t ext_index(const struct ebpfmini_object *obj, const char *name)
{
	for (size_t i = 0; i < obj->model.nexterns; i++)
		if (strcmp(obj->model.externs[i].name, name) == 0)
			return i;
	fail_msg("no extern '%s'", name);
	return 0;
}

static struct em_extern *ext(struct ebpfmini_object *obj, const char *name)
{
	return &obj->model.externs[ext_index(obj, name)];
}

/* The kernel's answer for an extern, as the load recorded it. */
static struct em_extern_state *ext_state(struct ebpfmini_object *obj, const char *name)
{
	return &obj->ext_state[ext_index(obj, name)];
}

static uint32_t id_in(const char *btf_path, const char *name, int kind)
{
	const struct ebpfmini_btf *btf;
	int id;

	assert_int_equal(em_btf_vmlinux_get(btf_path, &btf), 0);
	id = em_btf_find(btf, name, kind);
	assert_true(id > 0);
	return (uint32_t)id;
}

static bool vmlinux_readable(void)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) == 0)
		return true;
	print_message("skipped: /sys/kernel/btf/vmlinux: kernel without BTF\n");
	return false;
}

/* ---- open: classification and the BTF the kernel will get ------------------------------- */

static void test_open_classifies_and_sanitizes(void **state)
{
	struct ebpfmini_object *obj = open_with(OBJ("load_ksym"), NULL);
	const struct ebpfmini_btf *btf = obj->model.btf;
	const struct btf_type *t;

	(void)state;
	assert_true(ext(obj, "bpf_task_from_pid")->is_func);
	assert_false(ext(obj, "bpf_task_from_pid")->is_weak);
	assert_true(ext(obj, "ebpfmini_no_such_kfunc")->is_func);
	assert_true(ext(obj, "ebpfmini_no_such_kfunc")->is_weak);
	assert_true(ext(obj, "_stext")->is_typeless);
	assert_false(ext(obj, "runqueues")->is_typeless);
	assert_false(ext(obj, "runqueues")->is_func);
	/* runqueues keeps its local type: the declared-only struct rq */
	t = em_btf_type(btf, ext(obj, "runqueues")->type_id);
	assert_int_equal(em_btf_kind(t), BTF_KIND_FWD);
	assert_string_equal(em_btf_type_name(btf, t), "rq");
	/* a kfunc keeps its prototype */
	t = em_btf_type(btf, ext(obj, "bpf_task_release")->type_id);
	assert_int_equal(em_btf_kind(t), BTF_KIND_FUNC_PROTO);
	assert_int_equal(em_btf_vlen(t), 1);

	/* nothing the kernel's BTF check refuses is left */
	assert_int_equal(em_btf_find(btf, ".ksyms", BTF_KIND_DATASEC), -ENOENT);
	for (uint32_t id = 1; id < em_btf_type_end(btf); id++) {
		t = em_btf_type(btf, id);
		if (em_btf_kind(t) == BTF_KIND_FUNC)
			assert_int_not_equal(em_btf_vlen(t), BTF_FUNC_EXTERN);
		if (em_btf_kind(t) == BTF_KIND_VAR)
			assert_int_not_equal(((const struct btf_var *)em_btf_tail(t))->linkage,
					     BTF_VAR_GLOBAL_EXTERN);
	}
	/* extern FUNCs became typedefs of their prototypes, ksym VARs 4-byte ints */
	assert_true(em_btf_find(btf, "bpf_task_release", BTF_KIND_TYPEDEF) > 0);
	assert_true(em_btf_find(btf, "runqueues", BTF_KIND_INT) > 0);
	ebpfmini_object_close(obj);
}

/* ---- load against a BTF file ------------------------------------------------------------- */

static void test_kfuncs_and_targets_from_file(void **state)
{
	struct ebpfmini_object *obj = open_with(OBJ("open_ksym"), TARGET);
	uint32_t lock = id_in(TARGET, "bpf_rcu_read_lock", BTF_KIND_FUNC),
		 unlock = id_in(TARGET, "bpf_rcu_read_unlock", BTF_KIND_FUNC);
	const struct ebpfmini_btf *sent;
	int kfunc_calls = 0;

	(void)state;
	assert_int_equal(ebpfmini_object_load(obj), 0);
	assert_int_equal(fk.next_id_calls, 0); /* a BTF file stands for vmlinux: no modules */
	assert_int_equal(fk.nloads, 2);
	for (int i = 0; i < fk.nloads; i++) {
		const struct prog_load *l = &fk.loads[i];

		assert_false(l->has_fd_array);
		assert_int_equal(l->attach_btf_obj_fd, 0);
		assert_true(l->attach_btf_id == id_in(TARGET, "btf_trace_sys_enter", BTF_KIND_TYPEDEF) ||
			    l->attach_btf_id == id_in(TARGET, "btf_trace_sys_exit", BTF_KIND_TYPEDEF));
		for (uint32_t k = 0; k < l->insn_cnt; k++) {
			const struct bpf_insn *insn = &l->insns[k];

			if (insn->code != (BPF_JMP | BPF_CALL) || insn->src_reg == 0)
				continue;
			assert_int_equal(insn->src_reg, BPF_PSEUDO_KFUNC_CALL);
			assert_int_equal(insn->off, 0);
			assert_true((uint32_t)insn->imm == (kfunc_calls ? unlock : lock));
			kfunc_calls++;
		}
	}
	assert_int_equal(kfunc_calls, 2);
	assert_int_equal(fk.loads[0].attach_btf_id,
			 id_in(TARGET, "btf_trace_sys_enter", BTF_KIND_TYPEDEF));
	/* the BTF the kernel got parses and has no extern FUNC */
	assert_int_equal(em_btf_parse(fk.btf_blob, fk.btf_size, NULL, (struct ebpfmini_btf **)&sent),
			 0);
	for (uint32_t id = 1; id < em_btf_type_end(sent); id++) {
		const struct btf_type *t = em_btf_type(sent, id);

		assert_false(em_btf_kind(t) == BTF_KIND_FUNC && em_btf_vlen(t) == BTF_FUNC_EXTERN);
	}
	em_btf_free((struct ebpfmini_btf *)sent);
	ebpfmini_object_close(obj);
	assert_all_released("close");
}

/* What the kernel lacks: non-weak externs and attach targets fail before any program load. */
static void test_missing_names(void **state)
{
	struct ebpfmini_object *obj = open_with(OBJ("open_ksym"), OBJ("load_core"));
	struct ebpfmini_program *p = NULL;

	(void)state;
	assert_int_equal(ebpfmini_object_load(obj), -ENOENT);
	assert_non_null(strstr(logcap.text, "prog 'uses_kfunc': attach target 'sys_enter': the kernel "
				       "has no tracepoint type 'btf_trace_sys_enter'"));
	assert_int_equal(fk.nloads, 0);
	ebpfmini_object_close(obj);
	assert_all_released("close");

	/* as socket filters the programs need no target: the kfunc is what is missing */
	log_capture_reset();
	obj = open_with(OBJ("open_ksym"), OBJ("load_core"));
	while ((p = ebpfmini_object_next_program(obj, p)))
		assert_int_equal(ebpfmini_program_set_type(p, BPF_PROG_TYPE_SOCKET_FILTER), 0);
	assert_int_equal(ebpfmini_object_load(obj), -ENOENT);
	assert_non_null(strstr(logcap.text, "btf: extern 'bpf_rcu_read_lock': the kernel has no "
				       "function of that name in its BTF (vmlinux, from the given "
				       "BTF file) (mark it __weak"));
	assert_int_equal(fk.nloads, 0);
	ebpfmini_object_close(obj);
	assert_all_released("close");
}

/* Typeless ksyms from a scripted /proc/kallsyms; weak ones missing everywhere are 0. */
static void test_kallsyms_and_weak(void **state)
{
	struct ebpfmini_object *obj = open_with(OBJ("load_ksym"), TARGET);
	const struct prog_load *l;
	int poisoned = 0, addr_loads = 0;

	(void)state;
	fk.kallsyms = "ffffffff81000000 T _text\n"
		      "ffffffff81000000 T _stext\n"
		      "ffffffffc0001000 t helper\t[some_module]\n";
	assert_int_equal(ebpfmini_program_set_autoload(ebpfmini_object_find_program(obj,
										    "use_percpu_vars"),
						       false),
			 0);
	assert_int_equal(ebpfmini_object_load(obj), 0);
	assert_int_equal(fk.nloads, 1);
	l = &fk.loads[0];
	assert_true(ext_state(obj, "_stext")->found);
	assert_int_equal(ext_state(obj, "_stext")->addr, 0xffffffff81000000ull);
	assert_false(ext_state(obj, "ebpfmini_no_such_symbol")->found);
	for (uint32_t k = 0; k < l->insn_cnt; k++) {
		const struct bpf_insn *insn = &l->insns[k];

		if (insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == 0 &&
		    insn->imm >= POISON_BASE && insn->imm < POISON_BASE + 64) {
			assert_string_equal(obj->model.externs[insn->imm - POISON_BASE].name,
					    "ebpfmini_no_such_kfunc");
			poisoned++;
		}
		if (insn->code == (BPF_LD | BPF_IMM | BPF_DW) && insn->src_reg == 0 &&
		    (uint32_t)insn[0].imm == 0x81000000u && (uint32_t)insn[1].imm == 0xffffffffu)
			addr_loads++;
	}
	assert_int_equal(poisoned, 1);
	assert_int_equal(addr_loads, 1);
	ebpfmini_object_close(obj);
	assert_all_released("close");

	/* kernel.kptr_restrict: every address 0 */
	fake_reset();
	log_capture_reset();
	fk.kallsyms = "0000000000000000 T _text\n0000000000000000 T _stext\n";
	obj = open_with(OBJ("load_ksym"), TARGET);
	assert_int_equal(ebpfmini_object_load(obj), -EPERM);
	assert_non_null(strstr(logcap.text, "kptr_restrict hides addresses"));
	ebpfmini_object_close(obj);
	assert_all_released("close");

	/* addresses hidden, and the name not listed at all: absent, not hidden */
	fake_reset();
	log_capture_reset();
	fk.kallsyms = "0000000000000000 T _text\n";
	obj = open_with(OBJ("load_ksym"), TARGET);
	assert_int_equal(ebpfmini_object_load(obj), -ENOENT);
	assert_non_null(strstr(logcap.text, "extern '_stext': not in /proc/kallsyms"));
	assert_null(strstr(logcap.text, "kptr_restrict"));
	ebpfmini_object_close(obj);
	assert_all_released("close");
}

/* ---- modules ---------------------------------------------------------------------------- */

/* Split BTF of a module on top of base: int, a kfunc, a variable, a tracepoint typedef and
 * a struct. */
struct mod_btf {
	uint8_t bytes[512];
	size_t size;
	uint32_t kfunc_id, var_id, tp_id, struct_id;
};

static void build_mod_btf(const struct ebpfmini_btf *base, struct mod_btf *m)
{
	static const char strs[] = "\0int\0x\0ebpfmini_mod_kfunc\0ebpfmini_mod_var\0"
				   "btf_trace_ebpfmini_mod_tp\0ebpfmini_mod_s\0pad\0m";
	uint32_t s = em_btf_type_end(base), so = base->start_str_off + base->str_len;
	uint32_t words[] = {
		/* s+0 int */ so + 1, BTF_KIND_INT << 24, 4, BTF_INT_SIGNED << 24 | 32,
		/* s+1 void (int x) */ 0, BTF_KIND_FUNC_PROTO << 24 | 1, 0, so + 5, s,
		/* s+2 kfunc */ so + 7, BTF_KIND_FUNC << 24 | BTF_FUNC_GLOBAL, s + 1,
		/* s+3 var */ so + 26, BTF_KIND_VAR << 24, s, BTF_VAR_GLOBAL_ALLOCATED,
		/* s+4 void (void) */ 0, BTF_KIND_FUNC_PROTO << 24, 0,
		/* s+5 ptr */ 0, BTF_KIND_PTR << 24, s + 4,
		/* s+6 typedef */ so + 43, BTF_KIND_TYPEDEF << 24, s + 5,
		/* s+7 struct ebpfmini_mod_s { int pad; int m; } */ so + 69,
		BTF_KIND_STRUCT << 24 | 2, 8, so + 84, s, 0, so + 88, s, 32,
	};
	struct btf_header h = {
		.magic = BTF_MAGIC,
		.version = BTF_VERSION,
		.hdr_len = sizeof(h),
		.type_off = 0,
		.type_len = sizeof(words),
		.str_off = sizeof(words),
		.str_len = sizeof(strs),
	};

	memcpy(m->bytes, &h, sizeof(h));
	memcpy(m->bytes + sizeof(h), words, sizeof(words));
	memcpy(m->bytes + sizeof(h) + sizeof(words), strs, sizeof(strs));
	m->size = sizeof(h) + sizeof(words) + sizeof(strs);
	m->kfunc_id = s + 2;
	m->var_id = s + 3;
	m->tp_id = s + 6;
	m->struct_id = s + 7;
}

static void test_module_btf(void **state)
{
	const struct ebpfmini_btf *vmlinux;
	struct ebpfmini_object *obj;
	const struct prog_load *l;
	struct mod_btf m;
	int mod_fd = -1, calls = 0, btf_loads = 0, core_steps = 0, prog_steps = 0;
	const struct ebpfmini_load_step *step;
	char want[128];

	(void)state;
	if (!vmlinux_readable())
		skip();
	assert_int_equal(em_btf_vmlinux_get(NULL, &vmlinux), 0);
	build_mod_btf(vmlinux, &m);
	fk.mod_btf = m.bytes;
	fk.mod_btf_size = m.size;
	obj = open_with(OBJ("load_modkfunc"), NULL);
	assert_int_equal(ebpfmini_object_load(obj), 0);
	assert_non_null(strstr(logcap.text, "extern 'ebpfmini_mod_kfunc': function ["));
	assert_non_null(strstr(logcap.text, "in " MOD_NAME));
	/* the module's fd: the one opened for BTF object id 9 */
	for (int fd = FAKE_FD_BASE; fd < K.next_fd; fd++)
		if (fk.btf_id_of[fd - FAKE_FD_BASE] == 9)
			mod_fd = fd;
	assert_true(mod_fd >= FAKE_FD_BASE);
	assert_int_equal(fk.nloads, 1);
	l = &fk.loads[0];
	assert_int_equal(l->attach_btf_id, m.tp_id);
	assert_int_equal(l->attach_btf_obj_fd, mod_fd);
	assert_true(l->has_fd_array);
	assert_int_equal(l->fd_array[1], mod_fd);
	for (uint32_t k = 0; k < l->insn_cnt; k++) {
		const struct bpf_insn *insn = &l->insns[k];

		if (insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_KFUNC_CALL) {
			assert_int_equal(insn->imm, m.kfunc_id);
			assert_int_equal(insn->off, 1); /* fd_array[1] */
			calls++;
		}
		if (insn->code == (BPF_LD | BPF_IMM | BPF_DW) && insn->src_reg == BPF_PSEUDO_BTF_ID) {
			assert_int_equal(insn[0].imm, m.var_id);
			assert_int_equal(insn[1].imm, mod_fd);
			btf_loads++;
		}
	}
	assert_int_equal(calls, 1);
	assert_int_equal(btf_loads, 1);
	/* CO-RE found the struct vmlinux lacks in the module: m at 4, not 0 */
	assert_int_equal(obj->core_fixups->n, 1);
	assert_int_equal(obj->core_fixups->v[0].targ_id, m.struct_id);
	assert_string_equal(obj->core_fixups->v[0].targ_name, MOD_NAME);
	assert_int_equal(obj->core_fixups->v[0].new_val, 4);
	/* the load report names the module of the fixup and of the attach target */
	for (size_t i = 0; (step = ebpfmini_object_load_step(obj, i)); i++) {
		if (step->kind == EBPFMINI_STEP_CORE_FIXUP)
			core_steps += strstr(step->text, " in " MOD_NAME ")") != NULL;
		if (step->kind == EBPFMINI_STEP_PROG_LOAD) {
			snprintf(want, sizeof(want), "attach target ebpfmini_mod_tp [%u] in " MOD_NAME,
				 m.tp_id);
			prog_steps += strstr(step->text, want) != NULL;
		}
	}
	assert_int_equal(core_steps, 1);
	assert_int_equal(prog_steps, 1);
	assert_int_equal(fk.next_id_calls, 4); /* the modules were listed once, for CO-RE */
	/* the module fd and the others opened while listing are closed by the load */
	assert_int_equal(K.closed[mod_fd - FAKE_FD_BASE], 1);
	ebpfmini_object_close(obj);
	assert_all_released("close");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_classifies_and_sanitizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kfuncs_and_targets_from_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kallsyms_and_weak, setup, teardown),
		cmocka_unit_test_setup_teardown(test_module_btf, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
