// SPDX-License-Identifier: MIT
/* load_btf_targets.bpf.c - programs whose attach target is found in kernel BTF: tp_btf, iter, and trampolines (kernel-ksym) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

/* The kernel's iterator context, only what the program reads (CO-RE places it). */
struct task_struct {
	int pid;
} __attribute__((preserve_access_index));
struct bpf_iter_meta {
	void *seq;
	__u64 session_id;
	__u64 seq_num;
} __attribute__((preserve_access_index));
struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

int tasks_seen;
int max_pid;
int getpid_calls;
int target_tgid;

/* iter/task: attach_btf_id is bpf_iter_task */
SEC("iter/task")
int count_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;

	if (!task)
		return 0;
	tasks_seen++;
	if (task->pid > max_pid)
		max_pid = task->pid;
	return 0;
}

/* tp_btf/sys_enter: attach_btf_id is the typedef btf_trace_sys_enter */
SEC("tp_btf/sys_enter")
int on_sys_enter(__u64 *ctx)
{
	/* args: struct pt_regs *regs, long id */
	if ((long)ctx[1] == 39 /* __NR_getpid on x86-64 */ &&
	    (int)(bpf_get_current_pid_tgid() >> 32) == target_tgid)
		__sync_fetch_and_add(&getpid_calls, 1);
	return 0;
}

/* Trampolines: a kernel under lockdown refuses them (EPERM). Loaded one at a time. */
SEC("fentry/do_unlinkat")
int on_unlink(__u64 *ctx)
{
	(void)ctx;
	return 0;
}

SEC("fexit/do_unlinkat")
int after_unlink(__u64 *ctx)
{
	(void)ctx;
	return 0;
}

SEC("lsm/file_open")
int check_open(__u64 *ctx)
{
	(void)ctx;
	return 0;
}

SEC("fentry/ebpfmini_no_such_function")
int no_target(__u64 *ctx)
{
	(void)ctx;
	return 0;
}

SEC("freplace/some_function")
int replacement(__u64 *ctx)
{
	(void)ctx;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
