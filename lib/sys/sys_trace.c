/* sys_trace.c - EBPFMINI_TRACE: strace-style decoding of bpf() and the other kernel calls (L3 sys) */
#include <stdarg.h>
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>

#include "internal.h"
#include "sys_trace.h"
#include "sys_attr.h"
#include "uapi_compat.h"

#include "ebpfmini/sys.h"

/* Room kept at the end of a line for ") = -1 ENAME (description)". */
#define RESULT_RESERVE 128
/* Longest string argument shown before "...". */
#define STR_MAX 256

/* ---- line buffer -------------------------------------------------------------------- */

static void vappend(struct em_trace *t, size_t limit, const char *fmt, va_list ap)
{
	int n;

	if (t->len >= limit) {
		t->truncated = true;
		return;
	}
	n = vsnprintf(t->buf + t->len, limit - t->len, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= limit - t->len) {
		t->len = limit - 1;
		t->truncated = true;
	} else {
		t->len += (size_t)n;
	}
}

void em_sys_trace_printf(struct em_trace *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(t, sizeof(t->buf) - RESULT_RESERVE, fmt, ap);
	va_end(ap);
}

static void tail_printf(struct em_trace *t, const char *fmt, ...) EM_PRINTF(2, 3);
static void tail_printf(struct em_trace *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(t, sizeof(t->buf), fmt, ap);
	va_end(ap);
}

static void start(struct em_trace *t)
{
	t->len = 0;
	t->truncated = false;
	t->buf[0] = '\0';
	t->saved_errno = errno;
}

void em_sys_trace_begin(struct em_trace *t, const char *fmt, ...)
{
	va_list ap;

	start(t);
	va_start(ap, fmt);
	vappend(t, sizeof(t->buf) - RESULT_RESERVE, fmt, ap);
	va_end(ap);
}

static void flush(struct em_trace *t)
{
	size_t off = 0;

	while (off < t->len) {
		ssize_t n = write(STDERR_FILENO, t->buf + off, t->len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)n;
	}
	errno = t->saved_errno;
}

static void finish_error(struct em_trace *t, int err)
{
	char desc[128];
	const char *name = em_errno_name(err);
	const char *text;

	if (err == EM_ENOTSUPP)
		text = "Operation not supported (kernel-internal ENOTSUPP)";
	else
		text = strerror_r(err, desc, sizeof(desc));
	if (strcmp(name, "E?") == 0)
		tail_printf(t, ") = -1 E%d (%s)\n", err, text);
	else
		tail_printf(t, ") = -1 %s (%s)\n", name, text);
}

void em_sys_trace_end(struct em_trace *t, long ret)
{
	if (t->truncated)
		tail_printf(t, "...");
	if (ret >= 0)
		tail_printf(t, ") = %ld\n", ret);
	else
		finish_error(t, (int)-ret);
	flush(t);
}

void em_sys_trace_end_ptr(struct em_trace *t, const void *ptr, int err)
{
	if (t->truncated)
		tail_printf(t, "...");
	if (err)
		finish_error(t, err);
	else
		tail_printf(t, ") = %p\n", ptr);
	flush(t);
}

/* ---- reading the caller's memory without faulting -------------------------------- */

/*
 * Pointers in an attr come from the caller of ebpfmini_sys_bpf() and may be
 * wrong (the kernel answers EFAULT). The decoder reads them with
 * process_vm_readv on its own process, which fails instead of crashing; where
 * that syscall is filtered (seccomp) nothing is decoded: the pointer is
 * printed as it is, and the kernel answers EFAULT for a bad one, as it would
 * without tracing. A single iovec is read all or nothing, so strings go page
 * by page.
 */
size_t em_sys_trace_read_mem(void *dst, uint64_t src, size_t len)
{
	struct iovec local = { dst, len };
	struct iovec remote = { (void *)(uintptr_t)src, len };
	ssize_t n;

	if (!src || !len)
		return 0;
	n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	return n > 0 ? (size_t)n : 0;
}

