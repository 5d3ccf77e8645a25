/* btf.c - BTF parsing, validation, record access and DATASEC fix-ups (L1 btf, pure) */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "btf.h"
#include "internal.h"

/* Logs "btf: <message>" once and returns -EBADMSG: the shape of every parse error. */
static int EM_PRINTF(1, 2) bad(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!em_log_enabled(EBPFMINI_LOG_WARN))
		return -EBADMSG;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	em_warn("btf: %s", msg);
	return -EBADMSG;
}

const char *em_btf_kind_name(unsigned int kind, const char *unknown)
{
	static const char *const names[] = {
		[BTF_KIND_UNKN] = "UNKN",         [BTF_KIND_INT] = "INT",
		[BTF_KIND_PTR] = "PTR",           [BTF_KIND_ARRAY] = "ARRAY",
		[BTF_KIND_STRUCT] = "STRUCT",     [BTF_KIND_UNION] = "UNION",
		[BTF_KIND_ENUM] = "ENUM",         [BTF_KIND_FWD] = "FWD",
		[BTF_KIND_TYPEDEF] = "TYPEDEF",   [BTF_KIND_VOLATILE] = "VOLATILE",
		[BTF_KIND_CONST] = "CONST",       [BTF_KIND_RESTRICT] = "RESTRICT",
		[BTF_KIND_FUNC] = "FUNC",         [BTF_KIND_FUNC_PROTO] = "FUNC_PROTO",
		[BTF_KIND_VAR] = "VAR",           [BTF_KIND_DATASEC] = "DATASEC",
		[BTF_KIND_FLOAT] = "FLOAT",       [BTF_KIND_DECL_TAG] = "DECL_TAG",
		[BTF_KIND_TYPE_TAG] = "TYPE_TAG", [BTF_KIND_ENUM64] = "ENUM64",
	};

	return kind < EM_ARRAY_SIZE(names) && names[kind] ? names[kind] : unknown;
}

/* The kinds not listed (PTR, FWD, TYPEDEF, the modifiers, FUNC whose vlen holds the
 * linkage, FLOAT, TYPE_TAG) have nothing after struct btf_type. */
const uint8_t em_btf_tail_bytes[32][2] = {
	[BTF_KIND_INT] = { sizeof(uint32_t), 0 },
	[BTF_KIND_ARRAY] = { sizeof(struct btf_array), 0 },
	[BTF_KIND_STRUCT] = { 0, sizeof(struct btf_member) },
	[BTF_KIND_UNION] = { 0, sizeof(struct btf_member) },
	[BTF_KIND_ENUM] = { 0, sizeof(struct btf_enum) },
	[BTF_KIND_FUNC_PROTO] = { 0, sizeof(struct btf_param) },
	[BTF_KIND_VAR] = { sizeof(struct btf_var), 0 },
	[BTF_KIND_DATASEC] = { 0, sizeof(struct btf_var_secinfo) },
	[BTF_KIND_DECL_TAG] = { sizeof(struct btf_decl_tag), 0 },
	[BTF_KIND_ENUM64] = { 0, sizeof(struct btf_enum64) },
};

/* Bytes after struct btf_type in t's record, or -1 for a kind this code does not know
 * (vlen <= 0xffff: no overflow). */
static int64_t trailer_size(const struct btf_type *t)
{
	unsigned int kind = em_btf_kind(t);

	if (kind == BTF_KIND_UNKN || kind > BTF_KIND_ENUM64)
		return -1;
	return (int64_t)em_btf_record_size(t) - (int64_t)sizeof(*t);
}

uint32_t em_btf_type_end(const struct ebpfmini_btf *btf)
{
	return btf ? btf->start_id + btf->nr_types : 1;
}

/* Record of this blob's i-th type, its extent checked on parse (i < nr_types). Kernel
 * BTF keeps the offset of every EM_BTF_KBLOCK-th record: the ones between are walked. */
static inline const struct btf_type *record(const struct ebpfmini_btf *btf, uint32_t i)
{
	const uint8_t *types = btf->raw + btf->hdr_len + btf->type_off;

	if (btf->checked) {
		const uint8_t *p = types + btf->type_offs[i / EM_BTF_KBLOCK];

		for (uint32_t k = i % EM_BTF_KBLOCK; k; k--)
			p += em_btf_record_size((const struct btf_type *)p);
		return (const struct btf_type *)p;
	}
	return (const struct btf_type *)(types + em_btf_type_off(btf, i));
}

