/* attach_perf.bpf.c - a perf_event program counting samples per CPU (kernel-attach-trace) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <ebpfmini/bpf_helpers.h>

__u64 samples = 0;
__u64 cpu_mask = 0; /* bit n: a sample on CPU n (n < 64) */
__u64 cookie = 0;

SEC("perf_event")
int on_sample(struct bpf_perf_event_data *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();

	__sync_fetch_and_add(&samples, 1);
	if (cpu < 64)
		__sync_fetch_and_or(&cpu_mask, 1ULL << cpu);
	cookie = bpf_get_attach_cookie(ctx);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
