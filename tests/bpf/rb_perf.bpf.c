/* rb_perf.bpf.c - sequence-numbered samples into a perf event array from XDP (test_perfbuf) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

struct perf_rec {
	__u64 seq;
	__u32 cpu;
	__u32 magic;
	__u8 payload[40]; /* byte i = (seq + i) & 0xff */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

__u64 seq;
__u64 failed; /* bpf_perf_event_output found no room (or no ring on this CPU) */
__s64 last_err;

SEC("xdp")
int rb_perf(struct xdp_md *ctx)
{
	struct perf_rec r = {};
	long err;

	r.seq = __sync_fetch_and_add(&seq, 1);
	r.cpu = bpf_get_smp_processor_id();
	r.magic = 0xfeedf00d;
#pragma unroll
	for (int i = 0; i < 40; i++)
		r.payload[i] = (__u8)(r.seq + i);
	err = bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &r, sizeof(r));
	if (err) {
		__sync_fetch_and_add(&failed, 1);
		last_err = err;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