const struct btf_type *em_btf_peek(const struct ebpfmini_btf *btf, uint32_t id)
{
	while (btf && id < btf->start_id)
		btf = btf->base;
	if (!btf || id == 0 || id - btf->start_id >= btf->nr_types)
		return NULL;
	return record(btf, id - btf->start_id);
}

static int reach(const struct ebpfmini_btf *btf, uint32_t i);

const struct btf_type *em_btf_type(const struct ebpfmini_btf *btf, uint32_t id)
{
	if (!btf || id == 0)
		return NULL;
	if (id < btf->start_id)
		return btf->base ? em_btf_type(btf->base, id) : NULL;
	id -= btf->start_id;
	if (id >= btf->nr_types)
		return NULL;
	if (btf->checked &&
	    !(__atomic_load_n(&btf->checked[id / 8], __ATOMIC_RELAXED) & (1u << (id % 8))) &&
	    reach(btf, id))
		return NULL;
	return record(btf, id);
}

/* Writable record of a type that this blob (not its base) holds. */
static struct btf_type *own_type(struct ebpfmini_btf *btf, uint32_t id)
{
	if (id < btf->start_id || id - btf->start_id >= btf->nr_types)
		return NULL;
	return (struct btf_type *)(btf->raw + btf->hdr_len + btf->type_off +
				   em_btf_type_off(btf, id - btf->start_id));
}

const char *em_btf_str(const struct ebpfmini_btf *btf, uint32_t off)
{
	if (!btf)
		return NULL;
	if (off < btf->start_str_off)
		return btf->base ? em_btf_str(btf->base, off) : NULL;
	off -= btf->start_str_off;
	/* the section ends with a NUL (checked on parse): any offset inside it is a string */
	if (off >= btf->str_len)
		return NULL;
	return btf->strs + off;
}

const char *em_btf_type_name(const struct ebpfmini_btf *btf, const struct btf_type *t)
{
	const char *s = t ? em_btf_str(btf, t->name_off) : NULL;

	return s ? s : "";
}

/* ---- parsing ------------------------------------------------------------- */

static int parse_header(const void *data, size_t size, struct btf_header *h)
{
	struct em_reader r;
	const uint8_t *extra;
	size_t body;

	em_reader_init(&r, data, size);
	h->magic = em_reader_u16(&r);
	h->version = em_reader_u8(&r);
	h->flags = em_reader_u8(&r);
	h->hdr_len = em_reader_u32(&r);
	h->type_off = em_reader_u32(&r);
	h->type_len = em_reader_u32(&r);
	h->str_off = em_reader_u32(&r);
	h->str_len = em_reader_u32(&r);
	if (r.err)
		return bad("header: truncated: %zu bytes, a header takes %zu", size,
			   sizeof(struct btf_header));
	if (h->magic == 0x9feb)
		return bad("header: big-endian BTF is not supported");
	if (h->magic != BTF_MAGIC)
		return bad("header: bad magic 0x%04x (expected 0x%04x)", h->magic, BTF_MAGIC);
	if (h->version != BTF_VERSION)
		return bad("header: unsupported version %u", h->version);
	if (h->flags)
		return bad("header: unsupported flags 0x%x", h->flags);
	if (h->hdr_len < sizeof(struct btf_header) || h->hdr_len > size)
		return bad("header: hdr_len %u outside [%zu, %zu]", h->hdr_len,
			   sizeof(struct btf_header), size);
	/* a longer header than ours is fine only if the fields we don't know are unused */
	extra = em_reader_ptr(&r, sizeof(struct btf_header),
			      h->hdr_len - sizeof(struct btf_header));
	for (size_t i = 0; extra && i < h->hdr_len - sizeof(struct btf_header); i++)
		if (extra[i])
			return bad("header: unknown non-zero field at byte %zu (hdr_len %u)",
				   sizeof(struct btf_header) + i, h->hdr_len);
	body = size - h->hdr_len;
	if (!em_range_ok(body, h->type_off, h->type_len))
		return bad("header: type section [%u, +%u) outside the %zu bytes after the header",
			   h->type_off, h->type_len, body);
	if (!em_range_ok(body, h->str_off, h->str_len))
		return bad(
			"header: string section [%u, +%u) outside the %zu bytes after the header",
			h->str_off, h->str_len, body);
	if ((h->hdr_len + (uint64_t)h->type_off) % 4)
		return bad("header: type section at unaligned offset %u", h->type_off);
	if (h->type_len && h->str_len && (uint64_t)h->type_off + h->type_len > h->str_off &&
	    (uint64_t)h->str_off + h->str_len > h->type_off)
		return bad("header: type section [%u, +%u) and string section [%u, +%u) overlap",
			   h->type_off, h->type_len, h->str_off, h->str_len);
	return 0;
}

