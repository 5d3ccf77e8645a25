// SPDX-License-Identifier: MIT
/* load_core_guard.bpf.c - a CO-RE read of a field the target may lack, guarded by an existence check (test_load_faults) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_core_read.h>

/*
 * A newer flavor of load_core_target.bpf.o's struct sample: "added" is not
 * there, so its read is poisoned, and never reached since the check before
 * it gives 0.
 */
struct sample___new {
	int a;
	int b;
	int added;
} __attribute__((preserve_access_index));

struct sample___new *global_ptr;

SEC("xdp")
int core_guarded(struct xdp_md *ctx)
{
	struct sample___new *s = global_ptr;

	(void)ctx;
	if (!s)
		return XDP_PASS;
	if (bpf_core_field_exists(s->added))
		return s->added;
	return s->b;
}

char LICENSE[] SEC("license") = "GPL";
