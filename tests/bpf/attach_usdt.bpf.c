/* attach_usdt.bpf.c - USDT probes of the test binary read through ebpfmini/usdt.bpf.h (kernel-attach-usdt) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_tracing.h>
#include <ebpfmini/usdt.bpf.h>

const volatile __u32 target_tgid = 0;

__u64 hits = 0;
long args[4] = {};
long cnt = 0;
long cookie = 0;
long missing_err = 0;
__u64 auto_hits = 0;

SEC("usdt")
int BPF_USDT(on_args, int a, long b, long c, char d)
{
	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	args[0] = a;
	args[1] = b;
	args[2] = c;
	args[3] = d;
	cnt = bpf_usdt_arg_cnt(ctx);
	cookie = bpf_usdt_cookie(ctx);
	missing_err = bpf_usdt_arg(ctx, 4, &c);
	__sync_fetch_and_add(&hits, 1);
	return 0;
}

SEC("usdt//proc/self/exe:ebpfmini_test:guarded")
int BPF_USDT(on_guarded)
{
	if ((bpf_get_current_pid_tgid() >> 32) == target_tgid)
		__sync_fetch_and_add(&auto_hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
