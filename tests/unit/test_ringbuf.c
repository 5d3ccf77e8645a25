/* test_ringbuf.c - ring buffer consumer and user ring buffer producer on rings in ordinary memory (unit) */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include "ebpfmini/ebpfmini.h"
#include "ring_layout.h"

/*
 * A ring laid out as the kernel lays it out: a consumer position, a producer
 * position and a data area of size bytes mapped twice in a row (a memfd
 * mapped at two adjacent addresses), so a record that wraps is contiguous.
 * The test is the producer: it writes headers with BUSY, moves the producer
 * position with release order and commits by clearing BUSY.
 */
struct memring {
	unsigned long cons __attribute__((aligned(64)));
	unsigned long prod __attribute__((aligned(64)));
	uint8_t *data;
	size_t size;
	unsigned long wpos; /* the producer's own position */
};

static struct memring *memring_new(size_t size, unsigned long start)
{
	struct memring *m = calloc(1, sizeof(*m));
	int fd = memfd_create("ringbuf-test", MFD_CLOEXEC);
	uint8_t *area;

	assert_non_null(m);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	area = mmap(NULL, 2 * size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(area != MAP_FAILED);
	assert_true(mmap(area, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) == area);
	assert_true(mmap(area + size, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) ==
		    area + size);
	close(fd);
	m->data = area;
	m->size = size;
	m->cons = m->prod = m->wpos = start;
	return m;
}

static void memring_free(struct memring *m)
{
	munmap(m->data, 2 * m->size);
	free(m);
}

static void *mr_reserve(struct memring *m, uint32_t len)
{
	uint32_t *hdr = (uint32_t *)(m->data + (m->wpos & (m->size - 1)));

	assert_true(m->wpos - m->cons + em_ringbuf_rec_total(len) <= m->size);
	hdr[0] = len | EM_RB_BUSY_BIT;
	hdr[1] = 0x1234; /* pg_off: the consumer must not care */
	m->wpos += em_ringbuf_rec_total(len);
	__atomic_store_n(&m->prod, m->wpos, __ATOMIC_RELEASE);
	return hdr + 2;
}

static void mr_commit(void *sample, bool discard)
{
	uint32_t *hdr = (uint32_t *)sample - 2;
	uint32_t len = hdr[0] & ~EM_RB_BUSY_BIT;

	__atomic_store_n(hdr, len | (discard ? EM_RB_DISCARD_BIT : 0), __ATOMIC_RELEASE);
}

/* Payload of record seq: byte i is (seq * 7 + i) & 0xff. */
static void fill(void *p, uint32_t len, unsigned int seq)
{
	for (uint32_t i = 0; i < len; i++)
		((uint8_t *)p)[i] = (uint8_t)(seq * 7 + i);
}

static bool check_fill(const void *p, size_t len, unsigned int seq)
{
	for (size_t i = 0; i < len; i++)
		if (((const uint8_t *)p)[i] != (uint8_t)(seq * 7 + i))
			return false;
	return true;
}

static void mr_write(struct memring *m, uint32_t len, unsigned int seq, bool discard)
{
	void *p = mr_reserve(m, len);

	fill(p, len, seq);
	mr_commit(p, discard);
}

/* ---- a collecting callback --------------------------------------------------- */

struct seen {
	unsigned int n;
	size_t sizes[64];
	const void *ptrs[64];
	bool ok[64];        /* payload matched the seq of its expected record */
	unsigned int seqs[64]; /* seq the test expects at each delivery */
	int stop_at;        /* return stop_val at this delivery (1-based), 0: never */
	int stop_val;
	struct memring *produce_into; /* write another record from the callback */
	unsigned int produce_more;
};

static int collect(void *ctx, const void *data, size_t size)
{
	struct seen *s = ctx;
	unsigned int i = s->n++;

	assert_true(i < 64);
	s->sizes[i] = size;
	s->ptrs[i] = data;
	s->ok[i] = check_fill(data, size, s->seqs[i]);
	assert_int_equal((uintptr_t)data % 8, 0);
	if (s->produce_into && s->produce_more) {
		s->produce_more--;
		mr_write(s->produce_into, 16, s->seqs[i + 1], false);
	}
	if (s->stop_at && (int)s->n == s->stop_at)
		return s->stop_val;
	return 0;
}

static struct ebpfmini_ringbuf *consumer_on(struct memring *m, struct seen *s)
{
	struct ebpfmini_ringbuf *rb = NULL;

