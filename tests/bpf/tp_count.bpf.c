/* tp_count.bpf.c - counts getpid/getppid calls of one process from tracepoints (test_tracepoint) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

/* set by the test before load: only this process is counted */
const volatile __u32 target_tgid = 0;

/* read by the test through the mmaped .bss */
struct tp_counts {
	__u64 getpid;
	__u64 getppid;
} counts = {};

static __always_inline int mine(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("tp/syscalls/sys_enter_getpid")
int count_getpid(void *ctx)
{
	if (mine())
		__sync_fetch_and_add(&counts.getpid, 1);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int count_getppid(void *ctx)
{
	if (mine())
		__sync_fetch_and_add(&counts.getppid, 1);
	return 0;
}

/* needs an interface to attach to: auto-attach must refuse it */
SEC("xdp")
int not_auto(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
