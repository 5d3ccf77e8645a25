// SPDX-License-Identifier: MIT
/* load_many.bpf.c - eight XDP programs, the 3rd and the 6th refused by the verifier for different reasons: programs verified side by side (test_load) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} vals SEC(".maps");

#define GOOD(n)                                                                                    \
	SEC("xdp") int good##n(struct xdp_md *ctx)                                                 \
	{                                                                                          \
		(void)ctx;                                                                         \
		return XDP_PASS;                                                                   \
	}

GOOD(1)
GOOD(2)

SEC("xdp")
int bad_first(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&vals, &key);

	(void)ctx;
	return (int)*val; /* no NULL check */
}

GOOD(4)
GOOD(5)

SEC("xdp")
int bad_second(struct xdp_md *ctx)
{
	char buf[8];

	(void)ctx;
	return buf[3]; /* read of an uninitialised stack slot */
}

GOOD(7)
GOOD(8)

char LICENSE[] SEC("license") = "GPL";
