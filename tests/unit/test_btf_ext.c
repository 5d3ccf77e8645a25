/* test_btf_ext.c - unit tests of lib/btf_ext.c: clang-built .BTF.ext, hand-built, corrupted */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <linux/bpf.h>

#include "btf.h"
#include "btf_builder.h"
#include "btf_test_obj.h"
#include "internal.h"
#include "log_capture.h"

static struct tobj sample;
static const void *sample_btf, *sample_ext;
static size_t sample_btf_size, sample_ext_size;
static struct ebpfmini_btf *btf; /* the sample's .BTF */

static int group_setup(void **state)
{
	(void)state;
	ebpfmini_log_set(log_capture_line, EBPFMINI_LOG_DEBUG, NULL);
	if (tobj_read(BPF_OBJ_DIR "/btf_sample.bpf.o", &sample) ||
	    tobj_section(&sample, ".BTF", &sample_btf, &sample_btf_size) < 0 ||
	    tobj_section(&sample, ".BTF.ext", &sample_ext, &sample_ext_size) < 0) {
		fprintf(stderr, "cannot read .BTF/.BTF.ext of %s/btf_sample.bpf.o\n", BPF_OBJ_DIR);
		return -1;
	}
	return em_btf_parse(sample_btf, sample_btf_size, NULL, &btf);
}

static int group_teardown(void **state)
{
	(void)state;
	em_btf_free(btf);
	tobj_free(&sample);
	return 0;
}

/* The sample's source, line by line (lines[1] is the first). */
static char src_lines[256][256];
static unsigned src_nlines;

static void read_source(void)
{
	FILE *f = fopen(SRC_ROOT "/tests/bpf/btf_sample.bpf.c", "r");

	assert_non_null(f);
	src_nlines = 0;
	while (src_nlines + 1 < 256 && fgets(src_lines[src_nlines + 1], 256, f)) {
		src_lines[src_nlines + 1][strcspn(src_lines[src_nlines + 1], "\n")] = '\0';
		src_nlines++;
	}
	fclose(f);
}

/* 1-based line of the first source line containing needle. */
static unsigned source_line(const char *needle)
{
	for (unsigned n = 1; n <= src_nlines; n++)
		if (strstr(src_lines[n], needle))
			return n;
	fail_msg("'%s' not in the sample source", needle);
	return 0;
}

static void test_sample_func_info(void **state)
{
	static const struct {
		const char *sec, *func;
	} want[] = {
		{ "tp/syscalls/sys_enter_execve", "sample_prog" },
		{ "xdp", "sample_xdp" },
		{ ".text", "sample_helper" },
	};
	struct em_btf_ext *ext;

	(void)state;
	assert_int_equal(em_btf_ext_parse(sample_ext, sample_ext_size, btf, &ext), 0);
	assert_int_equal(ext->func_info.rec_size, sizeof(struct bpf_func_info));
	assert_int_equal(ext->func_info.nsecs, EM_ARRAY_SIZE(want));
	for (size_t i = 0; i < EM_ARRAY_SIZE(want); i++) {
		const struct em_btf_ext_sec *s = em_btf_ext_find(&ext->func_info, want[i].sec);
		struct bpf_func_info fi;

		assert_non_null(s);
		assert_string_equal(s->sec_name, want[i].sec);
		assert_int_equal(s->num_info, 1);
		memcpy(&fi, s->data, sizeof(fi));
		assert_int_equal(fi.insn_off, 0);
		assert_int_equal(ebpfmini_btf_type_kind(btf, fi.type_id), BTF_KIND_FUNC);
		assert_string_equal(ebpfmini_btf_type_name(btf, fi.type_id), want[i].func);
	}
	assert_null(em_btf_ext_find(&ext->func_info, "license"));
	assert_null(em_btf_ext_find(NULL, "xdp"));
	assert_int_equal(ext->core_relo.nsecs, 0); /* the sample uses no CO-RE */
	em_btf_ext_free(ext);
	em_btf_ext_free(NULL);
}

