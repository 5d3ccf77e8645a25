/* test_btf_damage.c - unit tests of lib/btf.c on hand-built and damaged BTF: every kind, a
 * corruption table (also as kernel BTF, checked per type), truncation, loops, size overflow,
 * split BTF, mutation of a real blob */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "btf.h"
#include "btf_builder.h"
#include "btf_test_obj.h"
#include "internal.h"

#include "btf_fixture.h"

/* ---- hand-built blobs ---------------------------------------------------------------- */

static int parse_bb(const struct bb *b, struct ebpfmini_btf **out)
{
	size_t size;
	uint8_t *p = bb_bytes(b, &size);
	int err = em_btf_parse(p, size, NULL, out);

	free(p);
	return err;
}

static void test_reference_blob(void **state)
{
	static const struct {
		int kind;
		int size;
	} want[BB_REF_TYPES + 1] = {
		[1] = { BTF_KIND_INT, 4 },
		[2] = { BTF_KIND_PTR, 8 },
		[3] = { BTF_KIND_ARRAY, 16 },
		[4] = { BTF_KIND_STRUCT, 16 },
		[5] = { BTF_KIND_UNION, 4 },
		[6] = { BTF_KIND_FLOAT, 4 },
		[7] = { BTF_KIND_ENUM, 4 },
		[8] = { BTF_KIND_FWD, -EINVAL },
		[9] = { BTF_KIND_TYPEDEF, 16 },
		[10] = { BTF_KIND_VOLATILE, 16 },
		[11] = { BTF_KIND_CONST, 16 },
		[12] = { BTF_KIND_RESTRICT, 8 },
		[13] = { BTF_KIND_FUNC_PROTO, -EINVAL },
		[14] = { BTF_KIND_FUNC, -EINVAL },
		[15] = { BTF_KIND_VAR, 16 },
		[16] = { BTF_KIND_DATASEC, 0 },
		[17] = { BTF_KIND_DECL_TAG, -EINVAL },
		[18] = { BTF_KIND_TYPE_TAG, 4 },
		[19] = { BTF_KIND_ENUM64, 8 },
	};
	struct ebpfmini_btf *btf;
	struct bb b;
	uint8_t *p;
	size_t size, raw_size;

	(void)state;
	bb_reference(&b);
	p = bb_bytes(&b, &size);
	assert_int_equal(ebpfmini_btf_new(p, size, &btf), 0);
	assert_int_equal(ebpfmini_btf_type_count(btf), BB_REF_TYPES);
	for (uint32_t id = 1; id <= BB_REF_TYPES; id++) {
		assert_int_equal(ebpfmini_btf_type_kind(btf, id), want[id].kind);
		assert_int_equal(ebpfmini_btf_type_size(btf, id), want[id].size);
	}
	assert_int_equal(em_btf_skip_mods(btf, 11), 4);
	assert_int_equal(em_btf_skip_mods(btf, 18), 1);
	assert_int_equal(em_btf_skip_mods(btf, 12), 2);
	assert_int_equal(em_btf_skip_mods(btf, 0), 0);
	assert_int_equal(em_btf_skip_mods(btf, 99), -EBADMSG);
	assert_int_equal(em_btf_resolve_size(btf, 99, NULL), -EBADMSG);
	assert_int_equal(ebpfmini_btf_find(btf, "e64", BTF_KIND_ENUM64), 19);
	assert_int_equal(ebpfmini_btf_find(btf, "td", -1), 9);
	assert_int_equal(ebpfmini_btf_find(btf, NULL, -1), -EINVAL);
	assert_string_equal(ebpfmini_btf_type_name(btf, 4), "s");
	assert_string_equal(ebpfmini_btf_type_name(btf, 2), "");
	assert_string_equal(ebpfmini_btf_type_name(btf, 0), "");
	assert_null(ebpfmini_btf_type_name(btf, BB_REF_TYPES + 1));
	assert_int_equal(ebpfmini_btf_type_kind(btf, 0), BTF_KIND_UNKN);
	assert_int_equal(ebpfmini_btf_type_kind(btf, BB_REF_TYPES + 1), -ENOENT);
	assert_int_equal(ebpfmini_btf_type_size(btf, 0), -EINVAL);
	assert_int_equal(ebpfmini_btf_type_size(btf, BB_REF_TYPES + 1), -ENOENT);
	assert_memory_equal(ebpfmini_btf_raw(btf, &raw_size), p, size);
	assert_int_equal(raw_size, size);
	assert_int_equal(ebpfmini_btf_fd(btf), -EBUSY);
	em_btf_free(btf);
	free(p);

	/* NULL handling of the public API */
	assert_int_equal(ebpfmini_btf_new(NULL, 10, &btf), -EINVAL);
	assert_null(btf);
	assert_int_equal(ebpfmini_btf_new(&b, 10, NULL), -EINVAL);
	assert_int_equal(ebpfmini_btf_type_count(NULL), 0);
	assert_int_equal(ebpfmini_btf_find(NULL, "x", -1), -EINVAL);
	assert_null(ebpfmini_btf_type_name(NULL, 1));
	assert_int_equal(ebpfmini_btf_type_kind(NULL, 1), -EINVAL);
	assert_int_equal(ebpfmini_btf_type_size(NULL, 1), -EINVAL);
	assert_null(ebpfmini_btf_raw(NULL, &raw_size));
	assert_int_equal(raw_size, 0);
	assert_int_equal(ebpfmini_btf_fd(NULL), -EINVAL);
	em_btf_free(NULL);

	/* a longer header is fine when its unknown bytes are zero */
	bb_reference(&b);
	b.hdr_bytes = b.h.hdr_len = 28;
	assert_int_equal(parse_bb(&b, &btf), 0);
	assert_int_equal(ebpfmini_btf_type_size(btf, 4), 16);
	em_btf_free(btf);
}

