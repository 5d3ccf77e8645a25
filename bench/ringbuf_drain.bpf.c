/* ringbuf_drain.bpf.c - fills a ring buffer or a perf buffer with 64-byte records from XDP (bench/ringbuf-drain) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

struct rec64 {
	__u64 seq;
	__u64 pad[7];
};

/* resized by the benchmark before load (256 MiB) */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

/* read by the benchmark through the mmaped .bss */
struct {
	__u64 seq;
	__u64 failed;
} counters;

SEC("xdp")
int fill_ringbuf(struct xdp_md *ctx)
{
	struct rec64 *r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);

	if (!r) {
		counters.failed++;
		return XDP_PASS;
	}
	r->seq = counters.seq++;
#pragma unroll
	for (int i = 0; i < 7; i++)
		r->pad[i] = 0;
	/* the consumer is not waiting: no notification per record */
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	return XDP_PASS;
}

SEC("xdp")
int fill_perfbuf(struct xdp_md *ctx)
{
	struct rec64 r = {};

	r.seq = counters.seq++;
	if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &r, sizeof(r)))
		counters.failed++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
