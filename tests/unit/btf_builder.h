/* btf_builder.h - test-only: build small raw BTF blobs by hand, record by record.
 *
 * Tests use it to make valid blobs with every kind and then damage one field at
 * a time. It knows each record's start (the oracle for truncation tests). */
#ifndef EBPFMINI_TEST_BTF_BUILDER_H
#define EBPFMINI_TEST_BTF_BUILDER_H

#include <linux/btf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BB_MAX_WORDS 512
#define BB_MAX_RECS 64
#define BB_MAX_STRS 512

struct bb {
	uint32_t w[BB_MAX_WORDS]; /* type section, in 4-byte words */
	size_t nw;
	size_t rec[BB_MAX_RECS + 1]; /* word index where each record starts; rec[id - 1] */
	size_t nrec;
	char s[BB_MAX_STRS]; /* string section */
	size_t slen;
	/* header as it will be written (bb_bytes fills defaults first, see bb_finish) */
	struct btf_header h;
	uint32_t hdr_bytes; /* bytes the header takes in the blob (>= 24) */
	uint32_t hdr_extra; /* word written at byte 24 when hdr_bytes >= 28 */
};

static inline void bb_init(struct bb *b)
{
	memset(b, 0, sizeof(*b));
	b->slen = 1; /* "" at offset 0 */
	b->hdr_bytes = sizeof(struct btf_header);
}

static inline uint32_t bb_str(struct bb *b, const char *str)
{
	uint32_t off = (uint32_t)b->slen;
	size_t n = strlen(str) + 1;

	if (b->slen + n > BB_MAX_STRS)
		abort();
	memcpy(b->s + b->slen, str, n);
	b->slen += n;
	return off;
}

static inline void bb_word(struct bb *b, uint32_t v)
{
	if (b->nw >= BB_MAX_WORDS)
		abort();
	b->w[b->nw++] = v;
}

static inline uint32_t bb_info(unsigned kind, unsigned vlen, unsigned kflag)
{
	return (uint32_t)kflag << 31 | (uint32_t)kind << 24 | vlen;
}

/* Starts a record: name, info, size/type. Returns its type id. Trailers follow with bb_word. */
static inline uint32_t bb_type(struct bb *b, const char *name, unsigned kind, unsigned vlen,
			       unsigned kflag, uint32_t size_or_type)
{
	if (b->nrec >= BB_MAX_RECS)
		abort();
	b->rec[b->nrec++] = b->nw;
	bb_word(b, name ? bb_str(b, name) : 0);
	bb_word(b, bb_info(kind, vlen, kflag));
	bb_word(b, size_or_type);
	return (uint32_t)b->nrec;
}

/* Word k of the record of type id (0: name_off, 1: info, 2: size/type, 3..: trailer). */
static inline uint32_t *bb_at(struct bb *b, uint32_t id, size_t k)
{
	return &b->w[b->rec[id - 1] + k];
}

/* Sets the header fields to describe the layout: header, types, strings. */
static inline void bb_finish(struct bb *b)
{
	b->h.magic = BTF_MAGIC;
	b->h.version = BTF_VERSION;
	b->h.flags = 0;
	b->h.hdr_len = b->hdr_bytes;
	b->h.type_off = 0;
	b->h.type_len = (uint32_t)(b->nw * 4);
	b->h.str_off = (uint32_t)(b->nw * 4);
	b->h.str_len = (uint32_t)b->slen;
}

/* Serializes (header as in b->h, which edits may have made inconsistent). Caller frees. */
static inline uint8_t *bb_bytes(const struct bb *b, size_t *size)
{
	size_t n = b->hdr_bytes + b->nw * 4 + b->slen;
	uint8_t *p = calloc(1, n);

	if (!p)
		abort();
	memcpy(p, &b->h, sizeof(b->h));
	if (b->hdr_bytes >= sizeof(b->h) + 4)
		memcpy(p + sizeof(b->h), &b->hdr_extra, 4);
	memcpy(p + b->hdr_bytes, b->w, b->nw * 4);
	memcpy(p + b->hdr_bytes + b->nw * 4, b->s, b->slen);
	*size = n;
	return p;
}

