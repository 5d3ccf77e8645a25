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

/*
 * Cost on crafted names: 8,000 sections and 30,000 functions with long names
 * that differ only at the end (what an unkeyed hash or a scan per name makes
 * quadratic) open in linear time and memory. The stated bound: one CPU second
 * and 64 MiB more peak memory for each object (here: milliseconds, a few MiB).
 */
static double cpu_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static long peak_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static unsigned int count_maps(const struct ebpfmini_object *obj)
{
	unsigned int n = 0;

	for (struct ebpfmini_map *m = NULL; obj && (m = ebpfmini_object_next_map(obj, m));)
		n++;
	return n;
}

static unsigned int count_progs(const struct ebpfmini_object *obj)
{
	unsigned int n = 0;

	for (struct ebpfmini_program *p = NULL; obj && (p = ebpfmini_object_next_program(obj, p));)
		n++;
	return n;
}

static void open_within_bounds(const char *what)
{
	struct ebpfmini_object *obj = NULL;
	size_t size;
	uint8_t *img = eb_write(&eb, &size);
	double t0 = cpu_now(), dt;
	long m0 = peak_kib(), dm;
	int err = ebpfmini_object_open_mem(img, size, NULL, &obj);

	dt = cpu_now() - t0;
	dm = peak_kib() - m0;
	print_message("%s: %zu bytes of ELF, open %s (%u maps, %u programs) in %.3f s of CPU,"
		      " peak memory +%ld KiB\n", what, size, err ? "failed" : "succeeded",
		      count_maps(obj), count_progs(obj), dt, dm);
	ebpfmini_object_close(obj);
	free(img);
	assert_true(dt < 1.0);
	assert_true(dm < 64 * 1024);
}

static void test_crafted_names_cost(void **state)
{
	static const struct bpf_insn ret0[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	const char *pad = "a_long_prefix_that_all_the_names_share_to_defeat_short_comparisons_";
	struct bpf_insn *text;
	uint32_t idx;
	char name[256];

	(void)state;
	for (int i = 0; i < 8000; i++) {
		snprintf(name, sizeof(name), ".bss.%s%d", pad, i);
		eb_section(&eb, name, SHT_NOBITS, SHF_ALLOC | SHF_WRITE, NULL, 8);
	}
	open_within_bounds("8,000 .bss sections");

	eb_free(&eb);
	eb_init(&eb);
	text = calloc(30000, sizeof(ret0));
	for (int i = 0; i < 30000; i++)
		memcpy(&text[2 * i], ret0, sizeof(ret0));
	eb_section(&eb, "license", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, "GPL", 4);
	idx = eb_section(&eb, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, text,
			 30000 * sizeof(ret0));
	for (int i = 0; i < 30000; i++) {
		snprintf(name, sizeof(name), "%s%d", pad, i);
		eb_symbol(&eb, name, idx, (STB_GLOBAL << 4) | STT_FUNC, (uint64_t)i * sizeof(ret0),
			  sizeof(ret0));
	}
	eb_section(&eb, "kprobe/f", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, ret0, sizeof(ret0));
	eb_symbol(&eb, "prog", eb.nsec - 1, (STB_GLOBAL << 4) | STT_FUNC, 0, sizeof(ret0));
	open_within_bounds("30,000 functions");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* first: the peak memory it measures is the process's high-water mark */
		cmocka_unit_test_setup_teardown(test_crafted_names_cost, crafted_setup, crafted_teardown),
		cmocka_unit_test_setup_teardown(test_data_sections_capped, crafted_setup, crafted_teardown),
		cmocka_unit_test_setup_teardown(test_linked_code_capped, crafted_setup, crafted_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
