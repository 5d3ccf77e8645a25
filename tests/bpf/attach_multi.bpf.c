/* attach_multi.bpf.c - kprobe.multi, uprobe.multi and session programs with cookies (kernel-attach-multi) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_tracing.h>

const volatile __u32 target_tgid = 0;

__u64 k_hits = 0, k_cookies = 0, kret_hits = 0, kauto_hits = 0, ksession_hits = 0;
__u64 u_hits = 0, u_cookies = 0, uret_hits = 0, uauto_hits = 0, usession_hits = 0;

static __always_inline int mine(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("kprobe.multi")
int on_kmulti(struct pt_regs *ctx)
{
	if (mine()) {
		__sync_fetch_and_add(&k_hits, 1);
		__sync_fetch_and_add(&k_cookies, bpf_get_attach_cookie(ctx));
	}
	return 0;
}

SEC("kretprobe.multi")
int on_kmulti_ret(struct pt_regs *ctx)
{
	if (mine())
		__sync_fetch_and_add(&kret_hits, 1);
	return 0;
}

SEC("kprobe.multi/do_unlinka*")
int on_kmulti_auto(struct pt_regs *ctx)
{
	if (mine())
		__sync_fetch_and_add(&kauto_hits, 1);
	return 0;
}

/* entry returns 0: the same program runs at the return too */
SEC("kprobe.session/do_unlinkat")
int on_ksession(struct pt_regs *ctx)
{
	if (mine())
		__sync_fetch_and_add(&ksession_hits, 1);
	return 0;
}

SEC("uprobe.multi")
int on_umulti(struct pt_regs *ctx)
{
	if (mine()) {
		__sync_fetch_and_add(&u_hits, 1);
		__sync_fetch_and_add(&u_cookies, bpf_get_attach_cookie(ctx));
	}
	return 0;
}

SEC("uretprobe.multi")
int on_umulti_ret(struct pt_regs *ctx)
{
	if (mine())
		__sync_fetch_and_add(&uret_hits, 1);
	return 0;
}

SEC("uprobe.multi//proc/self/exe:multi_target_*")
int on_umulti_auto(struct pt_regs *ctx)
{
	if (mine())
		__sync_fetch_and_add(&uauto_hits, 1);
	return 0;
}

SEC("uprobe.session//proc/self/exe:multi_target_a")
int on_usession(struct pt_regs *ctx)
{
	if (mine())
		__sync_fetch_and_add(&usession_hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
