/* test_helper_defs.c - checks the generated bpf_helper_defs.h against the build machine's UAPI helper list (unit test) */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#ifndef UAPI_BPF_H
#define UAPI_BPF_H "/usr/include/linux/bpf.h"
#endif
#define DEFS_H BUILD_ROOT "/include/ebpfmini/bpf_helper_defs.h"

struct helper {
	char name[64];
	long id;
};

struct helper_list {
	struct helper *v;
	size_t n, cap;
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;

	assert_non_null(f);
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static void list_add(struct helper_list *l, const char *name, size_t name_len, long id)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		assert_non_null(l->v);
	}
	assert_true(name_len > 0 && name_len < sizeof(l->v[0].name));
	memcpy(l->v[l->n].name, name, name_len);
	l->v[l->n].name[name_len] = '\0';
	l->v[l->n].id = id;
	l->n++;
}

static const struct helper *list_find(const struct helper_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

/*
 * Independent reading of the UAPI helper list: the body of the mapper macro
 * (the 3-underscore one of Linux >= 6.2 when present, else __BPF_FUNC_MAPPER),
 * i.e. the #define line and its backslash continuations. Each "FN(name" is one
 * helper; its id is the explicit second argument or else its position.
 */
static void parse_uapi(const char *text, struct helper_list *out)
{
	const char *def = strstr(text, "#define ___BPF_FUNC_MAPPER(");
	const char *p, *end;
	long pos = 0;

	if (!def)
		def = strstr(text, "#define __BPF_FUNC_MAPPER(");
	assert_non_null(def);
	/* end of the macro: the first newline not preceded by a backslash */
	for (end = def; *end; end++)
		if (*end == '\n' && end[-1] != '\\')
			break;
	p = strchr(def, ')'); /* skip the macro's own parameter list */
	assert_non_null(p);
	while ((p = strstr(p, "FN(")) && p < end) {
		const char *name = p + 3, *q = name;
		long id = pos;

		while (isalnum((unsigned char)*q) || *q == '_')
			q++;
		if (*q == ',') {
			char *e;
			long v = strtol(q + 1, &e, 10);
			if (e != q + 1)
				id = v;
		}
		list_add(out, name, (size_t)(q - name), id);
		pos++;
		p = q;
	}
}

/* Every "static ... (* const bpf_NAME)(...) = (void *) ID;" line of the header. */
static void parse_defs(const char *text, struct helper_list *out)
{
	const char *line = text;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (!strncmp(line, "static ", 7)) {
			const char *n = strstr(line, "(* const bpf_");
			const char *idp = strstr(line, "= (void *) ");
			const char *q;

			assert_true(n && n < line + len);
			assert_true(idp && idp < line + len);
			n += strlen("(* const bpf_");
			for (q = n; *q != ')'; q++)
				assert_true(isalnum((unsigned char)*q) || *q == '_');
			list_add(out, n, (size_t)(q - n), strtol(idp + strlen("= (void *) "), NULL, 10));
			assert_true(line[len - 1] == ';');
		}
		line = nl ? nl + 1 : NULL;
	}
}

/* Returns the "static ..." line declaring bpf_<name>, as a new string. */
static char *decl_of(const char *defs, const char *name)
{
	char key[96];
	const char *p, *start, *nl;

	snprintf(key, sizeof(key), "(* const bpf_%s)(", name);
	p = strstr(defs, key);
	assert_non_null(p);
	for (start = p; start > defs && start[-1] != '\n'; start--)
		;
	nl = strchr(p, '\n');
	assert_non_null(nl);
	return strndup(start, (size_t)(nl - start));
}

