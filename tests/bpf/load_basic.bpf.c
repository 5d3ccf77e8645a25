// SPDX-License-Identifier: MIT
/* load_basic.bpf.c - maps of every basic type, global data, subprograms and tail calls (test_load) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

struct lpm_v4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

/* ---- one map of each basic type, used from user space by the test ---- */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u32); /* 4 bytes: each CPU's slot is padded to 8 */
} pcpu_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} pcpu_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 16);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_v4_key);
	__type(value, __u32);
} lpm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 8);
	__type(value, __u32);
} queue SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 8);
	__type(value, __u32);
} stack SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 64);
	__uint(map_flags, BPF_F_ZERO_SEED); /* same hashes every run: no flaky false positive */
	__uint(map_extra, 3);               /* number of hash functions */
	__type(value, __u32);
} bloom SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

/* not used by any program: the test changes its type and size before load */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} spare SEC(".maps");

/* ---- tail calls: slot 0 set from the definition, slot 1 by the test ---- */
int tail_a(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
} jmp SEC(".maps") = {
	.values = { [0] = (void *)&tail_a },
};

/* ---- global data ---- */
int in_value = 3;               /* .data: written by the test before and after load */
const volatile int ro_mult = 1; /* .rodata: set by the test before load */
int out_result;                 /* .bss: results the test reads back */
int out_loop;
long out_rb;
int out_tail;
__u32 tail_idx;

/* a static subprogram: a bpf-to-bpf call the verifier follows inline */
static __noinline int static_add(int a, int b)
{
	return a + b;
}

/* a global subprogram: verified on its own, against its BTF prototype */
__noinline int global_mul(int a, int b)
{
	return a * b;
}

/* bpf_loop callback: a BPF_PSEUDO_FUNC reference */
static int sum_cb(__u32 idx, void *ctx)
{
	int *acc = ctx;

	*acc += idx;
	return 0;
}

SEC("xdp")
int calc(struct xdp_md *ctx)
{
	__u64 token = 7;
	int acc = 0;

	(void)ctx;
	bpf_loop(5, sum_cb, &acc, 0); /* 0 + 1 + 2 + 3 + 4 */
	out_loop = acc;
	out_result = global_mul(static_add(in_value, 10), ro_mult) + acc;
	in_value = in_value + 1;
	out_rb = bpf_ringbuf_output(&rb, &token, sizeof(token), 0);
	return XDP_PASS;
}

SEC("xdp")
int tail_entry(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jmp, tail_idx);
	out_tail = -1; /* reached only when the slot is empty */
	return XDP_DROP;
}

SEC("xdp")
int tail_a(struct xdp_md *ctx)
{
	(void)ctx;
	out_tail = 0xa;
	return XDP_PASS;
}

SEC("xdp")
int tail_b(struct xdp_md *ctx)
{
	(void)ctx;
	out_tail = 0xb;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
