/* ring_layout.h - private: kernel layout of BPF ring buffers and perf rings, in-memory constructors for tests (L4 ring) */
#ifndef EBPFMINI_RING_LAYOUT_H
#define EBPFMINI_RING_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ebpfmini/perfbuf.h"
#include "ebpfmini/ringbuf.h"

/*
 * BPF ring buffer (BPF_MAP_TYPE_RINGBUF and _USER_RINGBUF), as mmap shows it:
 *
 *   offset 0          consumer page: unsigned long consumer_pos at its start
 *   offset page       producer page: unsigned long producer_pos at its start
 *   offset 2 * page   data, size bytes (a power of 2, a multiple of the page
 *                     size), mapped twice in a row so that a record that
 *                     wraps the end is contiguous
 *
 * Positions only grow (modulo 2^BITS_PER_LONG); a position's place in the
 * data area is pos & (size - 1). Every record starts with an 8-byte header,
 * { u32 len; u32 pg_off; }, whose len carries two flag bits: BUSY (reserved,
 * not committed yet) and DISCARD (committed as discarded: skip). The record
 * takes len + 8 bytes rounded up to 8.
 */
#define EM_RB_BUSY_BIT (1U << 31)
#define EM_RB_DISCARD_BIT (1U << 30)
#define EM_RB_HDR_SZ 8U
/* Largest sample bpf_user_ringbuf_drain() passes on (a dynptr's size limit). */
#define EM_RB_USER_MAX_SAMPLE ((1U << 24) - 1)

/* Bytes a record of payload len takes in the ring (header and padding included). */
static inline uint64_t em_ringbuf_rec_total(uint32_t len)
{
	return ((uint64_t)(len & ~(EM_RB_BUSY_BIT | EM_RB_DISCARD_BIT)) + EM_RB_HDR_SZ + 7) &
	       ~(uint64_t)7;
}

/* The two mappings of one ring buffer map. */
struct em_ring_mapping {
	void *cons_page;  /* consumer page: RW for a ring buffer, RO for a user ring buffer */
	void *prod_area;  /* producer page + 2 * size of data: RO, or RW for a user ring buffer */
	size_t page_size;
	uint64_t size;    /* data size (the map's max_entries) */
};

/* Check that map_fd is a map of type (BPF_MAP_TYPE_RINGBUF or _USER_RINGBUF)
 * and map it with the protections the kernel allows for that type. Returns 0
 * or -errno (logged with subject "ringbuf"). */
int em_ringbuf_map(int map_fd, uint32_t type, struct em_ring_mapping *m);
void em_ringbuf_unmap(struct em_ring_mapping *m);

/*
 * In-memory rings for tests, laid out as above by the caller (data must hold
 * 2 * size bytes, the second half mirroring the first, as a memfd mapped
 * twice gives). Nothing is mapped or unmapped by the library; free the
 * consumer before the memory.
 */
/* A consumer with no ring yet (its epoll fd exists but watches nothing). */
int em_ringbuf_new_mem(const struct ebpfmini_ringbuf_opts *opts, struct ebpfmini_ringbuf **out);
/* Add a ring in caller memory; returns its index. size: a power of 2, >= 8. */
int em_ringbuf_add_mem(struct ebpfmini_ringbuf *rb, unsigned long *consumer_pos,
		       const unsigned long *producer_pos, const void *data, uint64_t size,
		       ebpfmini_ringbuf_sample_fn cb, void *ctx);
/* A user ring buffer producer on caller memory (the test plays the kernel). */
int em_user_ringbuf_new_mem(const unsigned long *consumer_pos, unsigned long *producer_pos,
			    void *data, uint64_t size, struct ebpfmini_ringbuf_user **out);

/*
 * Perf ring (perf_event_open + mmap): one struct perf_event_mmap_page, then
 * data_size bytes of data (a power of 2 number of pages) mapped once: a record
 * that wraps the end is split. data_head (written by the kernel) and
 * data_tail (written by the consumer, release order) are free-running byte
 * counters. Records start with struct perf_event_header { u32 type; u16
 * misc; u16 size; } and are 8-byte aligned; PERF_RECORD_SAMPLE with
 * PERF_SAMPLE_RAW carries { u32 size; u8 data[size]; }, PERF_RECORD_LOST
 * { u64 id; u64 lost; }.
 */
/* A perf buffer with no ring yet, not bound to a map. */
int em_perfbuf_new_mem(ebpfmini_perfbuf_sample_fn cb, void *ctx,
		       const struct ebpfmini_perfbuf_opts *opts, struct ebpfmini_perfbuf **out);
/* Add a ring for cpu at base (the meta page, page_size bytes, then data_size
 * bytes of data); returns its index. */
int em_perfbuf_add_mem(struct ebpfmini_perfbuf *pb, int cpu, void *base, size_t page_size,
		       size_t data_size);

#endif /* EBPFMINI_RING_LAYOUT_H */
