/* test_elf.c - unit tests of the ELF reader (lib/elf.c): clang objects, this binary, libc, damage */
#include <dlfcn.h>
#include <inttypes.h>
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

#define SAMPLE_OBJ BPF_OBJ_DIR "/elf_sample.bpf.o"
#define TP_SEC "tracepoint/syscalls/sys_enter_getpid"
#define TP_REL ".rel" TP_SEC

/* ---- helpers ------------------------------------------------------------------------ */

/* Whole file in an exactly sized heap buffer (so ASan sees any over-read). */
static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*size = (size_t)n;
	}
	fclose(f);
	return buf;
}

static uint8_t *dup_buf(const uint8_t *src, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	assert_non_null(p);
	memcpy(p, src, n);
	return p;
}

/* little-endian field writes into a copy (the host is little-endian x86-64) */
static void put(uint8_t *b, uint64_t off, uint64_t v, size_t n)
{
	memcpy(b + off, &v, n);
}
#define put16(b, off, v) put(b, off, v, 2)
#define put32(b, off, v) put(b, off, v, 4)
#define put64(b, off, v) put(b, off, v, 8)

static uint64_t get64(const uint8_t *b, uint64_t off)
{
	uint64_t v;

	memcpy(&v, b + off, 8);
	return v;
}

/* the pristine sample object and its parse, shared by all tests */
static uint8_t *sample;
static size_t sample_size;
static struct em_elf *sample_elf;

static int group_setup(void **state)
{
	(void)state;
	ebpfmini_log_set(log_capture_line, EBPFMINI_LOG_WARN, NULL);
	sample = read_file(SAMPLE_OBJ, &sample_size);
	if (!sample) {
		fprintf(stderr, "cannot read %s\n", SAMPLE_OBJ);
		return -1;
	}
	return em_elf_parse_bpf(sample, sample_size, &sample_elf);
}

static int group_teardown(void **state)
{
	(void)state;
	em_elf_free(sample_elf);
	free(sample);
	ebpfmini_log_set(NULL, EBPFMINI_LOG_WARN, NULL);
	return 0;
}

static const struct em_elf_section *sec(const char *name)
{
	const struct em_elf_section *s = em_elf_section_by_name(sample_elf, name);

	assert_non_null(s);
	return s;
}

/* Finds a symbol by exact name in a table; asserts it exists. */
static size_t find_sym(const struct em_elf *elf, const struct em_elf_section *tab, const char *name,
		       struct em_elf_symbol *out)
{
	size_t n = em_elf_symbol_count(elf, tab);

	for (size_t i = 0; i < n; i++) {
		assert_int_equal(em_elf_symbol(elf, tab, i, out), 0);
		if (strcmp(out->name, name) == 0)
			return i;
	}
	fail_msg("symbol %s not found", name);
	return 0;
}

/* file offsets of a section header and of a symbol entry in the sample */
static uint64_t shdr(const char *name)
{
	return get64(sample, 0x28) + (uint64_t)sec(name)->index * 64;
}

static uint64_t sym_off(const char *name)
{
	struct em_elf_symbol s;
	size_t i = find_sym(sample_elf, sample_elf->symtab, name, &s);

	return sample_elf->symtab->offset + i * 24;
}

/*
 * Reads everything a parsed file offers through the accessors and touches
 * every byte range they hand out (ASan reports any out-of-bounds). Returns
 * the first accessor error, 0 when all were fine.
 */
static int walk(const struct em_elf *elf)
{
	volatile unsigned sum = 0;
	int first = 0;
	uint64_t off;

	for (size_t i = 0; i < elf->nsections; i++) {
		const struct em_elf_section *s = em_elf_section(elf, i);

		assert_non_null(s);
		assert_int_equal(s->index, i);
		assert_non_null(s->name);
		sum += (unsigned)strlen(s->name);
		assert_non_null(em_elf_section_by_name(elf, s->name));
		assert_true(s->link < elf->nsections);
		if (s->data) {
			assert_true(s->size > 0);
			assert_true(s->data >= elf->data &&
				    s->data + s->size <= elf->data + elf->size);
			sum += s->data[0] + s->data[s->size - 1];
		}
		for (size_t j = 0, n = em_elf_symbol_count(elf, s); j < n; j++) {
			struct em_elf_symbol sym;
			int err = em_elf_symbol(elf, s, j, &sym);

			assert_true(err == 0 || err == -EBADMSG);
			if (err) {
				first = first ? first : err;
				continue;
			}
			sum += (unsigned)strlen(sym.name);
			if (sym.shndx != SHN_UNDEF && sym.shndx < SHN_LORESERVE)
				assert_true(sym.shndx < elf->nsections);
		}
		for (size_t j = 0, n = em_elf_rel_count(elf, s); j < n; j++) {
			struct em_elf_rel rel;
			int err = em_elf_rel(elf, s, j, &rel);

			assert_true(err == 0 || err == -EBADMSG);
			if (err) {
				first = first ? first : err;
				continue;
			}
			assert_true(rel.sym == 0 ||
				    rel.sym < em_elf_symbol_count(elf, &elf->sections[s->link]));
		}
	}
	for (size_t i = 0; i < elf->nphdrs; i++)
		if (elf->phdrs[i].type == PT_LOAD && elf->phdrs[i].filesz &&
		    em_elf_vaddr_to_offset(elf, elf->phdrs[i].vaddr, &off) == 0)
			assert_true(off < elf->size);
	int err = em_elf_symbol_file_offset(elf, "sample_tp", &off);
	if (err == 0)
		assert_true(off < elf->size);
	else
		assert_true(err == -ENOENT || err == -EBADMSG);
	return first;
}