enum target {
	T_MAGIC,
	T_VERSION,
	T_FLAGS,
	T_HDR_LEN,
	T_HDR_EXTRA,
	T_TYPE_OFF,
	T_TYPE_LEN,
	T_STR_OFF,
	T_STR_LEN,
	T_FIRST_STR_BYTE,
	T_LAST_STR_BYTE,
	T_WORD,
};

struct corruption {
	const char *what;
	enum target target;
	uint32_t id, k; /* T_WORD: word k of the record of type id */
	uint32_t val;
};

#define WORD(what, id, k, val)                                                                     \
	{                                                                                          \
		what, T_WORD, id, k, val                                                           \
	}
#define INFO(kind, vlen) ((uint32_t)(kind) << 24 | (vlen))

static const struct corruption corruptions[] = {
	{ "bad magic", T_MAGIC, 0, 0, 0x1234 },
	{ "big-endian magic", T_MAGIC, 0, 0, 0x9feb },
	{ "version 2", T_VERSION, 0, 0, 2 },
	{ "flags", T_FLAGS, 0, 0, 1 },
	{ "hdr_len below the header", T_HDR_LEN, 0, 0, 16 },
	{ "hdr_len beyond the blob", T_HDR_LEN, 0, 0, 100000 },
	{ "hdr_len 0xffffffff", T_HDR_LEN, 0, 0, 0xffffffff },
	{ "hdr_len 25: types unaligned", T_HDR_LEN, 0, 0, 25 },
	{ "unknown non-zero header field", T_HDR_EXTRA, 0, 0, 1 },
	{ "type_off beyond", T_TYPE_OFF, 0, 0, 100000 },
	{ "type_off unaligned", T_TYPE_OFF, 0, 0, 2 },
	{ "type_len beyond", T_TYPE_LEN, 0, 0, 100000 },
	{ "type_len wraps", T_TYPE_LEN, 0, 0, 0xfffffffc },
	{ "str_off beyond", T_STR_OFF, 0, 0, 100000 },
	{ "str_off wraps", T_STR_OFF, 0, 0, 0xffffffff },
	{ "str_len beyond", T_STR_LEN, 0, 0, 100000 },
	{ "str_len 0", T_STR_LEN, 0, 0, 0 },
	{ "sections overlap", T_STR_OFF, 0, 0, 8 },
	{ "strings not NUL-terminated", T_LAST_STR_BYTE, 0, 0, 'x' },
	{ "strings not starting with NUL", T_FIRST_STR_BYTE, 0, 0, 'x' },
	WORD("unknown kind 20", 1, 1, INFO(20, 0)),
	WORD("unknown kind 31", 6, 1, INFO(31, 0)),
	WORD("kind UNKN", 8, 1, INFO(BTF_KIND_UNKN, 0)),
	WORD("huge vlen in a STRUCT", 4, 1, INFO(BTF_KIND_STRUCT, 0xffff)),
	WORD("huge vlen in a FUNC_PROTO", 13, 1, INFO(BTF_KIND_FUNC_PROTO, 0xffff)),
	WORD("huge vlen in the last record", 19, 1, INFO(BTF_KIND_ENUM64, 0xffff)),
	WORD("DATASEC vlen 1000", 16, 1, INFO(BTF_KIND_DATASEC, 1000)),
	WORD("type name out of range", 1, 0, 100000),
	WORD("type name at the max offset", 6, 0, BTF_MAX_NAME_OFFSET),
	WORD("member name out of range", 4, 3, 100000),
	WORD("enum name out of range", 7, 5, 100000),
	WORD("enum64 name out of range", 19, 3, 100000),
	WORD("param name out of range", 13, 5, 100000),
	WORD("PTR to a missing type", 2, 2, 20),
	WORD("ARRAY element missing", 3, 3, 20),
	WORD("ARRAY index missing", 3, 4, 0xffffffff),
	WORD("STRUCT member missing", 4, 4, 20),
	WORD("UNION member missing", 5, 7, 99),
	WORD("TYPEDEF to a missing type", 9, 2, 20),
	WORD("VOLATILE to a missing type", 10, 2, 20),
	WORD("CONST to a missing type", 11, 2, 0x7fffffff),
	WORD("RESTRICT to a missing type", 12, 2, 20),
	WORD("FUNC_PROTO return missing", 13, 2, 20),
	WORD("FUNC_PROTO param missing", 13, 6, 20),
	WORD("FUNC to a missing proto", 14, 2, 20),
	WORD("FUNC to a non-proto", 14, 2, 1),
	WORD("FUNC linkage 3", 14, 1, INFO(BTF_KIND_FUNC, 3)),
	WORD("VAR to a missing type", 15, 2, 20),
	WORD("VAR linkage 7", 15, 3, 7),
	WORD("DATASEC var missing", 16, 3, 20),
	WORD("DATASEC entry not a VAR", 16, 3, 1),
	WORD("DECL_TAG target missing", 17, 2, 20),
	WORD("DECL_TAG component -2", 17, 3, (uint32_t)-2),
	WORD("TYPE_TAG to a missing type", 18, 2, 20),
};

