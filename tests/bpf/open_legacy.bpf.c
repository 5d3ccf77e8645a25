/* open_legacy.bpf.c - legacy "maps" section (struct bpf_map_def records) for the open unit tests */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

struct legacy_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct legacy_map_def counters SEC("maps") = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = 4,
	.value_size = 8,
	.max_entries = 16,
};

struct legacy_map_def flows SEC("maps") = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = 8,
	.value_size = 16,
	.max_entries = 1024,
	.map_flags = BPF_F_NO_PREALLOC,
};

SEC("socket")
int count_packets(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 fkey = 1;
	__u64 *v = bpf_map_lookup_elem(&counters, &key);

	if (v)
		*v += 1;
	return bpf_map_lookup_elem(&flows, &fkey) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
