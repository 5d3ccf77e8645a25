/* attach-types.bpf.c - one exec event seen through seven kinds of hook */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

/* hits[i]: how often the program of hook i ran (user space reads .bss) */
__u64 hits[7];

/* 1. tracepoint: a stable event with a fixed record, found through tracefs */
SEC("tp/sched/sched_process_exec")
int on_tracepoint(void *ctx)
{
	__sync_fetch_and_add(&hits[0], 1);
	return 0;
}

/* 2. raw tracepoint: the same event, its raw arguments, no tracefs */
SEC("raw_tp/sched_process_exec")
int on_raw_tp(struct bpf_raw_tracepoint_args *ctx)
{
	__sync_fetch_and_add(&hits[1], 1);
	return 0;
}

/* 3. BTF tracepoint: the same again, with arguments typed by kernel BTF */
SEC("tp_btf/sched_process_exec")
int on_tp_btf(__u64 *ctx)
{
	__sync_fetch_and_add(&hits[2], 1);
	return 0;
}

/* 4. fentry: entry of a kernel function, through a BPF trampoline */
SEC("fentry/security_bprm_check")
int on_fentry(__u64 *ctx)
{
	__sync_fetch_and_add(&hits[3], 1);
	return 0;
}

/* 5. kprobe: the same kernel function, through a breakpoint */
SEC("kprobe/security_bprm_check")
int on_kprobe(void *ctx)
{
	__sync_fetch_and_add(&hits[4], 1);
	return 0;
}

/* 6. ksyscall: a kprobe on the execve system call's entry (__x64_sys_execve, ...) */
SEC("ksyscall/execve")
int on_ksyscall(void *ctx)
{
	__sync_fetch_and_add(&hits[5], 1);
	return 0;
}

/* 7. uprobe: the execve() function of the C library, in the calling process */
SEC("uprobe/libc.so.6:execve")
int on_uprobe(void *ctx)
{
	__sync_fetch_and_add(&hits[6], 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
