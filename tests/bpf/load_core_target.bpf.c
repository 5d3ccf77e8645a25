// SPDX-License-Identifier: MIT
/* load_core_target.bpf.c - not a program: the BTF of a "kernel" for unit tests given as btf_custom_path (unit-load-faults, unit-load-extern) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

/* load_core.bpf.c's struct sample, with b moved from offset 4 to 12 */
struct sample {
	long pad;
	int a;
	int b;
};
struct sample sample_instance;

/* what open_ksym.bpf.c asks for: two kfuncs and the tracepoint types of its tp_btf programs */
__attribute__((noinline)) void bpf_rcu_read_lock(void)
{
	barrier();
}
__attribute__((noinline)) void bpf_rcu_read_unlock(void)
{
	barrier();
}
/* what load_ksym.bpf.c asks for: kfuncs, per-CPU variables */
struct task_struct {
	int pid;
	int tgid;
};
__attribute__((noinline)) struct task_struct *bpf_task_from_pid(int pid)
{
	barrier_var(pid);
	return 0;
}
__attribute__((noinline)) struct task_struct *bpf_task_acquire(struct task_struct *p)
{
	barrier_var(p);
	return p;
}
__attribute__((noinline)) void bpf_task_release(struct task_struct *p)
{
	barrier_var(p);
}
struct rq {
	int cpu;
};
struct rq runqueues;
int bpf_prog_active;

typedef void (*btf_trace_sys_enter)(void *, long);
typedef void (*btf_trace_sys_exit)(void *, long);
btf_trace_sys_enter sys_enter_instance;
btf_trace_sys_exit sys_exit_instance;

char LICENSE[] SEC("license") = "GPL";
