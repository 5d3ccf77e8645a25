/* test_core.c - unit tests of CO-RE calc and patch (core.c, core_fixup.c, core_match.c) and kernel BTF file reading (btf_vmlinux.c), no kernel */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "btf_builder.h"
#include "core.h"
#include "kbtf.h"
#include "core_relocate.h"
#include "ebpfmini/log.h"
#include "ebpfmini/object.h"
#include "elf.h"
#include "internal.h"
#include "log_capture.h"
#include "objstate.h"
#include "sys.h"

/* The target's own definitions: expected offsets come from the compiler, not from us. */
#include "core_target_a.c"

#define CORE_READS BPF_OBJ_DIR "/core_reads.bpf.o"
#define CORE_FLAVORS BPF_OBJ_DIR "/core_flavors.bpf.o"
#define TARGET(name) CORE_TARGET_DIR "/core_target_" name ".o"

static int setup(void **state)
{
	(void)state;
	log_capture_reset();
	ebpfmini_log_set(log_capture_line, EBPFMINI_LOG_WARN, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ebpfmini_log_set(NULL, EBPFMINI_LOG_WARN, NULL);
	return 0;
}

/* ---- fixtures ------------------------------------------------------------------------ */

static void *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* Target BTF from a clang-built object, through the ELF reader and the BTF parser. */
static struct ebpfmini_btf *target_from(const char *path)
{
	struct ebpfmini_btf *btf = NULL;
	const struct em_elf_section *s;
	struct em_elf *elf = NULL;
	size_t size;
	void *data = read_all(path, &size);

	assert_int_equal(em_elf_parse_bpf(data, size, &elf), 0);
	s = em_elf_section_by_name(elf, ".BTF");
	assert_non_null(s);
	assert_int_equal(em_btf_parse(s->data, s->size, NULL, &btf), 0);
	em_elf_free(elf);
	free(data);
	return btf;
}

/* An opened object and a copy of its code from before relocation. */
struct fix {
	struct ebpfmini_object *obj;
	struct bpf_insn *orig[16];
};

static void fix_open(struct fix *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	assert_int_equal(ebpfmini_object_open(path, NULL, &f->obj), 0);
	assert_true(f->obj->model.has_core_relos);
	assert_true(f->obj->model.ncode <= EM_ARRAY_SIZE(f->orig));
	for (size_t i = 0; i < f->obj->model.ncode; i++) {
		size_t bytes = f->obj->model.code[i].insn_cnt * sizeof(struct bpf_insn);

		f->orig[i] = malloc(bytes);
		assert_non_null(f->orig[i]);
		memcpy(f->orig[i], f->obj->model.code[i].insns, bytes);
	}
}

static void fix_close(struct fix *f)
{
	for (size_t i = 0; i < EM_ARRAY_SIZE(f->orig); i++)
		free(f->orig[i]);
	ebpfmini_object_close(f->obj);
}

static size_t total_relos(const struct ebpfmini_object *obj)
{
	size_t n = 0;

	for (size_t i = 0; i < obj->model.btf_ext->core_relo.nsecs; i++)
		n += obj->model.btf_ext->core_relo.secs[i].num_info;
	return n;
}

/* Where function fn's single CO-RE relocation is: code section, instruction, record. */
struct where {
	size_t code;
	uint32_t insn;
	uint8_t *rec; /* the record inside the ext's (writable) copy */
};

static struct where find_relo(const struct fix *f, const char *fn)
{
	const struct em_btf_ext_info *info = &f->obj->model.btf_ext->core_relo;
	struct where w = { 0 };
	int found = 0;

	for (size_t c = 0; c < f->obj->model.ncode; c++) {
		const struct em_code_sec *sec = &f->obj->model.code[c];
		const struct em_btf_ext_sec *es = em_btf_ext_find(info, sec->name);

		for (uint32_t i = 0; es && i < es->num_info; i++) {
			const uint8_t *rec = es->data + (size_t)i * info->rec_size;
			uint32_t insn_off;
			const struct em_func *func;

			memcpy(&insn_off, rec, sizeof(insn_off));
			func = em_objfile_func_at(sec, insn_off / 8);
			if (!func || strcmp(func->name, fn) != 0)
				continue;
			w.code = c;
			w.insn = insn_off / 8;
			w.rec = f->obj->model.btf_ext->raw + (rec - f->obj->model.btf_ext->raw);
			found++;
		}
	}
	if (found != 1)
		fail_msg("function '%s' has %d CO-RE relocations, expected 1", fn, found);
	return w;
}

static const struct bpf_insn *insn_of(const struct fix *f, const char *fn, struct bpf_insn *orig)
{
	struct where w = find_relo(f, fn);

	if (orig)
		*orig = f->orig[w.code][w.insn];
	return &f->obj->model.code[w.code].insns[w.insn];
}

static void expect_imm(const struct fix *f, const char *fn, int64_t value)
{
	struct bpf_insn orig;
	const struct bpf_insn *insn = insn_of(f, fn, &orig);

	if (insn->code != orig.code || insn->imm != (int32_t)value)
		fail_msg("%s: code 0x%02x imm %d, expected code 0x%02x imm %lld", fn, insn->code,
			 insn->imm, orig.code, (long long)value);
	assert_true(BPF_CLASS(insn->code) == BPF_ALU64 || BPF_CLASS(insn->code) == BPF_ALU);
}

static void expect_mem(const struct fix *f, const char *fn, int16_t off, int size_bits)
{
	struct bpf_insn orig;
	const struct bpf_insn *insn = insn_of(f, fn, &orig);

	if (insn->off != off || BPF_SIZE(insn->code) != size_bits ||
	    BPF_CLASS(insn->code) != BPF_CLASS(orig.code) || insn->dst_reg != orig.dst_reg ||
	    insn->src_reg != orig.src_reg || insn->imm != orig.imm)
		fail_msg("%s: code 0x%02x off %d, expected off %d size 0x%x", fn, insn->code,
			 insn->off, off, size_bits);
}

static void expect_imm64(const struct fix *f, const char *fn, uint64_t value)
{
	const struct bpf_insn *insn = insn_of(f, fn, NULL);
	uint64_t have = (uint64_t)(uint32_t)insn[1].imm << 32 | (uint32_t)insn[0].imm;

	assert_true(em_insn_is_ld_imm64(insn));
	if (have != value)
		fail_msg("%s: imm64 %llu, expected %llu", fn, (unsigned long long)have,
			 (unsigned long long)value);
}

static bool is_poison(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) && insn->imm == EM_CORE_POISON_HELPER &&
	       insn->src_reg == 0 && insn->dst_reg == 0 && insn->off == 0;
}

static void expect_poisoned(const struct fix *f, const char *fn)
{
	struct bpf_insn orig;
	const struct bpf_insn *insn = insn_of(f, fn, &orig);

	if (!is_poison(insn))
		fail_msg("%s: code 0x%02x imm %d is not poisoned", fn, insn->code, insn->imm);
	if (em_insn_is_ld_imm64(&orig))
		assert_true(is_poison(insn + 1));
}

/* Every instruction that no relocation names is as clang wrote it. */
static void expect_rest_untouched(const struct fix *f)
{
	const struct em_btf_ext_info *info = &f->obj->model.btf_ext->core_relo;

	for (size_t c = 0; c < f->obj->model.ncode; c++) {
		const struct em_code_sec *sec = &f->obj->model.code[c];
		const struct em_btf_ext_sec *es = em_btf_ext_find(info, sec->name);

		for (uint32_t i = 0; i < sec->insn_cnt; i++) {
			bool relocated = false;

			for (uint32_t r = 0; es && r < es->num_info && !relocated; r++) {
				uint32_t off;

				memcpy(&off, es->data + (size_t)r * info->rec_size, sizeof(off));
				relocated =
					off / 8 == i || (off / 8 + 1 == i &&
							 em_insn_is_ld_imm64(&f->orig[c][off / 8]));
			}
			if (!relocated &&
			    memcmp(&sec->insns[i], &f->orig[c][i], sizeof(struct bpf_insn)) != 0)
				fail_msg("section '%s' insn %u changed without a relocation",
					 sec->name, i);
		}
	}
}

static int relocate_against(struct fix *f, const struct ebpfmini_btf *target)
{
	return core_relocate(&f->obj->model, target);
}

/* ---- names and the candidate index --------------------------------------------------- */

static void test_essential_name(void **state)
{
	(void)state;
	assert_int_equal(em_core_essential_len("task_struct"), 11);
	assert_int_equal(em_core_essential_len("task_struct___v1"), 11);
	assert_int_equal(em_core_essential_len("a___b___c"), 5); /* only the last flavor goes */
	assert_int_equal(em_core_essential_len("x___y"), 1);
	assert_int_equal(em_core_essential_len("x___"), 4);        /* nothing after: no flavor */
	assert_int_equal(em_core_essential_len("___x"), 4);        /* nothing before */
	assert_int_equal(em_core_essential_len("foo____bar"), 10); /* four underscores */
	assert_int_equal(em_core_essential_len(""), 0);
}

