/* tool_maps.bpf.c - maps with typed keys and values and a counting XDP program, for the tool's tests */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

enum color { RED = 1, GREEN = 2, BLUE = 7 };

struct point {
	__s16 x, y;
};

struct record {
	__u32 count;
	enum color color;
	char label[8];
	__u16 samples[3];
	struct point where;
	__u8 small : 3, flag : 1;
	__s64 delta;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct record);
} records SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 4);
	__type(value, __u32);
} fifo SEC(".maps");

__u64 packets = 0;

/* counts the packets it sees and passes them (XDP_PASS = 2) */
SEC("xdp")
int count_xdp(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&packets, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
