/* fuzz_load.c - libFuzzer harness: the whole open + load path (object/, obj/, core/, btf/) against a scripted kernel, nothing leaked (tests) */
#include <sys/syscall.h>

#include "fuzz_common.h"
#include "sys.h"
#ifdef FUZZ_LIBFUZZER
#include "fuzz_mutate.h"
#endif

/*
 * The kernel accepts everything the load asks for: maps, BTF and programs get
 * fake fds, maps are "mmapped" on the heap, pins and lookups of pins answer
 * ENOENT, files (kernel BTF, kconfig, /sys) do not exist. So the fuzzed object
 * drives every phase of the load, its rollback when a phase fails, and close;
 * afterwards every fake fd must have been closed once and every mapping
 * unmapped, or the harness aborts (a leak or a double close is a find).
 */
#define FAKE_FD 100000
#define MAX_FDS 4096
#define MAX_MAPS 256

static struct {
	int next_fd;
	uint8_t closed[MAX_FDS];
	void *maps[MAX_MAPS];
	int nmaps;
} K;

static long fake_kernel(void *ctx, struct em_sys_call *c)
{
	(void)ctx;
	switch (c->nr) {
	case SYS_bpf:
		switch (c->args[0]) {
		case BPF_MAP_CREATE:
		case BPF_PROG_LOAD:
		case BPF_BTF_LOAD:
			if (K.next_fd >= MAX_FDS)
				return -EMFILE;
			return FAKE_FD + K.next_fd++;
		case BPF_MAP_UPDATE_ELEM:
		case BPF_MAP_FREEZE:
			return EM_SYS_OK;
		default:
			return -ENOENT; /* pins, ids, info: none */
		}
	case SYS_mmap:
		if (K.nmaps >= MAX_MAPS || c->args[1] <= 0 || c->args[1] > (64 << 20))
			return -ENOMEM;
		K.maps[K.nmaps] = calloc(1, (size_t)c->args[1]);
		return K.maps[K.nmaps] ? (long)K.maps[K.nmaps++] : -ENOMEM;
	case SYS_munmap:
		for (int i = 0; i < K.nmaps; i++) {
			if (K.maps[i] == (void *)c->args[0]) {
				free(K.maps[i]);
				K.maps[i] = NULL;
				return EM_SYS_OK;
			}
		}
		abort(); /* unmapping what was never mapped */
	case SYS_close:
		if (c->args[0] < FAKE_FD || c->args[0] >= FAKE_FD + K.next_fd ||
		    K.closed[c->args[0] - FAKE_FD]++)
			abort(); /* a close of an fd the kernel never gave, or twice */
		return EM_SYS_OK;
	default:
		return -ENOENT;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ebpfmini_object_open_opts opts = { .sz = sizeof(opts), .pin_root = "/nonexistent" };
	struct ebpfmini_object *obj = NULL;

	fuzz_init_log();
	memset(&K, 0, sizeof(K));
	if (ebpfmini_object_open_mem(data, size, &opts, &obj) != 0)
		return 0;
	em_sys_set_hook_ex(fake_kernel, NULL);
	ebpfmini_object_load(obj);
	ebpfmini_object_close(obj);
	em_sys_set_hook_ex(NULL, NULL);
	for (int fd = 0; fd < K.next_fd; fd++)
		if (K.closed[fd] != 1)
			abort(); /* leaked */
	for (int i = 0; i < K.nmaps; i++)
		if (K.maps[i])
			abort(); /* never unmapped */
	return 0;
}
