/* freplace_ext.bpf.c - programs on functions of freplace_target's XDP program: freplace, fentry, fexit (kernel-freplace) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

__u64 replaced = 0;
__u64 entries = 0;
__u64 exits = 0;
__u64 last_ret = 0;

/* the prototype must be verdict()'s: int (struct xdp_md *) */
SEC("freplace/verdict")
int new_verdict(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&replaced, 1);
	return XDP_TX;
}

/* bare: the function comes from ebpfmini_program_set_attach_target() */
SEC("freplace")
int drop_verdict(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("fentry/verdict")
int on_verdict_entry(__u64 *ctx)
{
	__sync_fetch_and_add(&entries, 1);
	return 0;
}

/* fexit: ctx[0] is the argument, ctx[1] the value verdict() returned */
SEC("fexit/verdict")
int on_verdict_exit(__u64 *ctx)
{
	__sync_fetch_and_add(&exits, 1);
	last_ret = ctx[1];
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