static void test_index(void **state)
{
	struct ebpfmini_btf *btf = target_from(TARGET("flavors"));
	const char *names[] = { "core_s", "nothing_here", "core_s" };
	size_t lens[] = { 6, 12, 6 };
	const struct em_core_cands *c, *again;
	struct em_core_index *idx;

	(void)state;
	assert_int_equal(em_core_index_new(btf, &idx), 0);
	assert_null(em_core_index_get(idx, "core_s", 6)); /* never asked */
	assert_int_equal(em_core_index_add(idx, names, lens, 3), 0);
	c = em_core_index_get(idx, "core_s", 6);
	assert_non_null(c);
	/* core_s___one, core_s___two and the union core_s___u, by id */
	assert_int_equal(c->n, 3);
	for (size_t i = 0; i < c->n; i++) {
		const char *name = ebpfmini_btf_type_name(btf, c->ids[i]);

		assert_int_equal(strncmp(name, "core_s___", 9), 0);
		if (i)
			assert_true(c->ids[i] > c->ids[i - 1]);
	}
	assert_int_equal(em_btf_kind(em_btf_type(btf, c->ids[2])), BTF_KIND_UNION);
	c = em_core_index_get(idx, "nothing_here", 12);
	assert_non_null(c);
	assert_int_equal(c->n, 0);
	/* asking again changes nothing */
	assert_int_equal(em_core_index_add(idx, names, lens, 1), 0);
	again = em_core_index_get(idx, "core_s", 6);
	assert_int_equal(again->n, 3);
	assert_int_equal(em_core_index_add(NULL, names, lens, 1), -EINVAL);
	em_core_index_free(idx);
	/* without a target, an index learns only from a parse's walk (below) */
	assert_int_equal(em_core_index_new(NULL, &idx), 0);
	assert_int_equal(em_core_index_add(idx, names, lens, 1), -EINVAL);
	em_core_index_free(idx);
	em_core_index_free(NULL);
	/* a single-letter name matches its flavors too */
	assert_int_equal(em_core_index_new(btf, &idx), 0);
	assert_int_equal(em_core_index_add(idx, (const char *[]){ "c" }, (size_t[]){ 1 }, 1), 0);
	assert_int_equal(em_core_index_get(idx, "c", 1)->n, 0);
	em_core_index_free(idx);
	em_btf_free(btf);
}

/* The names a kernel BTF parse learns on its walk (em_btf_vmlinux_get_core's one pass) are
 * those em_core_index_add() finds in a pass of its own. */
static void test_index_on_parse(void **state)
{
	struct ebpfmini_btf *btf = target_from(TARGET("flavors")), *kbtf = NULL;
	const char *names[] = { "core_s", "nothing_here", "c" };
	size_t lens[] = { 6, 12, 1 };
	struct em_core_index *idx, *ref;
	struct em_btf_visitor v = { EM_CORE_ROOT_KINDS, em_core_index_visit, NULL };

	(void)state;
	assert_int_equal(em_core_index_new(btf, &ref), 0);
	assert_int_equal(em_core_index_add(ref, names, lens, 3), 0);
	assert_int_equal(em_core_index_new(NULL, &idx), 0);
	v.ctx = idx;
	assert_int_equal(em_core_index_want(idx, names, lens, 3), 0);
	assert_int_equal(em_core_index_want(idx, names, lens, 3), -EINVAL); /* one scan open */
	assert_int_equal(em_btf_parse_kernel_visit(btf->raw, btf->raw_size, NULL, &v, &kbtf), 0);
	assert_int_equal(em_core_index_visit_end(idx, kbtf, 0), 0);
	assert_ptr_equal(em_core_index_target(idx), kbtf);
	for (size_t i = 0; i < 3; i++) {
		const struct em_core_cands *a = em_core_index_get(ref, names[i], lens[i]);
		const struct em_core_cands *b = em_core_index_get(idx, names[i], lens[i]);

		assert_non_null(a);
		assert_non_null(b);
		assert_int_equal(a->n, b->n);
		for (size_t j = 0; j < a->n; j++)
			assert_int_equal(a->ids[j], b->ids[j]);
	}
	assert_int_equal(em_core_index_get(idx, "core_s", 6)->n, 3);
	/* a failed pass forgets the names it was asked for, so a retry asks again */
	assert_int_equal(em_core_index_want(idx, (const char *[]){ "other" }, (size_t[]){ 5 }, 1),
			 0);
	assert_int_equal(em_core_index_visit_end(idx, kbtf, -ENOMEM), -ENOMEM);
	assert_null(em_core_index_get(idx, "other", 5));
	assert_int_equal(em_core_index_get(idx, "core_s", 6)->n, 3);
	em_core_index_free(idx);
	em_core_index_free(ref);
	em_btf_free(kbtf);
	em_btf_free(btf);
}

/* ---- target A: every kind ----------------------------------------------------------------- */

static void check_target_a(struct fix *f, const struct ebpfmini_btf *t)
{
	size_t in = offsetof(struct core_s, in);
	int local_s = em_btf_find(f->obj->model.btf, "core_s", BTF_KIND_STRUCT);
	int targ_s = em_btf_find(t, "core_s", BTF_KIND_STRUCT);

	/* field offsets and sizes */
	expect_imm(f, "off_a", offsetof(struct core_s, a));
	expect_imm(f, "off_in_y", in + offsetof(struct core_inner, y));
	expect_imm(f, "off_anon_b", offsetof(struct core_s, anon_b));
	expect_imm(f, "off_arr2", offsetof(struct core_s, arr) + 2 * sizeof(int));
	expect_imm(f, "size_b", sizeof(long));
	expect_imm(f, "size_arr", sizeof(((struct core_s *)0)->arr));
	expect_poisoned(f, "size_gone");
	expect_imm(f, "exists_b", 1);
	expect_imm(f, "exists_gone", 0);
	expect_imm(f, "signed_a", 1);
	expect_imm(f, "signed_grow", 0);

	/*
	 * Bitfields: pad5, lo, hi, sbf fill the 4-byte unit at byte 20 (bits
	 * 160..): lo at bit 165, hi at 168 (9 bits), sbf at 177 (5 bits).
	 * lshift = 64 - (end bit - unit start bit); rshift = 64 - width.
	 */
	expect_imm(f, "bf_hi_off", 20);
	expect_imm(f, "bf_hi_size", 4);
	expect_imm(f, "bf_hi_lshift", 64 - (168 + 9 - 160));
	expect_imm(f, "bf_hi_rshift", 64 - 9);
	expect_imm(f, "bf_lo_lshift", 64 - (165 + 3 - 160));
	expect_imm(f, "bf_sbf_signed", 1);
	expect_imm(f, "bf_sbf_lshift", 64 - (177 + 5 - 160));
	expect_imm(f, "bf_hi_signed", 0);
	/* packed core_bits: v at bits 30..33 crosses the 4-byte unit: an 8-byte load at 0 */
	expect_imm(f, "bits_v_size", 8);
	expect_imm(f, "bits_v_lshift", 64 - (24 + 6 + 4));

	/* loads and stores */
	expect_mem(f, "read_b", offsetof(struct core_s, b), BPF_DW);
	expect_mem(f, "read_in_y", in + offsetof(struct core_inner, y), BPF_H);
	expect_mem(f, "read_anon_a", offsetof(struct core_s, anon_a), BPF_W);
	expect_mem(f, "read_arr3", offsetof(struct core_s, arr) + 3 * sizeof(int), BPF_W);
	expect_mem(f, "read_grow", offsetof(struct core_s, grow), BPF_DW); /* widened */
	expect_poisoned(f, "read_sgrow");
	expect_poisoned(f, "read_gone");
	expect_mem(f, "write_in_x", in + offsetof(struct core_inner, x), BPF_W);
	expect_imm(f, "probe_b", offsetof(struct core_s, b));
	expect_mem(f, "sub_read_a", offsetof(struct core_s, a), BPF_W); /* in .text */

	/* flavors of the local type */
	expect_imm(f, "flavor_new_off", offsetof(struct core_s, new_name));
	expect_imm(f, "flavor_old_exists", 0);
	expect_poisoned(f, "absent_field_off");

	/* types */
	assert_true(local_s > 0 && targ_s > 0);
	expect_imm64(f, "type_id_local", (uint64_t)local_s);
	expect_imm64(f, "type_id_target", (uint64_t)targ_s);
	expect_imm64(f, "type_id_target_absent", 0);
	expect_imm(f, "type_exists_s", 1);
	expect_imm(f, "type_exists_inner", 1);
	expect_imm(f, "type_exists_sized", 1);
	expect_imm(f, "type_exists_absent", 0);
	expect_imm(f, "type_size_sized", sizeof(struct core_sized));
	expect_imm(f, "type_size_typedef", sizeof(core_s_t));
	expect_imm(f, "type_size_absent", 0);

	/* enums */
	expect_imm64(f, "enum_b_value", CORE_E_B);
	expect_imm64(f, "enum_a_exists", 1);
	expect_imm64(f, "enum_gone_exists", 0);
	expect_poisoned(f, "enum_gone_value");

	expect_rest_untouched(f);
}

