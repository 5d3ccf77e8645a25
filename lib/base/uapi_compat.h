/* uapi_compat.h - kernel ABI constants and bpf_attr fields newer than the installed UAPI header (L3) */
#ifndef EBPFMINI_UAPI_COMPAT_H
#define EBPFMINI_UAPI_COMPAT_H

/*
 * The build uses the distribution's <linux/bpf.h> (Debian 12: Linux 6.1)
 * while the library runs on newer kernels (6.18 on the reference machine).
 * Everything the library needs from newer kernels is defined here, once:
 *
 *  - constants, each guarded by #ifndef so that a newer header wins. The
 *    values are the kernel's ABI (checked against the 6.18 kernel's own BTF,
 *    /sys/kernel/btf/vmlinux); an enum constant of a newer header is not
 *    seen by #ifndef, but redefining it as a macro with the same value after
 *    the header is harmless;
 *  - union bpf_attr fields, as byte offsets from the start of the attr. Code
 *    writes them with em_attr_put32/64 into a union em_bpf_attr, a zeroed
 *    buffer as large as the 6.18 attr, and passes a size that covers them.
 *
 * Include this header instead of <linux/bpf.h> in library code that needs it.
 */

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- bpf() commands ------------------------------------------------------------ */
#ifndef BPF_TOKEN_CREATE
#define BPF_TOKEN_CREATE 36 /* 6.9 */
#endif
#ifndef BPF_PROG_STREAM_READ_BY_FD
#define BPF_PROG_STREAM_READ_BY_FD 37 /* 6.17 */
#endif
#define EM_BPF_CMD_COUNT 38 /* commands 0 .. 37 exist in 6.18 */

/* ---- map types ------------------------------------------------------------------- */
#ifndef BPF_MAP_TYPE_CGRP_STORAGE
#define BPF_MAP_TYPE_CGRP_STORAGE 32 /* 6.2 */
#endif
#ifndef BPF_MAP_TYPE_ARENA
#define BPF_MAP_TYPE_ARENA 33 /* 6.9 */
#endif
#define EM_BPF_MAP_TYPE_COUNT 34

/* ---- program types ---------------------------------------------------------------- */
#ifndef BPF_PROG_TYPE_NETFILTER
#define BPF_PROG_TYPE_NETFILTER 32 /* 6.4 */
#endif
#define EM_BPF_PROG_TYPE_COUNT 33

/* ---- attach types ----------------------------------------------------------------- */
#ifndef BPF_STRUCT_OPS
#define BPF_STRUCT_OPS 44 /* 6.2 */
#endif
#ifndef BPF_NETFILTER
#define BPF_NETFILTER 45 /* 6.4 */
#endif
#ifndef BPF_TCX_INGRESS
#define BPF_TCX_INGRESS 46 /* 6.6 */
#endif
#ifndef BPF_TCX_EGRESS
#define BPF_TCX_EGRESS 47 /* 6.6 */
#endif
#ifndef BPF_TRACE_UPROBE_MULTI
#define BPF_TRACE_UPROBE_MULTI 48 /* 6.6 */
#endif
#ifndef BPF_CGROUP_UNIX_CONNECT
#define BPF_CGROUP_UNIX_CONNECT 49 /* 6.7 */
#endif
#ifndef BPF_CGROUP_UNIX_SENDMSG
#define BPF_CGROUP_UNIX_SENDMSG 50
#endif
#ifndef BPF_CGROUP_UNIX_RECVMSG
#define BPF_CGROUP_UNIX_RECVMSG 51
#endif
#ifndef BPF_CGROUP_UNIX_GETPEERNAME
#define BPF_CGROUP_UNIX_GETPEERNAME 52
#endif
#ifndef BPF_CGROUP_UNIX_GETSOCKNAME
#define BPF_CGROUP_UNIX_GETSOCKNAME 53
#endif
#ifndef BPF_NETKIT_PRIMARY
#define BPF_NETKIT_PRIMARY 54 /* 6.7 */
#endif
#ifndef BPF_NETKIT_PEER
#define BPF_NETKIT_PEER 55
#endif
#ifndef BPF_TRACE_KPROBE_SESSION
#define BPF_TRACE_KPROBE_SESSION 56 /* 6.10 */
#endif
#ifndef BPF_TRACE_UPROBE_SESSION
#define BPF_TRACE_UPROBE_SESSION 57 /* 6.13 */
#endif
#define EM_BPF_ATTACH_TYPE_COUNT 58

/* ---- link types ------------------------------------------------------------------- */
#ifndef BPF_LINK_TYPE_NETFILTER
#define BPF_LINK_TYPE_NETFILTER 10 /* 6.4 */
#endif
#ifndef BPF_LINK_TYPE_TCX
#define BPF_LINK_TYPE_TCX 11 /* 6.6 */
#endif
#ifndef BPF_LINK_TYPE_UPROBE_MULTI
#define BPF_LINK_TYPE_UPROBE_MULTI 12 /* 6.6 */
#endif
#ifndef BPF_LINK_TYPE_NETKIT
#define BPF_LINK_TYPE_NETKIT 13 /* 6.7 */
#endif
#ifndef BPF_LINK_TYPE_SOCKMAP
#define BPF_LINK_TYPE_SOCKMAP 14 /* 6.10 */
#endif
#define EM_BPF_LINK_TYPE_COUNT 15

