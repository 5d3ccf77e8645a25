/* feature.c - feature probes: does the running kernel load this program type, map type, helper, attach type (L3' kernel) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf.h"
#include "core.h"
#include "kbtf.h"
#include "ebpfmini/sys.h"
#include "internal.h"
#include "kernel.h"
#include "feature.h"
#include "sys.h"
#include "uapi_compat.h"

/*
 * Every answer is cached for the life of the process: what a kernel can do
 * does not change while it runs. A cache slot holds 0 (not asked yet),
 * 1 + answer (0 or 1), or nothing for errors, which are asked again.
 */
static pthread_mutex_t probe_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t prog_cache[64], map_cache[64];
struct helper_answer {
	uint32_t prog_type, helper;
	int answer;
};
static struct helper_answer *helper_cache;
static size_t helper_count;

void em_feature_reset(void)
{
	pthread_mutex_lock(&probe_lock);
	memset(prog_cache, 0, sizeof(prog_cache));
	memset(map_cache, 0, sizeof(map_cache));
	free(helper_cache);
	helper_cache = NULL;
	helper_count = 0;
	pthread_mutex_unlock(&probe_lock);
}

static int cache_get(const uint8_t *cache, size_t size, uint32_t i)
{
	int v = -1;

	if (i >= size)
		return -1;
	pthread_mutex_lock(&probe_lock);
	if (cache[i])
		v = cache[i] - 1;
	pthread_mutex_unlock(&probe_lock);
	return v;
}

static int cache_put(uint8_t *cache, size_t size, uint32_t i, int answer)
{
	if (answer >= 0 && i < size) {
		pthread_mutex_lock(&probe_lock);
		cache[i] = (uint8_t)(answer + 1);
		pthread_mutex_unlock(&probe_lock);
	}
	return answer;
}

/* ---- kernel BTF enums ------------------------------------------------------------- */

int em_feature_btf_enum_knows(const char *enum_name, uint32_t v)
{
	const struct ebpfmini_btf *btf;
	const struct btf_type *t;
	const struct btf_enum *e;
	int id, found = 0;

	if (em_btf_vmlinux_get(NULL, &btf) < 0)
		return -ENOENT;
	id = em_btf_find(btf, enum_name, BTF_KIND_ENUM);
	if (id < 0)
		return -ENOENT;
	t = em_btf_type(btf, (uint32_t)id);
	e = em_btf_tail(t);
	for (uint16_t i = 0; i < em_btf_vlen(t); i++) {
		const char *name = em_btf_str(btf, e[i].name_off);

		if (name && strncmp(name, "__MAX_", 6) == 0)
			return v < (uint32_t)e[i].val;
		if ((uint32_t)e[i].val == v)
			found = 1;
	}
	return found;
}

/* ---- loading a tiny program --------------------------------------------------------- */

/* The vmlinux BTF id of name/kind, 0 when absent. */
static uint32_t kernel_btf_id(const char *name, int kind)
{
	const struct ebpfmini_btf *btf;
	int id;

	if (em_btf_vmlinux_get(NULL, &btf) < 0)
		return 0;
	id = em_btf_find(btf, name, kind);
	return id > 0 ? (uint32_t)id : 0;
}

int em_feature_load(uint32_t prog_type, uint32_t attach_type, uint32_t helper, char *log,
		    size_t log_size)
{
	struct bpf_insn insns[3];
	struct ebpfmini_sys_prog_load_opts opts = { .sz = sizeof(opts) };
	size_t n = 0;

	memset(insns, 0, sizeof(insns));
	if (helper) {
		insns[n].code = BPF_JMP | BPF_CALL;
		insns[n++].imm = (int32_t)helper;
	}
	insns[n].code = BPF_ALU64 | BPF_MOV | BPF_K; /* r0 = 0 */
	insns[n++].dst_reg = BPF_REG_0;
	insns[n++].code = BPF_JMP | BPF_EXIT;

	switch (prog_type) {
	case BPF_PROG_TYPE_KPROBE:
		opts.kern_version = em_kernel_version(); /* kprobes before 5.0 check it */
		break;
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
		opts.expected_attach_type = BPF_CGROUP_INET4_CONNECT;
		break;
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
		opts.expected_attach_type = BPF_CGROUP_GETSOCKOPT;
		break;
	case BPF_PROG_TYPE_SK_LOOKUP:
		opts.expected_attach_type = BPF_SK_LOOKUP;
		break;
	case BPF_PROG_TYPE_NETFILTER:
		opts.expected_attach_type = BPF_NETFILTER;
		break;
	case BPF_PROG_TYPE_SYSCALL:
		opts.prog_flags = BPF_F_SLEEPABLE;
		break;
	case BPF_PROG_TYPE_TRACING:
		/* an iterator: the one tracing program that needs no trampoline */
		opts.expected_attach_type = BPF_TRACE_ITER;
		opts.attach_btf_id = kernel_btf_id("bpf_iter_task", BTF_KIND_FUNC);
		break;
	case BPF_PROG_TYPE_LSM:
		opts.expected_attach_type = BPF_LSM_MAC;
		opts.attach_btf_id = kernel_btf_id("bpf_lsm_file_open", BTF_KIND_FUNC);
		break;
	default:
		break;
	}
	if (attach_type != EM_FEATURE_NO_ATTACH) {
		opts.expected_attach_type = attach_type;
		if (prog_type == BPF_PROG_TYPE_TRACING && attach_type == BPF_TRACE_RAW_TP)
			opts.attach_btf_id = kernel_btf_id("btf_trace_sys_enter", BTF_KIND_TYPEDEF);
		else if (prog_type == BPF_PROG_TYPE_TRACING && attach_type != BPF_TRACE_ITER)
			opts.attach_btf_id = kernel_btf_id("bpf_fentry_test1", BTF_KIND_FUNC) ?:
						     kernel_btf_id("do_unlinkat", BTF_KIND_FUNC);
	}
	if ((prog_type == BPF_PROG_TYPE_TRACING || prog_type == BPF_PROG_TYPE_LSM) &&
	    !opts.attach_btf_id)
		return -ENOENT;
	if (log && log_size) {
		log[0] = '\0';
		opts.log_buf = log;
		opts.log_size = (uint32_t)EM_MIN(log_size, UINT32_MAX >> 8);
		opts.log_level = 1;
	}
	return ebpfmini_sys_prog_load(prog_type, "GPL", insns, n, &opts);
}

