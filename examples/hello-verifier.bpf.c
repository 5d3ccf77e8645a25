/* hello-verifier.bpf.c - the same program twice: one the verifier rejects, one it accepts */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);   /* uid */
	__type(value, __u64); /* execve calls */
} exec_count SEC(".maps");

/* Rejected: a lookup returns NULL when the uid has no entry, and this writes through it anyway. */
SEC("tp/syscalls/sys_enter_execve")
int count_unchecked(void *ctx)
{
	__u32 uid = bpf_get_current_uid_gid() & 0xffffffff;
	__u64 *count = bpf_map_lookup_elem(&exec_count, &uid);

	*count += 1;
	return 0;
}

/* Accepted: every path checks the pointer before using it. */
SEC("tp/syscalls/sys_enter_execve")
int count_checked(void *ctx)
{
	__u32 uid = bpf_get_current_uid_gid() & 0xffffffff;
	__u64 one = 1, *count = bpf_map_lookup_elem(&exec_count, &uid);

	if (count)
		*count += 1;
	else
		bpf_map_update_elem(&exec_count, &uid, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
