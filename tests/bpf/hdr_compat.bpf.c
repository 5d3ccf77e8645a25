// SPDX-License-Identifier: MIT
/* hdr_compat.bpf.c - a program written for libbpf's BPF-side headers, using what they added lately; only the include lines name ebpfmini's (kernel-hdr-compat, unit-bpf-headers-arches) */
#include "vmlinux.h"
#include <ebpfmini/bpf_helpers.h>   /* <bpf/bpf_helpers.h> */
#include <ebpfmini/bpf_tracing.h>   /* <bpf/bpf_tracing.h> */
#include <ebpfmini/bpf_core_read.h> /* <bpf/bpf_core_read.h> */
#include <ebpfmini/bpf_endian.h>    /* <bpf/bpf_endian.h> */

#ifndef EBPFMINI_NO_VMLINUX_H

char LICENSE[] SEC("license") = "GPL";

const volatile int target_tgid = 0;
/* never set: keeps the printk calls verified but silent (trace_pipe is shared) */
volatile int never = 0;

struct hdr_result {
	int for_sum, repeat_n, each_sum;        /* bpf_for, bpf_repeat, bpf_for_each */
	int cast_tgid;                          /* bpf_core_cast */
	int prog2_dfd, prog2_hits;              /* BPF_PROG2 */
	int kp_dfd, kp_hits, kret_hits;         /* BPF_KPROBE / BPF_KRETPROBE */
	__u64 kp_ret_ip;                        /* BPF_KPROBE_READ_RET_IP */
	__u64 kret_ret_ip;                      /* BPF_KRETPROBE_READ_RET_IP */
	int doff, syn, fin;                     /* BPF_CORE_WRITE_BITFIELD, read back */
	__u16 th_bytes;                         /* the bytes 12-13 of the written tcphdr */
	__u16 be16;                             /* __bpf_htons / __bpf_ntohs */
	__u32 be32;                             /* __bpf_htonl / __bpf_ntohl */
	__u64 be64;                             /* __bpf_cpu_to_be64 / __bpf_be64_to_cpu */
	int tp_hits;
} result;

/* run-time inputs of the byte order checks: the compiler cannot fold them */
volatile __u16 in16 = 0x1234;
volatile __u32 in32 = 0x12345678;
volatile __u64 in64 = 0x0102030405060708ULL;

/* __bpf_fastcall on a kfunc declaration */
extern void bpf_rcu_read_lock(void) __ksym __weak __bpf_fastcall;

static __always_inline int mine(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

/* open-coded iterators (Linux >= 6.4) */
SEC("tp/syscalls/sys_enter_getpid")
int iter_loops(void *ctx)
{
	int i, sum = 0, n = 0, each = 0, *v;

	if (!mine())
		return 0;
	bpf_for(i, 0, 10)
		sum += i;
	bpf_repeat(5)
		n++;
	bpf_for_each(num, v, 2, 5)
		each += *v;
	result.for_sum = sum;
	result.repeat_n = n;
	result.each_sum = each;
	return 0;
}

/* bpf_core_cast (bpf_rdonly_cast, Linux >= 6.2): the current task read directly */
SEC("tp/syscalls/sys_enter_getpid")
int core_cast(void *ctx)
{
	struct task_struct *t;

	if (!mine())
		return 0;
	t = bpf_core_cast((void *)bpf_get_current_task(), struct task_struct);
	result.cast_tgid = t->tgid;
	return 0;
}

/* BPF_PROG2 on do_unlinkat(int dfd, struct filename *name) */
SEC("fentry/do_unlinkat")
int BPF_PROG2(prog2_unlink, int, dfd, struct filename *, name)
{
	if (!mine() || name == NULL)
		return 0;
	result.prog2_dfd = dfd;
	result.prog2_hits++;
	return 0;
}

/* a struct taking two argument slots: compiled, not loaded (no kernel function takes it) */
struct two_slots {
	__u64 lo, hi;
};
SEC("fentry/do_unlinkat")
int BPF_PROG2(prog2_by_value, struct two_slots, pair, int, after, char, c)
{
	return (int)(pair.lo + pair.hi) + after + c;
}

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(kp_unlink, int dfd)
{
	__u64 ip = 0;

	if (!mine())
		return 0;
	BPF_KPROBE_READ_RET_IP(ip, ctx);
	result.kp_ret_ip = ip;
	result.kp_dfd = dfd;
	result.kp_hits++;
	return 0;
}

SEC("kretprobe/do_unlinkat")
int BPF_KRETPROBE(kret_unlink, long ret)
{
	__u64 ip = 0;

	if (!mine())
		return 0;
	/* the caller's caller, through the frame pointer (meaningful only on
	 * kernels built with frame pointers: the test does not judge the value) */
	BPF_KRETPROBE_READ_RET_IP(ip, ctx);
	result.kret_ret_ip = ip;
	result.kret_hits++;
	return 0;
}

/* bitfield writes, the byte order forms, the printk forms, NULL, __kptr_ref */
SEC("tp/syscalls/sys_enter_getpid")
int misc(void *ctx)
{
	struct tcphdr th = {};
	struct task_struct __kptr_ref *unused = NULL;

	if (!mine())
		return 0;
	BPF_CORE_WRITE_BITFIELD(&th, doff, 5);
	BPF_CORE_WRITE_BITFIELD(&th, syn, 1);
	BPF_CORE_WRITE_BITFIELD(&th, fin, 1);
	BPF_CORE_WRITE_BITFIELD(&th, fin, 0);
	result.doff = BPF_CORE_READ_BITFIELD(&th, doff);
	result.syn = BPF_CORE_READ_BITFIELD(&th, syn);
	result.fin = BPF_CORE_READ_BITFIELD(&th, fin);
	__builtin_memcpy(&result.th_bytes, (char *)&th + 12, 2);

	result.be16 = __bpf_ntohs(__bpf_htons(in16)) == in16 ? __bpf_htons(in16) : 0;
	result.be32 = __bpf_ntohl(__bpf_htonl(in32)) == in32 ? __bpf_htonl(in32) : 0;
	result.be64 = __bpf_be64_to_cpu(__bpf_cpu_to_be64(in64)) == in64 ? __bpf_cpu_to_be64(in64) : 0;

	if (never) {
		__bpf_printk("hdr_compat %d %d", 1, 2);
		__bpf_vprintk("hdr_compat %d %d %d %d %d", 1, 2, 3, 4, 5);
	}
	if (unused != NULL)
		return 1;
	result.tp_hits++;
	return 0;
}

#ifdef HDR_COMPAT_CGRP
/* bpf_cgrp_storage_get/delete (Linux >= 6.2): compiled by unit-bpf-headers-arches
 * whatever the build machine's <linux/bpf.h> declares */
struct {
	__uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, long);
} cgrp_counts SEC(".maps");

SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(on_mkdir, struct cgroup *cgrp, const char *path)
{
	long *n = bpf_cgrp_storage_get(&cgrp_counts, cgrp, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (n)
		(*n)++;
	return bpf_cgrp_storage_delete(&cgrp_counts, cgrp) == 0;
}
#endif

#endif /* EBPFMINI_NO_VMLINUX_H */
