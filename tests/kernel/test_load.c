/* test_load.c - open and load real objects: every basic map type, global data, subprograms, tail calls */
#include <errno.h>
#include <linux/bpf.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/utsname.h>

#include "load_util.h"

/* Opens load_basic and loads it, after an optional configuration step. */
static struct ebpfmini_object *load_basic(void (*configure)(struct ebpfmini_object *obj))
{
	struct ebpfmini_object *obj = open_obj(OBJ("load_basic"));
	int err;

	if (configure)
		configure(obj);
	err = ebpfmini_object_load(obj);
	if (err)
		fail_msg("load load_basic: %d (%s)", err, strerror(-err));
	return obj;
}

/* ---- open, names, iteration -------------------------------------------------- */

static void test_open_and_iterate(void **state)
{
	struct ebpfmini_object *obj = open_obj(OBJ("load_basic"));
	const char *progs[] = { "calc", "tail_entry", "tail_a", "tail_b" };
	struct ebpfmini_program *p;
	struct ebpfmini_map *m;
	size_t n = 0;

	(void)state;
	assert_string_equal(ebpfmini_object_name(obj), "load_basic");
	assert_string_equal(ebpfmini_object_license(obj), "GPL");
	assert_string_equal(ebpfmini_object_pin_root(obj), "/sys/fs/bpf");
	for (p = ebpfmini_object_next_program(obj, NULL); p;
	     p = ebpfmini_object_next_program(obj, p)) {
		bool known = false;

		for (size_t i = 0; i < 4; i++)
			known |= strcmp(ebpfmini_program_name(p), progs[i]) == 0;
		assert_true(known);
		assert_string_equal(ebpfmini_program_section(p), "xdp");
		assert_int_equal(ebpfmini_program_type(p), BPF_PROG_TYPE_XDP);
		assert_ptr_equal(ebpfmini_program_object(p), obj);
		assert_int_equal(ebpfmini_program_fd(p), -EBUSY);
		assert_true(ebpfmini_program_insn_count(p) > 0);
		assert_non_null(ebpfmini_program_insns(p));
		n++;
	}
	assert_int_equal(n, 4);
	n = 0;
	for (m = ebpfmini_object_next_map(obj, NULL); m; m = ebpfmini_object_next_map(obj, m)) {
		assert_ptr_equal(ebpfmini_object_find_map(obj, ebpfmini_map_name(m)), m);
		assert_int_equal(ebpfmini_map_fd(m), -EBUSY);
		n++;
	}
	assert_true(n >= 14); /* 12 user maps + .data/.rodata/.bss */
	assert_true(ebpfmini_map_is_global_data(map_of(obj, ".bss")));
	assert_false(ebpfmini_map_is_global_data(map_of(obj, "hash")));
	assert_null(ebpfmini_map_data(map_of(obj, "hash"), NULL));
	assert_null(ebpfmini_object_find_map(obj, "no_such_map"));
	assert_null(ebpfmini_object_find_program(obj, "no_such_prog"));
	assert_int_equal(ebpfmini_map_key_size(map_of(obj, "lpm")), 8);
	assert_int_equal(ebpfmini_map_flags(map_of(obj, "lpm")), BPF_F_NO_PREALLOC);
	ebpfmini_object_close(obj);
}

static void test_open_mem_and_opts(void **state)
{
	struct ebpfmini_object_open_opts opts = { .sz = sizeof(opts),
						  .name = "given",
						  .pin_root = "/x" };
	struct ebpfmini_object *obj = NULL;
	FILE *f = fopen(OBJ("load_basic"), "rb");
	static unsigned char buf[1 << 20];
	size_t n;

	(void)state;
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_true(n > 0 && n < sizeof(buf));
	assert_int_equal(ebpfmini_object_open_mem(buf, n, NULL, &obj), 0);
	assert_string_equal(ebpfmini_object_name(obj), "mem");
	ebpfmini_object_close(obj);
	assert_int_equal(ebpfmini_object_open_mem(buf, n, &opts, &obj), 0);
	assert_string_equal(ebpfmini_object_name(obj), "given");
	assert_string_equal(ebpfmini_object_pin_root(obj), "/x");
	ebpfmini_object_close(obj);

	/* errors: bad arguments, a newer caller's options, damaged bytes */
	assert_int_equal(ebpfmini_object_open(NULL, NULL, &obj), -EINVAL);
	assert_null(obj);
	assert_int_equal(ebpfmini_object_open_mem(buf, 0, NULL, &obj), -EINVAL);
	{
		struct {
			struct ebpfmini_object_open_opts o;
			int future;
		} big = { .o = { .sz = sizeof(big) }, .future = 1 };

		assert_int_equal(ebpfmini_object_open_mem(buf, n, &big.o, &obj), -EINVAL);
	}
	assert_int_equal(ebpfmini_object_open("/nonexistent/x.bpf.o", NULL, &obj), -ENOENT);
	assert_int_equal(ebpfmini_object_open_mem("not an ELF", 10, NULL, &obj) < 0, 1);
	assert_null(obj);
	ebpfmini_object_close(NULL);
}

/* ---- maps of each type ------------------------------------------------------ */

