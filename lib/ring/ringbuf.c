/* ringbuf.c - BPF ring buffer consumer: mmap, lock-free reading, epoll over several rings (L4 ring) */
#include <limits.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "internal.h"
#include "ebpfmini/sys.h"
#include "objapi.h"
#include "ring_layout.h"
#include "sys.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/*
 * Readers prefetch the ring this many bytes ahead of the record they read.
 * A full ring is far larger than the caches and its pages are scattered
 * (vmalloc), so the hardware prefetcher stalls at every 4 KiB page; asking
 * for memory a page ahead starts the next page's walk and cache misses
 * early. Prefetching past the producer only touches mapped memory. On x86-64
 * (bench/ringbuf-drain, 64-byte records) 4 KiB drains in about 5.5 ns per
 * record where no prefetch takes 15 or more and 1 KiB about 8.
 */
#ifndef PREFETCH_AHEAD
#define PREFETCH_AHEAD 4096UL
#endif

/*
 * Memory ordering, against the kernel's producer (kernel/bpf/ringbuf.c):
 * - a producer reserves under a lock (header written BUSY, then producer_pos
 *   stored with release) and commits with xchg on the header (a full
 *   barrier), then reads consumer_pos and wakes the consumer only if the
 *   record it committed sits exactly at consumer_pos;
 * - so we read producer_pos and each header with acquire (the record's bytes
 *   are visible once its BUSY bit is seen clear), hand space back with a
 *   release store of consumer_pos, and before reporting "nothing more"
 *   publish the position, issue a full barrier and look again. Either we see
 *   the record a producer committed meanwhile, or its producer, whose xchg
 *   came after our look, reads our position and wakes us. A release store
 *   alone would let the producer read the old position (the store still in
 *   our store buffer) while we read the old header: nobody wakes anybody.
 */

struct em_ring {
	/* read for every record */
	const uint8_t *data;       /* 2 * size bytes: the data area mapped twice */
	unsigned long mask;        /* size - 1 */
	unsigned long iter;        /* next record to read (at or past the published position) */
	unsigned long prod_seen;   /* producer position last read (ebpfmini_ringbuf_next) */
	unsigned long *cons;       /* consumer_pos, shared with the kernel */
	const unsigned long *prod; /* producer_pos, written by the kernel */
	ebpfmini_ringbuf_sample_fn cb;
	void *ctx;
	/* cold */
	struct em_ring_mapping map; /* cons_page NULL for a ring in caller memory */
};

struct ebpfmini_ringbuf {
	struct em_ring *rings;
	unsigned int nr;
	int epfd;
	struct epoll_event *events; /* nr entries (at least 1) for epoll_wait */
};

/* ---- mapping (shared with user_ringbuf.c) ------------------------------------------ */

int em_ringbuf_map(int map_fd, uint32_t type, struct em_ring_mapping *m)
{
	bool user = type == BPF_MAP_TYPE_USER_RINGBUF;
	struct bpf_map_info info;
	long ps = (long)em_page_size();
	uint64_t size;
	int err;

	memset(m, 0, sizeof(*m));
	err = em_map_info(map_fd, &info);
	if (err) {
		em_err("ringbuf: cannot read map fd %d: %s", map_fd, strerror(-err));
		return err;
	}
	if (info.type != type) {
		const char *have = ebpfmini_sys_map_type_name(info.type);

		em_err("ringbuf: map '%s' (fd %d): is %s, not %s", info.name, map_fd,
		       have ? have : "an unknown map type", ebpfmini_sys_map_type_name(type));
		return -EINVAL;
	}
	size = info.max_entries;
	if (ps <= 0 || size == 0 || (size & (size - 1)) || size % (uint64_t)ps) {
		em_err("ringbuf: map '%s': size %llu is not a power of 2 multiple of the page size",
		       info.name, (unsigned long long)size);
		return -EINVAL;
	}
	m->page_size = (size_t)ps;
	m->size = size;
	/* the kernel allows writing only the consumer page of a ring buffer, and
	 * everything but the consumer page of a user ring buffer */
	err = em_sys_mmap(NULL, m->page_size, user ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED,
			  map_fd, 0, &m->cons_page);
	if (err) {
		em_err("ringbuf: map '%s': cannot map the consumer page: %s", info.name,
		       strerror(-err));
		m->cons_page = NULL;
		return err;
	}
	err = em_sys_mmap(NULL, m->page_size + 2 * (size_t)size,
			  user ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, map_fd,
			  (off_t)m->page_size, &m->prod_area);
	if (err) {
		em_err("ringbuf: map '%s': cannot map the producer page and %llu bytes of data: %s",
		       info.name, (unsigned long long)size, strerror(-err));
		em_sys_munmap(m->cons_page, m->page_size);
		memset(m, 0, sizeof(*m));
		return err;
	}
	return 0;
}

