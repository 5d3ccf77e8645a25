/* btf_dump_check.h - test-only: dump BTF to text, compile the C header with clang and compare
 * the layouts clang made with the BTF's (shared by test_btf_dump.c and test_btf_dump_hand.c) */
#ifndef EBPFMINI_TEST_BTF_DUMP_CHECK_H
#define EBPFMINI_TEST_BTF_DUMP_CHECK_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "btf.h"
#include "btf_builder.h"
#include "btf_test_obj.h"
#include "internal.h"
#include "log_capture.h"

#ifndef CLANG
#define CLANG "clang"
#endif

/* Each test file uses some of these helpers: EM_UNUSED keeps the others quiet. */

/* ---- helpers -------------------------------------------------------------------------------- */

static EM_UNUSED char tmpdir[64];

static EM_UNUSED int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static EM_UNUSED int group_setup(void **state)
{
	(void)state;
	log_capture_start(EBPFMINI_LOG_WARN); /* count warnings and errors */
	signal(SIGPIPE, SIG_IGN);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ebpfmini-btf-dump-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static EM_UNUSED int group_teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Text a dump wrote; fail_at > 0 makes the fail_at-th write fail with -EIO. */
struct text {
	char *p;
	size_t len, cap;
	int calls, fail_at;
};

static EM_UNUSED int text_write(void *ctx, const char *data, size_t len)
{
	struct text *t = ctx;

	t->calls++;
	if (t->fail_at && t->calls >= t->fail_at)
		return -EIO;
	if (t->len + len + 1 > t->cap) {
		t->cap = (t->len + len + 1) * 2;
		t->p = realloc(t->p, t->cap);
		assert_non_null(t->p);
	}
	memcpy(t->p + t->len, data, len);
	t->len += len;
	t->p[t->len] = '\0';
	return 0;
}

/* The whole dump as a string (caller frees), asserting success. */
static EM_UNUSED char *dump(const struct ebpfmini_btf *btf, enum ebpfmini_btf_dump_format fmt)
{
	struct text t = { 0 };

	assert_int_equal(ebpfmini_btf_dump(btf, fmt, text_write, &t), 0);
	assert_non_null(t.p);
	return t.p;
}

static EM_UNUSED void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static EM_UNUSED void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 20, n = 0, k;
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(cap + 1);
	while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n == cap)
			buf = realloc(buf, (cap *= 2) + 1);
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	*size = n;
	return buf;
}

/* Runs a shell command; on failure prints it and what it wrote to stderr. */
static EM_UNUSED int run(const char *cmd, const char *errfile)
{
	char full[4096];
	int status;

	snprintf(full, sizeof(full), "%s 2>%s", cmd, errfile);
	status = system(full);
	if (status != 0) {
		size_t n;
		char *err = read_file(errfile, &n);

		print_error("command failed (status %d): %s\n%.4000s\n", status, cmd,
			    err ? err : "");
		free(err);
	}
	return status;
}

/* The .BTF of a clang-built object, parsed. */
static EM_UNUSED struct ebpfmini_btf *obj_btf(const char *path)
{
	struct ebpfmini_btf *btf = NULL;
	const void *data = NULL;
	struct tobj obj;
	size_t size = 0;

	assert_int_equal(tobj_read(path, &obj), 0);
	assert_true(tobj_section(&obj, ".BTF", &data, &size) >= 0);
	assert_int_equal(ebpfmini_btf_new(data, size, &btf), 0);
	tobj_free(&obj);
	return btf;
}

static EM_UNUSED struct ebpfmini_btf *blob_btf(struct bb *b)
{
	struct ebpfmini_btf *btf = NULL;
	uint8_t *raw;
	size_t size;

	bb_finish(b);
	raw = bb_bytes(b, &size);
	assert_int_equal(ebpfmini_btf_new(raw, size, &btf), 0);
	free(raw);
	return btf;
}

/* ---- layout comparison: what clang made of the header against the original BTF ------------ */

struct memb {
	const char *name;
	uint32_t type, off, bits;
};

/* Members C keeps (named, or anonymous struct/union), with bit offsets and widths. */
static EM_UNUSED size_t members(const struct ebpfmini_btf *btf, const struct btf_type *t,
				struct memb *out, size_t max)
{
	const struct btf_member *m = em_btf_tail(t);
	size_t n = 0;

	for (uint32_t i = 0; i < em_btf_vlen(t) && n < max; i++) {
		const struct btf_type *mt = em_btf_type(btf, m[i].type);
		int rid = em_btf_skip_mods(btf, m[i].type);
		const struct btf_type *it = rid > 0 ? em_btf_type(btf, (uint32_t)rid) : NULL;
		struct memb *o = &out[n];

		o->name = em_btf_str(btf, m[i].name_off);
		o->type = m[i].type;
		o->off = em_btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m[i].offset) : m[i].offset;
		o->bits = em_btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(m[i].offset) : 0;
		if (!em_btf_kflag(t) && it && em_btf_kind(it) == BTF_KIND_INT) {
			uint32_t info = *(const uint32_t *)em_btf_tail(it);

			if (BTF_INT_BITS(info) != it->size * 8 || BTF_INT_OFFSET(info)) {
				o->bits = BTF_INT_BITS(info);
				o->off += BTF_INT_OFFSET(info);
			}
		}
		/* unnamed members C drops, and the header's padding-only anonymous structs */
		if (!*o->name &&
		    !(mt &&
		      (em_btf_kind(mt) == BTF_KIND_STRUCT || em_btf_kind(mt) == BTF_KIND_UNION) &&
		      em_btf_vlen(mt)))
			continue;
		n++;
	}
	return n;
}

