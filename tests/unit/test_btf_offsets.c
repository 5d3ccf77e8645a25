/* test_btf_offsets.c - the type offset tables of btf.c: compact (16-bit deltas) for large blobs, plain otherwise, the fall back between them, and kernel BTF's sparse table */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "btf.h"
#include "internal.h"

/*
 * A blob of n INT types named "i", with one ENUM of big_vlen enumerators
 * after type big_at (0: none). Returns its size; *recs gets each type's
 * offset in the type section, as the oracle.
 */
static size_t build(uint32_t n, uint32_t big_at, uint32_t big_vlen, uint8_t **out,
		    uint32_t **recs)
{
	size_t words = (size_t)n * 4 + 3 + (size_t)big_vlen * 2, nw = 0, nt = 0;
	uint32_t *w = calloc(words, 4), *r = calloc(n + 2, 4);
	static const char strs[] = "\0i\0e";
	struct btf_header h = { .magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h) };
	uint8_t *blob;

	assert_non_null(w);
	assert_non_null(r);
	for (uint32_t id = 1; id <= n; id++) {
		r[nt++] = (uint32_t)nw * 4;
		w[nw++] = 1; /* "i" */
		w[nw++] = BTF_KIND_INT << 24;
		w[nw++] = 4;
		w[nw++] = 32;
		if (id == big_at) {
			r[nt++] = (uint32_t)nw * 4;
			w[nw++] = 3; /* "e" */
			w[nw++] = BTF_KIND_ENUM << 24 | big_vlen;
			w[nw++] = 4;
			for (uint32_t k = 0; k < big_vlen; k++) {
				w[nw++] = 3;
				w[nw++] = k;
			}
		}
	}
	h.type_len = (uint32_t)nw * 4;
	h.str_off = h.type_len;
	h.str_len = sizeof(strs);
	blob = malloc(sizeof(h) + h.type_len + sizeof(strs));
	assert_non_null(blob);
	memcpy(blob, &h, sizeof(h));
	memcpy(blob + sizeof(h), w, h.type_len);
	memcpy(blob + sizeof(h) + h.type_len, strs, sizeof(strs));
	free(w);
	*out = blob;
	*recs = r;
	return sizeof(h) + h.type_len + sizeof(strs);
}

static void check_all(const struct ebpfmini_btf *btf, const uint8_t *blob, const uint32_t *recs,
		      uint32_t count)
{
	const uint8_t *types = blob + sizeof(struct btf_header);

	assert_int_equal(ebpfmini_btf_type_count(btf), count);
	for (uint32_t id = 1; id <= count; id++) {
		const struct btf_type *t = em_btf_type(btf, id);

		assert_non_null(t);
		/* same record: same bytes as at the oracle's offset */
		assert_memory_equal(t, types + recs[id - 1], sizeof(*t));
	}
	assert_null(em_btf_type(btf, count + 1));
}

static void test_small_blob_plain_table(void **state)
{
	struct ebpfmini_btf *btf;
	uint32_t *recs;
	uint8_t *blob;
	size_t size = build(100, 50, 10, &blob, &recs);

	(void)state;
	assert_int_equal(em_btf_parse(blob, size, NULL, &btf), 0);
	assert_null(btf->type_deltas);
	check_all(btf, blob, recs, 101);
	em_btf_free(btf);
	free(blob);
	free(recs);
}

static void test_large_blob_compact_table(void **state)
{
	struct ebpfmini_btf *btf;
	uint32_t *recs;
	uint8_t *blob;
	size_t size = build(20000, 7000, 1000, &blob, &recs); /* an 8 KiB enum fits */

	(void)state;
	assert_int_equal(em_btf_parse_borrowed(blob, size, NULL, &btf), 0);
	assert_true(btf->borrowed);
	assert_ptr_equal(btf->raw, blob); /* parsed in place */
	assert_non_null(btf->type_deltas);
	check_all(btf, blob, recs, 20001);
	em_btf_free(btf); /* leaves blob alone */
	free(blob);
	free(recs);
}

/* A record pushing a block past 64 KiB: the compact table gives way to the plain one. */
static void test_compact_falls_back(void **state)
{
	struct ebpfmini_btf *btf;
	uint32_t *recs;
	uint8_t *blob;
	size_t size = build(20000, 9003, 10000, &blob, &recs); /* an 80 KiB enum */

	(void)state;
	assert_int_equal(em_btf_parse(blob, size, NULL, &btf), 0);
	assert_null(btf->type_deltas);
	check_all(btf, blob, recs, 20001);
	em_btf_free(btf);
	free(blob);
	free(recs);
}

/* Kernel BTF keeps every 16th offset and walks to the records between; the big enum
 * (past any 16-bit delta) is no matter. Each type is checked when reached. */
static void test_kernel_sparse_table(void **state)
{
	struct ebpfmini_btf *btf;
	uint32_t *recs;
	uint8_t *blob;
	size_t size = build(20000, 9003, 10000, &blob, &recs);

	(void)state;
	assert_int_equal(em_btf_parse_kernel(blob, size, NULL, &btf), 0);
	assert_ptr_equal(btf->raw, blob);
	assert_null(btf->type_deltas);
	assert_non_null(btf->checked);
	assert_int_equal(btf->checked[0], 0); /* nothing reached yet */
	check_all(btf, blob, recs, 20001);
	assert_int_equal(btf->checked[0], 0xff);
	assert_int_equal(em_btf_find(btf, "e", BTF_KIND_ENUM), 9004);
	em_btf_free(btf);
	free(blob);
	free(recs);
}

/* The running kernel's BTF parsed both ways gives the same records. */
static void test_kernel_btf_both_ways(void **state)
{
	struct ebpfmini_btf *copy, *borrowed, *kernel;
	FILE *f = fopen("/sys/kernel/btf/vmlinux", "rb");
	size_t cap = 64u << 20, size;
	uint8_t *buf;

	(void)state;
	if (!f) {
		print_message("skipped: /sys/kernel/btf/vmlinux: kernel without BTF\n");
		skip();
	}
	buf = malloc(cap);
	assert_non_null(buf);
	size = fread(buf, 1, cap, f);
	fclose(f);
	assert_int_equal(em_btf_parse(buf, size, NULL, &copy), 0);
	assert_int_equal(em_btf_parse_borrowed(buf, size, NULL, &borrowed), 0);
	assert_non_null(borrowed->type_deltas);
	assert_int_equal(em_btf_parse_kernel(buf, size, NULL, &kernel), 0);
	assert_int_equal(copy->nr_types, borrowed->nr_types);
	assert_int_equal(copy->nr_types, kernel->nr_types);
	for (uint32_t id = 1; id < em_btf_type_end(copy); id++) {
		assert_memory_equal(em_btf_type(copy, id), em_btf_type(borrowed, id),
				    sizeof(struct btf_type));
		assert_ptr_equal(em_btf_type(kernel, id), em_btf_type(borrowed, id));
	}
	em_btf_free(kernel);
	/* a borrowed BTF is never written */
	assert_int_equal(em_btf_fixup_datasecs(borrowed, &(struct em_btf_fixup_ops){ 0 }), -EINVAL);
	em_btf_free(copy);
	em_btf_free(borrowed);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_blob_plain_table),
		cmocka_unit_test(test_large_blob_compact_table),
		cmocka_unit_test(test_compact_falls_back),
		cmocka_unit_test(test_kernel_sparse_table),
		cmocka_unit_test(test_kernel_btf_both_ways),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
