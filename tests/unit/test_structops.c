/* test_structops.c - struct_ops map values (lib/obj/structops.c) built against hand-made kernel and object BTF, with crafted mismatches */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "btf_builder.h"
#include "log_capture.h"
#include "model.h"
#include "structops.h"

/* INT record: name, byte size. */
static uint32_t bb_int(struct bb *b, const char *name, uint32_t size)
{
	uint32_t id = bb_type(b, name, BTF_KIND_INT, 0, 0, size);

	bb_word(b, size * 8);
	return id;
}

static uint32_t bb_array(struct bb *b, uint32_t elem, uint32_t index, uint32_t n)
{
	uint32_t id = bb_type(b, NULL, BTF_KIND_ARRAY, 0, 0, 0);

	bb_word(b, elem);
	bb_word(b, index);
	bb_word(b, n);
	return id;
}

/* A function pointer type: PTR to FUNC_PROTO returning ret. */
static uint32_t bb_func_ptr(struct bb *b, uint32_t ret)
{
	uint32_t proto = bb_type(b, NULL, BTF_KIND_FUNC_PROTO, 0, 0, ret);

	return bb_type(b, NULL, BTF_KIND_PTR, 0, 0, proto);
}

static void bb_member(struct bb *b, const char *name, uint32_t type, uint32_t bit_off)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, type);
	bb_word(b, bit_off);
}

static struct ebpfmini_btf *parse(struct bb *b)
{
	struct ebpfmini_btf *btf = NULL;
	size_t size;
	uint8_t *raw;

	bb_finish(b);
	raw = bb_bytes(b, &size);
	assert_int_equal(em_btf_parse(raw, size, NULL, &btf), 0);
	free(raw);
	return btf;
}

/*
 * The kernel: struct tcp_congestion_ops { u32 (*ssthresh)(); u32 (*cong_avoid)();
 * u32 flags; char name[16]; } (40 bytes), wrapped in
 * struct bpf_struct_ops_tcp_congestion_ops { int refcnt; int state; ops data; }.
 * With data_name other than "data" the wrapper lacks its ops member.
 */
static struct ebpfmini_btf *kernel_btf(const char *data_name)
{
	struct bb b;
	uint32_t i32, u32, fp, chr, name, ops;

	bb_init(&b);
	i32 = bb_int(&b, "int", 4);
	u32 = bb_int(&b, "unsigned int", 4);
	fp = bb_func_ptr(&b, u32);
	chr = bb_int(&b, "char", 1);
	name = bb_array(&b, chr, i32, 16);
	ops = bb_type(&b, "tcp_congestion_ops", BTF_KIND_STRUCT, 4, 0, 40);
	bb_member(&b, "ssthresh", fp, 0);
	bb_member(&b, "cong_avoid", fp, 64);
	bb_member(&b, "flags", u32, 128);
	bb_member(&b, "name", name, 192);
	bb_type(&b, "bpf_struct_ops_tcp_congestion_ops", BTF_KIND_STRUCT, 3, 0, 48);
	bb_member(&b, "refcnt", i32, 0);
	bb_member(&b, "state", i32, 32);
	bb_member(&b, data_name, ops, 64);
	return parse(&b);
}

/* How the object declares its copy of the ops struct. */
enum variant {
	V_GOOD,        /* cong_avoid, ssthresh, name[16] (another order than the kernel's) */
	V_EXTRA_DATA,  /* plus "extra", an unsigned int the kernel lacks */
	V_EXTRA_FUNC,  /* plus "extra", a function pointer the kernel lacks */
	V_SHORT_NAME,  /* name[8]: another size than the kernel's */
	V_FLAGS_FUNC,  /* flags as a function pointer */
	V_BITFIELD,    /* flags as a bitfield */
};

struct fixture {
	struct em_model model;
	struct ebpfmini_program progs[2];
	struct ebpfmini_map map;
	struct em_st_ops st;
	int st_progs[8];
	uint8_t image[64];
	struct ebpfmini_btf *kbtf;
};

static void object_btf(struct fixture *f, enum variant v)
{
	struct bb b;
	uint32_t u32, fp, chr, name, st, n = v == V_GOOD || v == V_SHORT_NAME ? 3 : 4;
	uint32_t size = v == V_SHORT_NAME ? 24 : n == 4 ? 40 : 32;

	bb_init(&b);
	u32 = bb_int(&b, "unsigned int", 4);
	fp = bb_func_ptr(&b, u32);
	chr = bb_int(&b, "char", 1);
	name = bb_array(&b, chr, u32, v == V_SHORT_NAME ? 8 : 16);
	st = bb_type(&b, "tcp_congestion_ops", BTF_KIND_STRUCT, n, v == V_BITFIELD, size);
	bb_member(&b, "cong_avoid", fp, 0);
	bb_member(&b, "ssthresh", fp, 64);
	bb_member(&b, "name", name, 128);
	if (v == V_EXTRA_DATA)
		bb_member(&b, "extra", u32, 256);
	else if (v == V_EXTRA_FUNC)
		bb_member(&b, "extra", fp, 256);
	else if (v == V_FLAGS_FUNC)
		bb_member(&b, "flags", fp, 256);
	else if (v == V_BITFIELD)
		bb_member(&b, "flags", u32, 3u << 24 | 256); /* 3 bits */
	f->model.btf = parse(&b);
	f->st.type_id = st;
	f->st.type_name = "tcp_congestion_ops";
	f->st.nmembers = (uint16_t)n;
	f->map.data_size = size;
}