/*
 * A BTF file the caller names is read, not mapped: truncating it after the
 * first use (another process can) must not kill the next lookup with SIGBUS.
 */
static void test_custom_btf_truncated(void **state)
{
	char path[] = "/tmp/ebpfmini-btf-XXXXXX";
	const struct ebpfmini_btf *t;
	void *image;
	size_t size;
	int fd;

	(void)state;
	assert_int_equal(em_sys_read_file(TARGET("a"), 1 << 24, &image, &size), 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, image, size), (ssize_t)size);
	free(image);
	assert_int_equal(em_btf_vmlinux_get(path, &t), 0);
	assert_int_equal(ftruncate(fd, 0), 0);
	close(fd);
	unlink(path);
	assert_true(em_btf_find(t, "core_s", BTF_KIND_STRUCT) > 0);
	for (uint32_t id = 1; id <= ebpfmini_btf_type_count(t); id++)
		(void)ebpfmini_btf_type_name(t, id);
}

/*
 * Crafted target BTF (finding 10, found by fuzzing): 16 candidates for
 * core_s, each with two anonymous members leading into a 20-level chain of
 * structs that each hold two anonymous members of the next, ending in an
 * ENUM64. Searching a member name visited each level's struct 2^level times
 * (1,858 bytes of BTF: 6.3 s for one small object at -O2), just within the
 * step budget of one match (a longer chain spends it: -ELOOP); each
 * anonymous type is now searched once per name. The bound: one CPU second,
 * far above what the relocation takes here even under the sanitizers.
 */
#define CHAIN 17

