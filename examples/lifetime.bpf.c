/* lifetime.bpf.c - a program and a map whose lifetime lifetime.c follows past its process */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64); /* exec events counted */
} exec_count SEC(".maps");

SEC("raw_tp/sched_process_exec")
int count_execs(void *ctx)
{
	__u32 zero = 0;
	__u64 *count = bpf_map_lookup_elem(&exec_count, &zero);

	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