/* 0 when record ia of a and ib of b have the same size and members at the same places. */
static EM_UNUSED int cmp_record(const struct ebpfmini_btf *a, uint32_t ia,
				const struct ebpfmini_btf *b, uint32_t ib, int depth)
{
	const struct btf_type *ta = em_btf_type(a, ia), *tb = em_btf_type(b, ib);
	static struct memb ma[4][1024], mb[4][1024];
	const char *name = em_btf_type_name(a, ta);
	size_t na, nb;

	if (depth >= 4)
		return 0;
	if (!tb || em_btf_kind(ta) != em_btf_kind(tb) || ta->size != tb->size) {
		print_error("'%s' [%u]: size %u in BTF, clang made %u\n", name, ia, ta->size,
			    tb ? tb->size : 0);
		return -1;
	}
	na = members(a, ta, ma[depth], 1024);
	nb = members(b, tb, mb[depth], 1024);
	if (na != nb) {
		print_error("'%s' [%u]: %zu members in BTF, %zu in clang's\n", name, ia, na, nb);
		return -1;
	}
	for (size_t i = 0; i < na; i++) {
		struct memb *x = &ma[depth][i], *y = &mb[depth][i];
		uint32_t sx = 0, sy = 0;
		int rx, ry;

		em_btf_resolve_size(a, x->type, &sx);
		em_btf_resolve_size(b, y->type, &sy);
		if (strcmp(x->name, y->name) || x->off != y->off || x->bits != y->bits ||
		    sx != sy) {
			print_error("'%s' [%u] member %zu: BTF '%s' at bit %u (%u bits, size %u), "
				    "clang '%s' at bit %u (%u bits, size %u)\n",
				    name, ia, i, x->name, x->off, x->bits, sx, y->name, y->off,
				    y->bits, sy);
			return -1;
		}
		rx = em_btf_skip_mods(a, x->type);
		ry = em_btf_skip_mods(b, y->type);
		if (rx > 0 && ry > 0 && !*x->name &&
		    cmp_record(a, (uint32_t)rx, b, (uint32_t)ry, depth + 1))
			return -1;
	}
	return 0;
}

