// SPDX-License-Identifier: MIT
/* load_pin_devmap.bpf.c - a devmap and a devmap hash pinned by name: the kernel reports them with BPF_F_RDONLY_PROG added (test_pin_bpffs) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 4);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__type(key, __u32);
	__type(value, __u32);
} tx_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 4);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__type(key, __u32);
	__type(value, __u32);
} tx_ports_hash SEC(".maps");

SEC("xdp")
int redirect(struct xdp_md *ctx)
{
	if (ctx->ingress_ifindex & 1)
		return bpf_redirect_map(&tx_ports_hash, 0, XDP_PASS);
	return bpf_redirect_map(&tx_ports, 0, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
