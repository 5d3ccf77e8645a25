/* load_hidden.bpf.c - a __hidden global subprogram the verifier accepts only in its caller's context (kernel-load) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hidden_vals SEC(".maps");

/* Reads through a pointer that may be NULL for all the callee knows: checked alone, as a
 * global function is, it is refused; in its caller's context (static) the pointer is
 * known non-NULL. */
__hidden __noinline int hidden_read(__u64 *val)
{
	return *val > 7;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int call_hidden(void *ctx)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&hidden_vals, &key);

	if (!val)
		return 0;
	return hidden_read(val);
}

char LICENSE[] SEC("license") = "GPL";
