/* test_perfbuf.c - perf buffer reading on perf rings in ordinary memory: wrapped and lost records (unit) */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include <linux/perf_event.h>

#include "ebpfmini/ebpfmini.h"
#include "ring_layout.h"

/*
 * A perf ring as the kernel lays it out: a struct perf_event_mmap_page in the
 * first page, then the data pages, mapped once. The test is the kernel: it
 * writes records at data_head (splitting those that cross the end) and
 * publishes data_head with release order.
 */
#define PAGE 4096

struct perfring {
	uint8_t *base; /* meta page + data */
	size_t data_size;
	struct perf_event_mmap_page *meta;
};

static struct perfring *perfring_new(size_t data_size, uint64_t start)
{
	struct perfring *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	p->base = aligned_alloc(PAGE, PAGE + data_size);
	assert_non_null(p->base);
	memset(p->base, 0, PAGE + data_size);
	p->data_size = data_size;
	p->meta = (struct perf_event_mmap_page *)p->base;
	p->meta->data_head = start;
	p->meta->data_tail = start;
	return p;
}

static void perfring_free(struct perfring *p)
{
	free(p->base);
	free(p);
}

/* Append len bytes at head (wrapping), without publishing. */
static void put(struct perfring *p, uint64_t *head, const void *src, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		p->base[PAGE + (*head & (p->data_size - 1))] = ((const uint8_t *)src)[i];
		(*head)++;
	}
}

static void publish(struct perfring *p, uint64_t head)
{
	__atomic_store_n(&p->meta->data_head, head, __ATOMIC_RELEASE);
}

/* PERF_RECORD_SAMPLE with PERF_SAMPLE_RAW: header, u32 size, data padded to 8. */
static void put_sample(struct perfring *p, const void *data, uint32_t len)
{
	uint64_t head = p->meta->data_head;
	uint32_t raw = ((len + 4 + 7) & ~7U) - 4; /* the kernel pads the raw size */
	struct perf_event_header h = { .type = PERF_RECORD_SAMPLE,
				       .size = (uint16_t)(sizeof(h) + 4 + raw) };
	uint8_t pad[8] = { 0 };

	assert_true(head - p->meta->data_tail + h.size <= p->data_size);
	put(p, &head, &h, sizeof(h));
	put(p, &head, &raw, 4);
	put(p, &head, data, len);
	put(p, &head, pad, raw - len);
	publish(p, head);
}

static void put_lost(struct perfring *p, uint64_t lost)
{
	uint64_t head = p->meta->data_head, id = 99;
	struct perf_event_header h = { .type = PERF_RECORD_LOST, .size = sizeof(h) + 16 };

	put(p, &head, &h, sizeof(h));
	put(p, &head, &id, 8);
	put(p, &head, &lost, 8);
	publish(p, head);
}

static void put_other(struct perfring *p, uint32_t type, uint16_t size)
{
	uint64_t head = p->meta->data_head;
	struct perf_event_header h = { .type = type, .size = size };
	uint8_t zero[64] = { 0 };

	put(p, &head, &h, sizeof(h));
	put(p, &head, zero, size - sizeof(h));
	publish(p, head);
}

/* ---- collecting callbacks ------------------------------------------------------- */

struct seen {
	unsigned int n;
	int cpus[64];
	uint32_t sizes[64];
	uint32_t first[64]; /* first 4 bytes of each sample */
	bool ok[64];        /* bytes 4.. follow the pattern of the sample's first word */
	int stop_at, stop_val;
	unsigned int lost_calls;
	uint64_t lost;
	int lost_cpu;
};

static void pattern(uint8_t *buf, uint32_t len, uint32_t seq)
{
	memcpy(buf, &seq, 4);
	for (uint32_t i = 4; i < len; i++)
		buf[i] = (uint8_t)(seq + i);
}