	assert_int_equal(em_ringbuf_new_mem(NULL, &rb), 0);
	assert_int_equal(em_ringbuf_add_mem(rb, &m->cons, &m->prod, m->data, m->size, collect, s),
			 0);
	return rb;
}

/* ---- tests ------------------------------------------------------------------- */

static void t_basic(void **state)
{
	struct memring *m = memring_new(4096, 0);
	struct seen s = { .seqs = { 1, 2, 3 } };
	struct ebpfmini_ringbuf *rb = consumer_on(m, &s);

	(void)state;
	mr_write(m, 8, 1, false);
	mr_write(m, 13, 2, false);
	mr_write(m, 24, 3, false);
	assert_int_equal(ebpfmini_ringbuf_size(rb, 0), 4096);
	assert_int_equal(ebpfmini_ringbuf_avail(rb, 0), 16 + 24 + 32);
	assert_int_equal(ebpfmini_ringbuf_producer_pos(rb, 0), 72);
	assert_int_equal(ebpfmini_ringbuf_consumer_pos(rb, 0), 0);
	assert_int_equal(ebpfmini_ringbuf_consume(rb), 3);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.sizes[0], 8);
	assert_int_equal(s.sizes[1], 13);
	assert_int_equal(s.sizes[2], 24);
	assert_true(s.ok[0] && s.ok[1] && s.ok[2]);
	/* the payload is the ring memory itself, right after each header */
	assert_ptr_equal(s.ptrs[0], m->data + 8);
	assert_ptr_equal(s.ptrs[1], m->data + 16 + 8);
	assert_int_equal(m->cons, 72);
	assert_int_equal(ebpfmini_ringbuf_avail(rb, 0), 0);
	assert_int_equal(ebpfmini_ringbuf_consume(rb), 0);
	assert_int_equal(ebpfmini_ringbuf_ring_count(rb), 1);
	ebpfmini_ringbuf_free(rb);
	memring_free(m);
}

/* Records that wrap the end of the data area, and positions that wrap 2^64. */
static void t_wrap(void **state)
{
	unsigned long start = (unsigned long)0 - 4096 - 24; /* 24 bytes before the end, 2^64 - 4120 */
	struct memring *m = memring_new(4096, start);
	struct seen s = { 0 };
	struct ebpfmini_ringbuf *rb = consumer_on(m, &s);
	unsigned int seq = 0, got = 0, w = 0;

	(void)state;
	/* 40-byte payload: header at 4072, payload 4080..4120 crosses the end */
	for (int round = 0; round < 300; round++) {
		uint32_t len = 1 + (uint32_t)(round * 37) % 700;

		s.seqs[w++] = seq;
		mr_write(m, len, seq++, false);
		if (round % 3 == 2 || round == 0) {
			int n = ebpfmini_ringbuf_consume(rb);

			assert_true(n >= 1);
			got += (unsigned int)n;
			assert_int_equal(s.n, w);
			for (unsigned int i = 0; i < s.n; i++)
				assert_true(s.ok[i]);
			s.n = w = 0;
		}
	}
	got += (unsigned int)ebpfmini_ringbuf_consume(rb);
	assert_int_equal(got, 300);
	assert_true(m->cons == m->prod);
	assert_true(m->cons < start); /* went past 2^64 */
	ebpfmini_ringbuf_free(rb);
	memring_free(m);
}