static int check_strings(const struct ebpfmini_btf *btf)
{
	if (btf->str_len == 0) {
		/* split BTF may add no strings; base BTF needs at least "" at offset 0 */
		return btf->base ? 0 : bad("string section: empty (must start with a NUL)");
	}
	if (!btf->base && btf->strs[0] != '\0')
		return bad("string section: does not start with a NUL");
	if (btf->strs[btf->str_len - 1] != '\0')
		return bad("string section: not NUL-terminated (last byte at offset %u)",
			   btf->str_len - 1);
	if ((uint64_t)btf->start_str_off + btf->str_len - 1 > BTF_MAX_NAME_OFFSET)
		return bad("string section: %u bytes exceed the maximum name offset %u",
			   btf->str_len, BTF_MAX_NAME_OFFSET);
	return 0;
}

static __attribute__((noinline, cold)) int bad_name(uint32_t id, uint32_t name_off,
						     const char *what, uint32_t idx)
{
	if (what)
		return bad("type [%u]: %s %u: name offset %u out of range", id, what, idx,
			   name_off);
	return bad("type [%u]: name offset %u out of range", id, name_off);
}

/* Inline fast paths: these run for every name and reference of a kernel's BTF. */
static inline int check_name(const struct ebpfmini_btf *btf, uint32_t id, uint32_t name_off,
			     const char *what, uint32_t idx)
{
	/* offsets below start_str_off are the base's, all valid (the base was checked) */
	if ((uint64_t)name_off < (uint64_t)btf->start_str_off + btf->str_len)
		return 0;
	return bad_name(id, name_off, what, idx);
}

/*
 * The checks run during the walk that indexes the records (the record is in
 * cache then), before the number of types is known: references are only
 * compared with the largest one seen, and a check that needs the referenced
 * record (a FUNC's prototype, a DATASEC's variables) waits until the end when
 * that record comes later. Afterwards every deferred record is checked again
 * strictly; a reference beyond the last type sends the whole blob through a
 * strict pass, which names the first offender.
 */
struct check_ctx {
	const struct ebpfmini_btf *btf;
	uint32_t end;     /* references must be below this (UINT32_MAX while walking) */
	uint32_t max_ref; /* the largest reference seen */
	uint32_t *defer;  /* records whose referenced kinds could not be checked yet */
	size_t ndefer, cap;
	int err;          /* -ENOMEM from a deferral */
};

static __attribute__((noinline, cold)) int bad_ref(const struct check_ctx *c, uint32_t id,
						    uint32_t ref, const char *what, uint32_t idx)
{
	return bad("type [%u]: %s %u refers to type [%u], beyond the last type [%u]", id, what, idx,
		   ref, em_btf_type_end(c->btf) - 1);
}

static inline int check_ref(struct check_ctx *c, uint32_t id, uint32_t ref, const char *what,
			    uint32_t idx)
{
	if (ref > c->max_ref)
		c->max_ref = ref;
	if (ref < c->end)
		return 0;
	return bad_ref(c, id, ref, what, idx);
}

/* Whether record ref is indexed already; if not, record id is checked again at the end. */
static bool can_look(struct check_ctx *c, uint32_t id, uint32_t ref)
{
	uint32_t *d;

	if (ref < em_btf_type_end(c->btf))
		return true;
	if (c->ndefer == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;

		d = em_reallocarray(c->defer, cap, sizeof(*d));
		if (!d) {
			c->err = -ENOMEM;
			return false;
		}
		c->defer = d;
		c->cap = cap;
	}
	c->defer[c->ndefer++] = id;
	return false;
}

