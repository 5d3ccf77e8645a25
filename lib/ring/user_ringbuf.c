/* user_ringbuf.c - user ring buffer producer: reserve, submit, discard samples for bpf_user_ringbuf_drain (L4 ring) */
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>

#include <linux/bpf.h>

#include "internal.h"
#include "ring_layout.h"
#include "sys.h"

/*
 * The roles of BPF_MAP_TYPE_RINGBUF reversed: this process is the only
 * producer and writes producer_pos and the data; the kernel (a BPF program
 * calling bpf_user_ringbuf_drain()) is the consumer and writes consumer_pos.
 * A sample is reserved by writing its header with the BUSY bit and then
 * moving producer_pos with release order; it is handed over by clearing BUSY
 * with release order (the kernel reads the header with acquire and never
 * reads past a BUSY one).
 */
struct ebpfmini_ringbuf_user {
	const unsigned long *cons; /* consumer_pos, written by the kernel */
	unsigned long *prod;       /* producer_pos, written here */
	uint8_t *data;             /* 2 * size bytes: the data area mapped twice */
	unsigned long mask;
	unsigned long prod_pos;    /* our copy of *prod */
	int epfd;                  /* EPOLLOUT on the map: the kernel drained something */
	struct em_ring_mapping map;
};

static int user_new(const unsigned long *cons, unsigned long *prod, void *data, uint64_t size,
		    struct ebpfmini_ringbuf_user **out)
{
	struct ebpfmini_ringbuf_user *rb = em_calloc(1, sizeof(*rb));
	int err;

	if (!rb)
		return -ENOMEM;
	rb->epfd = em_sys_epoll_create();
	if (rb->epfd < 0) {
		err = rb->epfd;
		em_err("ringbuf: cannot create an epoll fd: %s", strerror(-err));
		free(rb);
		return err;
	}
	rb->cons = cons;
	rb->prod = prod;
	rb->data = data;
	rb->mask = (unsigned long)(size - 1);
	rb->prod_pos = __atomic_load_n(prod, __ATOMIC_ACQUIRE);
	*out = rb;
	return 0;
}

int em_user_ringbuf_new_mem(const unsigned long *consumer_pos, unsigned long *producer_pos,
			    void *data, uint64_t size, struct ebpfmini_ringbuf_user **out)
{
	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!consumer_pos || !producer_pos || !data || size < 8 || (size & (size - 1)) ||
	    (uint64_t)(unsigned long)(size - 1) != size - 1)
		return -EINVAL;
	return user_new(consumer_pos, producer_pos, data, size, out);
}

EM_EXPORT int ebpfmini_ringbuf_user_new(int map_fd, const struct ebpfmini_ringbuf_user_opts *opts,
					struct ebpfmini_ringbuf_user **out)
{
	struct epoll_event ev = { .events = EPOLLOUT | EPOLLET };
	struct ebpfmini_ringbuf_user *rb;
	struct em_ring_mapping m;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (map_fd < 0)
		return -EINVAL;
	err = em_opts_check(opts, sizeof(struct ebpfmini_ringbuf_user_opts), "ringbuf");
	if (err)
		return err;
	err = em_ringbuf_map(map_fd, BPF_MAP_TYPE_USER_RINGBUF, &m);
	if (err)
		return err;
	err = user_new(m.cons_page, m.prod_area, (uint8_t *)m.prod_area + m.page_size, m.size, &rb);
	if (err) {
		em_ringbuf_unmap(&m);
		return err;
	}
	rb->map = m;
	/* Edge-triggered: each drain that frees space wakes us once; a full
	 * ring that stays full does not spin the blocking reserve. */
	err = em_sys_epoll_ctl(rb->epfd, EPOLL_CTL_ADD, map_fd, &ev);
	if (err) {
		em_err("ringbuf: cannot watch map fd %d with epoll: %s", map_fd, strerror(-err));
		ebpfmini_ringbuf_user_free(rb);
		return err;
	}
	*out = rb;
	return 0;
}

