/* net_pkt.h - UDP-over-IPv4 parsing shared by the net_*.bpf.c test programs */
#ifndef NET_PKT_H
#define NET_PKT_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_endian.h>
#include <ebpfmini/bpf_helpers.h>

/*
 * Offset of the UDP payload of an Ethernet frame in [data, end) when it is
 * IPv4 UDP to destination port port (host order), else -1.
 */
static __always_inline int udp_payload_off(void *data, void *end, __u16 port)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct udphdr *udp;
	__u32 ihl;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return -1;
	if (ip->protocol != IPPROTO_UDP)
		return -1;
	ihl = ip->ihl * 4;
	if (ihl < sizeof(*ip) || ihl > 60)
		return -1;
	udp = (void *)ip + ihl;
	if ((void *)(udp + 1) > end || udp->dest != bpf_htons(port))
		return -1;
	return sizeof(*eth) + ihl + sizeof(*udp);
}

#endif /* NET_PKT_H */
