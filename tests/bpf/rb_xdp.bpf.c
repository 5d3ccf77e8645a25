/* rb_xdp.bpf.c - sequence-numbered ring buffer records written from XDP under BPF_PROG_TEST_RUN (test_ringbuf) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

#define NPROD 8 /* producers: the first 4 bytes of the test packet name one */

/* what every record starts with (the test reads it back) */
struct rb_rec {
	__u32 producer;
	__u32 len; /* payload size the program asked for */
	__u64 seq; /* per producer, from 0, counting failed and discarded ones too */
};

/* sizes are set by the test before load (one page for the stress test) */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb2 SEC(".maps");

/* discard the records whose seq % discard_every == discard_every - 1 (0: never) */
const volatile __u32 discard_every = 0;

/* read by the test through the mmaped .bss */
__u64 seqs[NPROD];
__u64 failed[NPROD];    /* bpf_ringbuf_reserve/output found no room */
__u64 discarded[NPROD];

static __always_inline __u32 producer_of(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	if (data + 4 > end)
		return 0;
	return *(__u32 *)data & (NPROD - 1);
}

/* fixed-size record through reserve/submit (or discard) */
SEC("xdp")
int rb_reserve(struct xdp_md *ctx)
{
	__u32 p = producer_of(ctx);
	__u64 seq = __sync_fetch_and_add(&seqs[p], 1);
	struct rb_rec *r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);

	if (!r) {
		__sync_fetch_and_add(&failed[p], 1);
		return XDP_PASS;
	}
	r->producer = p;
	r->len = sizeof(*r);
	r->seq = seq;
	if (discard_every && seq % discard_every == discard_every - 1) {
		__sync_fetch_and_add(&discarded[p], 1);
		bpf_ringbuf_discard(r, 0);
	} else {
		bpf_ringbuf_submit(r, 0);
	}
	return XDP_PASS;
}

/* records of 16..44 bytes (most not a multiple of 8) through bpf_ringbuf_output;
 * payload byte i (from 16 on) is (seq + i) & 0xff */
SEC("xdp")
int rb_output(struct xdp_md *ctx)
{
	__u32 p = producer_of(ctx);
	__u64 seq = __sync_fetch_and_add(&seqs[p], 1);
	__u8 buf[48] = {};
	struct rb_rec *r = (struct rb_rec *)buf;
	__u32 len = 16 + (__u32)(seq & 7) * 4 - (__u32)(seq & 1);

	r->producer = p;
	r->len = len;
	r->seq = seq;
#pragma unroll
	for (int i = 16; i < 48; i++)
		buf[i] = (__u8)(seq + i);
	if (len > sizeof(buf))
		return XDP_ABORTED;
	if (bpf_ringbuf_output(&rb, buf, len, 0))
		__sync_fetch_and_add(&failed[p], 1);
	return XDP_PASS;
}

/* a second ring, for a consumer of several rings */
SEC("xdp")
int rb_second(struct xdp_md *ctx)
{
	__u32 p = producer_of(ctx);
	__u64 seq = __sync_fetch_and_add(&seqs[p], 1);
	struct rb_rec r = { .producer = p, .len = sizeof(r), .seq = seq };

	if (bpf_ringbuf_output(&rb2, &r, sizeof(r), 0))
		__sync_fetch_and_add(&failed[p], 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