/* ---- the clang-built sample object ----------------------------------------------------- */

static void test_sample_sections(void **state)
{
	const struct em_elf *elf = sample_elf;
	const struct em_elf_section *s;
	uint64_t v64;
	uint32_t v32;

	(void)state;
	assert_int_equal(elf->type, ET_REL);
	assert_int_equal(elf->machine, EM_BPF);
	assert_int_equal(elf->nphdrs, 0);
	assert_true(elf->nsections > 10);
	assert_null(elf->dynsym);
	assert_ptr_equal(elf->symtab, sec(".symtab"));
	assert_int_equal(elf->symtab->type, SHT_SYMTAB);
	assert_int_equal(elf->sections[0].type, SHT_NULL);
	assert_string_equal(elf->sections[0].name, "");

	for (size_t i = 0; i < elf->nsections; i++) {
		s = em_elf_section(elf, i);
		assert_ptr_equal(s, &elf->sections[i]);
		if (s->data)
			assert_ptr_equal(s->data, sample + s->offset);
	}
	assert_null(em_elf_section(elf, elf->nsections));
	assert_null(em_elf_section_by_name(elf, "no-such-section"));

	s = sec(TP_SEC);
	assert_int_equal(s->type, SHT_PROGBITS);
	assert_true(s->flags & SHF_EXECINSTR);
	assert_int_equal(s->size % 8, 0);
	s = sec("xdp");
	assert_true(s->flags & SHF_EXECINSTR);
	assert_true(sec(".text")->flags & SHF_EXECINSTR);
	assert_int_equal(sec(".maps")->size, 32); /* four pointers */

	s = sec("license");
	assert_int_equal(s->size, 4);
	assert_memory_equal(s->data, "GPL", 4);
	s = sec(".data");
	memcpy(&v64, s->data, 8);
	assert_int_equal(v64, 42);
	s = sec(".rodata");
	memcpy(&v32, s->data, 4);
	assert_int_equal(v32, 7);
	s = sec(".bss");
	assert_int_equal(s->type, SHT_NOBITS);
	assert_int_equal(s->size, 8);
	assert_null(s->data);
	assert_int_equal(walk(elf), 0);
}

static void test_sample_symbols(void **state)
{
	const struct em_elf *elf = sample_elf;
	struct em_elf_symbol sym, a, b;
	uint64_t off;

	(void)state;
	find_sym(elf, elf->symtab, "sample_tp", &sym);
	assert_int_equal(sym.type, STT_FUNC);
	assert_int_equal(sym.bind, STB_GLOBAL);
	assert_int_equal(sym.shndx, sec(TP_SEC)->index);
	assert_int_equal(sym.value, 0);
	assert_int_equal(sym.size, sec(TP_SEC)->size);

	/* two programs in one section: adjacent, together the whole section */
	find_sym(elf, elf->symtab, "sample_xdp_a", &a);
	find_sym(elf, elf->symtab, "sample_xdp_b", &b);
	assert_int_equal(a.shndx, sec("xdp")->index);
	assert_int_equal(b.shndx, a.shndx);
	assert_int_equal(a.value, 0);
	assert_int_equal(b.value, a.size);
	assert_int_equal(a.size + b.size, sec("xdp")->size);

	find_sym(elf, elf->symtab, "sample_sub", &sym);
	assert_int_equal(sym.type, STT_FUNC);
	assert_int_equal(sym.bind, STB_LOCAL);
	assert_int_equal(sym.shndx, sec(".text")->index);
	find_sym(elf, elf->symtab, "sample_map", &sym);
	assert_int_equal(sym.type, STT_OBJECT);
	assert_int_equal(sym.shndx, sec(".maps")->index);
	find_sym(elf, elf->symtab, "_license", &sym);
	assert_int_equal(sym.shndx, sec("license")->index);
	find_sym(elf, elf->symtab, "sample_bss", &sym);
	assert_int_equal(sym.shndx, sec(".bss")->index);

	/* out of range and misuse */
	assert_int_equal(
		em_elf_symbol(elf, elf->symtab, em_elf_symbol_count(elf, elf->symtab), &sym),
		-ENOENT);
	assert_int_equal(em_elf_symbol(elf, sec(".text"), 0, &sym), -EINVAL);
	assert_int_equal(em_elf_symbol_count(elf, sec(".text")), 0);
	assert_int_equal(em_elf_symbol_count(elf, NULL), 0);

	/* object files: a symbol's file offset is its section's offset + value */
	assert_int_equal(em_elf_symbol_file_offset(elf, "sample_tp", &off), 0);
	assert_int_equal(off, sec(TP_SEC)->offset);
	assert_int_equal(em_elf_symbol_file_offset(elf, "sample_xdp_b", &off), 0);
	assert_int_equal(off, sec("xdp")->offset + b.value);
	assert_int_equal(em_elf_symbol_file_offset(elf, "sample_xdp_b@@V1", &off), 0);
	assert_int_equal(em_elf_symbol_file_offset(elf, "sample_xdp", &off), -ENOENT);
	assert_int_equal(em_elf_symbol_file_offset(elf, "sample_bss", &off), -ENOENT); /* NOBITS */
	assert_int_equal(em_elf_vaddr_to_offset(elf, 0, &off), -ENOENT); /* no PT_LOAD */
}

