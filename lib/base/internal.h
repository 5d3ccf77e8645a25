/* internal.h - shared private definitions: logging, checked arithmetic, byte reader (L0 base) */
#ifndef EBPFMINI_INTERNAL_H
#define EBPFMINI_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ebpfmini/log.h"

/* Marks a function as part of the public ABI; everything else is hidden. */
#define EM_EXPORT __attribute__((visibility("default")))

#define EM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define EM_MIN(a, b) ((a) < (b) ? (a) : (b))
#define EM_MAX(a, b) ((a) > (b) ? (a) : (b))
#define EM_UNUSED __attribute__((unused))
#define EM_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* The kernel-internal ENOTSUPP (524) that some bpf() paths leak to user space. */
#define EM_ENOTSUPP 524

/*
 * Options structs start with "size_t sz". EM_OPT reads a field only when the
 * caller's struct is large enough to hold it, otherwise yields the default.
 */
#define EM_OPT_HAS(opts, field)                                                                    \
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) + sizeof((opts)->field))
#define EM_OPT(opts, field, dflt) (EM_OPT_HAS(opts, field) ? (opts)->field : (dflt))
/* Writes an output field back when the caller's options struct has it. */
#define EM_OPT_SET(opts, field, value)                                                             \
	do {                                                                                       \
		if (EM_OPT_HAS(opts, field))                                                       \
			(opts)->field = (value);                                                   \
	} while (0)

/* Rejects an options struct whose sz is smaller than sz or that has non-zero
 * bytes beyond what this build knows (a newer caller asking for a feature we
 * lack). Returns 0 or -EINVAL. */
int em_opts_check(const void *opts, size_t known_size, const char *what);

/* ---- logging (log.c) ------------------------------------------------------ */

/* Emit one finished line "<subject>: <what failed>: <reason>" at a level. */
void em_log(enum ebpfmini_log_level level, const char *fmt, ...) EM_PRINTF(2, 3);
#define em_err(...) em_log(EBPFMINI_LOG_ERROR, __VA_ARGS__)
#define em_warn(...) em_log(EBPFMINI_LOG_WARN, __VA_ARGS__)
#define em_info(...) em_log(EBPFMINI_LOG_INFO, __VA_ARGS__)
#define em_debug(...) em_log(EBPFMINI_LOG_DEBUG, __VA_ARGS__)
/* True when a message at this level would be delivered (skip costly formatting). */
bool em_log_enabled(enum ebpfmini_log_level level);

/* errno name ("EPERM") and description for a positive errno value. */
const char *em_errno_name(int err);

/* ---- checked arithmetic ----------------------------------------------------- */

static inline bool em_mul_overflow(size_t a, size_t b, size_t *res)
{
	return __builtin_mul_overflow(a, b, res);
}

/* True when [off, off + len) lies inside a buffer of total bytes. Never overflows. */
static inline bool em_range_ok(uint64_t total, uint64_t off, uint64_t len)
{
	return off <= total && len <= total - off;
}

/* calloc that refuses n * size overflow (returns NULL, errno ENOMEM). */
void *em_calloc(size_t n, size_t size);
/* realloc of an array with overflow check. */
void *em_reallocarray(void *ptr, size_t n, size_t size);
/* ptr, an array of n elements that only this function grew, with room for one more:
 * capacities double, so appending one at a time copies linearly (a realloc per append
 * copies the whole array each time where realloc cannot grow in place). NULL: no memory. */
void *em_array_grow(void *ptr, size_t n, size_t size);
/* strdup that returns NULL for NULL. */
char *em_strdup(const char *s);
/* strndup of at most n bytes. */
char *em_strndup(const char *s, size_t n);
/* The system page size in bytes, asked once (4096 if sysconf fails). */
size_t em_page_size(void);

/* ---- bounds-checked byte reader (every parser reads through this) --------------- */

/*
 * A view of untrusted bytes. Reads past the end fail and set the sticky
 * error flag instead of touching memory outside [data, data + size).
 */
struct em_reader {
	const uint8_t *data;
	size_t size;
	size_t pos;
	bool err; /* set once any read failed; later reads keep failing */
};

static inline void em_reader_init(struct em_reader *r, const void *data, size_t size)
{
	r->data = (const uint8_t *)data;
	r->size = size;
	r->pos = 0;
	r->err = false;
}

/* Pointer to len bytes at absolute offset off, or NULL when out of range. */
static inline const void *em_reader_ptr(const struct em_reader *r, uint64_t off, uint64_t len)
{
	if (!em_range_ok(r->size, off, len))
		return NULL;
	return r->data + off;
}

/* Copies len bytes at the current position into dst and advances. */
static inline bool em_reader_read(struct em_reader *r, void *dst, size_t len)
{
	if (r->err || !em_range_ok(r->size, r->pos, len)) {
		r->err = true;
		if (dst && len)
			memset(dst, 0, len);
		return false;
	}
	if (len)
		memcpy(dst, r->data + r->pos, len);
	r->pos += len;
	return true;
}

static inline uint8_t em_reader_u8(struct em_reader *r)
{
	uint8_t v = 0;
	em_reader_read(r, &v, 1);
	return v;
}

static inline uint16_t em_reader_u16(struct em_reader *r)
{
	uint16_t v = 0;
	em_reader_read(r, &v, 2);
	return v;
}

static inline uint32_t em_reader_u32(struct em_reader *r)
{
	uint32_t v = 0;
	em_reader_read(r, &v, 4);
	return v;
}

static inline uint64_t em_reader_u64(struct em_reader *r)
{
	uint64_t v = 0;
	em_reader_read(r, &v, 8);
	return v;
}

static inline bool em_reader_seek(struct em_reader *r, uint64_t off)
{
	if (r->err || off > r->size) {
		r->err = true;
		return false;
	}
	r->pos = (size_t)off;
	return true;
}

/* NUL-terminated string starting at off within the buffer, or NULL when no
 * terminator lies inside it. */
static inline const char *em_reader_cstr(const struct em_reader *r, uint64_t off)
{
	if (off >= r->size)
		return NULL;
	if (!memchr(r->data + off, '\0', r->size - off))
		return NULL;
	return (const char *)(r->data + off);
}

#endif /* EBPFMINI_INTERNAL_H */
