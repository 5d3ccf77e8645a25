/* perfbuf.c - perf buffer consumer: one BPF_OUTPUT perf ring per CPU, mmapped, epoll, samples and losses (L4 ring) */
#include <limits.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/perf_event.h>

#include "internal.h"
#include "kernel.h"
#include "ebpfmini/sys.h"
#include "objapi.h"
#include "ring_layout.h"
#include "sys.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define DEFAULT_PAGES 64
/* read ahead of the record being read: see PREFETCH_AHEAD in ringbuf.c */
#define PREFETCH_AHEAD 2048

struct em_perf_ring {
	struct perf_event_mmap_page *meta;
	const uint8_t *data;
	uint64_t mask;   /* data size - 1 */
	int cpu;
	int fd;          /* perf event fd, -1 for a ring in caller memory */
	size_t map_len;  /* mapped bytes, 0 for a ring in caller memory */
	bool in_map;     /* stored in the PERF_EVENT_ARRAY: removed at free */
	bool pending;    /* a callback stopped with records left: poll() reads them first */
};

struct ebpfmini_perfbuf {
	ebpfmini_perfbuf_sample_fn cb;
	ebpfmini_perfbuf_lost_fn lost_cb;
	void *ctx;
	struct em_perf_ring *rings;
	size_t nr;
	int epfd;
	struct epoll_event *events; /* nr entries (at least 1) */
	int map_fd;                 /* not owned; -1 for memory rings */
	uint8_t *scratch;           /* a record that wraps the end, made contiguous */
	size_t scratch_cap;
	uint64_t lost;
};

/* ---- reading ------------------------------------------------------------------------- */

/* Copy len bytes at ring offset off (wrapping the end) into dst. */
static void copy_wrapped(const struct em_perf_ring *r, uint64_t off, void *dst, size_t len)
{
	size_t first = (size_t)EM_MIN((uint64_t)len, r->mask + 1 - off);

	memcpy(dst, r->data + off, first);
	memcpy((uint8_t *)dst + first, r->data, len - first);
}

static int bad_record(const struct em_perf_ring *r, uint64_t tail, const char *what, unsigned int v)
{
	em_err("perfbuf: cpu %d: record at offset %llu: %s (%u): %s", r->cpu,
	       (unsigned long long)tail, what, v, strerror(EBADMSG));
	return -EBADMSG;
}

/*
 * Deliver every record of r between data_tail and data_head, handing space
 * back with a release store of data_tail (the kernel reads it before it
 * overwrites). Returns the samples delivered; *stop gets a callback's value or
 * -EBADMSG.
 */
