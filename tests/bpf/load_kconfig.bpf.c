// SPDX-License-Identifier: MIT
/* load_kconfig.bpf.c - .kconfig externs of every encoding, copied to .bss by a program (test_load) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

extern int LINUX_KERNEL_VERSION __kconfig;
extern _Bool CONFIG_EM_BOOL __kconfig;
extern enum libbpf_tristate CONFIG_EM_TRI __kconfig;
extern char CONFIG_EM_CHAR __kconfig;
extern int CONFIG_EM_NUM __kconfig;
extern unsigned long long CONFIG_EM_HEX __kconfig;
extern char CONFIG_EM_STR[8] __kconfig;
extern _Bool CONFIG_EM_OFF __kconfig;          /* "# CONFIG_EM_OFF is not set" */
extern int CONFIG_EM_MISSING __kconfig __weak; /* absent: reads as 0 */

int kver, b, tri, ch, num, off, missing;
unsigned long long hex;
char str[8];

SEC("xdp")
int kconf(struct xdp_md *ctx)
{
	(void)ctx;
	kver = LINUX_KERNEL_VERSION;
	b = CONFIG_EM_BOOL;
	tri = CONFIG_EM_TRI;
	ch = CONFIG_EM_CHAR;
	num = CONFIG_EM_NUM;
	hex = CONFIG_EM_HEX;
	off = CONFIG_EM_OFF;
	missing = CONFIG_EM_MISSING;
	__builtin_memcpy(str, CONFIG_EM_STR, sizeof(str));
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
