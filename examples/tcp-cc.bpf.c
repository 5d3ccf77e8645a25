// SPDX-License-Identifier: GPL-2.0
/* tcp-cc.bpf.c - a TCP congestion control written in BPF: Reno's slow start and additive increase, as struct_ops */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_tracing.h>

/* The kernel's types, only the members used: the loader matches them by name
 * against the kernel's BTF (preserve_access_index: field offsets by CO-RE). */
struct sock;
struct tcp_sock {
	__u32 snd_cwnd;
	__u32 snd_ssthresh;
	__u32 snd_cwnd_cnt;
	__u32 snd_cwnd_clamp;
} __attribute__((preserve_access_index));

struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 (*undo_cwnd)(struct sock *sk);
	void (*init)(struct sock *sk);
	char name[16];
};

/* read by user space */
__u64 connections = 0;
__u64 acks = 0;
__u32 last_cwnd = 0;

SEC("struct_ops/demo_init")
void BPF_PROG(demo_init, struct sock *sk)
{
	__sync_fetch_and_add(&connections, 1);
}

/* after a loss: half the window, at least 2 segments */
SEC("struct_ops/demo_ssthresh")
__u32 BPF_PROG(demo_ssthresh, struct sock *sk)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;

	return tp->snd_cwnd / 2 > 2 ? tp->snd_cwnd / 2 : 2;
}

/* each ACK: +1 segment below ssthresh (slow start), else +1 per window (congestion avoidance) */
SEC("struct_ops/demo_cong_avoid")
void BPF_PROG(demo_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;

	__sync_fetch_and_add(&acks, 1);
	if (tp->snd_cwnd >= tp->snd_cwnd_clamp)
		return;
	if (tp->snd_cwnd < tp->snd_ssthresh) {
		tp->snd_cwnd = tp->snd_cwnd + 1;
	} else if (++tp->snd_cwnd_cnt >= tp->snd_cwnd) {
		tp->snd_cwnd_cnt = 0;
		tp->snd_cwnd = tp->snd_cwnd + 1;
	}
	last_cwnd = tp->snd_cwnd;
}

SEC("struct_ops/demo_undo_cwnd")
__u32 BPF_PROG(demo_undo_cwnd, struct sock *sk)
{
	return ((const struct tcp_sock *)sk)->snd_cwnd;
}

/* the ops: registered with a struct_ops link (a map update before Linux 6.4) */
SEC(".struct_ops.link")
struct tcp_congestion_ops bpf_reno = {
	.init = (void *)demo_init,
	.ssthresh = (void *)demo_ssthresh,
	.cong_avoid = (void *)demo_cong_avoid,
	.undo_cwnd = (void *)demo_undo_cwnd,
	.name = "bpf_reno",
};

char LICENSE[] SEC("license") = "GPL"; /* the TCP congestion control hooks are GPL-only */
