/* hello-ring-buffer.bpf.c - send one event per execve to user space through a BPF ring buffer */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

#include "hello-buffer.h"

/* One ring shared by all CPUs; max_entries is its size in bytes (a power of 2 pages). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* The syscalls/sys_enter_execve record (see its tracefs format file). */
struct execve_args {
	__u64 common;
	int syscall_nr;
	const char *filename;
	const char *const *argv;
	const char *const *envp;
};

SEC("tp/syscalls/sys_enter_execve")
int hello_ring_buffer(struct execve_args *ctx)
{
	struct hello_event *ev;

	/* reserve room in the ring and fill it in place: no copy, unlike perf output */
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev)
		return 0; /* the ring is full: this event is lost */
	ev->pid = bpf_get_current_pid_tgid() >> 32;
	ev->uid = bpf_get_current_uid_gid() & 0xffffffff;
	bpf_get_current_comm(ev->command, sizeof(ev->command));
	__builtin_memcpy(ev->message, "Hello World", sizeof("Hello World"));
	bpf_probe_read_user_str(ev->path, sizeof(ev->path), ctx->filename);
	bpf_ringbuf_submit(ev, 0); /* commit: now user space may read it */
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