static void t_busy_and_discard(void **state)
{
	struct memring *m = memring_new(4096, 0);
	struct seen s = { .seqs = { 1, 2, 4 } };
	struct ebpfmini_ringbuf *rb = consumer_on(m, &s);
	void *busy;

	(void)state;
	mr_write(m, 10, 1, false);
	busy = mr_reserve(m, 20);
	fill(busy, 20, 2);
	mr_write(m, 30, 3, true); /* discarded: never delivered */
	mr_write(m, 40, 4, false);
	/* stops at the BUSY record and hands back only what precedes it */
	assert_int_equal(ebpfmini_ringbuf_consume(rb), 1);
	assert_int_equal(m->cons, 24);
	assert_int_equal(ebpfmini_ringbuf_consume(rb), 0);
	mr_commit(busy, false);
	assert_int_equal(ebpfmini_ringbuf_consume(rb), 2);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.sizes[1], 20);
	assert_int_equal(s.sizes[2], 40);
	assert_true(s.ok[0] && s.ok[1] && s.ok[2]);
	assert_true(m->cons == m->prod); /* the discarded record's space came back too */
	/* a discarded record at the end, alone */
	mr_write(m, 8, 9, true);
	assert_int_equal(ebpfmini_ringbuf_consume(rb), 0);
	assert_true(m->cons == m->prod);
	ebpfmini_ringbuf_free(rb);
	memring_free(m);
}

/* One record taking the whole ring (the user ring buffer allows it). */
static void t_exact_fill(void **state)
{
	struct memring *m = memring_new(4096, 2048);
	struct seen s = { .seqs = { 5, 6 } };
	struct ebpfmini_ringbuf *rb = consumer_on(m, &s);

	(void)state;
	mr_write(m, 4096 - 8, 5, false);
	assert_int_equal(ebpfmini_ringbuf_avail(rb, 0), 4096);
	assert_int_equal(ebpfmini_ringbuf_consume(rb), 1);
	assert_int_equal(s.sizes[0], 4088);
	assert_true(s.ok[0]); /* contiguous across the end */
	mr_write(m, 4096 - 8 - 7, 6, false); /* 4081 bytes: padded to the whole ring too */
	assert_int_equal(ebpfmini_ringbuf_consume(rb), 1);
	assert_int_equal(s.sizes[1], 4081);
	assert_true(s.ok[1]);
	assert_int_equal(m->cons, 2048 + 2 * 4096);
	ebpfmini_ringbuf_free(rb);
	memring_free(m);
}

static void t_callback_stops(void **state)
{
	struct memring *m = memring_new(4096, 0);
	struct seen s = { .seqs = { 0, 1, 2, 3 }, .stop_at = 2, .stop_val = 7 };
	struct ebpfmini_ringbuf *rb = consumer_on(m, &s);

	(void)state;
	for (unsigned int i = 0; i < 4; i++)
		mr_write(m, 16, i, false);
	assert_int_equal(ebpfmini_ringbuf_consume(rb), 7);
	assert_int_equal(s.n, 2);
	assert_int_equal(m->cons, 48); /* the record that stopped counts as consumed */
	s.stop_at = 3;
	s.stop_val = -42;
	assert_int_equal(ebpfmini_ringbuf_consume(rb), -42);
	assert_int_equal(s.n, 3);
	s.stop_at = 0;
	/* poll() finds what was left behind without waiting for a notification */
	assert_int_equal(ebpfmini_ringbuf_poll(rb, -1), 1);
	assert_int_equal(s.n, 4);
	for (unsigned int i = 0; i < 4; i++)
		assert_true(s.ok[i]);
	assert_int_equal(ebpfmini_ringbuf_poll(rb, 0), 0);
	assert_int_equal(ebpfmini_ringbuf_poll(rb, 20), 0); /* times out */
	ebpfmini_ringbuf_free(rb);
	memring_free(m);
}

