/* hello-map.bpf.c - count execve calls per user id in a hash map that user space reads */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

/* A BTF-defined map: the loader creates it from this description. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);   /* user id */
	__type(value, __u64); /* execve calls seen */
} counter_table SEC(".maps");

SEC("tp/syscalls/sys_enter_execve")
int hello_map(void *ctx)
{
	__u32 uid = bpf_get_current_uid_gid() & 0xffffffff; /* low half: uid */
	__u64 one = 1, *count;

	count = bpf_map_lookup_elem(&counter_table, &uid);
	if (count) /* the verifier insists: a lookup may find nothing */
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&counter_table, &uid, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
