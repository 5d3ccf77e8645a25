/* net_sock.bpf.c - a socket filter and sk_msg / sk_skb programs on a sockmap (test_attach_sock) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

__u64 filtered, msgs, msg_bytes, skbs, skb_bytes;

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} socks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} socks_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} not_socks SEC(".maps");

/* counts every packet and keeps all of it */
SEC("socket")
int sock_count(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&filtered, 1);
	return skb->len;
}

SEC("sk_msg")
int msg_count(struct sk_msg_md *msg)
{
	__sync_fetch_and_add(&msgs, 1);
	__sync_fetch_and_add(&msg_bytes, msg->size);
	return SK_PASS;
}

SEC("sk_skb/stream_verdict")
int skb_count(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&skbs, 1);
	__sync_fetch_and_add(&skb_bytes, skb->len);
	return SK_PASS;
}

/* names no sk_skb hook */
SEC("sk_skb")
int skb_plain(struct __sk_buff *skb)
{
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
