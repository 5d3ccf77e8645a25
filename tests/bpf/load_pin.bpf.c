// SPDX-License-Identifier: MIT
/* load_pin.bpf.c - a map pinned by name, reused by the next load of the object (test_pin) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__type(key, __u32);
	__type(value, __u64);
} shared_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} private_state SEC(".maps");

SEC("xdp")
int count(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 one = 1, *val;

	(void)ctx;
	val = bpf_map_lookup_elem(&shared_counts, &key);
	if (val)
		__sync_fetch_and_add(val, 1);
	else
		bpf_map_update_elem(&shared_counts, &key, &one, BPF_NOEXIST);
	val = bpf_map_lookup_elem(&private_state, &key);
	if (val)
		*val += 1;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