/* Every relocation of a program lands on the instruction it must patch. */
static void test_sample_relocations(void **state)
{
	const struct em_elf *elf = sample_elf;
	const struct em_elf_section *rs = sec(TP_REL), *prog = sec(TP_SEC);
	const char *want[] = { "sample_map", "sample_data", "sample_bss" };
	bool seen[3] = { false }, call = false;
	struct em_elf_rel rel;
	struct em_elf_symbol sym;
	size_t n = em_elf_rel_count(elf, rs);

	(void)state;
	assert_int_equal(rs->type, SHT_REL);
	assert_int_equal(rs->info, prog->index);
	assert_int_equal(rs->link, elf->symtab->index);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *insn;

		assert_int_equal(em_elf_rel(elf, rs, i, &rel), 0);
		assert_int_equal(rel.addend, 0);
		assert_true(rel.offset % 8 == 0 && rel.offset + 8 <= prog->size);
		insn = prog->data + rel.offset;
		assert_int_equal(em_elf_symbol(elf, elf->symtab, rel.sym, &sym), 0);
		if (rel.type == R_BPF_64_64) {
			assert_int_equal(insn[0], 0x18); /* BPF_LD | BPF_IMM | BPF_DW */
			for (size_t k = 0; k < 3; k++)
				seen[k] |= strcmp(sym.name, want[k]) == 0;
		} else {
			assert_int_equal(rel.type, R_BPF_64_32);
			assert_int_equal(insn[0], 0x85);   /* BPF_JMP | BPF_CALL */
			assert_int_equal(insn[1] >> 4, 1); /* src_reg BPF_PSEUDO_CALL */
			assert_int_equal(sym.shndx, sec(".text")->index);
			call = true;
		}
	}
	assert_true(seen[0] && seen[1] && seen[2] && call);
	assert_int_equal(em_elf_rel(elf, rs, n, &rel), -ENOENT);
	assert_int_equal(em_elf_rel(elf, prog, 0, &rel), -EINVAL);
	assert_int_equal(em_elf_rel_count(elf, prog), 0);
	assert_int_equal(em_elf_rel_count(elf, sec(".relxdp")), 2);
}

static void test_bad_arguments(void **state)
{
	struct em_elf *elf = (void *)1;
	struct em_elf_section other = sample_elf->sections[1];
	struct em_elf_symbol sym;
	uint64_t off;

	(void)state;
	log_capture_reset();
	assert_int_equal(em_elf_parse(NULL, 64, &elf), -EINVAL);
	assert_null(elf);
	assert_int_equal(em_elf_parse(sample, sample_size, NULL), -EINVAL);
	assert_int_equal(logcap.count, 0);
	em_elf_free(NULL);
	assert_null(em_elf_section(NULL, 0));
	assert_null(em_elf_section_by_name(NULL, ".text"));
	assert_null(em_elf_section_by_name(sample_elf, NULL));
	/* a section entry that is not the elf's own */
	assert_int_equal(em_elf_symbol(sample_elf, &other, 0, &sym), -EINVAL);
	assert_int_equal(em_elf_symbol_file_offset(sample_elf, NULL, &off), -EINVAL);
	assert_int_equal(em_elf_symbol_file_offset(sample_elf, "@V1", &off), -ENOENT);
	assert_int_equal(em_elf_vaddr_to_offset(NULL, 0, &off), -EINVAL);
}

/* Look-up rules of em_elf_symbol_file_offset: a function beats an object of
 * the same name, a global beats a local, and "name@VERSION" symbols match. */
static void test_symbol_lookup_rules(void **state)
{
	const struct em_elf_section *xdp = sec("xdp"), *strtab = sec(".strtab");
	uint64_t map = sym_off("sample_map"), sub = sym_off("sample_sub");
	uint64_t a = sym_off("sample_xdp_a"), b = sym_off("sample_xdp_b");
	struct em_elf_symbol sb;
	uint8_t *buf = dup_buf(sample, sample_size);
	struct em_elf *elf;
	uint32_t name_a, name_b;
	uint64_t off;

	(void)state;
	find_sym(sample_elf, sample_elf->symtab, "sample_xdp_b", &sb);
	memcpy(&name_a, sample + a, 4);
	memcpy(&name_b, sample + b, 4);
	/* sample_map (an object, listed before) and sample_sub (a local function)
	 * take the names of the two xdp programs */
	put32(buf, map, name_b);
	put32(buf, sub, name_a);
	assert_int_equal(em_elf_parse_bpf(buf, sample_size, &elf), 0);
	assert_int_equal(em_elf_symbol_file_offset(elf, "sample_xdp_b", &off), 0);
	assert_int_equal(off, xdp->offset + sb.value);
	assert_int_equal(em_elf_symbol_file_offset(elf, "sample_xdp_a", &off), 0);
	assert_int_equal(off, xdp->offset);
	em_elf_free(elf);

	/* "sample_xdp_b" becomes "sample_xdp@b" */
	memcpy(buf, sample, sample_size);
	buf[strtab->offset + name_b + strlen("sample_xdp")] = '@';
	assert_int_equal(em_elf_parse_bpf(buf, sample_size, &elf), 0);
	assert_int_equal(em_elf_symbol_file_offset(elf, "sample_xdp", &off), 0);
	assert_int_equal(off, xdp->offset + sb.value);
	assert_int_equal(em_elf_symbol_file_offset(elf, "sample_xdp@@V2", &off), 0);
	assert_int_equal(off, xdp->offset + sb.value);
	assert_int_equal(em_elf_symbol_file_offset(elf, "sample_xdp_b", &off), -ENOENT);
	em_elf_free(elf);
	free(buf);
}

