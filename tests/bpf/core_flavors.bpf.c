/* core_flavors.bpf.c - CO-RE reads whose target has several candidates (unit-core: core_target_flavors.c, core_target_ambig.c) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_core_read.h>

struct core_s {
	int a;
	long b;
} __attribute__((preserve_access_index));

SEC("socket") long flav_read_b(struct core_s *s)
{
	return s->b;
}

SEC("socket") unsigned long flav_off_a(struct core_s *s)
{
	return __builtin_preserve_field_info(s->a, BPF_FIELD_BYTE_OFFSET);
}

char LICENSE[] SEC("license") = "GPL";
