/* test_btf_dump_hand.c - unit tests of the C header dump (lib/btf_dump*.c) on hand-built BTF:
 * enums of every size and sign, clashing names, type tags, prototypes, split BTF, and
 * adversarial BTF (loops, impossible members, names that are not C) that must end with an
 * error or with C that clang accepts, never loop */
#include "btf_dump_check.h"

/* enums of every size and sign, clashing names, C spellings for non-C integer names */
static void test_c_enums_names(void **state)
{
	struct ebpfmini_btf *btf;
	struct bb b;
	char *h;

	(void)state;
	bb_init(&b);
	bb_type(&b, "int", BTF_KIND_INT, 0, 0, 4); /* 1 */
	bb_word(&b, (uint32_t)BTF_INT_SIGNED << 24 | 32);
	bb_type(&b, "long", BTF_KIND_INT, 0, 0, 8); /* 2 */
	bb_word(&b, (uint32_t)BTF_INT_SIGNED << 24 | 64);
	bb_type(&b, "e64s", BTF_KIND_ENUM64, 3, 1, 8); /* 3 */
	enumerator(&b, "MIN", (uint64_t)INT64_MIN, true);
	enumerator(&b, "NEG1", (uint64_t)-1, true);
	enumerator(&b, "ONE", 1, true);
	bb_type(&b, "e64u", BTF_KIND_ENUM64, 1, 0, 8); /* 4 */
	enumerator(&b, "UMAX", UINT64_MAX, true);
	bb_type(&b, "es", BTF_KIND_ENUM, 2, 1, 4); /* 5 */
	enumerator(&b, "S_NEG", (uint32_t)-5, false);
	enumerator(&b, "S_POS", 5, false);
	bb_type(&b, "eb", BTF_KIND_ENUM, 2, 0, 1); /* 6 */
	enumerator(&b, "EB0", 0, false);
	enumerator(&b, "EB3", 3, false);
	bb_type(&b, "e64small", BTF_KIND_ENUM64, 1, 0, 8); /* 7 */
	enumerator(&b, "SMALL", 7, true);
	bb_type(&b, NULL, BTF_KIND_ENUM, 0, 0, 2);    /* 8: empty */
	bb_type(&b, "dup", BTF_KIND_STRUCT, 1, 0, 4); /* 9 */
	member(&b, "a", 1, 0);
	bb_type(&b, "dup", BTF_KIND_STRUCT, 1, 0, 8); /* 10 */
	member(&b, "b", 2, 0);
	bb_type(&b, "dup", BTF_KIND_FWD, 0, 0, 0);       /* 11 */
	bb_type(&b, "dup", BTF_KIND_FWD, 0, 1, 0);       /* 12: union */
	bb_type(&b, "dup_t", BTF_KIND_TYPEDEF, 0, 0, 1); /* 13 */
	bb_type(&b, "dup_t", BTF_KIND_TYPEDEF, 0, 0, 2); /* 14 */
	bb_type(&b, "en", BTF_KIND_ENUM, 1, 0, 4);       /* 15 */
	enumerator(&b, "dup_t", 1, false);
	bb_type(&b, "__builtin_va_list", BTF_KIND_TYPEDEF, 0, 0, 1); /* 16 */
	bb_type(&b, "ssizetype", BTF_KIND_INT, 0, 0, 8);             /* 17 */
	bb_word(&b, (uint32_t)BTF_INT_SIGNED << 24 | 64);
	bb_type(&b, "u8", BTF_KIND_INT, 0, 0, 1); /* 18 */
	bb_word(&b, 8);
	bb_type(&b, NULL, BTF_KIND_PTR, 0, 0, 11);          /* 19 */
	bb_type(&b, NULL, BTF_KIND_PTR, 0, 0, 12);          /* 20 */
	bb_type(&b, "holder", BTF_KIND_STRUCT, 15, 0, 104); /* 21 */
	member(&b, "a", 3, 0);
	member(&b, "b", 4, 64);
	member(&b, "c", 5, 128);
	member(&b, "d", 6, 160);
	member(&b, "e", 7, 192);
	member(&b, "f", 8, 256);
	member(&b, "x", 9, 288);
	member(&b, "y", 10, 320);
	member(&b, "z", 13, 384);
	member(&b, "w", 14, 448);
	member(&b, "ss", 17, 512);
	member(&b, "u8", 18, 576);
	member(&b, "p1", 19, 640);
	member(&b, "p2", 20, 704);
	member(&b, "va", 16, 768);
	btf = blob_btf(&b);
	h = dump(btf, EBPFMINI_BTF_DUMP_C);
	assert_true(has_line(h, "\tMIN = (-9223372036854775807LL - 1),"));
	assert_true(has_line(h, "\tNEG1 = -1,"));
	assert_true(has_line(h, "\tUMAX = 18446744073709551615ULL,"));
	assert_true(has_line(h, "\tS_NEG = -5,"));
	assert_true(has_line(h, "} __attribute__((mode(QI)));"));
	assert_true(has_line(h, "} __attribute__((mode(DI)));"));
	assert_true(has_line(h, "\tunsigned short f;"));
	assert_true(has_line(h, "struct dup {"));
	assert_true(has_line(h, "struct dup___2 {"));
	assert_true(has_line(h, "\tstruct dup___2 y;"));
	assert_true(has_line(h, "union dup___3;"));
	assert_true(has_line(h, "\tstruct dup *p1;"));
	assert_true(has_line(h, "\tunion dup___3 *p2;"));
	assert_true(has_line(h, "typedef int dup_t;"));
	assert_true(has_line(h, "typedef long dup_t___2;"));
	assert_true(has_line(h, "\tdup_t___3 = 1,"));
	assert_true(has_line(h, "typedef int __builtin_va_list___2;"));
	assert_true(has_line(h, "\tlong long ss;"));
	assert_true(has_line(h, "\tunsigned char u8;"));
	free(h);
	assert_int_equal(
		roundtrip(btf, "enums", 1,
			  "_Static_assert(MIN < 0 && NEG1 == -1 && ONE == 1, \"e64s\");\n"
			  "_Static_assert(UMAX == 18446744073709551615ULL, \"e64u\");\n"
			  "_Static_assert(S_NEG == -5 && EB3 == 3 && SMALL == 7, \"es\");\n"
			  "_Static_assert(sizeof(enum eb) == 1, \"eb\");\n"
			  "_Static_assert(sizeof(enum e64small) == 8, \"e64small\");\n"
			  "_Static_assert(sizeof(struct dup___2) == 8, \"dup___2\");\n"),
		1);
	ebpfmini_btf_free(btf);
}