static void test_crafted_target_cost(void **state)
{
	const struct ebpfmini_btf *t;
	struct rusage before, after;
	uint32_t chain[CHAIN + 1], e64;
	char name[32];
	struct bb b;
	uint8_t *raw;
	size_t size;
	struct fix f;
	double cpu;

	(void)state;
	bb_init(&b);
	e64 = bb_type(&b, "e", BTF_KIND_ENUM64, 1, 0, 8);
	bb_word(&b, bb_str(&b, "E"));
	bb_word(&b, 1);
	bb_word(&b, 0);
	chain[CHAIN] = e64;
	for (int k = CHAIN - 1; k >= 0; k--) {
		snprintf(name, sizeof(name), "l%d", k);
		chain[k] = bb_type(&b, name, BTF_KIND_STRUCT, 2, 0, 8);
		for (int m = 0; m < 2; m++) {
			bb_word(&b, 0);
			bb_word(&b, chain[k + 1]);
			bb_word(&b, 0);
		}
	}
	for (int i = 0; i < 16; i++) {
		snprintf(name, sizeof(name), "core_s___%d", i);
		bb_type(&b, name, BTF_KIND_STRUCT, 2, 0, 8);
		for (int m = 0; m < 2; m++) {
			bb_word(&b, 0);
			bb_word(&b, chain[0]);
			bb_word(&b, 0);
		}
	}
	bb_finish(&b);
	raw = bb_bytes(&b, &size);
	assert_int_equal(em_btf_parse(raw, size, NULL, (struct ebpfmini_btf **)&t), 0);

	fix_open(&f, CORE_READS);
	getrusage(RUSAGE_SELF, &before);
	relocate_against(&f, t); /* the 16 candidates make type relocations ambiguous: -EINVAL */
	getrusage(RUSAGE_SELF, &after);
	cpu = (double)(after.ru_utime.tv_sec - before.ru_utime.tv_sec) +
	      (double)(after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e6;
	print_message("crafted target BTF of %zu bytes: relocated in %.3f s of CPU\n", size, cpu);
	assert_true(cpu < 1.0);
	fix_close(&f);
	em_btf_free((struct ebpfmini_btf *)t);
	free(raw);
}

static void test_target_a(void **state)
{
	const struct ebpfmini_btf *t, *again;
	struct fix f;
	const char *line;

	(void)state;
	/* the override path of the kernel BTF reader takes an ELF file with .BTF */
	assert_int_equal(em_btf_vmlinux_get(TARGET("a"), &t), 0);
	assert_int_equal(em_btf_vmlinux_get(TARGET("a"), &again), 0);
	assert_ptr_equal(t, again); /* parsed once per process */

	fix_open(&f, CORE_READS);
	assert_int_equal(relocate_against(&f, t), (int)total_relos(f.obj));
	check_target_a(&f, t);

	/* each poisoned instruction is logged once, with section, instruction and why */
	line = log_captured_line("relocation #", "(field_byte_offset of struct core_s.gone)");
	assert_non_null(line);
	assert_non_null(strstr(line, "core: prog section 'socket' insn "));
	assert_non_null(strstr(line, ": no matching field in target: instruction poisoned"));
	assert_non_null(log_captured_line("(field_byte_size of struct core_s.gone)", "no matching field"));
	assert_non_null(log_captured_line("(field_byte_offset of struct core_s.sgrow)", "field size changed"));
	assert_non_null(log_captured_line("(enumval_value of enum core_e::CORE_E_GONE)",
			       "no matching enumerator in target: instruction poisoned"));
	assert_non_null(log_captured_line("(field_byte_offset of struct core_absent.z)",
			       "no type of that name in target"));
	assert_int_equal(logcap.count, 5); /* the five poisoned ones; nothing else is worth a warning */

	/* programs built afterwards carry the patched code, subprograms included */
	struct ebpfmini_program *prog = ebpfmini_object_find_program(f.obj, "calls_sub");

	assert_non_null(prog);
	assert_int_equal(em_reloc_program(&f.obj->model, prog, NULL), 0); /* no maps: no fds */
	assert_int_equal(prog->insn_cnt, 3 + 4);
	assert_int_equal(prog->insns[3].off, offsetof(struct core_s, a));
	fix_close(&f);
}

/* The same object through the loader's entry, with the process-wide index. */
static void test_kernel_entry_with_override(void **state)
{
	const struct ebpfmini_btf *t;
	struct fix f, g;

	(void)state;
	assert_int_equal(em_btf_vmlinux_get(TARGET("a"), &t), 0);
	fix_open(&f, CORE_READS);
	assert_int_equal(core_relocate_kernel(&f.obj->model, TARGET("a")), (int)total_relos(f.obj));
	check_target_a(&f, t);
	/* a second object reuses the candidates the first one found */
	fix_open(&g, CORE_READS);
	assert_int_equal(core_relocate_kernel(&g.obj->model, TARGET("a")), (int)total_relos(g.obj));
	check_target_a(&g, t);
	fix_close(&f);
	fix_close(&g);
	assert_int_equal(core_relocate_kernel(NULL, NULL), -EINVAL);
}

/* TYPE_MATCHES (clang >= 17 emits it): the type_exists records turned into it. */
static void test_type_matches(void **state)
{
	const struct ebpfmini_btf *t;
	uint32_t kind = BPF_CORE_TYPE_MATCHES;
	struct fix f;

	(void)state;
	assert_int_equal(em_btf_vmlinux_get(TARGET("a"), &t), 0);
	fix_open(&f, CORE_READS);
	memcpy(find_relo(&f, "type_exists_s").rec + 12, &kind, sizeof(kind));
	memcpy(find_relo(&f, "type_exists_inner").rec + 12, &kind, sizeof(kind));
	memcpy(find_relo(&f, "type_exists_sized").rec + 12, &kind, sizeof(kind));
	memcpy(find_relo(&f, "type_exists_absent").rec + 12, &kind, sizeof(kind));
	assert_true(relocate_against(&f, t) > 0);
	expect_imm(&f, "type_exists_s", 0);      /* local "gone" is missing in the target */
	expect_imm(&f, "type_exists_inner", 1);  /* members moved but all there, same types */
	expect_imm(&f, "type_exists_sized", 0);  /* int[4] against int[8] */
	expect_imm(&f, "type_exists_absent", 0); /* no such type */
	fix_close(&f);
}

/* ---- other targets -------------------------------------------------------------------------- */

static void test_target_none(void **state)
{
	struct ebpfmini_btf *t = target_from(TARGET("none"));
	int local_s;
	struct fix f;

	(void)state;
	fix_open(&f, CORE_READS);
	local_s = em_btf_find(f.obj->model.btf, "core_s", BTF_KIND_STRUCT);
	assert_int_equal(relocate_against(&f, t), (int)total_relos(f.obj));
	expect_poisoned(&f, "off_a");
	expect_poisoned(&f, "read_b");
	expect_poisoned(&f, "write_in_x");
	expect_poisoned(&f, "sub_read_a");
	expect_poisoned(&f, "bf_hi_lshift");
	expect_imm(&f, "exists_b", 0);
	expect_imm(&f, "flavor_old_exists", 0);
	expect_imm64(&f, "type_id_local", (uint64_t)local_s);
	expect_imm64(&f, "type_id_target", 0);
	expect_imm(&f, "type_exists_s", 0);
	expect_imm(&f, "type_size_sized", 0);
	expect_imm64(&f, "enum_a_exists", 0);
	expect_poisoned(&f, "enum_b_value");
	expect_rest_untouched(&f);
	assert_non_null(log_captured_line("(field_byte_offset of struct core_s.a)",
			       "no type of that name in target: instruction poisoned"));
	fix_close(&f);
	em_btf_free(t);
}

/* An ENUM64 in the target answers for a local ENUM of the same name. */
static void test_target_enum64(void **state)
{
	struct ebpfmini_btf *t = NULL;
	struct fix f;
	struct bb b;
	uint8_t *raw;
	size_t size;

	(void)state;
	bb_init(&b);
	bb_type(&b, "core_e", BTF_KIND_ENUM64, 2, 0, 8);
	bb_word(&b, bb_str(&b, "CORE_E_A"));
	bb_word(&b, 7);
	bb_word(&b, 0);
	bb_word(&b, bb_str(&b, "CORE_E_B___v2")); /* enumerator flavors are ignored too */
	bb_word(&b, 5);
	bb_word(&b, 1);
	bb_finish(&b);
	raw = bb_bytes(&b, &size);
	assert_int_equal(em_btf_parse(raw, size, NULL, &t), 0);
	free(raw);

	fix_open(&f, CORE_READS);
	assert_int_equal(relocate_against(&f, t), (int)total_relos(f.obj));
	expect_imm64(&f, "enum_b_value", 0x100000005ull);
	expect_imm64(&f, "enum_a_exists", 1);
	expect_imm64(&f, "enum_gone_exists", 0);
	expect_poisoned(&f, "enum_gone_value");
	expect_rest_untouched(&f);
	fix_close(&f);
	em_btf_free(t);
}

static void test_flavors_agree(void **state)
{
	struct ebpfmini_btf *t = target_from(TARGET("flavors"));
	struct fix f;

	(void)state;
	fix_open(&f, CORE_FLAVORS);
	assert_int_equal(relocate_against(&f, t), 2);
	expect_mem(&f, "flav_read_b", 0, BPF_DW);
	expect_imm(&f, "flav_off_a", 8);
	assert_int_equal(logcap.count, 0);
	fix_close(&f);
	em_btf_free(t);
}

static void test_flavors_disagree(void **state)
{
	struct ebpfmini_btf *t = target_from(TARGET("ambig"));
	struct fix f;

	(void)state;
	fix_open(&f, CORE_FLAVORS);
	assert_int_equal(relocate_against(&f, t), -EINVAL);
	assert_non_null(log_captured_line(
		"core: prog section 'socket' insn 0: relocation #0 (field_byte_offset of struct core_s.b)",
		"both match but place the field at bits 0 and 64"));
	fix_close(&f);
	em_btf_free(t);
}

/* ---- the fixups: calc, patch, format ------------------------------------------------------ */

/* The fixup of function fn's single relocation. */
static const struct em_core_fixup *fixup_of(const struct fix *f, const struct em_core_fixups *fx,
					    const char *fn)
{
	struct where w = find_relo(f, fn);

	for (size_t i = 0; i < fx->n; i++)
		if (fx->v[i].code == w.code && fx->v[i].insn == w.insn)
			return &fx->v[i];
	fail_msg("%s: no fixup for section %zu insn %u", fn, w.code, w.insn);
	return NULL;
}

static void test_calc_fixups(void **state)
{
	const struct ebpfmini_btf *t;
	struct em_core_fixups *fx = NULL;
	struct em_core_input in;
	struct fix f;
	int local_s, targ_s;
	const struct {
		const char *fn;
		uint32_t kind;
		enum em_core_fixup_op op;
		int64_t old_val;  /* what clang wrote (for the local types) */
		uint64_t new_val; /* what the target gives */
		uint32_t old_size, new_size;
		bool found;      /* a target type matched */
		const char *why; /* poisoned: the reason's start */
		const char *what;
	} cases[] = {
		{ "off_a", BPF_CORE_FIELD_BYTE_OFFSET, EM_CORE_FIX_IMM, 0,
		  offsetof(struct core_s, a), 0, 0, true, NULL,
		  "field_byte_offset of struct core_s.a" },
		{ "size_b", BPF_CORE_FIELD_BYTE_SIZE, EM_CORE_FIX_IMM, 8, sizeof(long), 0, 0, true,
		  NULL, "field_byte_size of struct core_s.b" },
		{ "exists_gone", BPF_CORE_FIELD_EXISTS, EM_CORE_FIX_IMM, 1, 0, 0, 0, false, NULL,
		  "field_exists of struct core_s.gone" },
		{ "read_b", BPF_CORE_FIELD_BYTE_OFFSET, EM_CORE_FIX_OFF, 8,
		  offsetof(struct core_s, b), 8, 8, true, NULL, NULL },
		{ "read_grow", BPF_CORE_FIELD_BYTE_OFFSET, EM_CORE_FIX_OFF, -1,
		  offsetof(struct core_s, grow), 4, 8, true, NULL,
		  "field_byte_offset of struct core_s.grow" },
		{ "read_sgrow", BPF_CORE_FIELD_BYTE_OFFSET, EM_CORE_FIX_POISON, 0, 0, 0, 0, true,
		  "field size changed", NULL },
		{ "read_gone", BPF_CORE_FIELD_BYTE_OFFSET, EM_CORE_FIX_POISON, 0, 0, 0, 0, false,
		  "no matching field in target", NULL },
		{ "absent_field_off", BPF_CORE_FIELD_BYTE_OFFSET, EM_CORE_FIX_POISON, 0, 0, 0, 0,
		  false, "no type of that name in target", NULL },
		{ "enum_gone_value", BPF_CORE_ENUMVAL_VALUE, EM_CORE_FIX_POISON, 0, 0, 0, 0, false,
		  "no matching enumerator in target", "enumval_value of enum core_e::CORE_E_GONE" },
		{ "enum_b_value", BPF_CORE_ENUMVAL_VALUE, EM_CORE_FIX_IMM64, -1, CORE_E_B, 0, 0,
		  true, NULL, "enumval_value of enum core_e::CORE_E_B" },
		{ "type_size_absent", BPF_CORE_TYPE_SIZE, EM_CORE_FIX_IMM, -1, 0, 0, 0, false, NULL,
		  NULL },
	};

	(void)state;
	assert_int_equal(em_btf_vmlinux_get(TARGET("a"), &t), 0);
	fix_open(&f, CORE_READS);
	in = em_core_input_of(&f.obj->model);
	local_s = em_btf_find(f.obj->model.btf, "core_s", BTF_KIND_STRUCT);
	targ_s = em_btf_find(t, "core_s", BTF_KIND_STRUCT);
	assert_int_equal(em_core_calc(&in, t, NULL, &fx), (int)total_relos(f.obj));
	assert_non_null(fx);
	assert_int_equal(fx->n, total_relos(f.obj));
	assert_int_equal(logcap.count, 0); /* calc logs nothing but errors */
	/* calc reads the code and writes nothing */
	for (size_t c = 0; c < f.obj->model.ncode; c++)
		assert_memory_equal(f.obj->model.code[c].insns, f.orig[c],
				    f.obj->model.code[c].insn_cnt * sizeof(struct bpf_insn));

	for (size_t i = 0; i < EM_ARRAY_SIZE(cases); i++) {
		const struct em_core_fixup *x = fixup_of(&f, fx, cases[i].fn);
		struct bpf_insn orig;
		uint32_t rec_type;

		insn_of(&f, cases[i].fn, &orig);
		if (x->kind != cases[i].kind || x->op != cases[i].op)
			fail_msg("%s: kind %u op %d, expected kind %u op %d", cases[i].fn, x->kind,
				 x->op, cases[i].kind, cases[i].op);
		assert_memory_equal(&x->before[0], &orig, sizeof(orig));
		assert_string_equal(x->sec, f.obj->model.code[x->code].name);
		memcpy(&rec_type, find_relo(&f, cases[i].fn).rec + 4, sizeof(rec_type));
		assert_int_equal(x->local_id, rec_type);
		assert_int_equal(x->targ_id != 0, cases[i].found);
		if (cases[i].what)
			assert_string_equal(x->what, cases[i].what);
		if (cases[i].op == EM_CORE_FIX_POISON) {
			assert_non_null(x->why);
			if (strncmp(x->why, cases[i].why, strlen(cases[i].why)) != 0)
				fail_msg("%s: poisoned because '%s', expected '%s'", cases[i].fn,
					 x->why, cases[i].why);
			for (uint32_t k = 0; k < x->ninsns; k++)
				assert_true(is_poison(&x->after[k]));
			continue;
		}
		assert_null(x->why);
		if (cases[i].old_val >= 0)
			assert_int_equal((int64_t)x->old_val, cases[i].old_val);
		if (x->new_val != cases[i].new_val)
			fail_msg("%s: new value %llu, expected %llu", cases[i].fn,
				 (unsigned long long)x->new_val,
				 (unsigned long long)cases[i].new_val);
		assert_int_equal(x->old_size, cases[i].old_size);
		assert_int_equal(x->new_size, cases[i].new_size);
	}
	/* field relocations of core_s name the target's core_s */
	assert_int_equal(fixup_of(&f, fx, "off_a")->targ_id, (uint32_t)targ_s);
	assert_int_equal(fixup_of(&f, fx, "type_id_local")->op, EM_CORE_FIX_IMM64);
	assert_int_equal(fixup_of(&f, fx, "type_id_local")->new_val, (uint64_t)local_s);
	assert_int_equal(fixup_of(&f, fx, "type_id_local")->targ_id, 0);
	assert_int_equal(fixup_of(&f, fx, "type_id_target")->new_val, (uint64_t)targ_s);
	assert_int_equal(fixup_of(&f, fx, "type_id_target")->ninsns, 2);

	/* patch writes what calc planned, and gives the same code as the one-call path */
	assert_int_equal(em_core_patch(fx, f.obj->model.code, f.obj->model.ncode), (int)fx->n);
	for (size_t i = 0; i < fx->n; i++)
		assert_memory_equal(&f.obj->model.code[fx->v[i].code].insns[fx->v[i].insn],
				    fx->v[i].after, fx->v[i].ninsns * sizeof(struct bpf_insn));
	check_target_a(&f, t);
	/* a second patch finds the instructions changed: refused, nothing written */
	log_capture_reset();
	assert_int_equal(em_core_patch(fx, f.obj->model.code, f.obj->model.ncode), -EBADMSG);
	assert_non_null(log_captured_line("core: prog section 'socket' insn ",
			       "the instruction changed since the fixup was computed"));
	check_target_a(&f, t);
	em_core_fixups_free(fx);
	fix_close(&f);
	em_core_fixups_free(NULL);
}

/* Calc against an index kept by the caller; an index over another BTF is refused. */
static void test_calc_with_index(void **state)
{
	struct ebpfmini_btf *t = target_from(TARGET("flavors"));
	struct ebpfmini_btf *other = target_from(TARGET("none"));
	struct em_core_fixups *fx = NULL;
	struct em_core_index *idx;
	struct em_core_input in;
	struct fix f;

	(void)state;
	fix_open(&f, CORE_FLAVORS);
	in = em_core_input_of(&f.obj->model);
	assert_int_equal(em_core_index_new(t, &idx), 0);
	assert_int_equal(em_core_calc(&in, other, idx, &fx), -EINVAL);
	assert_null(fx);
	assert_int_equal(em_core_calc(&in, t, idx, &fx), 2);
	assert_non_null(em_core_index_get(idx, "core_s", 6)); /* the names were added */
	assert_int_equal(em_core_patch(fx, f.obj->model.code, f.obj->model.ncode), 2);
	expect_mem(&f, "flav_read_b", 0, BPF_DW);
	expect_imm(&f, "flav_off_a", 8);
	em_core_fixups_free(fx);
	/* an input without records: an empty list */
	in.relos = NULL;
	assert_int_equal(em_core_calc(&in, t, idx, &fx), 0);
	assert_non_null(fx);
	assert_int_equal(fx->n, 0);
	assert_int_equal(em_core_patch(fx, NULL, 0), 0);
	em_core_fixups_free(fx);
	em_core_index_free(idx);
	fix_close(&f);
	em_btf_free(t);
	em_btf_free(other);
}

#define MOV_K(dst, v) ((struct bpf_insn){ BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, v })
#define LDX_W(dst, src, o) ((struct bpf_insn){ BPF_LDX | BPF_MEM | BPF_W, dst, src, o, 0 })
#define LDX_DW(dst, src, o) ((struct bpf_insn){ BPF_LDX | BPF_MEM | BPF_DW, dst, src, o, 0 })
#define LD64(dst, lo) ((struct bpf_insn){ BPF_LD | BPF_IMM | BPF_DW, dst, 0, 0, lo })
#define LD64_HI(hi) ((struct bpf_insn){ 0, 0, 0, 0, hi })
#define POISON ((struct bpf_insn){ BPF_JMP | BPF_CALL, 0, 0, 0, EM_CORE_POISON_HELPER })
#define EXIT ((struct bpf_insn){ BPF_JMP | BPF_EXIT, 0, 0, 0, 0 })

/* A fixup of one instruction of section 0. */
#define FX1(i, b, a)                                                                               \
	{                                                                                          \
		.code = 0, .sec = "test", .insn = i, .ninsns = 1, .before = { b }, .after = { a }  \
	}
#define FX2(i, b0, b1, a0, a1)                                                                     \
	{                                                                                          \
		.code = 0, .sec = "test", .insn = i, .ninsns = 2, .before = { b0, b1 }, .after = { \
			a0,                                                                        \
			a1                                                                         \
		}                                                                                  \
	}

/* Hand-made fixup lists applied to a five-instruction section. */
static void test_patch_table(void **state)
{
	const struct bpf_insn code0[5] = { MOV_K(1, 4), LDX_W(0, 1, 8), LD64(2, 5), LD64_HI(0),
					   EXIT };
	const struct {
		const char *name;
		struct em_core_fixup fx[2];
		size_t n;
		size_t ncode; /* sections given to patch */
		int ret;
		struct bpf_insn want[5]; /* the code afterwards (ret < 0: unchanged) */
	} cases[] = {
		{ "imm",
		  { FX1(0, MOV_K(1, 4), MOV_K(1, 12)) },
		  1,
		  1,
		  1,
		  { MOV_K(1, 12), LDX_W(0, 1, 8), LD64(2, 5), LD64_HI(0), EXIT } },
		{ "off and size",
		  { FX1(1, LDX_W(0, 1, 8), LDX_DW(0, 1, 16)) },
		  1,
		  1,
		  1,
		  { MOV_K(1, 4), LDX_DW(0, 1, 16), LD64(2, 5), LD64_HI(0), EXIT } },
		{ "imm64 and imm",
		  { FX2(2, LD64(2, 5), LD64_HI(0), LD64(2, 7), LD64_HI(1)),
		    FX1(0, MOV_K(1, 4), MOV_K(1, 0)) },
		  2,
		  1,
		  2,
		  { MOV_K(1, 0), LDX_W(0, 1, 8), LD64(2, 7), LD64_HI(1), EXIT } },
		{ "poison both halves",
		  { FX2(2, LD64(2, 5), LD64_HI(0), POISON, POISON) },
		  1,
		  1,
		  1,
		  { MOV_K(1, 4), LDX_W(0, 1, 8), POISON, POISON, EXIT } },
		{ "empty list",
		  { { 0 } },
		  0,
		  1,
		  0,
		  { MOV_K(1, 4), LDX_W(0, 1, 8), LD64(2, 5), LD64_HI(0), EXIT } },
		/* the instruction does not hold what calc saw: refused, the first one undone */
		{ "changed since calc",
		  { FX1(0, MOV_K(1, 4), MOV_K(1, 12)), FX1(1, LDX_W(0, 1, 9), LDX_W(0, 1, 16)) },
		  2,
		  1,
		  -EBADMSG,
		  { MOV_K(1, 4), LDX_W(0, 1, 8), LD64(2, 5), LD64_HI(0), EXIT } },
		{ "second half changed",
		  { FX2(2, LD64(2, 5), LD64_HI(3), LD64(2, 7), LD64_HI(0)) },
		  1,
		  1,
		  -EBADMSG,
		  { MOV_K(1, 4), LDX_W(0, 1, 8), LD64(2, 5), LD64_HI(0), EXIT } },
		{ "two fixups of one instruction",
		  { FX1(0, MOV_K(1, 4), MOV_K(1, 12)), FX1(0, MOV_K(1, 4), MOV_K(1, 16)) },
		  2,
		  1,
		  -EBADMSG,
		  { MOV_K(1, 4), LDX_W(0, 1, 8), LD64(2, 5), LD64_HI(0), EXIT } },
		{ "instruction beyond the section",
		  { FX1(5, EXIT, EXIT) },
		  1,
		  1,
		  -EBADMSG,
		  { MOV_K(1, 4), LDX_W(0, 1, 8), LD64(2, 5), LD64_HI(0), EXIT } },
		{ "two instructions from the last",
		  { FX2(4, EXIT, EXIT, EXIT, EXIT) },
		  1,
		  1,
		  -EBADMSG,
		  { MOV_K(1, 4), LDX_W(0, 1, 8), LD64(2, 5), LD64_HI(0), EXIT } },
		{ "no such section",
		  { FX1(0, MOV_K(1, 4), MOV_K(1, 12)) },
		  1,
		  0,
		  -EBADMSG,
		  { MOV_K(1, 4), LDX_W(0, 1, 8), LD64(2, 5), LD64_HI(0), EXIT } },
	};

	(void)state;
	for (size_t i = 0; i < EM_ARRAY_SIZE(cases); i++) {
		struct bpf_insn insns[5];
		struct em_code_sec sec = { .name = "test", .insns = insns, .insn_cnt = 5 };
		struct em_core_fixup v[2];
		struct em_core_fixups fx = { v, cases[i].n };
		int ret;

		memcpy(insns, code0, sizeof(insns));
		memcpy(v, cases[i].fx, sizeof(v));
		log_capture_reset();
		ret = em_core_patch(&fx, &sec, cases[i].ncode);
		if (ret != cases[i].ret)
			fail_msg("%s: returned %d, expected %d", cases[i].name, ret, cases[i].ret);
		if (memcmp(insns, cases[i].want, sizeof(insns)) != 0)
			fail_msg("%s: the code is not as expected", cases[i].name);
		assert_int_equal(logcap.count, ret < 0 ? 1 : 0); /* a refusal says why, once */
	}
	assert_int_equal(em_core_patch(NULL, NULL, 0), -EINVAL);
	assert_int_equal(em_core_patch(&(struct em_core_fixups){ NULL, 0 }, NULL, 1), -EINVAL);
}

/* One fixup, one line. */
static void test_fixup_format(void **state)
{
	const struct {
		struct em_core_fixup f;
		const char *line;
	} cases[] = {
		{ { .sec = "socket",
		    .insn = 12,
		    .rec = 3,
		    .kind = BPF_CORE_FIELD_BYTE_OFFSET,
		    .targ_id = 7,
		    .what = "field_byte_offset of struct core_s.a",
		    .op = EM_CORE_FIX_IMM,
		    .old_val = 4,
		    .new_val = 8 },
		  "prog section 'socket' insn 12: relocation #3 (field_byte_offset of struct "
		  "core_s.a): imm 4 -> 8 (target [7])" },
		{ { .sec = "socket",
		    .insn = 1,
		    .rec = 0,
		    .kind = BPF_CORE_FIELD_BYTE_OFFSET,
		    .targ_id = 7,
		    .what = "field_byte_offset of struct core_s.grow",
		    .op = EM_CORE_FIX_OFF,
		    .old_val = 8,
		    .new_val = 16,
		    .old_size = 4,
		    .new_size = 8 },
		  "prog section 'socket' insn 1: relocation #0 (field_byte_offset of struct "
		  "core_s.grow): off 8 -> 16, size 4 -> 8 (target [7])" },
		{ { .sec = "tp/x",
		    .insn = 2,
		    .rec = 1,
		    .kind = BPF_CORE_FIELD_BYTE_OFFSET,
		    .targ_id = 9,
		    .what = "field_byte_offset of struct s.b",
		    .op = EM_CORE_FIX_OFF,
		    .old_val = (uint64_t)-4,
		    .new_val = 0,
		    .old_size = 8,
		    .new_size = 8 },
		  "prog section 'tp/x' insn 2: relocation #1 (field_byte_offset of struct s.b): off "
		  "-4 -> 0 (target [9])" },
		{ { .sec = "socket",
		    .insn = 5,
		    .rec = 2,
		    .kind = BPF_CORE_FIELD_EXISTS,
		    .what = "field_exists of struct core_s.gone",
		    .op = EM_CORE_FIX_IMM,
		    .old_val = 1,
		    .new_val = 0 },
		  "prog section 'socket' insn 5: relocation #2 (field_exists of struct "
		  "core_s.gone): imm 1 -> 0 (no target type)" },
		{ { .sec = ".text",
		    .insn = 0,
		    .rec = 4,
		    .kind = BPF_CORE_TYPE_ID_LOCAL,
		    .what = "local_type_id of struct core_s",
		    .op = EM_CORE_FIX_IMM64,
		    .old_val = 3,
		    .new_val = 3 },
		  "prog section '.text' insn 0: relocation #4 (local_type_id of struct core_s): "
		  "imm64 3 -> 3" },
		{ { .sec = "socket",
		    .insn = 20,
		    .rec = 5,
		    .kind = BPF_CORE_FIELD_BYTE_OFFSET,
		    .what = "field_byte_offset of struct core_s.gone",
		    .op = EM_CORE_FIX_POISON,
		    .why = "no matching field in target" },
		  "prog section 'socket' insn 20: relocation #5 (field_byte_offset of struct "
		  "core_s.gone): no matching field in target: instruction poisoned" },
	};
	char buf[256], small[16];

	(void)state;
	for (size_t i = 0; i < EM_ARRAY_SIZE(cases); i++) {
		int n = em_core_fixup_format(&cases[i].f, buf, sizeof(buf));

		assert_string_equal(buf, cases[i].line);
		assert_int_equal(n, (int)strlen(cases[i].line));
		/* truncated, still terminated, and the length it needs */
		assert_int_equal(em_core_fixup_format(&cases[i].f, small, sizeof(small)), n);
		assert_int_equal(strlen(small), sizeof(small) - 1);
		assert_int_equal(em_core_fixup_format(&cases[i].f, NULL, 0), n);
	}
	assert_int_equal(em_core_fixup_format(NULL, buf, sizeof(buf)), -EINVAL);
}

/* Poisoned fixups at the level the caller picks, the others at debug. */
static void test_fixups_log(void **state)
{
	struct em_core_fixup v[2] = {
		{ .sec = "s",
		  .what = "field_byte_offset of struct a.b",
		  .op = EM_CORE_FIX_IMM,
		  .new_val = 4,
		  .targ_id = 1 },
		{ .sec = "s",
		  .insn = 1,
		  .what = "field_byte_offset of struct a.c",
		  .op = EM_CORE_FIX_POISON,
		  .why = "no matching field in target" },
	};
	struct em_core_fixups fx = { v, 2 };

	(void)state;
	em_core_fixups_log(&fx, EBPFMINI_LOG_DEBUG);
	assert_int_equal(logcap.count, 0); /* the test captures warnings only */
	em_core_fixups_log(&fx, EBPFMINI_LOG_WARN);
	assert_int_equal(logcap.count, 1);
	assert_string_equal(logcap.last,
			    "core: prog section 's' insn 1: relocation #0 (field_byte_offset of "
			    "struct a.c): no matching field in target: instruction poisoned");
	ebpfmini_log_set(log_capture_line, EBPFMINI_LOG_DEBUG, NULL);
	log_capture_reset();
	em_core_fixups_log(&fx, EBPFMINI_LOG_DEBUG);
	assert_int_equal(logcap.count, 2);
	assert_memory_equal(logcap.text,
			    "core: prog section 's' insn 0: relocation #0 "
			    "(field_byte_offset of struct a.b): imm 0 -> 4 (target [1])\n",
			    sizeof("core: prog section 's' insn 0: relocation #0 "
				   "(field_byte_offset of struct a.b): imm 0 -> 4 (target [1])\n") - 1);
	em_core_fixups_log(NULL, EBPFMINI_LOG_WARN);
	assert_int_equal(logcap.count, 2);
}

/* ---- malformed relocations ---------------------------------------------------------------------- */

static void test_bad_records(void **state)
{
	struct em_core_fixups *fx = (struct em_core_fixups *)1;
	struct em_core_input in;
	const struct ebpfmini_btf *t;
	struct fix f;
	struct where w;
	uint32_t v;

	(void)state;
	assert_int_equal(em_btf_vmlinux_get(TARGET("a"), &t), 0);
	assert_int_equal(em_core_calc(NULL, t, NULL, &fx), -EINVAL);
	assert_null(fx);

	/* unknown kind */
	fix_open(&f, CORE_READS);
	in = em_core_input_of(&f.obj->model);
	assert_int_equal(em_core_calc(&in, NULL, NULL, &fx), -EINVAL);
	assert_int_equal(em_core_calc(&in, t, NULL, NULL), -EINVAL);
	v = 13;
	memcpy(find_relo(&f, "off_a").rec + 12, &v, 4);
	assert_int_equal(relocate_against(&f, t), -EOPNOTSUPP);
	assert_non_null(log_captured_line("unknown relocation kind 13", NULL));
	fix_close(&f);

	/* instruction outside the section */
	fix_open(&f, CORE_READS);
	w = find_relo(&f, "off_a");
	v = (uint32_t)f.obj->model.code[w.code].insn_cnt * 8;
	memcpy(w.rec, &v, 4);
	assert_int_equal(relocate_against(&f, t), -EBADMSG);
	fix_close(&f);

	/* access string that is not one: the type's own name */
	fix_open(&f, CORE_READS);
	w = find_relo(&f, "off_a");
	v = em_btf_type(f.obj->model.btf,
			(uint32_t)em_btf_find(f.obj->model.btf, "core_s", BTF_KIND_STRUCT))
		    ->name_off;
	memcpy(w.rec + 8, &v, 4);
	assert_int_equal(relocate_against(&f, t), -EBADMSG);
	assert_non_null(log_captured_line("access string \"core_s\": malformed access string", NULL));
	fix_close(&f);

	/* member index out of range: "0:10" (sgrow) rewritten to "0:99" */
	fix_open(&f, CORE_READS);
	w = find_relo(&f, "read_sgrow");
	memcpy(&v, w.rec + 8, 4);
	{
		char *s = (char *)em_btf_str(f.obj->model.btf, v);

		assert_string_equal(s, "0:10");
		memcpy(s, "0:99", 4);
	}
	assert_int_equal(relocate_against(&f, t), -EBADMSG);
	assert_non_null(log_captured_line("access string \"0:99\": member index out of range", NULL));
	fix_close(&f);

	/* the instruction does not hold what clang computed for the local type */
	fix_open(&f, CORE_READS);
	w = find_relo(&f, "off_in_y");
	f.obj->model.code[w.code].insns[w.insn].imm = 5;
	assert_int_equal(relocate_against(&f, t), -EBADMSG);
	assert_non_null(log_captured_line("immediate holds 5, expected 24", NULL));
	fix_close(&f);

	/* an instruction of a class that carries no relocatable value */
	fix_open(&f, CORE_READS);
	w = find_relo(&f, "off_a");
	f.obj->model.code[w.code].insns[w.insn].code = BPF_JMP | BPF_EXIT;
	assert_int_equal(relocate_against(&f, t), -EBADMSG);
	fix_close(&f);

	/* a register-source ALU instruction */
	fix_open(&f, CORE_READS);
	w = find_relo(&f, "off_a");
	f.obj->model.code[w.code].insns[w.insn].code = BPF_ALU64 | BPF_MOV | BPF_X;
	assert_int_equal(relocate_against(&f, t), -EBADMSG);
	fix_close(&f);

	/* a load of another size than the field's cannot be resized */
	fix_open(&f, CORE_READS);
	w = find_relo(&f, "read_grow");
	f.obj->model.code[w.code].insns[w.insn].code = BPF_LDX | BPF_MEM | BPF_H;
	assert_int_equal(relocate_against(&f, t), -EBADMSG);
	assert_non_null(log_captured_line("a 2-byte access to a 4-byte field cannot be resized", NULL));
	fix_close(&f);
}

static void test_no_core(void **state)
{
	const struct ebpfmini_btf *t;
	struct ebpfmini_object *obj;

	(void)state;
	assert_int_equal(em_btf_vmlinux_get(TARGET("a"), &t), 0);
	assert_int_equal(ebpfmini_object_open(BPF_OBJ_DIR "/tp_count.bpf.o", NULL, &obj), 0);
	assert_false(obj->model.has_core_relos);
	assert_int_equal(core_relocate(&obj->model, t), 0);
	/* the loader's entry does not even read kernel BTF for it */
	assert_int_equal(core_relocate_kernel(&obj->model, "/nonexistent/btf"), 0);
	ebpfmini_object_close(obj);
}

static void test_btf_files(void **state)
{
	const struct ebpfmini_btf *t = NULL;
	char path[] = "/tmp/ebpfmini-core-XXXXXX";
	struct ebpfmini_btf *src;
	const void *raw;
	size_t size;
	FILE *f;
	int fd;

	(void)state;
	assert_int_equal(em_btf_vmlinux_get("/nonexistent/btf", &t), -ENOENT);
	assert_null(t);
	assert_int_equal(em_btf_vmlinux_get(NULL, NULL), -EINVAL);
	assert_int_equal(em_btf_vmlinux_module_get("", &t), -EINVAL);
	assert_int_equal(em_btf_vmlinux_module_get("../etc", &t), -EINVAL);
	assert_int_equal(em_btf_vmlinux_module_get("vmlinux", &t), -EINVAL);

	/* a raw BTF file (what /sys/kernel/btf/ holds) */
	src = target_from(TARGET("a"));
	raw = ebpfmini_btf_raw(src, &size);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(raw, 1, size, f), size);
	fclose(f);
	assert_int_equal(em_btf_vmlinux_get(path, &t), 0);
	assert_int_equal(ebpfmini_btf_type_count(t), ebpfmini_btf_type_count(src));
	assert_int_equal(em_btf_find(t, "core_s", BTF_KIND_STRUCT),
			 em_btf_find(src, "core_s", BTF_KIND_STRUCT));
	unlink(path);
	em_btf_free(src);

	/* damaged: not BTF at all */
	strcpy(path, "/tmp/ebpfmini-core-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not btf at all", 14), 14);
	close(fd);
	assert_int_equal(em_btf_vmlinux_get(path, &t), -EBADMSG);
	unlink(path);
}

