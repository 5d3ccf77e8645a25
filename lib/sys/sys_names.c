/* sys_names.c - names of bpf() commands, types, attach types and flags, as of Linux 6.18; which link_create options an attach type takes (L3 sys) */
#include <fcntl.h>
#include <sys/mman.h>

#include <linux/perf_event.h>

#include "internal.h"
#include "sys_attr.h"
#include "sys_trace.h"
#include "uapi_compat.h"

#include "ebpfmini/sys.h"

/* [VALUE] = "VALUE": the constant's own spelling is its name. */
#define N(x) [x] = #x

static const char *const cmd_names[EM_BPF_CMD_COUNT] = {
	N(BPF_MAP_CREATE),
	N(BPF_MAP_LOOKUP_ELEM),
	N(BPF_MAP_UPDATE_ELEM),
	N(BPF_MAP_DELETE_ELEM),
	N(BPF_MAP_GET_NEXT_KEY),
	N(BPF_PROG_LOAD),
	N(BPF_OBJ_PIN),
	N(BPF_OBJ_GET),
	N(BPF_PROG_ATTACH),
	N(BPF_PROG_DETACH),
	N(BPF_PROG_TEST_RUN), /* also spelled BPF_PROG_RUN */
	N(BPF_PROG_GET_NEXT_ID),
	N(BPF_MAP_GET_NEXT_ID),
	N(BPF_PROG_GET_FD_BY_ID),
	N(BPF_MAP_GET_FD_BY_ID),
	N(BPF_OBJ_GET_INFO_BY_FD),
	N(BPF_PROG_QUERY),
	N(BPF_RAW_TRACEPOINT_OPEN),
	N(BPF_BTF_LOAD),
	N(BPF_BTF_GET_FD_BY_ID),
	N(BPF_TASK_FD_QUERY),
	N(BPF_MAP_LOOKUP_AND_DELETE_ELEM),
	N(BPF_MAP_FREEZE),
	N(BPF_BTF_GET_NEXT_ID),
	N(BPF_MAP_LOOKUP_BATCH),
	N(BPF_MAP_LOOKUP_AND_DELETE_BATCH),
	N(BPF_MAP_UPDATE_BATCH),
	N(BPF_MAP_DELETE_BATCH),
	N(BPF_LINK_CREATE),
	N(BPF_LINK_UPDATE),
	N(BPF_LINK_GET_FD_BY_ID),
	N(BPF_LINK_GET_NEXT_ID),
	N(BPF_ENABLE_STATS),
	N(BPF_ITER_CREATE),
	N(BPF_LINK_DETACH),
	N(BPF_PROG_BIND_MAP),
	N(BPF_TOKEN_CREATE),
	N(BPF_PROG_STREAM_READ_BY_FD),
};

static const char *const map_type_names[EM_BPF_MAP_TYPE_COUNT] = {
	N(BPF_MAP_TYPE_UNSPEC),
	N(BPF_MAP_TYPE_HASH),
	N(BPF_MAP_TYPE_ARRAY),
	N(BPF_MAP_TYPE_PROG_ARRAY),
	N(BPF_MAP_TYPE_PERF_EVENT_ARRAY),
	N(BPF_MAP_TYPE_PERCPU_HASH),
	N(BPF_MAP_TYPE_PERCPU_ARRAY),
	N(BPF_MAP_TYPE_STACK_TRACE),
	N(BPF_MAP_TYPE_CGROUP_ARRAY),
	N(BPF_MAP_TYPE_LRU_HASH),
	N(BPF_MAP_TYPE_LRU_PERCPU_HASH),
	N(BPF_MAP_TYPE_LPM_TRIE),
	N(BPF_MAP_TYPE_ARRAY_OF_MAPS),
	N(BPF_MAP_TYPE_HASH_OF_MAPS),
	N(BPF_MAP_TYPE_DEVMAP),
	N(BPF_MAP_TYPE_SOCKMAP),
	N(BPF_MAP_TYPE_CPUMAP),
	N(BPF_MAP_TYPE_XSKMAP),
	N(BPF_MAP_TYPE_SOCKHASH),
	N(BPF_MAP_TYPE_CGROUP_STORAGE),
	N(BPF_MAP_TYPE_REUSEPORT_SOCKARRAY),
	N(BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE),
	N(BPF_MAP_TYPE_QUEUE),
	N(BPF_MAP_TYPE_STACK),
	N(BPF_MAP_TYPE_SK_STORAGE),
	N(BPF_MAP_TYPE_DEVMAP_HASH),
	N(BPF_MAP_TYPE_STRUCT_OPS),
	N(BPF_MAP_TYPE_RINGBUF),
	N(BPF_MAP_TYPE_INODE_STORAGE),
	N(BPF_MAP_TYPE_TASK_STORAGE),
	N(BPF_MAP_TYPE_BLOOM_FILTER),
	N(BPF_MAP_TYPE_USER_RINGBUF),
	N(BPF_MAP_TYPE_CGRP_STORAGE),
	N(BPF_MAP_TYPE_ARENA),
};

