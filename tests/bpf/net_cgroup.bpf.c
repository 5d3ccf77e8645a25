/* net_cgroup.bpf.c - cgroup programs: address rewrites, denials and counters (test_attach_cgroup) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/in.h>
#include <ebpfmini/bpf_endian.h>
#include <ebpfmini/bpf_helpers.h>

/* set by the test through the mmaped .bss after load */
__u16 server_port;  /* connect4/sendmsg4: where 127.0.0.2:80 goes */
__u16 bind_from, bind_to; /* bind4: a bind to bind_from binds bind_to */
__u32 deny;         /* sock_create, sysctl, dev: 1 = refuse */

/* read by the test */
__u64 redirects, redirects2, sends, binds, egress_pkts, creates, sysctls, getsockopts, devs,
	connect_cbs;

#define SOCK_DGRAM 2 /* <sys/socket.h> */
#define SERVICE_IP 0x7f000002 /* 127.0.0.2 */

SEC("cgroup/connect4")
int connect_redirect(struct bpf_sock_addr *ctx)
{
	if (ctx->user_ip4 == bpf_htonl(SERVICE_IP) && ctx->user_port == bpf_htons(80)) {
		ctx->user_ip4 = bpf_htonl(0x7f000001);
		ctx->user_port = bpf_htons(server_port);
		__sync_fetch_and_add(&redirects, 1);
	}
	return 1;
}

/* what an update swaps in: the same redirect, counted apart */
SEC("cgroup/connect4")
int connect_redirect2(struct bpf_sock_addr *ctx)
{
	if (ctx->user_ip4 == bpf_htonl(SERVICE_IP) && ctx->user_port == bpf_htons(80)) {
		ctx->user_ip4 = bpf_htonl(0x7f000001);
		ctx->user_port = bpf_htons(server_port);
		__sync_fetch_and_add(&redirects2, 1);
	}
	return 1;
}

SEC("cgroup/sendmsg4")
int sendmsg_redirect(struct bpf_sock_addr *ctx)
{
	if (ctx->user_ip4 == bpf_htonl(SERVICE_IP) && ctx->user_port == bpf_htons(80)) {
		ctx->user_ip4 = bpf_htonl(0x7f000001);
		ctx->user_port = bpf_htons(server_port);
		__sync_fetch_and_add(&sends, 1);
	}
	return 1;
}

SEC("cgroup/bind4")
int bind_rewrite(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port == bpf_htons(bind_from)) {
		ctx->user_port = bpf_htons(bind_to);
		__sync_fetch_and_add(&binds, 1);
	}
	return 1;
}

SEC("cgroup_skb/egress")
int skb_egress(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&egress_pkts, 1);
	return 1;
}

SEC("cgroup/sock_create")
int sock_create(struct bpf_sock *sk)
{
	__sync_fetch_and_add(&creates, 1);
	return !(deny && sk->type == SOCK_DGRAM);
}

SEC("cgroup/sysctl")
int sysctl_guard(struct bpf_sysctl *ctx)
{
	__sync_fetch_and_add(&sysctls, 1);
	return !deny;
}

SEC("cgroup/getsockopt")
int getsockopt_count(struct bpf_sockopt *ctx)
{
	__sync_fetch_and_add(&getsockopts, 1);
	return 1; /* keep what the kernel answered */
}

SEC("cgroup/dev")
int dev_guard(struct bpf_cgroup_dev_ctx *ctx)
{
	__sync_fetch_and_add(&devs, 1);
	if (deny && ctx->major == 1 && ctx->minor == 3) /* /dev/null */
		return 0;
	return 1;
}

SEC("sockops")
int sockops_count(struct bpf_sock_ops *skops)
{
	if (skops->op == BPF_SOCK_OPS_TCP_CONNECT_CB)
		__sync_fetch_and_add(&connect_cbs, 1);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