static int on_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct seen *s = ctx;
	unsigned int i = s->n++;
	const uint8_t *b = data;
	uint32_t seq;

	assert_true(i < 64);
	assert_true(size >= 4);
	memcpy(&seq, b, 4);
	s->cpus[i] = cpu;
	s->sizes[i] = size;
	s->first[i] = seq;
	s->ok[i] = true;
	for (uint32_t k = 4; k < size; k++)
		if (b[k] != (uint8_t)(seq + k) && b[k] != 0) /* padding is zero */
			s->ok[i] = false;
	if (s->stop_at && (int)s->n == s->stop_at)
		return s->stop_val;
	return 0;
}

static void on_lost(void *ctx, int cpu, uint64_t lost)
{
	struct seen *s = ctx;

	s->lost_calls++;
	s->lost += lost;
	s->lost_cpu = cpu;
}

static struct ebpfmini_perfbuf *buffer_on(struct perfring *p, int cpu, struct seen *s)
{
	struct ebpfmini_perfbuf_opts opts = { .sz = sizeof(opts), .lost_cb = on_lost };
	struct ebpfmini_perfbuf *pb = NULL;

	assert_int_equal(em_perfbuf_new_mem(on_sample, s, &opts, &pb), 0);
	assert_int_equal(em_perfbuf_add_mem(pb, cpu, p->base, PAGE, p->data_size), 0);
	return pb;
}

static void write_seq(struct perfring *p, uint32_t seq, uint32_t len)
{
	uint8_t buf[256];

	assert_true(len <= sizeof(buf));
	pattern(buf, len, seq);
	put_sample(p, buf, len);
}

/* ---- tests ------------------------------------------------------------------------ */

static void t_samples(void **state)
{
	struct perfring *p = perfring_new(PAGE, 0);
	struct seen s = { 0 };
	struct ebpfmini_perfbuf *pb = buffer_on(p, 3, &s);

	(void)state;
	write_seq(p, 10, 4);
	write_seq(p, 11, 20);
	write_seq(p, 12, 60);
	assert_int_equal(ebpfmini_perfbuf_consume(pb), 3);
	assert_int_equal(s.n, 3);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(s.cpus[i], 3);
		assert_int_equal(s.first[i], 10 + i);
		assert_true(s.ok[i]);
	}
	assert_int_equal(s.sizes[0], 4);
	assert_int_equal(s.sizes[1], 20);
	assert_int_equal(s.sizes[2], 60);
	assert_int_equal(p->meta->data_tail, p->meta->data_head);
	assert_int_equal(ebpfmini_perfbuf_consume(pb), 0);
	assert_int_equal(ebpfmini_perfbuf_buffer_count(pb), 1);
	assert_int_equal(ebpfmini_perfbuf_buffer_cpu(pb, 0), 3);
	assert_int_equal(ebpfmini_perfbuf_buffer_cpu(pb, 1), -EINVAL);
	assert_int_equal(ebpfmini_perfbuf_buffer_fd(pb, 0), -EINVAL); /* no fd in memory */
	assert_true(ebpfmini_perfbuf_epoll_fd(pb) >= 3);
	assert_int_equal(ebpfmini_perfbuf_lost(pb), 0);
	ebpfmini_perfbuf_free(pb);
	perfring_free(p);
}

/* Records that cross the end of the data area arrive whole (via the scratch buffer). */
static void t_wrapped(void **state)
{
	struct perfring *p = perfring_new(PAGE, 10 * (uint64_t)PAGE - 40);
	struct seen s = { 0 };
	struct ebpfmini_perfbuf *pb = buffer_on(p, 0, &s);
	uint32_t seq = 0, got = 0;

	(void)state;
	write_seq(p, seq++, 100); /* header before the end, sample after it */
	assert_int_equal(ebpfmini_perfbuf_consume(pb), 1);
	assert_true(s.ok[0]);
	assert_int_equal(s.sizes[0], 100);
	got = 1;
	/* many sizes, wrapping the end at every possible 8-byte offset */
	for (int round = 0; round < 400; round++) {
		uint32_t len = 4 + (uint32_t)(round * 11) % 240;

		s.n = 0;
		write_seq(p, seq++, len);
		write_seq(p, seq++, 4 + (len * 3) % 200);
		assert_int_equal(ebpfmini_perfbuf_consume(pb), 2);
		for (unsigned int i = 0; i < 2; i++) {
			assert_true(s.ok[i]);
			assert_int_equal(s.first[i], got + i);
		}
		assert_int_equal(s.sizes[0], ((len + 4 + 7) & ~7U) - 4); /* padded by the kernel */
		got += 2;
	}
	assert_int_equal(p->meta->data_tail, p->meta->data_head);
	ebpfmini_perfbuf_free(pb);
	perfring_free(p);
}

