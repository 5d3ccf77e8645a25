/* ebpfmini/ringbuf.h - BPF ring buffer consumer and user ring buffer producer, read through mmap */
#ifndef EBPFMINI_RINGBUF_H
#define EBPFMINI_RINGBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A consumer of one or more BPF_MAP_TYPE_RINGBUF maps. Each ring is mapped
 * into the process (the kernel maps its data area twice in a row, so every
 * record is contiguous, even one that wraps the end) and read without a
 * system call per record; one epoll fd waits for all of them.
 *
 * A consumer is not thread-safe: use it from one thread at a time. Each
 * ring must have one consumer only (the kernel keeps one consumer position).
 */
struct ebpfmini_ringbuf;

/**
 * ebpfmini_ringbuf_sample_fn - called once per committed record, in ring order.
 * @ctx:  the ctx given with the ring
 * @data: the record's payload, valid until the callback returns (read-only memory)
 * @size: the payload's size in bytes, as the BPF program reserved it
 *
 * Return 0 to go on. A non-zero value stops the consumption after this record
 * (which counts as consumed) and is returned as is by ebpfmini_ringbuf_poll(),
 * ebpfmini_ringbuf_consume() or ebpfmini_ringbuf_consume_n(); return a negative
 * value to tell it apart from a record count.
 */
typedef int (*ebpfmini_ringbuf_sample_fn)(void *ctx, const void *data, size_t size);

/** Options for ebpfmini_ringbuf_new(). */
struct ebpfmini_ringbuf_opts {
	size_t sz; /* sizeof(struct ebpfmini_ringbuf_opts) */
};

/**
 * ebpfmini_ringbuf_new() - create a consumer whose ring 0 is the ring buffer
 * map map_fd, delivering its records to cb with ctx.
 *
 * The map fd is not kept: the mapping holds the ring, so the caller may close
 * it at any time. Use ebpfmini_map_fd() for a map of a loaded object.
 *
 * Return: 0 and the consumer in *out, or -EINVAL (map_fd < 0, cb or out
 * NULL, bad opts, or the map is not a BPF_MAP_TYPE_RINGBUF), -ENOMEM, or the
 * kernel's errno of BPF_OBJ_GET_INFO_BY_FD, mmap, epoll_create1 or
 * epoll_ctl (-EBADF or -EBADFD: not an fd; -EPERM: mmap refused).
 */
int ebpfmini_ringbuf_new(int map_fd, ebpfmini_ringbuf_sample_fn cb, void *ctx,
			 const struct ebpfmini_ringbuf_opts *opts, struct ebpfmini_ringbuf **out);

/**
 * ebpfmini_ringbuf_add() - add the ring buffer map map_fd to the consumer,
 * with its own callback and ctx, under the same epoll fd.
 *
 * Return: the new ring's index (>= 1; ring 0 came with ebpfmini_ringbuf_new()),
 * or the errors of ebpfmini_ringbuf_new() (-EINVAL also for rb NULL).
 */
int ebpfmini_ringbuf_add(struct ebpfmini_ringbuf *rb, int map_fd, ebpfmini_ringbuf_sample_fn cb,
			 void *ctx);

/**
 * ebpfmini_ringbuf_free() - unmap every ring and close the epoll fd. NULL is
 * allowed. Records not consumed stay in the rings.
 */
void ebpfmini_ringbuf_free(struct ebpfmini_ringbuf *rb);

/**
 * ebpfmini_ringbuf_poll() - consume what is waiting; when nothing is, wait up
 * to timeout_ms milliseconds (-1: no limit, 0: do not wait) for the kernel's
 * notification and consume the rings it names.
 *
 * Return: the number of records delivered (0 when the time ran out), the
 * callback's non-zero value when one stopped the consumption, -EINTR when a
 * signal interrupted the wait (so that Ctrl-C ends a poll loop), -EBADMSG
 * when a ring holds a record header that cannot be right, -EINVAL (rb
 * NULL), or the errno of epoll_wait.
 */
int ebpfmini_ringbuf_poll(struct ebpfmini_ringbuf *rb, int timeout_ms);

/**
 * ebpfmini_ringbuf_consume() - deliver every committed record of every ring
 * without waiting. Before it returns, it publishes its position and checks
 * again, so a record committed meanwhile is either delivered or announced by
 * the kernel's next notification: after it a caller may sleep on
 * ebpfmini_ringbuf_epoll_fd() without missing data.
 *
 * Return: the number of records delivered (capped at INT_MAX), the
 * callback's non-zero value, -EBADMSG (corrupt header), -EINVAL (rb NULL).
 */