static void apply(struct bb *b, const struct corruption *c)
{
	switch (c->target) {
	case T_MAGIC:
		b->h.magic = (uint16_t)c->val;
		break;
	case T_VERSION:
		b->h.version = (uint8_t)c->val;
		break;
	case T_FLAGS:
		b->h.flags = (uint8_t)c->val;
		break;
	case T_HDR_LEN:
		b->h.hdr_len = c->val;
		break;
	case T_HDR_EXTRA:
		b->hdr_bytes = b->h.hdr_len = 28;
		b->hdr_extra = c->val;
		break;
	case T_TYPE_OFF:
		b->h.type_off = c->val;
		break;
	case T_TYPE_LEN:
		b->h.type_len = c->val;
		break;
	case T_STR_OFF:
		b->h.str_off = c->val;
		break;
	case T_STR_LEN:
		b->h.str_len = c->val;
		break;
	case T_FIRST_STR_BYTE:
		b->s[0] = (char)c->val;
		break;
	case T_LAST_STR_BYTE:
		b->s[b->slen - 1] = (char)c->val;
		break;
	case T_WORD:
		*bb_at(b, c->id, c->k) = c->val;
		break;
	}
}

static void test_corruptions(void **state)
{
	struct ebpfmini_btf *btf;
	struct bb b;

	(void)state;
	for (size_t i = 0; i < EM_ARRAY_SIZE(corruptions); i++) {
		bb_reference(&b);
		apply(&b, &corruptions[i]);
		log_capture_reset();
		btf = (void *)&b; /* must come back NULL */
		if (parse_bb(&b, &btf) != -EBADMSG)
			fail_msg("%s: not rejected with -EBADMSG", corruptions[i].what);
		assert_null(btf);
		if (logcap.count != 1 || strncmp(logcap.last, "btf: ", 5) != 0)
			fail_msg("%s: expected one 'btf: ' line, got %d ('%s')",
				 corruptions[i].what, logcap.count, logcap.last);
	}
}