static void test_sample_line_info(void **state)
{
	static const struct {
		const char *sec, *first_line;
	} want[] = {
		{ "tp/syscalls/sys_enter_execve", "int sample_prog(void *ctx)" },
		{ "xdp", "int sample_xdp(void *ctx)" },
		{ ".text", "int sample_helper(struct sample_value *v, int x)" },
	};
	struct em_btf_ext *ext;
	uint32_t total = 0;

	(void)state;
	read_source();
	assert_int_equal(em_btf_ext_parse(sample_ext, sample_ext_size, btf, &ext), 0);
	assert_int_equal(ext->line_info.rec_size, sizeof(struct bpf_line_info));
	assert_int_equal(ext->line_info.nsecs, EM_ARRAY_SIZE(want));
	for (size_t i = 0; i < EM_ARRAY_SIZE(want); i++) {
		const struct em_btf_ext_sec *s = em_btf_ext_find(&ext->line_info, want[i].sec);
		size_t sec_bytes = tobj_section_size(&sample, want[i].sec);
		unsigned func_line = source_line(want[i].first_line), line, lines = 0;
		uint32_t prev = 0;
		const char *text;

		assert_non_null(s);
		assert_true(sec_bytes > 0);
		/* at least one line per function, at most one per instruction */
		assert_true(s->num_info >= 2);
		assert_true(s->num_info <= sec_bytes / 8);
		for (uint32_t j = 0; j < s->num_info; j++) {
			struct bpf_line_info li;

			memcpy(&li, s->data + (size_t)j * ext->line_info.rec_size, sizeof(li));
			assert_int_equal(li.insn_off % 8, 0);
			assert_true(li.insn_off < sec_bytes);
			assert_true(li.insn_off >= prev);
			prev = li.insn_off;
			assert_non_null(
				strstr(em_btf_str(btf, li.file_name_off), "btf_sample.bpf.c"));
			assert_non_null(em_btf_str(btf, li.line_off));
			if (j == 0)
				assert_int_equal(li.insn_off, 0);
			/* each line is the function's or its body's, and its text is that line */
			line = BPF_LINE_INFO_LINE_NUM(li.line_col);
			if (line == 0) /* compiler-made code without a source line */
				continue;
			if (!(line >= func_line && line <= func_line + 15))
				fail_msg("%s: line %u outside [%u, +15]", want[i].sec, line,
					 func_line);
			text = em_btf_str(btf, li.line_off);
			text += strspn(text, " \t");
			assert_non_null(strstr(src_lines[line], text));
			lines++;
		}
		assert_true(lines >= 2);
		total += s->num_info;
	}
	assert_true(total > 10);
	em_btf_ext_free(ext);
}

/* ---- hand-built .BTF.ext over the reference BTF ---------------------------------- */

/*
 * Words of the reference .BTF.ext (hdr_len 32, with core_relo):
 *  0 magic/version/flags  1 hdr_len  2-3 func_info off/len  4-5 line_info  6-7 core_relo
 *  8 func rec_size  9 sec  10 num=2  11-12 rec0  13-14 rec1
 * 15 line rec_size 16 sec  17 num=1  18-21 rec0 (insn, file, line, col)
 * 22 core rec_size 23 sec  24 num=1  25-28 rec0 (insn, type, access, kind)
 */
#define EXT_WORDS 29

static void ext_reference(const struct bb *b, uint32_t *w)
{
	uint32_t xdp = bb_find_str(b, "xdp");
	uint32_t data[] = {
		8,
		xdp,
		2,
		0,
		14,
		8,
		14,
		16,
		xdp,
		1,
		0,
		bb_find_str(b, "file.c"),
		bb_find_str(b, "return 0;"),
		3 << 10 | 5,
		16,
		xdp,
		1,
		0,
		4,
		bb_find_str(b, "0:1"),
		0,
	};

	w[0] = 0xeB9F | 1 << 16;
	w[1] = 32;
	w[2] = 0, w[3] = 28;
	w[4] = 28, w[5] = 28;
	w[6] = 56, w[7] = 28;
	memcpy(w + 8, data, sizeof(data));
}

static struct ebpfmini_btf *reference_btf(struct bb *b)
{
	struct ebpfmini_btf *ref;
	size_t size;
	uint8_t *p;

	bb_reference(b);
	p = bb_bytes(b, &size);
	assert_int_equal(em_btf_parse(p, size, NULL, &ref), 0);
	free(p);
	return ref;
}

