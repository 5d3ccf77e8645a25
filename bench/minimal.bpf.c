// SPDX-License-Identifier: MIT
/* minimal.bpf.c - a tracepoint program with a .rodata pid filter and a counter, no CO-RE (bench/openload's plain object, libbpf-bootstrap's "minimal" shape) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

/* configuration: the process to count */
const volatile int my_pid = 0;
/* output */
long calls = 0;

SEC("tp/syscalls/sys_enter_write")
int handle_tp(void *ctx)
{
	int pid = bpf_get_current_pid_tgid() >> 32;

	(void)ctx;
	if (pid != my_pid)
		return 0;
	__sync_fetch_and_add(&calls, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