/* ---- ordinary x86-64 executables and shared libraries ------------------------------------- */

/* A local function of this test; its code in memory must equal the file bytes
 * at the offset the reader computes. */
__attribute__((noinline, used)) static int probe_target(int x)
{
	return x * 7 + 3;
}

static void check_code_at(const uint8_t *file, size_t size, uint64_t off, const void *code)
{
	assert_true(off + 32 <= size);
	assert_memory_equal(file + off, code, 32);
}

static void test_self_exe(void **state)
{
	int (*volatile fn)(int) = probe_target;
	struct em_elf_symbol sym;
	struct em_elf *elf;
	uint64_t off, off2;
	size_t size;
	uint8_t *file = read_file("/proc/self/exe", &size);

	(void)state;
	assert_int_equal(fn(1), 10);
	assert_non_null(file);
	assert_int_equal(em_elf_parse(file, size, &elf), 0);
	assert_true(elf->type == ET_DYN || elf->type == ET_EXEC);
	assert_int_equal(elf->machine, EM_X86_64);
	assert_true(elf->nphdrs > 0);
	assert_non_null(elf->symtab);
	assert_non_null(elf->dynsym);

	assert_int_equal(em_elf_symbol_file_offset(elf, "probe_target", &off), 0);
	check_code_at(file, size, off, (const void *)fn);
	/* the same through the symbol's address and the PT_LOAD segments */
	find_sym(elf, elf->symtab, "probe_target", &sym);
	assert_int_equal(sym.type, STT_FUNC);
	assert_int_equal(em_elf_vaddr_to_offset(elf, sym.value, &off2), 0);
	assert_int_equal(off2, off);
	assert_int_equal(em_elf_vaddr_to_offset(elf, UINT64_MAX - 16, &off2), -ENOENT);
	assert_int_equal(em_elf_symbol_file_offset(elf, "no_such_function_here", &off), -ENOENT);
	walk(elf);
	em_elf_free(elf);

	/* a sane executable that is not an eBPF object */
	log_capture_reset();
	elf = (void *)1;
	assert_int_equal(em_elf_parse_bpf(file, size, &elf), -ENOEXEC);
	assert_null(elf);
	assert_int_equal(logcap.count, 1);
	assert_non_null(strstr(logcap.last, "elf: not an eBPF object"));
	free(file);
}

static void test_libc(void **state)
{
	void *h = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
	struct em_elf_symbol sym;
	struct em_elf *elf;
	uint64_t off, off2;
	Dl_info info;
	uint8_t *file;
	size_t size;
	void *fn;

	(void)state;
	assert_non_null(h);
	fn = dlsym(h, "malloc"); /* libc's own definition, not an interposer */
	assert_non_null(fn);
	assert_true(dladdr(fn, &info) != 0);
	file = read_file(info.dli_fname, &size);
	assert_non_null(file);
	assert_int_equal(em_elf_parse(file, size, &elf), 0);
	assert_int_equal(elf->type, ET_DYN);
	assert_non_null(elf->dynsym);

	assert_int_equal(em_elf_symbol_file_offset(elf, "malloc", &off), 0);
	check_code_at(file, size, off, fn);
	/* the library's first PT_LOAD is at vaddr 0, so vaddr = address - base */
	find_sym(elf, elf->dynsym, "malloc", &sym);
	assert_int_equal(sym.value, (uintptr_t)fn - (uintptr_t)info.dli_fbase);
	assert_int_equal(em_elf_vaddr_to_offset(elf, sym.value, &off2), 0);
	assert_int_equal(off2, off);
	/* a version in the query is ignored */
	assert_int_equal(em_elf_symbol_file_offset(elf, "malloc@@GLIBC_2.2.5", &off2), 0);
	assert_int_equal(off2, off);
	assert_int_equal(em_elf_symbol_file_offset(elf, "malloc@GLIBC_2.2.5", &off2), 0);
	assert_int_equal(off2, off);
	assert_int_equal(em_elf_symbol_file_offset(elf, "mallo", &off2), -ENOENT);
	assert_int_equal(em_elf_symbol_file_offset(elf, "no_such_function_here", &off2), -ENOENT);
	/* another well-known function, through its own address */
	fn = dlsym(h, "getpid");
	assert_non_null(fn);
	assert_int_equal(em_elf_symbol_file_offset(elf, "getpid", &off), 0);
	check_code_at(file, size, off, fn);
	assert_int_equal(walk(elf), 0);
	em_elf_free(elf);
	free(file);
	dlclose(h);
}