/* ---- kernel BTF through a scripted sysfs (em_sys hook): read() fallback, module split BTF ---- */

static struct {
	const void *vmlinux, *mod;
	size_t vmlinux_len, mod_len;
	int opens, reads;
} sysfs;

/* /sys/kernel/btf/ files cannot be opened (so no mmap) and are served by read(). */
static long fake_sysfs(void *ctx, struct em_sys_call *call)
{
	const char *path;

	(void)ctx;
	if (call->nr == SYS_openat) {
		path = (const char *)call->args[1];
		if (strncmp(path, "/sys/kernel/btf/", 16) != 0)
			return 0;
		sysfs.opens++;
		return -EPERM;
	}
	if (call->nr != EM_SYS_READ_FILE)
		return 0;
	path = (const char *)call->args[0];
	if (strcmp(path, "/sys/kernel/btf/vmlinux") == 0) {
		call->data = sysfs.vmlinux;
		call->data_len = sysfs.vmlinux_len;
	} else if (strcmp(path, "/sys/kernel/btf/fake_mod") == 0) {
		call->data = sysfs.mod;
		call->data_len = sysfs.mod_len;
	} else {
		return strncmp(path, "/sys/kernel/btf/", 16) == 0 ? -ENOENT : 0;
	}
	sysfs.reads++;
	return 1;
}

