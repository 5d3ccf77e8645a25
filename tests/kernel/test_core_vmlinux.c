/* test_core_vmlinux.c - kernel BTF from sysfs (btf_vmlinux.c) and CO-RE relocation against it, without loading (kernel tests) */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core.h"
#include "kbtf.h"
#include "core_relocate.h"
#include "ebpfmini/object.h"
#include "internal.h"
#include "objstate.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"

static const struct ebpfmini_btf *vmlinux(void)
{
	const struct ebpfmini_btf *btf = NULL;
	int err;

	if (access(VMLINUX, R_OK) != 0) {
		printf("skip: %s: kernel built without BTF (CONFIG_DEBUG_INFO_BTF)\n", VMLINUX);
		skip();
	}
	err = em_btf_vmlinux_get(NULL, &btf);
	if (err)
		fail_msg("em_btf_vmlinux_get: %s", strerror(-err));
	return btf;
}

/* Byte offset of a direct member of a struct, found by walking its BTF record. */
static int member_offset(const struct ebpfmini_btf *btf, uint32_t id, const char *name,
			 uint32_t *type_id)
{
	const struct btf_type *t = em_btf_type(btf, id);
	const struct btf_member *m = em_btf_tail(t);

	for (uint32_t i = 0; i < em_btf_vlen(t); i++, m++) {
		if (strcmp(em_btf_str(btf, m->name_off), name) != 0)
			continue;
		if (type_id)
			*type_id = m->type;
		return (int)((em_btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset) / 8);
	}
	return -ENOENT;
}

static void test_vmlinux(void **state)
{
	const struct ebpfmini_btf *btf = vmlinux(), *again = NULL;
	int task, off;
	uint32_t size, tid;

	(void)state;
	assert_int_equal(em_btf_vmlinux_get(NULL, &again), 0);
	assert_ptr_equal(btf, again); /* parsed once per process */
	assert_true(ebpfmini_btf_type_count(btf) > 10000);

	task = em_btf_find(btf, "task_struct", BTF_KIND_STRUCT);
	assert_true(task > 0);
	assert_int_equal(em_btf_resolve_size(btf, (uint32_t)task, &size), 0);
	assert_true(size > 1000 && size < 64 * 1024);

	/* pid: a 4-byte signed int (pid_t) somewhere inside the struct */
	off = member_offset(btf, (uint32_t)task, "pid", &tid);
	assert_true(off > 0 && (uint32_t)off + 4 <= size);
	assert_int_equal(em_btf_resolve_size(btf, tid, &size), 0);
	assert_int_equal(size, 4);
	assert_int_equal(off % 4, 0);
}

static void test_index_finds_task_struct(void **state)
{
	const struct ebpfmini_btf *btf = vmlinux();
	const char *names[] = { "task_struct", "ebpfmini_no_such_type" };
	size_t lens[] = { 11, 21 };
	const struct em_core_cands *c;
	struct em_core_index *idx;
	int task = em_btf_find(btf, "task_struct", BTF_KIND_STRUCT);
	bool found = false;

	(void)state;
	assert_int_equal(em_core_index_new(btf, &idx), 0);
	assert_int_equal(em_core_index_add(idx, names, lens, 2), 0);
	c = em_core_index_get(idx, "task_struct", 11);
	assert_non_null(c);
	assert_true(c->n >= 1);
	for (size_t i = 0; i < c->n; i++)
		found |= c->ids[i] == (uint32_t)task;
	assert_true(found);
	assert_int_equal(em_core_index_get(idx, "ebpfmini_no_such_type", 21)->n, 0);
	em_core_index_free(idx);
}

/* CO-RE relocation of a clang-built object against this kernel's BTF: the
 * patched offsets are the kernel's own. (Loading it comes with load.c's CO-RE phase.) */