EM_EXPORT void ebpfmini_ringbuf_user_free(struct ebpfmini_ringbuf_user *rb)
{
	if (!rb)
		return;
	em_ringbuf_unmap(&rb->map);
	if (rb->epfd >= 0)
		em_sys_close(rb->epfd);
	free(rb);
}

EM_EXPORT int ebpfmini_ringbuf_user_reserve(struct ebpfmini_ringbuf_user *rb, size_t size,
					    void **sample)
{
	unsigned long cons, prod, total;
	uint32_t *hdr;

	if (!rb || !sample)
		return -EINVAL;
	if (size > EM_RB_USER_MAX_SAMPLE)
		return -E2BIG;
	total = (unsigned long)em_ringbuf_rec_total((uint32_t)size);
	if (total > rb->mask + 1)
		return -E2BIG;
	/* pairs with the kernel's release store after it consumed a sample */
	cons = __atomic_load_n(rb->cons, __ATOMIC_ACQUIRE);
	prod = rb->prod_pos;
	if (prod - cons > rb->mask + 1 - total)
		return -ENOSPC;
	hdr = (uint32_t *)(rb->data + (prod & rb->mask));
	hdr[0] = (uint32_t)size | EM_RB_BUSY_BIT;
	hdr[1] = 0;
	rb->prod_pos = prod + total;
	/* the BUSY header is visible before the position that covers it */
	__atomic_store_n(rb->prod, rb->prod_pos, __ATOMIC_RELEASE);
	*sample = hdr + 2;
	return 0;
}

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000ULL + (unsigned long long)ts.tv_nsec / 1000000ULL;
}

EM_EXPORT int ebpfmini_ringbuf_user_reserve_blocking(struct ebpfmini_ringbuf_user *rb,
						     size_t size, int timeout_ms, void **sample)
{
	unsigned long long deadline = 0;
	int err;

	if (!rb || !sample)
		return -EINVAL;
	if (timeout_ms > 0)
		deadline = now_ms() + (unsigned long long)timeout_ms;
	for (;;) {
		struct epoll_event ev;
		int wait_ms = -1, n;

		err = ebpfmini_ringbuf_user_reserve(rb, size, sample);
		if (err != -ENOSPC)
			return err;
		if (timeout_ms == 0)
			return -ETIMEDOUT;
		if (timeout_ms > 0) {
			unsigned long long now = now_ms();

			if (now >= deadline)
				return -ETIMEDOUT;
			wait_ms = (int)(deadline - now);
		}
		/* a drain after the reserve above has queued an event: no lost wakeup */
		n = em_sys_epoll_wait(rb->epfd, &ev, 1, wait_ms);
		if (n < 0)
			return n;
	}
}

static inline uint32_t *sample_hdr(void *sample)
{
	return (uint32_t *)sample - 2;
}

EM_EXPORT void ebpfmini_ringbuf_user_submit(struct ebpfmini_ringbuf_user *rb, void *sample)
{
	uint32_t *hdr;

	if (!rb || !sample)
		return;
	hdr = sample_hdr(sample);
	/* the sample's bytes are visible before the header that hands them over */
	__atomic_store_n(hdr, hdr[0] & ~EM_RB_BUSY_BIT, __ATOMIC_RELEASE);
}

EM_EXPORT void ebpfmini_ringbuf_user_discard(struct ebpfmini_ringbuf_user *rb, void *sample)
{
	uint32_t *hdr;

	if (!rb || !sample)
		return;
	hdr = sample_hdr(sample);
	__atomic_store_n(hdr, (hdr[0] & ~EM_RB_BUSY_BIT) | EM_RB_DISCARD_BIT, __ATOMIC_RELEASE);
}

EM_EXPORT uint64_t ebpfmini_ringbuf_user_size(const struct ebpfmini_ringbuf_user *rb)
{
	return rb ? (uint64_t)rb->mask + 1 : 0;
}

EM_EXPORT uint64_t ebpfmini_ringbuf_user_avail(const struct ebpfmini_ringbuf_user *rb)
{
	if (!rb)
		return 0;
	return (uint64_t)rb->mask + 1 - (rb->prod_pos - __atomic_load_n(rb->cons, __ATOMIC_ACQUIRE));
}