/* ---- damaged copies ----------------------------------------------------------------------- */

/* Every proper prefix of the object is damage: -EBADMSG, logged exactly once. */
static void test_truncated(void **state)
{
	uint64_t shoff = get64(sample, 0x28);
	struct em_elf *elf;

	(void)state;
	/* clang puts the section header table last, so every cut loses part of it */
	assert_int_equal(shoff + sample_elf->nsections * 64, sample_size);
	for (size_t len = 0; len < sample_size; len++) {
		uint8_t *b = dup_buf(sample, len);

		for (int bpf = 0; bpf < 2; bpf++) {
			log_capture_reset();
			int err = bpf ? em_elf_parse_bpf(b, len, &elf) : em_elf_parse(b, len, &elf);
			if (err != -EBADMSG)
				fail_msg("truncated to %zu bytes: got %d", len, err);
			assert_null(elf);
			assert_int_equal(logcap.count, 1);
			assert_memory_equal(logcap.last, "elf: ", 5);
		}
		free(b);
	}
}

/* Context a damage case edits: a fresh copy of the sample. */
struct dmg {
	uint8_t *b;
	size_t size;
	char want[256]; /* extra expected text, built by the case */
};

#define N (sample_elf->nsections)
#define SH0 get64(sample, 0x28)
#define NSYMS em_elf_symbol_count(sample_elf, sample_elf->symtab)

/*
 * Each case edits a copy of the sample; the expected results are for
 * em_elf_parse_bpf, for em_elf_parse, and for walking all symbols and
 * relocations after a successful em_elf_parse; msg must appear in the one log
 * line (and so must d->want when the case builds one). X-macro: one list,
 * expanded into an edit function per case and a table row per case.
 */
