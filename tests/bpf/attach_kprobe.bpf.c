/* attach_kprobe.bpf.c - kprobe, kretprobe, ksyscall and kretsyscall programs (kernel-attach-trace; skipped without kprobes) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_tracing.h>

const volatile __u32 target_tgid = 0;

__u64 kprobe_hits = 0;
__u64 kretprobe_hits = 0;
__u64 ksyscall_hits = 0;
__u64 kretsyscall_hits = 0;
__u64 last_getpid_ret = 0;

static __always_inline int mine(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(on_unlinkat)
{
	if (mine())
		__sync_fetch_and_add(&kprobe_hits, 1);
	return 0;
}

SEC("kretprobe/do_unlinkat")
int BPF_KRETPROBE(on_unlinkat_ret)
{
	if (mine())
		__sync_fetch_and_add(&kretprobe_hits, 1);
	return 0;
}

SEC("ksyscall/getpid")
int BPF_KSYSCALL(on_getpid)
{
	if (mine())
		__sync_fetch_and_add(&ksyscall_hits, 1);
	return 0;
}

SEC("kretsyscall/getpid")
int BPF_KRETPROBE(on_getpid_ret, long ret)
{
	if (mine()) {
		__sync_fetch_and_add(&kretsyscall_hits, 1);
		last_getpid_ret = ret;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