static const char *const prog_type_names[EM_BPF_PROG_TYPE_COUNT] = {
	N(BPF_PROG_TYPE_UNSPEC),
	N(BPF_PROG_TYPE_SOCKET_FILTER),
	N(BPF_PROG_TYPE_KPROBE),
	N(BPF_PROG_TYPE_SCHED_CLS),
	N(BPF_PROG_TYPE_SCHED_ACT),
	N(BPF_PROG_TYPE_TRACEPOINT),
	N(BPF_PROG_TYPE_XDP),
	N(BPF_PROG_TYPE_PERF_EVENT),
	N(BPF_PROG_TYPE_CGROUP_SKB),
	N(BPF_PROG_TYPE_CGROUP_SOCK),
	N(BPF_PROG_TYPE_LWT_IN),
	N(BPF_PROG_TYPE_LWT_OUT),
	N(BPF_PROG_TYPE_LWT_XMIT),
	N(BPF_PROG_TYPE_SOCK_OPS),
	N(BPF_PROG_TYPE_SK_SKB),
	N(BPF_PROG_TYPE_CGROUP_DEVICE),
	N(BPF_PROG_TYPE_SK_MSG),
	N(BPF_PROG_TYPE_RAW_TRACEPOINT),
	N(BPF_PROG_TYPE_CGROUP_SOCK_ADDR),
	N(BPF_PROG_TYPE_LWT_SEG6LOCAL),
	N(BPF_PROG_TYPE_LIRC_MODE2),
	N(BPF_PROG_TYPE_SK_REUSEPORT),
	N(BPF_PROG_TYPE_FLOW_DISSECTOR),
	N(BPF_PROG_TYPE_CGROUP_SYSCTL),
	N(BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE),
	N(BPF_PROG_TYPE_CGROUP_SOCKOPT),
	N(BPF_PROG_TYPE_TRACING),
	N(BPF_PROG_TYPE_STRUCT_OPS),
	N(BPF_PROG_TYPE_EXT),
	N(BPF_PROG_TYPE_LSM),
	N(BPF_PROG_TYPE_SK_LOOKUP),
	N(BPF_PROG_TYPE_SYSCALL),
	N(BPF_PROG_TYPE_NETFILTER),
};

