/* find-map.bpf.c - a map pinned by name, for find-map to find again by name and by path */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

/*
 * pinning LIBBPF_PIN_BY_NAME: the loader pins the map at <pin root>/find_me
 * (or reuses a compatible map already pinned there), so that it outlives
 * this process and others can open it by path.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);   /* uid */
	__type(value, __u64); /* execve calls */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} find_me SEC(".maps");

SEC("tp/syscalls/sys_enter_execve")
int count_execs(void *ctx)
{
	__u32 uid = bpf_get_current_uid_gid() & 0xffffffff;
	__u64 one = 1, *count = bpf_map_lookup_elem(&find_me, &uid);

	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&find_me, &uid, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
