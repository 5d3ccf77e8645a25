/* ebpfmini/perfbuf.h - perf buffer consumer: per-CPU perf rings of a BPF_MAP_TYPE_PERF_EVENT_ARRAY */
#ifndef EBPFMINI_PERFBUF_H
#define EBPFMINI_PERFBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A consumer of the samples that BPF programs write with
 * bpf_perf_event_output() into a BPF_MAP_TYPE_PERF_EVENT_ARRAY: one perf
 * event (PERF_COUNT_SW_BPF_OUTPUT) per CPU, each with its own ring mapped
 * into the process and stored in the map at the CPU's index, and one epoll
 * fd over all of them. Not thread-safe: use it from one thread at a time.
 */
struct ebpfmini_perfbuf;

/**
 * ebpfmini_perfbuf_sample_fn - called for each sample (PERF_RECORD_SAMPLE).
 * @ctx:  the ctx given to ebpfmini_perfbuf_new()
 * @cpu:  the CPU whose ring held the sample
 * @data: the sample, valid until the callback returns; only 4-byte aligned
 *        (it follows the record's u32 size), so copy it (memcpy) before
 *        reading 8-byte fields through a struct pointer
 * @size: its size: what the program wrote, padded by the kernel with up to
 *        7 bytes so that records stay 8-byte aligned
 *
 * Return 0 to go on; a non-zero value stops the consumption after this
 * sample and is returned as is by ebpfmini_perfbuf_poll() and friends.
 */
typedef int (*ebpfmini_perfbuf_sample_fn)(void *ctx, int cpu, const void *data, uint32_t size);

/**
 * ebpfmini_perfbuf_lost_fn - called for each PERF_RECORD_LOST: the kernel
 * dropped lost samples on cpu because its ring was full.
 */
typedef void (*ebpfmini_perfbuf_lost_fn)(void *ctx, int cpu, uint64_t lost);

/** Options for ebpfmini_perfbuf_new(). */
struct ebpfmini_perfbuf_opts {
	size_t sz;              /* sizeof(struct ebpfmini_perfbuf_opts) */
	size_t pages;           /* data pages per CPU, a power of 2 (default 64) */
	uint32_t wakeup_events; /* notify after this many samples (default 1) */
	uint32_t wakeup_bytes;  /* if non-zero: notify when this many bytes are
				   waiting instead (the perf watermark); not
				   together with wakeup_events */
	const int *cpus;        /* CPUs to open (NULL: every online CPU of the
				   possible ones, below the map's max_entries) */
	size_t cpu_count;       /* entries in cpus */
	ebpfmini_perfbuf_lost_fn lost_cb; /* may be NULL: losses are still counted */
};

/**
 * ebpfmini_perfbuf_new() - open, map and enable one perf ring per CPU and
 * store each in the PERF_EVENT_ARRAY map_fd at the CPU's index. Offline CPUs
 * are skipped (unless named in opts->cpus, which then fails). map_fd must
 * stay open until ebpfmini_perfbuf_free(), which removes the entries.
 *
 * Return: 0 and the buffer in *out, or -EINVAL (map_fd < 0, cb or out NULL,
 * bad opts: pages not a power of 2, both wakeup settings, a CPU at or above
 * the map's max_entries; or the map is not a BPF_MAP_TYPE_PERF_EVENT_ARRAY),
 * -ENOENT (no CPU to open), -ENOMEM, or the kernel's errno of
 * perf_event_open, mmap, ioctl, BPF_MAP_UPDATE_ELEM, epoll_create1 or
 * epoll_ctl (-ENODEV: a CPU in opts->cpus is offline).
 */
int ebpfmini_perfbuf_new(int map_fd, ebpfmini_perfbuf_sample_fn cb, void *ctx,
			 const struct ebpfmini_perfbuf_opts *opts, struct ebpfmini_perfbuf **out);

/** ebpfmini_perfbuf_free() - remove the map entries, unmap and close every ring
 *  and the epoll fd. NULL is allowed. */
void ebpfmini_perfbuf_free(struct ebpfmini_perfbuf *pb);

/**
 * ebpfmini_perfbuf_poll() - deliver what waits; when nothing does, wait up to
 * timeout_ms milliseconds (-1: no limit, 0: do not wait) for a notification
 * and read the rings it names.
 *
 * Return: the number of samples delivered (lost records not counted), the
 * callback's non-zero value when one stopped, -EINTR when a signal
 * interrupted the wait, -EBADMSG for a record the kernel cannot have
 * written, -EINVAL (pb NULL), or the errno of epoll_wait.
 */
int ebpfmini_perfbuf_poll(struct ebpfmini_perfbuf *pb, int timeout_ms);

/**
 * ebpfmini_perfbuf_consume() - deliver every record of every ring without
 * waiting. Return: as ebpfmini_perfbuf_poll().
 */
int ebpfmini_perfbuf_consume(struct ebpfmini_perfbuf *pb);

/**
 * ebpfmini_perfbuf_consume_buffer() - deliver every record of ring idx
 * (0 <= idx < ebpfmini_perfbuf_buffer_count()) without waiting.
 * Return: as ebpfmini_perfbuf_poll(), -EINVAL also for idx out of range.
 */
int ebpfmini_perfbuf_consume_buffer(struct ebpfmini_perfbuf *pb, size_t idx);

/** ebpfmini_perfbuf_epoll_fd() - the epoll fd over all rings (EPOLLIN), for a
 *  caller's own event loop; owned by pb. Return: the fd, or -EINVAL (NULL). */
int ebpfmini_perfbuf_epoll_fd(const struct ebpfmini_perfbuf *pb);

/** ebpfmini_perfbuf_buffer_count() - number of rings (CPUs opened); 0 for NULL. */
size_t ebpfmini_perfbuf_buffer_count(const struct ebpfmini_perfbuf *pb);

/** ebpfmini_perfbuf_buffer_cpu() - the CPU of ring idx, or -EINVAL (NULL, idx
 *  out of range). */
int ebpfmini_perfbuf_buffer_cpu(const struct ebpfmini_perfbuf *pb, size_t idx);

/** ebpfmini_perfbuf_buffer_fd() - the perf event fd of ring idx (owned by pb),
 *  or -EINVAL (NULL, idx out of range, or a ring in memory). */
int ebpfmini_perfbuf_buffer_fd(const struct ebpfmini_perfbuf *pb, size_t idx);

/** ebpfmini_perfbuf_lost() - samples the kernel reported lost so far, all CPUs
 *  together (0 for NULL). */
uint64_t ebpfmini_perfbuf_lost(const struct ebpfmini_perfbuf *pb);

#ifdef __cplusplus
}
#endif

#endif /* EBPFMINI_PERFBUF_H */
