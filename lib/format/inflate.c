/* inflate.c - DEFLATE (RFC 1951) and gzip (RFC 1952) decoder for /proc/config.gz (L1 format, pure) */
#include <stdlib.h>

#include "inflate.h"
#include "internal.h"

/*
 * A DEFLATE stream is a sequence of blocks. Each starts with 3 header bits:
 * BFINAL (last block) and BTYPE: 0 stored (raw bytes), 1 fixed Huffman codes,
 * 2 dynamic Huffman codes (the code tables are sent first, themselves
 * Huffman-coded), 3 invalid. Compressed data is literal bytes and
 * (length, distance) pairs that copy earlier output.
 *
 * Bits are consumed least significant bit first from each byte. Numbers
 * (extra bits, header fields) are stored LSB first too, but Huffman codes are
 * sent starting with their most significant bit, so they are decoded one bit
 * at a time.
 *
 * The whole output is kept in one buffer, which doubles as the 32 KiB history
 * window back-references read from; it never grows beyond max_out.
 */

#define MAX_CODE_BITS 15 /* longest Huffman code */
#define MAX_LIT_CODES 286 /* literal/length symbols a dynamic block may define */
#define MAX_DIST_CODES 30 /* distance symbols a dynamic block may define */
#define FIXED_LIT_CODES 288 /* the fixed code also assigns 286 and 287 (never valid) */
#define CODELEN_CODES 19
#define END_OF_BLOCK 256

/* A canonical Huffman code: how many codes of each length, and the symbols in
 * code order (by length, then by symbol value). */
struct huffman {
	uint16_t count[MAX_CODE_BITS + 1];
	uint16_t symbol[FIXED_LIT_CODES];
};

struct inflater {
	struct em_reader in;
	uint64_t bitbuf;   /* bits read from the input but not consumed, LSB first */
	unsigned int bitcnt;
	int err;           /* first error, sticky */
	const char *why;   /* what was wrong, for the debug log */
	uint8_t *out;
	size_t len;        /* bytes produced */
	size_t cap;        /* allocated bytes, not counting room for the final NUL */
	size_t max;
};

