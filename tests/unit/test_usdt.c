/* test_usdt.c - unit tests of the USDT note and argument parser (lib/format/usdt.c): this binary's probes, damaged notes, x86-64 argument strings */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "elf.h"
#include "internal.h"
#include "log_capture.h"
#include "open_fixture.h"
#include "usdt.h"
#include "usdt_probe.h"

/* ---- this binary's own probes ------------------------------------------------------- */

TEST_USDT_SEMAPHORE(ebpfmini_unit, with_sema);

__attribute__((noinline, used)) void fire_probes(int a, long b)
{
	volatile long mem = b;

	TEST_USDT(ebpfmini_unit, args, "-4@%0 8@%1 4@%2", "r"(a), "m"(mem), "n"(5));
	TEST_USDT_S(ebpfmini_unit, with_sema, "");
	TEST_USDT(ebpfmini_unit, twice, "");
	TEST_USDT(ebpfmini_unit, twice, "");
}

/* The file offset of symbol name (any type) of .symtab. */
static uint64_t symbol_offset(const struct em_elf *elf, const char *name)
{
	struct em_elf_symbol sym;
	uint64_t off = 0;

	for (size_t i = 0; i < em_elf_symbol_count(elf, elf->symtab); i++) {
		assert_int_equal(em_elf_symbol(elf, elf->symtab, i, &sym), 0);
		if (strcmp(sym.name, name) == 0) {
			assert_int_equal(em_elf_vaddr_to_offset(elf, sym.value, &off), 0);
			return off;
		}
	}
	fail_msg("no symbol %s", name);
	return 0;
}

static void test_self(void **state)
{
	struct em_usdt_loc *locs;
	struct em_usdt_spec spec;
	struct em_elf *elf;
	size_t size = 0, n;
	uint8_t *buf = read_file("/proc/self/exe", &size);

	(void)state;
	assert_non_null(buf);
	assert_int_equal(em_elf_parse(buf, size, &elf), 0);
	assert_int_equal(em_usdt_find(elf, "ebpfmini_unit", "args", &locs, &n, "t"), 0);
	assert_int_equal(n, 1);
	assert_int_equal(buf[locs[0].offset], 0x90); /* the nop */
	assert_int_equal(locs[0].sema_offset, 0);
	assert_int_equal(em_usdt_parse_args(locs[0].args, &spec, "t"), 0);
	assert_int_equal(spec.arg_cnt, 3);
	assert_int_equal(spec.args[0].kind, EM_USDT_ARG_REG);
	assert_int_equal(spec.args[0].is_signed, 1);
	assert_int_equal(spec.args[0].bitshift, 32);
	assert_int_equal(spec.args[1].kind, EM_USDT_ARG_REG_DEREF);
	assert_int_equal(spec.args[1].bitshift, 0);
	assert_int_equal(spec.args[2].kind, EM_USDT_ARG_CONST);
	assert_int_equal(spec.args[2].val_off, 5);
	free(locs);

	assert_int_equal(em_usdt_find(elf, "ebpfmini_unit", "with_sema", &locs, &n, "t"), 0);
	assert_int_equal(n, 1);
	assert_int_equal(locs[0].sema_offset, symbol_offset(elf, "ebpfmini_unit_with_sema_semaphore"));
	assert_string_equal(locs[0].args, "");
	free(locs);

	assert_int_equal(em_usdt_find(elf, "ebpfmini_unit", "twice", &locs, &n, "t"), 0);
	assert_int_equal(n, 2);
	assert_true(locs[0].offset != locs[1].offset);
	free(locs);

	log_capture_start(EBPFMINI_LOG_DEBUG);
	assert_int_equal(em_usdt_find(elf, "ebpfmini_unit", "none", &locs, &n, "t"), -ENOENT);
	assert_null(locs);
	assert_true(log_captured("no USDT probe ebpfmini_unit:none"));
	elf->machine = 183; /* EM_AARCH64 */
	assert_int_equal(em_usdt_find(elf, "ebpfmini_unit", "args", &locs, &n, "t"), -ENOEXEC);
	assert_true(log_captured("x86-64 only"));
	log_capture_stop();
	em_elf_free(elf);
	free(buf);
}

/* ---- notes from bytes ------------------------------------------------------------- */

/* A stapsdt note: header, "stapsdt\0", three addresses, the strings (strs, len bytes). */
static size_t note(uint8_t *b, uint32_t type, const char *strs, size_t len)
{
	uint32_t hdr[3] = { 8, (uint32_t)(24 + len), type };
	uint64_t addrs[3] = { 0x1000, 0x2000, 0x3000 };
	size_t n = 12 + 8 + 24 + len;

	memcpy(b, hdr, 12);
	memcpy(b + 12, "stapsdt", 8);
	memcpy(b + 20, addrs, 24);
	memcpy(b + 44, strs, len);
	while (n % 4)
		b[n++] = 0;
	return n;
}