static struct fixture *fixture(enum variant v)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	object_btf(f, v);
	f->kbtf = kernel_btf("data");
	f->progs[0].name = "my_cong_avoid";
	f->progs[1].name = "my_ssthresh";
	f->model.progs = f->progs;
	f->model.nprogs = 2;
	for (size_t i = 0; i < 8; i++)
		f->st_progs[i] = -1;
	f->st_progs[0] = 0; /* cong_avoid */
	f->st_progs[1] = 1; /* ssthresh */
	f->st.progs = f->st_progs;
	f->map.obj = &f->model;
	f->map.name = "cc";
	f->map.kind = EM_MAP_STRUCT_OPS;
	f->map.st_ops = &f->st;
	f->map.data = f->image;
	memcpy(f->image + 16, "abc", 4); /* name */
	return f;
}

static void fixture_free(struct fixture *f)
{
	em_btf_free(f->model.btf);
	em_btf_free(f->kbtf);
	free(f);
}

static void test_kern_find(void **state)
{
	struct ebpfmini_btf *k = kernel_btf("data"), *bad = kernel_btf("ops");
	struct em_st_ops_kern kern;

	(void)state;
	assert_int_equal(em_structops_kern_find(k, "cc", "tcp_congestion_ops", &kern), 0);
	assert_int_equal(kern.value_size, 48);
	assert_int_equal(kern.data_off, 8);
	assert_int_equal(kern.value_type_id, em_btf_find(k, "bpf_struct_ops_tcp_congestion_ops",
							 BTF_KIND_STRUCT));
	assert_int_equal(kern.ops_type_id, em_btf_find(k, "tcp_congestion_ops", BTF_KIND_STRUCT));
	log_capture_start(EBPFMINI_LOG_ERROR);
	assert_int_equal(em_structops_kern_find(k, "cc", "sched_ext_ops", &kern), -ENOENT);
	assert_non_null(log_captured("no struct_ops 'sched_ext_ops'"));
	assert_int_equal(em_structops_kern_find(bad, "cc", "tcp_congestion_ops", &kern), -EBADMSG);
	assert_non_null(log_captured("has no member 'data'"));
	log_capture_stop();
	em_btf_free(k);
	em_btf_free(bad);
}

static void test_value(void **state)
{
	struct fixture *f = fixture(V_GOOD);
	struct em_st_ops_kern k;
	uint32_t kmember[3];
	int fds[3] = { 7, 9, -1 };
	uint8_t value[48], want[48] = { 0 };
	uint64_t fd;

	(void)state;
	assert_int_equal(em_structops_kern_find(f->kbtf, "cc", "tcp_congestion_ops", &k), 0);
	/* checks only: the kernel member index of each object member */
	assert_int_equal(em_structops_value(&f->map, f->kbtf, &k, NULL, kmember, NULL), 0);
	assert_int_equal(kmember[0], 1); /* cong_avoid */
	assert_int_equal(kmember[1], 0); /* ssthresh */
	assert_int_equal(kmember[2], 3); /* name */
	memset(value, 0xff, sizeof(value));
	assert_int_equal(em_structops_value(&f->map, f->kbtf, &k, fds, NULL, value), 0);
	fd = 9; /* ssthresh at data + 0 */
	memcpy(want + 8, &fd, 8);
	fd = 7; /* cong_avoid at data + 8 */
	memcpy(want + 16, &fd, 8);
	memcpy(want + 8 + 24, "abc", 4); /* name at data + 24; flags stays 0 */
	assert_memory_equal(value, want, sizeof(want));
	/* a member without a program stays NULL */
	f->st_progs[1] = -1;
	assert_int_equal(em_structops_value(&f->map, f->kbtf, &k, fds, NULL, value), 0);
	memset(want + 8, 0, 8);
	assert_memory_equal(value, want, sizeof(want));
	/* a program that did not load */
	f->st_progs[1] = 1;
	fds[1] = -1;
	log_capture_start(EBPFMINI_LOG_ERROR);
	assert_int_equal(em_structops_value(&f->map, f->kbtf, &k, fds, NULL, value), -EINVAL);
	assert_non_null(log_captured("prog 'my_ssthresh' is not loaded"));
	log_capture_stop();
	fixture_free(f);
}