int ebpfmini_ringbuf_consume(struct ebpfmini_ringbuf *rb);

/**
 * ebpfmini_ringbuf_consume_n() - as ebpfmini_ringbuf_consume(), but deliver
 * at most n records in all (ring 0 first). Records left behind are delivered
 * by the next call of ebpfmini_ringbuf_poll() without waiting.
 *
 * Return: as ebpfmini_ringbuf_consume().
 */
int ebpfmini_ringbuf_consume_n(struct ebpfmini_ringbuf *rb, size_t n);

/**
 * ebpfmini_ringbuf_epoll_fd() - the epoll fd that becomes readable when a
 * ring has data, for a caller's own event loop (EPOLLIN). After it reports
 * readable, call ebpfmini_ringbuf_consume() (or ebpfmini_ringbuf_poll() with
 * timeout 0). The fd belongs to the consumer: do not close it.
 *
 * Return: the fd, or -EINVAL (rb NULL).
 */
int ebpfmini_ringbuf_epoll_fd(const struct ebpfmini_ringbuf *rb);

/** ebpfmini_ringbuf_ring_count() - number of rings in the consumer (0 for NULL). */
unsigned int ebpfmini_ringbuf_ring_count(const struct ebpfmini_ringbuf *rb);

/*
 * The accessors below read one ring (index as returned by
 * ebpfmini_ringbuf_add(), 0 for the first) and return 0 for a NULL consumer
 * or an index out of range. Positions count bytes since the ring was
 * created and wrap around at 2^64 (2^32 on 32-bit systems).
 */
/** ebpfmini_ringbuf_size() - the ring's data size in bytes (the map's max_entries). */
uint64_t ebpfmini_ringbuf_size(const struct ebpfmini_ringbuf *rb, unsigned int ring);
/** ebpfmini_ringbuf_avail() - bytes reserved by producers and not yet
 *  handed back by the consumer (headers and records not committed included). */
uint64_t ebpfmini_ringbuf_avail(const struct ebpfmini_ringbuf *rb, unsigned int ring);
/** ebpfmini_ringbuf_consumer_pos() - the consumer position published to the kernel. */
uint64_t ebpfmini_ringbuf_consumer_pos(const struct ebpfmini_ringbuf *rb, unsigned int ring);
/** ebpfmini_ringbuf_producer_pos() - the kernel's producer position. */
uint64_t ebpfmini_ringbuf_producer_pos(const struct ebpfmini_ringbuf *rb, unsigned int ring);

/*
 * Callback-free reading: ebpfmini_ringbuf_next() returns the records of one
 * ring one by one, and the caller hands their space back to the kernel with
 * ebpfmini_ringbuf_release() when done with them (one release for many
 * records is allowed: releasing a record releases every record before it).
 * The loop
 *
 *	struct ebpfmini_ringbuf_record rec;
 *	while (ebpfmini_ringbuf_next(rb, 0, &rec) > 0) {
 *		use(rec.data, rec.size);
 *		ebpfmini_ringbuf_release(rb, &rec);
 *	}
 *
 * ends with everything released and checked again, so the caller may then
 * wait (ebpfmini_ringbuf_poll() or the epoll fd) without missing data. While
 * records are held and not released, the kernel sends no notification for
 * that ring. ebpfmini_ringbuf_consume() and _poll() start after the last
 * record next() returned, and release everything it returned.
 */
/** A record returned by ebpfmini_ringbuf_next(). */
struct ebpfmini_ringbuf_record {
	const void *data; /* payload, valid until released (read-only memory) */
	size_t size;      /* payload size in bytes */
	uint64_t end;     /* ring position just past the record */
	unsigned int ring; /* index of the ring it came from */
};

/**
 * ebpfmini_ringbuf_next() - the next committed record of ring, without
 * waiting and without handing its space back. Discarded records are skipped.
 *
 * Return: 1 and the record in *rec, 0 when no committed record is waiting,
 * -EINVAL (rb or rec NULL, ring out of range), -EBADMSG (corrupt header).
 */
int ebpfmini_ringbuf_next(struct ebpfmini_ringbuf *rb, unsigned int ring,
			  struct ebpfmini_ringbuf_record *rec);