/* Whether the process may load programs at all: EPERM means "not allowed", not "no". */
static bool privileged(void)
{
	int fd = em_feature_load(BPF_PROG_TYPE_SOCKET_FILTER, EM_FEATURE_NO_ATTACH, 0, NULL, 0);

	if (fd >= 0)
		em_sys_close(fd);
	return fd != -EPERM;
}

int em_feature_verdict(int fd)
{
	if (fd >= 0) {
		em_sys_close(fd);
		return 1;
	}
	switch (fd) {
	case -EINVAL:
	case -E2BIG:
	case -EOPNOTSUPP:
	case -EM_ENOTSUPP:
	case -ENOENT:
	case -EACCES:
		return 0;
	case -EPERM:
		/* lockdown refusing a type to a privileged process is a "no" */
		return privileged() ? 0 : -EPERM;
	default:
		return fd;
	}
}

EM_EXPORT int ebpfmini_sys_probe_prog_type(uint32_t prog_type)
{
	int v = cache_get(prog_cache, sizeof(prog_cache), prog_type);

	if (v >= 0)
		return v;
	if (prog_type == BPF_PROG_TYPE_UNSPEC)
		return cache_put(prog_cache, sizeof(prog_cache), prog_type, 0);
	/* freplace and struct_ops programs need a target that a probe cannot
	 * make up: the kernel knows the type when its BTF says so */
	if (prog_type == BPF_PROG_TYPE_EXT || prog_type == BPF_PROG_TYPE_STRUCT_OPS) {
		v = em_feature_btf_enum_knows("bpf_prog_type", prog_type);
		return cache_put(prog_cache, sizeof(prog_cache), prog_type, v < 0 ? 0 : v);
	}
	v = em_feature_verdict(em_feature_load(prog_type, EM_FEATURE_NO_ATTACH, 0, NULL, 0));
	return cache_put(prog_cache, sizeof(prog_cache), prog_type, v);
}

/* ---- map types ---------------------------------------------------------------------- */

/* Raw BTF with one type, [1] int (4 bytes, signed): the key and value of local storage maps. */
static int int_btf_fd(void)
{
	static const struct {
		struct btf_header hdr;
		struct btf_type t;
		uint32_t enc;
		char str[5];
	} __attribute__((packed)) raw = {
		.hdr = { .magic = BTF_MAGIC,
			 .version = BTF_VERSION,
			 .hdr_len = sizeof(struct btf_header),
			 .type_off = 0,
			 .type_len = sizeof(struct btf_type) + 4,
			 .str_off = sizeof(struct btf_type) + 4,
			 .str_len = 5 },
		.t = { .name_off = 1, .info = BTF_KIND_INT << 24, .size = 4 },
		.enc = (BTF_INT_SIGNED << 24) | 32,
		.str = "\0int",
	};

	return ebpfmini_sys_btf_load(&raw, sizeof(raw), NULL);
}

