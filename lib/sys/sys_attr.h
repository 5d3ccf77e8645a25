/* sys_attr.h - private: the one bpf_attr layout of the library, as in Linux 6.18 (L3 sys) */
#ifndef EBPFMINI_SYS_ATTR_H
#define EBPFMINI_SYS_ATTR_H

/*
 * The build uses the distribution's <linux/bpf.h> (Debian 12: Linux 6.1), which
 * lacks the fields later kernels added to union bpf_attr. This union mirrors
 * the kernel's attr of 6.18, one named struct per command, so every field has
 * a name and its byte offset is offsetof(): the commands (sys_cmds.c) write
 * fields by name, the EBPFMINI_TRACE decoder (sys_trace.c) finds them with
 * EM_ATTR_OFF, and tests/unit/test_sys.c checks every field the installed
 * header also has against it. A newer field is a fact of the kernel ABI; it is
 * written here and nowhere else. Pass &u.attr to em_sys_bpf() with a size
 * from EM_ATTR_END() of the last field the call sets.
 */

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

/* sizeof(union bpf_attr) of Linux 6.18: prog_load ends with keyring_id at 164. */
#define EM_BPF_ATTR_SIZE 168

/* The mprog (multi-program attach ordering) tail of PROG_ATTACH and LINK_CREATE, 6.6 */
#define EM_ATTR_MPROG                                                                              \
	union {                                                                                    \
		__u32 relative_fd;                                                                 \
		__u32 relative_id; /* with BPF_F_ID */                                             \
	};                                                                                         \
	__aligned_u64 expected_revision

union em_bpf_attr {
	struct { /* BPF_MAP_CREATE */
		__u32 map_type, key_size, value_size, max_entries, map_flags, inner_map_fd;
		__u32 numa_node;
		char map_name[BPF_OBJ_NAME_LEN];
		__u32 map_ifindex, btf_fd, btf_key_type_id, btf_value_type_id;
		__u32 btf_vmlinux_value_type_id;
		__u64 map_extra;
		__s32 value_type_btf_obj_fd; /* 6.9, with BPF_F_VTYPE_BTF_OBJ_FD */
		__s32 map_token_fd;          /* 6.9, with BPF_F_TOKEN_FD */
		__aligned_u64 excl_prog_hash; /* 6.18 */
		__u32 excl_prog_hash_size;    /* 6.18 */
	} map_create;

	struct { /* BPF_MAP_LOOKUP_ELEM, _UPDATE_, _DELETE_, _LOOKUP_AND_DELETE_, GET_NEXT_KEY */
		__u32 map_fd;
		__aligned_u64 key;
		union {
			__aligned_u64 value;
			__aligned_u64 next_key;
		};
		__u64 flags;
	} elem;

	struct { /* the BPF_MAP_*_BATCH commands */
		__aligned_u64 in_batch, out_batch, keys, values;
		__u32 count, map_fd;
		__u64 elem_flags, flags;
	} batch;

	struct { /* BPF_PROG_LOAD */
		__u32 prog_type, insn_cnt;
		__aligned_u64 insns, license;
		__u32 log_level, log_size;
		__aligned_u64 log_buf;
		__u32 kern_version, prog_flags;
		char prog_name[BPF_OBJ_NAME_LEN];
		__u32 prog_ifindex, expected_attach_type, prog_btf_fd, func_info_rec_size;
		__aligned_u64 func_info;
		__u32 func_info_cnt, line_info_rec_size;
		__aligned_u64 line_info;
		__u32 line_info_cnt, attach_btf_id;
		union {
			__u32 attach_prog_fd;
			__u32 attach_btf_obj_fd;
		};
		__u32 core_relo_cnt;
		__aligned_u64 fd_array, core_relos;
		__u32 core_relo_rec_size;
		__u32 log_true_size;  /* out, 6.4 */
		__s32 prog_token_fd;  /* 6.9 */
		__u32 fd_array_cnt;   /* 6.14 */
		__aligned_u64 signature; /* 6.18 */
		__u32 signature_size;    /* 6.18 */
		__s32 keyring_id;        /* 6.18 */
	} prog_load;

	struct { /* BPF_OBJ_PIN, BPF_OBJ_GET */
		__aligned_u64 pathname;
		__u32 bpf_fd, file_flags;
		__s32 path_fd; /* 6.5, with BPF_F_PATH_FD */
	} obj;

	struct { /* BPF_PROG_ATTACH, BPF_PROG_DETACH */
		union {
			__u32 target_fd;
			__u32 target_ifindex; /* tcx, netkit */
		};
		__u32 attach_bpf_fd, attach_type, attach_flags, replace_bpf_fd;
		EM_ATTR_MPROG; /* 6.6 */
	} attach;

	struct { /* BPF_PROG_TEST_RUN */
		__u32 prog_fd, retval, data_size_in, data_size_out;
		__aligned_u64 data_in, data_out;
		__u32 repeat, duration, ctx_size_in, ctx_size_out;
		__aligned_u64 ctx_in, ctx_out;
		__u32 flags, cpu, batch_size;
	} test;

	struct { /* BPF_*_GET_NEXT_ID, BPF_*_GET_FD_BY_ID */
		union {
			__u32 start_id, prog_id, map_id, btf_id, link_id;
		};
		__u32 next_id, open_flags;
		__s32 fd_by_id_token_fd; /* after 6.9 */
	} by_id;

	struct { /* BPF_OBJ_GET_INFO_BY_FD */
		__u32 bpf_fd, info_len;
		__aligned_u64 info;
	} info;

