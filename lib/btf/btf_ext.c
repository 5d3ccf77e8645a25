/* btf_ext.c - .BTF.ext parsing: func_info, line_info and CO-RE relocations (L1 btf, pure) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "btf.h"
#include "internal.h"

#define BTF_EXT_MAGIC 0xeB9F
#define BTF_EXT_VERSION 1

/* Header as clang writes it; the two core_relo fields exist only when hdr_len covers them. */
struct ext_header {
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	uint32_t func_info_off, func_info_len;
	uint32_t line_info_off, line_info_len;
	uint32_t core_relo_off, core_relo_len;
};

#define EXT_HDR_MIN 24u  /* up to and including line_info_len */
#define EXT_HDR_CORE 32u /* up to and including core_relo_len */

/* Smallest records the kernel (or CO-RE) reads: bpf_func_info, bpf_line_info, bpf_core_relo. */
#define FUNC_INFO_MIN 8u
#define LINE_INFO_MIN 16u
#define CORE_RELO_MIN 16u

enum ext_kind {
	EXT_FUNC,
	EXT_LINE,
	EXT_CORE
};

static const char *const ext_kind_name[] = { "func_info", "line_info", "core_relo" };

static int EM_PRINTF(1, 2) bad(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!em_log_enabled(EBPFMINI_LOG_WARN))
		return -EBADMSG;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	em_warn("btf: .BTF.ext: %s", msg);
	return -EBADMSG;
}

/*
 * Checks the fields of one record that later code relies on: instruction
 * offsets are whole instructions, type ids exist, string offsets name strings
 * of the .BTF string table. The kernel checks the rest when it loads them.
 */
static int check_record(enum ext_kind kind, const struct ebpfmini_btf *btf, const uint8_t *rec,
			const char *sec_name, uint32_t idx)
{
	uint32_t f[4];
	const char *what = ext_kind_name[kind];

	memcpy(f, rec, kind == EXT_FUNC ? 8 : 16);
	if (f[0] % 8)
		return bad("%s: section '%s' record %u: insn_off %u is not a multiple of 8", what,
			   sec_name, idx, f[0]);
	switch (kind) {
	case EXT_FUNC: /* insn_off, type_id */
	case EXT_CORE: /* insn_off, type_id, access_str_off, kind */
		if (f[1] >= em_btf_type_end(btf))
			return bad("%s: section '%s' record %u: type id %u out of range", what,
				   sec_name, idx, f[1]);
		if (kind == EXT_CORE && !em_btf_str(btf, f[2]))
			return bad("%s: section '%s' record %u: access string offset %u out of "
				   "range",
				   what, sec_name, idx, f[2]);
		return 0;
	case EXT_LINE: /* insn_off, file_name_off, line_off, line_col */
		if (!em_btf_str(btf, f[1]) || !em_btf_str(btf, f[2]))
			return bad("%s: section '%s' record %u: string offset %u or %u out of "
				   "range",
				   what, sec_name, idx, f[1], f[2]);
		return 0;
	}
	return 0;
}

static int cmp_insn_off(const void *a, const void *b)
{
	uint32_t x, y;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return x < y ? -1 : x > y;
}

/*
 * func_info and line_info records in insn_off order (clang writes them so;
 * the kernel wants them so), so that linking a program finds those of its
 * instructions by bisection instead of reading the section's every record
 * (programs x records: quadratic for one section of many programs).
 */
static void sort_records(uint8_t *recs, uint32_t num, uint32_t rec_size)
{
	for (uint32_t i = 1; i < num; i++) {
		if (cmp_insn_off(recs + (size_t)(i - 1) * rec_size, recs + (size_t)i * rec_size) > 0) {
			qsort(recs, num, rec_size, cmp_insn_off);
			return;
		}
	}
}

/*
 * One sub-section: rec_size (u32), then blocks of {sec_name_off u32,
 * num_info u32, num_info records}. The first pass validates and counts the
 * blocks the bytes hold; only then is the array allocated and filled.
 */
static int parse_info(struct em_btf_ext *ext, const struct ebpfmini_btf *btf, enum ext_kind kind,
		      uint32_t hdr_len, uint32_t off, uint32_t len, uint32_t min_rec,
		      struct em_btf_ext_info *info)
{
	const char *what = ext_kind_name[kind];
	uint64_t start = (uint64_t)hdr_len + off;
	struct em_reader r;
	size_t nsecs = 0;

	memset(info, 0, sizeof(*info));
	if (len == 0)
		return 0;
	if (!em_range_ok(ext->raw_size, start, len))
		return bad("%s: [%u, +%u) after the header lies outside the %zu-byte section", what,
			   off, len, ext->raw_size);
	if (start % 4)
		return bad("%s: unaligned offset %u", what, off);
	em_reader_init(&r, ext->raw + start, len);
	info->rec_size = em_reader_u32(&r);
	if (r.err)
		return bad("%s: %u bytes cannot hold the record size", what, len);
	if (info->rec_size < min_rec || info->rec_size % 4)
		return bad("%s: record size %u (minimum %u, multiple of 4)", what, info->rec_size,
			   min_rec);