#define DMG_CASES(X)                                                                               \
	X(0, "bad magic", -EBADMSG, -EBADMSG, 0, "not an ELF file", d->b[1] = 'X')                 \
	X(1, "ELF32", -ENOEXEC, -ENOEXEC, 0, "32-bit", d->b[EI_CLASS] = ELFCLASS32)                \
	X(2, "class 9", -EBADMSG, -EBADMSG, 0, "invalid class", d->b[EI_CLASS] = 9)                \
	X(3, "big-endian", -ENOEXEC, -ENOEXEC, 0, "big-endian", d->b[EI_DATA] = ELFDATA2MSB)       \
	X(4, "byte order 0", -EBADMSG, -EBADMSG, 0, "byte order", d->b[EI_DATA] = 0)               \
	X(5, "EI_VERSION 0", -EBADMSG, -EBADMSG, 0, "version", d->b[EI_VERSION] = 0)               \
	X(6, "e_version 2", -EBADMSG, -EBADMSG, 0, "e_version", put32(d->b, 0x14, 2))              \
	X(7, "e_ehsize 32", -EBADMSG, -EBADMSG, 0, "e_ehsize", put16(d->b, 0x34, 32))              \
	X(8, "EM_X86_64", -ENOEXEC, 0, 0, "not an eBPF object", put16(d->b, 0x12, EM_X86_64))      \
	X(9, "ET_EXEC", -ENOEXEC, 0, 0, "not an eBPF object", put16(d->b, 0x10, ET_EXEC))          \
	X(10, "ET_DYN", -ENOEXEC, 0, 0, "not an eBPF object", put16(d->b, 0x10, ET_DYN))           \
	X(11, "e_shentsize 32", -EBADMSG, -EBADMSG, 0, "e_shentsize", put16(d->b, 0x3a, 32))       \
	X(12, "e_shoff at end of file", -EBADMSG, -EBADMSG, 0, "beyond end of file",               \
	  put64(d->b, 0x28, d->size))                                                              \
	X(13, "e_shoff huge", -EBADMSG, -EBADMSG, 0, "beyond end of file",                         \
	  put64(d->b, 0x28, UINT64_MAX - 63))                                                      \
	X(14, "e_shnum 0xfeff", -EBADMSG, -EBADMSG, 0, "65279 headers", put16(d->b, 0x3c, 0xfeff)) \
	X(15, "e_shnum without e_shoff", -EBADMSG, -EBADMSG, 0, "e_shoff is 0",                    \
	  put64(d->b, 0x28, 0))                                                                    \
	X(16, "extended count * 64 overflows", -EBADMSG, -EBADMSG, 0, "beyond end of file",        \
	  put16(d->b, 0x3c, 0);                                                                    \
	  put64(d->b, SH0 + 32, 0x0400000000000001ull))                                            \
	X(17, "extended count UINT64_MAX", -EBADMSG, -EBADMSG, 0, "beyond end of file",            \
	  put16(d->b, 0x3c, 0);                                                                    \
	  put64(d->b, SH0 + 32, UINT64_MAX))                                                       \
	X(18, "extended count 0", -EBADMSG, -EBADMSG, 0, "empty", put16(d->b, 0x3c, 0))            \
	X(19, "extended count one too many", -EBADMSG, -EBADMSG, 0, "beyond end of file",          \
	  put16(d->b, 0x3c, 0);                                                                    \
	  put64(d->b, SH0 + 32, N + 1))                                                            \
	X(20, "e_shstrndx = count", -EBADMSG, -EBADMSG, 0, "name table index",                     \
	  put16(d->b, 0x3e, (uint16_t)N))                                                          \
	X(21, "extended e_shstrndx out of range", -EBADMSG, -EBADMSG, 0, "name table index 9999",  \
	  put16(d->b, 0x3e, SHN_XINDEX);                                                           \
	  put32(d->b, SH0 + 40, 9999))                                                             \
	X(22, "name table not SHT_STRTAB", -EBADMSG, -EBADMSG, 0, "not of type SHT_STRTAB",        \
	  put32(d->b, shdr(".strtab") + 4, SHT_PROGBITS))                                          \
	X(23, "name table not NUL-terminated", -EBADMSG, -EBADMSG, 0, "not terminated",            \
	  d->b[sec(".strtab")->offset + sec(".strtab")->size - 1] = 'x')                           \
	X(24, "name table beyond end of file", -EBADMSG, -EBADMSG, 0,                              \
	  "(section name table): offset", put64(d->b, shdr(".strtab") + 24, d->size - 4))          \
	X(25, "section name offset past the table", -EBADMSG, -EBADMSG, 0, "name offset",          \
	  put32(d->b, shdr(".maps"), (uint32_t)sec(".strtab")->size);                              \
	  snprintf(d->want, sizeof(d->want), "section %u:", sec(".maps")->index))                  \
	X(26, "rel section offset at end of file", -EBADMSG, -EBADMSG, 0, "beyond end of file",    \
	  put64(d->b, shdr(TP_REL) + 24, d->size);                                                 \
	  snprintf(d->want, sizeof(d->want),                                                       \
		   "elf: section %u '" TP_REL "': offset 0x%zx + size 0x40 beyond end of file"     \
		   " (size 0x%zx)",                                                                \
		   sec(TP_REL)->index, d->size, d->size))                                          \
	X(27, "section size beyond file", -EBADMSG, -EBADMSG, 0, "'.text': offset",                \
	  put64(d->b, shdr(".text") + 32, d->size))                                                \
	X(28, "section offset + size overflows", -EBADMSG, -EBADMSG, 0, "'.data': offset",         \
	  put64(d->b, shdr(".data") + 24, 16);                                                     \
	  put64(d->b, shdr(".data") + 32, UINT64_MAX - 8))                                         \
	X(29, "sh_link out of range", -EBADMSG, -EBADMSG, 0, "'.symtab': sh_link",                 \
	  put32(d->b, shdr(".symtab") + 40, (uint32_t)N))                                          \
	X(30, "section 0 sh_link out of range", -EBADMSG, -EBADMSG, 0, "section 0 '': sh_link",    \
	  put32(d->b, SH0 + 40, 70000))                                                            \
	X(31, "symtab entsize 16", -EBADMSG, -EBADMSG, 0, "'.symtab': sh_entsize 16",              \
	  put64(d->b, shdr(".symtab") + 56, 16))                                                   \
	X(32, "symtab size not whole entries", -EBADMSG, -EBADMSG, 0, "'.symtab': sh_entsize",     \
	  put64(d->b, shdr(".symtab") + 32, sec(".symtab")->size - 1))                             \
	X(33, "symtab string table is .text", -EBADMSG, -EBADMSG, 0, "linked string table",        \
	  put32(d->b, shdr(".symtab") + 40, sec(".text")->index))                                  \
	X(34, "rel entsize 24", -EBADMSG, -EBADMSG, 0, "'.relxdp': sh_entsize 24",                 \
	  put64(d->b, shdr(".relxdp") + 56, 24))                                                   \
	X(35, "rel linked to .text", -EBADMSG, -EBADMSG, 0, "not a symbol table",                  \
	  put32(d->b, shdr(".relxdp") + 40, sec(".text")->index))                                  \
	X(36, "rel sh_info out of range", -EBADMSG, -EBADMSG, 0, "'.relxdp': sh_info",             \
	  put32(d->b, shdr(".relxdp") + 44, (uint32_t)N))                                          \
	X(37, "rel symbol index = count", -EBADMSG, 0, -EBADMSG, "symbol index",                   \
	  put32(d->b, sec(TP_REL)->offset + 12, (uint32_t)NSYMS);                                  \
	  snprintf(d->want, sizeof(d->want), "section %u '" TP_REL "': relocation 0",              \
		   sec(TP_REL)->index))                                                            \
	X(38, "rel symbol index 0xffffffff", -EBADMSG, 0, -EBADMSG, "out of range",                \
	  put32(d->b, sec(".relxdp")->offset + 12, UINT32_MAX))                                    \
	X(39, "rel offset beyond its section", -EBADMSG, 0, -EBADMSG, "beyond section",            \
	  put64(d->b, sec(".relxdp")->offset, sec("xdp")->size))                                   \
	X(40, "symbol section index = count", -EBADMSG, 0, -EBADMSG,                               \
	  "'sample_map': section index", put16(d->b, sym_off("sample_map") + 6, (uint16_t)N))      \
	X(41, "symbol name past string table", -EBADMSG, 0, -EBADMSG, "name offset",               \
	  put32(d->b, sym_off("sample_map"), (uint32_t)sec(".strtab")->size))                      \
	X(42, "SHN_XINDEX without SHT_SYMTAB_SHNDX", -EBADMSG, 0, -EBADMSG, "SHN_XINDEX",          \
	  put16(d->b, sym_off("sample_map") + 6, SHN_XINDEX))                                      \
	X(43, "SHN_ABS symbol", 0, 0, 0, NULL, put16(d->b, sym_off("sample_map") + 6, SHN_ABS))    \
	X(44, "SHN_COMMON symbol", 0, 0, 0, NULL,                                                  \
	  put16(d->b, sym_off("sample_map") + 6, SHN_COMMON))                                      \
	X(45, ".bss NOBITS of any size", 0, 0, 0, NULL,                                            \
	  put64(d->b, shdr(".bss") + 32, UINT64_MAX))                                              \
	X(46, "empty section at a wild offset", 0, 0, 0, NULL,                                     \
	  put64(d->b, shdr(".debug_frame") + 24, UINT64_MAX);                                      \
	  put64(d->b, shdr(".debug_frame") + 32, 0); put32(d->b, shdr(".rel.debug_frame") + 4, 0)) \
	X(47, "program header table beyond file", -EBADMSG, -EBADMSG, 0, "program header table",   \
	  put16(d->b, 0x38, 1);                                                                    \
	  put16(d->b, 0x36, 56); put64(d->b, 0x20, d->size - 8))                                   \
	X(48, "e_phentsize 32", -EBADMSG, -EBADMSG, 0, "e_phentsize", put16(d->b, 0x38, 1);        \
	  put16(d->b, 0x36, 32); put64(d->b, 0x20, 64))                                            \
	X(49, "PN_XNUM with a huge count", -EBADMSG, -EBADMSG, 0, "program header table",          \
	  put16(d->b, 0x38, PN_XNUM);                                                              \
	  put16(d->b, 0x36, 56); put64(d->b, 0x20, 64); put32(d->b, SH0 + 44, UINT32_MAX))         \
	X(50, "PT_LOAD beyond end of file", -EBADMSG, -EBADMSG, 0, "program header 0",             \
	  uint64_t p = sec(".debug_str")->offset;                                                  \
	  put16(d->b, 0x38, 1); put16(d->b, 0x36, 56); put64(d->b, 0x20, p);                       \
	  put32(d->b, p, PT_LOAD); put64(d->b, p + 8, d->size - 8); put64(d->b, p + 32, 16);       \
	  put64(d->b, p + 40, 16))                                                                 \
	X(51, "PT_LOAD filesz > memsz", -EBADMSG, -EBADMSG, 0, "filesz larger than memsz",         \
	  uint64_t p = sec(".debug_str")->offset;                                                  \
	  put16(d->b, 0x38, 1); put16(d->b, 0x36, 56); put64(d->b, 0x20, p);                       \
	  put32(d->b, p, PT_LOAD); put64(d->b, p + 8, 0); put64(d->b, p + 32, 16);                 \
	  put64(d->b, p + 40, 8))