static void test_reference_ext(void **state)
{
	uint32_t w[EXT_WORDS];
	struct ebpfmini_btf *ref;
	struct em_btf_ext *ext;
	struct bb b;

	(void)state;
	ref = reference_btf(&b);
	ext_reference(&b, w);
	assert_int_equal(em_btf_ext_parse(w, sizeof(w), ref, &ext), 0);
	assert_int_equal(ext->func_info.nsecs, 1);
	assert_int_equal(ext->func_info.secs[0].num_info, 2);
	assert_string_equal(ext->func_info.secs[0].sec_name, "xdp");
	assert_ptr_equal(ext->func_info.secs[0].data, ext->raw + 32 + 12);
	assert_ptr_not_equal(ext->raw, (void *)w); /* a private copy */
	assert_int_equal(ext->line_info.secs[0].num_info, 1);
	assert_int_equal(ext->core_relo.rec_size, 16);
	assert_int_equal(ext->core_relo.nsecs, 1);
	assert_non_null(em_btf_ext_find(&ext->core_relo, "xdp"));
	em_btf_ext_free(ext);

	/* a 24-byte header has no core_relo: the fields after it are data, not offsets */
	w[1] = 24;
	w[2] = 8; /* func_info now starts at byte 32 again (24 + 8) */
	w[4] = 36;
	assert_int_equal(em_btf_ext_parse(w, sizeof(w), ref, &ext), 0);
	assert_int_equal(ext->func_info.secs[0].num_info, 2);
	assert_int_equal(ext->core_relo.nsecs, 0);
	assert_null(ext->core_relo.secs);
	em_btf_ext_free(ext);

	/* empty sub-sections */
	ext_reference(&b, w);
	w[3] = w[5] = w[7] = 0;
	assert_int_equal(em_btf_ext_parse(w, sizeof(w), ref, &ext), 0);
	assert_int_equal(ext->func_info.nsecs + ext->line_info.nsecs + ext->core_relo.nsecs, 0);
	em_btf_ext_free(ext);

	/* argument checks */
	ext = (void *)w;
	assert_int_equal(em_btf_ext_parse(w, sizeof(w), NULL, &ext), -EINVAL);
	assert_null(ext);
	assert_int_equal(em_btf_ext_parse(NULL, 10, ref, &ext), -EINVAL);
	assert_int_equal(em_btf_ext_parse(w, sizeof(w), ref, NULL), -EINVAL);
	em_btf_free(ref);
}

static const struct {
	const char *what;
	unsigned word;
	uint32_t val;
} ext_corruptions[] = {
	{ "bad magic", 0, 0xeB9E | 1 << 16 },
	{ "version 2", 0, 0xeB9F | 2 << 16 },
	{ "flags", 0, 0xeB9F | 1 << 16 | 1 << 24 },
	{ "hdr_len 20", 1, 20 },
	{ "hdr_len beyond", 1, 1000 },
	{ "hdr_len 0xffffffff", 1, 0xffffffff },
	{ "func_info off beyond", 2, 1000 },
	{ "func_info off wraps", 2, 0xfffffff0 },
	{ "func_info len beyond", 3, 1000 },
	{ "func_info len wraps", 3, 0xffffffff },
	{ "func_info unaligned", 2, 2 },
	{ "func_info too short for rec_size", 3, 2 },
	{ "func_info cut inside a block header", 3, 8 },
	{ "func_info cut inside a record", 3, 24 },
	{ "line_info len beyond", 5, 1000 },
	{ "core_relo off beyond", 6, 1000 },
	{ "rec_size 4", 8, 4 },
	{ "rec_size 10", 8, 10 },
	{ "rec_size 12: records overrun", 8, 12 },
	{ "rec_size 0xfffffffc", 8, 0xfffffffc },
	{ "line rec_size 12", 15, 12 },
	{ "core rec_size 8", 22, 8 },
	{ "section name out of range", 9, 100000 },
	{ "section name empty", 9, 0 },
	{ "line section name out of range", 16, 100000 },
	{ "core section name out of range", 23, 0xffffffff },
	{ "no records", 10, 0 },
	{ "num_info 3: overrun", 10, 3 },
	{ "num_info 2^29: 2^32 bytes", 10, 1u << 29 },
	{ "num_info 0xffffffff", 10, 0xffffffff },
	{ "line num_info 0xffffffff", 17, 0xffffffff },
	{ "func insn_off not whole", 11, 4 },
	{ "func type id out of range", 12, 20 },
	{ "second func type id out of range", 14, 0xffffffff },
	{ "line insn_off not whole", 18, 9 },
	{ "line file name out of range", 19, 100000 },
	{ "line text out of range", 20, 100000 },
	{ "core type id out of range", 26, 20 },
	{ "core access string out of range", 27, 100000 },
};

