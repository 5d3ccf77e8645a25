/* core_task.bpf.c - CO-RE reads of the current task (pid, tgid, real_parent->tgid, comm) and field existence, against kernel BTF (kernel-core) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_core_read.h>

/* Only what the program reads, in any order: CO-RE finds the kernel's layout. */
struct task_struct {
	char comm[16];
	struct task_struct *real_parent;
	int tgid;
	int pid;
	int ebpfmini_no_such_field; /* no kernel has it: exists reads 0 */
} __attribute__((preserve_access_index));

/* set by user space before load: only this process is recorded */
const volatile int target_tgid = 0;

struct task_seen {
	int pid, tgid, ppid;
	int has_pid, has_missing;
	int seen;
	char comm[16];
} seen;

SEC("tp/syscalls/sys_enter_getppid")
int read_task(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	if (BPF_CORE_READ(task, tgid) != target_tgid)
		return 0;
	seen.pid = BPF_CORE_READ(task, pid);
	seen.tgid = BPF_CORE_READ(task, tgid);
	seen.ppid = BPF_CORE_READ(task, real_parent, tgid);
	BPF_CORE_READ_STR_INTO(&seen.comm, task, comm);
	seen.has_pid = bpf_core_field_exists(task->pid);
	seen.has_missing = bpf_core_field_exists(task->ebpfmini_no_such_field);
	seen.seen++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
