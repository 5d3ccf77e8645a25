// SPDX-License-Identifier: MIT
/* core_module.bpf.c - CO-RE against types only kernel modules define, and fentry on a module's function (kernel-core-module) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_core_read.h>

/* veth's private data (drivers/net/veth.c): in the veth module's BTF, not vmlinux's */
struct veth_priv {
	void *peer;
	unsigned int requested_headroom;
} __attribute__((preserve_access_index));

/* cls_bpf's filter (net/sched/cls_bpf.c): in the cls_bpf module's BTF */
struct cls_bpf_prog {
	void *filter;
	unsigned int handle;
} __attribute__((preserve_access_index));

/* a type of vmlinux itself, for contrast */
struct sk_buff {
	unsigned int len;
} __attribute__((preserve_access_index));

unsigned int headroom_off, handle_off, skb_len_off, veth_priv_exists, runs;
unsigned long long veth_opens;

SEC("socket")
int core_offsets(struct __sk_buff *skb)
{
	headroom_off = bpf_core_field_offset(struct veth_priv, requested_headroom);
	handle_off = bpf_core_field_offset(struct cls_bpf_prog, handle);
	skb_len_off = bpf_core_field_offset(struct sk_buff, len);
	veth_priv_exists = bpf_core_type_exists(struct veth_priv);
	runs++;
	return 0;
}

/* veth_open() lives in the veth module: its BTF id is the module's */
SEC("fentry/veth_open")
int on_veth_open(unsigned long long *ctx)
{
	__sync_fetch_and_add(&veth_opens, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
