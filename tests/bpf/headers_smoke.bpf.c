/* headers_smoke.bpf.c - compile test of the BPF-side headers: every macro family used once (test BPF object) */
/*
 * Building this file with clang -Wall -Werror is the test: it exercises the
 * map description macros, bpf_printk at every argument count, the endian,
 * tracing and CO-RE macros and a set of generated helper prototypes. The
 * object is not meant to be loaded (it has CO-RE relocations, ksyms and
 * kprobes); tests may parse it.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <stdbool.h>

#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_endian.h>
#include <ebpfmini/bpf_tracing.h>
#include <ebpfmini/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct event {
	__u32 pid;
	__u32 port;
	__u64 ts;
	char comm[16];
};

/* ---- maps ---- */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct event);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} events_by_pid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_NONE);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 64);
	__type(value, __u32);
	__ulong(map_extra, 3);
} seen SEC(".maps");

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} inner0 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer SEC(".maps") = {
	.values = { [0] = &inner0 },
};

int tail_target(struct __sk_buff *skb);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, int(struct __sk_buff *));
} jmp_table SEC(".maps") = {
	.values = { [1] = (void *)&tail_target },
};

/* ---- global data and externs ---- */

const volatile __u32 target_pid = 0;
__u64 loop_sum = 0;
__u32 hits SEC(".data.hits") = 1;

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern int CONFIG_HZ __kconfig __weak;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig __weak;
extern int ebpfmini_no_such_ksym __ksym __weak;

/* ---- CO-RE: a locally declared subset of a kernel struct ---- */

struct task_local {
	int pid;
	int tgid;
	unsigned int flags : 3;
	int prio : 5;
	struct task_local *real_parent;
	char comm[16];
} __attribute__((preserve_access_index));

enum pid_type_local { PIDTYPE_PID_L = 0, PIDTYPE_TGID_L = 1 };

static __always_inline int core_reads(struct task_local *t, struct event *e)
{
	int ppid = BPF_CORE_READ(t, real_parent, pid);
	int gppid = BPF_CORE_READ(t, real_parent, real_parent, tgid);
	int pid = 0;

	BPF_CORE_READ_INTO(&pid, t, pid);
	BPF_CORE_READ_STR_INTO(e->comm, t, real_parent, comm);
	if (bpf_core_field_exists(t->tgid))
		e->port = bpf_core_field_size(struct task_local, comm);
	if (bpf_core_field_exists(struct task_local, prio))
		e->port += bpf_core_field_offset(t->real_parent);
	if (bpf_core_type_exists(struct task_local))
		e->port += bpf_core_type_size(struct task_local);
	if (bpf_core_enum_value_exists(enum pid_type_local, PIDTYPE_TGID_L))
		e->port += bpf_core_enum_value(enum pid_type_local, PIDTYPE_TGID_L);
	e->port += bpf_core_type_id_local(struct task_local);
	e->port += BPF_CORE_READ_BITFIELD_PROBED(t, flags);
	e->port += BPF_CORE_READ_BITFIELD_PROBED(t, prio);
	e->port += BPF_CORE_READ_BITFIELD(t, flags);
	return pid + ppid + gppid;
}

/* ---- bpf_loop callback and a global subprogram ---- */

static long add_index(__u32 index, void *ctx)
{
	__u64 *sum = ctx;

	*sum += index;
	return 0;
}

__noinline int global_helper(__u32 x)
{
	return x * 3;
}

static __hidden __noinline int hidden_helper(__u32 x)
{
	return x + 1;
}

/* ---- programs ---- */

SEC("tp/syscalls/sys_enter_execve")
int trace_exec(void *ctx __attribute__((unused)))
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 pid = pid_tgid >> 32, key = 0;
	struct event ev = {}, *old;
	__u64 *cnt, sum = 0;

	if (target_pid && pid != target_pid)
		return 0;
	ev.pid = pid;
	ev.ts = bpf_ktime_get_ns();
	ev.port = bpf_htons(8080);
	bpf_get_current_comm(ev.comm, sizeof(ev.comm));
	old = bpf_map_lookup_elem(&events_by_pid, &pid);
	if (!old)
		bpf_map_update_elem(&events_by_pid, &pid, &ev, BPF_NOEXIST);
	cnt = bpf_map_lookup_elem(&counters, &key);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	bpf_map_push_elem(&seen, &pid, BPF_ANY);
	bpf_loop(16, add_index, &sum, 0);
	loop_sum = sum + global_helper(pid) + hidden_helper(hits);
	bpf_ringbuf_output(&rb, &ev, sizeof(ev), 0);

	bpf_printk("no args");
	bpf_printk("one %d", pid);
	bpf_printk("two %d %s", pid, ev.comm);
	bpf_printk("three %d %u %llx", pid, key, ev.ts);
	bpf_printk("four %d %u %llx %s", pid, key, ev.ts, ev.comm);
	bpf_printk("five %d %u %llx %s %u", pid, key, ev.ts, ev.comm, LINUX_KERNEL_VERSION);
	if (CONFIG_HZ > 0 && CONFIG_BPF_JIT == TRI_YES && bpf_ksym_exists(&ebpfmini_no_such_ksym))
		bpf_printk("hz %d", CONFIG_HZ);
	if (LINUX_KERNEL_VERSION >= KERNEL_VERSION(6, 1, 0))
		barrier();
	return 0;
}

SEC("tc")
int tail_target(struct __sk_buff *skb)
{
	return bpf_ntohl(skb->remote_ip4) == 0x7f000001;
}

SEC("tc")
int classify(struct __sk_buff *skb)
{
	__u16 proto = skb->protocol;

	switch (proto) {
	case __bpf_constant_htons(0x0800):
		bpf_tail_call_static(skb, &jmp_table, 1);
		break;
	case __bpf_constant_htons(0x86dd):
		return bpf_ntohs(proto) == 0x86dd;
	default:
		break;
	}
	return bpf_be64_to_cpu(bpf_cpu_to_be64(skb->len)) == skb->len && bpf_htonl(1) == 0x01000000;
}

struct task_struct;

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct event e = {};
	int r = 0;

	if (preempt)
		r = core_reads((struct task_local *)prev, &e);
	return r + (next != 0);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(on_raw, struct pt_regs *regs, long id)
{
	return id == 59 && regs;
}

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(on_unlink, int dfd, void *name)
{
	__u64 ip = PT_REGS_IP(ctx), sp = PT_REGS_SP(ctx), fp = PT_REGS_FP(ctx);

	bpf_printk("unlink %d %p %llx", dfd, name, ip ^ sp ^ fp);
	return (int)PT_REGS_PARM3(ctx) + (int)PT_REGS_PARM4(ctx) + (int)PT_REGS_PARM5(ctx);
}

SEC("kretprobe/do_unlinkat")
int BPF_KRETPROBE(on_unlink_ret, long ret)
{
	return ret != 0 && PT_REGS_RC(ctx) == (unsigned long)ret;
}

SEC("ksyscall/openat")
int BPF_KSYSCALL(on_openat, int dfd, const char *path, int flags, int mode)
{
	char buf[32];

	bpf_probe_read_user_str(buf, sizeof(buf), path);
	return dfd + flags + mode;
}

SEC("kprobe/do_nanosleep")
int BPF_KPROBE(on_noargs)
{
	return PT_REGS_PARM1_CORE(ctx) != 0;
}
