/* hello-buffer-config.bpf.c - execve events with CO-RE reads and a message per uid from a config map */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_core_read.h>

#include "hello-buffer-config.h"

/*
 * CO-RE: describe only the fields used, with preserve_access_index. clang
 * records each access in .BTF.ext, and the loader rewrites the offsets to the
 * running kernel's struct task_struct (from /sys/kernel/btf/vmlinux): no
 * kernel headers, and the same object runs on kernels with other layouts.
 */
struct task_struct {
	int tgid;
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32); /* uid */
	__type(value, struct user_msg);
} my_config SEC(".maps");

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
int hello_config(struct execve_args *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct config_event *ev;
	struct user_msg *msg;
	__u32 uid;

	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev)
		return 0;
	ev->pid = bpf_get_current_pid_tgid() >> 32;
	uid = bpf_get_current_uid_gid() & 0xffffffff;
	ev->uid = uid;
	ev->ppid = BPF_CORE_READ(task, real_parent, tgid); /* two relocated reads */
	bpf_get_current_comm(ev->command, sizeof(ev->command));
	bpf_probe_read_user_str(ev->path, sizeof(ev->path), ctx->filename);
	/* the key from the stack: older verifiers (6.1) take no ring buffer memory as a map key */
	msg = bpf_map_lookup_elem(&my_config, &uid);
	if (msg)
		__builtin_memcpy(ev->message, msg->message, sizeof(ev->message));
	else
		__builtin_memcpy(ev->message, "Hello World", sizeof(ev->message));
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