	struct { /* BPF_PROG_QUERY */
		union {
			__u32 target_fd;
			__u32 target_ifindex;
		};
		__u32 attach_type, query_flags, attach_flags;
		__aligned_u64 prog_ids;
		__u32 prog_cnt;
		__aligned_u64 prog_attach_flags;
		__aligned_u64 link_ids;          /* 6.6 */
		__aligned_u64 link_attach_flags; /* 6.6 */
		__aligned_u64 revision;          /* out, 6.6 */
	} query;

	struct { /* BPF_RAW_TRACEPOINT_OPEN */
		__u64 name;
		__u32 prog_fd;
		__aligned_u64 cookie; /* 6.10 */
	} raw_tp;

	struct { /* BPF_BTF_LOAD */
		__aligned_u64 btf, btf_log_buf;
		__u32 btf_size, btf_log_size, btf_log_level;
		__u32 btf_log_true_size; /* out, 6.4 */
		__u32 btf_flags;         /* 6.9 */
		__s32 btf_token_fd;      /* 6.9 */
	} btf_load;

	struct { /* BPF_TASK_FD_QUERY */
		__u32 pid, fd, flags, buf_len;
		__aligned_u64 buf;
		__u32 prog_id, fd_type;
		__u64 probe_offset, probe_addr;
	} task_fd_query;

	struct { /* BPF_LINK_CREATE */
		union {
			__u32 prog_fd;
			__u32 map_fd; /* BPF_STRUCT_OPS */
		};
		union {
			__u32 target_fd;
			__u32 target_ifindex;
		};
		__u32 attach_type, flags;
		union { /* one member per kind of attach type */
			__u32 target_btf_id;
			struct {
				__aligned_u64 iter_info;
				__u32 iter_info_len;
			};
			struct {
				__u64 bpf_cookie;
			} perf_event;
			struct {
				__u32 flags, cnt;
				__aligned_u64 syms, addrs, cookies;
			} kprobe_multi;
			struct {
				__u32 target_btf_id;
				__u64 cookie;
			} tracing;
			struct { /* 6.4 */
				__u32 pf, hooknum;
				__s32 priority;
				__u32 flags;
			} netfilter;
			struct { /* tcx 6.6, netkit 6.7, cgroup later: one layout */
				EM_ATTR_MPROG;
			} mprog;
			struct { /* 6.6 */
				__aligned_u64 path, offsets, ref_ctr_offsets, cookies;
				__u32 cnt, flags, pid;
			} uprobe_multi;
		};
	} link_create;

	struct { /* BPF_LINK_UPDATE */
		__u32 link_fd, new_prog_fd, flags, old_prog_fd;
	} link_update;

	struct { /* BPF_LINK_DETACH */
		__u32 link_fd;
	} link_detach;

	struct { /* BPF_ENABLE_STATS */
		__u32 type;
	} enable_stats;

	struct { /* BPF_ITER_CREATE */
		__u32 link_fd, flags;
	} iter_create;

	struct { /* BPF_PROG_BIND_MAP */
		__u32 prog_fd, map_fd, flags;
	} prog_bind_map;

	struct { /* BPF_TOKEN_CREATE, 6.9 */
		__u32 flags, bpffs_fd;
	} token_create;

	struct { /* BPF_PROG_STREAM_READ_BY_FD, 6.17 */
		__aligned_u64 stream_buf;
		__u32 stream_buf_len, stream_id, prog_fd;
	} prog_stream_read;

	union bpf_attr attr; /* what em_sys_bpf() takes */
	__u8 raw[EM_BPF_ATTR_SIZE];
};

#undef EM_ATTR_MPROG

/*
 * Byte offset, width and end of a field. The end is the size to pass when the
 * field is the last one sent: EM_ATTR_END(prog_load.fd_array) sends no field
 * newer than 6.1's PROG_LOAD, EM_ATTR_END(prog_load.log_true_size) adds the
 * 6.4 output (a kernel that lacks a field accepts it only while it is zero).
 */
#define EM_ATTR_OFF(field) offsetof(union em_bpf_attr, field)
#define EM_ATTR_WIDTH(field) sizeof(((union em_bpf_attr *)0)->field)
#define EM_ATTR_END(field) ((unsigned int)(EM_ATTR_OFF(field) + EM_ATTR_WIDTH(field)))

/* Which member of link_create's union after flags an attach type uses (sys_cmds.c). */
enum em_link_variant {
	EM_LINK_TRACING, /* target_btf_id or tracing: fentry/fexit, lsm, raw tp, ... */
	EM_LINK_ITER,
	EM_LINK_PERF,
	EM_LINK_KPROBE_MULTI, /* kprobe_multi, kprobe session */
	EM_LINK_UPROBE_MULTI, /* uprobe_multi, uprobe session */
	EM_LINK_NETFILTER,
	EM_LINK_MPROG, /* tcx, netkit, cgroup */
	EM_LINK_NONE,  /* BPF_XDP */
};
enum em_link_variant em_sys_link_variant(uint32_t attach_type);

/* A pointer as the kernel's __aligned_u64. */
#define EM_PTR_U64(p) ((uint64_t)(uintptr_t)(p))

/* ---- checks against the installed <linux/bpf.h> ------------------------------------ */

_Static_assert(sizeof(union em_bpf_attr) == EM_BPF_ATTR_SIZE, "bpf_attr size of 6.18");
_Static_assert(sizeof(union bpf_attr) <= EM_BPF_ATTR_SIZE, "bpf_attr larger than 6.18's");

#endif /* EBPFMINI_SYS_ATTR_H */