/* type tags (escaped, kept only behind pointers), varargs-only prototypes, qualifiers */
static void test_c_tags_protos(void **state)
{
	struct ebpfmini_btf *btf;
	struct bb b;
	char *h;

	(void)state;
	bb_init(&b);
	bb_type(&b, "int", BTF_KIND_INT, 0, 0, 4); /* 1 */
	bb_word(&b, (uint32_t)BTF_INT_SIGNED << 24 | 32);
	bb_type(&b, "user", BTF_KIND_TYPE_TAG, 0, 0, 1);      /* 2 */
	bb_type(&b, NULL, BTF_KIND_PTR, 0, 0, 2);             /* 3 */
	bb_type(&b, "we\"ird\\", BTF_KIND_TYPE_TAG, 0, 0, 1); /* 4 */
	bb_type(&b, NULL, BTF_KIND_PTR, 0, 0, 4);             /* 5 */
	bb_type(&b, NULL, BTF_KIND_FUNC_PROTO, 1, 0, 1);      /* 6: int (...) */
	bb_word(&b, 0), bb_word(&b, 0);
	bb_type(&b, NULL, BTF_KIND_PTR, 0, 0, 6);           /* 7 */
	bb_type(&b, "dropped", BTF_KIND_TYPE_TAG, 0, 0, 1); /* 8 */
	bb_type(&b, NULL, BTF_KIND_CONST, 0, 0, 3);         /* 9 */
	bb_type(&b, NULL, BTF_KIND_RESTRICT, 0, 0, 1);      /* 10 */
	bb_type(&b, "tags", BTF_KIND_STRUCT, 6, 0, 48);     /* 11 */
	member(&b, "p1", 3, 0);
	member(&b, "p2", 5, 64);
	member(&b, "f", 7, 128);
	member(&b, "t", 8, 192);
	member(&b, "cp", 9, 256);
	member(&b, "r", 10, 320);
	btf = blob_btf(&b);
	h = dump(btf, EBPFMINI_BTF_DUMP_C);
	assert_true(has_line(h, "\tint __attribute__((btf_type_tag(\"user\"))) *p1;"));
	assert_true(has_line(h, "\tint __attribute__((btf_type_tag(\"we\\042ird\\134\"))) *p2;"));
	assert_true(has_line(h, "\tint (*f)();"));
	assert_true(has_line(h, "\tint t;"));
	assert_true(has_line(h, "\tint __attribute__((btf_type_tag(\"user\"))) *const cp;"));
	assert_true(has_line(h, "\tint r;"));
	free(h);
	assert_int_equal(roundtrip(btf, "tags", 1, NULL), 1);
	ebpfmini_btf_free(btf);
}

