// SPDX-License-Identifier: MIT
/* load_mim.bpf.c - a map of maps with an initial inner map from __array(values, ...) (test_load) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

struct inner_def {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
};

struct inner_def inner_a SEC(".maps");
struct inner_def inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner_def);
} outer SEC(".maps") = {
	.values = { [0] = &inner_a },
};

__s64 got;
__u32 slot;

SEC("xdp")
int read_inner(struct xdp_md *ctx)
{
	__u32 zero = 0;
	__u64 *val;
	void *inner;

	(void)ctx;
	inner = bpf_map_lookup_elem(&outer, &slot);
	if (!inner) {
		got = -1;
		return XDP_PASS;
	}
	val = bpf_map_lookup_elem(inner, &zero);
	got = val ? (__s64)*val : -2;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
