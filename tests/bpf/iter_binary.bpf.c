/* iter_binary.bpf.c - a task iterator whose output holds a NUL byte (kernel-tool-attach) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

struct seq_file;
struct task_struct;
struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
} __attribute__((preserve_access_index));
struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

/* "head", a NUL byte and "tail\n", once per run */
SEC("iter/task")
int binary_out(struct bpf_iter__task *ctx)
{
	static const char bytes[] = { 'h', 'e', 'a', 'd', 0, 't', 'a', 'i', 'l', '\n' };

	if (ctx->meta->seq_num == 0 && ctx->task)
		bpf_seq_write(ctx->meta->seq, bytes, sizeof(bytes));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
