/* test_inflate.c - gzip/DEFLATE decoder against gzip(1) output, hand-made streams and corruption (unit test) */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "inflate.h"

#define MiB (1024 * 1024)

/* ---- helpers ------------------------------------------------------------------------ */

struct buf {
	uint8_t *p;
	size_t len;
};

static void buf_append(struct buf *b, const void *p, size_t n)
{
	b->p = realloc(b->p, b->len + n + 1);
	assert_non_null(b->p);
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static struct buf read_stream(FILE *f)
{
	struct buf b = { 0 };
	char chunk[65536];
	size_t n;

	buf_append(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	return b;
}

/* Runs "gzip -c <args>" on data (given through a temporary file) and returns its output. */
static struct buf run_gzip(const void *data, size_t len, const char *args)
{
	char path[] = "/tmp/ebpfmini-inflate-XXXXXX", cmd[256];
	struct buf out;
	FILE *f;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "gzip -c %s < %s", args, path);
	f = popen(cmd, "r");
	assert_non_null(f);
	out = read_stream(f);
	assert_int_equal(pclose(f), 0);
	unlink(path);
	assert_true(out.len >= 18); /* 10-byte header + stream + 8-byte trailer */
	return out;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	/* xorshift64 */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint8_t *random_bytes(size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rng();
	return p;
}

/* Text with a skewed word distribution, numbers and line breaks: compresses
 * with dynamic Huffman blocks and many back-references. */
static char *mixed_text(size_t n)
{
	static const char *const words[] = {
		"CONFIG_", "kernel", "the", "of", "bpf", "map", "program", "=y", "=m", "# is not set",
		"verifier", "helper", "ring", "buffer", "tracepoint", "a", "to", "and", "ebpfmini",
	};
	char *p = malloc(n + 1);
	size_t i = 0;

	assert_non_null(p);
	while (i < n) {
		uint64_t r = rng();
		char tmp[32];
		const char *w;
		size_t wl;

		if (r % 11 == 0) {
			snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)(r >> 40));
			w = tmp;
		} else {
			w = words[(r >> 8) % (r % 3 ? 5 : sizeof(words) / sizeof(words[0]))];
		}
		wl = strlen(w);
		for (size_t k = 0; k < wl && i < n; k++)
			p[i++] = w[k];
		if (i < n)
			p[i++] = (r >> 20) % 9 == 0 ? '\n' : ' ';
	}
	p[n] = '\0';
	return p;
}

/* BTYPE of the first DEFLATE block of a gzip file without optional header fields. */
static int first_block_type(const struct buf *gz)
{
	assert_int_equal(gz->p[3], 0); /* no FNAME etc. (gzip -n) */
	return (gz->p[10] >> 1) & 3;
}

/* Decodes gz and checks the result equals want[0..want_len). Also decodes the
 * bare DEFLATE stream (header and trailer cut off) with em_inflate_raw. */
static void check_roundtrip(const struct buf *gz, const void *want, size_t want_len)
{
	void *out = (void *)1;
	size_t out_len = 1234;

	assert_int_equal(em_inflate_gzip(gz->p, gz->len, 64 * MiB, &out, &out_len), 0);
	assert_non_null(out);
	assert_int_equal(out_len, want_len);
	assert_memory_equal(out, want, want_len);
	assert_int_equal(((char *)out)[out_len], '\0');
	free(out);

	if (gz->p[3] == 0) {
		assert_int_equal(em_inflate_raw(gz->p + 10, gz->len - 18, 64 * MiB, &out, &out_len), 0);
		assert_int_equal(out_len, want_len);
		assert_memory_equal(out, want, want_len);
		free(out);
	}
}

static uint32_t test_crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}

/* ---- gzip(1) output --------------------------------------------------------------- */

static void test_empty(void **state)
{
	(void)state;
	struct buf gz = run_gzip("", 0, "-n -6");

	check_roundtrip(&gz, "", 0);
	free(gz.p);
}

static void test_short_text_fixed(void **state)
{
	(void)state;
	const char *text = "hello, hello, hello world\n";
	struct buf gz = run_gzip(text, strlen(text), "-n -6");

	assert_int_equal(first_block_type(&gz), 1); /* fixed Huffman */
	check_roundtrip(&gz, text, strlen(text));
	free(gz.p);
}

