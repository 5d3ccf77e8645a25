/* attach_trace.bpf.c - raw tracepoints (raw_tp, raw_tp.w) and tp_btf counting the test's getpid() calls (kernel-attach-trace) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

#define NR_GETPID 39 /* x86-64 */

/* set by the test before load: only this process is counted */
const volatile __u32 target_tgid = 0;

/* read by the test through the mmaped .bss */
__u64 raw_getpid = 0;
__u64 btf_getpid = 0;
__u64 test_finish = 0;
__u64 pinned_getpid = 0;

static __always_inline int mine(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

/* raw tracepoint: args[0] is struct pt_regs *, args[1] the syscall number */
SEC("raw_tp/sys_enter")
int raw_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[1] == NR_GETPID && mine())
		__sync_fetch_and_add(&raw_getpid, 1);
	return 0;
}

/* the same, a second program for the pin test (SEC spelled raw_tracepoint/) */
SEC("raw_tracepoint/sys_enter")
int raw_pinned(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[1] == NR_GETPID && mine())
		__sync_fetch_and_add(&pinned_getpid, 1);
	return 0;
}

/* BTF-typed tracepoint: the arguments of btf_trace_sys_enter as u64s */
SEC("tp_btf/sys_enter")
int btf_sys_enter(__u64 *ctx)
{
	if ((long)ctx[1] == NR_GETPID && mine())
		__sync_fetch_and_add(&btf_getpid, 1);
	return 0;
}

/* a writable raw tracepoint: bpf_test_finish fires at the end of BPF_PROG_TEST_RUN */
SEC("raw_tp.w/bpf_test_finish")
int on_test_finish(struct bpf_raw_tracepoint_args *ctx)
{
	if (mine())
		__sync_fetch_and_add(&test_finish, 1);
	return 0;
}

/* run with BPF_PROG_TEST_RUN to make bpf_test_finish fire */
SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
