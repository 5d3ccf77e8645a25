/* rb_user.bpf.c - drains a user ring buffer and checks every sample (test_ringbuf) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

#define MAGIC 0x5eb7a11dU

/* what user space writes: this header, then len payload bytes, byte i = (seq + i) & 0xff */
struct user_rec {
	__u64 seq;
	__u32 magic;
	__u32 len;
};

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 64 * 1024);
} urb SEC(".maps");

/* read by the test through the mmaped .bss */
__u64 next_seq;  /* the seq expected next */
__u64 good;      /* samples that passed every check */
__u64 bad;       /* samples that failed one */
__u64 drained;   /* sum of the drain helper's return values */
__s64 last_ret;  /* the drain helper's last return value */
__u32 max_per_run; /* stop the drain after this many samples (0: no limit) */
__u32 this_run;

static long check_sample(struct bpf_dynptr *d, void *ctx)
{
	struct user_rec r;
	__u8 first = 0, last = 0, past;

	if (bpf_dynptr_read(&r, sizeof(r), d, 0, 0)) {
		bad++;
		return 0;
	}
	if (r.magic != MAGIC || r.seq != next_seq || r.len > 4096) {
		bad++;
		next_seq = r.seq + 1;
		return 0;
	}
	next_seq = r.seq + 1;
	if (r.len) {
		/* the first and last payload bytes, and nothing past the end */
		if (bpf_dynptr_read(&first, 1, d, sizeof(r), 0) ||
		    bpf_dynptr_read(&last, 1, d, sizeof(r) + r.len - 1, 0) ||
		    first != (__u8)(r.seq + 0) || last != (__u8)(r.seq + r.len - 1)) {
			bad++;
			return 0;
		}
	}
	if (!bpf_dynptr_read(&past, 1, d, sizeof(r) + r.len, 0)) {
		bad++; /* the sample is longer than user space made it */
		return 0;
	}
	good++;
	this_run++;
	if (max_per_run && this_run >= max_per_run)
		return 1; /* stop draining */
	return 0;
}

SEC("xdp")
int rb_user_drain(struct xdp_md *ctx)
{
	long n;

	this_run = 0;
	n = bpf_user_ringbuf_drain(&urb, check_sample, (void *)0, 0);
	last_ret = n;
	if (n > 0)
		drained += n;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