static void test_mixed_text_dynamic(void **state)
{
	(void)state;
	char *text = mixed_text(MiB);
	static const char *const levels[] = { "-n -1", "-n -6", "-n -9" };

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		struct buf gz = run_gzip(text, MiB, levels[i]);

		assert_int_equal(first_block_type(&gz), 2); /* dynamic Huffman */
		assert_true(gz.len < MiB / 2);
		check_roundtrip(&gz, text, MiB);
		free(gz.p);
	}
	free(text);
}

static void test_random_stored(void **state)
{
	(void)state;
	size_t sizes[] = { 1, 100, 65535, 65536, 300000 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *data = random_bytes(sizes[i]);
		struct buf gz = run_gzip(data, sizes[i], "-n -1");

		if (sizes[i] > 100)
			assert_int_equal(first_block_type(&gz), 0); /* stored */
		check_roundtrip(&gz, data, sizes[i]);
		free(gz.p);
		free(data);
	}
}

static void test_all_levels(void **state)
{
	(void)state;
	char *text = mixed_text(70000);
	char args[16];

	for (int level = 1; level <= 9; level++) {
		struct buf gz;

		snprintf(args, sizeof(args), "-n -%d", level);
		gz = run_gzip(text, 70000, args);
		check_roundtrip(&gz, text, 70000);
		free(gz.p);
	}
	free(text);
}

static void test_multi_member(void **state)
{
	(void)state;
	char *a = mixed_text(5000), *b = mixed_text(3000);
	struct buf ga = run_gzip(a, 5000, "-n -6"), gb = run_gzip(b, 3000, "-n -1"), both = { 0 };
	char *want = malloc(8000);
	void *out;
	size_t len;

	memcpy(want, a, 5000);
	memcpy(want + 5000, b, 3000);
	buf_append(&both, ga.p, ga.len);
	buf_append(&both, gb.p, gb.len);
	assert_int_equal(em_inflate_gzip(both.p, both.len, MiB, &out, &len), 0);
	assert_int_equal(len, 8000);
	assert_memory_equal(out, want, 8000);
	free(out);
	/* a second member that is damaged spoils the whole file */
	both.p[ga.len + 1] ^= 0xff;
	assert_int_equal(em_inflate_gzip(both.p, both.len, MiB, &out, &len), -EBADMSG);
	assert_null(out);
	/* trailing garbage after a member is not gzip */
	both.len = ga.len + 1;
	assert_int_equal(em_inflate_gzip(both.p, both.len, MiB, &out, &len), -EBADMSG);
	free(a);
	free(b);
	free(want);
	free(ga.p);
	free(gb.p);
	free(both.p);
}

/* Header with FEXTRA, FNAME, FCOMMENT and FHCRC around gzip's DEFLATE stream and trailer. */
static void test_header_fields(void **state)
{
	(void)state;
	const char *text = "optional gzip header fields";
	struct buf gz = run_gzip(text, strlen(text), "-n -9"), h = { 0 };
	const uint8_t fixed[10] = { 0x1f, 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 1, 2, 3, 4, 0, 3 };
	const uint8_t extra[] = { 6, 0, 'A', 'B', 2, 0, 'x', 'y' };
	uint8_t hcrc[2];
	uint32_t crc;
	void *out;
	size_t len;

	buf_append(&h, fixed, sizeof(fixed));
	buf_append(&h, extra, sizeof(extra));
	buf_append(&h, "name.txt", 9);
	buf_append(&h, "a comment", 10);
	crc = test_crc32(h.p, h.len);
	hcrc[0] = crc & 0xff;
	hcrc[1] = (crc >> 8) & 0xff;
	buf_append(&h, hcrc, 2);
	buf_append(&h, gz.p + 10, gz.len - 10);
	assert_int_equal(em_inflate_gzip(h.p, h.len, MiB, &out, &len), 0);
	assert_int_equal(len, strlen(text));
	assert_memory_equal(out, text, len);
	free(out);

	/* wrong header CRC */
	h.p[sizeof(fixed) + sizeof(extra) + 19] ^= 1;
	assert_int_equal(em_inflate_gzip(h.p, h.len, MiB, &out, &len), -EBADMSG);
	/* gzip's own FNAME output */
	free(gz.p);
	free(h.p);

	{
		char path[] = "/tmp/ebpfmini-inflate-name-XXXXXX", cmd[128];
		int fd = mkstemp(path);
		FILE *f;
		struct buf named;

		assert_true(fd >= 0);
		assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
		close(fd);
		snprintf(cmd, sizeof(cmd), "gzip -c -N %s", path);
		f = popen(cmd, "r");
		assert_non_null(f);
		named = read_stream(f);
		assert_int_equal(pclose(f), 0);
		unlink(path);
		assert_true(named.p[3] & 0x08); /* FNAME set */
		assert_int_equal(em_inflate_gzip(named.p, named.len, MiB, &out, &len), 0);
		assert_memory_equal(out, text, strlen(text));
		free(out);
		free(named.p);
	}
}

