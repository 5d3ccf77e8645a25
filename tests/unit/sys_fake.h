/* sys_fake.h - a scripted kernel for the kernel-edge unit tests (test_sys.c, test_sys_trace.c):
 * records the last em_sys_* call and answers with a set result */
#ifndef EBPFMINI_TEST_SYS_FAKE_H
#define EBPFMINI_TEST_SYS_FAKE_H

#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>

#include "internal.h"
#include "sys.h"
#include "uapi_compat.h"

#include "ebpfmini/log.h"

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

#endif /* EBPFMINI_TEST_SYS_FAKE_H */