/* Name offsets and type references of one record (which lies inside the section). */
static int check_type(struct check_ctx *c, uint32_t id, const struct btf_type *t)
{
	const struct ebpfmini_btf *btf = c->btf;
	const void *tail = em_btf_tail(t);
	uint32_t vlen = em_btf_vlen(t);
	const struct btf_type *ref;
	int err;

	err = check_name(btf, id, t->name_off, NULL, 0);
	if (err)
		return err;
	switch (em_btf_kind(t)) {
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return check_ref(c, id, t->type, "type", 0);
	case BTF_KIND_VAR:
		if (((const struct btf_var *)tail)->linkage > BTF_VAR_GLOBAL_EXTERN)
			return bad("type [%u]: VAR with unknown linkage %u", id,
				   ((const struct btf_var *)tail)->linkage);
		return check_ref(c, id, t->type, "type", 0);
	case BTF_KIND_DECL_TAG:
		if (((const struct btf_decl_tag *)tail)->component_idx < -1)
			return bad("type [%u]: DECL_TAG with component_idx %d", id,
				   ((const struct btf_decl_tag *)tail)->component_idx);
		return check_ref(c, id, t->type, "target", 0);
	case BTF_KIND_FUNC:
		if (vlen > BTF_FUNC_EXTERN)
			return bad("type [%u]: FUNC with unknown linkage %u", id, vlen);
		err = check_ref(c, id, t->type, "prototype", 0);
		if (err)
			return err;
		if (!can_look(c, id, t->type))
			return c->err;
		ref = em_btf_peek(btf, t->type); /* its kind only */
		if (!ref || em_btf_kind(ref) != BTF_KIND_FUNC_PROTO)
			return bad("type [%u]: FUNC refers to type [%u], not a FUNC_PROTO", id,
				   t->type);
		return 0;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = tail;

		err = check_ref(c, id, a->type, "element type", 0);
		return err ? err : check_ref(c, id, a->index_type, "index type", 0);
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		const struct btf_member *m = tail;

		for (uint32_t i = 0; i < vlen; i++) {
			err = check_name(btf, id, m[i].name_off, "member", i);
			if (!err)
				err = check_ref(c, id, m[i].type, "member", i);
			if (err)
				return err;
		}
		return 0;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		for (uint32_t i = 0; i < vlen; i++) {
			uint32_t name_off;

			em_btf_enum_val(t, i, &name_off);
			if ((err = check_name(btf, id, name_off, "enumerator", i)))
				return err;
		}
		return 0;
	case BTF_KIND_FUNC_PROTO: {
		const struct btf_param *p = tail;

		err = check_ref(c, id, t->type, "return type", 0);
		for (uint32_t i = 0; !err && i < vlen; i++) {
			err = check_name(btf, id, p[i].name_off, "parameter", i);
			if (!err)
				err = check_ref(c, id, p[i].type, "parameter", i);
		}
		return err;
	}
	case BTF_KIND_DATASEC: {
		const struct btf_var_secinfo *v = tail;

		for (uint32_t i = 0; i < vlen; i++) {
			err = check_ref(c, id, v[i].type, "variable", i);
			if (err)
				return err;
			/* VARs; FUNCs appear in .ksyms for extern kernel functions */
			if (!can_look(c, id, v[i].type)) {
				if (c->err)
					return c->err;
				continue;
			}
			ref = em_btf_peek(btf, v[i].type);
			if (!ref ||
			    (em_btf_kind(ref) != BTF_KIND_VAR && em_btf_kind(ref) != BTF_KIND_FUNC))
				return bad("type [%u]: DATASEC entry %u refers to type [%u], not a "
					   "VAR or FUNC",
					   id, i, v[i].type);
		}
		return 0;
	}
	default: /* INT, FWD, FLOAT: no references */
		return 0;
	}
}

/* Kernel BTF: the checks of check_type() for type i, when em_btf_type() first reaches it. */
static int reach(const struct ebpfmini_btf *btf, uint32_t i)
{
	struct check_ctx c = { .btf = btf, .end = em_btf_type_end(btf) };
	int err = check_type(&c, btf->start_id + i, record(btf, i));

	if (!err)
		__atomic_fetch_or(&btf->checked[i / 8], (uint8_t)(1u << (i % 8)), __ATOMIC_RELAXED);
	return err;
}

void em_btf_free(struct ebpfmini_btf *btf)
{
	if (!btf)
		return;
	free(btf->checked);
	free(btf->index); /* the name index is a single allocation while it is a stub */
	free(btf->type_offs);
	free(btf->type_deltas);
	if (!btf->borrowed)
		free(btf->raw);
	free(btf);
}