/*
 * The kernel's own BTF (em_btf_parse_kernel) is checked per type when reached: a
 * corruption of the header, a kind or a record's extent still fails the parse; any other
 * makes em_btf_type() refuse the damaged type (NULL, one 'btf: ' line), never a crash.
 */
static void test_corruptions_kernel(void **state)
{
	for (size_t i = 0; i < EM_ARRAY_SIZE(corruptions); i++) {
		const struct corruption *c = &corruptions[i];
		struct ebpfmini_btf *btf = NULL;
		struct bb b;
		size_t size;
		uint8_t *p;
		int err;

		(void)state;
		bb_reference(&b);
		apply(&b, c);
		p = bb_bytes(&b, &size);
		log_capture_reset();
		err = em_btf_parse_kernel(p, size, NULL, &btf);
		if (err) {
			if (err != -EBADMSG)
				fail_msg("%s: error %d, not -EBADMSG", c->what, err);
			assert_null(btf);
		} else {
			if (c->target != T_WORD || em_btf_type(btf, c->id))
				fail_msg("%s: type [%u] reached without an error", c->what, c->id);
			assert_null(ebpfmini_btf_type_name(btf, c->id));
			assert_int_equal(ebpfmini_btf_type_kind(btf, c->id), -ENOENT);
			/* a type that passes is reached as in a full parse: INT [1] unless hit */
			if (c->id != 1)
				assert_non_null(em_btf_type(btf, 1));
			em_btf_free(btf);
		}
		if (logcap.count < 1 || strncmp(logcap.last, "btf: ", 5) != 0)
			fail_msg("%s: expected a 'btf: ' line, got %d ('%s')", c->what, logcap.count,
				 logcap.last);
		free(p);
	}
}

/* Cut the type section at every byte: only a cut at a record boundary may parse. */
static void test_truncation(void **state)
{
	struct ebpfmini_btf *btf;
	struct bb b;
	size_t size;
	uint8_t *p;

	(void)state;
	bb_reference(&b);
	for (uint32_t cut = 0; cut < b.nw * 4; cut++) {
		bool boundary = false;
		uint32_t fit = 0;
		int err;

		for (size_t r = 0; r < b.nrec; r++) {
			if (b.rec[r] * 4 == cut)
				boundary = true, fit = (uint32_t)r;
		}
		bb_reference(&b);
		b.h.type_len = cut;
		err = parse_bb(&b, &btf);
		if (!boundary) {
			if (err != -EBADMSG)
				fail_msg("cut at %u: got %d, want -EBADMSG", cut, err);
			continue;
		}
		if (err == 0) {
			assert_int_equal(btf->nr_types, fit);
			em_btf_free(btf);
		} else {
			assert_int_equal(err, -EBADMSG); /* a reference past the cut */
		}
	}
	/* and the whole blob at every length */
	bb_reference(&b);
	p = bb_bytes(&b, &size);
	for (size_t n = 0; n < size; n++) {
		btf = NULL;
		assert_int_equal(em_btf_parse(p, n, NULL, &btf), -EBADMSG);
		assert_null(btf);
	}
	free(p);
}