static void test_hash_and_array(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_map *hash, *array;
	uint32_t key, next;
	uint64_t val;
	int n = 0;

	(void)state;
	SKIP_UNLESS_ROOT();
	obj = load_basic(NULL);
	hash = map_of(obj, "hash");
	array = map_of(obj, "array");
	assert_true(ebpfmini_map_fd(hash) >= 3);
	assert_true(ebpfmini_map_id(hash) > 0);
	for (key = 1; key <= 5; key++) {
		val = key * 100;
		assert_int_equal(ebpfmini_map_update(hash, &key, &val, BPF_ANY), 0);
	}
	key = 3;
	val = 0;
	assert_int_equal(ebpfmini_map_lookup(hash, &key, &val, 0), 0);
	assert_int_equal(val, 300);
	assert_int_equal(ebpfmini_map_update(hash, &key, &val, BPF_NOEXIST), -EEXIST);
	key = 99;
	assert_int_equal(ebpfmini_map_lookup(hash, &key, &val, 0), -ENOENT);
	assert_int_equal(ebpfmini_map_update(hash, &key, &val, BPF_EXIST), -ENOENT);
	/* iterate all keys */
	for (int err = ebpfmini_map_next_key(hash, NULL, &next); err == 0;
	     err = ebpfmini_map_next_key(hash, &key, &next)) {
		assert_true(next >= 1 && next <= 5);
		key = next;
		n++;
	}
	assert_int_equal(n, 5);
	key = 2;
	assert_int_equal(ebpfmini_map_lookup_and_delete(hash, &key, &val, 0), 0);
	assert_int_equal(val, 200);
	assert_int_equal(ebpfmini_map_lookup(hash, &key, &val, 0), -ENOENT);
	key = 4;
	assert_int_equal(ebpfmini_map_delete(hash, &key), 0);
	assert_int_equal(ebpfmini_map_delete(hash, &key), -ENOENT);
	/* argument errors */
	assert_int_equal(ebpfmini_map_lookup(hash, NULL, &val, 0), -EINVAL);
	assert_int_equal(ebpfmini_map_update(hash, &key, NULL, 0), -EINVAL);

	/* array: every index exists, zeroed; past the end is -E2BIG or -ENOENT */
	key = 7;
	val = 1;
	assert_int_equal(ebpfmini_map_lookup(array, &key, &val, 0), 0);
	assert_int_equal(val, 0);
	val = 0x1122334455667788ull;
	assert_int_equal(ebpfmini_map_update(array, &key, &val, 0), 0);
	val = 0;
	assert_int_equal(ebpfmini_map_lookup(array, &key, &val, 0), 0);
	assert_int_equal(val, 0x1122334455667788ull);
	key = 8;
	assert_int_equal(ebpfmini_map_update(array, &key, &val, 0), -E2BIG);
	ebpfmini_object_close(obj);
}

static void test_percpu(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_map *ph, *pa;
	int ncpus, size;
	uint64_t *vals, *back;
	uint32_t key = 1;

	(void)state;
	SKIP_UNLESS_ROOT();
	obj = load_basic(NULL);
	ph = map_of(obj, "pcpu_hash");
	pa = map_of(obj, "pcpu_array");
	ncpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	size = ebpfmini_map_value_buf_size(pa);
	assert_true(size >= 8 * ncpus);
	assert_int_equal(size % 8, 0);
	/* a 4-byte per-CPU value takes 8 bytes per CPU */
	assert_int_equal(ebpfmini_map_value_size(ph), 4);
	assert_int_equal(ebpfmini_map_value_buf_size(ph), size);
	assert_int_equal(ebpfmini_map_value_buf_size(map_of(obj, "hash")), 8);
	vals = calloc(1, (size_t)size);
	back = calloc(1, (size_t)size);
	for (int c = 0; c < size / 8; c++)
		vals[c] = 1000 + (uint64_t)c;
	assert_int_equal(ebpfmini_map_update(pa, &key, vals, 0), 0);
	assert_int_equal(ebpfmini_map_lookup(pa, &key, back, 0), 0);
	assert_memory_equal(vals, back, (size_t)size);

	/* per-CPU hash of u32: each CPU's slot at c * 8 */
	memset(vals, 0, (size_t)size);
	for (int c = 0; c < size / 8; c++)
		*(uint32_t *)((char *)vals + c * 8) = 7u * (uint32_t)c + 1;
	assert_int_equal(ebpfmini_map_update(ph, &key, vals, BPF_NOEXIST), 0);
	memset(back, 0xff, (size_t)size);
	assert_int_equal(ebpfmini_map_lookup(ph, &key, back, 0), 0);
	for (int c = 0; c < size / 8; c++)
		assert_int_equal(*(uint32_t *)((char *)back + c * 8), 7u * (uint32_t)c + 1);
	free(vals);
	free(back);
	ebpfmini_object_close(obj);
}

