/* test_btf_dump.c - unit tests of the BTF dumpers (lib/btf_dump*.c) on clang-built BTF: the raw
 * listing line by line; C headers that clang compiles back into the layouts the BTF describes
 * (test objects, and the running kernel's BTF when readable); the API's errors.
 * Hand-built and adversarial BTF: test_btf_dump_hand.c */
#include <time.h>

#include "btf_dump_check.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"

/* ---- raw listing ----------------------------------------------------------------------------- */

static void test_raw_sample(void **state)
{
	struct ebpfmini_btf *btf = obj_btf(BPF_OBJ_DIR "/btf_sample.bpf.o");
	char *raw = dump(btf, EBPFMINI_BTF_DUMP_RAW);
	int i = ebpfmini_btf_find(btf, "int", BTF_KIND_INT);
	int bits = ebpfmini_btf_find(btf, "sample_bits", BTF_KIND_STRUCT);
	int val = ebpfmini_btf_find(btf, "sample_value", BTF_KIND_STRUCT);
	int color = ebpfmini_btf_find(btf, "sample_color", BTF_KIND_ENUM);
	int u64 = ebpfmini_btf_find(btf, "sample_u64", BTF_KIND_TYPEDEF);
	const struct btf_type *vt = em_btf_type(btf, (uint32_t)val);
	const struct btf_member *vm = em_btf_tail(vt);
	const struct btf_type *bt = em_btf_type(btf, (uint32_t)bits);
	const struct btf_member *bm = em_btf_tail(bt);
	const struct btf_type *grid;
	const char *p;
	unsigned lines = 0, ull;

	(void)state;
	assert_true(i > 0 && bits > 0 && val > 0 && color > 0 && u64 > 0);
	ull = bm[3].type; /* unsigned long long d, spelt as the compiler likes */
	assert_line(raw, "[%d] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED", i);
	assert_line(raw, "[%u] INT '%s' size=8 bits_offset=0 nr_bits=64 encoding=(none)", ull,
		    ebpfmini_btf_type_name(btf, ull));
	assert_line(raw, "[%d] TYPEDEF 'sample_u64' type_id=%u", u64, ull);
	/* struct sample_bits: 3 bitfields then d (kflag set by clang) */
	assert_line(raw, "[%d] STRUCT 'sample_bits' size=16 vlen=4", bits);
	assert_line(raw, "\t'a' type_id=%u bits_offset=0 bitfield_size=3", bm[0].type);
	assert_line(raw, "\t'b' type_id=%u bits_offset=3 bitfield_size=5", bm[1].type);
	assert_line(raw, "\t'c' type_id=%d bits_offset=8 bitfield_size=7", i);
	assert_line(raw, "\t'd' type_id=%u bits_offset=64", ull);
	/* members of sample_value: int grid[4][3] at 32 bytes, struct sample_key *next at 96 */
	assert_line(raw, "[%d] STRUCT 'sample_value' size=128 vlen=10", val);
	assert_line(raw, "\t'grid' type_id=%u bits_offset=256", vm[4].type);
	assert_line(raw, "\t'next' type_id=%u bits_offset=768", vm[6].type);
	grid = em_btf_type(btf, vm[4].type);
	assert_int_equal(em_btf_kind(grid), BTF_KIND_ARRAY);
	assert_line(raw, "[%u] ARRAY '(anon)' type_id=%u index_type_id=%u nr_elems=4", vm[4].type,
		    ((const struct btf_array *)em_btf_tail(grid))->type,
		    ((const struct btf_array *)em_btf_tail(grid))->index_type);
	assert_line(raw, "[%u] PTR '(anon)' type_id=%d", vm[6].type,
		    ebpfmini_btf_find(btf, "sample_key", BTF_KIND_STRUCT));
	/* the enum: signedness depends on the clang version, the rest does not */
	p = strstr(raw, "ENUM 'sample_color' encoding=");
	assert_non_null(p);
	assert_non_null(strstr(p, "SIGNED size=4 vlen=3\n\t'SAMPLE_RED' val=1\n\t'SAMPLE_GREEN' "
				  "val=2\n\t'SAMPLE_BLUE' val=4\n"));
	assert_non_null(strstr(raw, "] FUNC 'sample_prog' type_id="));
	assert_non_null(strstr(raw, " linkage=global\n"));
	assert_non_null(strstr(raw, "] DATASEC '.bss' size="));
	assert_non_null(strstr(raw, "] VAR 'bss_a' type_id="));
	assert_non_null(strstr(raw, "] DECL_TAG 'member_tag' type_id="));
	assert_non_null(strstr(raw, "] TYPE_TAG 'user' type_id="));
	/* one "[id] " line per type, in order */
	for (p = raw; *p; p = strchr(p, '\n') + 1) {
		char want[16];

		if (*p == '\t')
			continue;
		snprintf(want, sizeof(want), "[%u] ", ++lines);
		assert_memory_equal(p, want, strlen(want));
	}
	assert_int_equal(lines, ebpfmini_btf_type_count(btf));
	free(raw);
	ebpfmini_btf_free(btf);
}