static void test_bad_header(void **state)
{
	(void)state;
	const char *text = "header checks";
	struct buf gz = run_gzip(text, strlen(text), "-n -6");
	void *out;
	size_t len;
	const struct {
		size_t off;
		uint8_t xor;
	} damage[] = { { 0, 0x01 }, { 1, 0x80 }, { 2, 0x01 }, { 3, 0x20 }, { 3, 0x80 } };

	for (size_t i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		gz.p[damage[i].off] ^= damage[i].xor;
		assert_int_equal(em_inflate_gzip(gz.p, gz.len, MiB, &out, &len), -EBADMSG);
		assert_null(out);
		gz.p[damage[i].off] ^= damage[i].xor;
	}
	/* FEXTRA whose length runs past the end */
	gz.p[3] |= 0x04;
	gz.p[10] = 0xff;
	gz.p[11] = 0xff;
	assert_int_equal(em_inflate_gzip(gz.p, gz.len, MiB, &out, &len), -EBADMSG);
	/* wrong ISIZE, right CRC */
	free(gz.p);
	gz = run_gzip(text, strlen(text), "-n -6");
	gz.p[gz.len - 4] ^= 1;
	assert_int_equal(em_inflate_gzip(gz.p, gz.len, MiB, &out, &len), -EBADMSG);
	free(gz.p);
}

static void test_proc_config(void **state)
{
	(void)state;
	FILE *f = fopen("/proc/config.gz", "re");
	struct buf gz, ref;
	void *out;
	size_t len;

	if (!f) {
		print_message("/proc/config.gz not readable: %s\n", strerror(errno));
		skip();
	}
	gz = read_stream(f);
	fclose(f);
	assert_int_equal(em_inflate_gzip(gz.p, gz.len, 64 * MiB, &out, &len), 0);
	assert_non_null(strstr(out, "CONFIG_"));
	/* the same bytes gzip -d produces */
	f = popen("gzip -dc /proc/config.gz", "r");
	assert_non_null(f);
	ref = read_stream(f);
	assert_int_equal(pclose(f), 0);
	assert_int_equal(len, ref.len);
	assert_memory_equal(out, ref.p, len);
	free(out);
	free(ref.p);
	free(gz.p);
}

/* ---- limits and corruption ------------------------------------------------------------ */

static void test_max_out(void **state)
{
	(void)state;
	char *text = mixed_text(MiB);
	struct buf gz = run_gzip(text, MiB, "-n -6"), st;
	uint8_t *rnd = random_bytes(100000);
	void *out;
	size_t len;

	assert_int_equal(em_inflate_gzip(gz.p, gz.len, MiB - 1, &out, &len), -E2BIG);
	assert_null(out);
	assert_int_equal(em_inflate_gzip(gz.p, gz.len, 1000, &out, &len), -E2BIG);
	assert_int_equal(em_inflate_gzip(gz.p, gz.len, 0, &out, &len), -E2BIG);
	assert_int_equal(em_inflate_gzip(gz.p, gz.len, MiB, &out, &len), 0);
	assert_int_equal(len, MiB);
	free(out);
	assert_int_equal(em_inflate_raw(gz.p + 10, gz.len - 18, MiB - 1, &out, &len), -E2BIG);

	/* stored blocks */
	st = run_gzip(rnd, 100000, "-n -1");
	assert_int_equal(em_inflate_gzip(st.p, st.len, 99999, &out, &len), -E2BIG);
	assert_int_equal(em_inflate_gzip(st.p, st.len, 100000, &out, &len), 0);
	free(out);

	free(st.p);
	free(rnd);
	free(gz.p);
	free(text);
}