static void test_lru_evicts(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_map *lru, *hash;
	uint32_t key, next, max;
	uint64_t val = 1;
	int present = 0;

	(void)state;
	SKIP_UNLESS_ROOT();
	obj = load_basic(NULL);
	lru = map_of(obj, "lru");
	hash = map_of(obj, "hash");
	max = ebpfmini_map_max_entries(lru);
	assert_int_equal(max, 4);
	/* twice the capacity: every insert succeeds, old keys make room */
	for (key = 100; key < 100 + 2 * max; key++)
		assert_int_equal(ebpfmini_map_update(lru, &key, &val, BPF_ANY), 0);
	for (int err = ebpfmini_map_next_key(lru, NULL, &next); err == 0;
	     err = ebpfmini_map_next_key(lru, &key, &next)) {
		key = next;
		present++;
	}
	assert_true(present >= 1 && present <= (int)max);
	key = 100 + 2 * max - 1; /* the newest survives */
	assert_int_equal(ebpfmini_map_lookup(lru, &key, &val, 0), 0);
	key = 100; /* the oldest is gone */
	assert_int_equal(ebpfmini_map_lookup(lru, &key, &val, 0), -ENOENT);
	/* a plain hash refuses instead */
	for (key = 0; key < ebpfmini_map_max_entries(hash); key++)
		assert_int_equal(ebpfmini_map_update(hash, &key, &val, BPF_ANY), 0);
	assert_int_equal(ebpfmini_map_update(hash, &key, &val, BPF_ANY), -E2BIG);
	ebpfmini_object_close(obj);
}

struct lpm_key {
	uint32_t prefixlen;
	uint8_t addr[4];
};

static void test_lpm_trie(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_map *lpm;
	struct lpm_key k;
	uint32_t v;

	(void)state;
	SKIP_UNLESS_ROOT();
	obj = load_basic(NULL);
	lpm = map_of(obj, "lpm");
	k = (struct lpm_key){ 8, { 10, 0, 0, 0 } };
	v = 8;
	assert_int_equal(ebpfmini_map_update(lpm, &k, &v, 0), 0);
	k = (struct lpm_key){ 16, { 10, 1, 0, 0 } };
	v = 16;
	assert_int_equal(ebpfmini_map_update(lpm, &k, &v, 0), 0);
	k = (struct lpm_key){ 24, { 10, 1, 2, 0 } };
	v = 24;
	assert_int_equal(ebpfmini_map_update(lpm, &k, &v, 0), 0);

	k = (struct lpm_key){ 32, { 10, 1, 2, 3 } };
	assert_int_equal(ebpfmini_map_lookup(lpm, &k, &v, 0), 0);
	assert_int_equal(v, 24);
	k = (struct lpm_key){ 32, { 10, 1, 9, 9 } };
	assert_int_equal(ebpfmini_map_lookup(lpm, &k, &v, 0), 0);
	assert_int_equal(v, 16);
	k = (struct lpm_key){ 32, { 10, 200, 0, 1 } };
	assert_int_equal(ebpfmini_map_lookup(lpm, &k, &v, 0), 0);
	assert_int_equal(v, 8);
	k = (struct lpm_key){ 32, { 11, 1, 2, 3 } };
	assert_int_equal(ebpfmini_map_lookup(lpm, &k, &v, 0), -ENOENT);
	ebpfmini_object_close(obj);
}

static void test_queue_stack_bloom(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_map *queue, *stack, *bloom;
	uint32_t v;

	(void)state;
	SKIP_UNLESS_ROOT();
	obj = load_basic(NULL);
	queue = map_of(obj, "queue");
	stack = map_of(obj, "stack");
	bloom = map_of(obj, "bloom");
	for (v = 1; v <= 3; v++) {
		assert_int_equal(ebpfmini_map_update(queue, NULL, &v, 0), 0);
		assert_int_equal(ebpfmini_map_update(stack, NULL, &v, 0), 0);
	}
	/* peek does not remove */
	assert_int_equal(ebpfmini_map_lookup(queue, NULL, &v, 0), 0);
	assert_int_equal(v, 1);
	assert_int_equal(ebpfmini_map_lookup(stack, NULL, &v, 0), 0);
	assert_int_equal(v, 3);
	for (uint32_t want = 1; want <= 3; want++) { /* FIFO */
		assert_int_equal(ebpfmini_map_lookup_and_delete(queue, NULL, &v, 0), 0);
		assert_int_equal(v, want);
	}
	for (uint32_t want = 3; want >= 1; want--) { /* LIFO */
		assert_int_equal(ebpfmini_map_lookup_and_delete(stack, NULL, &v, 0), 0);
		assert_int_equal(v, want);
	}
	assert_int_equal(ebpfmini_map_lookup_and_delete(queue, NULL, &v, 0), -ENOENT);
	assert_int_equal(ebpfmini_map_lookup_and_delete(stack, NULL, &v, 0), -ENOENT);
	/* keyless maps take no key */
	assert_int_equal(ebpfmini_map_update(queue, &v, &v, 0), -EINVAL);

	/* bloom filter: members are found; (with a zero seed, fixed) non-members are not */
	for (v = 10; v < 20; v++)
		assert_int_equal(ebpfmini_map_update(bloom, NULL, &v, 0), 0);
	for (v = 10; v < 20; v++)
		assert_int_equal(ebpfmini_map_lookup(bloom, NULL, &v, 0), 0);
	v = 12345;
	assert_int_equal(ebpfmini_map_lookup(bloom, NULL, &v, 0), -ENOENT);
	v = 999;
	assert_int_equal(ebpfmini_map_lookup(bloom, NULL, &v, 0), -ENOENT);
	ebpfmini_object_close(obj);
}

