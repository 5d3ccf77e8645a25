/* freplace.bpf.c - an XDP program whose function other programs replace (freplace) and trace (fentry, fexit) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

__u64 calls = 0;       /* fentry: how often verdict() ran */
__u64 last_result = 0; /* fexit: what it returned last */

/*
 * The firewall's policy. Global and never inlined: freplace can replace only
 * such a function, and fentry/fexit attach to it by its name in the BTF.
 */
__attribute__((noinline)) int verdict(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	return data + 14 <= end ? XDP_PASS : XDP_DROP; /* room for an Ethernet header */
}

SEC("xdp")
int firewall(struct xdp_md *ctx)
{
	return verdict(ctx);
}

/* A new policy for the loaded firewall: the same prototype as verdict() */
SEC("freplace/verdict")
int drop_everything(struct xdp_md *ctx)
{
	return XDP_DROP;
}

/* A function of a BPF program traced like a kernel function: ctx holds its arguments */
SEC("fentry/verdict")
int count_verdict(__u64 *ctx)
{
	__sync_fetch_and_add(&calls, 1);
	return 0;
}

/* fexit: after the argument (ctx[0]) comes the return value */
SEC("fexit/verdict")
int see_verdict(__u64 *ctx)
{
	last_result = ctx[1];
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