/* Every kind, hand-built: the reference blob of btf_builder.h */
static void test_raw_reference(void **state)
{
	struct bb b;
	struct ebpfmini_btf *btf;
	char *raw;

	(void)state;
	bb_reference(&b);
	btf = blob_btf(&b);
	raw = dump(btf, EBPFMINI_BTF_DUMP_RAW);
	assert_line(raw, "[2] PTR '(anon)' type_id=1");
	assert_line(raw, "[3] ARRAY '(anon)' type_id=1 index_type_id=1 nr_elems=4");
	assert_line(raw, "[4] STRUCT 's' size=16 vlen=2");
	assert_line(raw, "\t'p' type_id=2 bits_offset=64");
	assert_line(raw, "[5] UNION 'u' size=4 vlen=2");
	assert_line(raw, "[6] FLOAT 'float' size=4");
	assert_line(raw, "[7] ENUM 'e' encoding=UNSIGNED size=4 vlen=2");
	assert_line(raw, "\t'E2' val=1");
	assert_line(raw, "[8] FWD 'fwd' fwd_kind=struct");
	assert_line(raw, "[9] TYPEDEF 'td' type_id=4");
	assert_line(raw, "[10] VOLATILE '(anon)' type_id=9");
	assert_line(raw, "[11] CONST '(anon)' type_id=10");
	assert_line(raw, "[12] RESTRICT '(anon)' type_id=2");
	assert_line(raw, "[13] FUNC_PROTO '(anon)' ret_type_id=1 vlen=2");
	assert_line(raw, "\t'pa' type_id=1");
	assert_line(raw, "\t'pb' type_id=2");
	assert_line(raw, "[14] FUNC 'f' type_id=13 linkage=global");
	assert_line(raw, "[15] VAR 'v' type_id=4, linkage=global");
	assert_line(raw, "[16] DATASEC '.data' size=0 vlen=1");
	assert_line(raw, "\ttype_id=15 offset=0 size=16 (VAR 'v')");
	assert_line(raw, "[17] DECL_TAG 'tag' type_id=4 component_idx=0");
	assert_line(raw, "[18] TYPE_TAG 'user' type_id=1");
	assert_line(raw, "[19] ENUM64 'e64' encoding=UNSIGNED size=8 vlen=1");
	assert_line(raw, "\t'BIG' val=4294967296");
	free(raw);
	ebpfmini_btf_free(btf);
}

/* ---- C header: clang-built objects ----------------------------------------------------------- */

static void test_c_sample(void **state)
{
	struct ebpfmini_btf *btf = obj_btf(BPF_OBJ_DIR "/btf_sample.bpf.o");
	char *h = dump(btf, EBPFMINI_BTF_DUMP_C);

	(void)state;
	/* guard, access-index pragma, each in its place */
	assert_true(has_line(h, "#ifndef __VMLINUX_H__"));
	assert_true(
		has_line(h, "#pragma clang attribute push (__attribute__((preserve_access_index)), "
			    "apply_to = record)"));
	assert_true(has_line(h, "#pragma clang attribute pop"));
	assert_true(has_line(h, "#endif /* __VMLINUX_H__ */"));
	assert_true(has_line(h, "\tunsigned int a: 3;"));
	assert_true(has_line(h, "\tint c: 7;"));
	assert_true(has_line(h, "\tint grid[4][3];"));
	assert_true(has_line(h, "\tconst volatile int cv;"));
	assert_true(has_line(h, "\tint (*cb)(int, char);"));
	assert_true(has_line(h, "\tint __attribute__((btf_type_tag(\"user\"))) *uptr;"));
	assert_true(has_line(h, "typedef sample_u64 sample_u64_alias;"));
	assert_true(has_line(h, "\tSAMPLE_BLUE = 4,"));
	/* dependency order: what sample_value embeds comes first, typedef before its user */
	assert_true(strstr(h, "struct sample_bits {") < strstr(h, "struct sample_value {"));
	assert_true(strstr(h, "union sample_union {") < strstr(h, "struct sample_value {"));
	assert_true(strstr(h, "typedef sample_u64 sample_u64_alias;") <
		    strstr(h, "struct sample_value {"));
	/* functions, variables and sections are not C types */
	assert_null(strstr(h, "sample_prog"));
	assert_null(strstr(h, "bss_a"));
	assert_null(strstr(h, ".bss"));
	free(h);
	assert_int_equal(roundtrip(btf, "sample", 1,
				   "_Static_assert(SAMPLE_GREEN == 2, \"enum value\");\n"
				   "_Static_assert(sizeof(sample_u64_alias) == 8, \"typedef\");\n"),
			 5);
	ebpfmini_btf_free(btf);
}