static void test_sysfs_fallback_and_module(void **state)
{
	struct ebpfmini_btf *a = target_from(TARGET("a"));
	const struct ebpfmini_btf *v = NULL, *mod = NULL, *again = NULL;
	const struct btf_type *t;
	const struct btf_member *m;
	uint32_t base_end, base_strs;
	int int_id, reads;
	uint8_t *raw;
	struct fix f;
	struct bb b;
	size_t size;

	(void)state;
	/* "vmlinux" is target A; the module adds struct mod_s { int m; } on top of it */
	sysfs.vmlinux = ebpfmini_btf_raw(a, &sysfs.vmlinux_len);
	base_end = em_btf_type_end(a);
	base_strs = a->str_len;
	int_id = em_btf_find(a, "int", BTF_KIND_INT);
	assert_true(int_id > 0);
	bb_init(&b);
	bb_type(&b, "mod_s", BTF_KIND_STRUCT, 1, 0, 4);
	*bb_at(&b, 1, 0) += base_strs; /* split string offsets continue after the base's */
	bb_word(&b, bb_str(&b, "m") + base_strs);
	bb_word(&b, (uint32_t)int_id);
	bb_word(&b, 0);
	bb_finish(&b);
	raw = bb_bytes(&b, &size);
	sysfs.mod = raw;
	sysfs.mod_len = size;

	em_sys_set_hook_ex(fake_sysfs, NULL);
	assert_int_equal(em_btf_vmlinux_module_get("fake_mod", &mod), 0);
	assert_int_equal(sysfs.reads, 2); /* vmlinux first, as the base */
	assert_true(sysfs.opens >= 2);    /* mmap tried first, read() after */
	assert_int_equal(em_btf_vmlinux_get(NULL, &v), 0);
	assert_ptr_equal(mod->base, v);
	assert_int_equal(em_btf_find(mod, "mod_s", BTF_KIND_STRUCT), (int)base_end);
	t = em_btf_type(mod, base_end);
	m = em_btf_tail(t);
	assert_string_equal(em_btf_str(mod, m->name_off), "m");
	assert_int_equal(m->type, int_id);
	reads = sysfs.reads;
	assert_int_equal(em_btf_vmlinux_module_get("fake_mod", &again), 0);
	assert_ptr_equal(again, mod);
	assert_int_equal(em_btf_vmlinux_module_get("missing_mod", &again), -ENOENT);
	assert_int_equal(sysfs.reads, reads); /* nothing read again */

	/* the loader's entry with no path uses the (here scripted) sysfs vmlinux */
	fix_open(&f, CORE_READS);
	assert_int_equal(core_relocate_kernel(&f.obj->model, NULL), (int)total_relos(f.obj));
	check_target_a(&f, v);
	fix_close(&f);
	assert_int_equal(sysfs.reads, reads);
	em_sys_set_hook_ex(NULL, NULL);
	/* the cached BTF owns its bytes: the served buffers may go */
	free(raw);
	em_btf_free(a);
	assert_int_equal(em_btf_find(mod, "mod_s", BTF_KIND_STRUCT), (int)base_end);
}

