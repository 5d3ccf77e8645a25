/* freplace_target.bpf.c - program A of kernel-freplace: XDP whose verdict comes from a global function that freplace replaces and fentry/fexit trace */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

/*
 * Global and never inlined: freplace replaces only such functions. Its result
 * depends on the packet, so clang cannot fold it into the caller.
 */
__attribute__((noinline)) int verdict(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	return data + 14 <= end ? XDP_PASS : XDP_ABORTED;
}

/* static: freplace refuses it (the kernel keeps no promise about its prototype) */
static __attribute__((noinline)) int bump(__u32 x)
{
	return (int)x + 1;
}

SEC("xdp")
int xdp_main(struct xdp_md *ctx)
{
	return verdict(ctx) + bump(ctx->rx_queue_index) - (int)ctx->rx_queue_index - 1;
}

char LICENSE[] SEC("license") = "GPL";