static void test_ext_corruptions(void **state)
{
	uint32_t w[EXT_WORDS];
	struct ebpfmini_btf *ref;
	struct em_btf_ext *ext;
	struct bb b;

	(void)state;
	ref = reference_btf(&b);
	for (size_t i = 0; i < EM_ARRAY_SIZE(ext_corruptions); i++) {
		ext_reference(&b, w);
		w[ext_corruptions[i].word] = ext_corruptions[i].val;
		logcap.count = 0;
		ext = (void *)w; /* must come back NULL */
		if (em_btf_ext_parse(w, sizeof(w), ref, &ext) != -EBADMSG)
			fail_msg("%s: not rejected with -EBADMSG", ext_corruptions[i].what);
		assert_null(ext);
		if (logcap.count != 1 || strncmp(logcap.last, "btf: .BTF.ext: ", 15) != 0)
			fail_msg("%s: expected one 'btf: .BTF.ext: ' line, got %d ('%s')",
				 ext_corruptions[i].what, logcap.count, logcap.last);
	}
	/* cut at every length: the last sub-section ends at the last byte */
	ext_reference(&b, w);
	for (size_t n = 0; n < sizeof(w); n++) {
		ext = NULL;
		assert_int_equal(em_btf_ext_parse(w, n, ref, &ext), -EBADMSG);
		assert_null(ext);
	}
	em_btf_free(ref);
}

/* Flip bytes of the real .BTF.ext: 0 or -EBADMSG, and what parses reads in bounds. */
static void test_ext_mutations(void **state)
{
	static const uint8_t xors[] = { 0xff, 0x01, 0x80, 0x08 };
	uint8_t *p = malloc(sample_ext_size);
	int ok = 0, rejected = 0;

	(void)state;
	ebpfmini_log_set(NULL, EBPFMINI_LOG_OFF, NULL);
	for (size_t off = 0; off < sample_ext_size; off++) {
		for (size_t x = 0; x <= EM_ARRAY_SIZE(xors); x++) {
			struct em_btf_ext *ext = NULL;
			const struct em_btf_ext_info *infos[3];
			int err;

			memcpy(p, sample_ext, sample_ext_size);
			p[off] = x < EM_ARRAY_SIZE(xors) ? p[off] ^ xors[x] : 0;
			err = em_btf_ext_parse(p, sample_ext_size, btf, &ext);
			if (err) {
				if (err != -EBADMSG)
					fail_msg("offset %zu: error %d", off, err);
				assert_null(ext);
				rejected++;
				continue;
			}
			ok++;
			infos[0] = &ext->func_info;
			infos[1] = &ext->line_info;
			infos[2] = &ext->core_relo;
			for (int k = 0; k < 3; k++) {
				for (size_t s = 0; s < infos[k]->nsecs; s++) {
					const struct em_btf_ext_sec *sec = &infos[k]->secs[s];
					const uint8_t *end = ext->raw + ext->raw_size;
					size_t bytes = (size_t)sec->num_info * infos[k]->rec_size;

					assert_true(sec->data >= ext->raw && sec->data <= end);
					assert_true(bytes <= (size_t)(end - sec->data));
					assert_ptr_equal(
						em_btf_ext_find(infos[k], sec->sec_name)->sec_name,
						sec->sec_name);
				}
			}
			em_btf_ext_free(ext);
		}
	}
	ebpfmini_log_set(log_capture_line, EBPFMINI_LOG_DEBUG, NULL);
	free(p);
	assert_true(ok > 50);
	assert_true(rejected > 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_func_info), cmocka_unit_test(test_sample_line_info),
		cmocka_unit_test(test_reference_ext),    cmocka_unit_test(test_ext_corruptions),
		cmocka_unit_test(test_ext_mutations),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