static void test_ringbuf_created(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_map *rb;
	struct bpf_map_info info;

	(void)state;
	SKIP_UNLESS_ROOT();
	obj = load_basic(NULL);
	rb = map_of(obj, "rb");
	info = map_info_of(ebpfmini_map_fd(rb));
	assert_int_equal(info.type, BPF_MAP_TYPE_RINGBUF);
	assert_int_equal(info.max_entries, 4096);
	assert_int_equal(info.id, ebpfmini_map_id(rb));
	/* the program writes a record: bpf_ringbuf_output() returned 0 */
	*(long *)var_ptr(obj, ".bss", "out_rb") = -1;
	assert_int_equal(run_xdp(prog_of(obj, "calc")), XDP_PASS);
	assert_int_equal(*(long *)var_ptr(obj, ".bss", "out_rb"), 0);
	ebpfmini_object_close(obj);
}

/* ---- global data, subprograms, tail calls ---------------------------------------- */

static void set_rodata_and_data(struct ebpfmini_object *obj)
{
	struct ebpfmini_map *ro = map_of(obj, ".rodata");
	size_t size = 0;
	int *ro_image = ebpfmini_map_data(ro, &size);
	int *copy;

	assert_non_null(ro_image);
	assert_int_equal(*(int *)var_ptr(obj, ".rodata", "ro_mult"), 1);
	copy = malloc(size);
	memcpy(copy, ro_image, size);
	*(int *)((char *)copy + ((char *)var_ptr(obj, ".rodata", "ro_mult") - (char *)ro_image)) =
		4;
	assert_int_equal(ebpfmini_map_set_data(ro, copy, size), 0);
	assert_int_equal(ebpfmini_map_set_data(ro, copy, size + 1), -EINVAL);
	assert_int_equal(ebpfmini_map_set_data(map_of(obj, "hash"), copy, size), -EINVAL);
	free(copy);
	/* .data written through the pointer before load */
	assert_int_equal(*(int *)var_ptr(obj, ".data", "in_value"), 3);
	*(int *)var_ptr(obj, ".data", "in_value") = 5;
}

static void test_global_data_and_subprograms(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_program *calc;
	int *in, *result, *loop;

	(void)state;
	SKIP_UNLESS_ROOT();
	obj = load_basic(set_rodata_and_data);
	calc = prog_of(obj, "calc");
	in = var_ptr(obj, ".data", "in_value");
	result = var_ptr(obj, ".bss", "out_result");
	loop = var_ptr(obj, ".bss", "out_loop");
	assert_int_equal(*in, 5); /* the image went into the map */
	assert_int_equal(*(int *)var_ptr(obj, ".rodata", "ro_mult"), 4);
	assert_int_equal(*result, 0);

	assert_int_equal(run_xdp(calc), XDP_PASS);
	/* global_mul(static_add(5, 10), 4) + (0+1+2+3+4) */
	assert_int_equal(*loop, 10);
	assert_int_equal(*result, (5 + 10) * 4 + 10);
	assert_int_equal(*in, 6); /* the program wrote .data; we see it through the mapping */

	*in = 100; /* written after load, read by the program */
	assert_int_equal(run_xdp(calc), XDP_PASS);
	assert_int_equal(*result, (100 + 10) * 4 + 10);
	assert_int_equal(*in, 101);

	/* the mapping is the map: a syscall lookup sees the same bytes */
	{
		struct ebpfmini_map *bss = map_of(obj, ".bss");
		size_t size = 0;
		uint8_t *mem = ebpfmini_map_data(bss, &size);
		uint8_t *copy = calloc(1, size);
		uint32_t zero = 0;

		assert_int_equal(size, ebpfmini_map_value_size(bss));
		assert_int_equal(ebpfmini_map_lookup(bss, &zero, copy, 0), 0);
		assert_memory_equal(copy, mem, size);
		free(copy);
	}
	/* .rodata is frozen: user space can no longer write it */
	{
		struct ebpfmini_map *ro = map_of(obj, ".rodata");
		uint32_t zero = 0;
		int four = 4;

		assert_true(ebpfmini_map_update(ro, &zero, &four, 0) < 0);
		assert_int_equal(ebpfmini_map_set_data(ro, &four, sizeof(four)), -EBUSY);
	}
	ebpfmini_object_close(obj);
}

/* ebpfmini_program_disasm() after load: the code sent to the kernel, maps by kernel id,
 * subprograms and callbacks by their func_info names */
static void test_disasm_after_load(void **state)
{
	struct ebpfmini_object *obj;
	char *text, want[64];

	(void)state;
	SKIP_UNLESS_ROOT();
	obj = load_basic(NULL);
	assert_true(ebpfmini_program_disasm(prog_of(obj, "calc"), NULL, &text) > 0);
	snprintf(want, sizeof(want), ": r1 = map[id:%u]\n", ebpfmini_map_id(map_of(obj, "rb")));
	if (!strstr(text, want))
		fail_msg("no \"%s\" in:\n%s", want, text);
	snprintf(want, sizeof(want), ": r1 = map[id:%u][0]+4\n", ebpfmini_map_id(map_of(obj, ".bss")));
	if (!strstr(text, want))
		fail_msg("no \"%s\" in:\n%s", want, text);
	assert_true(strncmp(text, "calc:\n", 6) == 0);
	assert_non_null(strstr(text, "#static_add\n"));
	assert_non_null(strstr(text, "#global_mul\n"));
	assert_non_null(strstr(text, ": r2 = subprog[sum_cb]\n"));
	assert_non_null(strstr(text, "\nsum_cb:\n"));
	assert_non_null(strstr(text, ": call bpf_ringbuf_output#130\n"));
	free(text);
	ebpfmini_object_close(obj);
}

