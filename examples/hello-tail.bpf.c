/* hello-tail.bpf.c - dispatch every syscall entry by number to small programs with tail calls */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

/* Slot N holds the program for syscall number N; user space fills it after load. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 512);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} syscall SEC(".maps");

/* A global variable lives in the .bss map; user space reads it through mmap. */
struct {
	__u64 exec, timer, ignored, other;
} calls;

/* Attached to raw tracepoint sys_enter: args[0] is the pt_regs, args[1] the syscall number. */
SEC("raw_tp/sys_enter")
int hello(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 opcode = ctx->args[1];

	/* jump to the program in slot opcode: on success this never returns */
	bpf_tail_call(ctx, &syscall, opcode);
	/* only reached when the slot is empty */
	__sync_fetch_and_add(&calls.other, 1);
	return 0;
}

/* The programs a tail call can reach: same type (raw_tp), no attach point of their own. */
SEC("raw_tp")
int hello_exec(struct bpf_raw_tracepoint_args *ctx)
{
	__sync_fetch_and_add(&calls.exec, 1);
	return 0;
}

SEC("raw_tp")
int hello_timer(struct bpf_raw_tracepoint_args *ctx)
{
	__sync_fetch_and_add(&calls.timer, 1);
	return 0;
}

SEC("raw_tp")
int ignore_opcode(struct bpf_raw_tracepoint_args *ctx)
{
	__sync_fetch_and_add(&calls.ignored, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
