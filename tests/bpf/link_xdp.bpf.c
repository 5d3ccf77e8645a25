/* link_xdp.bpf.c - two trivial XDP programs to swap behind one link (test_link) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

SEC("xdp")
int xdp_first(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int xdp_second(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
