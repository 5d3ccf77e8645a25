/* hello-buffer.bpf.c - send one event per execve to user space through a perf event array */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

#include "hello-buffer.h"

/* One perf ring per CPU; user space opens them and stores their fds in this map. */
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} output SEC(".maps");

/* The syscalls/sys_enter_execve record (see its tracefs format file). */
struct execve_args {
	__u64 common;
	int syscall_nr;
	const char *filename;
	const char *const *argv;
	const char *const *envp;
};

SEC("tp/syscalls/sys_enter_execve")
int hello_buffer(struct execve_args *ctx)
{
	struct hello_event ev = { .message = "Hello World" };

	ev.pid = bpf_get_current_pid_tgid() >> 32;
	ev.uid = bpf_get_current_uid_gid() & 0xffffffff;
	bpf_get_current_comm(ev.command, sizeof(ev.command));
	bpf_probe_read_user_str(ev.path, sizeof(ev.path), ctx->filename);
	/* a copy of ev goes into the ring of the CPU this runs on */
	bpf_perf_event_output(ctx, &output, BPF_F_CURRENT_CPU, &ev, sizeof(ev));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