static void test_notes(void **state)
{
	static const char strs[] = "prov\0name\0-4@%edi";
	struct em_usdt_note out;
	uint8_t b[512], *exact;
	size_t size, pos = 0;

	(void)state;
	size = note(b, 1, strs, sizeof(strs));       /* another type: skipped */
	size += note(b + size, 3, strs, sizeof(strs));
	exact = malloc(size);
	memcpy(exact, b, size);
	assert_int_equal(em_usdt_note_next(exact, size, &pos, &out), 1);
	assert_string_equal(out.provider, "prov");
	assert_string_equal(out.name, "name");
	assert_string_equal(out.args, "-4@%edi");
	assert_int_equal(out.loc, 0x1000);
	assert_int_equal(out.base, 0x2000);
	assert_int_equal(out.sema, 0x3000);
	assert_int_equal(em_usdt_note_next(exact, size, &pos, &out), 0);

	log_capture_start(EBPFMINI_LOG_DEBUG);
	/* every cut of the section is refused or ends cleanly, never read past */
	for (size_t cut = 1; cut < size; cut++) {
		uint8_t *part = malloc(cut);
		int r;

		memcpy(part, exact, cut);
		pos = 0;
		while ((r = em_usdt_note_next(part, cut, &pos, &out)) == 1)
			;
		assert_true(r == 0 || r == -EBADMSG);
		free(part);
	}
	/* huge sizes */
	pos = 0;
	memcpy(exact, (uint32_t[]){ 0xffffffff }, 4);
	assert_int_equal(em_usdt_note_next(exact, size, &pos, &out), -EBADMSG);
	assert_true(log_captured(".note.stapsdt: the note at offset 0"));
	free(exact);
	/* strings without their NUL */
	size = note(b, 3, "prov\0name", 9);
	pos = 0;
	assert_int_equal(em_usdt_note_next(b, 44 + 9, &pos, &out), -EBADMSG);
	/* a descriptor too short for three addresses */
	memcpy(b, (uint32_t[]){ 8, 16, 3 }, 12);
	pos = 0;
	assert_int_equal(em_usdt_note_next(b, 36, &pos, &out), -EBADMSG);
	log_capture_stop();
}

/* ---- argument strings ------------------------------------------------------------- */

static void test_args(void **state)
{
	struct em_usdt_spec spec;
	static const char *const bad[] = {
		"4",        "4@",         "3@%eax",   "16@%rax",     "4@%xyz",      "4@$",
		"4@$x",     "8@(%rax,%rbx,4)", "8@sym(%rip)", "8@-8(%rip)", "8@8(%rax",
		"x@%eax",   "8@8(%foo)",  "8@%",
	};

	(void)state;
	assert_int_equal(em_usdt_parse_args("", &spec, "t"), 0);
	assert_int_equal(spec.arg_cnt, 0);
	assert_int_equal(em_usdt_parse_args("-1@%al 2@%r9w  8@$-3 -8@0x10(%rsp) 4@(%r15)\t1@$0xff",
					    &spec, "t"),
			 0);
	assert_int_equal(spec.arg_cnt, 6);
	assert_int_equal(spec.args[0].kind, EM_USDT_ARG_REG);
	assert_int_equal(spec.args[0].reg_off, 80);
	assert_int_equal(spec.args[0].bitshift, 56);
	assert_int_equal(spec.args[0].is_signed, 1);
	assert_int_equal(spec.args[1].reg_off, 64);
	assert_int_equal(spec.args[1].is_signed, 0);
	assert_int_equal(spec.args[1].bitshift, 48);
	assert_int_equal(spec.args[2].kind, EM_USDT_ARG_CONST);
	assert_int_equal((int64_t)spec.args[2].val_off, -3);
	assert_int_equal(spec.args[3].kind, EM_USDT_ARG_REG_DEREF);
	assert_int_equal(spec.args[3].reg_off, 152);
	assert_int_equal(spec.args[3].val_off, 16);
	assert_int_equal(spec.args[3].bitshift, 0);
	assert_int_equal(spec.args[4].reg_off, 0);
	assert_int_equal(spec.args[4].val_off, 0);
	assert_int_equal(spec.args[5].val_off, 0xff);
	assert_int_equal(em_usdt_parse_args("-4@-1204(%rbp) 8@%rdi", &spec, "t"), 0);
	assert_int_equal(spec.args[0].reg_off, 32);
	assert_int_equal((int64_t)spec.args[0].val_off, -1204);
	assert_int_equal(spec.args[1].reg_off, 112);

	log_capture_start(EBPFMINI_LOG_DEBUG);
	for (size_t i = 0; i < EM_ARRAY_SIZE(bad); i++) {
		log_capture_reset();
		if (em_usdt_parse_args(bad[i], &spec, "t") != -EINVAL)
			fail_msg("'%s' was taken", bad[i]);
		assert_true(log_captured("t: argument 0"));
	}
	assert_true(em_usdt_parse_args("8@-8(%rip)", &spec, "t") == -EINVAL &&
		    log_captured("%rip-relative operands are not supported"));
	assert_int_equal(em_usdt_parse_args("1@$1 1@$1 1@$1 1@$1 1@$1 1@$1 1@$1 1@$1 1@$1 1@$1 "
					    "1@$1 1@$1 1@$1",
					    &spec, "t"),
			 -EINVAL);
	assert_true(log_captured("more than 12"));
	log_capture_stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_self),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