static const char *const attach_type_names[EM_BPF_ATTACH_TYPE_COUNT] = {
	N(BPF_CGROUP_INET_INGRESS),
	N(BPF_CGROUP_INET_EGRESS),
	N(BPF_CGROUP_INET_SOCK_CREATE),
	N(BPF_CGROUP_SOCK_OPS),
	N(BPF_SK_SKB_STREAM_PARSER),
	N(BPF_SK_SKB_STREAM_VERDICT),
	N(BPF_CGROUP_DEVICE),
	N(BPF_SK_MSG_VERDICT),
	N(BPF_CGROUP_INET4_BIND),
	N(BPF_CGROUP_INET6_BIND),
	N(BPF_CGROUP_INET4_CONNECT),
	N(BPF_CGROUP_INET6_CONNECT),
	N(BPF_CGROUP_INET4_POST_BIND),
	N(BPF_CGROUP_INET6_POST_BIND),
	N(BPF_CGROUP_UDP4_SENDMSG),
	N(BPF_CGROUP_UDP6_SENDMSG),
	N(BPF_LIRC_MODE2),
	N(BPF_FLOW_DISSECTOR),
	N(BPF_CGROUP_SYSCTL),
	N(BPF_CGROUP_UDP4_RECVMSG),
	N(BPF_CGROUP_UDP6_RECVMSG),
	N(BPF_CGROUP_GETSOCKOPT),
	N(BPF_CGROUP_SETSOCKOPT),
	N(BPF_TRACE_RAW_TP),
	N(BPF_TRACE_FENTRY),
	N(BPF_TRACE_FEXIT),
	N(BPF_MODIFY_RETURN),
	N(BPF_LSM_MAC),
	N(BPF_TRACE_ITER),
	N(BPF_CGROUP_INET4_GETPEERNAME),
	N(BPF_CGROUP_INET6_GETPEERNAME),
	N(BPF_CGROUP_INET4_GETSOCKNAME),
	N(BPF_CGROUP_INET6_GETSOCKNAME),
	N(BPF_XDP_DEVMAP),
	N(BPF_CGROUP_INET_SOCK_RELEASE),
	N(BPF_XDP_CPUMAP),
	N(BPF_SK_LOOKUP),
	N(BPF_XDP),
	N(BPF_SK_SKB_VERDICT),
	N(BPF_SK_REUSEPORT_SELECT),
	N(BPF_SK_REUSEPORT_SELECT_OR_MIGRATE),
	N(BPF_PERF_EVENT),
	N(BPF_TRACE_KPROBE_MULTI),
	N(BPF_LSM_CGROUP),
	N(BPF_STRUCT_OPS),
	N(BPF_NETFILTER),
	N(BPF_TCX_INGRESS),
	N(BPF_TCX_EGRESS),
	N(BPF_TRACE_UPROBE_MULTI),
	N(BPF_CGROUP_UNIX_CONNECT),
	N(BPF_CGROUP_UNIX_SENDMSG),
	N(BPF_CGROUP_UNIX_RECVMSG),
	N(BPF_CGROUP_UNIX_GETPEERNAME),
	N(BPF_CGROUP_UNIX_GETSOCKNAME),
	N(BPF_NETKIT_PRIMARY),
	N(BPF_NETKIT_PEER),
	N(BPF_TRACE_KPROBE_SESSION),
	N(BPF_TRACE_UPROBE_SESSION),
};

static const char *const link_type_names[EM_BPF_LINK_TYPE_COUNT] = {
	N(BPF_LINK_TYPE_UNSPEC),
	N(BPF_LINK_TYPE_RAW_TRACEPOINT),
	N(BPF_LINK_TYPE_TRACING),
	N(BPF_LINK_TYPE_CGROUP),
	N(BPF_LINK_TYPE_ITER),
	N(BPF_LINK_TYPE_NETNS),
	N(BPF_LINK_TYPE_XDP),
	N(BPF_LINK_TYPE_PERF_EVENT),
	N(BPF_LINK_TYPE_KPROBE_MULTI),
	N(BPF_LINK_TYPE_STRUCT_OPS),
	N(BPF_LINK_TYPE_NETFILTER),
	N(BPF_LINK_TYPE_TCX),
	N(BPF_LINK_TYPE_UPROBE_MULTI),
	N(BPF_LINK_TYPE_NETKIT),
	N(BPF_LINK_TYPE_SOCKMAP),
};

#undef N

static const char *lookup(const char *const *names, size_t count, uint64_t v)
{
	return v < count ? names[v] : NULL;
}

EM_EXPORT const char *ebpfmini_sys_cmd_name(int cmd)
{
	return cmd < 0 ? NULL : lookup(cmd_names, EM_ARRAY_SIZE(cmd_names), (uint64_t)cmd);
}

EM_EXPORT const char *ebpfmini_sys_map_type_name(uint32_t type)
{
	return lookup(map_type_names, EM_ARRAY_SIZE(map_type_names), type);
}

EM_EXPORT const char *ebpfmini_sys_prog_type_name(uint32_t type)
{
	return lookup(prog_type_names, EM_ARRAY_SIZE(prog_type_names), type);
}