/* packed, over-aligned, padded records, bitfields, anonymous members, declarators, cycles */
static void test_c_layouts(void **state)
{
	struct ebpfmini_btf *btf = obj_btf(BPF_OBJ_DIR "/btf_dump_sample.bpf.o");
	char *h = dump(btf, EBPFMINI_BTF_DUMP_C);
	unsigned n;

	(void)state;
	assert_true(has_line(h, "} __attribute__((packed));"));
	assert_true(has_line(h, "\tint (*table[4])(void);"));
	assert_true(has_line(h, "\tint (*mat)[3][2];"));
	assert_true(has_line(h, "\tconst char *const name;"));
	assert_true(has_line(h, "\tvolatile int *restrict rp;"));
	assert_true(has_line(h, "\tchar *(*pick)(int, ...);"));
	assert_true(has_line(h, "\tstruct dm_node *(*(*walk)(int))[2];"));
	assert_true(has_line(h, "typedef int dm_fn_t(int, long);"));
	assert_true(has_line(h, "typedef dm_fn_t *dm_fn_ptr;"));
	assert_true(has_line(h, "struct dm_empty {};"));
	assert_true(has_line(h, "\tint z[0];"));
	/* the typedef that dm_node's members use by pointer needs a forward declaration first */
	assert_true(strstr(h, "struct dm_node;") < strstr(h, "typedef struct dm_node dm_node_t;"));
	assert_true(strstr(h, "typedef struct dm_node dm_node_t;") < strstr(h, "struct dm_node {"));
	assert_true(strstr(h, "struct dm_node {") < strstr(h, "struct dm_other {"));
	/* the anonymous enum that two members share is defined once */
	assert_non_null(strstr(h, "DM_ANON_A = 1,"));
	assert_null(strstr(strstr(h, "DM_ANON_A = 1,") + 1, "DM_ANON_A"));
	free(h);
	n = roundtrip(btf, "layouts", 1,
		      "_Static_assert(sizeof(enum dm_byte_enum) == 1, \"packed enum\");\n"
		      "_Static_assert(DM_B1 == 1 && DM_BIGU == 0xffffffffu, \"enum values\");\n"
		      "_Static_assert(__builtin_offsetof(struct dm_all, tail) == "
		      "sizeof(struct dm_all) - 16, \"tail\");\n");
	assert_true(n >= 15);
	ebpfmini_btf_free(btf);
}

/* ---- C header: the running kernel ----------------------------------------------------------- */

