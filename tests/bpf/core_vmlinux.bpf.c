// SPDX-License-Identifier: MIT
/* core_vmlinux.bpf.c - core_e2e.bpf.c written the modern way: kernel types from a vmlinux.h that ebpfmini's own BTF dump made, no <linux/bpf.h> (kernel-core-e2e) */
#include "vmlinux.h"
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_core_read.h>

#ifndef EBPFMINI_NO_VMLINUX_H

/* a flavor of the kernel's struct with a field no kernel has */
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
int read_task(struct syscall_trace_enter *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_struct___e2e *flavored = (struct task_struct___e2e *)task;

	/* the tracepoint's own record, typed by vmlinux.h: its syscall number */
	if (BPF_CORE_READ(ctx, nr) != 39 /* __NR_getpid on x86-64 */)
		return 0;
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

#endif /* EBPFMINI_NO_VMLINUX_H */

char LICENSE[] SEC("license") = "GPL";