/* A __hidden global subprogram is loaded as static: the verifier checks it in its caller's
 * context, where its pointer argument is known non-NULL (checked alone, as a global
 * function, it is refused: "R1 invalid mem access 'mem_or_null'"). */
static void test_hidden_subprogram(void **state)
{
	struct ebpfmini_object *obj;

	(void)state;
	SKIP_UNLESS_ROOT();
	obj = open_obj(OBJ("load_hidden"));
	assert_int_equal(ebpfmini_object_load(obj), 0);
	assert_true(ebpfmini_program_fd(prog_of(obj, "call_hidden")) >= 0);
	ebpfmini_object_close(obj);
}

static void test_tail_calls(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_program *entry;
	struct ebpfmini_map *jmp;
	uint32_t *idx, slot = 1;
	int *out, fd;

	(void)state;
	SKIP_UNLESS_ROOT();
	obj = load_basic(NULL);
	entry = prog_of(obj, "tail_entry");
	jmp = map_of(obj, "jmp");
	idx = var_ptr(obj, ".bss", "tail_idx");
	out = var_ptr(obj, ".bss", "out_tail");

	/* slot 0 was filled at load from the __array(values, ...) initializer */
	*idx = 0;
	assert_int_equal(run_xdp(entry), XDP_PASS);
	assert_int_equal(*out, 0xa);
	/* slot 1 is empty until user space fills it */
	*idx = 1;
	assert_int_equal(run_xdp(entry), XDP_DROP);
	assert_int_equal(*out, -1);
	fd = ebpfmini_program_fd(prog_of(obj, "tail_b"));
	assert_true(fd >= 3);
	assert_int_equal(ebpfmini_map_update(jmp, &slot, &fd, 0), 0);
	assert_int_equal(run_xdp(entry), XDP_TX);
	assert_int_equal(*out, 0xb);
	ebpfmini_object_close(obj);
}

