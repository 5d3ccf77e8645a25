// SPDX-License-Identifier: MIT
/* load_ksym.bpf.c - kfuncs, typed and typeless ksyms and __weak externs the kernel lacks (kernel-ksym) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

/* Only what the program reads: CO-RE finds the kernel's layout. */
struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

/* kfuncs (written without vmlinux.h: declarations of the kernel's own) */
extern struct task_struct *bpf_task_from_pid(__s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
/* __weak and present: bpf_ksym_exists() loads its address (BPF_PSEUDO_BTF_ID of a FUNC) */
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym __weak;
/* a kfunc no kernel has: __weak, so its call must be dead code */
extern void ebpfmini_no_such_kfunc(int x) __ksym __weak;

/* typed ksyms: per-CPU variables the kernel's BTF describes */
struct rq; /* only declared: the kernel's struct rq fits */
extern const struct rq runqueues __ksym;
extern const int bpf_prog_active __ksym;
/* a typed ksym no kernel has */
extern const int ebpfmini_no_such_var __ksym __weak;
/* typeless ksym: an address from /proc/kallsyms */
extern const void _stext __ksym;
extern const void ebpfmini_no_such_symbol __ksym __weak;

/* in: set by user space; out: what the program saw */
int pid_in;
int tgid_out = -1;
int found_task;
int has_missing_kfunc = -1;
int has_task_acquire = -1;
int has_missing_var = -1;
__u64 stext_addr;
__u64 missing_symbol_addr = 1;
int rq_ok;
int prog_active_ok;

SEC("syscall")
int use_ksyms(void *ctx)
{
	struct task_struct *task;

	(void)ctx;
	task = bpf_task_from_pid(pid_in);
	if (task) {
		found_task = 1;
		tgid_out = task->tgid;
		bpf_task_release(task);
	}
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();

	has_task_acquire = bpf_ksym_exists(bpf_task_acquire);
	has_missing_kfunc = bpf_ksym_exists(ebpfmini_no_such_kfunc);
	if (bpf_ksym_exists(ebpfmini_no_such_kfunc))
		ebpfmini_no_such_kfunc(1); /* poisoned; the verifier prunes it */
	has_missing_var = bpf_ksym_exists(&ebpfmini_no_such_var);

	stext_addr = (__u64)&_stext;
	missing_symbol_addr = (__u64)&ebpfmini_no_such_symbol;
	return 0;
}

/*
 * Typed ksyms of variables: the verifier looks their address up by name, which
 * needs a kernel with CONFIG_KALLSYMS_ALL (data symbols in kallsyms); in a
 * program of its own so that the test can tell that apart.
 */
SEC("syscall")
int use_percpu_vars(void *ctx)
{
	const int *active;

	(void)ctx;
	rq_ok = bpf_per_cpu_ptr(&runqueues, 0) != 0;
	active = bpf_this_cpu_ptr(&bpf_prog_active);
	prog_active_ok = *active >= 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