static void test_truncated(void **state)
{
	(void)state;
	char *text = mixed_text(3000);
	struct buf gzs[2] = { run_gzip(text, 3000, "-n -9"), run_gzip(text, 200, "-n -1") };

	for (size_t g = 0; g < 2; g++) {
		struct buf *gz = &gzs[g];

		for (size_t n = 0; n < gz->len; n++) {
			uint8_t *copy = malloc(n ? n : 1);
			void *out = (void *)1;
			size_t len;

			/* exact-size copy so that ASan sees any read past the end */
			memcpy(copy, gz->p, n);
			assert_int_equal(em_inflate_gzip(copy, n, MiB, &out, &len), -EBADMSG);
			assert_null(out);
			if (n > 10) {
				int rc = em_inflate_raw(copy + 10, n - 10, MiB, &out, &len);

				/* cut inside the stream: damaged; cut inside the trailer: complete */
				if (n < gz->len - 8)
					assert_int_equal(rc, -EBADMSG);
				else
					assert_int_equal(rc, 0);
				if (!rc)
					free(out);
			}
			free(copy);
		}
		free(gz->p);
	}
	free(text);
}

static void test_flipped_bits(void **state)
{
	(void)state;
	char *text = mixed_text(2000);
	struct buf gz = run_gzip(text, 2000, "-n -9");
	size_t harmless = 0;

	for (size_t i = 0; i < gz.len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			uint8_t *copy = malloc(gz.len);
			void *out;
			size_t len;
			int rc;

			memcpy(copy, gz.p, gz.len);
			copy[i] ^= (uint8_t)(1u << bit);
			rc = em_inflate_gzip(copy, gz.len, 16 * MiB, &out, &len);
			if (rc != 0 && rc != -EBADMSG)
				fail_msg("byte %zu bit %d: rc %d", i, bit, rc);
			if (rc == 0) {
				/* a change the format does not check must not change the data */
				assert_int_equal(len, 2000);
				assert_memory_equal(out, text, 2000);
				free(out);
			} else {
				assert_null(out);
			}
			/* unchecked: FTEXT (a hint), MTIME, XFL, OS. In the stream a flip
			 * may change a copy's distance to one with the same bytes, or a
			 * padding bit of the last byte, without effect on the output; the
			 * rest of header and trailer is checked */
			if ((i == 3 && bit == 0) || (i >= 4 && i < 10))
				assert_int_equal(rc, 0);
			else if (i < 10 || i >= gz.len - 8)
				assert_int_equal(rc, -EBADMSG);
			else if (rc == 0)
				harmless++;
			free(copy);
		}
	}
	/* nearly every flip inside the stream is detected */
	assert_true(harmless * 50 < (gz.len - 18) * 8);
	free(gz.p);
	free(text);
}

static void test_random_garbage(void **state)
{
	(void)state;
	for (int iter = 0; iter < 3000; iter++) {
		size_t n = rng() % 600;
		uint8_t *data = random_bytes(n + 10);
		void *out;
		size_t len;
		int rc;

		rc = em_inflate_raw(data, n, 4 * MiB, &out, &len);
		assert_true(rc == 0 || rc == -EBADMSG);
		if (!rc)
			free(out);
		/* behind a valid gzip header */
		memmove(data + 10, data, n);
		memcpy(data, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
		rc = em_inflate_gzip(data, n + 10, 4 * MiB, &out, &len);
		assert_true(rc == 0 || rc == -EBADMSG);
		if (!rc)
			free(out);
		free(data);
	}
}

/* ---- hand-made DEFLATE streams ---------------------------------------------------------- */

struct bitwriter {
	uint8_t buf[64];
	size_t bits;
};

/* a number, least significant bit first */
static void put_bits(struct bitwriter *w, uint32_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++, w->bits++)
		if (v >> i & 1)
			w->buf[w->bits / 8] |= (uint8_t)(1u << (w->bits % 8));
}

/* a Huffman code, most significant bit first */
static void put_code(struct bitwriter *w, uint32_t code, unsigned int len)
{
	while (len--)
		put_bits(w, code >> len & 1, 1);
}

/* fixed code of a literal/length symbol (RFC 1951 3.2.6) */
static void put_fixed_lit(struct bitwriter *w, unsigned int sym)
{
	if (sym < 144)
		put_code(w, 0x30 + sym, 8);
	else if (sym < 256)
		put_code(w, 0x190 + sym - 144, 9);
	else if (sym < 280)
		put_code(w, sym - 256, 7);
	else
		put_code(w, 0xc0 + sym - 280, 8);
}