static void test_map_in_map(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_program *prog;
	struct ebpfmini_map *outer;
	struct bpf_map_info info;
	uint32_t zero = 0, one = 1, inner_id = 0;
	uint64_t val;
	int fd;

	(void)state;
	SKIP_UNLESS_ROOT();
	obj = open_obj(OBJ("load_mim"));
	assert_int_equal(ebpfmini_object_load(obj), 0);
	prog = prog_of(obj, "read_inner");
	outer = map_of(obj, "outer");
	info = map_info_of(ebpfmini_map_fd(outer));
	assert_int_equal(info.type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	assert_int_equal(info.max_entries, 2);
	/* slot 0 holds inner_a from the initializer: a lookup from user space gives its id */
	assert_int_equal(ebpfmini_map_lookup(outer, &zero, &inner_id, 0), 0);
	assert_int_equal(inner_id, ebpfmini_map_id(map_of(obj, "inner_a")));
	val = 11;
	assert_int_equal(ebpfmini_map_update(map_of(obj, "inner_a"), &zero, &val, 0), 0);
	assert_int_equal(run_xdp(prog), XDP_PASS);
	assert_int_equal(*(int64_t *)var_ptr(obj, ".bss", "got"), 11);
	/* slot 1 is empty until user space puts inner_b there */
	*(uint32_t *)var_ptr(obj, ".bss", "slot") = 1;
	run_xdp(prog);
	assert_int_equal(*(int64_t *)var_ptr(obj, ".bss", "got"), -1);
	fd = ebpfmini_map_fd(map_of(obj, "inner_b"));
	assert_int_equal(ebpfmini_map_update(outer, &one, &fd, 0), 0);
	val = 22;
	assert_int_equal(ebpfmini_map_update(map_of(obj, "inner_b"), &zero, &val, 0), 0);
	run_xdp(prog);
	assert_int_equal(*(int64_t *)var_ptr(obj, ".bss", "got"), 22);
	ebpfmini_object_close(obj);
}

/* ---- configuration before load --------------------------------------------------- */

static void configure_spare(struct ebpfmini_object *obj)
{
	struct ebpfmini_map *spare = map_of(obj, "spare");

	assert_int_equal(ebpfmini_map_set_type(spare, BPF_MAP_TYPE_LRU_HASH), 0);
	assert_int_equal(ebpfmini_map_set_max_entries(spare, 77), 0);
	assert_int_equal(ebpfmini_map_set_max_entries(spare, 0), -EINVAL);
	assert_int_equal(ebpfmini_map_set_flags(spare, 0), 0);
	assert_int_equal(ebpfmini_map_set_type(map_of(obj, ".bss"), BPF_MAP_TYPE_HASH), -EINVAL);
	assert_int_equal(ebpfmini_program_set_log_level(prog_of(obj, "tail_a"), 1), 0);
	assert_int_equal(ebpfmini_program_set_log_level(prog_of(obj, "tail_a"), 64), -EINVAL);
}

static void test_set_before_load(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_map *spare;
	struct ebpfmini_program *p;
	struct bpf_map_info info;

	(void)state;
	SKIP_UNLESS_ROOT();
	obj = load_basic(configure_spare);
	spare = map_of(obj, "spare");
	info = map_info_of(ebpfmini_map_fd(spare));
	assert_int_equal(info.type, BPF_MAP_TYPE_LRU_HASH);
	assert_int_equal(info.max_entries, 77);
	assert_int_equal(ebpfmini_map_type(spare), BPF_MAP_TYPE_LRU_HASH);
	/* a log level set before load keeps the verifier log of a success */
	assert_non_null(ebpfmini_program_log(prog_of(obj, "tail_a")));
	assert_true(strlen(ebpfmini_program_log(prog_of(obj, "tail_a"))) > 0);
	assert_null(ebpfmini_program_log(prog_of(obj, "tail_b")));
	/* after load every setter says EBUSY, and a second load too */
	p = prog_of(obj, "calc");
	assert_int_equal(ebpfmini_map_set_max_entries(spare, 5), -EBUSY);
	assert_int_equal(ebpfmini_map_set_type(spare, BPF_MAP_TYPE_HASH), -EBUSY);
	assert_int_equal(ebpfmini_map_set_flags(spare, 0), -EBUSY);
	assert_int_equal(ebpfmini_map_set_pin_path(spare, "/sys/fs/bpf/x"), -EBUSY);
	assert_int_equal(ebpfmini_program_set_type(p, BPF_PROG_TYPE_XDP), -EBUSY);
	assert_int_equal(ebpfmini_program_set_autoload(p, false), -EBUSY);
	assert_int_equal(ebpfmini_program_set_expected_attach_type(p, 0), -EBUSY);
	assert_int_equal(ebpfmini_program_set_log_level(p, 1), -EBUSY);
	assert_int_equal(ebpfmini_object_set_pin_root(obj, "/tmp"), -EBUSY);
	assert_int_equal(ebpfmini_object_load(obj), -EBUSY);
	/* after load: relocated code with subprograms appended, and an id */
	assert_true(ebpfmini_program_insn_count(p) > 0);
	assert_true(ebpfmini_program_id(p) > 0);
	ebpfmini_object_close(obj);
}

static void test_autoload_off(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_program *good, *bad;

	(void)state;
	SKIP_UNLESS_ROOT();
	obj = open_obj(OBJ("load_bad"));
	good = prog_of(obj, "good");
	bad = prog_of(obj, "bad");
	assert_true(ebpfmini_program_autoload(bad));
	assert_int_equal(ebpfmini_program_set_autoload(bad, false), 0);
	assert_false(ebpfmini_program_autoload(bad));
	/* the verifier would refuse 'bad': the load succeeds only because it is skipped */
	assert_int_equal(ebpfmini_object_load(obj), 0);
	assert_true(ebpfmini_program_fd(good) >= 3);
	assert_int_equal(ebpfmini_program_fd(bad), -EBUSY);
	assert_int_equal(ebpfmini_program_id(bad), 0);
	assert_int_equal(run_xdp(good), XDP_PASS);
	ebpfmini_object_close(obj);
}

static void test_verifier_reject(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_program *bad;
	const char *log;
	int err;

	(void)state;
	SKIP_UNLESS_ROOT();
	obj = open_obj(OBJ("load_bad"));
	bad = prog_of(obj, "bad");
	log_capture_start(EBPFMINI_LOG_DEBUG);
	err = ebpfmini_object_load(obj);
	log_capture_stop();
	assert_int_equal(err, -EACCES); /* the kernel's errno, unchanged */
	log = ebpfmini_program_log(bad);
	assert_non_null(log);
	assert_true(strlen(log) > 0);
	/* BTF line info puts the source line into the log */
	assert_non_null(strstr(log, "return (int)*val"));
	assert_non_null(strstr(log, "map_value_or_null"));
	/* one error line: subject, strerror and the log's last line */
	assert_true(log_captured("prog 'bad': load: Permission denied: R0 invalid mem access "
			    "'map_value_or_null'\n"));
	assert_true(log_captured("verifier log"));
	/* everything the load opened is closed again */
	assert_int_equal(ebpfmini_program_fd(prog_of(obj, "good")), -EBUSY);
	assert_int_equal(ebpfmini_program_fd(bad), -EBUSY);
	assert_int_equal(ebpfmini_map_fd(map_of(obj, "vals")), -EBUSY);
	assert_int_equal(ebpfmini_map_fd(map_of(obj, ".bss")), -EBUSY);
	assert_int_equal(ebpfmini_object_load(obj), -EBUSY);
	ebpfmini_object_close(obj);
}

/*
 * Eight programs verified side by side (load_threads 3), one after another
 * (1) or as the load sees fit (0): either way the error is that of the first in
 * section order that fails, the other failure stays unreported and without a
 * log, and everything the load opened is closed.
 */
static void many_reject(int threads)
{
	struct ebpfmini_object_open_opts opts = { .sz = sizeof(opts), .load_threads = threads };
	struct ebpfmini_object *obj = NULL;
	int before = count_fds(), err;

	assert_int_equal(ebpfmini_object_open(OBJ("load_many"), &opts, &obj), 0);
	log_capture_start(EBPFMINI_LOG_DEBUG);
	err = ebpfmini_object_load(obj);
	log_capture_stop();
	assert_int_equal(err, -EACCES);
	assert_true(log_captured("prog 'bad_first': load: Permission denied: R0 invalid mem "
				 "access 'map_value_or_null'\n"));
	assert_false(log_captured("prog 'bad_second'"));
	assert_non_null(ebpfmini_program_log(prog_of(obj, "bad_first")));
	assert_null(ebpfmini_program_log(prog_of(obj, "bad_second")));
	assert_int_equal(ebpfmini_program_fd(prog_of(obj, "good8")), -EBUSY);
	assert_int_equal(count_fds(), before);
	ebpfmini_object_close(obj);
}

static void test_parallel_reject(void **state)
{
	(void)state;
	SKIP_UNLESS_ROOT();
	many_reject(0);
	many_reject(1);
	many_reject(3);
}

/* Without the refused programs, all six load on several threads and run. */
static void test_parallel_load(void **state)
{
	struct ebpfmini_object_open_opts opts = { .sz = sizeof(opts), .load_threads = 4 };
	struct ebpfmini_object *obj = NULL;
	cpu_set_t cpus;
	static const char *const good[] = { "good1", "good2", "good4", "good5", "good7", "good8" };

	(void)state;
	SKIP_UNLESS_ROOT();
	assert_int_equal(ebpfmini_object_open(OBJ("load_many"), &opts, &obj), 0);
	ebpfmini_program_set_autoload(prog_of(obj, "bad_first"), false);
	ebpfmini_program_set_autoload(prog_of(obj, "bad_second"), false);
	log_capture_start(EBPFMINI_LOG_DEBUG);
	assert_int_equal(ebpfmini_object_load(obj), 0);
	log_capture_stop();
	if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0 && CPU_COUNT(&cpus) > 1)
		assert_true(log_captured("load: 6 programs verified by "));
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(run_xdp(prog_of(obj, good[i])), XDP_PASS);
	ebpfmini_object_close(obj);
}