/*
 * Walks the type section record by record: bounds-checks each record,
 * records its offset and checks it (check_type). The count is what the bytes
 * actually hold, never a number read from the file.
 */
/*
 * Record the offset of type i. Compact tables fall back to full ones when a
 * block's records do not fit 16-bit deltas (a 64 KiB struct or enum).
 */
static int set_off(struct ebpfmini_btf *btf, uint32_t i, size_t pos, size_t bound)
{
	uint32_t *full;

	if (btf->checked) { /* kernel BTF: block starts only */
		if (i % EM_BTF_KBLOCK == 0)
			btf->type_offs[i / EM_BTF_KBLOCK] = (uint32_t)pos;
		return 0;
	}
	if (!btf->type_deltas) {
		btf->type_offs[i] = (uint32_t)pos;
		return 0;
	}
	if (i % EM_BTF_OFF_BLOCK == 0)
		btf->type_offs[i / EM_BTF_OFF_BLOCK] = (uint32_t)pos;
	if (pos - btf->type_offs[i / EM_BTF_OFF_BLOCK] <= UINT16_MAX) {
		btf->type_deltas[i] = (uint16_t)(pos - btf->type_offs[i / EM_BTF_OFF_BLOCK]);
		return 0;
	}
	full = em_calloc(bound, sizeof(*full));
	if (!full)
		return -ENOMEM;
	for (uint32_t k = 0; k < i; k++)
		full[k] = em_btf_type_off(btf, k);
	full[i] = (uint32_t)pos;
	free(btf->type_offs);
	free(btf->type_deltas);
	btf->type_offs = full;
	btf->type_deltas = NULL;
	return 0;
}

static int walk_types(struct ebpfmini_btf *btf, size_t bound, uint32_t *count,
		      struct check_ctx *c, const struct em_btf_visitor *v)
{
	uint32_t kinds = v ? v->kinds : 0;
	const uint8_t *sec = btf->raw + btf->hdr_len + btf->type_off;
	size_t len = btf->type_len, pos = 0;
	uint32_t n = 0;

	while (pos < len) {
		const struct btf_type *t = (const struct btf_type *)(sec + pos);
		uint32_t id = btf->start_id + n;
		int64_t extra;
		int err;

		if (len - pos < sizeof(*t))
			return bad("type [%u] at offset %zu: truncated record (%zu bytes left)", id,
				   pos, len - pos);
		extra = trailer_size(t);
		if (extra < 0)
			return bad("type [%u] at offset %zu: unknown kind %u", id, pos,
				   em_btf_kind(t));
		if ((uint64_t)extra > len - pos - sizeof(*t))
			return bad(
				"type [%u] at offset %zu: %s record with vlen %u needs %lld more "
				"bytes, %zu left",
				id, pos, em_btf_kind_name(em_btf_kind(t), "unknown"), em_btf_vlen(t),
				(long long)extra, len - pos - sizeof(*t));
		if (id > BTF_MAX_TYPE)
			return bad("type [%u] at offset %zu: more than %u types", id, pos,
				   BTF_MAX_TYPE);
		err = set_off(btf, n, pos, bound);
		if (err)
			return err;
		btf->nr_types = ++n; /* em_btf_type() reaches the records indexed so far */
		if (!btf->checked && (err = check_type(c, id, t)))
			return err;
		if ((kinds >> em_btf_kind(t) & 1) && t->name_off && (err = v->fn(v->ctx, btf, id, t)))
			return err;
		pos += sizeof(*t) + (size_t)extra;
	}
	*count = n;
	return 0;
}

/*
 * Record offsets in one pass: the count is at most type_len / sizeof(struct
 * btf_type), so the tables are allocated for that bound (pages never written
 * are never touched) and shrunk to the real count afterwards. Blobs of more
 * than a few thousand types get the compact table.
 */
#define COMPACT_MIN_TYPES 4096