void em_ringbuf_unmap(struct em_ring_mapping *m)
{
	if (m->prod_area)
		em_sys_munmap(m->prod_area, m->page_size + 2 * (size_t)m->size);
	if (m->cons_page)
		em_sys_munmap(m->cons_page, m->page_size);
	memset(m, 0, sizeof(*m));
}

/* ---- reading -------------------------------------------------------------------------- */

static int corrupt(const struct ebpfmini_ringbuf *rb, const struct em_ring *r, unsigned long pos,
		   uint32_t len, unsigned long room)
{
	em_err("ringbuf: ring %u: record at position %lu claims %u bytes but only %lu are "
	       "reserved: %s",
	       (unsigned int)(r - rb->rings), pos, len & ~(EM_RB_BUSY_BIT | EM_RB_DISCARD_BIT), room,
	       strerror(EBADMSG));
	return -EBADMSG;
}

/* Header of the record at pos. */
static inline const uint32_t *hdr_at(const struct em_ring *r, unsigned long pos)
{
	return (const uint32_t *)(r->data + (pos & r->mask));
}

/* Whether a committed (or discarded) record waits at pos. */
static inline bool record_ready(const struct em_ring *r, unsigned long pos)
{
	return __atomic_load_n(r->prod, __ATOMIC_ACQUIRE) != pos &&
	       !(__atomic_load_n(hdr_at(r, pos), __ATOMIC_ACQUIRE) & EM_RB_BUSY_BIT);
}

/* Hand everything before pos back and look again after a full barrier:
 * true when a record is ready at pos after all (see the comment on top). */