void em_sys_trace_bytes(struct em_trace *t, const char *s, size_t n, bool more)
{
	em_sys_trace_printf(t, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			em_sys_trace_printf(t, "\\%c", c);
		else if (c == '\n')
			em_sys_trace_printf(t, "\\n");
		else if (c == '\t')
			em_sys_trace_printf(t, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			em_sys_trace_printf(t, "\\x%02x", c);
		else
			em_sys_trace_printf(t, "%c", c);
	}
	em_sys_trace_printf(t, more ? "\"..." : "\"");
}

void em_sys_trace_user_string(struct em_trace *t, uint64_t addr)
{
	char s[STR_MAX + 1];
	size_t len = 0;
	size_t page = em_page_size();

	if (!addr) {
		em_sys_trace_printf(t, "NULL");
		return;
	}
	while (len < STR_MAX) {
		uint64_t at = addr + len;
		size_t chunk = page - (size_t)(at % page);
		size_t got;
		char *nul;

		if (chunk > STR_MAX - len)
			chunk = STR_MAX - len;
		got = em_sys_trace_read_mem(s + len, at, chunk);
		if (got == 0)
			break;
		nul = memchr(s + len, '\0', got);
		if (nul) {
			em_sys_trace_bytes(t, s, (size_t)(nul - s), false);
			return;
		}
		len += got;
	}
	if (len == 0)
		em_sys_trace_printf(t, "0x%llx", (unsigned long long)addr);
	else
		em_sys_trace_bytes(t, s, len, true);
}

void em_sys_trace_flags(struct em_trace *t, const struct em_flag_name *names, uint64_t flags)
{
	bool any = false;

	for (const struct em_flag_name *f = names; f && f->name; f++) {
		if (f->bit && (flags & f->bit) == f->bit) {
			em_sys_trace_printf(t, "%s%s", any ? "|" : "", f->name);
			flags &= ~f->bit;
			any = true;
		}
	}
	if (flags || !any)
		em_sys_trace_printf(t, "%s0x%llx", any ? "|" : "", (unsigned long long)flags);
}

/* ---- bpf() attr decoding, table-driven ---------------------------------------------- */

enum kind {
	K_U32,
	K_S32,
	K_U64,
	K_PTR,
	K_STR,         /* u64 pointer to a NUL-terminated string */
	K_NAME,        /* char[BPF_OBJ_NAME_LEN] inside the attr */
	K_MAP_TYPE,
	K_PROG_TYPE,
	K_ATTACH_TYPE,
	K_FLAGS32,     /* with a flag table */
	K_FLAGS64,
	K_ELEM_FLAGS,  /* BPF_ANY/NOEXIST/EXIST value plus BPF_F_LOCK */
	K_STATS,
	K_TARGET,      /* target_fd or target_ifindex: by the attach type at aux */
	K_RELATIVE,    /* relative_fd or relative_id: by BPF_F_ID in the flags at aux */
	K_ATTACH_FD,   /* PROG_LOAD attach_prog_fd (EXT) or attach_btf_obj_fd */
	K_LINK_PROG,   /* LINK_CREATE prog_fd, or map_fd for BPF_STRUCT_OPS */
	K_LINK_FLAGS,  /* LINK_CREATE flags: XDP_FLAGS_* for BPF_XDP */
};

struct field {
	const char *name;
	uint8_t off;
	uint8_t kind;
	uint8_t always; /* print even when zero */
	uint8_t aux;
	const struct em_flag_name *flags;
};

/* The width a kind reads; a row whose field has another width does not compile. */
#define KIND_WIDTH(k)                                                                              \
	((k) == K_U64 || (k) == K_PTR || (k) == K_STR || (k) == K_FLAGS64 || (k) == K_ELEM_FLAGS    \
		 ? 8                                                                               \
		 : (k) == K_NAME ? BPF_OBJ_NAME_LEN : 4)
#define OFF(m, k) (EM_ATTR_OFF(m) + 0 * sizeof(char[KIND_WIDTH(k) == EM_ATTR_WIDTH(m) ? 1 : -1]))

/* A row names field f of member s of union em_bpf_attr (sys_attr.h) and shows it as "f". */
#define A(s, f, k) { #f, OFF(s.f, k), k, 1, 0, NULL }    /* always shown */
#define Z(s, f, k) { #f, OFF(s.f, k), k, 0, 0, NULL }    /* shown when non-zero */
#define FL(s, f, k, tbl) { #f, OFF(s.f, k), k, 0, 0, tbl }
/* the kinds that read another field: the aux field a */
#define X(s, f, k, a, always) { #f, OFF(s.f, k), k, always, EM_ATTR_OFF(a), NULL }
#define END { NULL, 0, 0, 0, 0, NULL }

static const struct field map_create_fields[] = {
	A(map_create, map_type, K_MAP_TYPE), A(map_create, key_size, K_U32),
	A(map_create, value_size, K_U32), A(map_create, max_entries, K_U32),
	FL(map_create, map_flags, K_FLAGS32, em_sys_map_flag_names), Z(map_create, inner_map_fd, K_U32),
	Z(map_create, numa_node, K_U32), Z(map_create, map_name, K_NAME),
	Z(map_create, map_ifindex, K_U32), Z(map_create, btf_fd, K_U32),
	Z(map_create, btf_key_type_id, K_U32), Z(map_create, btf_value_type_id, K_U32),
	Z(map_create, btf_vmlinux_value_type_id, K_U32), Z(map_create, map_extra, K_U64),
	Z(map_create, value_type_btf_obj_fd, K_U32), Z(map_create, map_token_fd, K_S32),
	Z(map_create, excl_prog_hash, K_PTR), Z(map_create, excl_prog_hash_size, K_U32), END,
};

static const struct field elem_fields[] = { /* LOOKUP, LOOKUP_AND_DELETE */
	A(elem, map_fd, K_U32), A(elem, key, K_PTR), A(elem, value, K_PTR),
	Z(elem, flags, K_ELEM_FLAGS), END,
};

static const struct field update_fields[] = {
	A(elem, map_fd, K_U32), A(elem, key, K_PTR), A(elem, value, K_PTR),
	A(elem, flags, K_ELEM_FLAGS), END,
};

static const struct field delete_fields[] = {
	A(elem, map_fd, K_U32), A(elem, key, K_PTR), Z(elem, flags, K_ELEM_FLAGS), END,
};

static const struct field next_key_fields[] = {
	A(elem, map_fd, K_U32), A(elem, key, K_PTR), A(elem, next_key, K_PTR), END,
};

static const struct field map_fd_fields[] = { A(elem, map_fd, K_U32), END };

static const struct field batch_fields[] = {
	A(batch, in_batch, K_PTR), Z(batch, out_batch, K_PTR), A(batch, keys, K_PTR),
	Z(batch, values, K_PTR), A(batch, count, K_U32), A(batch, map_fd, K_U32),
	Z(batch, elem_flags, K_ELEM_FLAGS), Z(batch, flags, K_U64), END,
};

static const struct field prog_load_fields[] = {
	A(prog_load, prog_type, K_PROG_TYPE), A(prog_load, insn_cnt, K_U32),
	A(prog_load, insns, K_PTR), A(prog_load, license, K_STR), Z(prog_load, log_level, K_U32),
	Z(prog_load, log_size, K_U32), Z(prog_load, log_buf, K_PTR),
	Z(prog_load, kern_version, K_U32), FL(prog_load, prog_flags, K_FLAGS32, em_sys_prog_flag_names),
	Z(prog_load, prog_name, K_NAME), Z(prog_load, prog_ifindex, K_U32),
	Z(prog_load, expected_attach_type, K_ATTACH_TYPE), Z(prog_load, prog_btf_fd, K_U32),
	Z(prog_load, func_info_rec_size, K_U32), Z(prog_load, func_info, K_PTR),
	Z(prog_load, func_info_cnt, K_U32), Z(prog_load, line_info_rec_size, K_U32),
	Z(prog_load, line_info, K_PTR), Z(prog_load, line_info_cnt, K_U32),
	Z(prog_load, attach_btf_id, K_U32),
	X(prog_load, attach_prog_fd, K_ATTACH_FD, prog_load.prog_type, 0),
	Z(prog_load, core_relo_cnt, K_U32), Z(prog_load, fd_array, K_PTR),
	Z(prog_load, core_relos, K_PTR), Z(prog_load, core_relo_rec_size, K_U32),
	Z(prog_load, prog_token_fd, K_S32), Z(prog_load, fd_array_cnt, K_U32),
	Z(prog_load, signature, K_PTR), Z(prog_load, signature_size, K_U32),
	Z(prog_load, keyring_id, K_S32), END,
};

static const struct field obj_pin_fields[] = {
	A(obj, pathname, K_STR), A(obj, bpf_fd, K_U32),
	FL(obj, file_flags, K_FLAGS32, em_sys_file_flag_names), Z(obj, path_fd, K_S32), END,
};

static const struct field obj_get_fields[] = {
	A(obj, pathname, K_STR), Z(obj, bpf_fd, K_U32),
	FL(obj, file_flags, K_FLAGS32, em_sys_file_flag_names), Z(obj, path_fd, K_S32), END,
};

static const struct field attach_fields[] = {
	X(attach, target_fd, K_TARGET, attach.attach_type, 1), Z(attach, attach_bpf_fd, K_U32),
	A(attach, attach_type, K_ATTACH_TYPE),
	FL(attach, attach_flags, K_FLAGS32, em_sys_attach_flag_names), Z(attach, replace_bpf_fd, K_U32),
	X(attach, relative_fd, K_RELATIVE, attach.attach_flags, 0),
	Z(attach, expected_revision, K_U64), END,
};

static const struct field test_run_fields[] = {
	A(test, prog_fd, K_U32), Z(test, data_size_in, K_U32), Z(test, data_size_out, K_U32),
	Z(test, data_in, K_PTR), Z(test, data_out, K_PTR), Z(test, repeat, K_U32),
	Z(test, ctx_size_in, K_U32), Z(test, ctx_size_out, K_U32), Z(test, ctx_in, K_PTR),
	Z(test, ctx_out, K_PTR), FL(test, flags, K_FLAGS32, em_sys_test_run_flag_names),
	Z(test, cpu, K_U32), Z(test, batch_size, K_U32), END,
};

static const struct field next_id_fields[] = { A(by_id, start_id, K_U32), END };

#define FD_BY_ID_FIELDS(idname)                                                                    \
	{ A(by_id, idname, K_U32), FL(by_id, open_flags, K_FLAGS32, em_sys_file_flag_names),          \
	  Z(by_id, fd_by_id_token_fd, K_S32), END }
static const struct field prog_by_id_fields[] = FD_BY_ID_FIELDS(prog_id);
static const struct field map_by_id_fields[] = FD_BY_ID_FIELDS(map_id);
static const struct field btf_by_id_fields[] = FD_BY_ID_FIELDS(btf_id);
static const struct field link_by_id_fields[] = FD_BY_ID_FIELDS(link_id);

static const struct field info_fields[] = {
	A(info, bpf_fd, K_U32), A(info, info_len, K_U32), A(info, info, K_PTR), END,
};

static const struct field query_fields[] = {
	X(query, target_fd, K_TARGET, query.attach_type, 1), A(query, attach_type, K_ATTACH_TYPE),
	FL(query, query_flags, K_FLAGS32, em_sys_query_flag_names), Z(query, prog_ids, K_PTR),
	A(query, prog_cnt, K_U32), Z(query, prog_attach_flags, K_PTR), Z(query, link_ids, K_PTR),
	Z(query, link_attach_flags, K_PTR), END,
};

static const struct field raw_tp_fields[] = {
	A(raw_tp, name, K_STR), A(raw_tp, prog_fd, K_U32), Z(raw_tp, cookie, K_U64), END,
};

static const struct field btf_load_fields[] = {
	A(btf_load, btf, K_PTR), Z(btf_load, btf_log_buf, K_PTR), A(btf_load, btf_size, K_U32),
	Z(btf_load, btf_log_size, K_U32), Z(btf_load, btf_log_level, K_U32),
	FL(btf_load, btf_flags, K_FLAGS32, em_sys_token_flag_names), Z(btf_load, btf_token_fd, K_S32),
	END,
};

static const struct field task_fd_query_fields[] = {
	A(task_fd_query, pid, K_U32), A(task_fd_query, fd, K_U32), Z(task_fd_query, flags, K_U32),
	Z(task_fd_query, buf_len, K_U32), Z(task_fd_query, buf, K_PTR), END,
};

static const struct field link_create_fields[] = {
	X(link_create, prog_fd, K_LINK_PROG, link_create.attach_type, 1),
	X(link_create, target_fd, K_TARGET, link_create.attach_type, 0),
	A(link_create, attach_type, K_ATTACH_TYPE),
	X(link_create, flags, K_LINK_FLAGS, link_create.attach_type, 0), END,
};

/* LINK_CREATE's union after flags, one variant per kind of attach type */
static const struct field link_iter_fields[] = {
	Z(link_create, iter_info, K_PTR), Z(link_create, iter_info_len, K_U32), END,
};
static const struct field link_perf_fields[] = {
	Z(link_create.perf_event, bpf_cookie, K_U64), END,
};
static const struct field link_kprobe_fields[] = {
	FL(link_create, kprobe_multi.flags, K_FLAGS32, em_sys_kprobe_multi_flag_names),
	A(link_create.kprobe_multi, cnt, K_U32), Z(link_create.kprobe_multi, syms, K_PTR),
	Z(link_create.kprobe_multi, addrs, K_PTR), Z(link_create.kprobe_multi, cookies, K_PTR), END,
};
static const struct field link_uprobe_fields[] = {
	A(link_create.uprobe_multi, path, K_STR), Z(link_create.uprobe_multi, offsets, K_PTR),
	Z(link_create.uprobe_multi, ref_ctr_offsets, K_PTR),
	Z(link_create.uprobe_multi, cookies, K_PTR), A(link_create.uprobe_multi, cnt, K_U32),
	FL(link_create, uprobe_multi.flags, K_FLAGS32, em_sys_uprobe_multi_flag_names),
	Z(link_create.uprobe_multi, pid, K_U32), END,
};
static const struct field link_netfilter_fields[] = {
	A(link_create.netfilter, pf, K_U32), A(link_create.netfilter, hooknum, K_U32),
	A(link_create.netfilter, priority, K_S32), Z(link_create, netfilter.flags, K_U32), END,
};
static const struct field link_mprog_fields[] = {
	X(link_create.mprog, relative_fd, K_RELATIVE, link_create.flags, 0),
	Z(link_create.mprog, expected_revision, K_U64), END,
};
static const struct field link_tracing_fields[] = {
	Z(link_create.tracing, target_btf_id, K_U32), Z(link_create.tracing, cookie, K_U64), END,
};

/* by enum em_link_variant; EM_LINK_NONE (BPF_XDP) has no member */
static const struct field *const link_union_fields[] = {
	[EM_LINK_TRACING] = link_tracing_fields, [EM_LINK_ITER] = link_iter_fields,
	[EM_LINK_PERF] = link_perf_fields, [EM_LINK_KPROBE_MULTI] = link_kprobe_fields,
	[EM_LINK_UPROBE_MULTI] = link_uprobe_fields, [EM_LINK_NETFILTER] = link_netfilter_fields,
	[EM_LINK_MPROG] = link_mprog_fields, [EM_LINK_NONE] = NULL,
};

static const struct field link_update_fields[] = {
	A(link_update, link_fd, K_U32), A(link_update, new_prog_fd, K_U32),
	FL(link_update, flags, K_FLAGS32, em_sys_attach_flag_names), Z(link_update, old_prog_fd, K_U32),
	END,
};

static const struct field link_fd_fields[] = { A(link_detach, link_fd, K_U32), END };
static const struct field stats_fields[] = { A(enable_stats, type, K_STATS), END };
static const struct field iter_create_fields[] = {
	A(iter_create, link_fd, K_U32), Z(iter_create, flags, K_U32), END,
};
static const struct field bind_map_fields[] = {
	A(prog_bind_map, prog_fd, K_U32), A(prog_bind_map, map_fd, K_U32),
	Z(prog_bind_map, flags, K_U32), END,
};
static const struct field token_fields[] = {
	Z(token_create, flags, K_U32), A(token_create, bpffs_fd, K_U32), END,
};
static const struct field stream_fields[] = {
	A(prog_stream_read, stream_buf, K_PTR), A(prog_stream_read, stream_buf_len, K_U32),
	A(prog_stream_read, stream_id, K_U32), A(prog_stream_read, prog_fd, K_U32), END,
};

#undef A
#undef Z
#undef FL
#undef X
#undef END
#undef OFF

/* The fields each command's attr has, by command number */
static const struct field *const cmd_fields[EM_BPF_CMD_COUNT] = {
	[BPF_MAP_CREATE] = map_create_fields,
	[BPF_MAP_LOOKUP_ELEM] = elem_fields,
	[BPF_MAP_LOOKUP_AND_DELETE_ELEM] = elem_fields,
	[BPF_MAP_UPDATE_ELEM] = update_fields,
	[BPF_MAP_DELETE_ELEM] = delete_fields,
	[BPF_MAP_GET_NEXT_KEY] = next_key_fields,
	[BPF_MAP_FREEZE] = map_fd_fields,
	[BPF_MAP_LOOKUP_BATCH] = batch_fields,
	[BPF_MAP_LOOKUP_AND_DELETE_BATCH] = batch_fields,
	[BPF_MAP_UPDATE_BATCH] = batch_fields,
	[BPF_MAP_DELETE_BATCH] = batch_fields,
	[BPF_PROG_LOAD] = prog_load_fields,
	[BPF_OBJ_PIN] = obj_pin_fields,
	[BPF_OBJ_GET] = obj_get_fields,
	[BPF_PROG_ATTACH] = attach_fields,
	[BPF_PROG_DETACH] = attach_fields,
	[BPF_PROG_TEST_RUN] = test_run_fields,
	[BPF_PROG_GET_NEXT_ID] = next_id_fields,
	[BPF_MAP_GET_NEXT_ID] = next_id_fields,
	[BPF_BTF_GET_NEXT_ID] = next_id_fields,
	[BPF_LINK_GET_NEXT_ID] = next_id_fields,
	[BPF_PROG_GET_FD_BY_ID] = prog_by_id_fields,
	[BPF_MAP_GET_FD_BY_ID] = map_by_id_fields,
	[BPF_BTF_GET_FD_BY_ID] = btf_by_id_fields,
	[BPF_LINK_GET_FD_BY_ID] = link_by_id_fields,
	[BPF_OBJ_GET_INFO_BY_FD] = info_fields,
	[BPF_PROG_QUERY] = query_fields,
	[BPF_RAW_TRACEPOINT_OPEN] = raw_tp_fields,
	[BPF_BTF_LOAD] = btf_load_fields,
	[BPF_TASK_FD_QUERY] = task_fd_query_fields,
	[BPF_LINK_CREATE] = link_create_fields,
	[BPF_LINK_UPDATE] = link_update_fields,
	[BPF_LINK_DETACH] = link_fd_fields,
	[BPF_ENABLE_STATS] = stats_fields,
	[BPF_ITER_CREATE] = iter_create_fields,
	[BPF_PROG_BIND_MAP] = bind_map_fields,
	[BPF_TOKEN_CREATE] = token_fields,
	[BPF_PROG_STREAM_READ_BY_FD] = stream_fields,
};

static bool ifindex_attach(uint32_t type)
{
	return type == BPF_XDP || type == BPF_TCX_INGRESS || type == BPF_TCX_EGRESS ||
	       type == BPF_NETKIT_PRIMARY || type == BPF_NETKIT_PEER;
}

/* The attr bytes being decoded: lim bytes of a are valid (the size given). */
struct attr_view {
	const uint8_t *a;
	size_t lim;
	bool first;
};

static bool has(const struct attr_view *v, size_t off, size_t width)
{
	return off + width <= v->lim;
}

static uint32_t get32(const struct attr_view *v, size_t off)
{
	uint32_t x;

	memcpy(&x, v->a + off, sizeof(x));
	return x;
}

static uint64_t get64(const struct attr_view *v, size_t off)
{
	uint64_t x;

	memcpy(&x, v->a + off, sizeof(x));
	return x;
}

static void put_enum(struct em_trace *t, const char *name, uint32_t x)
{
	if (name)
		em_sys_trace_printf(t, "%s", name);
	else
		em_sys_trace_printf(t, "%u", x);
}

static void put_elem_flags(struct em_trace *t, uint64_t x)
{
	static const char *const values[] = { "BPF_ANY", "BPF_NOEXIST", "BPF_EXIST" };
	uint64_t value = x & 3;
	bool any = false;

	if (value < 3 && (value || !(x & ~3ULL))) {
		em_sys_trace_printf(t, "%s", values[value]);
		x &= ~3ULL;
		any = true;
	}
	if (x & BPF_F_LOCK) {
		em_sys_trace_printf(t, "%sBPF_F_LOCK", any ? "|" : "");
		x &= ~(uint64_t)BPF_F_LOCK;
		any = true;
	}
	if (x || !any)
		em_sys_trace_printf(t, "%s0x%llx", any ? "|" : "", (unsigned long long)x);
}

static const char *field_name(const struct attr_view *v, const struct field *f)
{
	switch (f->kind) {
	case K_TARGET:
		return has(v, f->aux, 4) && ifindex_attach(get32(v, f->aux)) ? "target_ifindex"
									       : "target_fd";
	case K_RELATIVE:
		return has(v, f->aux, 4) && (get32(v, f->aux) & BPF_F_ID) ? "relative_id"
									  : "relative_fd";
	case K_ATTACH_FD:
		return get32(v, f->aux) == BPF_PROG_TYPE_EXT ? "attach_prog_fd" : "attach_btf_obj_fd";
	case K_LINK_PROG:
		return has(v, f->aux, 4) && get32(v, f->aux) == BPF_STRUCT_OPS ? "map_fd" : "prog_fd";
	default:
		return f->name;
	}
}

static void put_field(struct em_trace *t, struct attr_view *v, const struct field *f)
{
	size_t w = KIND_WIDTH(f->kind);
	uint64_t x;

	if (!has(v, f->off, w))
		return; /* beyond size: the kernel reads zero there */
	x = f->kind == K_NAME ? v->a[f->off] : w == 8 ? get64(v, f->off) : get32(v, f->off);
	if (!x && !f->always)
		return;
	em_sys_trace_printf(t, "%s%s=", v->first ? "" : ", ", field_name(v, f));
	v->first = false;
	switch (f->kind) {
	case K_S32:
		em_sys_trace_printf(t, "%d", (int32_t)x);
		break;
	case K_U64:
		em_sys_trace_printf(t, "%llu", (unsigned long long)x);
		break;
	case K_PTR:
		if (x)
			em_sys_trace_printf(t, "0x%llx", (unsigned long long)x);
		else
			em_sys_trace_printf(t, "NULL");
		break;
	case K_STR:
		em_sys_trace_user_string(t, x);
		break;
	case K_NAME: {
		const char *s = (const char *)v->a + f->off;
		size_t n = strnlen(s, BPF_OBJ_NAME_LEN);

		em_sys_trace_bytes(t, s, n, false);
		break;
	}
	case K_MAP_TYPE:
		put_enum(t, ebpfmini_sys_map_type_name((uint32_t)x), (uint32_t)x);
		break;
	case K_PROG_TYPE:
		put_enum(t, ebpfmini_sys_prog_type_name((uint32_t)x), (uint32_t)x);
		break;
	case K_ATTACH_TYPE:
		put_enum(t, ebpfmini_sys_attach_type_name((uint32_t)x), (uint32_t)x);
		break;
	case K_STATS:
		put_enum(t, em_sys_stats_type_name((uint32_t)x), (uint32_t)x);
		break;
	case K_FLAGS32:
	case K_FLAGS64:
		em_sys_trace_flags(t, f->flags, x);
		break;
	case K_LINK_FLAGS:
		em_sys_trace_flags(t, has(v, f->aux, 4) && get32(v, f->aux) == BPF_XDP ? em_sys_xdp_flag_names
									 : em_sys_attach_flag_names,
			       x);
		break;
	case K_ELEM_FLAGS:
		put_elem_flags(t, x);
		break;
	default: /* K_U32 and the fd/id kinds named above */
		em_sys_trace_printf(t, "%u", (uint32_t)x);
		break;
	}
}

static void put_fields(struct em_trace *t, struct attr_view *v, const struct field *fields)
{
	for (const struct field *f = fields; f && f->name; f++)
		put_field(t, v, f);
}

void em_sys_trace_bpf_begin(struct em_trace *t, int cmd, const void *attr, unsigned int size)
{
	uint8_t a[EM_BPF_ATTR_SIZE];
	struct attr_view v = { a, size < sizeof(a) ? size : sizeof(a), true };
	const char *name = ebpfmini_sys_cmd_name(cmd);
	const struct field *fields =
		cmd >= 0 && cmd < (int)EM_BPF_CMD_COUNT ? cmd_fields[cmd] : NULL;

	start(t);
	if (name)
		em_sys_trace_printf(t, "bpf(%s, ", name);
	else
		em_sys_trace_printf(t, "bpf(%d, ", cmd);
	memset(a, 0, sizeof(a));
	if (!attr) {
		em_sys_trace_printf(t, "NULL, %u", size);
		return;
	}
	if (!fields || em_sys_trace_read_mem(a, EM_PTR_U64(attr), v.lim) != v.lim) {
		em_sys_trace_printf(t, "%p, %u", attr, size);
		return;
	}
	em_sys_trace_printf(t, "{");
	put_fields(t, &v, fields);
	if (cmd == BPF_LINK_CREATE && has(&v, EM_ATTR_OFF(link_create.attach_type), 4))
		put_fields(t, &v, link_union_fields[em_sys_link_variant(
					  get32(&v, EM_ATTR_OFF(link_create.attach_type)))]);
	em_sys_trace_printf(t, "}, %u", size);
}
