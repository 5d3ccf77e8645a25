/* test_btf.c - unit tests of lib/btf.c on clang-built BTF: types, queries, DATASEC fix-ups
 * (damaged and hand-built BTF: test_btf_damage.c) */
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

static struct ebpfmini_btf *parse_sample(void)
{
	struct ebpfmini_btf *btf = NULL;

	assert_int_equal(em_btf_parse(sample_btf, sample_btf_size, NULL, &btf), 0);
	assert_non_null(btf);
	return btf;
}

/* Record length by kind, written independently of btf.c (the oracle). */
static size_t oracle_rec_len(const struct btf_type *t)
{
	size_t vlen = BTF_INFO_VLEN(t->info), n = sizeof(*t);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return n + 4;
	case BTF_KIND_ARRAY:
		return n + 12;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_DATASEC:
	case BTF_KIND_ENUM64:
		return n + 12 * vlen;
	case BTF_KIND_ENUM:
	case BTF_KIND_FUNC_PROTO:
		return n + 8 * vlen;
	default:
		return n;
	}
}

static void test_sample_counts(void **state)
{
	struct ebpfmini_btf *btf = parse_sample();
	const uint8_t *types = (const uint8_t *)sample_btf + btf->hdr_len + btf->type_off;
	uint32_t n = 0;
	size_t pos = 0;

	(void)state;
	while (pos < btf->type_len) {
		const struct btf_type *t = (const void *)(types + pos);

		n++;
		assert_ptr_equal(em_btf_type(btf, n),
				 btf->raw + btf->hdr_len + btf->type_off + pos);
		pos += oracle_rec_len(t);
	}
	assert_int_equal(pos, btf->type_len);
	assert_true(n > 40);
	assert_int_equal(btf->nr_types, n);
	assert_int_equal(ebpfmini_btf_type_count(btf), n);
	assert_int_equal(em_btf_type_end(btf), n + 1);
	assert_null(em_btf_type(btf, 0));
	assert_null(em_btf_type(btf, n + 1));
	assert_string_equal(em_btf_str(btf, 0), "");
	assert_null(em_btf_str(btf, btf->str_len));
	em_btf_free(btf);
}

static const struct btf_member *member(const struct ebpfmini_btf *btf, uint32_t id,
				       const char *name)
{
	const struct btf_type *t = em_btf_type(btf, id);
	const struct btf_member *m = em_btf_tail(t);

	for (uint32_t i = 0; i < em_btf_vlen(t); i++)
		if (strcmp(em_btf_str(btf, m[i].name_off), name) == 0)
			return &m[i];
	fail_msg("member %s not found", name);
	return NULL;
}

static uint32_t size_of(const struct ebpfmini_btf *btf, uint32_t id)
{
	uint32_t size = 0;

	assert_int_equal(em_btf_resolve_size(btf, id, &size), 0);
	return size;
}