/* A split BTF (a kernel module's) lists its own types; its header holds what they need. */
static void test_split(void **state)
{
	struct ebpfmini_btf *base, *split = NULL;
	uint32_t boff;
	struct bb b;
	uint8_t *raw;
	size_t size;
	char *text;

	(void)state;
	bb_reference(&b);
	base = blob_btf(&b);
	boff = base->str_len;
	bb_init(&b);
	bb_type(&b, "split_s", BTF_KIND_STRUCT, 2, 0, 24); /* 20 */
	member(&b, "a", 1, 0);
	member(&b, "inner", 4, 64);
	bb_type(&b, NULL, BTF_KIND_PTR, 0, 0, 20);          /* 21 */
	bb_type(&b, "split_t", BTF_KIND_TYPEDEF, 0, 0, 21); /* 22 */
	/* split string offsets continue after the base's */
	*bb_at(&b, 1, 0) += boff;
	*bb_at(&b, 1, 3) += boff;
	*bb_at(&b, 1, 6) += boff;
	*bb_at(&b, 3, 0) += boff;
	bb_finish(&b);
	raw = bb_bytes(&b, &size);
	assert_int_equal(em_btf_parse(raw, size, base, &split), 0);
	free(raw);

	text = dump(split, EBPFMINI_BTF_DUMP_RAW);
	assert_memory_equal(text, "[20] STRUCT 'split_s' size=24 vlen=2\n", 37);
	assert_true(has_line(text, "\t'inner' type_id=4 bits_offset=64"));
	assert_true(has_line(text, "[21] PTR '(anon)' type_id=20"));
	assert_true(has_line(text, "[22] TYPEDEF 'split_t' type_id=21"));
	assert_null(strstr(text, "[1] "));
	free(text);

	text = dump(split, EBPFMINI_BTF_DUMP_C);
	assert_non_null(strstr(text, "struct s {"));
	assert_true(strstr(text, "struct s {") < strstr(text, "struct split_s {"));
	assert_true(has_line(text, "typedef struct split_s *split_t;"));
	assert_null(strstr(text, "union u")); /* in the base, but not needed */
	free(text);
	compile_header(split, "split");
	em_btf_free(split);
	ebpfmini_btf_free(base);
}

/* ---- adversarial BTF: parse accepts it, the C dump must end (with an error or C) ----------- */

struct bad_case {
	const char *what;
	void (*build)(struct bb *b);
	int err; /* 0: valid C expected */
};

static void int_type(struct bb *b)
{
	bb_type(b, "int", BTF_KIND_INT, 0, 0, 4);
	bb_word(b, (uint32_t)BTF_INT_SIGNED << 24 | 32);
}