EM_EXPORT const char *ebpfmini_sys_attach_type_name(uint32_t type)
{
	return lookup(attach_type_names, EM_ARRAY_SIZE(attach_type_names), type);
}

EM_EXPORT const char *ebpfmini_sys_link_type_name(uint32_t type)
{
	return lookup(link_type_names, EM_ARRAY_SIZE(link_type_names), type);
}

/* ---- flags ----------------------------------------------------------------------- */

#define F(x) { (uint64_t)(x), #x }
#define END { 0, NULL }

const struct em_flag_name em_sys_map_flag_names[] = {
	F(BPF_F_NO_PREALLOC),   F(BPF_F_NO_COMMON_LRU), F(BPF_F_NUMA_NODE),
	F(BPF_F_RDONLY),        F(BPF_F_WRONLY),        F(BPF_F_STACK_BUILD_ID),
	F(BPF_F_ZERO_SEED),     F(BPF_F_RDONLY_PROG),   F(BPF_F_WRONLY_PROG),
	F(BPF_F_CLONE),         F(BPF_F_MMAPABLE),      F(BPF_F_PRESERVE_ELEMS),
	F(BPF_F_INNER_MAP),     F(BPF_F_LINK),          F(BPF_F_VTYPE_BTF_OBJ_FD),
	F(BPF_F_TOKEN_FD),      F(BPF_F_SEGV_ON_FAULT), F(BPF_F_NO_USER_CONV),
	END,
};

const struct em_flag_name em_sys_prog_flag_names[] = {
	F(BPF_F_STRICT_ALIGNMENT),   F(BPF_F_ANY_ALIGNMENT),     F(BPF_F_TEST_RND_HI32),
	F(BPF_F_TEST_STATE_FREQ),    F(BPF_F_SLEEPABLE),         F(BPF_F_XDP_HAS_FRAGS),
	F(BPF_F_XDP_DEV_BOUND_ONLY), F(BPF_F_TEST_REG_INVARIANTS), F(BPF_F_TOKEN_FD),
	END,
};

const struct em_flag_name em_sys_attach_flag_names[] = {
	F(BPF_F_ALLOW_OVERRIDE), F(BPF_F_ALLOW_MULTI), F(BPF_F_REPLACE), F(BPF_F_BEFORE),
	F(BPF_F_AFTER),          F(BPF_F_ID),          F(BPF_F_PREORDER), F(BPF_F_LINK),
	END,
};

/* XDP_FLAGS_* of <linux/if_link.h>, used by LINK_CREATE for BPF_XDP */
const struct em_flag_name em_sys_xdp_flag_names[] = {
	{ 1U << 0, "XDP_FLAGS_UPDATE_IF_NOEXIST" },
	{ 1U << 1, "XDP_FLAGS_SKB_MODE" },
	{ 1U << 2, "XDP_FLAGS_DRV_MODE" },
	{ 1U << 3, "XDP_FLAGS_HW_MODE" },
	{ 1U << 4, "XDP_FLAGS_REPLACE" },
	END,
};

const struct em_flag_name em_sys_file_flag_names[] = {
	F(BPF_F_RDONLY), F(BPF_F_WRONLY), F(BPF_F_PATH_FD), F(BPF_F_TOKEN_FD), END,
};

const struct em_flag_name em_sys_token_flag_names[] = {
	F(BPF_F_TOKEN_FD),
	END,
};

const struct em_flag_name em_sys_test_run_flag_names[] = {
	F(BPF_F_TEST_RUN_ON_CPU),
	F(BPF_F_TEST_XDP_LIVE_FRAMES),
	F(BPF_F_TEST_SKB_CHECKSUM_COMPLETE),
	END,
};

const struct em_flag_name em_sys_query_flag_names[] = {
	F(BPF_F_QUERY_EFFECTIVE),
	END,
};

const struct em_flag_name em_sys_uprobe_multi_flag_names[] = {
	F(BPF_F_UPROBE_MULTI_RETURN),
	END,
};

const struct em_flag_name em_sys_kprobe_multi_flag_names[] = {
	F(BPF_F_KPROBE_MULTI_RETURN),
	END,
};