/* A member the kernel lacks is fine while zero and without program. */
static void test_unknown_member(void **state)
{
	struct fixture *f = fixture(V_EXTRA_DATA);
	struct em_st_ops_kern k;
	uint32_t kmember[4];
	int fds[4] = { 7, 9, -1, -1 };
	uint8_t value[48];

	(void)state;
	assert_int_equal(em_structops_kern_find(f->kbtf, "cc", "tcp_congestion_ops", &k), 0);
	assert_int_equal(em_structops_value(&f->map, f->kbtf, &k, fds, kmember, value), 0);
	assert_int_equal(kmember[3], UINT32_MAX);
	f->image[32] = 1; /* extra = 1 */
	log_capture_start(EBPFMINI_LOG_ERROR);
	assert_int_equal(em_structops_value(&f->map, f->kbtf, &k, fds, NULL, value), -EOPNOTSUPP);
	assert_non_null(log_captured("has no member 'extra', which the object sets to a non-zero"));
	log_capture_stop();
	fixture_free(f);

	f = fixture(V_EXTRA_FUNC);
	f->st_progs[3] = 0;
	log_capture_start(EBPFMINI_LOG_ERROR);
	assert_int_equal(em_structops_value(&f->map, f->kbtf, &k, NULL, NULL, NULL), -EOPNOTSUPP);
	assert_non_null(log_captured("has no member 'extra', which the object sets to a program"));
	log_capture_stop();
	f->st_progs[3] = -1;
	assert_int_equal(em_structops_value(&f->map, f->kbtf, &k, NULL, NULL, NULL), 0);
	fixture_free(f);
}

/* Members that do not match the kernel's: size, kind, bitfield; a value type without ops. */
static void test_mismatch(void **state)
{
	static const struct {
		enum variant v;
		int err;
		const char *log;
	} cases[] = {
		{ V_SHORT_NAME, -EBADMSG, "member 'name' is data of 8 bytes in the object, data of 16" },
		{ V_FLAGS_FUNC, -EBADMSG, "member 'flags' is a function pointer of 8 bytes in the "
					  "object, data of 4" },
		{ V_BITFIELD, -EOPNOTSUPP, "bitfield members are not supported" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fixture *f = fixture(cases[i].v);
		struct em_st_ops_kern k;
		uint8_t value[48];
		int fds[4] = { 7, 9, -1, -1 };

		assert_int_equal(em_structops_kern_find(f->kbtf, "cc", "tcp_congestion_ops", &k), 0);
		log_capture_start(EBPFMINI_LOG_ERROR);
		assert_int_equal(em_structops_value(&f->map, f->kbtf, &k, NULL, NULL, NULL),
				 cases[i].err);
		assert_int_equal(em_structops_value(&f->map, f->kbtf, &k, fds, NULL, value),
				 cases[i].err);
		if (!log_captured(cases[i].log))
			fail_msg("case %zu: no log line with \"%s\"", i, cases[i].log);
		log_capture_stop();
		fixture_free(f);
	}
}

/* Offsets outside the variable's image and kernel ids that are no struct. */
static void test_bounds(void **state)
{
	struct fixture *f = fixture(V_GOOD);
	struct em_st_ops_kern k;

	(void)state;
	assert_int_equal(em_structops_kern_find(f->kbtf, "cc", "tcp_congestion_ops", &k), 0);
	log_capture_start(EBPFMINI_LOG_ERROR);
	f->map.data_size = 20; /* name[16] at 16 does not fit */
	assert_int_equal(em_structops_value(&f->map, f->kbtf, &k, NULL, NULL, NULL), -EBADMSG);
	f->map.data_size = 32;
	k.value_size = 40; /* name at data + 24 .. 40 + 8 does not fit the value */
	assert_int_equal(em_structops_value(&f->map, f->kbtf, &k, NULL, NULL, NULL), -EOPNOTSUPP);
	k.value_size = 48;
	k.ops_type_id = 1; /* "int" */
	assert_int_equal(em_structops_value(&f->map, f->kbtf, &k, NULL, NULL, NULL), -EBADMSG);
	k.ops_type_id = 999;
	assert_int_equal(em_structops_value(&f->map, f->kbtf, &k, NULL, NULL, NULL), -EBADMSG);
	log_capture_stop();
	assert_int_equal(em_structops_value(NULL, f->kbtf, &k, NULL, NULL, NULL), -EINVAL);
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kern_find),
		cmocka_unit_test(test_value),
		cmocka_unit_test(test_unknown_member),
		cmocka_unit_test(test_mismatch),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
