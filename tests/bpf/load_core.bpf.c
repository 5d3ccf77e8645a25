// SPDX-License-Identifier: MIT
/* load_core.bpf.c - an object with one CO-RE relocation, against load_core_target.bpf.o (test_load_faults) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

struct sample {
	int a;
	int b;
} __attribute__((preserve_access_index));

struct sample *global_ptr;

SEC("xdp")
int core_user(struct xdp_md *ctx)
{
	struct sample *s = global_ptr;

	(void)ctx;
	if (!s)
		return XDP_PASS;
	return __builtin_preserve_field_info(s->b, 0 /* byte offset */) == 4 ? XDP_PASS
									   : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
