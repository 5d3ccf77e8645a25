// SPDX-License-Identifier: MIT
/* load_modkfunc.bpf.c - a kfunc, a typed ksym and a tp_btf target that only a kernel module has (unit-load-extern) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

extern void ebpfmini_mod_kfunc(int x) __ksym;
extern const int ebpfmini_mod_var __ksym;

SEC("tp_btf/ebpfmini_mod_tp")
int on_mod_tp(void *ctx)
{
	(void)ctx;
	ebpfmini_mod_kfunc(1);
	return ebpfmini_mod_var;
}

char LICENSE[] SEC("license") = "GPL";
