// SPDX-License-Identifier: MIT
/* compat.bpf.c - an object built with ebpfmini's headers that libbpf must load too */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

const volatile __u32 verdict = XDP_PASS; /* .rodata: set before load */
__u64 runs;                              /* .bss */
__u32 bias = 40;                         /* .data */

static __noinline __u32 add_bias(__u32 v)
{
	return v + bias;
}

SEC("xdp")
int compat_xdp(struct xdp_md *ctx)
{
	__u32 key = add_bias(2);
	__u64 one = 1, *val;

	(void)ctx;
	runs++;
	val = bpf_map_lookup_elem(&counts, &key);
	if (val)
		__sync_fetch_and_add(val, 1);
	else
		bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
	return verdict;
}

char LICENSE[] SEC("license") = "GPL";