static void test_unknown_section(void **state)
{
	struct ebpfmini_object *obj;
	int err;

	(void)state;
	SKIP_UNLESS_ROOT();
	obj = open_obj(OBJ("load_unknown"));
	assert_int_equal(ebpfmini_program_type(prog_of(obj, "mystery")), BPF_PROG_TYPE_UNSPEC);
	log_capture_start(EBPFMINI_LOG_DEBUG);
	err = ebpfmini_object_load(obj);
	log_capture_stop();
	assert_int_equal(err, -EOPNOTSUPP);
	assert_true(log_captured("no_such_hook/x"));
	ebpfmini_object_close(obj);

	/* the program can be left out, or given a type */
	obj = open_obj(OBJ("load_unknown"));
	assert_int_equal(ebpfmini_program_set_autoload(prog_of(obj, "mystery"), false), 0);
	assert_int_equal(ebpfmini_object_load(obj), 0);
	ebpfmini_object_close(obj);
	obj = open_obj(OBJ("load_unknown"));
	assert_int_equal(
		ebpfmini_program_set_type(prog_of(obj, "mystery"), BPF_PROG_TYPE_SOCKET_FILTER), 0);
	assert_int_equal(ebpfmini_object_load(obj), 0);
	assert_true(ebpfmini_program_fd(prog_of(obj, "mystery")) >= 3);
	ebpfmini_object_close(obj);
}

static void test_test_run_errors(void **state)
{
	struct ebpfmini_object *obj = open_obj(OBJ("load_basic"));
	struct ebpfmini_program_test_run_opts opts = { .sz = sizeof(opts) };

	(void)state;
	assert_int_equal(ebpfmini_program_test_run(prog_of(obj, "calc"), &opts), -EBUSY);
	assert_int_equal(ebpfmini_program_test_run(NULL, &opts), -EINVAL);
	ebpfmini_object_close(obj);
}

/* ---- .kconfig ----------------------------------------------------------------------- */

static char kconfig_path[64];

static struct ebpfmini_object *open_kconfig(const char *config_text)
{
	struct ebpfmini_object_open_opts opts = { .sz = sizeof(opts),
						  .kconfig_path = kconfig_path };
	struct ebpfmini_object *obj = NULL;
	int fd;

	snprintf(kconfig_path, sizeof(kconfig_path), "/tmp/ebpfmini-kconfig-XXXXXX");
	fd = mkstemp(kconfig_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, config_text, strlen(config_text)), (ssize_t)strlen(config_text));
	close(fd);
	assert_int_equal(ebpfmini_object_open(OBJ("load_kconfig"), &opts, &obj), 0);
	return obj;
}

/* Loading load_kconfig with config_text fails with err and a message holding text. */
static void expect_kconfig_error(const char *config_text, int err, const char *text)
{
	struct ebpfmini_object *obj = open_kconfig(config_text);
	int ret;

	log_capture_start(EBPFMINI_LOG_DEBUG);
	ret = ebpfmini_object_load(obj);
	log_capture_stop();
	unlink(kconfig_path);
	assert_int_equal(ret, err);
	assert_true(log_captured(text));
	ebpfmini_object_close(obj);
}

