/* tc-snat.bpf.c - rewrite the source address of TCP packets at TC egress, checksums fixed up */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_endian.h>

/* Set by user space before load (in .rodata: the verifier then knows them as constants). */
const volatile struct {
	__u32 from_addr, to_addr; /* network byte order */
	__u16 port;               /* the service port, network byte order */
} cfg;

/* Counters in .bss, read by user space through mmap. */
struct {
	__u64 out, back;
} rewritten;

#define IP_CSUM_OFF (ETH_HLEN + offsetof(struct iphdr, check))
#define IP_SRC_OFF (ETH_HLEN + offsetof(struct iphdr, saddr))
#define IP_DST_OFF (ETH_HLEN + offsetof(struct iphdr, daddr))

/*
 * Replace the address at addr_off (old -> new) and patch both checksums
 * incrementally: the IP header checksum covers the address, and so does the
 * TCP checksum through its pseudo header (BPF_F_PSEUDO_HDR).
 */
static __always_inline void rewrite(struct __sk_buff *skb, __u32 addr_off, __u32 old, __u32 new,
				    __u32 tcp_csum_off)
{
	bpf_l4_csum_replace(skb, tcp_csum_off, old, new, BPF_F_PSEUDO_HDR | sizeof(new));
	bpf_l3_csum_replace(skb, IP_CSUM_OFF, old, new, sizeof(new));
	bpf_skb_store_bytes(skb, addr_off, &new, sizeof(new), 0);
}

SEC("tc/egress")
int snat(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp;
	__u32 tcp_csum_off;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_TCP)
		return TC_ACT_OK; /* = TCX_PASS: let it go on */
	tcp = (void *)ip + ip->ihl * 4;
	if ((void *)(tcp + 1) > end)
		return TC_ACT_OK;
	tcp_csum_off = ETH_HLEN + ip->ihl * 4 + offsetof(struct tcphdr, check);

	if (tcp->dest == cfg.port && ip->saddr == cfg.from_addr) {
		/* to the service: source from_addr becomes to_addr */
		rewrite(skb, IP_SRC_OFF, cfg.from_addr, cfg.to_addr, tcp_csum_off);
		__sync_fetch_and_add(&rewritten.out, 1);
	} else if (tcp->source == cfg.port && ip->daddr == cfg.to_addr) {
		/* its replies: destination to_addr back to from_addr, so the client's socket matches */
		rewrite(skb, IP_DST_OFF, cfg.to_addr, cfg.from_addr, tcp_csum_off);
		__sync_fetch_and_add(&rewritten.back, 1);
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
