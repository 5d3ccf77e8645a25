/* sys_trace.h - private: the EBPFMINI_TRACE decoder and name tables shared by the kernel-edge files (L3 sys) */
#ifndef EBPFMINI_SYS_TRACE_H
#define EBPFMINI_SYS_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct em_sys_call;

/*
 * One trace line under construction. A caller decodes the call's arguments
 * before the call (em_sys_trace_*_begin: the kernel may overwrite inputs) and
 * finishes the line with the result (em_sys_trace_end*), which writes it to
 * stderr with a single write(2). A line that does not fit ends in "...".
 */
struct em_trace {
	char buf[2048];
	size_t len;
	bool truncated;
	int saved_errno;
};

/* The call's name and decoded arguments, up to the result: "close(5", "bpf(BPF_MAP_CREATE, {...}, 72". */
void em_sys_trace_call_begin(struct em_trace *t, const struct em_sys_call *call);
/* After the call, up to the result: what it returned through its arguments (the bytes read,
 * the events of epoll_pwait, statfs f_type, fstat st_mode/size, uname's release), shown only
 * when real (the kernel made the call: a fault-injection hook's answer fills nothing) and
 * ret (the result) says it succeeded; the arguments that follow them. */
void em_sys_trace_call_end(struct em_trace *t, const struct em_sys_call *call, long ret,
			   bool real);
/* bpf(CMD, {field=value, ...}, size): only bytes below size are decoded. */
void em_sys_trace_bpf_begin(struct em_trace *t, int cmd, const void *attr, unsigned int size);
/* A line begun by hand: em_sys_trace_begin(t, "close(%d", fd). */
void em_sys_trace_begin(struct em_trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends ") = ret" (ret >= 0) or ") = -1 ENAME (description)" (ret < 0) and writes. */
void em_sys_trace_end(struct em_trace *t, long ret);
/* For mmap: ") = 0x..." or the error form. */
void em_sys_trace_end_ptr(struct em_trace *t, const void *ptr, int err);

/* Writers used by the decoder: they append to t and never overflow. */
void em_sys_trace_printf(struct em_trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Copies len bytes from a caller-supplied address without faulting; returns
 * the bytes copied (0 when the address is bad). */
size_t em_sys_trace_read_mem(void *dst, uint64_t src, size_t len);
/* n bytes at s (in the tracer's own memory) quoted and escaped ("\\n", "\\x00"), followed
 * by "..." when more were not shown. */
void em_sys_trace_bytes(struct em_trace *t, const char *s, size_t n, bool more);
/* A string at a caller-supplied address, quoted and escaped, read without
 * faulting even if the address is bad (then printed as a pointer). */
void em_sys_trace_user_string(struct em_trace *t, uint64_t addr);

/* ---- name tables (sys_names.c) ------------------------------------------------ */

struct em_flag_name {
	uint64_t bit;
	const char *name;
};

extern const struct em_flag_name em_sys_map_flag_names[];     /* MAP_CREATE map_flags */
extern const struct em_flag_name em_sys_prog_flag_names[];    /* PROG_LOAD prog_flags */
extern const struct em_flag_name em_sys_attach_flag_names[];  /* PROG_ATTACH/LINK_CREATE flags */
extern const struct em_flag_name em_sys_file_flag_names[];    /* OBJ_GET file_flags, open_flags */
extern const struct em_flag_name em_sys_test_run_flag_names[]; /* PROG_TEST_RUN flags */
extern const struct em_flag_name em_sys_query_flag_names[];   /* PROG_QUERY query_flags */
extern const struct em_flag_name em_sys_open_flag_names[];    /* open(2) flags beyond the access mode */
extern const struct em_flag_name em_sys_prot_names[];         /* mmap prot */
extern const struct em_flag_name em_sys_mmap_flag_names[];    /* mmap flags beyond the sharing type */
extern const struct em_flag_name em_sys_perf_sample_names[];  /* perf_event_attr.sample_type */
extern const struct em_flag_name em_sys_xdp_flag_names[];     /* LINK_CREATE flags for BPF_XDP */
extern const struct em_flag_name em_sys_token_flag_names[];   /* BTF_LOAD btf_flags */
extern const struct em_flag_name em_sys_uprobe_multi_flag_names[];
extern const struct em_flag_name em_sys_kprobe_multi_flag_names[];
extern const struct em_flag_name em_sys_perf_flag_names[];    /* perf_event_open flags */
extern const struct em_flag_name em_sys_perf_attr_bit_names[]; /* perf_event_attr flag bits */

/* Appends "A|B|0x40" for flags (or "0" when zero) to t. */
void em_sys_trace_flags(struct em_trace *t, const struct em_flag_name *names, uint64_t flags);

const char *em_sys_perf_type_name(uint32_t type);
const char *em_sys_perf_ioctl_name(unsigned long request);
const char *em_sys_stats_type_name(uint32_t type);
const char *em_sys_fs_magic_name(unsigned long magic);

#endif /* EBPFMINI_SYS_TRACE_H */