const struct em_flag_name em_sys_open_flag_names[] = {
	F(O_CREAT),     F(O_EXCL),      F(O_NOCTTY),   F(O_TRUNC),    F(O_APPEND),
	F(O_NONBLOCK),  F(O_DIRECTORY), F(O_NOFOLLOW), F(O_CLOEXEC),  F(O_PATH),
	END,
};

const struct em_flag_name em_sys_prot_names[] = {
	F(PROT_READ),
	F(PROT_WRITE),
	F(PROT_EXEC),
	END,
};

const struct em_flag_name em_sys_mmap_flag_names[] = {
	F(MAP_FIXED),     F(MAP_ANONYMOUS), F(MAP_NORESERVE), F(MAP_POPULATE),
	F(MAP_FIXED_NOREPLACE),
	END,
};

const struct em_flag_name em_sys_perf_sample_names[] = {
	F(PERF_SAMPLE_IP),       F(PERF_SAMPLE_TID),       F(PERF_SAMPLE_TIME),
	F(PERF_SAMPLE_ADDR),     F(PERF_SAMPLE_READ),      F(PERF_SAMPLE_CALLCHAIN),
	F(PERF_SAMPLE_ID),       F(PERF_SAMPLE_CPU),       F(PERF_SAMPLE_PERIOD),
	F(PERF_SAMPLE_STREAM_ID), F(PERF_SAMPLE_RAW),      F(PERF_SAMPLE_BRANCH_STACK),
	F(PERF_SAMPLE_REGS_USER), F(PERF_SAMPLE_STACK_USER), F(PERF_SAMPLE_WEIGHT),
	F(PERF_SAMPLE_DATA_SRC), F(PERF_SAMPLE_IDENTIFIER), F(PERF_SAMPLE_TRANSACTION),
	END,
};

const struct em_flag_name em_sys_perf_flag_names[] = {
	F(PERF_FLAG_FD_NO_GROUP),
	F(PERF_FLAG_FD_OUTPUT),
	F(PERF_FLAG_PID_CGROUP),
	F(PERF_FLAG_FD_CLOEXEC),
	END,
};

/* The first bits of perf_event_attr's flag word, in order. */
const struct em_flag_name em_sys_perf_attr_bit_names[] = {
	{ 1ULL << 0, "disabled" },      { 1ULL << 1, "inherit" },
	{ 1ULL << 2, "pinned" },        { 1ULL << 3, "exclusive" },
	{ 1ULL << 4, "exclude_user" },  { 1ULL << 5, "exclude_kernel" },
	{ 1ULL << 6, "exclude_hv" },    { 1ULL << 7, "exclude_idle" },
	{ 1ULL << 8, "mmap" },          { 1ULL << 9, "comm" },
	{ 1ULL << 10, "freq" },         { 1ULL << 11, "inherit_stat" },
	{ 1ULL << 12, "enable_on_exec" }, { 1ULL << 13, "task" },
	{ 1ULL << 14, "watermark" },
	END,
};

const char *em_sys_perf_type_name(uint32_t type)
{
	static const char *const names[] = {
		"PERF_TYPE_HARDWARE", "PERF_TYPE_SOFTWARE", "PERF_TYPE_TRACEPOINT",
		"PERF_TYPE_HW_CACHE", "PERF_TYPE_RAW",      "PERF_TYPE_BREAKPOINT",
	};

	return type < EM_ARRAY_SIZE(names) ? names[type] : NULL;
}

/* The name of an exact value in a table of em_flag_name, or NULL. */
static const char *value_name(const struct em_flag_name *names, uint64_t value)
{
	for (const struct em_flag_name *f = names; f->name; f++)
		if (f->bit == value)
			return f->name;
	return NULL;
}

