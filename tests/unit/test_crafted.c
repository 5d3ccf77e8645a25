/* test_crafted.c - crafted objects: what a few bytes of ELF may make open allocate, and how long it may take */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

#include <cmocka.h>

#include "ebpfmini/object.h"
#include "ebpfmini/ebpfmini.h"
#include "elf_builder.h"
#include "internal.h"
#define SYS_FAKE_KERNEL
#include "sys_fake.h"

static struct elf_builder eb;

/* The scripted kernel: every program loads (a fake fd); anything else is refused. */
static int prog_loads;

static long fake_hook(void *ctx, struct em_sys_call *sc)
{
	(void)ctx;
	if (sc->nr == SYS_close)
		return fake_close(sc->args[0]);
	if (sc->nr == SYS_munmap)
		return fake_munmap((void *)sc->args[0], (size_t)sc->args[1]);
	if (sc->nr == SYS_mmap)
		return fake_mmap((size_t)sc->args[1]);
	if (sc->nr == SYS_bpf && sc->args[0] == BPF_PROG_LOAD) {
		prog_loads++;
		return fake_new_fd();
	}
	return -ENOSYS;
}

static void fake_reset(void)
{
	fake_kernel_reset();
	prog_loads = 0;
}

static int crafted_setup(void **state)
{
	eb_init(&eb);
	return setup(state);
}

static int crafted_teardown(void **state)
{
	eb_free(&eb);
	return teardown(state);
}

static int open_built(struct ebpfmini_object **obj)
{
	size_t size;
	uint8_t *img = eb_write(&eb, &size);
	int err = ebpfmini_object_open_mem(img, size, NULL, obj);

	free(img);
	return err;
}

/*
 * Global data sections (finding 7): .bss sizes are not backed by file bytes,
 * so an object of a few hundred bytes declared gigabytes; the object's total
 * is capped at 256 MiB.
 */
static void test_data_sections_capped(void **state)
{
	struct ebpfmini_object *obj = NULL;
	char name[32];

	(void)state;
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), ".bss.%d", i);
		eb_section(&eb, name, SHT_NOBITS, SHF_ALLOC | SHF_WRITE, NULL, 128u << 20);
	}
	assert_int_equal(open_built(&obj), -E2BIG);
	assert_null(obj);
	assert_non_null(log_captured_line("map '.bss.2'", "supported per object"));

	/* within the cap: opens, each section a map of its declared size */
	eb_free(&eb);
	eb_init(&eb);
	eb_section(&eb, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, NULL, 1u << 20);
	eb_section(&eb, ".bss.x", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, NULL, 1u << 20);
	assert_int_equal(open_built(&obj), 0);
	assert_int_equal(ebpfmini_map_value_size(ebpfmini_object_find_map(obj, ".bss.x")), 1u << 20);
	ebpfmini_object_close(obj);
}

/*
 * Linked programs (finding 3): every program gets its own copy of each
 * subprogram it calls. Five programs calling one subprogram of 900,000
 * instructions (7 MB of ELF) would link 36 MB of code; the object's total is
 * capped at 4,000,000 instructions, one program at the kernel's 1,000,000.
 */
static void add_caller(uint32_t text, uint32_t sub_sym, const char *sec, const char *name)
{
	static const struct bpf_insn call_exit[2] = {
		{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_CALL, .imm = -1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static const uint64_t rel[2] = { 0, 10 /* R_BPF_64_32 */ };
	uint64_t *r = malloc(sizeof(rel));
	char relname[64];
	uint32_t idx, ri;

	(void)text;
	memcpy(r, rel, sizeof(rel));
	r[1] |= (uint64_t)sub_sym << 32;
	idx = eb_section(&eb, sec, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, call_exit,
			 sizeof(call_exit));
	eb_symbol(&eb, name, idx, (STB_GLOBAL << 4) | STT_FUNC, 0, sizeof(call_exit));
	snprintf(relname, sizeof(relname), ".rel%s", sec);
	ri = eb_section(&eb, relname, SHT_REL, 0, r, sizeof(rel));
	eb.sec[ri].link = 2;
	eb.sec[ri].info = idx;
	eb.sec[ri].entsize = sizeof(rel);
}

static struct bpf_insn *big_sub(uint32_t n, uint32_t *sym)
{
	struct bpf_insn *code = calloc(n, sizeof(*code));
	uint32_t text;

	for (uint32_t i = 0; i + 1 < n; i++)
		code[i] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K };
	code[n - 1] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	eb_section(&eb, "license", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, "GPL", 4);
	text = eb_section(&eb, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, code,
			  (uint64_t)n * sizeof(*code));
	*sym = (uint32_t)eb.nsyms;
	eb_symbol(&eb, "sub", text, (STB_GLOBAL << 4) | STT_FUNC, 0, (uint64_t)n * sizeof(*code));
	return code;
}

static void test_linked_code_capped(void **state)
{
	struct ebpfmini_object *obj = NULL;
	struct bpf_insn *code;
	char sec[32], name[32];
	uint32_t sub;

	(void)state;
	code = big_sub(900000, &sub);
	for (int i = 0; i < 5; i++) {
		snprintf(sec, sizeof(sec), "kprobe/f%d", i);
		snprintf(name, sizeof(name), "p%d", i);
		add_caller(0, sub, sec, name);
	}
	assert_int_equal(open_built(&obj), 0);
	assert_int_equal(ebpfmini_object_load(obj), -E2BIG);
	assert_non_null(log_captured_line("prog 'p4'", "more than the 4000000 supported"));
	assert_int_equal(prog_loads, 0); /* refused before the kernel is asked */
	ebpfmini_object_close(obj);
	assert_all_released("linked code capped");
	free(code);
	for (uint32_t i = 1; i < eb.nsec; i++)
		if (eb.sec[i].type == SHT_REL)
			free((void *)eb.sec[i].data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_data_sections_capped, crafted_setup, crafted_teardown),
		cmocka_unit_test_setup_teardown(test_linked_code_capped, crafted_setup, crafted_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