static void t_consume_n(void **state)
{
	struct memring *m = memring_new(4096, 0);
	struct seen s = { .seqs = { 0, 1, 2, 3, 4 } };
	struct ebpfmini_ringbuf *rb = consumer_on(m, &s);

	(void)state;
	for (unsigned int i = 0; i < 5; i++)
		mr_write(m, 8, i, i == 1); /* the discarded one is not counted */
	s.seqs[1] = 2;
	s.seqs[2] = 3;
	s.seqs[3] = 4;
	assert_int_equal(ebpfmini_ringbuf_consume_n(rb, 0), 0);
	assert_int_equal(ebpfmini_ringbuf_consume_n(rb, 2), 2);
	assert_int_equal(m->cons, 48);
	assert_int_equal(ebpfmini_ringbuf_consume_n(rb, 10), 2);
	assert_int_equal(s.n, 4);
	for (unsigned int i = 0; i < 4; i++)
		assert_true(s.ok[i]);
	assert_true(m->cons == m->prod);
	ebpfmini_ringbuf_free(rb);
	memring_free(m);
}

/* The producer adds records while consume() runs: they are delivered before
 * it returns (the position is published and the ring looked at again). */
static void t_produce_during_consume(void **state)
{
	struct memring *m = memring_new(4096, 0);
	struct seen s = { .produce_more = 5 };
	struct ebpfmini_ringbuf *rb = consumer_on(m, &s);

	(void)state;
	s.produce_into = m;
	for (unsigned int i = 0; i < 10; i++)
		s.seqs[i] = 100 + i;
	mr_write(m, 16, 100, false);
	assert_int_equal(ebpfmini_ringbuf_consume(rb), 6);
	for (unsigned int i = 0; i < 6; i++)
		assert_true(s.ok[i]);
	assert_true(m->cons == m->prod);
	ebpfmini_ringbuf_free(rb);
	memring_free(m);
}

static void t_iterator(void **state)
{
	struct memring *m = memring_new(4096, 4096 - 16);
	struct seen s = { 0 };
	struct ebpfmini_ringbuf *rb = consumer_on(m, &s);
	struct ebpfmini_ringbuf_record a, b, c, d, e;
	void *busy;

	(void)state;
	mr_write(m, 20, 1, false); /* wraps the end */
	mr_write(m, 9, 2, false);
	mr_write(m, 30, 3, true);
	mr_write(m, 1, 4, false);
	busy = mr_reserve(m, 8);
	mr_write(m, 8, 6, false);

	assert_int_equal(ebpfmini_ringbuf_next(rb, 0, &a), 1);
	assert_int_equal(a.size, 20);
	assert_int_equal(a.ring, 0);
	assert_true(check_fill(a.data, a.size, 1));
	assert_int_equal(m->cons, 4096 - 16); /* nothing handed back yet */
	assert_int_equal(ebpfmini_ringbuf_next(rb, 0, &b), 1);
	assert_int_equal(b.size, 9);
	assert_true(check_fill(b.data, b.size, 2));
	assert_int_equal(ebpfmini_ringbuf_release(rb, &b), 0); /* releases a too */
	assert_int_equal(m->cons, b.end);
	assert_int_equal(ebpfmini_ringbuf_release(rb, &a), 0); /* already released: no-op */
	assert_int_equal(m->cons, b.end);
	assert_int_equal(ebpfmini_ringbuf_next(rb, 0, &c), 1); /* skips the discarded one */
	assert_int_equal(c.size, 1);
	assert_true(check_fill(c.data, 1, 4));
	/* stops at the busy record */
	assert_int_equal(ebpfmini_ringbuf_next(rb, 0, &d), 0);
	assert_int_equal(m->cons, b.end); /* c still held */
	assert_int_equal(ebpfmini_ringbuf_release(rb, &c), 0);
	assert_int_equal(ebpfmini_ringbuf_next(rb, 0, &d), 0);
	assert_int_equal(m->cons, c.end);
	fill(busy, 8, 5);
	mr_commit(busy, false);
	assert_int_equal(ebpfmini_ringbuf_next(rb, 0, &d), 1);
	assert_true(check_fill(d.data, 8, 5));
	assert_int_equal(ebpfmini_ringbuf_next(rb, 0, &e), 1);
	assert_true(check_fill(e.data, 8, 6));
	/* a record from outside what next() returned */
	e.end += 8;
	assert_int_equal(ebpfmini_ringbuf_release(rb, &e), -EINVAL);
	e.end -= 8 + 2 * 4096; /* far behind: not a record of this ring */
	assert_int_equal(ebpfmini_ringbuf_release(rb, &e), -EINVAL);
	e.end += 2 * 4096;
	assert_int_equal(ebpfmini_ringbuf_release(rb, &e), 0);
	assert_int_equal(ebpfmini_ringbuf_next(rb, 0, &d), 0);
	assert_true(m->cons == m->prod);
	/* consume() starts after what next() returned and releases it */
	mr_write(m, 8, 7, false);
	mr_write(m, 8, 8, false);
	assert_int_equal(ebpfmini_ringbuf_next(rb, 0, &a), 1);
	s.seqs[0] = 8;
	assert_int_equal(ebpfmini_ringbuf_consume(rb), 1);
	assert_true(s.ok[0]);
	assert_true(m->cons == m->prod);
	/* bad arguments */
	assert_int_equal(ebpfmini_ringbuf_next(rb, 1, &a), -EINVAL);
	assert_int_equal(ebpfmini_ringbuf_next(rb, 0, NULL), -EINVAL);
	assert_int_equal(ebpfmini_ringbuf_next(NULL, 0, &a), -EINVAL);
	a.ring = 3;
	assert_int_equal(ebpfmini_ringbuf_release(rb, &a), -EINVAL);
	ebpfmini_ringbuf_free(rb);
	memring_free(m);
}

