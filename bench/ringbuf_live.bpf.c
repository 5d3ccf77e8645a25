// SPDX-License-Identifier: MIT
/* ringbuf_live.bpf.c - 64-byte records into a ring buffer or a perf buffer from XDP runs on several CPUs, with the kernel's usual notifications (bench/ringbuf-live) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

struct rec64 {
	__u64 cpu;
	__u64 pad[7];
};

/* resized by the benchmark before load */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

/* records that found no room: read by the benchmark through the mmaped .bss */
__u64 lost;

SEC("xdp")
int live_ringbuf(struct xdp_md *ctx)
{
	struct rec64 *r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);

	(void)ctx;
	if (!r) {
		__sync_fetch_and_add(&lost, 1);
		return XDP_PASS;
	}
	r->cpu = bpf_get_smp_processor_id();
#pragma unroll
	for (int i = 0; i < 7; i++)
		r->pad[i] = 0;
	bpf_ringbuf_submit(r, 0); /* the kernel decides when to wake the consumer */
	return XDP_PASS;
}

SEC("xdp")
int live_perfbuf(struct xdp_md *ctx)
{
	struct rec64 r = {};

	r.cpu = bpf_get_smp_processor_id();
	if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &r, sizeof(r)))
		__sync_fetch_and_add(&lost, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
