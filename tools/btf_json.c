/* btf_json.c - ebpfmini btf dump ... format raw -j: the library's raw listing as JSON, in bpftool's field names */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ebpfmini/ebpfmini.h>

#include "tool.h"

/*
 * The JSON is read off the raw listing that ebpfmini_btf_dump() writes, so the
 * two cannot disagree: a type's line "[5] STRUCT 'point' size=4 vlen=2" gives
 * {"id":5,"kind":"STRUCT","name":"point","size":4,"vlen":2}, and the lines
 * after it that start with a tab (members, enumerators, parameters, section
 * variables) the elements of its list.
 */

struct text {
	char *buf;
	size_t len, cap;
};

static int collect(void *ctx, const char *data, size_t len)
{
	struct text *t = ctx;

	if (t->len + len + 1 > t->cap) {
		size_t cap = (t->len + len + 1) * 2;
		char *p = realloc(t->buf, cap);

		if (!p)
			return -ENOMEM;
		t->buf = p;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, data, len);
	t->len += len;
	t->buf[t->len] = '\0';
	return 0;
}

/* the list a type's tab-indented lines make, by its kind (bpftool's names) */
static const char *list_name(const char *kind)
{
	return !strcmp(kind, "STRUCT") || !strcmp(kind, "UNION")  ? "members" :
	       !strcmp(kind, "ENUM") || !strcmp(kind, "ENUM64")   ? "values" :
	       !strcmp(kind, "FUNC_PROTO")			  ? "params" :
	       !strcmp(kind, "DATASEC")				  ? "vars" :
									    "items";
}

static bool is_number(const char *s, size_t n)
{
	size_t i = n && s[0] == '-';

	if (i == n)
		return false;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The words of line (up to end) as members: 'name' as "name", key=value as "key": value; a
 * "(...)" aside (a section variable's kind and name) is left out. */
static void members(struct json *j, const char *line, const char *end)
{
	char key[64];

	while (line < end) {
		const char *w = line, *eq, *stop;

		while (w < end && (*w == ' ' || *w == '\t' || *w == ','))
			w++;
		if (w >= end)
			break;
		if (*w == '(') { /* to the closing parenthesis */
			stop = memchr(w, ')', (size_t)(end - w));
			line = stop ? stop + 1 : end;
			continue;
		}
		if (*w == '\'') { /* a quoted name: may hold any character but the quote */
			stop = memchr(w + 1, '\'', (size_t)(end - w - 1));
			stop = stop ? stop : end;
			json_strn(j, "name", w + 1, (size_t)(stop - w - 1));
			line = stop < end ? stop + 1 : end;
			continue;
		}
		stop = w;
		while (stop < end && *stop != ' ' && *stop != ',')
			stop++;
		eq = memchr(w, '=', (size_t)(stop - w));
		line = stop;
		if (!eq || (size_t)(eq - w) >= sizeof(key))
			continue;
		memcpy(key, w, (size_t)(eq - w));
		key[eq - w] = '\0';
		if (is_number(eq + 1, (size_t)(stop - eq - 1)))
			json_int(j, key, strtoll(eq + 1, NULL, 10));
		else
			json_strn(j, key, eq + 1, (size_t)(stop - eq - 1));
	}
}

int tool_btf_json(const struct ebpfmini_btf *btf)
{
	struct text t = { 0 };
	struct json *j = tool_json;
	bool in_type = false, in_list = false;
	int err = ebpfmini_btf_dump(btf, EBPFMINI_BTF_DUMP_RAW, collect, &t);

	if (err) {
		free(t.buf);
		return err;
	}
	json_open(j, NULL);
	json_open_array(j, "types");
	for (char *line = t.buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		char *end, *kind, *kend;

		nl = strchr(line, '\n');
		end = nl ? nl : line + strlen(line);
		if (*line == '\t' && in_type) { /* an element of the type's list */
			json_open(j, NULL);
			members(j, line + 1, end);
			json_close(j);
			continue;
		}
		if (*line != '[')
			continue;
		if (in_list)
			json_close_array(j);
		if (in_type)
			json_close(j);
		in_list = false;
		kind = strchr(line, ' ');
		kind = kind && kind < end ? kind + 1 : end;
		kend = memchr(kind, ' ', (size_t)(end - kind));
		kend = kend ? kend : end;
		json_open(j, NULL);
		json_uint(j, "id", strtoul(line + 1, NULL, 10));
		json_strn(j, "kind", kind, (size_t)(kend - kind));
		members(j, kend, end);
		in_type = true;
		if (nl && nl[1] == '\t') {
			char k[32];

			snprintf(k, sizeof(k), "%.*s", (int)(kend - kind), kind);
			json_open_array(j, list_name(k));
			in_list = true;
		}
	}
	if (in_list)
		json_close_array(j);
	if (in_type)
		json_close(j);
	json_close_array(j);
	json_close(j);
	free(t.buf);
	return 0;
}
