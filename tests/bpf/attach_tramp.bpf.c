/* attach_tramp.bpf.c - trampoline programs: fentry, fexit, fmod_ret, lsm on the test's unlink() and open() (kernel-attach-trace) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

const volatile __u32 target_tgid = 0;

__u64 entries = 0;
__u64 exits = 0;
__u64 modret = 0;
__u64 lsm_opens = 0;

static __always_inline int mine(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("fentry/do_unlinkat")
int on_unlink_entry(__u64 *ctx)
{
	if (mine())
		__sync_fetch_and_add(&entries, 1);
	return 0;
}

SEC("fexit/do_unlinkat")
int on_unlink_exit(__u64 *ctx)
{
	if (mine())
		__sync_fetch_and_add(&exits, 1);
	return 0;
}

/* security_* functions take fmod_ret; returning 0 keeps the kernel's answer */
SEC("fmod_ret/security_file_open")
int on_file_open_ret(__u64 *ctx)
{
	if (mine())
		__sync_fetch_and_add(&modret, 1);
	return 0;
}

SEC("lsm/file_open")
int on_lsm_file_open(__u64 *ctx)
{
	if (mine())
		__sync_fetch_and_add(&lsm_opens, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