/* The loop in the header's documentation, over many wrapping records. */
static void t_iterator_loop(void **state)
{
	struct memring *m = memring_new(4096, 0);
	struct seen s = { 0 };
	struct ebpfmini_ringbuf *rb = consumer_on(m, &s);
	struct ebpfmini_ringbuf_record rec;
	unsigned int wseq = 0, rseq = 0;

	(void)state;
	for (int round = 0; round < 200; round++) {
		for (int k = 0; k < 5; k++) {
			uint32_t len = (uint32_t)(wseq * 13) % 300;

			mr_write(m, len, wseq++, false);
		}
		while (ebpfmini_ringbuf_next(rb, 0, &rec) > 0) {
			assert_int_equal(rec.size, (rseq * 13) % 300);
			assert_true(check_fill(rec.data, rec.size, rseq));
			rseq++;
			if (rseq % 2 == 0) /* release every other record: covers both */
				assert_int_equal(ebpfmini_ringbuf_release(rb, &rec), 0);
		}
		if (m->cons != m->prod) { /* the odd one still held */
			assert_int_equal(ebpfmini_ringbuf_release(rb, &rec), 0);
			assert_int_equal(ebpfmini_ringbuf_next(rb, 0, &rec), 0);
		}
		assert_true(m->cons == m->prod);
	}
	assert_int_equal(rseq, wseq);
	ebpfmini_ringbuf_free(rb);
	memring_free(m);
}