/**
 * ebpfmini_ringbuf_release() - hand the space of rec, and of every record of
 * its ring before it, back to the kernel.
 *
 * Return: 0, or -EINVAL (NULL argument, ring out of range, or rec lies
 * outside what ebpfmini_ringbuf_next() returned and is not released yet).
 */
int ebpfmini_ringbuf_release(struct ebpfmini_ringbuf *rb,
			     const struct ebpfmini_ringbuf_record *rec);

/*
 * A producer for a BPF_MAP_TYPE_USER_RINGBUF map, which a BPF program reads
 * with bpf_user_ringbuf_drain(). Reserving is not thread-safe: one thread
 * reserves at a time (submit and discard may come from any thread). Samples
 * are submitted in any order; the kernel reads them in reservation order and
 * stops at the first one still reserved.
 */
struct ebpfmini_ringbuf_user;

/** Options for ebpfmini_ringbuf_user_new(). */
struct ebpfmini_ringbuf_user_opts {
	size_t sz; /* sizeof(struct ebpfmini_ringbuf_user_opts) */
};

/**
 * ebpfmini_ringbuf_user_new() - map the user ring buffer map_fd for writing.
 * The map fd is not kept (the mapping holds the ring).
 *
 * Return: 0 and the producer in *out, or -EINVAL (map_fd < 0, out NULL, bad
 * opts, or the map is not a BPF_MAP_TYPE_USER_RINGBUF), -ENOMEM, or the
 * kernel's errno of BPF_OBJ_GET_INFO_BY_FD, mmap, epoll_create1 or epoll_ctl.
 */
int ebpfmini_ringbuf_user_new(int map_fd, const struct ebpfmini_ringbuf_user_opts *opts,
			      struct ebpfmini_ringbuf_user **out);

/** ebpfmini_ringbuf_user_free() - unmap the ring and close the epoll fd. NULL is
 *  allowed. Samples still reserved are left busy: the kernel never reads past them. */
void ebpfmini_ringbuf_user_free(struct ebpfmini_ringbuf_user *rb);

/**
 * ebpfmini_ringbuf_user_reserve() - reserve size bytes (8-byte aligned,
 * contiguous) in the ring and store their address in *sample. The kernel
 * does not read the sample before ebpfmini_ringbuf_user_submit() or
 * ebpfmini_ringbuf_user_discard().
 *
 * Return: 0, -EINVAL (NULL argument), -E2BIG (the sample can never fit: its
 * size plus the 8-byte header exceeds the ring, or size is above the
 * kernel's dynptr limit of 16 MiB - 1), -ENOSPC (not enough free space now).
 */
int ebpfmini_ringbuf_user_reserve(struct ebpfmini_ringbuf_user *rb, size_t size, void **sample);

/**
 * ebpfmini_ringbuf_user_reserve_blocking() - as ebpfmini_ringbuf_user_reserve(),
 * but when the ring lacks space, wait up to timeout_ms milliseconds (-1: no
 * limit) for the BPF side to drain it.
 *
 * Return: 0, -EINVAL, -E2BIG, -ETIMEDOUT (still no space when the time ran
 * out), -EINTR (a signal interrupted the wait), or the errno of epoll_wait.
 */
int ebpfmini_ringbuf_user_reserve_blocking(struct ebpfmini_ringbuf_user *rb, size_t size,
					   int timeout_ms, void **sample);

/** ebpfmini_ringbuf_user_submit() - hand a reserved sample to the kernel. */
void ebpfmini_ringbuf_user_submit(struct ebpfmini_ringbuf_user *rb, void *sample);

/** ebpfmini_ringbuf_user_discard() - give a reserved sample up: the kernel skips it. */
void ebpfmini_ringbuf_user_discard(struct ebpfmini_ringbuf_user *rb, void *sample);

/** ebpfmini_ringbuf_user_size() - the ring's data size in bytes (0 for NULL). */
uint64_t ebpfmini_ringbuf_user_size(const struct ebpfmini_ringbuf_user *rb);
/** ebpfmini_ringbuf_user_avail() - free bytes now (a sample takes its size
 *  plus 8, rounded up to 8; 0 for NULL). */
uint64_t ebpfmini_ringbuf_user_avail(const struct ebpfmini_ringbuf_user *rb);

#ifdef __cplusplus
}
#endif

#endif /* EBPFMINI_RINGBUF_H */
