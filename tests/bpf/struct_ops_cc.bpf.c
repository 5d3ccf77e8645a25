// SPDX-License-Identifier: GPL-2.0
/* struct_ops_cc.bpf.c - a TCP congestion control in BPF (reno-like), registered as struct_ops twice: by map update (.struct_ops) and by link (.struct_ops.link) (kernel-struct-ops) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_tracing.h>

/*
 * Only some members, in another order than the kernel's (the loader matches
 * them by name), with a data member the kernel has ("flags", zero) and one it
 * lacks ("ebpfmini_unused", zero, which the loader must leave out).
 */
struct sock;
struct tcp_sock {
	__u32 snd_cwnd_clamp;
	__u32 snd_cwnd;
} __attribute__((preserve_access_index));

struct tcp_congestion_ops {
	char name[16];
	__u32 flags;
	void (*init)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 (*undo_cwnd)(struct sock *sk);
	__u32 (*ssthresh)(struct sock *sk);
	__u64 ebpfmini_unused;
};

__u64 init_calls = 0;
__u64 cong_avoid_calls = 0;

static __always_inline struct tcp_sock *tcp_of(struct sock *sk)
{
	return (struct tcp_sock *)sk; /* the kernel gives struct_ops programs a tcp_sock */
}

SEC("struct_ops/cc_init")
void BPF_PROG(cc_init, struct sock *sk)
{
	__sync_fetch_and_add(&init_calls, 1);
}

SEC("struct_ops/cc_cong_avoid")
void BPF_PROG(cc_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	__u32 cwnd = tcp_of(sk)->snd_cwnd;

	__sync_fetch_and_add(&cong_avoid_calls, 1);
	if (cwnd < tcp_of(sk)->snd_cwnd_clamp)
		tcp_of(sk)->snd_cwnd = cwnd + 1;
}

SEC("struct_ops/cc_ssthresh")
__u32 BPF_PROG(cc_ssthresh, struct sock *sk)
{
	__u32 cwnd = tcp_of(sk)->snd_cwnd;

	return cwnd < 4 ? 2 : cwnd >> 1;
}

SEC("struct_ops/cc_undo_cwnd")
__u32 BPF_PROG(cc_undo_cwnd, struct sock *sk)
{
	return tcp_of(sk)->snd_cwnd;
}

/* registered by map update (every kernel with struct_ops) */
SEC(".struct_ops")
struct tcp_congestion_ops ebpfmini_cc = {
	.init = (void *)cc_init,
	.ssthresh = (void *)cc_ssthresh,
	.cong_avoid = (void *)cc_cong_avoid,
	.undo_cwnd = (void *)cc_undo_cwnd,
	.name = "ebpfmini_cc",
};

/* registered by a struct_ops link where the kernel has one (6.4), by map update otherwise */
SEC(".struct_ops.link")
struct tcp_congestion_ops ebpfmini_cc_link = {
	.init = (void *)cc_init,
	.ssthresh = (void *)cc_ssthresh,
	.cong_avoid = (void *)cc_cong_avoid,
	.undo_cwnd = (void *)cc_undo_cwnd,
	.name = "ebpfmini_ccl",
};

char LICENSE[] SEC("license") = "GPL";