static void t_several_rings(void **state)
{
	struct memring *m1 = memring_new(4096, 0), *m2 = memring_new(8192, 100 * 8);
	struct seen s1 = { .seqs = { 1, 2 } }, s2 = { .seqs = { 3 } };
	struct ebpfmini_ringbuf *rb = consumer_on(m1, &s1);

	(void)state;
	assert_int_equal(em_ringbuf_add_mem(rb, &m2->cons, &m2->prod, m2->data, m2->size, collect,
					    &s2),
			 1);
	assert_int_equal(ebpfmini_ringbuf_ring_count(rb), 2);
	assert_int_equal(ebpfmini_ringbuf_size(rb, 1), 8192);
	assert_int_equal(ebpfmini_ringbuf_size(rb, 2), 0);
	assert_int_equal(ebpfmini_ringbuf_consumer_pos(rb, 1), 800);
	mr_write(m1, 8, 1, false);
	mr_write(m2, 8, 3, false);
	mr_write(m1, 8, 2, false);
	assert_int_equal(ebpfmini_ringbuf_consume(rb), 3);
	assert_int_equal(s1.n, 2);
	assert_int_equal(s2.n, 1);
	assert_true(s1.ok[0] && s1.ok[1] && s2.ok[0]);
	/* consume_n spans rings */
	s1.n = s2.n = 0;
	s1.seqs[0] = 4;
	s2.seqs[0] = 5;
	s2.seqs[1] = 6;
	mr_write(m1, 8, 4, false);
	mr_write(m2, 8, 5, false);
	mr_write(m2, 8, 6, false);
	assert_int_equal(ebpfmini_ringbuf_consume_n(rb, 2), 2);
	assert_int_equal(s1.n, 1);
	assert_int_equal(s2.n, 1);
	assert_int_equal(ebpfmini_ringbuf_poll(rb, 0), 1);
	assert_true(s2.ok[0] && s2.ok[1]);
	ebpfmini_ringbuf_free(rb);
	memring_free(m1);
	memring_free(m2);
}

static void t_corrupt(void **state)
{
	struct memring *m = memring_new(4096, 0);
	struct seen s = { 0 };
	struct ebpfmini_ringbuf *rb = consumer_on(m, &s);
	struct ebpfmini_ringbuf_record rec;
	uint32_t *hdr = (uint32_t *)m->data;

	(void)state;
	mr_write(m, 16, 0, false);
	hdr[0] = 200; /* claims more than the producer reserved */
	assert_int_equal(ebpfmini_ringbuf_consume(rb), -EBADMSG);
	assert_int_equal(ebpfmini_ringbuf_next(rb, 0, &rec), -EBADMSG);
	assert_int_equal(s.n, 0);
	assert_int_equal(m->cons, 0);
	hdr[0] = 16;
	assert_int_equal(ebpfmini_ringbuf_consume(rb), 1);
	ebpfmini_ringbuf_free(rb);
	memring_free(m);
}

static void t_bad_args(void **state)
{
	struct ebpfmini_ringbuf *rb = (void *)1;
	struct ebpfmini_ringbuf_user *urb = (void *)1;
	struct {
		struct ebpfmini_ringbuf_opts o;
		uint64_t future;
	} big = { .o = { .sz = sizeof(big) }, .future = 1 };
	unsigned long pos = 0;
	uint8_t data[64];

	(void)state;
	assert_int_equal(ebpfmini_ringbuf_new(-1, collect, NULL, NULL, &rb), -EINVAL);
	assert_null(rb);
	assert_int_equal(ebpfmini_ringbuf_new(5, NULL, NULL, NULL, &rb), -EINVAL);
	assert_int_equal(ebpfmini_ringbuf_new(5, collect, NULL, NULL, NULL), -EINVAL);
	assert_int_equal(em_ringbuf_new_mem(&big.o, &rb), -EINVAL);
	assert_int_equal(ebpfmini_ringbuf_user_new(-1, NULL, &urb), -EINVAL);
	assert_null(urb);
	assert_int_equal(ebpfmini_ringbuf_consume(NULL), -EINVAL);
	assert_int_equal(ebpfmini_ringbuf_consume_n(NULL, 1), -EINVAL);
	assert_int_equal(ebpfmini_ringbuf_poll(NULL, 0), -EINVAL);
	assert_int_equal(ebpfmini_ringbuf_epoll_fd(NULL), -EINVAL);
	assert_int_equal(ebpfmini_ringbuf_add(NULL, 3, collect, NULL), -EINVAL);
	assert_int_equal(ebpfmini_ringbuf_size(NULL, 0), 0);
	assert_int_equal(ebpfmini_ringbuf_avail(NULL, 0), 0);
	assert_int_equal(ebpfmini_ringbuf_consumer_pos(NULL, 0), 0);
	assert_int_equal(ebpfmini_ringbuf_producer_pos(NULL, 0), 0);
	assert_int_equal(ebpfmini_ringbuf_ring_count(NULL), 0);
	ebpfmini_ringbuf_free(NULL);
	ebpfmini_ringbuf_user_free(NULL);
	assert_int_equal(em_ringbuf_new_mem(NULL, &rb), 0);
	assert_true(ebpfmini_ringbuf_epoll_fd(rb) >= 3);
	/* size must be a power of 2 */
	assert_int_equal(em_ringbuf_add_mem(rb, &pos, &pos, data, 48, collect, NULL), -EINVAL);
	assert_int_equal(em_ringbuf_add_mem(rb, &pos, &pos, data, 4, collect, NULL), -EINVAL);
	assert_int_equal(em_ringbuf_add_mem(rb, &pos, &pos, data, 32, NULL, NULL), -EINVAL);
	assert_int_equal(ebpfmini_ringbuf_poll(rb, 0), 0); /* no rings: nothing, no error */
	ebpfmini_ringbuf_free(rb);
}

