// SPDX-License-Identifier: MIT
/* load_unknown.bpf.c - a program in a section no program type matches (test_load) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

SEC("xdp")
int known(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

SEC("no_such_hook/x")
int mystery(void *ctx)
{
	(void)ctx;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