static void t_lost_and_other_records(void **state)
{
	struct perfring *p = perfring_new(2 * PAGE, 0);
	struct seen s = { 0 };
	struct ebpfmini_perfbuf *pb = buffer_on(p, 1, &s);

	(void)state;
	write_seq(p, 0, 8);
	put_lost(p, 17);
	put_other(p, PERF_RECORD_THROTTLE, 24); /* not a sample: skipped */
	put_other(p, 4242, 8);
	write_seq(p, 1, 8);
	put_lost(p, 3);
	assert_int_equal(ebpfmini_perfbuf_consume(pb), 2);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.first[1], 1);
	assert_int_equal(s.lost_calls, 2);
	assert_int_equal(s.lost, 20);
	assert_int_equal(s.lost_cpu, 1);
	assert_int_equal(ebpfmini_perfbuf_lost(pb), 20);
	assert_int_equal(p->meta->data_tail, p->meta->data_head);
	ebpfmini_perfbuf_free(pb);
	perfring_free(p);
}

static void t_stop_and_pending(void **state)
{
	struct perfring *p = perfring_new(PAGE, 0);
	struct seen s = { .stop_at = 2, .stop_val = -9 };
	struct ebpfmini_perfbuf *pb = buffer_on(p, 0, &s);
	uint64_t after_two;

	(void)state;
	write_seq(p, 0, 8);
	write_seq(p, 1, 8);
	after_two = p->meta->data_head;
	write_seq(p, 2, 8);
	write_seq(p, 3, 8);
	assert_int_equal(ebpfmini_perfbuf_consume(pb), -9);
	assert_int_equal(s.n, 2);
	assert_int_equal(p->meta->data_tail, after_two);
	s.stop_at = 0;
	/* poll() reads the ring that stopped without waiting for a notification */
	assert_int_equal(ebpfmini_perfbuf_poll(pb, -1), 2);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.first[3], 3);
	assert_int_equal(ebpfmini_perfbuf_poll(pb, 0), 0);
	assert_int_equal(ebpfmini_perfbuf_poll(pb, 20), 0); /* times out */
	ebpfmini_perfbuf_free(pb);
	perfring_free(p);
}

static void t_corrupt(void **state)
{
	struct perfring *p = perfring_new(PAGE, 0);
	struct seen s = { 0 };
	struct ebpfmini_perfbuf *pb = buffer_on(p, 0, &s);
	struct perf_event_header *h = (struct perf_event_header *)(p->base + PAGE);

	(void)state;
	write_seq(p, 0, 8);
	h->size = 0; /* would never advance */
	assert_int_equal(ebpfmini_perfbuf_consume(pb), -EBADMSG);
	h->size = 4000; /* beyond data_head */
	assert_int_equal(ebpfmini_perfbuf_consume(pb), -EBADMSG);
	h->size = 20; /* not 8-aligned */
	assert_int_equal(ebpfmini_perfbuf_consume(pb), -EBADMSG);
	h->size = 24;
	*(uint32_t *)(h + 1) = 100; /* raw size beyond the record */
	assert_int_equal(ebpfmini_perfbuf_consume(pb), -EBADMSG);
	assert_int_equal(p->meta->data_tail, 0);
	*(uint32_t *)(h + 1) = 12;
	assert_int_equal(ebpfmini_perfbuf_consume(pb), 1);
	put_other(p, PERF_RECORD_LOST, 16); /* lost record too short */
	assert_int_equal(ebpfmini_perfbuf_consume(pb), -EBADMSG);
	assert_int_equal(s.n, 1);
	ebpfmini_perfbuf_free(pb);
	perfring_free(p);
}