#define DMG_FN(id, what, bpf_, plain_, walk_, msg_, ...)                                           \
	static void dmg_##id(struct dmg *d)                                                        \
	{                                                                                          \
		__VA_ARGS__;                                                                       \
	}
#define DMG_ROW(id, what, bpf_, plain_, walk_, msg_, ...)                                          \
	{ what, dmg_##id, bpf_, plain_, walk_, msg_ },

DMG_CASES(DMG_FN)

static const struct dmg_case {
	const char *what;
	void (*edit)(struct dmg *d);
	int bpf_err, err, walk_err;
	const char *msg;
} dmg_cases[] = { DMG_CASES(DMG_ROW) };

static void run_case(const struct dmg_case *c, struct dmg *d, bool bpf)
{
	int want = bpf ? c->bpf_err : c->err;
	struct em_elf *elf = (void *)1;
	int err;

	log_capture_reset();
	err = bpf ? em_elf_parse_bpf(d->b, d->size, &elf) : em_elf_parse(d->b, d->size, &elf);
	if (err != want)
		fail_msg("%s (%s): got %d, want %d; log: %s", c->what, bpf ? "bpf" : "any", err,
			 want, logcap.last);
	if (getenv("TEST_ELF_VERBOSE")) /* show what each case logs */
		printf("%-40s %-3s %4d  %s\n", c->what, bpf ? "bpf" : "any", err, logcap.last);
	if (err) {
		assert_null(elf);
		if (logcap.count != 1 || strncmp(logcap.last, "elf: ", 5) || !strstr(logcap.last, c->msg) ||
		    !strstr(logcap.last, d->want))
			fail_msg("%s: %d lines, last '%s'; want '%s' and '%s'", c->what, logcap.count,
				 logcap.last, c->msg, d->want);
		return;
	}
	assert_int_equal(logcap.count, 0);
	if (!bpf) {
		log_capture_reset();
		err = walk(elf);
		if (err != c->walk_err)
			fail_msg("%s: walk got %d, want %d", c->what, err, c->walk_err);
		if (err && !strstr(logcap.last, c->msg))
			fail_msg("%s: walk log '%s' lacks '%s'", c->what, logcap.last, c->msg);
	}
	em_elf_free(elf);
}

static void test_damage_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < EM_ARRAY_SIZE(dmg_cases); i++) {
		struct dmg d = { .b = dup_buf(sample, sample_size), .size = sample_size };

		dmg_cases[i].edit(&d);
		run_case(&dmg_cases[i], &d, true);
		run_case(&dmg_cases[i], &d, false);
		free(d.b);
	}
}