/* ---- several targets: vmlinux, then modules' split BTF ---------------------------------- */

/* The blob b makes, parsed (split on base when base is not NULL). */
static struct ebpfmini_btf *parse_bb(struct bb *b, const struct ebpfmini_btf *base)
{
	struct ebpfmini_btf *btf = NULL;
	uint8_t *raw;
	size_t size;

	bb_finish(b);
	raw = bb_bytes(b, &size);
	assert_int_equal(em_btf_parse(raw, size, base, &btf), 0);
	free(raw);
	return btf;
}

/* A "vmlinux": int, long, and a typedef core_s (a name CO-RE roots cannot match: wrong kind). */
static struct ebpfmini_btf *fake_vmlinux(bool with_struct)
{
	struct bb b;

	bb_init(&b);
	bb_type(&b, "int", BTF_KIND_INT, 0, 0, 4);
	bb_word(&b, BTF_INT_SIGNED << 24 | 32);
	bb_type(&b, "long", BTF_KIND_INT, 0, 0, 8);
	bb_word(&b, BTF_INT_SIGNED << 24 | 64);
	if (with_struct) { /* struct core_s { int a; long b; }, as the object has it */
		bb_type(&b, "core_s", BTF_KIND_STRUCT, 2, 0, 16);
		bb_word(&b, bb_str(&b, "a"));
		bb_word(&b, 1);
		bb_word(&b, 0);
		bb_word(&b, bb_str(&b, "b"));
		bb_word(&b, 2);
		bb_word(&b, 64);
	} else {
		bb_type(&b, "core_s", BTF_KIND_TYPEDEF, 0, 0, 1);
	}
	return parse_bb(&b, NULL);
}