static void test_relocate_task_reads(void **state)
{
	const struct ebpfmini_btf *btf = vmlinux();
	struct ebpfmini_object *obj;
	struct em_code_sec *sec = NULL;
	int task = em_btf_find(btf, "task_struct", BTF_KIND_STRUCT);
	int off_pid = member_offset(btf, (uint32_t)task, "pid", NULL);
	int off_tgid = member_offset(btf, (uint32_t)task, "tgid", NULL);
	int off_parent = member_offset(btf, (uint32_t)task, "real_parent", NULL);
	int off_comm = member_offset(btf, (uint32_t)task, "comm", NULL);
	bool saw_pid = false, saw_tgid = false, saw_parent = false, saw_comm = false;
	int n;

	(void)state;
	assert_true(off_pid > 0 && off_tgid > 0 && off_parent > 0 && off_comm > 0);
	assert_int_equal(ebpfmini_object_open(BPF_OBJ_DIR "/core_task.bpf.o", NULL, &obj), 0);
	assert_true(obj->model.has_core_relos);
	n = core_relocate_kernel(&obj->model, NULL);
	assert_true(n > 0);

	for (size_t i = 0; i < obj->model.ncode; i++)
		if (strcmp(obj->model.code[i].name, "tp/syscalls/sys_enter_getppid") == 0)
			sec = &obj->model.code[i];
	assert_non_null(sec);
	/* every relocated immediate is one of the four offsets, or 1 / 0 for the exists checks */
	const struct em_btf_ext_sec *es =
		em_btf_ext_find(&obj->model.btf_ext->core_relo, sec->name);
	assert_non_null(es);
	for (uint32_t r = 0; r < es->num_info; r++) {
		uint32_t rec[4];
		const struct bpf_insn *insn;

		memcpy(rec, es->data + (size_t)r * obj->model.btf_ext->core_relo.rec_size,
		       sizeof(rec));
		insn = &sec->insns[rec[0] / 8];
		assert_int_not_equal(insn->imm, EM_CORE_POISON_HELPER);
		if (rec[3] == BPF_CORE_FIELD_EXISTS) {
			assert_true(insn->imm == 0 || insn->imm == 1);
			continue;
		}
		assert_int_equal(rec[3], BPF_CORE_FIELD_BYTE_OFFSET);
		saw_pid |= insn->imm == off_pid;
		saw_tgid |= insn->imm == off_tgid;
		saw_parent |= insn->imm == off_parent;
		saw_comm |= insn->imm == off_comm;
		assert_true(insn->imm == off_pid || insn->imm == off_tgid ||
			    insn->imm == off_parent || insn->imm == off_comm);
	}
	assert_true(saw_pid && saw_tgid && saw_parent && saw_comm);
	ebpfmini_object_close(obj);
}

/* A module's BTF is split BTF: its ids continue after vmlinux's. */
static void test_module_btf(void **state)
{
	const struct ebpfmini_btf *base = vmlinux(), *mod = NULL;
	DIR *d = opendir("/sys/kernel/btf");
	struct dirent *e;
	char name[256] = "";

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] != '.' && strcmp(e->d_name, "vmlinux") != 0) {
			snprintf(name, sizeof(name), "%s", e->d_name);
			break;
		}
	}
	closedir(d);
	assert_int_equal(em_btf_vmlinux_module_get("ebpfmini_no_such_module", &mod), -ENOENT);
	if (!name[0]) {
		/* split BTF itself is covered by unit-core with a scripted sysfs */
		printf("note: no loaded module has BTF here; only the missing-module case ran\n");
		return;
	}
	assert_int_equal(em_btf_vmlinux_module_get(name, &mod), 0);
	assert_non_null(mod);
	assert_ptr_equal(mod->base, base);
	assert_int_equal(mod->start_id, em_btf_type_end(base));
	assert_true(em_btf_type_end(mod) >= em_btf_type_end(base));
	/* the same pointer the second time */
	const struct ebpfmini_btf *again = NULL;

	assert_int_equal(em_btf_vmlinux_module_get(name, &again), 0);
	assert_ptr_equal(again, mod);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmlinux),
		cmocka_unit_test(test_index_finds_task_struct),
		cmocka_unit_test(test_relocate_task_reads),
		cmocka_unit_test(test_module_btf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
