// SPDX-License-Identifier: MIT
/* core_e2e.bpf.c - CO-RE reads of the current task under a tracepoint, loaded and run (kernel-core-e2e) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_core_read.h>

/* The fields read, in an order and with offsets unlike the kernel's: CO-RE places them. */
struct task_struct {
	char comm[16];
	struct task_struct *real_parent;
	int tgid;
	int pid;
} __attribute__((preserve_access_index));

/*
 * A flavor of the same struct ("___e2e" is ignored when matching) with a
 * field that no kernel has: exists gives 0, the fields it shares still read.
 */
struct task_struct___e2e {
	int pid;
	long ebpfmini_made_up_field;
} __attribute__((preserve_access_index));

/* configuration, set by user space before load */
const volatile int target_tgid = 0;

struct core_result {
	int pid, tgid, ppid, pid_via_flavor;
	int has_pid, has_made_up, has_task_struct;
	int hits;
	char comm[16];
} result;

SEC("tp/syscalls/sys_enter_getpid")
int read_task(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_struct___e2e *flavored = (struct task_struct___e2e *)task;

	(void)ctx;
	if (BPF_CORE_READ(task, tgid) != target_tgid)
		return 0;
	result.pid = BPF_CORE_READ(task, pid);
	result.tgid = BPF_CORE_READ(task, tgid);
	result.ppid = BPF_CORE_READ(task, real_parent, tgid);
	BPF_CORE_READ_STR_INTO(&result.comm, task, comm);
	result.has_pid = bpf_core_field_exists(task->pid);
	result.has_made_up = bpf_core_field_exists(flavored->ebpfmini_made_up_field);
	result.pid_via_flavor = BPF_CORE_READ(flavored, pid);
	result.has_task_struct = bpf_core_type_exists(struct task_struct);
	result.hits++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
