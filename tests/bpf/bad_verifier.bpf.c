/* bad_verifier.bpf.c - a program the verifier rejects: a map value used without a NULL check */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} values SEC(".maps");

SEC("tp/syscalls/sys_enter_getpid")
int no_null_check(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&values, &key);

	/* bpf_map_lookup_elem returns NULL for a missing key: the verifier
	 * refuses the dereference ("invalid mem access 'map_value_or_null'") */
	return (int)*v;
}

char LICENSE[] SEC("license") = "GPL";