static long perf_drain(struct ebpfmini_perfbuf *pb, struct em_perf_ring *r, int *stop)
{
	struct perf_event_mmap_page *meta = r->meta;
	const uint8_t *const data = r->data;
	const uint64_t mask = r->mask, size = mask + 1;
	const ebpfmini_perfbuf_sample_fn cb = pb->cb;
	void *const ctx = pb->ctx;
	const int cpu = r->cpu;
	uint64_t tail = __atomic_load_n(&meta->data_tail, __ATOMIC_RELAXED), head;
	long n = 0;
	int ret = 0;

	r->pending = false;
	/* pairs with the kernel's barrier before it publishes data_head */
	while ((head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE)) != tail) {
		while (tail != head) {
			uint64_t off = tail & mask;
			const struct perf_event_header *h = (const void *)(data + off);
			struct perf_event_header hcopy;
			uint32_t rsz;

			__builtin_prefetch(data + ((off + PREFETCH_AHEAD) & mask));
			if (unlikely(off + sizeof(*h) > size)) { /* never with aligned records */
				copy_wrapped(r, off, &hcopy, sizeof(hcopy));
				h = &hcopy;
			}
			rsz = h->size;
			if (unlikely(rsz < sizeof(*h) || rsz > head - tail || rsz % 8)) {
				ret = bad_record(r, tail, "bad size", rsz);
				goto out;
			}
			if (unlikely(off + rsz > size)) {
				/* wraps the end of the ring: make it contiguous */
				if (rsz > pb->scratch_cap) {
					uint8_t *p = realloc(pb->scratch, rsz);

					if (!p) {
						ret = -ENOMEM;
						goto out;
					}
					pb->scratch = p;
					pb->scratch_cap = rsz;
				}
				copy_wrapped(r, off, pb->scratch, rsz);
				h = (const void *)pb->scratch;
			}
			if (likely(h->type == PERF_RECORD_SAMPLE)) {
				uint32_t sz;

				memcpy(&sz, h + 1, sizeof(sz));
				if (unlikely(rsz < sizeof(*h) + 4 || sz > rsz - sizeof(*h) - 4)) {
					ret = bad_record(r, tail, "sample larger than its record", sz);
					goto out;
				}
				tail += rsz;
				n++;
				ret = cb(ctx, cpu, (const uint8_t *)(h + 1) + 4, sz);
				if (unlikely(ret)) {
					r->pending = true;
					goto out;
				}
			} else if (h->type == PERF_RECORD_LOST) {
				uint64_t lost;

				if (unlikely(rsz < sizeof(*h) + 16)) {
					ret = bad_record(r, tail, "short lost record", rsz);
					goto out;
				}
				memcpy(&lost, (const uint8_t *)(h + 1) + 8, sizeof(lost));
				pb->lost += lost;
				tail += rsz;
				if (pb->lost_cb)
					pb->lost_cb(ctx, cpu, lost);
			} else {
				tail += rsz; /* a record type we did not ask for: skip */
			}
		}
		/* hand the space back: the kernel reads data_tail before it writes */
		__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
	}
	return n;
out:
	__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
	*stop = ret;
	return n;
}

static int clamp_count(long n)
{
	return n > INT_MAX ? INT_MAX : (int)n;
}

static int drain_all(struct ebpfmini_perfbuf *pb, bool only_pending)
{
	long total = 0;
	int stop = 0;

	for (size_t i = 0; i < pb->nr; i++) {
		if (only_pending && !pb->rings[i].pending)
			continue;
		total += perf_drain(pb, &pb->rings[i], &stop);
		if (stop)
			return stop;
	}
	return clamp_count(total);
}

EM_EXPORT int ebpfmini_perfbuf_consume(struct ebpfmini_perfbuf *pb)
{
	if (!pb)
		return -EINVAL;
	return drain_all(pb, false);
}

EM_EXPORT int ebpfmini_perfbuf_consume_buffer(struct ebpfmini_perfbuf *pb, size_t idx)
{
	long n;
	int stop = 0;

	if (!pb || idx >= pb->nr)
		return -EINVAL;
	n = perf_drain(pb, &pb->rings[idx], &stop);
	return stop ? stop : clamp_count(n);
}

EM_EXPORT int ebpfmini_perfbuf_poll(struct ebpfmini_perfbuf *pb, int timeout_ms)
{
	long total = 0;
	int cnt, stop = 0;

	if (!pb)
		return -EINVAL;
	/* A perf fd reports readable once per notification: records a callback
	 * left behind would wait for the next one. Deliver them first. */
	cnt = drain_all(pb, true);
	if (cnt)
		return cnt;
	cnt = em_sys_epoll_wait(pb->epfd, pb->events, pb->nr ? (int)pb->nr : 1, timeout_ms);
	if (cnt < 0)
		return cnt;
	for (int i = 0; i < cnt; i++) {
		uint32_t idx = pb->events[i].data.u32;

		if (idx >= pb->nr)
			continue;
		total += perf_drain(pb, &pb->rings[idx], &stop);
		if (stop)
			return stop;
	}
	return clamp_count(total);
}

/* ---- accessors ------------------------------------------------------------------------ */

EM_EXPORT int ebpfmini_perfbuf_epoll_fd(const struct ebpfmini_perfbuf *pb)
{
	return pb ? pb->epfd : -EINVAL;
}

