/* hello-func.bpf.c - a BPF-to-BPF function call that the compiler keeps as a real call */
#include <linux/types.h>
#include <linux/bpf.h>
#include <asm/unistd.h> /* __NR_execve of the target architecture */
#include <ebpfmini/bpf_helpers.h>

struct {
	__u64 syscalls, execs;
} seen; /* in .bss: user space reads it */

/*
 * __noinline keeps get_opcode a function of its own: the program calls it
 * with a "call" instruction whose target is another instruction (a
 * BPF-to-BPF call), not a helper. The loader appends its code after the
 * program's and fixes up the call's offset.
 */
static __noinline __u64 get_opcode(struct bpf_raw_tracepoint_args *ctx)
{
	return ctx->args[1];
}

SEC("raw_tp/sys_enter")
int hello(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 opcode = get_opcode(ctx);

	__sync_fetch_and_add(&seen.syscalls, 1);
	if (opcode == __NR_execve)
		__sync_fetch_and_add(&seen.execs, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
