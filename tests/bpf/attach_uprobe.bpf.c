/* attach_uprobe.bpf.c - uprobes and uretprobes on the test binary and on libc (kernel-attach-trace) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_tracing.h>

const volatile __u32 target_tgid = 0;

/* uprobe_target(int x) in the test binary, attached explicitly */
__u64 hits = 0;
__u64 arg_sum = 0;
__u64 cookie = 0;
__u64 ret_hits = 0;
__u64 ret_sum = 0;
/* auto-attached from the SEC name */
__u64 auto_hits = 0;
__u64 libc_hits = 0;
__u64 libc_ret_hits = 0;
__u64 libc_last_ret = 0;
/* attached with a pid filter: every call the kernel lets through */
__u64 pid_hits = 0;
__u32 pid_last_tgid = 0;
/* attached through tracefs uprobe_events */
__u64 legacy_hits = 0;

static __always_inline int mine(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("uprobe")
int BPF_UPROBE(on_target, int x)
{
	if (mine()) {
		__sync_fetch_and_add(&hits, 1);
		__sync_fetch_and_add(&arg_sum, x);
		cookie = bpf_get_attach_cookie(ctx);
	}
	return 0;
}

SEC("uretprobe")
int BPF_URETPROBE(on_target_ret, int ret)
{
	if (mine()) {
		__sync_fetch_and_add(&ret_hits, 1);
		__sync_fetch_and_add(&ret_sum, ret);
	}
	return 0;
}

SEC("uprobe//proc/self/exe:uprobe_auto_target")
int BPF_UPROBE(on_auto_target)
{
	if (mine())
		__sync_fetch_and_add(&auto_hits, 1);
	return 0;
}

SEC("uprobe/libc.so.6:getpid")
int BPF_UPROBE(on_libc_getpid)
{
	if (mine())
		__sync_fetch_and_add(&libc_hits, 1);
	return 0;
}

SEC("uretprobe/libc.so.6:getpid")
int BPF_URETPROBE(on_libc_getpid_ret, int ret)
{
	if (mine()) {
		__sync_fetch_and_add(&libc_ret_hits, 1);
		libc_last_ret = ret;
	}
	return 0;
}

SEC("uprobe")
int BPF_UPROBE(on_target_pid)
{
	__sync_fetch_and_add(&pid_hits, 1);
	pid_last_tgid = bpf_get_current_pid_tgid() >> 32;
	return 0;
}

SEC("uprobe")
int BPF_UPROBE(on_target_legacy)
{
	if (mine())
		__sync_fetch_and_add(&legacy_hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