EM_EXPORT size_t ebpfmini_perfbuf_buffer_count(const struct ebpfmini_perfbuf *pb)
{
	return pb ? pb->nr : 0;
}

EM_EXPORT int ebpfmini_perfbuf_buffer_cpu(const struct ebpfmini_perfbuf *pb, size_t idx)
{
	return pb && idx < pb->nr ? pb->rings[idx].cpu : -EINVAL;
}

EM_EXPORT int ebpfmini_perfbuf_buffer_fd(const struct ebpfmini_perfbuf *pb, size_t idx)
{
	return pb && idx < pb->nr && pb->rings[idx].fd >= 0 ? pb->rings[idx].fd : -EINVAL;
}

EM_EXPORT uint64_t ebpfmini_perfbuf_lost(const struct ebpfmini_perfbuf *pb)
{
	return pb ? pb->lost : 0;
}

/* ---- CPUs ----------------------------------------------------------------------------- */

/* The CPUs to open: opts->cpus, or every online CPU below max_entries. */
static int pick_cpus(const struct ebpfmini_perfbuf_opts *opts, uint32_t max_entries, int **cpus,
		     size_t *count)
{
	const int *want = EM_OPT(opts, cpus, NULL);
	size_t want_n = EM_OPT(opts, cpu_count, 0);
	int possible, err, *out, *online = NULL;
	size_t n = 0, nonline = 0;

	if (want) {
		if (want_n == 0 || want_n > INT_MAX)
			return -EINVAL;
		out = em_calloc(want_n, sizeof(*out));
		if (!out)
			return -ENOMEM;
		for (size_t i = 0; i < want_n; i++) {
			if (want[i] < 0 || (uint32_t)want[i] >= max_entries) {
				em_err("perfbuf: cpu %d: outside the map's %u entries: %s", want[i],
				       max_entries, strerror(EINVAL));
				free(out);
				return -EINVAL;
			}
			out[i] = want[i];
		}
		*cpus = out;
		*count = want_n;
		return 0;
	}
	possible = em_cpus_possible();
	if (possible < 0)
		return possible;
	err = em_cpus_online(&online, &nonline);
	if (err < 0) {
		em_err("perfbuf: cannot read the online CPUs (/sys/devices/system/cpu/online): %s",
		       strerror(-err));
		return err;
	}
	for (size_t i = 0; i < nonline; i++) {
		/* an offline CPU is not listed: perf_event_open would fail with ENODEV */
		if (online[i] >= possible)
			break;
		if ((uint32_t)online[i] >= max_entries) {
			em_info("perfbuf: cpu %d and above: the map has only %u entries, not opened",
				online[i], max_entries);
			break;
		}
		online[n++] = online[i];
	}
	if (n == 0) {
		free(online);
		em_err("perfbuf: no online CPU to open: %s", strerror(ENOENT));
		return -ENOENT;
	}
	*cpus = online;
	*count = n;
	return 0;
}

/* ---- lifecycle ------------------------------------------------------------------------ */

static int perfbuf_alloc(ebpfmini_perfbuf_sample_fn cb, void *ctx,
			 const struct ebpfmini_perfbuf_opts *opts, size_t cap,
			 struct ebpfmini_perfbuf **out)
{
	struct ebpfmini_perfbuf *pb;
	int err;

	err = em_opts_check(opts, sizeof(struct ebpfmini_perfbuf_opts), "perfbuf");
	if (err)
		return err;
	pb = em_calloc(1, sizeof(*pb));
	if (!pb)
		return -ENOMEM;
	pb->cb = cb;
	pb->ctx = ctx;
	pb->lost_cb = EM_OPT(opts, lost_cb, NULL);
	pb->map_fd = -1;
	pb->rings = em_calloc(cap ? cap : 1, sizeof(*pb->rings));
	pb->events = em_calloc(cap ? cap : 1, sizeof(*pb->events));
	pb->epfd = -1;
	if (!pb->rings || !pb->events) {
		ebpfmini_perfbuf_free(pb);
		return -ENOMEM;
	}
	pb->epfd = em_sys_epoll_create();
	if (pb->epfd < 0) {
		err = pb->epfd;
		em_err("perfbuf: cannot create an epoll fd: %s", strerror(-err));
		pb->epfd = -1;
		ebpfmini_perfbuf_free(pb);
		return err;
	}
	*out = pb;
	return 0;
}