static inline bool publish_and_recheck(struct em_ring *r, unsigned long pos)
{
	r->iter = pos;
	r->prod_seen = pos; /* at or behind the producer: next() reads it again */
	__atomic_store_n(r->cons, pos, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return record_ready(r, pos);
}

/*
 * Deliver the committed records of r from r->iter on, at most budget of
 * them. Returns how many were delivered; *stop receives a callback's non-zero
 * value or -EBADMSG. The hot loop: one acquire load of the header, one
 * indirect call and one release store per record; no system call.
 */
static long ring_drain(const struct ebpfmini_ringbuf *rb, struct em_ring *r, long budget,
		       int *stop)
{
	const uint8_t *data = r->data;
	const unsigned long mask = r->mask;
	unsigned long *cons = r->cons;
	unsigned long pos = r->iter, prod;
	long n = 0;

	do {
		prod = __atomic_load_n(r->prod, __ATOMIC_ACQUIRE);
		while (pos != prod) {
			const uint32_t *hdr = (const uint32_t *)(data + (pos & mask));
			uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
			unsigned long total;

			if (len & EM_RB_BUSY_BIT)
				break;
			__builtin_prefetch(data + ((pos + PREFETCH_AHEAD) & mask));
			total = ((unsigned long)(len & ~EM_RB_DISCARD_BIT) + EM_RB_HDR_SZ + 7) & ~7UL;
			if (unlikely(total > prod - pos)) {
				r->iter = pos;
				r->prod_seen = prod;
				*stop = corrupt(rb, r, pos, len, prod - pos);
				return n;
			}
			pos += total;
			if (likely(!(len & EM_RB_DISCARD_BIT))) {
				int err = r->cb(r->ctx, hdr + 2, len);

				n++;
				if (unlikely(err || n >= budget)) {
					/* stopped early: poll() looks at this ring before it sleeps */
					r->iter = pos;
					r->prod_seen = prod;
					__atomic_store_n(cons, pos, __ATOMIC_RELEASE);
					*stop = err;
					return n;
				}
			}
			__atomic_store_n(cons, pos, __ATOMIC_RELEASE);
		}
	} while (publish_and_recheck(r, pos));
	return n;
}

static int clamp_count(long n)
{
	return n > INT_MAX ? INT_MAX : (int)n;
}

/* Drain rings (all, with budget in total) until one stops. */
static int drain_rings(struct ebpfmini_ringbuf *rb, long budget, bool only_ready)
{
	long total = 0;
	int stop = 0;

	if (only_ready)
		__atomic_thread_fence(__ATOMIC_SEQ_CST); /* after a release() by an iterator user */
	for (unsigned int i = 0; i < rb->nr && total < budget; i++) {
		struct em_ring *r = &rb->rings[i];

		if (only_ready && !record_ready(r, r->iter))
			continue;
		total += ring_drain(rb, r, budget - total, &stop);
		if (stop)
			return stop;
	}
	return clamp_count(total);
}

EM_EXPORT int ebpfmini_ringbuf_consume(struct ebpfmini_ringbuf *rb)
{
	if (!rb)
		return -EINVAL;
	return drain_rings(rb, LONG_MAX, false);
}

EM_EXPORT int ebpfmini_ringbuf_consume_n(struct ebpfmini_ringbuf *rb, size_t n)
{
	if (!rb)
		return -EINVAL;
	if (n == 0)
		return 0;
	return drain_rings(rb, n > LONG_MAX ? LONG_MAX : (long)n, false);
}

EM_EXPORT int ebpfmini_ringbuf_poll(struct ebpfmini_ringbuf *rb, int timeout_ms)
{
	long total = 0;
	int cnt, stop = 0;

	if (!rb)
		return -EINVAL;
	/* Records may wait without a notification to come: left by a callback
	 * that stopped, by consume_n, or by an iterator. The kernel notifies only
	 * when a record is committed at the consumer position, so deliver them
	 * now instead of sleeping. */
	cnt = drain_rings(rb, LONG_MAX, true);
	if (cnt)
		return cnt;
	cnt = em_sys_epoll_wait(rb->epfd, rb->events, rb->nr ? (int)rb->nr : 1, timeout_ms);
	if (cnt < 0)
		return cnt;
	for (int i = 0; i < cnt; i++) {
		uint32_t idx = rb->events[i].data.u32;

		if (idx >= rb->nr)
			continue;
		total += ring_drain(rb, &rb->rings[idx], LONG_MAX, &stop);
		if (stop)
			return stop;
	}
	return clamp_count(total);
}

/* ---- iterator --------------------------------------------------------------------------- */

/* Everything next() does beyond "a committed record at r->iter, inside what
 * the producer position read last time covers": reading the producer
 * position, skipping discarded records, and the publish-and-look-again. */
static __attribute__((noinline)) int next_slow(struct ebpfmini_ringbuf *rb, struct em_ring *r,
						unsigned int ring,
						struct ebpfmini_ringbuf_record *rec)
{
	unsigned long pos = r->iter, prod = r->prod_seen;
	/* records next() returned are not all released: r->iter, the end of the
	 * last one, stays put until they are (so this stays true until then) */
	bool held = *r->cons != pos;

	for (;;) {
		while (pos != prod) {
			const uint32_t *hdr = hdr_at(r, pos);
			uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
			unsigned long total;

			if (len & EM_RB_BUSY_BIT)
				break;
			total = ((unsigned long)(len & ~EM_RB_DISCARD_BIT) + EM_RB_HDR_SZ + 7) & ~7UL;
			if (total > prod - pos)
				return corrupt(rb, r, pos, len, prod - pos);
			pos += total;
			if (!(len & EM_RB_DISCARD_BIT)) {
				r->iter = pos;
				rec->data = hdr + 2;
				rec->size = len;
				rec->end = pos;
				rec->ring = ring;
				return 1;
			}
		}
		if (pos == prod) {
			/* the producer position read last time may be stale */
			prod = __atomic_load_n(r->prod, __ATOMIC_ACQUIRE);
			r->prod_seen = prod;
			if (pos != prod)
				continue;
		}
		/* nothing ready at pos (discarded records before it skipped) */
		if (held)
			return 0; /* release() then next() again before sleeping */
		if (!publish_and_recheck(r, pos))
			return 0;
		prod = __atomic_load_n(r->prod, __ATOMIC_ACQUIRE);
		r->prod_seen = prod;
	}
}

EM_EXPORT int ebpfmini_ringbuf_next(struct ebpfmini_ringbuf *rb, unsigned int ring,
				    struct ebpfmini_ringbuf_record *rec)
{
	struct em_ring *r;
	unsigned long pos;

	if (unlikely(!rb || !rec || ring >= rb->nr))
		return -EINVAL;
	r = &rb->rings[ring];
	pos = r->iter;
	/* fast path, a leaf: a committed record the last producer position covers */
	if (likely(pos != r->prod_seen)) {
		const uint32_t *hdr = hdr_at(r, pos);
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		unsigned long total = ((unsigned long)len + EM_RB_HDR_SZ + 7) & ~7UL;

		/* BUSY and DISCARD records go the slow way */
		if (likely(!(len & (EM_RB_BUSY_BIT | EM_RB_DISCARD_BIT)) &&
			   total <= r->prod_seen - pos)) {
			__builtin_prefetch(r->data + ((pos + PREFETCH_AHEAD) & r->mask));
			pos += total;
			r->iter = pos;
			rec->data = hdr + 2;
			rec->size = len;
			rec->end = pos;
			rec->ring = ring;
			return 1;
		}
	}
	return next_slow(rb, r, ring, rec);
}

EM_EXPORT int ebpfmini_ringbuf_release(struct ebpfmini_ringbuf *rb,
				       const struct ebpfmini_ringbuf_record *rec)
{
	struct em_ring *r;
	unsigned long published, end;

	if (unlikely(!rb || !rec || rec->ring >= rb->nr))
		return -EINVAL;
	r = &rb->rings[rec->ring];
	published = *r->cons;
	end = (unsigned long)rec->end;
	/* end must lie in (published, iter], or be released already: at most
	 * one ring size behind the published position */
	if (unlikely(end - published > r->iter - published))
		return published - end <= r->mask + 1 ? 0 : -EINVAL;
	__atomic_store_n(r->cons, end, __ATOMIC_RELEASE);
	return 0;
}

/* ---- accessors ---------------------------------------------------------------------------- */

static const struct em_ring *ring_of(const struct ebpfmini_ringbuf *rb, unsigned int ring)
{
	return rb && ring < rb->nr ? &rb->rings[ring] : NULL;
}

EM_EXPORT int ebpfmini_ringbuf_epoll_fd(const struct ebpfmini_ringbuf *rb)
{
	return rb ? rb->epfd : -EINVAL;
}

EM_EXPORT unsigned int ebpfmini_ringbuf_ring_count(const struct ebpfmini_ringbuf *rb)
{
	return rb ? rb->nr : 0;
}

EM_EXPORT uint64_t ebpfmini_ringbuf_size(const struct ebpfmini_ringbuf *rb, unsigned int ring)
{
	const struct em_ring *r = ring_of(rb, ring);

	return r ? (uint64_t)r->mask + 1 : 0;
}

EM_EXPORT uint64_t ebpfmini_ringbuf_avail(const struct ebpfmini_ringbuf *rb, unsigned int ring)
{
	const struct em_ring *r = ring_of(rb, ring);

	if (!r)
		return 0;
	return __atomic_load_n(r->prod, __ATOMIC_ACQUIRE) - __atomic_load_n(r->cons,
									     __ATOMIC_RELAXED);
}

EM_EXPORT uint64_t ebpfmini_ringbuf_consumer_pos(const struct ebpfmini_ringbuf *rb,
						 unsigned int ring)
{
	const struct em_ring *r = ring_of(rb, ring);

	return r ? __atomic_load_n(r->cons, __ATOMIC_RELAXED) : 0;
}

EM_EXPORT uint64_t ebpfmini_ringbuf_producer_pos(const struct ebpfmini_ringbuf *rb,
						 unsigned int ring)
{
	const struct em_ring *r = ring_of(rb, ring);

	return r ? __atomic_load_n(r->prod, __ATOMIC_ACQUIRE) : 0;
}

/* ---- lifecycle ------------------------------------------------------------------------------ */

int em_ringbuf_new_mem(const struct ebpfmini_ringbuf_opts *opts, struct ebpfmini_ringbuf **out)
{
	struct ebpfmini_ringbuf *rb;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	err = em_opts_check(opts, sizeof(struct ebpfmini_ringbuf_opts), "ringbuf");
	if (err)
		return err;
	rb = em_calloc(1, sizeof(*rb));
	if (!rb)
		return -ENOMEM;
	rb->events = em_calloc(1, sizeof(*rb->events));
	if (!rb->events) {
		free(rb);
		return -ENOMEM;
	}
	rb->epfd = em_sys_epoll_create();
	if (rb->epfd < 0) {
		err = rb->epfd;
		em_err("ringbuf: cannot create an epoll fd: %s", strerror(-err));
		free(rb->events);
		free(rb);
		return err;
	}
	*out = rb;
	return 0;
}

/* Room for one more ring in rings[] and events[]. */
static int grow(struct ebpfmini_ringbuf *rb)
{
	struct em_ring *rings;
	struct epoll_event *events;

	if (rb->nr >= INT_MAX - 1)
		return -E2BIG;
	rings = em_reallocarray(rb->rings, rb->nr + 1, sizeof(*rings));
	if (!rings)
		return -ENOMEM;
	rb->rings = rings;
	events = em_reallocarray(rb->events, rb->nr + 1, sizeof(*events));
	if (!events)
		return -ENOMEM;
	rb->events = events;
	return 0;
}

static void ring_init(struct em_ring *r, unsigned long *cons, const unsigned long *prod,
		      const void *data, uint64_t size, ebpfmini_ringbuf_sample_fn cb, void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->data = data;
	r->mask = (unsigned long)(size - 1);
	r->cons = cons;
	r->prod = prod;
	r->iter = __atomic_load_n(cons, __ATOMIC_ACQUIRE);
	r->prod_seen = r->iter;
	r->cb = cb;
	r->ctx = ctx;
}

int em_ringbuf_add_mem(struct ebpfmini_ringbuf *rb, unsigned long *consumer_pos,
		       const unsigned long *producer_pos, const void *data, uint64_t size,
		       ebpfmini_ringbuf_sample_fn cb, void *ctx)
{
	int err;

	if (!rb || !consumer_pos || !producer_pos || !data || !cb || size < 8 ||
	    (size & (size - 1)) || (uint64_t)(unsigned long)(size - 1) != size - 1)
		return -EINVAL;
	err = grow(rb);
	if (err)
		return err;
	ring_init(&rb->rings[rb->nr], consumer_pos, producer_pos, data, size, cb, ctx);
	return (int)rb->nr++;
}

EM_EXPORT int ebpfmini_ringbuf_add(struct ebpfmini_ringbuf *rb, int map_fd,
				   ebpfmini_ringbuf_sample_fn cb, void *ctx)
{
	struct em_ring_mapping m;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	struct em_ring *r;
	int err;

	if (!rb || map_fd < 0 || !cb)
		return -EINVAL;
	err = grow(rb);
	if (err)
		return err;
	err = em_ringbuf_map(map_fd, BPF_MAP_TYPE_RINGBUF, &m);
	if (err)
		return err;
	/* Edge-triggered: the kernel signals when a record lands at the consumer
	 * position; records left behind are found by poll() before it sleeps. */
	ev.data.u32 = rb->nr;
	err = em_sys_epoll_ctl(rb->epfd, EPOLL_CTL_ADD, map_fd, &ev);
	if (err) {
		em_err("ringbuf: cannot watch map fd %d with epoll: %s", map_fd, strerror(-err));
		em_ringbuf_unmap(&m);
		return err;
	}
	r = &rb->rings[rb->nr];
	ring_init(r, m.cons_page, m.prod_area, (const uint8_t *)m.prod_area + m.page_size, m.size,
		  cb, ctx);
	r->map = m;
	return (int)rb->nr++;
}

EM_EXPORT int ebpfmini_ringbuf_new(int map_fd, ebpfmini_ringbuf_sample_fn cb, void *ctx,
				   const struct ebpfmini_ringbuf_opts *opts,
				   struct ebpfmini_ringbuf **out)
{
	struct ebpfmini_ringbuf *rb;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (map_fd < 0 || !cb)
		return -EINVAL;
	err = em_ringbuf_new_mem(opts, &rb);
	if (err)
		return err;
	err = ebpfmini_ringbuf_add(rb, map_fd, cb, ctx);
	if (err < 0) {
		ebpfmini_ringbuf_free(rb);
		return err;
	}
	*out = rb;
	return 0;
}

EM_EXPORT void ebpfmini_ringbuf_free(struct ebpfmini_ringbuf *rb)
{
	if (!rb)
		return;
	for (unsigned int i = 0; i < rb->nr; i++)
		em_ringbuf_unmap(&rb->rings[i].map);
	if (rb->epfd >= 0)
		em_sys_close(rb->epfd);
	free(rb->rings);
	free(rb->events);
	free(rb);
}