static void t_several_cpus(void **state)
{
	struct perfring *p0 = perfring_new(PAGE, 0), *p5 = perfring_new(2 * PAGE, 64);
	struct seen s = { 0 };
	struct ebpfmini_perfbuf *pb = buffer_on(p0, 0, &s);

	(void)state;
	assert_int_equal(em_perfbuf_add_mem(pb, 5, p5->base, PAGE, p5->data_size), 1);
	assert_int_equal(em_perfbuf_add_mem(pb, 6, p5->base, PAGE, 3 * PAGE), -EINVAL);
	write_seq(p0, 0, 8);
	write_seq(p5, 1, 8);
	write_seq(p5, 2, 8);
	assert_int_equal(ebpfmini_perfbuf_consume_buffer(pb, 1), 2);
	assert_int_equal(s.cpus[0], 5);
	assert_int_equal(s.cpus[1], 5);
	assert_int_equal(ebpfmini_perfbuf_consume_buffer(pb, 0), 1);
	assert_int_equal(s.cpus[2], 0);
	assert_int_equal(ebpfmini_perfbuf_consume_buffer(pb, 2), -EINVAL);
	write_seq(p0, 3, 8);
	write_seq(p5, 4, 8);
	assert_int_equal(ebpfmini_perfbuf_consume(pb), 2);
	ebpfmini_perfbuf_free(pb);
	perfring_free(p0);
	perfring_free(p5);
}

static void t_bad_args(void **state)
{
	struct ebpfmini_perfbuf *pb = (void *)1;
	struct ebpfmini_perfbuf_opts opts = { .sz = sizeof(opts), .pages = 3 };

	(void)state;
	assert_int_equal(ebpfmini_perfbuf_new(-1, on_sample, NULL, NULL, &pb), -EINVAL);
	assert_null(pb);
	assert_int_equal(ebpfmini_perfbuf_new(5, NULL, NULL, NULL, &pb), -EINVAL);
	assert_int_equal(ebpfmini_perfbuf_new(5, on_sample, NULL, NULL, NULL), -EINVAL);
	assert_int_equal(ebpfmini_perfbuf_new(5, on_sample, NULL, &opts, &pb), -EINVAL);
	opts.pages = 8;
	opts.wakeup_events = 2;
	opts.wakeup_bytes = 4096;
	assert_int_equal(ebpfmini_perfbuf_new(5, on_sample, NULL, &opts, &pb), -EINVAL);
	assert_int_equal(ebpfmini_perfbuf_poll(NULL, 0), -EINVAL);
	assert_int_equal(ebpfmini_perfbuf_consume(NULL), -EINVAL);
	assert_int_equal(ebpfmini_perfbuf_consume_buffer(NULL, 0), -EINVAL);
	assert_int_equal(ebpfmini_perfbuf_epoll_fd(NULL), -EINVAL);
	assert_int_equal(ebpfmini_perfbuf_buffer_count(NULL), 0);
	assert_int_equal(ebpfmini_perfbuf_buffer_cpu(NULL, 0), -EINVAL);
	assert_int_equal(ebpfmini_perfbuf_buffer_fd(NULL, 0), -EINVAL);
	assert_int_equal(ebpfmini_perfbuf_lost(NULL), 0);
	assert_int_equal(em_perfbuf_new_mem(NULL, NULL, NULL, &pb), -EINVAL);
	ebpfmini_perfbuf_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_samples),
		cmocka_unit_test(t_wrapped),
		cmocka_unit_test(t_lost_and_other_records),
		cmocka_unit_test(t_stop_and_pending),
		cmocka_unit_test(t_corrupt),
		cmocka_unit_test(t_several_cpus),
		cmocka_unit_test(t_bad_args),
	};

	ebpfmini_log_set(NULL, EBPFMINI_LOG_OFF, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