/*
 * The reference blob: one record of every kind.
 *   1 INT int (4)            2 PTR -> 1              3 ARRAY int[4] (index int)
 *   4 STRUCT s {int a; int *p@64} (16)                5 UNION u {int x; float y} (4)
 *   6 FLOAT float (4)        7 ENUM e {E1=0, E2=1}   8 FWD fwd
 *   9 TYPEDEF td -> 4       10 VOLATILE -> 9        11 CONST -> 10
 *  12 RESTRICT -> 2         13 FUNC_PROTO int(int a, int *b)
 *  14 FUNC f -> 13 (global) 15 VAR v -> 4 (global)  16 DATASEC .data {15 @0, 16}
 *  17 DECL_TAG tag -> 4 member 0                     18 TYPE_TAG user -> 1
 *  19 ENUM64 e64 {BIG = 1 << 32} (8)
 * Extra strings for .BTF.ext tests: "xdp", "file.c", "return 0;", "0:1".
 */
#define BB_REF_TYPES 19

static inline void bb_reference(struct bb *b)
{
	bb_init(b);
	bb_type(b, "int", BTF_KIND_INT, 0, 0, 4);
	bb_word(b, (uint32_t)BTF_INT_SIGNED << 24 | 32);
	bb_type(b, NULL, BTF_KIND_PTR, 0, 0, 1);
	bb_type(b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
	bb_word(b, 1), bb_word(b, 1), bb_word(b, 4);
	bb_type(b, "s", BTF_KIND_STRUCT, 2, 0, 16);
	bb_word(b, bb_str(b, "a")), bb_word(b, 1), bb_word(b, 0);
	bb_word(b, bb_str(b, "p")), bb_word(b, 2), bb_word(b, 64);
	bb_type(b, "u", BTF_KIND_UNION, 2, 0, 4);
	bb_word(b, bb_str(b, "x")), bb_word(b, 1), bb_word(b, 0);
	bb_word(b, bb_str(b, "y")), bb_word(b, 6), bb_word(b, 0);
	bb_type(b, "float", BTF_KIND_FLOAT, 0, 0, 4);
	bb_type(b, "e", BTF_KIND_ENUM, 2, 0, 4);
	bb_word(b, bb_str(b, "E1")), bb_word(b, 0);
	bb_word(b, bb_str(b, "E2")), bb_word(b, 1);
	bb_type(b, "fwd", BTF_KIND_FWD, 0, 0, 0);
	bb_type(b, "td", BTF_KIND_TYPEDEF, 0, 0, 4);
	bb_type(b, NULL, BTF_KIND_VOLATILE, 0, 0, 9);
	bb_type(b, NULL, BTF_KIND_CONST, 0, 0, 10);
	bb_type(b, NULL, BTF_KIND_RESTRICT, 0, 0, 2);
	bb_type(b, NULL, BTF_KIND_FUNC_PROTO, 2, 0, 1);
	bb_word(b, bb_str(b, "pa")), bb_word(b, 1);
	bb_word(b, bb_str(b, "pb")), bb_word(b, 2);
	bb_type(b, "f", BTF_KIND_FUNC, BTF_FUNC_GLOBAL, 0, 13);
	bb_type(b, "v", BTF_KIND_VAR, 0, 0, 4);
	bb_word(b, BTF_VAR_GLOBAL_ALLOCATED);
	bb_type(b, ".data", BTF_KIND_DATASEC, 1, 0, 0);
	bb_word(b, 15), bb_word(b, 0), bb_word(b, 16);
	bb_type(b, "tag", BTF_KIND_DECL_TAG, 0, 0, 4);
	bb_word(b, 0);
	bb_type(b, "user", BTF_KIND_TYPE_TAG, 0, 0, 1);
	bb_type(b, "e64", BTF_KIND_ENUM64, 1, 0, 8);
	bb_word(b, bb_str(b, "BIG")), bb_word(b, 0), bb_word(b, 1);
	bb_str(b, "xdp");
	bb_str(b, "file.c");
	bb_str(b, "return 0;");
	bb_str(b, "0:1");
	bb_finish(b);
}

/* Offset of a string known to be in the blob (aborts when absent). */
static inline uint32_t bb_find_str(const struct bb *b, const char *str)
{
	for (size_t off = 1; off < b->slen; off += strlen(b->s + off) + 1)
		if (strcmp(b->s + off, str) == 0)
			return (uint32_t)off;
	abort();
}

#endif /* EBPFMINI_TEST_BTF_BUILDER_H */