static void test_counts_and_ids(void **state)
{
	(void)state;
	char *uapi = slurp(UAPI_BPF_H), *defs = slurp(DEFS_H);
	struct helper_list u = { 0 }, d = { 0 };
	size_t callable = 0;

	parse_uapi(uapi, &u);
	parse_defs(defs, &d);
	assert_true(u.n > 100); /* the list was really found */
	for (size_t i = 0; i < u.n; i++) {
		const struct helper *h;

		if (!strcmp(u.v[i].name, "unspec")) {
			assert_null(list_find(&d, "unspec"));
			continue;
		}
		callable++;
		h = list_find(&d, u.v[i].name);
		if (!h)
			fail_msg("helper %s (id %ld) missing from the generated header", u.v[i].name,
				 u.v[i].id);
		assert_int_equal(h->id, u.v[i].id);
	}
	/* the in-tree list may be newer than the build machine's headers, never older */
	assert_true(d.n >= callable);
	/* no name or id twice */
	for (size_t i = 0; i < d.n; i++)
		for (size_t j = i + 1; j < d.n; j++) {
			assert_string_not_equal(d.v[i].name, d.v[j].name);
			assert_int_not_equal(d.v[i].id, d.v[j].id);
		}

	/* ids fixed by the kernel ABI */
	assert_int_equal(list_find(&d, "map_lookup_elem")->id, 1);
	assert_int_equal(list_find(&d, "trace_printk")->id, 6);
	assert_int_equal(list_find(&d, "ringbuf_output")->id, 130);
	assert_int_equal(list_find(&d, "get_current_pid_tgid")->id, 14);
	assert_int_equal(list_find(&d, "loop")->id, 181);
	/* added in Linux 6.2: declared even when the build machine has older headers */
	assert_int_equal(list_find(&d, "cgrp_storage_get")->id, 210);
	assert_int_equal(list_find(&d, "cgrp_storage_delete")->id, 211);

	free(u.v);
	free(d.v);
	free(uapi);
	free(defs);
}

static void test_prototypes(void **state)
{
	(void)state;
	char *defs = slurp(DEFS_H);
	char *s;

	s = decl_of(defs, "map_lookup_elem");
	assert_string_equal(s, "static void *(* const bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;");
	free(s);
	s = decl_of(defs, "trace_printk");
	assert_string_equal(s, "static long (* const bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) = (void *) 6;");
	free(s);
	s = decl_of(defs, "ktime_get_ns");
	assert_non_null(strstr(s, "static __u64 (* const bpf_ktime_get_ns)(void) ="));
	free(s);
	/* program context types are the UAPI mirror structs */
	s = decl_of(defs, "skb_store_bytes");
	assert_string_equal(s, "static long (* const bpf_skb_store_bytes)(struct __sk_buff *skb, __u32 offset, "
			       "const void *from, __u32 len, __u64 flags) = (void *) 9;");
	free(s);
	s = decl_of(defs, "xdp_adjust_head");
	assert_non_null(strstr(s, "(struct xdp_md *xdp_md, int delta)"));
	free(s);
	/* documented with several context types: the context parameter is void * */
	s = decl_of(defs, "get_socket_cookie");
	assert_non_null(strstr(s, "(void *ctx)"));
	free(s);

	/* each prototype's struct types are declared beforehand, and no kernel-internal
	 * short type names (u32, s64, ...) or struct bpf_map remain */
	for (const char *line = defs; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *l = strndup(line, len);

		if (!strncmp(l, "static ", 7)) {
			static const char *const bad[] = { " u8 ", " u16 ", " u32 ", " u64 ", " s32 ",
							   " s64 ", "(u32 ", "(u64 ", "(s64 ", "(u8 ",
							   "struct bpf_map ", "struct sk_buff ",
							   "struct xdp_buff ", "size_t" };
			for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
				if (strstr(l, bad[i]))
					fail_msg("'%s' in: %s", bad[i], l);
			for (const char *st = strstr(l, "struct "); st; st = strstr(st + 7, "struct ")) {
				char fwd[128];
				size_t n = strspn(st + 7, "abcdefghijklmnopqrstuvwxyz0123456789_");
				const char *decl;

				if (isalnum((unsigned char)st[-1]) || st[-1] == '_')
					continue; /* the tail of a name such as task_struct */
				snprintf(fwd, sizeof(fwd), "\nstruct %.*s;\n", (int)n, st + 7);
				decl = strstr(defs, fwd);
				if (!decl || decl > line)
					fail_msg("no forward declaration before use: %s", fwd + 1);
			}
		}
		free(l);
		line = nl ? nl + 1 : NULL;
	}
	free(defs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_and_ids),
		cmocka_unit_test(test_prototypes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