int em_perfbuf_new_mem(ebpfmini_perfbuf_sample_fn cb, void *ctx,
		       const struct ebpfmini_perfbuf_opts *opts, struct ebpfmini_perfbuf **out)
{
	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!cb)
		return -EINVAL;
	return perfbuf_alloc(cb, ctx, opts, 8, out);
}

int em_perfbuf_add_mem(struct ebpfmini_perfbuf *pb, int cpu, void *base, size_t page_size,
		       size_t data_size)
{
	struct em_perf_ring *rings;
	struct epoll_event *events;
	struct em_perf_ring *r;

	if (!pb || !base || page_size < sizeof(struct perf_event_mmap_page) || data_size < 8 ||
	    (data_size & (data_size - 1)) || pb->nr >= INT_MAX)
		return -EINVAL;
	rings = em_reallocarray(pb->rings, pb->nr + 1, sizeof(*rings));
	if (!rings)
		return -ENOMEM;
	pb->rings = rings;
	events = em_reallocarray(pb->events, pb->nr + 1, sizeof(*events));
	if (!events)
		return -ENOMEM;
	pb->events = events;
	r = &pb->rings[pb->nr];
	memset(r, 0, sizeof(*r));
	r->meta = base;
	r->data = (const uint8_t *)base + page_size;
	r->mask = data_size - 1;
	r->cpu = cpu;
	r->fd = -1;
	return (int)pb->nr++;
}

/* Open, map and enable cpu's perf ring as ring idx, store it in the map, watch it. */
static int open_cpu(struct ebpfmini_perfbuf *pb, int cpu, size_t pages, size_t page_size,
		    const struct ebpfmini_perfbuf_opts *opts)
{
	struct perf_event_attr attr;
	struct em_perf_ring *r = &pb->rings[pb->nr];
	struct epoll_event ev = { .events = EPOLLIN };
	uint32_t wakeup_bytes = EM_OPT(opts, wakeup_bytes, 0);
	uint32_t key = (uint32_t)cpu, val;
	void *base;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_SOFTWARE;
	attr.size = sizeof(attr);
	attr.config = PERF_COUNT_SW_BPF_OUTPUT;
	attr.sample_type = PERF_SAMPLE_RAW;
	attr.sample_period = 1;
	if (wakeup_bytes) {
		attr.watermark = 1;
		attr.wakeup_watermark = wakeup_bytes;
	} else {
		attr.wakeup_events = EM_OPT(opts, wakeup_events, 0) ? opts->wakeup_events : 1;
	}
	memset(r, 0, sizeof(*r));
	r->cpu = cpu;
	r->fd = em_sys_perf_event_open(&attr, -1, cpu, -1, 0);
	if (r->fd < 0) {
		err = r->fd;
		r->fd = -1;
		em_err("perfbuf: cpu %d: perf_event_open(PERF_COUNT_SW_BPF_OUTPUT) failed: %s", cpu,
		       strerror(-err));
		return err;
	}
	pb->nr++; /* owned from here: free() closes it */
	r->map_len = (pages + 1) * page_size;
	err = em_sys_mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0, &base);
	if (err) {
		r->map_len = 0;
		em_err("perfbuf: cpu %d: cannot map %zu pages: %s%s", cpu, pages + 1,
		       strerror(-err),
		       err == -EPERM ? " (over perf_event_mlock_kb? use fewer pages)" : "");
		return err;
	}
	r->meta = base;
	r->data = (const uint8_t *)base + page_size;
	r->mask = (uint64_t)pages * page_size - 1;
	err = em_sys_ioctl(r->fd, PERF_EVENT_IOC_ENABLE, 0);
	if (err) {
		em_err("perfbuf: cpu %d: cannot enable the perf event: %s", cpu, strerror(-err));
		return err;
	}
	val = (uint32_t)r->fd;
	err = ebpfmini_sys_map_update(pb->map_fd, &key, &val, BPF_ANY);
	if (err) {
		em_err("perfbuf: cpu %d: cannot store the perf event in the map: %s", cpu,
		       strerror(-err));
		return err;
	}
	r->in_map = true;
	ev.data.u32 = (uint32_t)(pb->nr - 1);
	err = em_sys_epoll_ctl(pb->epfd, EPOLL_CTL_ADD, r->fd, &ev);
	if (err) {
		em_err("perfbuf: cpu %d: cannot watch the perf event with epoll: %s", cpu,
		       strerror(-err));
		return err;
	}
	return 0;
}

