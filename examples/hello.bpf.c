/* hello.bpf.c - "Hello World" on every execve: a tracepoint program that writes to trace_pipe */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/ptrace.h> /* struct pt_regs, for the kprobe variant */
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_tracing.h>

/*
 * The record of the syscalls/sys_enter_execve tracepoint, laid out as
 * /sys/kernel/tracing/events/syscalls/sys_enter_execve/format describes it.
 */
struct sys_enter_execve_args {
	__u64 common; /* common_type, common_flags, preempt count, common_pid */
	int syscall_nr;
	const char *filename; /* user-space pointers: read with bpf_probe_read_user_str */
	const char *const *argv;
	const char *const *envp;
};

/* The SEC name says both the program type (tracepoint) and where it attaches. */
SEC("tp/syscalls/sys_enter_execve")
int hello(struct sys_enter_execve_args *ctx)
{
	char path[64];
	int pid = bpf_get_current_pid_tgid() >> 32;

	if (bpf_probe_read_user_str(path, sizeof(path), ctx->filename) < 0)
		path[0] = '\0';
	bpf_printk("Hello World! pid %d exec %s", pid, path);
	return 0;
}

/*
 * hello --kprobe: the same greeting from a kprobe on the execve system call's
 * entry function (__x64_sys_execve, ...), on kernels built with kprobes.
 * BPF_KSYSCALL fetches the syscall's arguments from the registers.
 */
SEC("ksyscall/execve")
int BPF_KSYSCALL(hello_kprobe, const char *filename)
{
	char path[64];
	int pid = bpf_get_current_pid_tgid() >> 32;

	if (bpf_probe_read_user_str(path, sizeof(path), filename) < 0)
		path[0] = '\0';
	bpf_printk("Hello World! pid %d exec %s", pid, path);
	return 0;
}

/* bpf_trace_printk is a GPL-only helper */
char LICENSE[] SEC("license") = "GPL";