static EM_UNUSED int cmp_name(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* True when some other struct/union/enum/fwd has t's name (the header suffixes one of them). */
static EM_UNUSED bool *dup_names(const struct ebpfmini_btf *btf)
{
	uint32_t end = em_btf_type_end(btf), n = 0;
	const char **names = calloc(end, sizeof(*names));
	bool *dup = calloc(end, 1);

	assert_true(names && dup);
	for (uint32_t id = 1; id < end; id++) {
		const struct btf_type *t = em_btf_type(btf, id);
		unsigned k = em_btf_kind(t);

		if (k == BTF_KIND_STRUCT || k == BTF_KIND_UNION || k == BTF_KIND_ENUM ||
		    k == BTF_KIND_ENUM64 || k == BTF_KIND_FWD)
			names[n++] = em_btf_type_name(btf, t);
	}
	qsort(names, n, sizeof(*names), cmp_name);
	for (uint32_t id = 1; id < end; id++) {
		const char *name = em_btf_type_name(btf, em_btf_type(btf, id));
		const char **p = bsearch(&name, names, n, sizeof(*names), cmp_name);

		dup[id] = p && ((p > names && !strcmp(p[-1], name)) ||
				(p + 1 < names + n && !strcmp(p[1], name)));
	}
	free(names);
	return dup;
}

/* "struct x" / "union x" for every top-level definition the header packs, sorted. */
static EM_UNUSED char **packed_records(const char *hdr, size_t *count)
{
	char **names = NULL, *open = NULL;
	size_t n = 0;

	for (const char *p = hdr; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if ((!strncmp(p, "struct ", 7) || !strncmp(p, "union ", 6)) && len > 2 &&
		    !strncmp(p + len - 2, " {", 2)) {
			free(open);
			open = strndup(p, len - 2);
		} else if (len == 26 && !strncmp(p, "} __attribute__((packed));", 26) && open) {
			names = realloc(names, (n + 1) * sizeof(*names));
			assert_non_null(names);
			names[n++] = open;
			open = NULL;
		}
		p += len + (nl != NULL);
	}
	free(open);
	if (n)
		qsort(names, n, sizeof(*names), cmp_name);
	*count = n;
	return names;
}

/*
 * Dumps btf as a C header, compiles a file that includes it and defines a global of
 * every named struct and union (every stride-th one, all with bitfields, all packed), with
 * clang -target bpf -g -Wall -Werror, reads the BTF clang made and compares each
 * record's size and member offsets with the original. extra is appended to the C
 * file (static assertions). Returns the number of records compared.
 */
static EM_UNUSED unsigned roundtrip(const struct ebpfmini_btf *btf, const char *tag,
				    unsigned stride, const char *extra)
{
	char hpath[128], cpath[128], opath[128], epath[128], cmd[1024];
	uint32_t end = em_btf_type_end(btf), checked = 0, wanted = 0;
	struct ebpfmini_btf *cbtf;
	char *hdr = dump(btf, EBPFMINI_BTF_DUMP_C);
	bool *dup = dup_names(btf);
	struct text c = { 0 };
	size_t npacked;
	char **packed = packed_records(hdr, &npacked);

	snprintf(hpath, sizeof(hpath), "%s/%s.h", tmpdir, tag);
	snprintf(cpath, sizeof(cpath), "%s/%s_check.c", tmpdir, tag);
	snprintf(opath, sizeof(opath), "%s/%s_check.o", tmpdir, tag);
	snprintf(epath, sizeof(epath), "%s/%s_check.err", tmpdir, tag);
	write_file(hpath, hdr, strlen(hdr));

	snprintf(cmd, sizeof(cmd), "#include \"%s.h\"\n", tag);
	text_write(&c, cmd, strlen(cmd));
	for (uint32_t id = 1; id < end; id++) {
		const struct btf_type *t = em_btf_type(btf, id);
		unsigned k = em_btf_kind(t);
		const char *name = em_btf_type_name(btf, t);

		if ((k != BTF_KIND_STRUCT && k != BTF_KIND_UNION) || !*name || dup[id])
			continue;
		snprintf(cmd, sizeof(cmd), "%s %s", k == BTF_KIND_UNION ? "union" : "struct", name);
		if (id % stride && !em_btf_kflag(t) &&
		    !(npacked &&
		      bsearch(&(const char *){ cmd }, packed, npacked, sizeof(*packed), cmp_name)))
			continue;
		snprintf(cmd, sizeof(cmd), "%s %s __chk_%u;\n",
			 k == BTF_KIND_UNION ? "union" : "struct", name, id);
		text_write(&c, cmd, strlen(cmd));
		wanted++;
	}
	if (extra)
		text_write(&c, extra, strlen(extra));
	write_file(cpath, c.p, c.len);
	free(c.p);
	free(dup);
	free(hdr);
	for (size_t i = 0; i < npacked; i++)
		free(packed[i]);
	free(packed);

	snprintf(cmd, sizeof(cmd), "%s -target bpf -g -O0 -Wall -Werror -c %s -o %s", CLANG, cpath,
		 opath);
	assert_int_equal(run(cmd, epath), 0);

	cbtf = obj_btf(opath);
	for (uint32_t id = 1; id < em_btf_type_end(cbtf); id++) {
		const struct btf_type *t = em_btf_type(cbtf, id);
		const char *name = em_btf_type_name(cbtf, t);
		unsigned long orig;
		int rid;

		if (em_btf_kind(t) != BTF_KIND_VAR || strncmp(name, "__chk_", 6))
			continue;
		orig = strtoul(name + 6, NULL, 10);
		rid = em_btf_skip_mods(cbtf, t->type);
		assert_true(orig > 0 && orig < end && rid > 0);
		assert_int_equal(cmp_record(btf, (uint32_t)orig, cbtf, (uint32_t)rid, 0), 0);
		checked++;
	}
	ebpfmini_btf_free(cbtf);
	assert_int_equal(checked, wanted);
	return checked;
}

/* Does text hold line (a whole line)? */
static EM_UNUSED bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = strstr(text, line); p; p = strstr(p + 1, line))
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

static EM_UNUSED void assert_line(const char *text, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!has_line(text, line))
		fail_msg("missing line: \"%s\"", line);
}

/* ---- hand-built BTF ------------------------------------------------------------------------ */

/* Dumps btf as C and checks that clang accepts it (no layout to compare). */
static EM_UNUSED void compile_header(const struct ebpfmini_btf *btf, const char *tag)
{
	char hpath[128], epath[128], cmd[1024];
	char *h = dump(btf, EBPFMINI_BTF_DUMP_C);

	snprintf(hpath, sizeof(hpath), "%s/%s.h", tmpdir, tag);
	snprintf(epath, sizeof(epath), "%s/%s.err", tmpdir, tag);
	write_file(hpath, h, strlen(h));
	free(h);
	snprintf(cmd, sizeof(cmd), "%s -target bpf -Wall -Werror -fsyntax-only -x c %s", CLANG,
		 hpath);
	assert_int_equal(run(cmd, epath), 0);
}

static EM_UNUSED void member(struct bb *b, const char *name, uint32_t type, uint32_t off)
{
	bb_word(b, name ? bb_str(b, name) : 0);
	bb_word(b, type);
	bb_word(b, off);
}

static EM_UNUSED void enumerator(struct bb *b, const char *name, uint64_t v, bool is64)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, (uint32_t)v);
	if (is64)
		bb_word(b, (uint32_t)(v >> 32));
}

#endif /* EBPFMINI_TEST_BTF_DUMP_CHECK_H */
