/* test_program_disasm.c - unit tests of ebpfmini_program_disasm() before load (lib/object/program.c):
 * the names an opened object gives maps, subprograms, callbacks, kfuncs and ksyms */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <linux/bpf.h>

#include "ebpfmini/ebpfmini.h"

#define OPEN_OBJECTS BPF_OBJ_DIR "/open_objects.bpf.o"
#define LOAD_KSYM BPF_OBJ_DIR "/load_ksym.bpf.o"

static char *disasm_of(struct ebpfmini_object *obj, const char *prog_name, bool opcode)
{
	struct ebpfmini_insn_fmt_opts opts = { .sz = sizeof(opts), .opcode = opcode };
	struct ebpfmini_program *prog = ebpfmini_object_find_program(obj, prog_name);
	char *text = NULL;

	assert_non_null(prog);
	assert_true(ebpfmini_program_disasm(prog, &opts, &text) > 0);
	return text;
}

static void assert_has(const char *text, const char *line)
{
	if (!strstr(text, line))
		fail_msg("missing \"%s\" in:\n%s", line, text);
}

static void test_maps_subprograms_callbacks(void **state)
{
	struct ebpfmini_object *obj;
	char *text;

	(void)state;
	assert_int_equal(ebpfmini_object_open(OPEN_OBJECTS, NULL, &obj), 0);
	text = disasm_of(obj, "xdp_main", false);
	assert_true(strncmp(text, "xdp_main:\n   0: ", 16) == 0);
	assert_has(text, ": r1 = map[hash_map]\n");
	assert_has(text, ": call bpf_map_lookup_elem#1\n");
	assert_has(text, ": r2 = subprog[loop_cb]\n");
	assert_has(text, ": call bpf_loop#181\n");
	assert_has(text, "#static_sub\n");
	assert_has(text, ": call pc-1#global_sub\n");
	assert_has(text, ": r1 = map[.bss][0]+8\n");
	assert_has(text, ": r1 = map[.kconfig][0]+");
	free(text);
	text = disasm_of(obj, "xdp_main", true);
	assert_has(text, ": (18) r1 = map[hash_map]\n");
	assert_has(text, ": (85) call bpf_map_lookup_elem#1\n");
	free(text);
	ebpfmini_object_close(obj);
}

static void test_kfuncs_ksyms(void **state)
{
	struct ebpfmini_object *obj;
	char *text;

	(void)state;
	assert_int_equal(ebpfmini_object_open(LOAD_KSYM, NULL, &obj), 0);
	text = disasm_of(obj, "use_ksyms", false);
	assert_has(text, ": call pc-1#bpf_task_from_pid (kfunc)\n");
	assert_has(text, ": r1 = bpf_task_acquire\n");
	assert_has(text, ": r2 = _stext\n");
	free(text);
	text = disasm_of(obj, "use_percpu_vars", false);
	assert_has(text, ": r1 = runqueues\n");
	assert_has(text, ": call bpf_per_cpu_ptr#153\n");
	free(text);
	ebpfmini_object_close(obj);
}

static const char *rename_maps(void *ctx, const void *insns, size_t cnt, size_t idx, char *buf,
			       size_t size)
{
	const struct bpf_insn *in = (const struct bpf_insn *)insns + idx;

	(void)ctx;
	(void)cnt;
	if (in->code != (BPF_LD | BPF_IMM | BPF_DW))
		return NULL;
	snprintf(buf, size, "mine");
	return buf;
}

static void test_caller_names_first_and_errors(void **state)
{
	struct ebpfmini_insn_fmt_opts opts = { .sz = sizeof(opts), .name = rename_maps };
	struct ebpfmini_object *obj;
	struct ebpfmini_program *prog;
	char *text = (char *)"x";

	(void)state;
	assert_int_equal(ebpfmini_object_open(OPEN_OBJECTS, NULL, &obj), 0);
	prog = ebpfmini_object_find_program(obj, "xdp_main");
	assert_true(ebpfmini_program_disasm(prog, &opts, &text) > 0);
	assert_has(text, ": r1 = mine\n");
	assert_has(text, ": call bpf_map_lookup_elem#1\n");
	assert_null(strstr(text, "map[hash_map]"));
	free(text);
	assert_int_equal(ebpfmini_program_disasm(NULL, NULL, &text), -EINVAL);
	assert_null(text);
	assert_int_equal(ebpfmini_program_disasm(prog, NULL, NULL), -EINVAL);
	opts.sz = 1;
	assert_int_equal(ebpfmini_program_disasm(prog, &opts, &text), -EINVAL);
	ebpfmini_object_close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maps_subprograms_callbacks),
		cmocka_unit_test(test_kfuncs_ksyms),
		cmocka_unit_test(test_caller_names_first_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
