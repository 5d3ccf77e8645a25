/* connect4.bpf.c - redirect connect() to a service address to a backend, once, at connect time */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

#include "connect4.h"

/* service -> backend, filled by user space */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct endpoint);
	__type(value, struct endpoint);
} services SEC(".maps");

__u64 redirected; /* .bss */

/*
 * Runs inside connect(2) of every IPv4 socket (TCP, or UDP connect) of the
 * cgroup, before the kernel picks a route: rewriting user_ip4/user_port sends
 * the connection to the backend, with no per-packet translation afterwards.
 */
SEC("cgroup/connect4")
int connect4(struct bpf_sock_addr *ctx)
{
	struct endpoint key = { .addr = ctx->user_ip4, .port = ctx->user_port };
	struct endpoint *backend = bpf_map_lookup_elem(&services, &key);

	if (backend) {
		ctx->user_ip4 = backend->addr;
		ctx->user_port = backend->port;
		__sync_fetch_and_add(&redirected, 1);
	}
	return 1; /* 1: let connect() go on (0 would fail it with EPERM) */
}

char LICENSE[] SEC("license") = "GPL";