/* Extended numbering (SHN_XINDEX / e_shnum 0) and SHT_SYMTAB_SHNDX, done right, parse. */
static void test_extended_numbering(void **state)
{
	uint8_t *b = dup_buf(sample, sample_size);
	const struct em_elf_section *xs = sec(".debug_str");
	uint64_t x = shdr(".debug_str"), mo = sym_off("sample_map");
	size_t mi = (mo - sample_elf->symtab->offset) / 24;
	struct em_elf_symbol sym;
	struct em_elf *elf;

	(void)state;
	put16(b, 0x3c, 0);
	put64(b, SH0 + 32, N);
	put32(b, SH0 + 40, sec(".strtab")->index); /* the name table */
	put16(b, 0x3e, SHN_XINDEX);
	/* .debug_str becomes the extended index table of .symtab */
	assert_true(xs->size >= NSYMS * 4);
	put32(b, x + 4, SHT_SYMTAB_SHNDX);
	put64(b, x + 32, NSYMS * 4);
	put64(b, x + 56, 4);
	put32(b, x + 40, sample_elf->symtab->index);
	memset(b + xs->offset, 0, NSYMS * 4);
	put32(b, xs->offset + mi * 4, sec(".maps")->index);
	put16(b, mo + 6, SHN_XINDEX);
	log_capture_reset();
	assert_int_equal(em_elf_parse_bpf(b, sample_size, &elf), 0);
	assert_int_equal(elf->nsections, N);
	assert_string_equal(elf->sections[sec(".maps")->index].name, ".maps");
	assert_int_equal(em_elf_symbol(elf, elf->symtab, mi, &sym), 0);
	assert_string_equal(sym.name, "sample_map");
	assert_int_equal(sym.shndx, sec(".maps")->index);
	em_elf_free(elf);

	/* the extended index itself out of range */
	put32(b, xs->offset + mi * 4, (uint32_t)N);
	assert_int_equal(em_elf_parse_bpf(b, sample_size, &elf), -EBADMSG);
	assert_non_null(strstr(logcap.last, "'sample_map': section index"));
	/* the table too short for the symbol */
	put32(b, xs->offset + mi * 4, sec(".maps")->index);
	put64(b, x + 32, mi * 4);
	assert_int_equal(em_elf_parse_bpf(b, sample_size, &elf), -EBADMSG);
	assert_non_null(strstr(logcap.last, "SHN_XINDEX"));
	free(b);
}

/*
 * Deterministic mutation: every byte of the ELF header, the section header
 * table, the symbol table and one relocation section, set to 0x00, 0xff,
 * 0x80 and (original + 1). Each parse returns 0 or a negative errno with one
 * log line; a successful parse yields accessors that stay in bounds (ASan),
 * and after em_elf_parse_bpf succeeded, no accessor may report damage.
 */
static void test_mutations(void **state)
{
	const uint64_t ranges[][2] = {
		{ 0, 64 },
		{ SH0, N * 64 },
		{ sample_elf->symtab->offset, sample_elf->symtab->size },
		{ sec(TP_REL)->offset, sec(TP_REL)->size },
	};
	uint8_t *b = dup_buf(sample, sample_size);
	size_t runs = 0, ok = 0;

	(void)state;
	for (size_t r = 0; r < EM_ARRAY_SIZE(ranges); r++) {
		for (uint64_t off = ranges[r][0]; off < ranges[r][0] + ranges[r][1]; off++) {
			const uint8_t vals[] = { 0x00, 0xff, 0x80, (uint8_t)(sample[off] + 1) };

			for (size_t v = 0; v < EM_ARRAY_SIZE(vals); v++) {
				b[off] = vals[v];
				for (int bpf = 0; bpf < 2; bpf++) {
					struct em_elf *elf;
					int err;

					log_capture_reset();
					err = bpf ? em_elf_parse_bpf(b, sample_size, &elf) :
						    em_elf_parse(b, sample_size, &elf);
					runs++;
					if (err) {
						assert_true(err == -EBADMSG || err == -ENOEXEC);
						if (logcap.count != 1)
							fail_msg("offset 0x%" PRIx64
								 " = 0x%02x: %d log lines",
								 off, vals[v], logcap.count);
						continue;
					}
					ok++;
					assert_int_equal(logcap.count, 0);
					err = walk(elf);
					if (bpf)
						assert_int_equal(err, 0);
					em_elf_free(elf);
				}
			}
			b[off] = sample[off];
		}
	}
	/* both outcomes must have happened, or the loop tested nothing */
	assert_true(ok > 0 && ok < runs);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_sections),
		cmocka_unit_test(test_sample_symbols),
		cmocka_unit_test(test_sample_relocations),
		cmocka_unit_test(test_symbol_lookup_rules),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_self_exe),
		cmocka_unit_test(test_libc),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_damage_table),
		cmocka_unit_test(test_extended_numbering),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
