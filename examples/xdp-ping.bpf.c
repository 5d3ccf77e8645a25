/* xdp-ping.bpf.c - count ICMP echo requests per source address at XDP, and drop them on request */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_endian.h>

/* The start of an ICMP header (<linux/icmp.h> pulls in libc headers, which BPF C cannot use). */
struct icmp_start {
	__u8 type; /* ICMP_ECHO (8): echo request */
	__u8 code;
};
#define ICMP_ECHO 8

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);   /* IPv4 source address, network byte order */
	__type(value, __u64); /* echo requests seen */
} pings SEC(".maps");

/* A flag in the .bss map: user space sets it to 1 (through mmap) to drop the pings. */
__u32 drop_pings;

SEC("xdp")
int xdp_ping(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct icmp_start *icmp;
	struct iphdr *ip;
	__u64 one = 1, *count;

	/* every read of the packet is checked against its end first: the verifier insists */
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || ip->protocol != IPPROTO_ICMP)
		return XDP_PASS;
	icmp = (void *)ip + ip->ihl * 4;
	if ((void *)(icmp + 1) > end || icmp->type != ICMP_ECHO)
		return XDP_PASS;

	count = bpf_map_lookup_elem(&pings, &ip->saddr);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&pings, &ip->saddr, &one, BPF_NOEXIST);
	return drop_pings ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
