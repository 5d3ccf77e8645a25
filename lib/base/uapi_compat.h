/* uapi_compat.h - kernel ABI constants newer than the installed UAPI header (L0 base) */
#ifndef EBPFMINI_UAPI_COMPAT_H
#define EBPFMINI_UAPI_COMPAT_H

/*
 * The build uses the distribution's <linux/bpf.h> (Debian 12: Linux 6.1)
 * while the library runs on newer kernels (6.18 on the reference machine).
 * The constants the library needs from newer kernels are defined here, once,
 * each guarded by #ifndef so that a newer header wins. The values are the
 * kernel's ABI (checked against the 6.18 kernel's own BTF,
 * /sys/kernel/btf/vmlinux); an enum constant of a newer header is not seen by
 * #ifndef, but redefining it as a macro with the same value after the header
 * is harmless. The bpf_attr fields of newer kernels are laid out once, in
 * lib/sys/sys_attr.h: only the kernel edge needs them.
 *
 * Include this header instead of <linux/bpf.h> in library code that needs it.
 */

#include <linux/bpf.h>

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
#ifndef BPF_F_LINK
#define BPF_F_LINK (1U << 13) /* a struct_ops map registered by a link, 6.4 */
#endif
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

/* ---- instructions ------------------------------------------------------------------- */
#define EM_BPF_MEMSX 0x80 /* LDX mode: sign-extending load (6.6) */
#define EM_BPF_JCOND 0xe0 /* JMP op: may_goto, with src_reg EM_BPF_MAY_GOTO (6.9) */
#define EM_BPF_MAY_GOTO 0
#define EM_BPF_NOSPEC 0xc0       /* ST mode: speculation barrier the verifier inserts */
#define EM_BPF_LOAD_ACQ 0x100    /* STX|ATOMIC imm: load-acquire (6.15) */
#define EM_BPF_STORE_REL 0x110   /* STX|ATOMIC imm: store-release (6.15) */
#define EM_BPF_ADDR_SPACE_CAST 1 /* ALU64|MOV|X off: addr_space_cast (6.9) */
#define EM_BPF_ADDR_PERCPU (-1)  /* ALU64|MOV|X off: per-CPU address (6.10, the verifier's) */

#endif /* EBPFMINI_UAPI_COMPAT_H */