EM_EXPORT int ebpfmini_perfbuf_new(int map_fd, ebpfmini_perfbuf_sample_fn cb, void *ctx,
				   const struct ebpfmini_perfbuf_opts *opts,
				   struct ebpfmini_perfbuf **out)
{
	struct ebpfmini_perfbuf *pb = NULL;
	struct bpf_map_info info;
	size_t pages, count = 0;
	long ps = (long)em_page_size();
	int err, *cpus = NULL;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (map_fd < 0 || !cb || ps <= 0)
		return -EINVAL;
	err = em_opts_check(opts, sizeof(struct ebpfmini_perfbuf_opts), "perfbuf");
	if (err)
		return err;
	pages = EM_OPT(opts, pages, 0) ? opts->pages : DEFAULT_PAGES;
	if ((pages & (pages - 1)) || pages > (SIZE_MAX / (size_t)ps) - 1) {
		em_err("perfbuf: %zu pages per CPU: not a power of 2: %s", pages, strerror(EINVAL));
		return -EINVAL;
	}
	if (EM_OPT(opts, wakeup_bytes, 0) && EM_OPT(opts, wakeup_events, 0)) {
		em_err("perfbuf: both wakeup_events and wakeup_bytes set: %s", strerror(EINVAL));
		return -EINVAL;
	}
	err = em_map_info(map_fd, &info);
	if (err) {
		em_err("perfbuf: cannot read map fd %d: %s", map_fd, strerror(-err));
		return err;
	}
	if (info.type != BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		const char *have = ebpfmini_sys_map_type_name(info.type);

		em_err("perfbuf: map '%s' (fd %d): is %s, not BPF_MAP_TYPE_PERF_EVENT_ARRAY",
		       info.name, map_fd, have ? have : "an unknown map type");
		return -EINVAL;
	}
	err = pick_cpus(opts, info.max_entries, &cpus, &count);
	if (err)
		return err;
	err = perfbuf_alloc(cb, ctx, opts, count, &pb);
	if (err)
		goto out;
	pb->map_fd = map_fd;
	for (size_t i = 0; i < count; i++) {
		err = open_cpu(pb, cpus[i], pages, (size_t)ps, opts);
		if (err)
			goto out;
	}
	*out = pb;
	pb = NULL;
out:
	free(cpus);
	ebpfmini_perfbuf_free(pb);
	return err;
}

EM_EXPORT void ebpfmini_perfbuf_free(struct ebpfmini_perfbuf *pb)
{
	if (!pb)
		return;
	for (size_t i = 0; i < pb->nr; i++) {
		struct em_perf_ring *r = &pb->rings[i];

		if (r->in_map) {
			uint32_t key = (uint32_t)r->cpu;

			ebpfmini_sys_map_delete(pb->map_fd, &key, 0);
		}
		if (r->map_len)
			em_sys_munmap(r->meta, r->map_len);
		if (r->fd >= 0)
			em_sys_close(r->fd); /* also leaves the epoll set */
	}
	if (pb->epfd >= 0)
		em_sys_close(pb->epfd);
	free(pb->rings);
	free(pb->events);
	free(pb->scratch);
	free(pb);
}