/* length symbols 257..285: base length and extra bits */
static const uint16_t len_base[29] = { 3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
				       31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
				       2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
/* distance symbols 0..29 */
static const uint16_t dist_base[30] = { 1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
					33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
					1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = { 0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
					6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };
/* order in which a dynamic block sends the code length code's lengths */
static const uint8_t codelen_order[CODELEN_CODES] = { 16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
						      11, 4,  12, 3, 13, 2, 14, 1, 15 };

static void fail(struct inflater *s, int err, const char *why)
{
	if (!s->err) {
		s->err = err;
		s->why = why;
	}
}

/* ---- bit input ------------------------------------------------------------------ */

/* Next n bits (n <= 16) as a number; 0 with the error set when the input ends. */
static uint32_t get_bits(struct inflater *s, unsigned int n)
{
	uint32_t v;

	if (s->err)
		return 0;
	while (s->bitcnt < n) {
		uint8_t byte = em_reader_u8(&s->in);

		if (s->in.err) {
			fail(s, -EBADMSG, "input ends inside the DEFLATE stream");
			return 0;
		}
		s->bitbuf |= (uint64_t)byte << s->bitcnt;
		s->bitcnt += 8;
	}
	v = (uint32_t)(s->bitbuf & ((1u << n) - 1));
	s->bitbuf >>= n;
	s->bitcnt -= n;
	return v;
}

/* Drops the bits left in the current byte. */
static void align_to_byte(struct inflater *s)
{
	get_bits(s, s->bitcnt % 8);
}

/* Gives whole unconsumed bytes back to the reader (at the end of the stream). */
static void return_unused_bytes(struct inflater *s)
{
	align_to_byte(s);
	s->in.pos -= s->bitcnt / 8;
	s->bitbuf = 0;
	s->bitcnt = 0;
}

/* ---- output ------------------------------------------------------------------------- */

/* Makes room for n more output bytes. */
static bool out_reserve(struct inflater *s, size_t n)
{
	size_t need, cap;
	uint8_t *p;

	if (s->err)
		return false;
	if (n > s->max - s->len) {
		fail(s, -E2BIG, "output larger than the allowed maximum");
		return false;
	}
	need = s->len + n;
	if (need <= s->cap)
		return true;
	cap = s->cap ? s->cap : 1;
	while (cap < need)
		cap = cap > s->max / 2 ? s->max : cap * 2;
	p = realloc(s->out, cap + 1);
	if (!p) {
		fail(s, -ENOMEM, "out of memory");
		return false;
	}
	s->out = p;
	s->cap = cap;
	return true;
}

static void out_byte(struct inflater *s, uint8_t b)
{
	if (out_reserve(s, 1))
		s->out[s->len++] = b;
}

/* ---- Huffman codes ----------------------------------------------------------------- */

/*
 * Builds the canonical code for symbols 0..n-1 with the given code lengths
 * (0 = symbol unused). An over-subscribed set of lengths (more codes than
 * the bit lengths can hold) is an error; an incomplete one is accepted, and a
 * bit pattern it leaves unassigned is an error when it is met while decoding.
 */
static void huffman_build(struct inflater *s, struct huffman *h, const uint8_t *lens, unsigned int n)
{
	uint16_t next[MAX_CODE_BITS + 1];
	int left = 1;

	memset(h->count, 0, sizeof(h->count));
	for (unsigned int i = 0; i < n; i++)
		h->count[lens[i]]++;
	for (unsigned int len = 1; len <= MAX_CODE_BITS; len++) {
		left = left * 2 - h->count[len];
		if (left < 0) {
			fail(s, -EBADMSG, "over-subscribed Huffman code lengths");
			return;
		}
	}
	next[1] = 0;
	for (unsigned int len = 1; len < MAX_CODE_BITS; len++)
		next[len + 1] = next[len] + h->count[len];
	for (unsigned int i = 0; i < n; i++)
		if (lens[i])
			h->symbol[next[lens[i]]++] = (uint16_t)i;
}

/*
 * Reads one symbol. Canonical codes of one length are consecutive numbers, and
 * the first code of length L+1 is (first code of L + count of L) * 2; so after
 * each bit, the code read so far either falls in the range of length L or
 * another bit is needed.
 */
static int huffman_decode(struct inflater *s, const struct huffman *h)
{
	int code = 0, first = 0, index = 0;

	for (unsigned int len = 1; len <= MAX_CODE_BITS; len++) {
		int count = h->count[len];

		code |= (int)get_bits(s, 1);
		if (s->err)
			return -1;
		if (code - first < count)
			return h->symbol[index + code - first];
		index += count;
		first = (first + count) << 1;
		code <<= 1;
	}
	fail(s, -EBADMSG, "invalid Huffman code");
	return -1;
}

/* ---- blocks ----------------------------------------------------------------------------- */

static void block_stored(struct inflater *s)
{
	uint32_t len, nlen;
	const void *src;

	align_to_byte(s);
	len = get_bits(s, 16);
	nlen = get_bits(s, 16);
	if (s->err)
		return;
	if (len != (~nlen & 0xffffu)) {
		fail(s, -EBADMSG, "stored block length check failed");
		return;
	}
	if (!out_reserve(s, len))
		return;
	/* bytes already pulled into the bit buffer come first */
	while (len && s->bitcnt) {
		s->out[s->len++] = (uint8_t)get_bits(s, 8);
		len--;
	}
	src = em_reader_ptr(&s->in, s->in.pos, len);
	if (!src) {
		fail(s, -EBADMSG, "input ends inside a stored block");
		return;
	}
	memcpy(s->out + s->len, src, len);
	s->len += len;
	s->in.pos += len;
}

/* Decodes literals and copies until the end-of-block symbol. */
static void block_codes(struct inflater *s, const struct huffman *lit, const struct huffman *dist)
{
	for (;;) {
		int sym = huffman_decode(s, lit);
		size_t len, d;

		if (sym < 0)
			return;
		if (sym < END_OF_BLOCK) {
			out_byte(s, (uint8_t)sym);
			if (s->err)
				return;
			continue;
		}
		if (sym == END_OF_BLOCK)
			return;
		sym -= END_OF_BLOCK + 1;
		if (sym >= (int)EM_ARRAY_SIZE(len_base)) {
			fail(s, -EBADMSG, "invalid length symbol");
			return;
		}
		len = len_base[sym] + get_bits(s, len_extra[sym]);
		sym = huffman_decode(s, dist);
		if (sym < 0)
			return;
		if (sym >= (int)EM_ARRAY_SIZE(dist_base)) {
			fail(s, -EBADMSG, "invalid distance symbol");
			return;
		}
		d = dist_base[sym] + get_bits(s, dist_extra[sym]);
		if (s->err)
			return;
		if (d > s->len) {
			fail(s, -EBADMSG, "distance reaches before the start of the output");
			return;
		}
		if (!out_reserve(s, len))
			return;
		/* byte by byte: the source may overlap the bytes being written */
		for (const uint8_t *from = s->out + s->len - d; len; len--)
			s->out[s->len++] = *from++;
	}
}

static void block_fixed(struct inflater *s)
{
	static const struct {
		uint16_t first, last;
		uint8_t bits;
	} fixed_lit[] = { { 0, 143, 8 }, { 144, 255, 9 }, { 256, 279, 7 }, { 280, 287, 8 } };
	uint8_t lens[FIXED_LIT_CODES];
	struct huffman lit, dist;

	for (size_t r = 0; r < EM_ARRAY_SIZE(fixed_lit); r++)
		for (unsigned int i = fixed_lit[r].first; i <= fixed_lit[r].last; i++)
			lens[i] = fixed_lit[r].bits;
	huffman_build(s, &lit, lens, FIXED_LIT_CODES);
	/* all 30 distance codes are 5 bits; 30 and 31 stay unassigned */
	memset(lens, 5, MAX_DIST_CODES);
	huffman_build(s, &dist, lens, MAX_DIST_CODES);
	if (!s->err)
		block_codes(s, &lit, &dist);
}

static void block_dynamic(struct inflater *s)
{
	uint8_t lens[MAX_LIT_CODES + MAX_DIST_CODES];
	struct huffman codelen, lit, dist;
	unsigned int nlit, ndist, ncodelen, i;

	nlit = get_bits(s, 5) + 257;
	ndist = get_bits(s, 5) + 1;
	ncodelen = get_bits(s, 4) + 4;
	if (s->err)
		return;
	if (nlit > MAX_LIT_CODES || ndist > MAX_DIST_CODES) {
		fail(s, -EBADMSG, "too many literal/length or distance codes");
		return;
	}

	memset(lens, 0, CODELEN_CODES);
	for (i = 0; i < ncodelen; i++)
		lens[codelen_order[i]] = (uint8_t)get_bits(s, 3);
	huffman_build(s, &codelen, lens, CODELEN_CODES);

	/* the literal/length and distance code lengths, run-length coded as one sequence */
	i = 0;
	while (!s->err && i < nlit + ndist) {
		int sym = huffman_decode(s, &codelen);
		unsigned int repeat;
		uint8_t value = 0;

		if (sym < 0)
			return;
		if (sym < 16) {
			lens[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) { /* repeat the previous length 3..6 times */
			if (i == 0) {
				fail(s, -EBADMSG, "length repeat with no previous length");
				return;
			}
			value = lens[i - 1];
			repeat = 3 + get_bits(s, 2);
		} else if (sym == 17) { /* 3..10 zeros */
			repeat = 3 + get_bits(s, 3);
		} else { /* 18: 11..138 zeros */
			repeat = 11 + get_bits(s, 7);
		}
		if (repeat > nlit + ndist - i) {
			fail(s, -EBADMSG, "code length repeat runs past the end");
			return;
		}
		memset(lens + i, value, repeat);
		i += repeat;
	}
	if (s->err)
		return;
	if (lens[END_OF_BLOCK] == 0) {
		fail(s, -EBADMSG, "no code for the end-of-block symbol");
		return;
	}
	huffman_build(s, &lit, lens, nlit);
	huffman_build(s, &dist, lens + nlit, ndist);
	if (!s->err)
		block_codes(s, &lit, &dist);
}

/* Decodes one DEFLATE stream from s->in (appending to the output); leaves the
 * reader at the first byte after the stream. */
static void inflate_stream(struct inflater *s)
{
	bool last;

	do {
		last = get_bits(s, 1);
		switch (get_bits(s, 2)) {
		case 0:
			block_stored(s);
			break;
		case 1:
			block_fixed(s);
			break;
		case 2:
			block_dynamic(s);
			break;
		default:
			fail(s, -EBADMSG, "invalid block type");
			break;
		}
	} while (!last && !s->err);
	if (!s->err)
		return_unused_bytes(s);
}

/* ---- CRC-32 (the gzip trailer's check value) ------------------------------------ */

/* Reflected CRC-32, polynomial 0x04C11DB7 (0xEDB88320 bit-reversed). */
static void crc32_table(uint32_t table[256])
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[n] = c;
	}
}

static uint32_t crc32_of(const uint32_t table[256], const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

/* little-endian numbers of the gzip format, independent of the host byte order */
static uint32_t read_le(struct em_reader *r, unsigned int bytes)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < bytes; i++)
		v |= (uint32_t)em_reader_u8(r) << (8 * i);
	return v;
}

