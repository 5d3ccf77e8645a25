/* multi.bpf.c - one program on many functions through one link: uprobe.multi with cookies, kprobe.multi by pattern, and sessions */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

const volatile __u32 target_tgid = 0; /* set before load: only this process counts */

__u64 calls[4] = {};   /* uprobe.multi: calls per cookie (the function's index) */
__u64 unlinks = 0;     /* kprobe.multi */
__u64 session_runs[2]; /* [0] uprobe.session, [1] kprobe.session: entry and return */

static __always_inline int mine(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

/* No target in the name: user space names the functions, each with a cookie */
SEC("uprobe.multi")
int count_libc(void *ctx)
{
	__u64 i = bpf_get_attach_cookie(ctx);

	if (i < 4)
		__sync_fetch_and_add(&calls[i], 1);
	return 0;
}

/* Every kernel function the pattern matches, one link (needs CONFIG_FPROBE) */
SEC("kprobe.multi/do_unlinka*")
int count_unlink(void *ctx)
{
	if (mine())
		__sync_fetch_and_add(&unlinks, 1);
	return 0;
}

/* Sessions: returning 0 at entry makes the same program run at the return too */
SEC("uprobe.session/libc.so.6:getuid")
int getuid_session(void *ctx)
{
	if (mine())
		__sync_fetch_and_add(&session_runs[0], 1);
	return 0;
}

SEC("kprobe.session/do_unlinkat")
int unlink_session(void *ctx)
{
	if (mine())
		__sync_fetch_and_add(&session_runs[1], 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
