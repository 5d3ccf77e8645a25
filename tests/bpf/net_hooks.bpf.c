/* net_hooks.bpf.c - netfilter, sk_lookup and flow_dissector programs (test_attach_net) */
#include "net_pkt.h"

__u16 lookup_port; /* sk_lookup: TCP connections to this port go to the socket in lookup_map */

__u64 nf_packets, lookups, steered, dissected;

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lookup_map SEC(".maps");

SEC("netfilter")
int nf_count(void *ctx)
{
	__sync_fetch_and_add(&nf_packets, 1);
	return 1; /* NF_ACCEPT */
}

SEC("sk_lookup")
int steer(struct bpf_sk_lookup *ctx)
{
	struct bpf_sock *sk;
	__u32 zero = 0;
	long err;

	if (ctx->protocol != IPPROTO_TCP || ctx->local_port != lookup_port)
		return SK_PASS;
	__sync_fetch_and_add(&lookups, 1);
	sk = bpf_map_lookup_elem(&lookup_map, &zero);
	if (!sk)
		return SK_PASS;
	err = bpf_sk_assign(ctx, sk, 0);
	bpf_sk_release(sk);
	if (err == 0)
		__sync_fetch_and_add(&steered, 1);
	return err ? SK_DROP : SK_PASS;
}

/* counts and lets the kernel's own dissector do the work */
SEC("flow_dissector")
int dissect(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&dissected, 1);
	return BPF_FLOW_DISSECTOR_CONTINUE;
}

char LICENSE[] SEC("license") = "GPL";