static int index_types(struct ebpfmini_btf *btf, const struct em_btf_visitor *v)
{
	size_t bound = btf->type_len / sizeof(struct btf_type) + 1;
	struct check_ctx c = { .btf = btf, .end = UINT32_MAX };
	uint32_t count = 0;
	int err;

	if (btf->checked)
		btf->type_offs = em_calloc(bound / EM_BTF_KBLOCK + 1, sizeof(*btf->type_offs));
	else if (bound > COMPACT_MIN_TYPES) {
		btf->type_offs = em_calloc(bound / EM_BTF_OFF_BLOCK + 1, sizeof(*btf->type_offs));
		btf->type_deltas = em_calloc(bound, sizeof(*btf->type_deltas));
		if (!btf->type_offs || !btf->type_deltas) { /* try the plain table */
			free(btf->type_offs);
			free(btf->type_deltas);
			btf->type_offs = NULL;
			btf->type_deltas = NULL;
		}
	}
	if (!btf->type_offs)
		btf->type_offs = em_calloc(bound, sizeof(*btf->type_offs));
	if (!btf->type_offs)
		return -ENOMEM;
	err = walk_types(btf, bound, &count, &c, v);
	if (!err) {
		size_t n = count ? count : 1;
		void *p;

		if (btf->type_deltas) {
			p = realloc(btf->type_deltas, n * sizeof(*btf->type_deltas));
			btf->type_deltas = p ? p : btf->type_deltas;
			n = n / EM_BTF_OFF_BLOCK + 1;
		} else if (btf->checked) {
			n = n / EM_BTF_KBLOCK + 1;
		}
		p = realloc(btf->type_offs, n * sizeof(*btf->type_offs));
		btf->type_offs = p ? p : btf->type_offs;
		btf->nr_types = count;
		c.end = em_btf_type_end(btf);
	}
	/* the strict checks: deferred records, or everything when a reference is beyond the end */
	for (size_t i = 0; !err && c.max_ref < c.end && i < c.ndefer; i++)
		err = check_type(&c, c.defer[i], em_btf_type(btf, c.defer[i]));
	for (uint32_t id = btf->start_id; !err && c.max_ref >= c.end && id < c.end; id++)
		err = check_type(&c, id, em_btf_type(btf, id));
	free(c.defer);
	return err;
}

enum parse_mode { PARSE_COPY, PARSE_BORROW, PARSE_KERNEL };

static int parse(const void *data, size_t size, const struct ebpfmini_btf *base,
		 enum parse_mode mode, const struct em_btf_visitor *v, struct ebpfmini_btf **out)
{
	struct ebpfmini_btf *btf;
	struct btf_header h;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!data)
		return -EINVAL;
	err = parse_header(data, size, &h);
	if (err)
		return err;

	btf = calloc(1, sizeof(*btf));
	if (!btf)
		return -ENOMEM;
	btf->fd = -1;
	btf->base = base;
	btf->start_id = base ? em_btf_type_end(base) : 1;
	btf->start_str_off = base ? base->start_str_off + base->str_len : 0;
	btf->borrowed = mode != PARSE_COPY;
	if (btf->borrowed) {
		btf->raw = (uint8_t *)data; /* never written: see em_btf_parse_borrowed */
	} else {
		btf->raw = malloc(size);
		if (!btf->raw) {
			err = -ENOMEM;
			goto fail;
		}
		memcpy(btf->raw, data, size);
	}
	btf->raw_size = size;
	btf->hdr_len = h.hdr_len;
	btf->type_off = h.type_off;
	btf->type_len = h.type_len;
	btf->str_off = h.str_off;
	btf->str_len = h.str_len;
	btf->strs = (const char *)btf->raw + h.hdr_len + h.str_off;

	err = check_strings(btf);
	if (err)
		goto fail;
	/* a bit per type: at most one per 12 bytes of the type section */
	if (mode == PARSE_KERNEL &&
	    !(btf->checked = em_calloc(btf->type_len / sizeof(struct btf_type) / 8 + 1, 1))) {
		err = -ENOMEM;
		goto fail;
	}
	err = index_types(btf, mode == PARSE_KERNEL ? v : NULL);
	if (err)
		goto fail;
	*out = btf;
	return 0;
fail:
	em_btf_free(btf);
	return err;
}

int em_btf_parse(const void *data, size_t size, const struct ebpfmini_btf *base,
		 struct ebpfmini_btf **out)
{
	return parse(data, size, base, PARSE_COPY, NULL, out);
}

int em_btf_parse_borrowed(const void *data, size_t size, const struct ebpfmini_btf *base,
			  struct ebpfmini_btf **out)
{
	return parse(data, size, base, PARSE_BORROW, NULL, out);
}