static int create_probe_map(uint32_t map_type)
{
	struct ebpfmini_sys_map_create_opts opts = { .sz = sizeof(opts) };
	uint32_t key = 4, value = 4, max = 1;
	int inner = -1, btf = -1, fd;

	switch (map_type) {
	case BPF_MAP_TYPE_LPM_TRIE:
		key = 8;
		opts.map_flags = BPF_F_NO_PREALLOC;
		break;
	case BPF_MAP_TYPE_STACK_TRACE:
		value = 8;
		break;
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
	case BPF_MAP_TYPE_BLOOM_FILTER:
		key = 0;
		break;
	case BPF_MAP_TYPE_RINGBUF:
	case BPF_MAP_TYPE_USER_RINGBUF:
		key = value = 0;
		max = (uint32_t)em_page_size();
		break;
	case BPF_MAP_TYPE_ARENA:
		key = value = 0;
		opts.map_flags = BPF_F_MMAPABLE;
		break;
	case BPF_MAP_TYPE_CGROUP_STORAGE:
	case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
		key = sizeof(struct bpf_cgroup_storage_key);
		max = 0;
		break;
	case BPF_MAP_TYPE_SK_STORAGE:
	case BPF_MAP_TYPE_INODE_STORAGE:
	case BPF_MAP_TYPE_TASK_STORAGE:
	case BPF_MAP_TYPE_CGRP_STORAGE:
		btf = int_btf_fd();
		if (btf < 0)
			return btf;
		opts.btf_fd = (uint32_t)btf;
		opts.btf_key_type_id = 1;
		opts.btf_value_type_id = 1;
		opts.map_flags = BPF_F_NO_PREALLOC;
		max = 0;
		break;
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		inner = ebpfmini_sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 1, NULL);
		if (inner < 0)
			return inner;
		opts.inner_map_fd = (uint32_t)inner;
		break;
	default:
		break;
	}
	fd = ebpfmini_sys_map_create(map_type, key, value, max, &opts);
	if (inner >= 0)
		em_sys_close(inner);
	if (btf >= 0)
		em_sys_close(btf);
	return fd;
}

EM_EXPORT int ebpfmini_sys_probe_map_type(uint32_t map_type)
{
	int v = cache_get(map_cache, sizeof(map_cache), map_type);

	if (v >= 0)
		return v;
	if (map_type == BPF_MAP_TYPE_UNSPEC)
		return cache_put(map_cache, sizeof(map_cache), map_type, 0);
	/* a struct_ops map needs the kernel's struct_ops type: ask its BTF */
	if (map_type == BPF_MAP_TYPE_STRUCT_OPS) {
		v = em_feature_btf_enum_knows("bpf_map_type", map_type);
		return cache_put(map_cache, sizeof(map_cache), map_type, v < 0 ? 0 : v);
	}
	v = em_feature_verdict(create_probe_map(map_type));
	return cache_put(map_cache, sizeof(map_cache), map_type, v);
}

/* ---- helpers ------------------------------------------------------------------------ */

int em_feature_helper_verdict(const char *log)
{
	if (!log)
		return 1;
	/* an id the kernel does not know at all; a helper the type may not call
	 * (6.x: "program of this type cannot use helper"; older: "unknown func") */
	if (strstr(log, "invalid func ") || strstr(log, "unknown func ") ||
	    strstr(log, "cannot use helper "))
		return 0;
	return 1;
}

EM_EXPORT int ebpfmini_sys_probe_helper(uint32_t prog_type, uint32_t helper_id)
{
	struct helper_answer *grown;
	char *log;
	int v, fd;

	pthread_mutex_lock(&probe_lock);
	for (size_t i = 0; i < helper_count; i++) {
		if (helper_cache[i].prog_type == prog_type && helper_cache[i].helper == helper_id) {
			v = helper_cache[i].answer;
			pthread_mutex_unlock(&probe_lock);
			return v;
		}
	}
	pthread_mutex_unlock(&probe_lock);

	if (helper_id == 0)
		return 0; /* BPF_FUNC_unspec */
	v = ebpfmini_sys_probe_prog_type(prog_type);
	if (v <= 0 || prog_type == BPF_PROG_TYPE_EXT || prog_type == BPF_PROG_TYPE_STRUCT_OPS)
		return v < 0 ? v : -EOPNOTSUPP;
	log = malloc(64 * 1024);
	if (!log)
		return -ENOMEM;
	fd = em_feature_load(prog_type, EM_FEATURE_NO_ATTACH, helper_id, log, 64 * 1024);
	if (fd >= 0) {
		em_sys_close(fd);
		v = 1;
	} else if (fd == -ENOSPC) {
		v = 1; /* a long log: the verifier got past the call */
	} else if (fd == -EPERM && !privileged()) {
		v = -EPERM;
	} else {
		v = em_feature_helper_verdict(log);
	}
	free(log);
	if (v < 0)
		return v;
	pthread_mutex_lock(&probe_lock);
	grown = em_reallocarray(helper_cache, helper_count + 1, sizeof(*helper_cache));
	if (grown) {
		helper_cache = grown;
		helper_cache[helper_count++] = (struct helper_answer){ .prog_type = prog_type,
								       .helper = helper_id,
								       .answer = v };
	}
	pthread_mutex_unlock(&probe_lock);
	return v;
}
