// SPDX-License-Identifier: MIT
/* load_bad.bpf.c - a program the verifier rejects next to one it accepts (test_load, test_fdleak) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

/* a hash: newer verifiers know that an array lookup with a constant in-bounds key is never NULL */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} vals SEC(".maps");

__u64 seen; /* .bss, so that a failed load also has global data to roll back */

SEC("xdp")
int good(struct xdp_md *ctx)
{
	(void)ctx;
	seen++;
	return XDP_PASS;
}

SEC("xdp")
int bad(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&vals, &key);

	(void)ctx;
	return (int)*val; /* no NULL check: the verifier must refuse this line */
}

char LICENSE[] SEC("license") = "GPL";
