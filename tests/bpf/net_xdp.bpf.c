/* net_xdp.bpf.c - XDP and tcx programs on loopback UDP (test_attach_net) */
#include "net_pkt.h"

/* set by the test through the mmaped .bss after load */
__u16 port;        /* UDP destination port the programs look at */
__u32 drop;        /* xdp_count: 1 = drop what it counts */
__u8 rewrite_to;   /* tc_rewrite: the new first payload byte */

/* read by the test */
__u64 xdp_seen, xdp_dropped, xdp_second_seen, tc_rewritten, tc_counted;

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;

	if (udp_payload_off(data, end, port) < 0)
		return XDP_PASS;
	__sync_fetch_and_add(&xdp_seen, 1);
	if (drop) {
		__sync_fetch_and_add(&xdp_dropped, 1);
		return XDP_DROP;
	}
	return XDP_PASS;
}

/* the program an update swaps in: counts elsewhere, never drops */
SEC("xdp")
int xdp_second(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;

	if (udp_payload_off(data, end, port) >= 0)
		__sync_fetch_and_add(&xdp_second_seen, 1);
	return XDP_PASS;
}

/* egress: the first payload byte becomes rewrite_to (the test sends without UDP checksum) */
SEC("tc/egress")
int tc_rewrite(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	int off = udp_payload_off(data, end, port);
	__u8 b = rewrite_to;

	if (off < 0)
		return 0; /* TCX_PASS */
	if (bpf_skb_store_bytes(skb, off, &b, 1, 0) == 0)
		__sync_fetch_and_add(&tc_rewritten, 1);
	return 0;
}

/* a second egress program, to order against the first (TCX_NEXT: run the rest) */
SEC("tcx/egress")
int tc_count(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;

	if (udp_payload_off(data, end, port) >= 0)
		__sync_fetch_and_add(&tc_counted, 1);
	return -1; /* TCX_NEXT */
}

/* a classifier that names no direction */
SEC("tc")
int tc_plain(struct __sk_buff *skb)
{
	return -1;
}

char LICENSE[] SEC("license") = "GPL";