static void test_c_vmlinux(void **state)
{
	char cpath[128], opath[128], epath[128], cmd[1024];
	struct ebpfmini_btf *btf = NULL;
	struct timespec t0, t1;
	size_t size = 0, n;
	void *data = read_file(VMLINUX, &size);
	char *h, *raw;
	const char *p;
	unsigned lines = 0;

	(void)state;
	if (!data) {
		print_message("%s not readable (%s): only clang-built BTF is tested\n", VMLINUX,
			      strerror(errno));
		skip();
	}
	assert_int_equal(ebpfmini_btf_new(data, size, &btf), 0);
	free(data);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	h = dump(btf, EBPFMINI_BTF_DUMP_C);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message(
		"%u types: %zu bytes of C in %.1f ms\n", ebpfmini_btf_type_count(btf), strlen(h),
		(double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	assert_non_null(strstr(h, "struct task_struct {"));
	assert_non_null(strstr(h, "struct list_head {\n\tstruct list_head *next;"));
	free(h);

	raw = dump(btf, EBPFMINI_BTF_DUMP_RAW);
	for (p = raw; *p; p = strchr(p, '\n') + 1)
		lines += *p == '[';
	assert_int_equal(lines, ebpfmini_btf_type_count(btf));
	free(raw);

	/* every 8th struct and union (and each with bitfields) laid out as the kernel has it */
	n = roundtrip(btf, "vmlinux", 8,
		      "_Static_assert(sizeof(struct list_head) == 16, \"list_head\");\n");
	print_message("%zu kernel structs and unions have the layout BTF gives them\n", n);
	assert_true(n > 1000);

	/* a CO-RE program builds against it (the header's point) */
	snprintf(cpath, sizeof(cpath), "%s/core_prog.c", tmpdir);
	snprintf(opath, sizeof(opath), "%s/core_prog.o", tmpdir);
	snprintf(epath, sizeof(epath), "%s/core_prog.err", tmpdir);
	p = "#include \"vmlinux.h\"\n"
	    "#include <ebpfmini/bpf_helpers.h>\n"
	    "#include <ebpfmini/bpf_core_read.h>\n"
	    "SEC(\"tp/sched/sched_process_exec\")\n"
	    "int on_exec(void *ctx)\n"
	    "{\n"
	    "\tstruct task_struct *task = (void *)bpf_get_current_task();\n"
	    "\tint ppid = BPF_CORE_READ(task, real_parent, tgid);\n"
	    "\treturn ppid + bpf_core_field_exists(task->pid);\n"
	    "}\n"
	    "char LICENSE[] SEC(\"license\") = \"GPL\";\n";
	write_file(cpath, p, strlen(p));
	snprintf(cmd, sizeof(cmd),
		 "%s -target bpf -g -O2 -Wall -Werror -I%s/include -I%s/include -c %s -o %s", CLANG,
		 SRC_ROOT, BUILD_ROOT, cpath, opath);
	assert_int_equal(run(cmd, epath), 0);
	{
		struct ebpfmini_btf *pbtf = obj_btf(opath);
		struct em_btf_ext *ext = NULL;
		const void *data = NULL;
		size_t ext_size = 0;
		struct tobj obj;

		assert_int_equal(tobj_read(opath, &obj), 0);
		assert_true(tobj_section(&obj, ".BTF.ext", &data, &ext_size) >= 0);
		assert_int_equal(em_btf_ext_parse(data, ext_size, pbtf, &ext), 0);
		/* the reads through the header's types became CO-RE relocations */
		assert_true(ext->core_relo.nsecs > 0 && ext->core_relo.secs[0].num_info >= 3);
		em_btf_ext_free(ext);
		tobj_free(&obj);
		ebpfmini_btf_free(pbtf);
	}
	ebpfmini_btf_free(btf);
}

/* ---- API ------------------------------------------------------------------------------- */

static void test_api_errors(void **state)
{
	struct ebpfmini_btf *btf = obj_btf(BPF_OBJ_DIR "/btf_dump_sample.bpf.o");
	struct text t = { 0 };
	char path[128], *want, *got;
	int fd, fds[2];
	size_t n;

	(void)state;
	assert_int_equal(ebpfmini_btf_dump(NULL, EBPFMINI_BTF_DUMP_C, text_write, &t), -EINVAL);
	assert_int_equal(ebpfmini_btf_dump(btf, EBPFMINI_BTF_DUMP_C, NULL, &t), -EINVAL);
	assert_int_equal(ebpfmini_btf_dump(btf, (enum ebpfmini_btf_dump_format)7, text_write, &t),
			 -EINVAL);
	assert_int_equal(t.calls, 0);
	/* the callback's error stops the dump and is what it returns */
	t.fail_at = 1;
	assert_int_equal(ebpfmini_btf_dump(btf, EBPFMINI_BTF_DUMP_C, text_write, &t), -EIO);
	assert_int_equal(t.calls, 1);
	/* the same text twice: the order and the names are deterministic */
	want = dump(btf, EBPFMINI_BTF_DUMP_C);
	got = dump(btf, EBPFMINI_BTF_DUMP_C);
	assert_string_equal(want, got);
	free(got);

	assert_int_equal(ebpfmini_btf_dump_fd(btf, EBPFMINI_BTF_DUMP_C, -1), -EBADF);
	assert_int_equal(ebpfmini_btf_dump_fd(NULL, EBPFMINI_BTF_DUMP_C, 1), -EINVAL);
	snprintf(path, sizeof(path), "%s/fd.h", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ebpfmini_btf_dump_fd(btf, EBPFMINI_BTF_DUMP_C, fd), 0);
	close(fd);
	got = read_file(path, &n);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
	free(want);
	/* a pipe nobody reads: write(2)'s EPIPE comes back */
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	close(fds[0]);
	assert_int_equal(ebpfmini_btf_dump_fd(btf, EBPFMINI_BTF_DUMP_RAW, fds[1]), -EPIPE);
	close(fds[1]);
	ebpfmini_btf_free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw_sample), cmocka_unit_test(test_raw_reference),
		cmocka_unit_test(test_c_sample),   cmocka_unit_test(test_c_layouts),
		cmocka_unit_test(test_api_errors), cmocka_unit_test(test_c_vmlinux),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
