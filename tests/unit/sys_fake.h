/* sys_fake.h - the scripted kernel of the unit tests: a hook in place of the syscalls (em_sys_set_hook_ex) */
#ifndef EBPFMINI_TEST_SYS_FAKE_H
#define EBPFMINI_TEST_SYS_FAKE_H

/*
 * Two ways to use it (include it after <cmocka.h>):
 *
 * - The recorder (the kernel-edge tests, test_sys.c and test_sys_trace.c): R records the
 *   last em_sys_* call (number, arguments, a copy of the bpf_attr) and answers R.result;
 *   setup() installs it with the log off.
 * - The fake kernel (#define SYS_FAKE_KERNEL before the include; the tests of load and its
 *   externs): K hands out fake fds from FAKE_FD_BASE up and fake mappings from the heap,
 *   and counts every close and munmap, so that assert_all_released() checks each was
 *   released exactly once. The test defines fake_hook(), the calls it scripts (passing
 *   close, mmap and munmap to fake_close(), fake_mmap() and fake_munmap()), and
 *   fake_reset(), which calls fake_kernel_reset() and forgets the test's own script;
 *   setup() resets both, captures the log (log_capture.h) and installs fake_hook;
 *   teardown() undoes it.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "internal.h"
#include "sys.h"
#include "sys_attr.h"
#include "uapi_compat.h"

#include "ebpfmini/log.h"

#ifdef SYS_FAKE_KERNEL

#include "log_capture.h"

#define FAKE_FD_BASE 10000 /* fake fds from here up, far above real ones */
#define FAKE_MAX_FDS 512
#define FAKE_MAX_MMAPS 32

struct fake_mapping {
	void *addr;
	size_t len;
	int unmapped; /* times munmap was called on it */
};

static struct fake_kernel {
	int next_fd;
	int closed[FAKE_MAX_FDS]; /* times each fd was closed, by fd - FAKE_FD_BASE */
	struct fake_mapping maps[FAKE_MAX_MMAPS];
	int nmaps;
} K;

/* Defined by the test: its scripted syscalls, and the reset of its script (and of K). */
static long fake_hook(void *ctx, struct em_sys_call *sc);
static void fake_reset(void);

static void fake_kernel_reset(void)
{
	for (int i = 0; i < K.nmaps; i++)
		free(K.maps[i].addr);
	memset(&K, 0, sizeof(K));
	K.next_fd = FAKE_FD_BASE;
}

static long fake_new_fd(void)
{
	assert_true(K.next_fd < FAKE_FD_BASE + FAKE_MAX_FDS);
	return K.next_fd++;
}

/* close(2): counted for a fake fd; a real fd (the object file, say) is really closed. */
static long fake_close(long fd)
{
	if (fd < FAKE_FD_BASE)
		return 0;
	assert_true(fd < K.next_fd);
	K.closed[fd - FAKE_FD_BASE]++;
	return EM_SYS_OK;
}

/* mmap(2) of a map or an anonymous area: zeroed, page-aligned heap memory. */
static long fake_mmap(size_t len)
{
	void *p = aligned_alloc(4096, len);

	assert_non_null(p);
	assert_true(K.nmaps < FAKE_MAX_MMAPS);
	memset(p, 0, len);
	K.maps[K.nmaps++] = (struct fake_mapping){ p, len, 0 };
	return (long)p;
}

/* munmap(2): counted; the length must be the mapped one, the address one fake_mmap gave. */
static long fake_munmap(void *addr, size_t len)
{
	for (int i = 0; i < K.nmaps; i++) {
		if (K.maps[i].addr == addr) {
			assert_int_equal(K.maps[i].len, len);
			K.maps[i].unmapped++;
			return EM_SYS_OK;
		}
	}
	fail_msg("munmap of an address never mapped");
	return -EINVAL;
}

/* Every fd handed out so far has been closed exactly once, every mapping unmapped once. */
static void assert_all_released(const char *when)
{
	for (int fd = FAKE_FD_BASE; fd < K.next_fd; fd++)
		if (K.closed[fd - FAKE_FD_BASE] != 1)
			fail_msg("%s: fd %d closed %d times", when, fd, K.closed[fd - FAKE_FD_BASE]);
	for (int i = 0; i < K.nmaps; i++)
		if (K.maps[i].unmapped != 1)
			fail_msg("%s: mapping %d unmapped %d times", when, i, K.maps[i].unmapped);
}

static int setup(void **state)
{
	(void)state;
	fake_reset();
	log_capture_start(EBPFMINI_LOG_DEBUG);
	em_sys_set_hook_ex(fake_hook, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	em_sys_set_hook_ex(NULL, NULL);
	log_capture_stop();
	fake_reset();
	return 0;
}

#else /* the recorder */

struct rec {
	int calls;
	long nr;
	long args[6];
	uint8_t attr[EM_BPF_ATTR_SIZE + 32];
	unsigned int size;
	long result;     /* what the hook answers (0: real call) */
	/* written into the caller's attr before answering, to fake kernel outputs */
	size_t out_off;
	uint64_t out_val;
	size_t out_width;
};

static struct rec R;

static long rec_hook(void *ctx, struct em_sys_call *call)
{
	struct rec *r = ctx;

	r->calls++;
	r->nr = call->nr;
	memcpy(r->args, call->args, sizeof(r->args));
	if (call->nr == SYS_bpf && call->args[1]) {
		r->size = (unsigned int)call->args[2];
		memset(r->attr, 0, sizeof(r->attr));
		memcpy(r->attr, (void *)call->args[1], EM_MIN(r->size, sizeof(r->attr)));
		if (r->out_width)
			memcpy((uint8_t *)call->args[1] + r->out_off, &r->out_val, r->out_width);
	}
	/* never let a scripted test reach the real kernel with fake fds */
	return r->result ? r->result : -ENOSYS;
}

static int setup(void **state)
{
	(void)state;
	memset(&R, 0, sizeof(R));
	R.result = 100; /* a fake fd well above anything real */
	em_sys_set_hook_ex(rec_hook, &R);
	ebpfmini_log_set(NULL, EBPFMINI_LOG_OFF, NULL);
	return 0;
}

#endif /* SYS_FAKE_KERNEL */

#endif /* EBPFMINI_TEST_SYS_FAKE_H */