/* ---- flags -------------------------------------------------------------------------- */
/* PROG_ATTACH / LINK_CREATE (mprog ordering, 6.6) */
#ifndef BPF_F_BEFORE
#define BPF_F_BEFORE (1U << 3)
#endif
#ifndef BPF_F_AFTER
#define BPF_F_AFTER (1U << 4)
#endif
#ifndef BPF_F_ID
#define BPF_F_ID (1U << 5)
#endif
#ifndef BPF_F_PREORDER
#define BPF_F_PREORDER (1U << 6) /* cgroup attach order */
#endif
/* BPF_F_LINK is both a MAP_CREATE flag-space constant and an attach flag (6.2) */
#ifndef BPF_F_LINK
#define BPF_F_LINK (1U << 13)
#endif
/* MAP_CREATE / OBJ_* flags */
#ifndef BPF_F_PATH_FD
#define BPF_F_PATH_FD (1U << 14) /* OBJ_PIN/OBJ_GET: path relative to path_fd, 6.5 */
#endif
#ifndef BPF_F_VTYPE_BTF_OBJ_FD
#define BPF_F_VTYPE_BTF_OBJ_FD (1U << 15) /* 6.9 */
#endif
#ifndef BPF_F_TOKEN_FD
#define BPF_F_TOKEN_FD (1U << 16) /* MAP_CREATE, PROG_LOAD, BTF_LOAD, 6.9 */
#endif
#ifndef BPF_F_SEGV_ON_FAULT
#define BPF_F_SEGV_ON_FAULT (1U << 17) /* arena, 6.9 */
#endif
#ifndef BPF_F_NO_USER_CONV
#define BPF_F_NO_USER_CONV (1U << 18) /* arena, 6.9 */
#endif
/* PROG_LOAD prog_flags */
#ifndef BPF_F_XDP_DEV_BOUND_ONLY
#define BPF_F_XDP_DEV_BOUND_ONLY (1U << 6) /* 6.3 */
#endif
#ifndef BPF_F_TEST_REG_INVARIANTS
#define BPF_F_TEST_REG_INVARIANTS (1U << 7) /* 6.7 */
#endif
/* LINK_CREATE uprobe_multi flags */
#ifndef BPF_F_UPROBE_MULTI_RETURN
#define BPF_F_UPROBE_MULTI_RETURN (1U << 0)
#endif

/* ---- union bpf_attr beyond the 6.1 header ---------------------------------------------- */

/* sizeof(union bpf_attr) of Linux 6.18 (prog_load ends with keyring_id at 164). */
#define EM_BPF_ATTR_SIZE 168

/* A zeroed attr buffer large enough for every field of the 6.18 ABI. */
union em_bpf_attr {
	union bpf_attr attr;
	uint8_t raw[EM_BPF_ATTR_SIZE];
	uint64_t align;
};

/*
 * Byte offsets of fields the 6.1 header lacks, per command. Each is
 * followed by its width; "end" is offset + width, the size to pass when it
 * is the last field used.
 */
/* BPF_MAP_CREATE (6.1 ends with map_extra at 64..72) */
#define EM_ATTR_MAP_VALUE_TYPE_BTF_OBJ_FD 72 /* u32, 6.9 */
#define EM_ATTR_MAP_TOKEN_FD 76              /* s32, 6.9 */
#define EM_ATTR_MAP_EXCL_PROG_HASH 80        /* u64 pointer, 6.18 */
#define EM_ATTR_MAP_EXCL_PROG_HASH_SIZE 88   /* u32, 6.18 */
/* BPF_PROG_LOAD (6.1 ends with core_relo_rec_size at 136..140) */
#define EM_ATTR_PROG_LOG_TRUE_SIZE 140 /* u32 out, 6.4 */
#define EM_ATTR_PROG_TOKEN_FD 144      /* s32, 6.9 */
#define EM_ATTR_PROG_FD_ARRAY_CNT 148  /* u32, 6.14 */
#define EM_ATTR_PROG_SIGNATURE 152     /* u64 pointer, 6.18 */
#define EM_ATTR_PROG_SIGNATURE_SIZE 160 /* u32, 6.18 */
#define EM_ATTR_PROG_KEYRING_ID 164     /* s32, 6.18 */
/* BPF_OBJ_PIN / BPF_OBJ_GET (6.1 ends with file_flags at 12..16) */
#define EM_ATTR_OBJ_PATH_FD 16 /* s32, 6.5, with BPF_F_PATH_FD */
/* BPF_PROG_ATTACH / BPF_PROG_DETACH (6.1 ends with replace_bpf_fd at 16..20) */
#define EM_ATTR_ATTACH_RELATIVE 20          /* u32 relative_fd or relative_id, 6.6 */
#define EM_ATTR_ATTACH_EXPECTED_REVISION 24 /* u64, 6.6 */
/* BPF_PROG_QUERY (6.1 ends with prog_attach_flags at 32..40) */
#define EM_ATTR_QUERY_LINK_IDS 40          /* u64 pointer, 6.6 */
#define EM_ATTR_QUERY_LINK_ATTACH_FLAGS 48 /* u64 pointer, 6.6 */
#define EM_ATTR_QUERY_REVISION 56          /* u64 out, 6.6 */
/* BPF_RAW_TRACEPOINT_OPEN (6.1 ends with prog_fd at 8..12) */
#define EM_ATTR_RAW_TP_COOKIE 16 /* u64, 6.10 */
/* BPF_BTF_LOAD (6.1 ends with btf_log_level at 24..28) */
#define EM_ATTR_BTF_LOG_TRUE_SIZE 28 /* u32 out, 6.4 */
#define EM_ATTR_BTF_FLAGS 32         /* u32, 6.9 */
#define EM_ATTR_BTF_TOKEN_FD 36      /* s32, 6.9 */
/* BPF_*_GET_FD_BY_ID (6.1 ends with open_flags at 8..12) */
#define EM_ATTR_FD_BY_ID_TOKEN_FD 12 /* s32, after 6.9 */
/* BPF_LINK_CREATE: prog_fd 0, target_fd/target_ifindex 4, attach_type 8,
 * flags 12, then a union at 16 whose members 6.1 lacks: */