	for (int pass = 0; pass < 2; pass++) {
		em_reader_seek(&r, sizeof(uint32_t));
		nsecs = 0;
		while (r.pos < r.size) {
			size_t block_at = r.pos;
			uint32_t name_off = em_reader_u32(&r);
			uint32_t num = em_reader_u32(&r);
			const char *name = em_btf_str(btf, name_off);
			uint64_t bytes = (uint64_t)num * info->rec_size; /* < 2^64: no overflow */
			const uint8_t *recs;

			if (r.err)
				return bad("%s: truncated block header at offset %zu", what,
					   block_at);
			if (!name || !*name)
				return bad("%s: block at offset %zu: section name offset %u is not "
					   "a string of .BTF",
					   what, block_at, name_off);
			if (num == 0)
				return bad("%s: section '%s': no records", what, name);
			recs = em_reader_ptr(&r, r.pos, bytes);
			if (!recs)
				return bad("%s: section '%s': %u records of %u bytes overrun the "
					   "%zu bytes left",
					   what, name, num, info->rec_size, r.size - r.pos);
			if (pass == 0) {
				for (uint32_t i = 0; i < num; i++) {
					int err = check_record(kind, btf,
							       recs + (size_t)i * info->rec_size,
							       name, i);
					if (err)
						return err;
				}
			} else {
				if (kind != EXT_CORE)
					sort_records((uint8_t *)recs, num, info->rec_size);
				info->secs[nsecs].sec_name = name;
				info->secs[nsecs].num_info = num;
				info->secs[nsecs].data = recs;
			}
			em_reader_seek(&r, r.pos + bytes);
			nsecs++;
		}
		if (pass == 0) {
			/* every block takes >= 8 bytes of the sub-section: nsecs <= len / 8 */
			info->secs = em_calloc(nsecs, sizeof(*info->secs));
			if (!info->secs)
				return -ENOMEM;
		}
	}
	info->nsecs = nsecs;
	return 0;
}

void em_btf_ext_free(struct em_btf_ext *ext)
{
	if (!ext)
		return;
	free(ext->func_info.secs);
	free(ext->line_info.secs);
	free(ext->core_relo.secs);
	free(ext->raw);
	free(ext);
}

int em_btf_ext_parse(const void *data, size_t size, const struct ebpfmini_btf *btf,
		     struct em_btf_ext **out)
{
	struct ext_header h = { 0 };
	struct em_btf_ext *ext;
	struct em_reader r;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!data || !btf)
		return -EINVAL;

	em_reader_init(&r, data, size);
	h.magic = em_reader_u16(&r);
	h.version = em_reader_u8(&r);
	h.flags = em_reader_u8(&r);
	h.hdr_len = em_reader_u32(&r);
	if (r.err)
		return bad("header: truncated (%zu bytes)", size);
	if (h.magic != BTF_EXT_MAGIC)
		return bad("header: bad magic 0x%04x (expected 0x%04x)", h.magic, BTF_EXT_MAGIC);
	if (h.version != BTF_EXT_VERSION)
		return bad("header: unsupported version %u", h.version);
	if (h.flags)
		return bad("header: unsupported flags 0x%x", h.flags);
	if (h.hdr_len < EXT_HDR_MIN || h.hdr_len > size)
		return bad("header: hdr_len %u outside [%u, %zu]", h.hdr_len, EXT_HDR_MIN, size);
	h.func_info_off = em_reader_u32(&r);
	h.func_info_len = em_reader_u32(&r);
	h.line_info_off = em_reader_u32(&r);
	h.line_info_len = em_reader_u32(&r);
	if (h.hdr_len >= EXT_HDR_CORE) {
		h.core_relo_off = em_reader_u32(&r);
		h.core_relo_len = em_reader_u32(&r);
	}
	if (r.err) /* cannot happen: hdr_len <= size was checked */
		return bad("header: truncated (%zu bytes)", size);

	ext = calloc(1, sizeof(*ext));
	if (!ext)
		return -ENOMEM;
	ext->raw = malloc(size);
	if (!ext->raw) {
		free(ext);
		return -ENOMEM;
	}
	memcpy(ext->raw, data, size);
	ext->raw_size = size;

	err = parse_info(ext, btf, EXT_FUNC, h.hdr_len, h.func_info_off, h.func_info_len,
			 FUNC_INFO_MIN, &ext->func_info);
	if (!err)
		err = parse_info(ext, btf, EXT_LINE, h.hdr_len, h.line_info_off, h.line_info_len,
				 LINE_INFO_MIN, &ext->line_info);
	if (!err)
		err = parse_info(ext, btf, EXT_CORE, h.hdr_len, h.core_relo_off, h.core_relo_len,
				 CORE_RELO_MIN, &ext->core_relo);
	if (err) {
		em_btf_ext_free(ext);
		return err;
	}
	*out = ext;
	return 0;
}

const struct em_btf_ext_sec *em_btf_ext_find(const struct em_btf_ext_info *info,
					     const char *sec_name)
{
	if (!info || !sec_name)
		return NULL;
	for (size_t i = 0; i < info->nsecs; i++)
		if (strcmp(info->secs[i].sec_name, sec_name) == 0)
			return &info->secs[i];
	return NULL;
}
