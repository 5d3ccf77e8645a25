/* rb_tp.bpf.c - ring buffer records from a tracepoint that test threads fire on two CPUs (test_ringbuf) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

/* syscalls/sys_enter_* layout (tracefs format file): 8 bytes of common
 * fields, int __syscall_nr at 8, the arguments from 16 */
struct sys_enter_ctx {
	__u64 common;
	__s32 syscall_nr;
	__u32 pad;
	__u64 args[6];
};

struct tp_rec {
	__u32 tid;
	__u32 cpu;
	__u64 seq; /* the getpgid() argument the thread passed */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} tp_rb SEC(".maps");

const volatile __u32 target_tgid = 0;

__u64 written;
__u64 failed;

SEC("tp/syscalls/sys_enter_getpgid")
int rb_tp(struct sys_enter_ctx *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct tp_rec *r;

	if ((__u32)(id >> 32) != target_tgid)
		return 0;
	r = bpf_ringbuf_reserve(&tp_rb, sizeof(*r), 0);
	if (!r) {
		__sync_fetch_and_add(&failed, 1);
		return 0;
	}
	r->tid = (__u32)id;
	r->cpu = bpf_get_smp_processor_id();
	r->seq = ctx->args[0];
	bpf_ringbuf_submit(r, 0);
	__sync_fetch_and_add(&written, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