#define EM_ATTR_LINK_NETFILTER_PF 16       /* u32, 6.4 */
#define EM_ATTR_LINK_NETFILTER_HOOKNUM 20  /* u32 */
#define EM_ATTR_LINK_NETFILTER_PRIORITY 24 /* s32 */
#define EM_ATTR_LINK_NETFILTER_FLAGS 28    /* u32 */
#define EM_ATTR_LINK_MPROG_RELATIVE 16     /* u32 relative_fd/id: tcx 6.6, netkit 6.7, cgroup later */
#define EM_ATTR_LINK_MPROG_EXPECTED_REVISION 24 /* u64 */
#define EM_ATTR_LINK_UPROBE_PATH 16        /* u64 pointer, 6.6 */
#define EM_ATTR_LINK_UPROBE_OFFSETS 24     /* u64 pointer */
#define EM_ATTR_LINK_UPROBE_REF_CTR 32     /* u64 pointer */
#define EM_ATTR_LINK_UPROBE_COOKIES 40     /* u64 pointer */
#define EM_ATTR_LINK_UPROBE_CNT 48         /* u32 */
#define EM_ATTR_LINK_UPROBE_FLAGS 52       /* u32 */
#define EM_ATTR_LINK_UPROBE_PID 56         /* u32 */
/* BPF_TOKEN_CREATE (6.9) and BPF_PROG_STREAM_READ_BY_FD (6.17) */
#define EM_ATTR_TOKEN_FLAGS 0
#define EM_ATTR_TOKEN_BPFFS_FD 4
#define EM_ATTR_STREAM_BUF 0
#define EM_ATTR_STREAM_BUF_LEN 8
#define EM_ATTR_STREAM_ID 12
#define EM_ATTR_STREAM_PROG_FD 16

/* The 6.1 fields we address by name must sit where the ABI puts them. */
_Static_assert(offsetof(union bpf_attr, map_extra) == 64, "bpf_attr map_extra offset");
_Static_assert(offsetof(union bpf_attr, core_relo_rec_size) == 136, "bpf_attr prog_load tail");
_Static_assert(offsetof(union bpf_attr, replace_bpf_fd) == 16, "bpf_attr replace_bpf_fd offset");
_Static_assert(offsetof(union bpf_attr, query.prog_attach_flags) == 32, "bpf_attr query tail");
_Static_assert(offsetof(union bpf_attr, btf_log_level) == 24, "bpf_attr btf_log_level offset");
_Static_assert(offsetof(union bpf_attr, link_create.tracing.cookie) == 24, "link_create cookie");
_Static_assert(sizeof(union bpf_attr) <= EM_BPF_ATTR_SIZE, "bpf_attr larger than 6.18's");

/* End offset of a named field of union bpf_attr (the size that covers it). */
#define EM_ATTR_END(field) (offsetof(union bpf_attr, field) + sizeof(((union bpf_attr *)0)->field))

static inline void em_attr_put32(union em_bpf_attr *a, size_t off, uint32_t v)
{
	memcpy(a->raw + off, &v, sizeof(v));
}

static inline void em_attr_put64(union em_bpf_attr *a, size_t off, uint64_t v)
{
	memcpy(a->raw + off, &v, sizeof(v));
}

static inline uint32_t em_attr_get32(const union em_bpf_attr *a, size_t off)
{
	uint32_t v;

	memcpy(&v, a->raw + off, sizeof(v));
	return v;
}

static inline uint64_t em_attr_get64(const union em_bpf_attr *a, size_t off)
{
	uint64_t v;

	memcpy(&v, a->raw + off, sizeof(v));
	return v;
}

/* A pointer as the kernel's __aligned_u64. */
#define EM_PTR_U64(p) ((uint64_t)(uintptr_t)(p))

#endif /* EBPFMINI_UAPI_COMPAT_H */