static void bad_self_member(struct bb *b)
{
	int_type(b);
	bb_type(b, "s", BTF_KIND_STRUCT, 1, 0, 4);
	member(b, "x", 2, 0);
}

static void bad_typedef_member(struct bb *b)
{
	int_type(b);
	bb_type(b, "s", BTF_KIND_STRUCT, 1, 0, 4);
	member(b, "x", 3, 0);
	bb_type(b, "T", BTF_KIND_TYPEDEF, 0, 0, 2);
}

static void bad_typedef_loop(struct bb *b)
{
	bb_type(b, "A", BTF_KIND_TYPEDEF, 0, 0, 2);
	bb_type(b, "B", BTF_KIND_TYPEDEF, 0, 0, 1);
}

static void bad_ptr_loop(struct bb *b)
{
	bb_type(b, NULL, BTF_KIND_PTR, 0, 0, 1);
	bb_type(b, "T", BTF_KIND_TYPEDEF, 0, 0, 1);
}

static void bad_const_loop(struct bb *b)
{
	bb_type(b, NULL, BTF_KIND_CONST, 0, 0, 1);
	bb_type(b, "T", BTF_KIND_TYPEDEF, 0, 0, 1);
}

static void bad_array_loop(struct bb *b)
{
	int_type(b);
	bb_type(b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
	bb_word(b, 2), bb_word(b, 1), bb_word(b, 2);
	bb_type(b, "T", BTF_KIND_TYPEDEF, 0, 0, 2);
}

static void bad_anon_self_ptr(struct bb *b)
{
	int_type(b);
	bb_type(b, NULL, BTF_KIND_STRUCT, 1, 0, 8);
	member(b, "p", 3, 0);
	bb_type(b, NULL, BTF_KIND_PTR, 0, 0, 2);
	bb_type(b, "T", BTF_KIND_TYPEDEF, 0, 0, 2);
}

static void bad_proto_loop(struct bb *b)
{
	bb_type(b, NULL, BTF_KIND_FUNC_PROTO, 1, 0, 0);
	bb_word(b, 0), bb_word(b, 2);
	bb_type(b, NULL, BTF_KIND_PTR, 0, 0, 1);
	bb_type(b, "T", BTF_KIND_TYPEDEF, 0, 0, 2);
}

static void bad_func_member(struct bb *b)
{
	int_type(b);
	bb_type(b, NULL, BTF_KIND_FUNC_PROTO, 0, 0, 1);
	bb_type(b, "f", BTF_KIND_FUNC, 0, 0, 2);
	bb_type(b, "s", BTF_KIND_STRUCT, 1, 0, 4);
	member(b, "x", 3, 0);
}

static void bad_fwd_member(struct bb *b)
{
	bb_type(b, "f", BTF_KIND_FWD, 0, 0, 0);
	bb_type(b, "s", BTF_KIND_STRUCT, 1, 0, 4);
	member(b, "x", 1, 0);
}

static void bad_void_member(struct bb *b)
{
	bb_type(b, "s", BTF_KIND_STRUCT, 1, 0, 4);
	member(b, "x", 0, 0);
}

static void bad_struct_name(struct bb *b)
{
	int_type(b);
	bb_type(b, "bad name", BTF_KIND_STRUCT, 1, 0, 4);
	member(b, "x", 1, 0);
}

static void bad_member_keyword(struct bb *b)
{
	int_type(b);
	bb_type(b, "s", BTF_KIND_STRUCT, 1, 0, 4);
	member(b, "int", 1, 0);
}

static void bad_injection(struct bb *b)
{
	int_type(b);
	bb_type(b, "x;\n#include </etc/passwd>\n", BTF_KIND_TYPEDEF, 0, 0, 1);
}

static void bad_wide_bitfield(struct bb *b)
{
	int_type(b);
	bb_type(b, "s", BTF_KIND_STRUCT, 1, 1, 8);
	member(b, "x", 1, 40u << 24);
}

static void bad_deep_pointers(struct bb *b)
{
	int_type(b);
	for (uint32_t id = 2; id <= 41; id++)
		bb_type(b, NULL, BTF_KIND_PTR, 0, 0, id - 1);
	bb_type(b, "T", BTF_KIND_TYPEDEF, 0, 0, 41);
}

static void bad_void_param(struct bb *b)
{
	int_type(b);
	bb_type(b, NULL, BTF_KIND_FUNC_PROTO, 2, 0, 1);
	bb_word(b, 0), bb_word(b, 0), bb_word(b, 0), bb_word(b, 1);
	bb_type(b, "T", BTF_KIND_TYPEDEF, 0, 0, 2);
}

static void odd_overlap(struct bb *b)
{
	int_type(b);
	bb_type(b, "s", BTF_KIND_STRUCT, 2, 0, 8);
	member(b, "a", 1, 32);
	member(b, "b", 1, 0);
}

static void odd_union_offset(struct bb *b)
{
	int_type(b);
	bb_type(b, "u", BTF_KIND_UNION, 1, 0, 8);
	member(b, "a", 1, 32);
}

static void odd_unnamed_member(struct bb *b)
{
	int_type(b);
	bb_type(b, "s", BTF_KIND_STRUCT, 2, 0, 8);
	member(b, NULL, 1, 0);
	member(b, "b", 1, 32);
}

static const struct bad_case bad_cases[] = {
	{ "struct member of its own type", bad_self_member, -ELOOP },
	{ "struct member of a typedef of it", bad_typedef_member, -ELOOP },
	{ "typedefs of each other", bad_typedef_loop, -ELOOP },
	{ "pointer to itself", bad_ptr_loop, -ELOOP },
	{ "const of itself", bad_const_loop, -ELOOP },
	{ "array of itself", bad_array_loop, -ELOOP },
	{ "anonymous struct pointing to itself", bad_anon_self_ptr, -ELOOP },
	{ "prototype taking a pointer to itself", bad_proto_loop, -ELOOP },
	{ "member of FUNC type", bad_func_member, -EBADMSG },
	{ "member of a forward-declared type", bad_fwd_member, -EBADMSG },
	{ "member of void type", bad_void_member, -EBADMSG },
	{ "struct name with a space", bad_struct_name, -EBADMSG },
	{ "member named int", bad_member_keyword, -EBADMSG },
	{ "typedef name holding a #include", bad_injection, -EBADMSG },
	{ "bitfield wider than int", bad_wide_bitfield, -EBADMSG },
	{ "40 pointers deep", bad_deep_pointers, -ELOOP },
	{ "void parameter before another", bad_void_param, -EBADMSG },
	{ "overlapping members", odd_overlap, 0 },
	{ "union member at an offset", odd_union_offset, 0 },
	{ "unnamed int member", odd_unnamed_member, 0 },
};

static void test_adversarial(void **state)
{
	(void)state;
	for (size_t i = 0; i < EM_ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct ebpfmini_btf *btf;
		struct text t = { 0 };
		struct bb b;
		char *raw;
		int err;

		print_message("%s\n", c->what);
		bb_init(&b);
		c->build(&b);
		btf = blob_btf(&b);
		logcap.count = 0;
		err = ebpfmini_btf_dump(btf, EBPFMINI_BTF_DUMP_C, text_write, &t);
		assert_int_equal(err, c->err);
		if (c->err) {
			/* said once, with the subject and the type */
			assert_int_equal(logcap.count, 1);
			assert_memory_equal(logcap.last, "btf: dump: type [", 17);
			assert_true(!t.p || !strstr(t.p, "#include </etc/passwd>"));
		} else {
			char tag[32];

			snprintf(tag, sizeof(tag), "odd%zu", i);
			compile_header(btf, tag);
		}
		free(t.p);
		/* the raw listing has no such limits */
		raw = dump(btf, EBPFMINI_BTF_DUMP_RAW);
		assert_memory_equal(raw, "[1] ", 4);
		free(raw);
		ebpfmini_btf_free(btf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_c_enums_names),
		cmocka_unit_test(test_c_tags_protos),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_adversarial),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