/* ---- user ring buffer producer: the test plays the kernel's consumer ---------- */

static void t_user_reserve_submit(void **state)
{
	struct memring *m = memring_new(4096, 0);
	struct ebpfmini_ringbuf_user *u = NULL;
	void *a, *b, *c;
	uint32_t *ha;

	(void)state;
	assert_int_equal(em_user_ringbuf_new_mem(&m->cons, &m->prod, m->data, m->size, &u), 0);
	assert_int_equal(ebpfmini_ringbuf_user_size(u), 4096);
	assert_int_equal(ebpfmini_ringbuf_user_avail(u), 4096);
	assert_int_equal(ebpfmini_ringbuf_user_reserve(u, 13, &a), 0);
	ha = (uint32_t *)a - 2;
	assert_ptr_equal(ha, m->data);
	assert_int_equal(ha[0], 13 | EM_RB_BUSY_BIT);
	assert_int_equal(m->prod, 24); /* 13 + 8 rounded up to 8 */
	assert_int_equal(ebpfmini_ringbuf_user_reserve(u, 0, &b), 0);
	assert_int_equal(m->prod, 32);
	assert_int_equal(ebpfmini_ringbuf_user_reserve(u, 100, &c), 0);
	assert_int_equal((uintptr_t)c % 8, 0);
	ebpfmini_ringbuf_user_submit(u, c); /* out of order is fine */
	ebpfmini_ringbuf_user_discard(u, b);
	ebpfmini_ringbuf_user_submit(u, a);
	assert_int_equal(ha[0], 13);
	assert_int_equal(((uint32_t *)b - 2)[0], EM_RB_DISCARD_BIT);
	assert_int_equal(((uint32_t *)c - 2)[0], 100);
	assert_int_equal(ebpfmini_ringbuf_user_avail(u), 4096 - 32 - 112);
	/* the test, as the kernel, consumes everything */
	__atomic_store_n(&m->cons, m->prod, __ATOMIC_RELEASE);
	assert_int_equal(ebpfmini_ringbuf_user_avail(u), 4096);
	ebpfmini_ringbuf_user_free(u);
	memring_free(m);
}