static void test_loops(void **state)
{
	struct ebpfmini_btf *btf;
	uint32_t size = 0;
	struct bb b;

	(void)state;
	/* typedef A -> typedef B -> typedef A */
	bb_init(&b);
	bb_type(&b, "A", BTF_KIND_TYPEDEF, 0, 0, 2);
	bb_type(&b, "B", BTF_KIND_TYPEDEF, 0, 0, 1);
	bb_finish(&b);
	assert_int_equal(parse_bb(&b, &btf), 0);
	assert_int_equal(em_btf_resolve_size(btf, 1, &size), -ELOOP);
	assert_int_equal(em_btf_skip_mods(btf, 2), -ELOOP);
	assert_int_equal(ebpfmini_btf_type_size(btf, 1), -ELOOP);
	em_btf_free(btf);

	/* const that is its own type */
	bb_init(&b);
	bb_type(&b, NULL, BTF_KIND_CONST, 0, 0, 1);
	bb_finish(&b);
	assert_int_equal(parse_bb(&b, &btf), 0);
	assert_int_equal(em_btf_resolve_size(btf, 1, &size), -ELOOP);
	assert_int_equal(em_btf_skip_mods(btf, 1), -ELOOP);
	em_btf_free(btf);

	/* array whose element is a typedef of the array; a VAR of itself */
	bb_init(&b);
	bb_type(&b, "int", BTF_KIND_INT, 0, 0, 4);
	bb_word(&b, 32);
	bb_type(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
	bb_word(&b, 3), bb_word(&b, 1), bb_word(&b, 2);
	bb_type(&b, "arr_t", BTF_KIND_TYPEDEF, 0, 0, 2);
	bb_type(&b, "v", BTF_KIND_VAR, 0, 0, 4);
	bb_word(&b, BTF_VAR_STATIC);
	/* a pointer cycle is no loop for sizes: pointers have their own */
	bb_type(&b, NULL, BTF_KIND_PTR, 0, 0, 6);
	bb_type(&b, "p_t", BTF_KIND_TYPEDEF, 0, 0, 5);
	bb_finish(&b);
	assert_int_equal(parse_bb(&b, &btf), 0);
	assert_int_equal(em_btf_resolve_size(btf, 2, &size), -ELOOP);
	assert_int_equal(em_btf_resolve_size(btf, 3, &size), -ELOOP);
	assert_int_equal(em_btf_skip_mods(btf, 3), 2);
	assert_int_equal(em_btf_resolve_size(btf, 4, &size), -ELOOP);
	assert_int_equal(em_btf_resolve_size(btf, 6, &size), 0);
	assert_int_equal(size, 8);
	assert_int_equal(em_btf_skip_mods(btf, 6), 5);
	em_btf_free(btf);

	/* a long chain without a loop resolves */
	bb_init(&b);
	bb_type(&b, "int", BTF_KIND_INT, 0, 0, 4);
	bb_word(&b, 32);
	for (uint32_t id = 2; id <= BB_MAX_RECS; id++)
		bb_type(&b, NULL, id % 2 ? BTF_KIND_CONST : BTF_KIND_TYPEDEF, 0, 0, id - 1);
	bb_finish(&b);
	assert_int_equal(parse_bb(&b, &btf), 0);
	assert_int_equal(em_btf_resolve_size(btf, BB_MAX_RECS, &size), 0);
	assert_int_equal(size, 4);
	assert_int_equal(em_btf_skip_mods(btf, BB_MAX_RECS), 1);
	em_btf_free(btf);
}

static void test_size_overflow(void **state)
{
	struct ebpfmini_btf *btf;
	uint32_t size = 0;
	struct bb b;

	(void)state;
	bb_init(&b);
	bb_type(&b, "int", BTF_KIND_INT, 0, 0, 4);
	bb_word(&b, 32);
	bb_type(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0); /* 2: int[0x10000] */
	bb_word(&b, 1), bb_word(&b, 1), bb_word(&b, 0x10000);
	bb_type(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0); /* 3: int[0x10000][0x10000] */
	bb_word(&b, 2), bb_word(&b, 1), bb_word(&b, 0x10000);
	bb_type(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0); /* 4: int[0x3fff][0x10000]: 0xfffc0000 bytes */
	bb_word(&b, 2), bb_word(&b, 1), bb_word(&b, 0x3fff);
	bb_type(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0); /* 5: int[0x4000][0x10000]: 2^32 bytes */
	bb_word(&b, 2), bb_word(&b, 1), bb_word(&b, 0x4000);
	bb_type(&b, "big", BTF_KIND_STRUCT, 0, 0, 0xffffffff); /* 6 */
	bb_type(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0);            /* 7: big[2] */
	bb_word(&b, 6), bb_word(&b, 1), bb_word(&b, 2);
	bb_finish(&b);
	assert_int_equal(parse_bb(&b, &btf), 0);
	assert_int_equal(em_btf_resolve_size(btf, 2, &size), 0);
	assert_int_equal(size, 0x40000);
	assert_int_equal(em_btf_resolve_size(btf, 3, &size), -E2BIG);
	assert_int_equal(em_btf_resolve_size(btf, 4, &size), 0);
	assert_int_equal(size, 0xfffc0000u);
	assert_int_equal(ebpfmini_btf_type_size(btf, 4), -E2BIG); /* > INT_MAX */
	assert_int_equal(em_btf_resolve_size(btf, 5, &size), -E2BIG);
	assert_int_equal(em_btf_resolve_size(btf, 6, &size), 0);
	assert_int_equal(size, 0xffffffffu);
	assert_int_equal(em_btf_resolve_size(btf, 7, &size), -E2BIG);
	em_btf_free(btf);
}

/* Split BTF (kernel modules): ids and string offsets continue after the base. */
static void test_split(void **state)
{
	struct ebpfmini_btf *base, *split;
	struct bb b, s;
	uint32_t base_strs;
	size_t size;
	uint8_t *p;

	(void)state;
	bb_reference(&b);
	assert_int_equal(parse_bb(&b, &base), 0);
	base_strs = (uint32_t)b.slen;

	bb_init(&s);
	s.slen = 0; /* a split string section need not start with "" */
	bb_type(&s, NULL, BTF_KIND_STRUCT, 2, 0, 8); /* 20 */
	*bb_at(&s, 20 - BB_REF_TYPES, 0) = base_strs + bb_str(&s, "ms");
	bb_word(&s, bb_find_str(&b, "a")), bb_word(&s, 1), bb_word(&s, 0);
	bb_word(&s, base_strs + bb_str(&s, "m2")), bb_word(&s, 21), bb_word(&s, 32);
	bb_type(&s, NULL, BTF_KIND_TYPEDEF, 0, 0, 1); /* 21 */
	*bb_at(&s, 21 - BB_REF_TYPES, 0) = base_strs + bb_str(&s, "mt");
	bb_finish(&s);
	p = bb_bytes(&s, &size);
	assert_int_equal(em_btf_parse(p, size, base, &split), 0);
	assert_int_equal(split->start_id, BB_REF_TYPES + 1);
	assert_int_equal(split->nr_types, 2);
	assert_int_equal(em_btf_type_end(split), BB_REF_TYPES + 3);
	assert_ptr_equal(em_btf_type(split, 1), em_btf_type(base, 1));
	assert_int_equal(em_btf_find(split, "ms", BTF_KIND_STRUCT), 20);
	assert_int_equal(em_btf_find(split, "int", BTF_KIND_INT), 1);
	assert_string_equal(em_btf_type_name(split, em_btf_type(split, 21)), "mt");
	assert_string_equal(em_btf_str(split, bb_find_str(&b, "a")), "a");
	assert_int_equal(ebpfmini_btf_type_size(split, 20), 8);
	assert_int_equal(ebpfmini_btf_type_size(split, 21), 4);
	assert_int_equal(ebpfmini_btf_type_count(split), BB_REF_TYPES + 2);
	em_btf_free(split);
	/* the same bytes without their base refer to strings and types that do not exist */
	assert_int_equal(em_btf_parse(p, size, NULL, &split), -EBADMSG);
	free(p);

	/* a reference past the split's own types */
	*bb_at(&s, 21 - BB_REF_TYPES, 2) = 22;
	p = bb_bytes(&s, &size);
	assert_int_equal(em_btf_parse(p, size, base, &split), -EBADMSG);
	free(p);
	*bb_at(&s, 21 - BB_REF_TYPES, 2) = 1;
	/* a name past the split's strings */
	*bb_at(&s, 21 - BB_REF_TYPES, 0) = base_strs + (uint32_t)s.slen;
	p = bb_bytes(&s, &size);
	assert_int_equal(em_btf_parse(p, size, base, &split), -EBADMSG);
	free(p);

	/* a split that adds no strings */
	bb_init(&s);
	s.slen = 0;
	bb_type(&s, NULL, BTF_KIND_PTR, 0, 0, 4);
	bb_finish(&s);
	p = bb_bytes(&s, &size);
	assert_int_equal(em_btf_parse(p, size, base, &split), 0);
	assert_int_equal(ebpfmini_btf_type_size(split, 20), 8);
	em_btf_free(split);
	free(p);
	em_btf_free(base);
}

/* ---- mutation of the real blob ------------------------------------------------------------ */

static int any_section_size(void *ctx, const char *sec, uint32_t *size)
{
	(void)ctx;
	*size = (uint32_t)strlen(sec) * 16;
	return 0;
}

static int any_symbol_offset(void *ctx, const char *sec, const char *sym, uint32_t *off)
{
	(void)ctx;
	(void)sec;
	*off = (uint32_t)strlen(sym) % 8;
	return 0;
}

/* After a successful parse every query must stay in bounds and terminate. */
static void exercise(struct ebpfmini_btf *btf)
{
	struct em_btf_fixup_ops ops = { NULL, any_section_size, any_symbol_offset };
	struct ebpfmini_btf *again;
	uint32_t size;

	for (uint32_t id = 0; id <= em_btf_type_end(btf); id++) {
		int r = em_btf_resolve_size(btf, id, &size);

		assert_true(r == 0 || r == -EINVAL || r == -ELOOP || r == -E2BIG ||
			    (r == -EBADMSG && id == em_btf_type_end(btf)));
		r = em_btf_skip_mods(btf, id);
		assert_true(r >= 0 || r == -ELOOP || r == -EBADMSG);
		if (id < em_btf_type_end(btf))
			assert_non_null(ebpfmini_btf_type_name(btf, id));
		else
			assert_null(ebpfmini_btf_type_name(btf, id));
		r = ebpfmini_btf_type_kind(btf, id);
		assert_true(r >= 0 || r == -ENOENT);
		if (id > 0 && id < em_btf_type_end(btf))
			assert_non_null(strchr(em_btf_type_name(btf, em_btf_type(btf, id)), '\0'));
	}
	(void)em_btf_find(btf, "sample_value", BTF_KIND_STRUCT);
	if (em_btf_fixup_datasecs(btf, &ops) == 0) {
		/* what fix-up writes must still be valid BTF */
		assert_int_equal(em_btf_parse(btf->raw, btf->raw_size, NULL, &again), 0);
		em_btf_free(again);
	}
}

/* The same bytes as kernel BTF: each query stays in bounds, refusing damaged types. */
static void exercise_kernel(const uint8_t *p, size_t n)
{
	struct ebpfmini_btf *btf = NULL;
	uint32_t size;
	int r = em_btf_parse_kernel(p, n, NULL, &btf);

	if (r) {
		assert_int_equal(r, -EBADMSG);
		return;
	}
	for (uint32_t id = 0; id <= em_btf_type_end(btf); id++) {
		const char *name = ebpfmini_btf_type_name(btf, id);

		r = em_btf_resolve_size(btf, id, &size);
		assert_true(r == 0 || r == -EINVAL || r == -ELOOP || r == -E2BIG || r == -EBADMSG);
		r = em_btf_skip_mods(btf, id);
		assert_true(r >= 0 || r == -ELOOP || r == -EBADMSG);
		if (name)
			assert_non_null(strchr(name, '\0'));
		r = ebpfmini_btf_type_kind(btf, id);
		assert_true(r >= 0 || r == -ENOENT);
	}
	(void)em_btf_find(btf, "sample_value", BTF_KIND_STRUCT);
	em_btf_free(btf);
}

static void test_mutations(void **state)
{
	static const uint8_t xors[] = { 0xff, 0x01, 0x80, 0x10 };
	size_t n = sample_btf_size, limit = EM_MIN(n, 24 + 2048 + 1024);
	uint8_t *p = malloc(n);
	int ok = 0, rejected = 0;

	(void)state;
	ebpfmini_log_set(NULL, EBPFMINI_LOG_OFF, NULL); /* thousands of expected errors */
	for (size_t off = 0; off < limit; off++) {
		for (size_t x = 0; x < EM_ARRAY_SIZE(xors) + 1; x++) {
			struct ebpfmini_btf *btf = NULL;
			int err;

			memcpy(p, sample_btf, n);
			p[off] = x < EM_ARRAY_SIZE(xors) ? p[off] ^ xors[x] : 0;
			exercise_kernel(p, n);
			err = em_btf_parse(p, n, NULL, &btf);
			if (err) {
				if (err != -EBADMSG)
					fail_msg("offset %zu: error %d", off, err);
				assert_null(btf);
				rejected++;
				continue;
			}
			ok++;
			exercise(btf);
			em_btf_free(btf);
		}
	}
	ebpfmini_log_set(log_capture_line, EBPFMINI_LOG_DEBUG, NULL);
	free(p);
	/* both outcomes must occur, or the loop tested nothing */
	assert_true(ok > 100);
	assert_true(rejected > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_blob),
		cmocka_unit_test(test_corruptions),
		cmocka_unit_test(test_corruptions_kernel),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_loops),
		cmocka_unit_test(test_size_overflow),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
