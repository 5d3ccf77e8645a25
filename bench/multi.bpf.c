// SPDX-License-Identifier: MIT
/* multi.bpf.c - six XDP programs, each a bounded loop over the packet that keeps the verifier busy (bench/openload's multi-program object) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

/* The verifier walks every iteration of the loop: verification time grows with LOOPS. */
#define LOOPS 400

#define PROG(n)                                                                                    \
	SEC("xdp") int sum##n(struct xdp_md *ctx)                                                  \
	{                                                                                          \
		__u8 *p = (__u8 *)(long)ctx->data, *end = (__u8 *)(long)ctx->data_end;            \
		__u32 acc = n;                                                                     \
                                                                                                   \
		for (int i = 0; i < LOOPS; i++) {                                                  \
			if (p + i + 1 > end)                                                       \
				break;                                                             \
			acc = acc * 31 + p[i] + (acc >> (n + 3));                                  \
		}                                                                                  \
		return acc & 1 ? XDP_PASS : XDP_DROP;                                              \
	}

PROG(1)
PROG(2)
PROG(3)
PROG(4)
PROG(5)
PROG(6)

char LICENSE[] SEC("license") = "GPL";