int em_btf_parse_kernel(const void *data, size_t size, const struct ebpfmini_btf *base,
			struct ebpfmini_btf **out)
{
	return parse(data, size, base, PARSE_KERNEL, NULL, out);
}

int em_btf_parse_kernel_visit(const void *data, size_t size, const struct ebpfmini_btf *base,
			      const struct em_btf_visitor *v, struct ebpfmini_btf **out)
{
	return parse(data, size, base, PARSE_KERNEL, v && v->fn ? v : NULL, out);
}

/* ---- DATASEC fix-ups --------------------------------------------------------- */

static int cmp_secinfo(const void *a, const void *b)
{
	const struct btf_var_secinfo *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	/* equal offsets (zero-sized variables): keep a deterministic order */
	return x->type < y->type ? -1 : x->type > y->type;
}

/* .kconfig and .ksyms hold externs the loader resolves; they have no ELF section. */
static bool extern_backed(const char *sec_name)
{
	return strcmp(sec_name, ".kconfig") == 0 || strcmp(sec_name, ".ksyms") == 0;
}

static int fixup_datasec(struct ebpfmini_btf *btf, struct btf_type *t,
			 const struct em_btf_fixup_ops *ops)
{
	const char *sec_name = em_btf_type_name(btf, t);
	struct btf_var_secinfo *v = (struct btf_var_secinfo *)(t + 1);
	uint32_t vlen = em_btf_vlen(t);
	int err;

	if (extern_backed(sec_name))
		return 0;
	if (t->size == 0) {
		uint32_t size = 0;

		err = ops->section_size(ops->ctx, sec_name, &size);
		if (err) {
			em_warn("btf: DATASEC '%s': no size for the ELF section: %s", sec_name,
				strerror(-err));
			return err;
		}
		t->size = size;
	}
	for (uint32_t i = 0; i < vlen; i++) {
		const struct btf_type *vt = em_btf_type(btf, v[i].type);
		const char *var_name = em_btf_type_name(btf, vt);
		uint32_t off = 0;

		if (!vt || em_btf_kind(vt) != BTF_KIND_VAR)
			return bad("DATASEC '%s': entry %u (type [%u]) is not a VAR", sec_name, i,
				   v[i].type);
		/* an extern in an ordinary section has no storage to point at: left as is */
		if (((const struct btf_var *)em_btf_tail(vt))->linkage == BTF_VAR_GLOBAL_EXTERN)
			continue;
		err = ops->symbol_offset(ops->ctx, sec_name, var_name, &off);
		if (err) {
			em_warn("btf: DATASEC '%s': variable '%s': no symbol: %s", sec_name,
				var_name, strerror(-err));
			return err;
		}
		if (!em_range_ok(t->size, off, v[i].size))
			return bad("DATASEC '%s': variable '%s' at [%u, +%u) outside the section's "
				   "%u bytes",
				   sec_name, var_name, off, v[i].size, t->size);
		v[i].offset = off;
	}
	/* the kernel wants the entries in increasing offset order */
	if (vlen > 1)
		qsort(v, vlen, sizeof(*v), cmp_secinfo);
	return 0;
}

/*
 * What this does, for every DATASEC of this blob (not of its base):
 * - size 0 (as clang writes it) becomes the ELF section's size;
 * - each VAR entry with static or global-allocated linkage gets its offset
 *   from the ELF symbol of the same name in that section;
 * - the entries are sorted by offset.
 * What it leaves to others: .kconfig and .ksyms DATASECs (their externs are
 * resolved by the loader, which sizes and places them); VARs with extern
 * linkage; FUNCs with BTF_FUNC_EXTERN linkage (the kernel refuses both, so an
 * object using kfunc/ksym externs needs the loader's extern pass first). The
 * fix-up is idempotent: running it twice gives the same bytes.
 */
int em_btf_fixup_datasecs(struct ebpfmini_btf *btf, const struct em_btf_fixup_ops *ops)
{
	if (!btf || !ops || !ops->section_size || !ops->symbol_offset || btf->borrowed)
		return -EINVAL;
	for (uint32_t id = btf->start_id; id < em_btf_type_end(btf); id++) {
		struct btf_type *t = own_type(btf, id);
		int err;

		if (em_btf_kind(t) != BTF_KIND_DATASEC)
			continue;
		err = fixup_datasec(btf, t, ops);
		if (err)
			return err;
	}
	return 0;
}