/* A module's split BTF on base: struct name { long b; int a; } (a at byte a_off), and a
 * struct of another name. */
static struct ebpfmini_btf *fake_module(const struct ebpfmini_btf *base, const char *name,
					uint32_t a_off)
{
	uint32_t strs = base->str_len, int_id = 1, long_id = 2;
	struct ebpfmini_btf *btf;
	struct bb b;

	bb_init(&b);
	bb_type(&b, "other_s", BTF_KIND_STRUCT, 1, 0, 4);
	*bb_at(&b, 1, 0) += strs;
	bb_word(&b, bb_str(&b, "x") + strs);
	bb_word(&b, int_id);
	bb_word(&b, 0);
	bb_type(&b, name, BTF_KIND_STRUCT, 2, 0, 24);
	*bb_at(&b, 2, 0) += strs;
	bb_word(&b, bb_str(&b, "b") + strs);
	bb_word(&b, long_id);
	bb_word(&b, a_off == 0 ? 64 : 0);
	bb_word(&b, bb_str(&b, "a") + strs);
	bb_word(&b, int_id);
	bb_word(&b, a_off * 8);
	btf = parse_bb(&b, base);
	assert_string_equal(em_btf_type_name(btf, em_btf_type(btf, em_btf_type_end(base) + 1)),
			    name);
	return btf;
}

static void test_calc_modules(void **state)
{
	struct ebpfmini_btf *vml = fake_vmlinux(false), *vml_s = fake_vmlinux(true);
	struct ebpfmini_btf *mod_a = fake_module(vml, "core_s", 16);
	struct ebpfmini_btf *mod_b = fake_module(vml, "unrelated_s", 8);
	struct ebpfmini_btf *mod_c = fake_module(vml, "core_s", 0);
	struct ebpfmini_btf *mod_s = fake_module(vml_s, "core_s", 16);
	struct em_core_target t[3] = { { vml, NULL, "vmlinux" },
				       { mod_b, NULL, "mod_b" },
				       { mod_a, NULL, "mod_a" } };
	struct em_core_fixups *fx = NULL;
	struct em_core_index *idx;
	struct em_core_input in;
	uint32_t core_s_a = em_btf_type_end(vml) + 1;
	char line[256];
	struct fix f;

	(void)state;
	fix_open(&f, CORE_FLAVORS);
	in = em_core_input_of(&f.obj->model);
	/* vmlinux has a core_s, but no struct: both records need the modules */
	assert_int_equal(em_core_index_new(vml, &idx), 0);
	assert_int_equal(em_core_unmatched(&in, idx), 2);
	t[0].idx = idx;
	assert_int_equal(em_core_calc_targets(&in, t, 3, &fx), 2);
	for (size_t i = 0; i < fx->n; i++) {
		assert_int_equal(fx->v[i].targ_id, core_s_a);
		assert_string_equal(fx->v[i].targ_name, "mod_a");
	}
	assert_int_equal(em_core_fixup_format(&fx->v[0], line, sizeof(line)) > 0, 1);
	assert_non_null(strstr(line, " in mod_a)"));
	assert_int_equal(em_core_patch(fx, f.obj->model.code, f.obj->model.ncode), 2);
	expect_mem(&f, "flav_read_b", 0, BPF_DW);
	expect_imm(&f, "flav_off_a", 16);
	em_core_fixups_free(fx);
	fix_close(&f);

	/* two modules that place the field differently: ambiguous, as within one BTF */
	fix_open(&f, CORE_FLAVORS);
	in = em_core_input_of(&f.obj->model);
	t[1] = (struct em_core_target){ mod_c, NULL, "mod_c" };
	assert_int_equal(em_core_calc_targets(&in, t, 3, &fx), -EINVAL);
	assert_null(fx);
	assert_non_null(log_captured("both match but place the field at"));
	/* without modules the records are poisoned: no type of that name */
	assert_int_equal(em_core_calc_targets(&in, t, 1, &fx), 2);
	assert_int_equal(fx->v[0].op, EM_CORE_FIX_POISON);
	assert_null(fx->v[0].targ_name);
	em_core_fixups_free(fx);
	em_core_index_free(idx);

	/* a vmlinux with the struct is used alone: the module's core_s is not asked */
	assert_int_equal(em_core_index_new(vml_s, &idx), 0);
	assert_int_equal(em_core_unmatched(&in, idx), 0);
	t[0] = (struct em_core_target){ vml_s, idx, "vmlinux" };
	t[1] = (struct em_core_target){ mod_s, NULL, "mod_s" };
	assert_int_equal(em_core_calc_targets(&in, t, 2, &fx), 2);
	for (size_t i = 0; i < fx->n; i++) {
		assert_int_equal(fx->v[i].targ_id, em_btf_find(vml_s, "core_s", BTF_KIND_STRUCT));
		assert_null(fx->v[i].targ_name);
	}
	assert_int_equal(em_core_fixup_format(&fx->v[0], line, sizeof(line)) > 0, 1);
	assert_null(strstr(line, " in "));
	em_core_fixups_free(fx);

	/* bad arguments */
	assert_int_equal(em_core_calc_targets(&in, t, 0, &fx), -EINVAL);
	t[1].btf = NULL;
	assert_int_equal(em_core_calc_targets(&in, t, 2, &fx), -EINVAL);
	t[1] = (struct em_core_target){ mod_s, idx, "mod_s" }; /* an index over another BTF */
	assert_int_equal(em_core_calc_targets(&in, t, 2, &fx), -EINVAL);
	assert_null(fx);
	assert_int_equal(em_core_unmatched(NULL, idx), -EINVAL);
	assert_int_equal(em_core_unmatched(&in, NULL), -EINVAL);
	em_core_index_free(idx);
	fix_close(&f);
	em_btf_free(mod_a);
	em_btf_free(mod_b);
	em_btf_free(mod_c);
	em_btf_free(mod_s);
	em_btf_free(vml);
	em_btf_free(vml_s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_essential_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_on_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_a, setup, teardown),
		cmocka_unit_test_setup_teardown(test_custom_btf_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crafted_target_cost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_entry_with_override, setup, teardown),
		cmocka_unit_test_setup_teardown(test_type_matches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_enum64, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flavors_agree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flavors_disagree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calc_fixups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calc_with_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_patch_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixup_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixups_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_core, setup, teardown),
		cmocka_unit_test_setup_teardown(test_btf_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_fallback_and_module, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calc_modules, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