static void t_user_full_and_wrap(void **state)
{
	struct memring *m = memring_new(4096, 4096 - 8);
	struct ebpfmini_ringbuf_user *u = NULL;
	void *a, *b;

	(void)state;
	assert_int_equal(em_user_ringbuf_new_mem(&m->cons, &m->prod, m->data, m->size, &u), 0);
	assert_int_equal(ebpfmini_ringbuf_user_reserve(u, 4089, &a), -E2BIG);
	assert_int_equal(ebpfmini_ringbuf_user_reserve(u, (size_t)1 << 30, &a), -E2BIG);
	/* exactly the whole ring, wrapping the end: contiguous through the double mapping */
	assert_int_equal(ebpfmini_ringbuf_user_reserve(u, 4088, &a), 0);
	assert_ptr_equal(a, m->data + 4096);
	memset(a, 0xab, 4088);
	assert_int_equal(m->data[0], 0xab); /* the wrapped part landed at the start */
	assert_int_equal(ebpfmini_ringbuf_user_avail(u), 0);
	assert_int_equal(ebpfmini_ringbuf_user_reserve(u, 0, &b), -ENOSPC);
	assert_int_equal(ebpfmini_ringbuf_user_reserve_blocking(u, 0, 0, &b), -ETIMEDOUT);
	assert_int_equal(ebpfmini_ringbuf_user_reserve_blocking(u, 0, 30, &b), -ETIMEDOUT);
	ebpfmini_ringbuf_user_submit(u, a);
	__atomic_store_n(&m->cons, m->prod, __ATOMIC_RELEASE);
	assert_int_equal(ebpfmini_ringbuf_user_reserve_blocking(u, 100, -1, &b), 0);
	assert_int_equal(ebpfmini_ringbuf_user_reserve(NULL, 1, &b), -EINVAL);
	assert_int_equal(ebpfmini_ringbuf_user_reserve(u, 1, NULL), -EINVAL);
	ebpfmini_ringbuf_user_free(u);
	memring_free(m);
}

/* What the user producer writes, the consumer reads: both sides of the format. */
static void t_user_to_consumer(void **state)
{
	struct memring *m = memring_new(4096, 0);
	struct ebpfmini_ringbuf_user *u = NULL;
	struct seen s = { 0 };
	struct ebpfmini_ringbuf *rb = consumer_on(m, &s);
	unsigned int seq = 0, got = 0;

	(void)state;
	assert_int_equal(em_user_ringbuf_new_mem(&m->cons, &m->prod, m->data, m->size, &u), 0);
	for (int round = 0; round < 100; round++) {
		unsigned int want = 0;

		s.n = 0;
		for (int k = 0; k < 4; k++) {
			uint32_t len = (uint32_t)(seq * 31) % 500;
			void *p;

			assert_int_equal(ebpfmini_ringbuf_user_reserve(u, len, &p), 0);
			fill(p, len, seq);
			if (seq % 5 == 4) {
				ebpfmini_ringbuf_user_discard(u, p);
			} else {
				s.seqs[want++] = seq;
				ebpfmini_ringbuf_user_submit(u, p);
			}
			seq++;
		}
		assert_int_equal(ebpfmini_ringbuf_consume(rb), (int)want);
		for (unsigned int i = 0; i < want; i++) {
			assert_true(s.ok[i]);
			assert_int_equal(s.sizes[i], (s.seqs[i] * 31) % 500);
		}
		got += want;
	}
	assert_int_equal(got, 320); /* 400 written, every fifth discarded */
	ebpfmini_ringbuf_free(rb);
	ebpfmini_ringbuf_user_free(u);
	memring_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_basic),
		cmocka_unit_test(t_wrap),
		cmocka_unit_test(t_busy_and_discard),
		cmocka_unit_test(t_exact_fill),
		cmocka_unit_test(t_callback_stops),
		cmocka_unit_test(t_consume_n),
		cmocka_unit_test(t_produce_during_consume),
		cmocka_unit_test(t_iterator),
		cmocka_unit_test(t_iterator_loop),
		cmocka_unit_test(t_several_rings),
		cmocka_unit_test(t_corrupt),
		cmocka_unit_test(t_bad_args),
		cmocka_unit_test(t_user_reserve_submit),
		cmocka_unit_test(t_user_full_and_wrap),
		cmocka_unit_test(t_user_to_consumer),
	};

	ebpfmini_log_set(NULL, EBPFMINI_LOG_OFF, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
