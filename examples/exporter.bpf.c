/* exporter.bpf.c - count system calls by number, for exporter to serve as Prometheus metrics */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

#define MAX_SYSCALLS 512

/* One counter per syscall number: an array, so user space reads it by index. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, __u64);
} syscalls SEC(".maps");

SEC("raw_tp/sys_enter")
int count_syscalls(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 nr = ctx->args[1];
	__u64 *count = bpf_map_lookup_elem(&syscalls, &nr); /* NULL when nr is out of range */

	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