/* ---- entry points ------------------------------------------------------------------------- */

static int inflater_init(struct inflater *s, const void *in, size_t in_len, size_t max_out)
{
	size_t guess;

	memset(s, 0, sizeof(*s));
	em_reader_init(&s->in, in, in_len);
	/* one byte is kept for the terminating NUL */
	s->max = max_out == SIZE_MAX ? SIZE_MAX - 1 : max_out;
	if (em_mul_overflow(in_len, 4, &guess))
		guess = SIZE_MAX;
	s->cap = EM_MIN(EM_MAX(guess, (size_t)4096), s->max);
	s->out = malloc(s->cap + 1);
	return s->out ? 0 : -ENOMEM;
}

static int inflater_finish(struct inflater *s, const char *what, void **out, size_t *out_len)
{
	if (s->err) {
		em_debug("inflate: %s: %s (input offset %zu)", what, s->why, s->in.pos);
		free(s->out);
		return s->err;
	}
	s->out[s->len] = '\0';
	*out = s->out;
	*out_len = s->len;
	return 0;
}

int em_inflate_raw(const void *in, size_t in_len, size_t max_out, void **out, size_t *out_len)
{
	struct inflater s;
	int err;

	*out = NULL;
	*out_len = 0;
	err = inflater_init(&s, in, in_len, max_out);
	if (err)
		return err;
	inflate_stream(&s);
	return inflater_finish(&s, "raw DEFLATE stream", out, out_len);
}

