// SPDX-License-Identifier: MIT
/* load_kconfig_sys.bpf.c - .kconfig externs from the running kernel's own config (test_load) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

extern _Bool CONFIG_BPF __kconfig;
extern _Bool CONFIG_BPF_SYSCALL __kconfig;
extern int CONFIG_HZ __kconfig __weak;
extern _Bool LINUX_HAS_SYSCALL_WRAPPER __kconfig;

int has_bpf, has_syscall, hz, wrapper;

SEC("xdp")
int kconf_sys(struct xdp_md *ctx)
{
	(void)ctx;
	has_bpf = CONFIG_BPF;
	has_syscall = CONFIG_BPF_SYSCALL;
	hz = CONFIG_HZ;
	wrapper = LINUX_HAS_SYSCALL_WRAPPER;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