static void test_kconfig(void **state)
{
	static const char config[] = "# a kernel config\n"
				     "CONFIG_EM_BOOL=y\n"
				     "CONFIG_EM_TRI=m\n"
				     "CONFIG_EM_CHAR=m\n"
				     "CONFIG_EM_NUM=-42\n"
				     "CONFIG_EM_HEX=0x123456789\n"
				     "CONFIG_EM_STR=\"a\\\"bcdefghij\"\n"
				     "# CONFIG_EM_OFF is not set\n";
	struct ebpfmini_object *obj;
	struct utsname uts;
	unsigned a = 0, b = 0, c = 0;
	int err;

	(void)state;
	SKIP_UNLESS_ROOT();
	obj = open_kconfig(config);
	err = ebpfmini_object_load(obj);
	unlink(kconfig_path);
	assert_int_equal(err, 0);
	assert_int_equal(run_xdp(prog_of(obj, "kconf")), XDP_PASS);
	uname(&uts);
	sscanf(uts.release, "%u.%u.%u", &a, &b, &c);
	assert_int_equal(*(int *)var_ptr(obj, ".bss", "kver"),
			 (int)((a << 16) | (b << 8) | (c > 255 ? 255 : c)));
	assert_int_equal(*(int *)var_ptr(obj, ".bss", "b"), 1);
	assert_int_equal(*(int *)var_ptr(obj, ".bss", "tri"), 2);
	assert_int_equal(*(int *)var_ptr(obj, ".bss", "ch"), 'm');
	assert_int_equal(*(int *)var_ptr(obj, ".bss", "num"), -42);
	assert_int_equal(*(unsigned long long *)var_ptr(obj, ".bss", "hex"), 0x123456789ull);
	assert_int_equal(*(int *)var_ptr(obj, ".bss", "off"), 0);
	assert_int_equal(*(int *)var_ptr(obj, ".bss", "missing"), 0);
	assert_string_equal((char *)var_ptr(obj, ".bss", "str"),
			    "a\"bcdef"); /* truncated to 7 + NUL */
	ebpfmini_object_close(obj);

	/* a non-weak option the config lacks: the load names it */
	expect_kconfig_error("CONFIG_EM_BOOL=y\nCONFIG_EM_TRI=y\nCONFIG_EM_CHAR=y\n"
			     "CONFIG_EM_HEX=1\nCONFIG_EM_STR=\"x\"\nCONFIG_EM_OFF=n\n",
			     -ENOENT, "CONFIG_EM_NUM");
	/* a value that does not fit the type */
	expect_kconfig_error(
		"CONFIG_EM_BOOL=m\nCONFIG_EM_TRI=y\nCONFIG_EM_CHAR=y\nCONFIG_EM_NUM=1\n"
		"CONFIG_EM_HEX=1\nCONFIG_EM_STR=\"x\"\nCONFIG_EM_OFF=n\n",
		-EINVAL, "CONFIG_EM_BOOL");
	/* a number too large for its type */
	expect_kconfig_error("CONFIG_EM_BOOL=y\nCONFIG_EM_TRI=y\nCONFIG_EM_CHAR=y\n"
			     "CONFIG_EM_NUM=0x100000000\n"
			     "CONFIG_EM_HEX=1\nCONFIG_EM_STR=\"x\"\nCONFIG_EM_OFF=n\n",
			     -EINVAL, "does not fit");
}

static void test_kconfig_running_kernel(void **state)
{
	struct ebpfmini_object *obj;
	int err;

	(void)state;
	SKIP_UNLESS_ROOT();
	if (access("/proc/config.gz", R_OK) != 0) {
		struct utsname uts;
		char path[128];

		uname(&uts);
		snprintf(path, sizeof(path), "/boot/config-%s", uts.release);
		if (access(path, R_OK) != 0) {
			print_message(
				"skipped: the kernel has no /proc/config.gz (CONFIG_IKCONFIG_PROC) "
				"and there is no %s\n",
				path);
			skip();
		}
	}
	obj = open_obj(OBJ("load_kconfig_sys"));
	err = ebpfmini_object_load(obj);
	assert_int_equal(err, 0);
	assert_int_equal(run_xdp(prog_of(obj, "kconf_sys")), XDP_PASS);
	assert_int_equal(*(int *)var_ptr(obj, ".bss", "has_bpf"), 1);
	assert_int_equal(*(int *)var_ptr(obj, ".bss", "has_syscall"), 1);
	assert_true(*(int *)var_ptr(obj, ".bss", "hz") >= 100);
	/* .kconfig is frozen and mapped read-only */
	assert_non_null(ebpfmini_map_data(map_of(obj, ".kconfig"), NULL));
	ebpfmini_object_close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_and_iterate),
		cmocka_unit_test(test_open_mem_and_opts),
		cmocka_unit_test(test_hash_and_array),
		cmocka_unit_test(test_percpu),
		cmocka_unit_test(test_lru_evicts),
		cmocka_unit_test(test_lpm_trie),
		cmocka_unit_test(test_queue_stack_bloom),
		cmocka_unit_test(test_ringbuf_created),
		cmocka_unit_test(test_global_data_and_subprograms),
		cmocka_unit_test(test_hidden_subprogram),
		cmocka_unit_test(test_disasm_after_load),
		cmocka_unit_test(test_tail_calls),
		cmocka_unit_test(test_map_in_map),
		cmocka_unit_test(test_set_before_load),
		cmocka_unit_test(test_autoload_off),
		cmocka_unit_test(test_verifier_reject),
		cmocka_unit_test(test_parallel_reject),
		cmocka_unit_test(test_parallel_load),
		cmocka_unit_test(test_unknown_section),
		cmocka_unit_test(test_test_run_errors),
		cmocka_unit_test(test_kconfig),
		cmocka_unit_test(test_kconfig_running_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