/* gzip header flag bits */
#define GZ_FHCRC 0x02
#define GZ_FEXTRA 0x04
#define GZ_FNAME 0x08
#define GZ_FCOMMENT 0x10
#define GZ_FRESERVED 0xe0

/* Skips a NUL-terminated header field. */
static void skip_cstr(struct em_reader *r)
{
	const char *str = em_reader_cstr(r, r->pos);

	if (!str)
		r->err = true;
	else
		r->pos += strlen(str) + 1;
}

/* One gzip member: header, DEFLATE stream, CRC-32 and size trailer. */
static void gzip_member(struct inflater *s, const uint32_t crc_table[256])
{
	struct em_reader *r = &s->in;
	size_t start = r->pos, out_start = s->len;
	uint8_t flags;
	uint32_t crc, isize;

	if (em_reader_u8(r) != 0x1f || em_reader_u8(r) != 0x8b) {
		fail(s, -EBADMSG, "not gzip data (bad magic)");
		return;
	}
	if (em_reader_u8(r) != 8) {
		fail(s, -EBADMSG, "unknown compression method");
		return;
	}
	flags = em_reader_u8(r);
	if (flags & GZ_FRESERVED) {
		fail(s, -EBADMSG, "reserved header flags set");
		return;
	}
	em_reader_seek(r, r->pos + 6); /* modification time, extra flags, OS */
	if (flags & GZ_FEXTRA) {
		uint32_t xlen = read_le(r, 2);

		em_reader_seek(r, (uint64_t)r->pos + xlen);
	}
	if (flags & GZ_FNAME)
		skip_cstr(r);
	if (flags & GZ_FCOMMENT)
		skip_cstr(r);
	if (flags & GZ_FHCRC) {
		/* low 16 bits of the CRC-32 of the header up to here */
		uint32_t want = crc32_of(crc_table, r->data + start, r->pos - start) & 0xffffu;

		if (read_le(r, 2) != want && !r->err) {
			fail(s, -EBADMSG, "header CRC mismatch");
			return;
		}
	}
	if (r->err) {
		fail(s, -EBADMSG, "truncated gzip header");
		return;
	}

	inflate_stream(s);
	if (s->err)
		return;

	crc = read_le(r, 4);
	isize = read_le(r, 4);
	if (r->err) {
		fail(s, -EBADMSG, "truncated gzip trailer");
		return;
	}
	if (crc != crc32_of(crc_table, s->out + out_start, s->len - out_start)) {
		fail(s, -EBADMSG, "CRC-32 mismatch");
		return;
	}
	if (isize != (uint32_t)(s->len - out_start)) {
		fail(s, -EBADMSG, "size mismatch");
		return;
	}
}

int em_inflate_gzip(const void *in, size_t in_len, size_t max_out, void **out, size_t *out_len)
{
	uint32_t crc_table[256];
	struct inflater s;
	int err;

	*out = NULL;
	*out_len = 0;
	err = inflater_init(&s, in, in_len, max_out);
	if (err)
		return err;
	crc32_table(crc_table);
	/* a gzip file is one or more members; their outputs are concatenated */
	do
		gzip_member(&s, crc_table);
	while (!s.err && s.in.pos < s.in.size);
	return inflater_finish(&s, "gzip data", out, out_len);
}