const char *em_sys_perf_ioctl_name(unsigned long request)
{
	static const struct em_flag_name names[] = {
		F(PERF_EVENT_IOC_ENABLE),      F(PERF_EVENT_IOC_DISABLE),
		F(PERF_EVENT_IOC_REFRESH),     F(PERF_EVENT_IOC_RESET),
		F(PERF_EVENT_IOC_PERIOD),      F(PERF_EVENT_IOC_SET_OUTPUT),
		F(PERF_EVENT_IOC_SET_FILTER),  F(PERF_EVENT_IOC_ID),
		F(PERF_EVENT_IOC_SET_BPF),     F(PERF_EVENT_IOC_PAUSE_OUTPUT),
		F(PERF_EVENT_IOC_QUERY_BPF),   F(PERF_EVENT_IOC_MODIFY_ATTRIBUTES),
		END,
	};

	return value_name(names, request);
}

const char *em_sys_stats_type_name(uint32_t type)
{
	return type == BPF_STATS_RUN_TIME ? "BPF_STATS_RUN_TIME" : NULL;
}

/* statfs f_type values the library meets, by their <linux/magic.h> names. */
const char *em_sys_fs_magic_name(unsigned long magic)
{
	static const struct em_flag_name names[] = {
		{ 0xcafe4a11UL, "BPF_FS_MAGIC" },  { 0x74726163UL, "TRACEFS_MAGIC" },
		{ 0x64626720UL, "DEBUGFS_MAGIC" }, { 0x62656572UL, "SYSFS_MAGIC" },
		{ 0x9fa0UL, "PROC_SUPER_MAGIC" },  { 0x63677270UL, "CGROUP2_SUPER_MAGIC" },
		{ 0x01021994UL, "TMPFS_MAGIC" },   END,
	};

	return value_name(names, magic);
}

#undef F
#undef END

/* ---- which options link_create takes (sys_cmds.c builds them, sys_trace.c prints them) ---- */

enum em_link_variant em_sys_link_variant(uint32_t attach_type)
{
	switch (attach_type) {
	case BPF_XDP: return EM_LINK_NONE;
	case BPF_TRACE_ITER: return EM_LINK_ITER;
	case BPF_PERF_EVENT: return EM_LINK_PERF;
	case BPF_TRACE_KPROBE_MULTI:
	case BPF_TRACE_KPROBE_SESSION: return EM_LINK_KPROBE_MULTI;
	case BPF_TRACE_UPROBE_MULTI:
	case BPF_TRACE_UPROBE_SESSION: return EM_LINK_UPROBE_MULTI;
	case BPF_NETFILTER: return EM_LINK_NETFILTER;
	case BPF_TCX_INGRESS:
	case BPF_TCX_EGRESS:
	case BPF_NETKIT_PRIMARY:
	case BPF_NETKIT_PEER: return EM_LINK_MPROG;
	case BPF_CGROUP_INET_INGRESS: case BPF_CGROUP_INET_EGRESS:
	case BPF_CGROUP_INET_SOCK_CREATE: case BPF_CGROUP_SOCK_OPS: case BPF_CGROUP_DEVICE:
	case BPF_CGROUP_INET4_BIND: case BPF_CGROUP_INET6_BIND: case BPF_CGROUP_INET4_CONNECT:
	case BPF_CGROUP_INET6_CONNECT: case BPF_CGROUP_INET4_POST_BIND:
	case BPF_CGROUP_INET6_POST_BIND: case BPF_CGROUP_UDP4_SENDMSG: case BPF_CGROUP_UDP6_SENDMSG:
	case BPF_CGROUP_SYSCTL: case BPF_CGROUP_UDP4_RECVMSG: case BPF_CGROUP_UDP6_RECVMSG:
	case BPF_CGROUP_GETSOCKOPT: case BPF_CGROUP_SETSOCKOPT: case BPF_CGROUP_INET4_GETPEERNAME:
	case BPF_CGROUP_INET6_GETPEERNAME: case BPF_CGROUP_INET4_GETSOCKNAME:
	case BPF_CGROUP_INET6_GETSOCKNAME: case BPF_CGROUP_INET_SOCK_RELEASE:
	case BPF_CGROUP_UNIX_CONNECT: case BPF_CGROUP_UNIX_SENDMSG: case BPF_CGROUP_UNIX_RECVMSG:
	case BPF_CGROUP_UNIX_GETPEERNAME: case BPF_CGROUP_UNIX_GETSOCKNAME: return EM_LINK_MPROG;
	default: return EM_LINK_TRACING;
	}
}
