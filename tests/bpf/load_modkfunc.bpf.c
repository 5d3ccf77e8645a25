// SPDX-License-Identifier: MIT
/* load_modkfunc.bpf.c - a kfunc, a typed ksym, a tp_btf target and a CO-RE type that only a kernel module has (unit-load-extern) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_core_read.h>

extern void ebpfmini_mod_kfunc(int x) __ksym;
extern const int ebpfmini_mod_var __ksym;

/* the module's struct: m lies at byte 4 there */
struct ebpfmini_mod_s {
	int m;
} __attribute__((preserve_access_index));

unsigned int m_off;

SEC("tp_btf/ebpfmini_mod_tp")
int on_mod_tp(void *ctx)
{
	(void)ctx;
	ebpfmini_mod_kfunc(1);
	m_off = bpf_core_field_offset(struct ebpfmini_mod_s, m);
	return ebpfmini_mod_var;
}

char LICENSE[] SEC("license") = "GPL";