static void test_sample_struct(void **state)
{
	static const struct {
		const char *name;
		uint32_t bit_off, size;
	} want[] = {
		{ "count", 0, 8 },   { "bits", 64, 16 },  { "u", 192, 4 },    { "color", 224, 4 },
		{ "grid", 256, 48 }, { "name", 640, 16 }, { "next", 768, 8 }, { "cv", 832, 4 },
		{ "cb", 896, 8 },    { "total", 960, 8 },
	};
	struct ebpfmini_btf *btf = parse_sample();
	int id = em_btf_find(btf, "sample_value", BTF_KIND_STRUCT);
	const struct btf_type *t, *rt;
	const struct btf_member *m;
	int rid;

	(void)state;
	assert_true(id > 0);
	assert_int_equal(em_btf_find(btf, "sample_value", -1), id);
	assert_int_equal(em_btf_find(btf, "sample_value", BTF_KIND_UNION), -ENOENT);
	assert_int_equal(em_btf_find(btf, "no_such_type", -1), -ENOENT);
	t = em_btf_type(btf, id);
	assert_int_equal(t->size, 128);
	assert_int_equal(size_of(btf, id), 128);
	assert_int_equal(em_btf_vlen(t), EM_ARRAY_SIZE(want));
	m = em_btf_tail(t);
	for (size_t i = 0; i < EM_ARRAY_SIZE(want); i++) {
		assert_string_equal(em_btf_str(btf, m[i].name_off), want[i].name);
		assert_int_equal(m[i].offset, want[i].bit_off); /* no bitfields: kflag 0 */
		assert_int_equal(size_of(btf, m[i].type), want[i].size);
	}
	assert_false(em_btf_kflag(t));

	/* grid: int[4][3] */
	rt = em_btf_type(btf, member(btf, id, "grid")->type);
	assert_int_equal(em_btf_kind(rt), BTF_KIND_ARRAY);
	assert_int_equal(((const struct btf_array *)em_btf_tail(rt))->nelems, 4);
	rt = em_btf_type(btf, ((const struct btf_array *)em_btf_tail(rt))->type);
	assert_int_equal(em_btf_kind(rt), BTF_KIND_ARRAY);
	assert_int_equal(((const struct btf_array *)em_btf_tail(rt))->nelems, 3);

	/* total: typedef of a typedef of unsigned long long */
	rt = em_btf_type(btf, member(btf, id, "total")->type);
	assert_int_equal(em_btf_kind(rt), BTF_KIND_TYPEDEF);
	assert_string_equal(em_btf_type_name(btf, rt), "sample_u64_alias");
	rid = em_btf_skip_mods(btf, member(btf, id, "total")->type);
	assert_true(rid > 0);
	assert_int_equal(em_btf_kind(em_btf_type(btf, rid)), BTF_KIND_INT);
	assert_string_equal(ebpfmini_btf_type_name(btf, rid), "unsigned long long");

	/* cv: const volatile int */
	rt = em_btf_type(btf, member(btf, id, "cv")->type);
	assert_true(em_btf_kind(rt) == BTF_KIND_CONST || em_btf_kind(rt) == BTF_KIND_VOLATILE);
	rid = em_btf_skip_mods(btf, member(btf, id, "cv")->type);
	assert_string_equal(ebpfmini_btf_type_name(btf, rid), "int");

	/* next: pointer to struct sample_key (8 bytes) */
	rt = em_btf_type(btf, member(btf, id, "next")->type);
	assert_int_equal(em_btf_kind(rt), BTF_KIND_PTR);
	assert_int_equal(rt->type, em_btf_find(btf, "sample_key", BTF_KIND_STRUCT));
	assert_int_equal(ebpfmini_btf_type_size(btf, rt->type), 8);

	/* cb: int (*)(int, char) */
	rt = em_btf_type(btf, member(btf, id, "cb")->type);
	assert_int_equal(em_btf_kind(rt), BTF_KIND_PTR);
	rt = em_btf_type(btf, rt->type);
	assert_int_equal(em_btf_kind(rt), BTF_KIND_FUNC_PROTO);
	assert_int_equal(em_btf_vlen(rt), 2);
	assert_string_equal(ebpfmini_btf_type_name(btf, rt->type), "int");
	assert_string_equal(
		ebpfmini_btf_type_name(btf, ((const struct btf_param *)em_btf_tail(rt))[1].type),
		"char");

	/* color: enum with three values */
	rt = em_btf_type(btf, member(btf, id, "color")->type);
	assert_int_equal(em_btf_kind(rt), BTF_KIND_ENUM);
	assert_int_equal(em_btf_vlen(rt), 3);
	assert_string_equal(em_btf_str(btf, ((const struct btf_enum *)em_btf_tail(rt))[2].name_off),
			    "SAMPLE_BLUE");
	assert_int_equal(((const struct btf_enum *)em_btf_tail(rt))[2].val, 4);

	/* u: union of int, float, char[4] */
	rt = em_btf_type(btf, member(btf, id, "u")->type);
	assert_int_equal(em_btf_kind(rt), BTF_KIND_UNION);
	assert_int_equal(em_btf_vlen(rt), 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(((const struct btf_member *)em_btf_tail(rt))[i].offset, 0);
	id = em_btf_find(btf, "sample_union", BTF_KIND_UNION);
	assert_int_equal(ebpfmini_btf_type_kind(btf, member(btf, id, "f")->type), BTF_KIND_FLOAT);
	em_btf_free(btf);
}

static void test_sample_bitfields_funcs_tags(void **state)
{
	struct ebpfmini_btf *btf = parse_sample();
	int id = em_btf_find(btf, "sample_bits", BTF_KIND_STRUCT);
	const struct btf_type *t;
	const struct btf_member *m;

	(void)state;
	assert_true(id > 0);
	t = em_btf_type(btf, id);
	assert_true(em_btf_kflag(t));
	assert_int_equal(t->size, 16);
	m = member(btf, id, "a");
	assert_int_equal(BTF_MEMBER_BITFIELD_SIZE(m->offset), 3);
	assert_int_equal(BTF_MEMBER_BIT_OFFSET(m->offset), 0);
	m = member(btf, id, "b");
	assert_int_equal(BTF_MEMBER_BITFIELD_SIZE(m->offset), 5);
	assert_int_equal(BTF_MEMBER_BIT_OFFSET(m->offset), 3);
	m = member(btf, id, "c");
	assert_int_equal(BTF_MEMBER_BITFIELD_SIZE(m->offset), 7);
	assert_int_equal(BTF_MEMBER_BIT_OFFSET(m->offset), 8);
	m = member(btf, id, "d");
	assert_int_equal(BTF_MEMBER_BITFIELD_SIZE(m->offset), 0);
	assert_int_equal(BTF_MEMBER_BIT_OFFSET(m->offset), 64);

	/* functions: the program is global, the subprogram static */
	id = em_btf_find(btf, "sample_prog", BTF_KIND_FUNC);
	assert_true(id > 0);
	t = em_btf_type(btf, id);
	assert_int_equal(em_btf_vlen(t), BTF_FUNC_GLOBAL);
	t = em_btf_type(btf, t->type);
	assert_int_equal(em_btf_kind(t), BTF_KIND_FUNC_PROTO);
	assert_int_equal(em_btf_vlen(t), 1);
	assert_string_equal(em_btf_str(btf, ((const struct btf_param *)em_btf_tail(t))[0].name_off),
			    "ctx");
	id = em_btf_find(btf, "sample_helper", BTF_KIND_FUNC);
	assert_true(id > 0);
	assert_int_equal(em_btf_vlen(em_btf_type(btf, id)), BTF_FUNC_STATIC);
	assert_int_equal(ebpfmini_btf_type_size(btf, id), -EINVAL);

	/* tags */
	id = em_btf_find(btf, "member_tag", BTF_KIND_DECL_TAG);
	assert_true(id > 0);
	t = em_btf_type(btf, id);
	assert_int_equal(t->type, em_btf_find(btf, "sample_tagged", BTF_KIND_STRUCT));
	assert_int_equal(((const struct btf_decl_tag *)em_btf_tail(t))->component_idx, 0);
	id = em_btf_find(btf, "user", BTF_KIND_TYPE_TAG);
	assert_true(id > 0);
	t = em_btf_type(
		btf, member(btf, em_btf_find(btf, "sample_tagged", BTF_KIND_STRUCT), "uptr")->type);
	assert_int_equal(em_btf_kind(t), BTF_KIND_PTR);
	assert_int_equal(t->type, id);
	assert_int_equal(em_btf_skip_mods(btf, t->type), em_btf_find(btf, "int", BTF_KIND_INT));
	em_btf_free(btf);
}

/* The map definition reads the way a loader reads it: __uint as a pointer to an array. */
static void test_sample_map_def(void **state)
{
	struct ebpfmini_btf *btf = parse_sample();
	int sec = em_btf_find(btf, ".maps", BTF_KIND_DATASEC);
	const struct btf_var_secinfo *v;
	const struct btf_type *var, *def, *t;

	(void)state;
	assert_true(sec > 0);
	assert_int_equal(em_btf_vlen(em_btf_type(btf, sec)), 1);
	v = em_btf_tail(em_btf_type(btf, sec));
	var = em_btf_type(btf, v->type);
	assert_int_equal(em_btf_kind(var), BTF_KIND_VAR);
	assert_string_equal(em_btf_type_name(btf, var), "sample_map");
	def = em_btf_type(btf, var->type);
	assert_int_equal(em_btf_kind(def), BTF_KIND_STRUCT);
	assert_string_equal(em_btf_type_name(btf, def), "");
	assert_int_equal(em_btf_vlen(def), 4);

	t = em_btf_type(btf, member(btf, var->type, "type")->type);
	assert_int_equal(em_btf_kind(t), BTF_KIND_PTR);
	t = em_btf_type(btf, t->type);
	assert_int_equal(em_btf_kind(t), BTF_KIND_ARRAY);
	assert_int_equal(((const struct btf_array *)em_btf_tail(t))->nelems, 1);
	t = em_btf_type(btf, em_btf_type(btf, member(btf, var->type, "max_entries")->type)->type);
	assert_int_equal(((const struct btf_array *)em_btf_tail(t))->nelems, 128);
	t = em_btf_type(btf, member(btf, var->type, "key")->type);
	assert_int_equal(em_btf_kind(t), BTF_KIND_PTR);
	assert_string_equal(ebpfmini_btf_type_name(btf, t->type), "sample_key");
	assert_int_equal(ebpfmini_btf_type_size(btf, t->type), 8);
	t = em_btf_type(btf, member(btf, var->type, "value")->type);
	assert_int_equal(ebpfmini_btf_type_size(btf, t->type), 128);
	em_btf_free(btf);
}

/* ---- DATASEC fix-ups ------------------------------------------------------------- */

struct fake_sym {
	const char *sec, *sym;
	uint32_t off;
};

struct fake_layout {
	const struct fake_sym *syms;
	size_t nsyms;
	const char *missing_sec; /* section_size says -ENOENT for this one */
	int calls;
};

/* A scripted layout, with .data in reverse declaration order to exercise the sort. */
static const struct fake_sym fake_syms[] = {
	{ ".data", "data_static", 0 }, { ".data", "data_c", 4 },    { ".data", "data_b", 8 },
	{ ".data", "data_a", 16 },     { ".bss", "bss_tagged", 0 }, { ".bss", "bss_val", 16 },
	{ ".bss", "bss_a", 144 },      { ".rodata", "ro_b", 0 },    { ".rodata", "ro_a", 8 },
	{ ".maps", "sample_map", 0 },  { "license", "LICENSE", 0 },
};
static const struct {
	const char *sec;
	uint32_t size;
} fake_secs[] = {
	{ ".data", 24 }, { ".bss", 152 }, { ".rodata", 16 }, { ".maps", 32 }, { "license", 4 }
};

static int fake_section_size(void *ctx, const char *sec, uint32_t *size)
{
	struct fake_layout *l = ctx;

	l->calls++;
	if (l->missing_sec && strcmp(sec, l->missing_sec) == 0)
		return -ENOENT;
	for (size_t i = 0; i < EM_ARRAY_SIZE(fake_secs); i++)
		if (strcmp(fake_secs[i].sec, sec) == 0) {
			*size = fake_secs[i].size;
			return 0;
		}
	return -ENOENT;
}

static int fake_symbol_offset(void *ctx, const char *sec, const char *sym, uint32_t *off)
{
	struct fake_layout *l = ctx;

	l->calls++;
	for (size_t i = 0; i < l->nsyms; i++)
		if (strcmp(l->syms[i].sec, sec) == 0 && strcmp(l->syms[i].sym, sym) == 0) {
			*off = l->syms[i].off;
			return 0;
		}
	return -ENOENT;
}

static const struct btf_var_secinfo *datasec(const struct ebpfmini_btf *btf, const char *name,
					     uint32_t *size, uint32_t *vlen)
{
	int id = em_btf_find(btf, name, BTF_KIND_DATASEC);
	const struct btf_type *t;

	assert_true(id > 0);
	t = em_btf_type(btf, id);
	*size = t->size;
	*vlen = em_btf_vlen(t);
	return em_btf_tail(t);
}

static void test_fixup_fake_ops(void **state)
{
	static const char *const data_order[] = { "data_static", "data_c", "data_b", "data_a" };
	struct fake_layout l = { fake_syms, EM_ARRAY_SIZE(fake_syms), NULL, 0 };
	struct em_btf_fixup_ops ops = { &l, fake_section_size, fake_symbol_offset };
	struct ebpfmini_btf *btf = parse_sample(), *again;
	const struct btf_var_secinfo *v;
	uint32_t size, vlen;
	uint8_t *copy;
	size_t raw_size;
	const void *raw;

	(void)state;
	v = datasec(btf, ".data", &size, &vlen);
	assert_int_equal(size, 0); /* as clang leaves it */
	assert_int_equal(vlen, 4);

	assert_int_equal(em_btf_fixup_datasecs(btf, &ops), 0);
	assert_true(l.calls > 0);
	v = datasec(btf, ".data", &size, &vlen);
	assert_int_equal(size, 24);
	for (uint32_t i = 0; i < vlen; i++) {
		assert_string_equal(ebpfmini_btf_type_name(btf, v[i].type), data_order[i]);
		assert_int_equal(v[i].offset, fake_syms[i].off);
	}
	/* the static variable keeps its linkage */
	assert_int_equal(
		((const struct btf_var *)em_btf_tail(em_btf_type(btf, v[0].type)))->linkage,
		BTF_VAR_STATIC);
	v = datasec(btf, ".bss", &size, &vlen);
	assert_int_equal(size, 152);
	assert_int_equal(vlen, 3);
	assert_string_equal(ebpfmini_btf_type_name(btf, v[0].type), "bss_tagged");
	assert_int_equal(v[2].offset, 144);
	assert_int_equal(v[2].size, 4);
	v = datasec(btf, ".rodata", &size, &vlen);
	assert_int_equal(size, 16);
	assert_string_equal(ebpfmini_btf_type_name(btf, v[0].type), "ro_b");

	/* the raw bytes carry the fix-ups, still parse, and a second run changes nothing */
	raw = ebpfmini_btf_raw(btf, &raw_size);
	assert_ptr_equal(raw, btf->raw);
	assert_int_equal(em_btf_parse(raw, raw_size, NULL, &again), 0);
	v = datasec(again, ".data", &size, &vlen);
	assert_int_equal(size, 24);
	em_btf_free(again);
	copy = malloc(raw_size);
	memcpy(copy, raw, raw_size);
	assert_int_equal(em_btf_fixup_datasecs(btf, &ops), 0);
	assert_memory_equal(copy, btf->raw, raw_size);
	free(copy);
	assert_int_equal(em_btf_fixup_datasecs(btf, NULL), -EINVAL);
	em_btf_free(btf);
}

static void test_fixup_errors(void **state)
{
	struct fake_sym bad_syms[EM_ARRAY_SIZE(fake_syms)];
	struct fake_layout l = { fake_syms, EM_ARRAY_SIZE(fake_syms), ".bss", 0 };
	struct em_btf_fixup_ops ops = { &l, fake_section_size, fake_symbol_offset };
	struct ebpfmini_btf *btf;

	(void)state;
	/* no ELF section for a DATASEC */
	btf = parse_sample();
	log_capture_reset();
	assert_int_equal(em_btf_fixup_datasecs(btf, &ops), -ENOENT);
	assert_int_equal(logcap.count, 1);
	assert_non_null(strstr(logcap.last, "btf: DATASEC '.bss'"));
	em_btf_free(btf);

	/* a variable without a symbol */
	btf = parse_sample();
	l.missing_sec = NULL;
	l.nsyms = EM_ARRAY_SIZE(fake_syms) - 1; /* drops LICENSE */
	log_capture_reset();
	assert_int_equal(em_btf_fixup_datasecs(btf, &ops), -ENOENT);
	assert_non_null(strstr(logcap.last, "'LICENSE'"));
	em_btf_free(btf);

	/* a symbol placed past the end of its section */
	btf = parse_sample();
	memcpy(bad_syms, fake_syms, sizeof(bad_syms));
	bad_syms[3].off = 22; /* data_a: 4 bytes at 22 in a 24-byte .data */
	l.syms = bad_syms;
	l.nsyms = EM_ARRAY_SIZE(bad_syms);
	log_capture_reset();
	assert_int_equal(em_btf_fixup_datasecs(btf, &ops), -EBADMSG);
	assert_non_null(strstr(logcap.last, "data_a"));
	em_btf_free(btf);
}

/* The same fix-up with the answers a loader would give: real ELF sizes and symbols. */
static int elf_section_size(void *ctx, const char *sec, uint32_t *size)
{
	size_t n;

	if (tobj_section(ctx, sec, NULL, &n) < 0)
		return -ENOENT;
	*size = (uint32_t)n;
	return 0;
}

static int elf_symbol_offset(void *ctx, const char *sec, const char *sym, uint32_t *off)
{
	unsigned long long v;

	if (tobj_symbol(ctx, sec, sym, &v))
		return -ENOENT;
	*off = (uint32_t)v;
	return 0;
}

static void test_fixup_elf_ops(void **state)
{
	struct em_btf_fixup_ops ops = { &sample, elf_section_size, elf_symbol_offset };
	struct ebpfmini_btf *btf = parse_sample();
	int checked = 0;

	(void)state;
	assert_int_equal(em_btf_fixup_datasecs(btf, &ops), 0);
	for (uint32_t id = 1; id < em_btf_type_end(btf); id++) {
		const struct btf_type *t = em_btf_type(btf, id);
		const struct btf_var_secinfo *v = em_btf_tail(t);
		const char *sec = em_btf_type_name(btf, t);
		size_t sec_size;

		if (em_btf_kind(t) != BTF_KIND_DATASEC)
			continue;
		assert_true(tobj_section(&sample, sec, NULL, &sec_size) > 0);
		assert_int_equal(t->size, sec_size);
		for (uint32_t i = 0; i < em_btf_vlen(t); i++) {
			unsigned long long sym;

			assert_int_equal(tobj_symbol(&sample, sec,
						     ebpfmini_btf_type_name(btf, v[i].type), &sym),
					 0);
			assert_int_equal(v[i].offset, sym);
			assert_true(v[i].offset + v[i].size <= t->size);
			if (i)
				assert_true(v[i].offset >= v[i - 1].offset + v[i - 1].size);
			checked++;
		}
	}
	assert_int_equal(checked, 11); /* every global of the sample */
	em_btf_free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_counts),
		cmocka_unit_test(test_sample_struct),
		cmocka_unit_test(test_sample_bitfields_funcs_tags),
		cmocka_unit_test(test_sample_map_def),
		cmocka_unit_test(test_fixup_fake_ops),
		cmocka_unit_test(test_fixup_errors),
		cmocka_unit_test(test_fixup_elf_ops),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