static int decode_raw(const struct bitwriter *w, char *text, size_t text_size)
{
	void *out;
	size_t len;
	int rc = em_inflate_raw(w->buf, (w->bits + 7) / 8, 1000, &out, &len);

	if (rc)
		return rc;
	assert_true(len < text_size);
	memcpy(text, out, len + 1);
	free(out);
	return 0;
}

static void test_handmade(void **state)
{
	(void)state;
	char text[64];
	struct bitwriter w;

	/* stored block */
	{
		const uint8_t st[] = { 0x01, 5, 0, 0xfa, 0xff, 'h', 'e', 'l', 'l', 'o', 0xaa };
		void *out;
		size_t len;

		/* trailing bytes after the final block are not part of the stream */
		assert_int_equal(em_inflate_raw(st, sizeof(st), 100, &out, &len), 0);
		assert_int_equal(len, 5);
		assert_string_equal(out, "hello");
		free(out);
		assert_int_equal(em_inflate_raw(st, 9, 100, &out, &len), -EBADMSG);
		assert_int_equal(em_inflate_raw(st, sizeof(st), 4, &out, &len), -E2BIG);
	}
	{
		const uint8_t st[] = { 0x01, 5, 0, 0xfa, 0xfe, 'h', 'e', 'l', 'l', 'o' };
		void *out;
		size_t len;

		assert_int_equal(em_inflate_raw(st, sizeof(st), 100, &out, &len), -EBADMSG);
	}

	/* fixed block: 'a', then copy length 3 distance 1 (overlapping) -> "aaaa" */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 1, 2);
	put_fixed_lit(&w, 'a');
	put_fixed_lit(&w, 257);
	put_code(&w, 0, 5);
	put_fixed_lit(&w, 256);
	assert_int_equal(decode_raw(&w, text, sizeof(text)), 0);
	assert_string_equal(text, "aaaa");

	/* a copy before any output */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 1, 2);
	put_fixed_lit(&w, 257);
	put_code(&w, 0, 5);
	put_fixed_lit(&w, 256);
	assert_int_equal(decode_raw(&w, text, sizeof(text)), -EBADMSG);

	/* distance 2 with one byte of output */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 1, 2);
	put_fixed_lit(&w, 'x');
	put_fixed_lit(&w, 257);
	put_code(&w, 1, 5);
	put_fixed_lit(&w, 256);
	assert_int_equal(decode_raw(&w, text, sizeof(text)), -EBADMSG);

	/* length symbol 286 and distance symbol 30 exist in the fixed code but are invalid */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 1, 2);
	put_fixed_lit(&w, 'x');
	put_fixed_lit(&w, 286);
	put_fixed_lit(&w, 256);
	assert_int_equal(decode_raw(&w, text, sizeof(text)), -EBADMSG);
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 1, 2);
	put_fixed_lit(&w, 'x');
	put_fixed_lit(&w, 257);
	put_code(&w, 30, 5);
	put_fixed_lit(&w, 256);
	assert_int_equal(decode_raw(&w, text, sizeof(text)), -EBADMSG);

	/* two blocks: a non-final stored block and a final fixed one */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 0, 1);
	put_bits(&w, 0, 2);
	w.bits = 8;
	put_bits(&w, 2, 16);
	put_bits(&w, 0xfffd, 16);
	put_bits(&w, 'o', 8);
	put_bits(&w, 'k', 8);
	put_bits(&w, 1, 1);
	put_bits(&w, 1, 2);
	put_fixed_lit(&w, '!');
	put_fixed_lit(&w, 256);
	assert_int_equal(decode_raw(&w, text, sizeof(text)), 0);
	assert_string_equal(text, "ok!");

	/* block type 3 */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 3, 2);
	assert_int_equal(decode_raw(&w, text, sizeof(text)), -EBADMSG);

	/* dynamic block headers: 287 literal/length codes, 31 distance codes */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 2, 2);
	put_bits(&w, 30, 5);
	put_bits(&w, 0, 5);
	put_bits(&w, 0, 4);
	assert_int_equal(decode_raw(&w, text, sizeof(text)), -EBADMSG);
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 2, 2);
	put_bits(&w, 0, 5);
	put_bits(&w, 30, 5);
	put_bits(&w, 0, 4);
	assert_int_equal(decode_raw(&w, text, sizeof(text)), -EBADMSG);

	/* 288 + 32 codes with all their lengths present: a decoder without the
	 * count check would write 320 code lengths (caught by ASan) */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 2, 2);
	put_bits(&w, 31, 5);
	put_bits(&w, 31, 5);
	put_bits(&w, 1, 4); /* 5 code length code lengths: 16, 17, 18, 0, 8 */
	for (int i = 0; i < 5; i++)
		put_bits(&w, i == 2 || i == 4 ? 1 : 0, 3); /* 8 = '0', 18 = '1' */
	for (int i = 0; i < 257; i++)
		put_code(&w, 0, 1);
	put_code(&w, 1, 1);
	put_bits(&w, 63 - 11, 7); /* 63 zeros */
	assert_int_equal(decode_raw(&w, text, sizeof(text)), -EBADMSG);

	/* dynamic block whose code length code is over-subscribed (three 1-bit codes) */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 2, 2);
	put_bits(&w, 0, 5);
	put_bits(&w, 0, 5);
	put_bits(&w, 0, 4);
	put_bits(&w, 1, 3);
	put_bits(&w, 1, 3);
	put_bits(&w, 1, 3);
	put_bits(&w, 0, 3);
	assert_int_equal(decode_raw(&w, text, sizeof(text)), -EBADMSG);

	/* dynamic block whose distance code is over-subscribed (three 1-bit codes) even
	 * though the data uses no distance: 257 literal/length codes of 9 bits
	 * (code = symbol), sent with a code length code of two 1-bit codes (symbol
	 * 1 = '0', symbol 9 = '1'); then 'A' and end-of-block */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 2, 2);
	put_bits(&w, 0, 5);  /* 257 literal/length codes */
	put_bits(&w, 2, 5);  /* 3 distance codes */
	put_bits(&w, 14, 4); /* 18 code length code lengths, up to symbol 1 */
	for (int i = 0; i < 18; i++)
		put_bits(&w, i == 6 || i == 17 ? 1 : 0, 3); /* positions of symbols 9 and 1 */
	for (int i = 0; i < 257; i++)
		put_code(&w, 1, 1);
	for (int i = 0; i < 3; i++)
		put_code(&w, 0, 1);
	put_code(&w, 'A', 9);
	put_code(&w, 256, 9);
	assert_int_equal(decode_raw(&w, text, sizeof(text)), -EBADMSG);
	/* the same with a complete distance code (two 1-bit codes) decodes */
	{
		struct bitwriter ok = w;

		memset(&ok, 0, sizeof(ok));
		put_bits(&ok, 1, 1);
		put_bits(&ok, 2, 2);
		put_bits(&ok, 0, 5);
		put_bits(&ok, 1, 5);
		put_bits(&ok, 14, 4);
		for (int i = 0; i < 18; i++)
			put_bits(&ok, i == 6 || i == 17 ? 1 : 0, 3);
		for (int i = 0; i < 257; i++)
			put_code(&ok, 1, 1);
		for (int i = 0; i < 2; i++)
			put_code(&ok, 0, 1);
		put_code(&ok, 'A', 9);
		put_code(&ok, 256, 9);
		assert_int_equal(decode_raw(&ok, text, sizeof(text)), 0);
		assert_string_equal(text, "A");
	}

	/* dynamic block starting with "repeat previous length" */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 2, 2);
	put_bits(&w, 0, 5);
	put_bits(&w, 0, 5);
	put_bits(&w, 0, 4);  /* 4 code length code lengths: for 16, 17, 18, 0 */
	put_bits(&w, 1, 3);  /* 16: 1 bit */
	put_bits(&w, 1, 3);  /* 17: 1 bit */
	put_bits(&w, 0, 3);
	put_bits(&w, 0, 3);
	put_code(&w, 0, 1);  /* symbol 16 */
	put_bits(&w, 0, 2);
	assert_int_equal(decode_raw(&w, text, sizeof(text)), -EBADMSG);

	/* empty input */
	{
		void *out;
		size_t len;

		assert_int_equal(em_inflate_raw("", 0, 100, &out, &len), -EBADMSG);
		assert_int_equal(em_inflate_gzip("", 0, 100, &out, &len), -EBADMSG);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_short_text_fixed),
		cmocka_unit_test(test_mixed_text_dynamic),
		cmocka_unit_test(test_random_stored),
		cmocka_unit_test(test_all_levels),
		cmocka_unit_test(test_multi_member),
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_proc_config),
		cmocka_unit_test(test_max_out),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_flipped_bits),
		cmocka_unit_test(test_random_garbage),
		cmocka_unit_test(test_handmade),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
