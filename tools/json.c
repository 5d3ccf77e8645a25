/* json.c - the ebpfmini tool's JSON writer: escaping, commas, pretty indentation */
#include <math.h>
#include <string.h>

#include "json.h"

void json_init(struct json *j, FILE *out, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pretty = pretty;
	j->first[0] = true;
}

static void newline(struct json *j)
{
	if (!j->pretty)
		return;
	fputc('\n', j->out);
	for (int i = 0; i < j->depth; i++)
		fputs("    ", j->out);
}

static void quoted(struct json *j, const char *s, size_t n)
{
	fputc('"', j->out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(j->out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", j->out);
		else if (c == '\t')
			fputs("\\t", j->out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(j->out, "\\u%04x", c);
		else
			fputc(c, j->out);
	}
	fputc('"', j->out);
}

/* Before a value: the comma, the indentation and "key": */
static void member(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->out);
	if (j->depth)
		newline(j);
	j->first[j->depth] = false;
	if (key) {
		quoted(j, key, strlen(key));
		fputs(j->pretty ? ": " : ":", j->out);
	}
}

static void begin(struct json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->out);
	if (j->depth + 1 < (int)(sizeof(j->first) / sizeof(j->first[0])))
		j->depth++;
	j->first[j->depth] = true;
}

static void end(struct json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth)
		j->depth--;
	if (!empty)
		newline(j);
	fputc(c, j->out);
	if (!j->depth)
		fputc('\n', j->out); /* the document is complete */
}

void json_open(struct json *j, const char *key)
{
	begin(j, key, '{');
}

void json_close(struct json *j)
{
	end(j, '}');
}

void json_open_array(struct json *j, const char *key)
{
	begin(j, key, '[');
}

void json_close_array(struct json *j)
{
	end(j, ']');
}

void json_strn(struct json *j, const char *key, const char *s, size_t n)
{
	member(j, key);
	quoted(j, s, n);
}

void json_str(struct json *j, const char *key, const char *s)
{
	if (!s) {
		json_null(j, key);
		return;
	}
	json_strn(j, key, s, strlen(s));
}

void json_uint(struct json *j, const char *key, uint64_t v)
{
	member(j, key);
	fprintf(j->out, "%llu", (unsigned long long)v);
}

void json_int(struct json *j, const char *key, int64_t v)
{
	member(j, key);
	fprintf(j->out, "%lld", (long long)v);
}

void json_double(struct json *j, const char *key, double v)
{
	member(j, key);
	if (isfinite(v))
		fprintf(j->out, "%.17g", v);
	else
		fputs("null", j->out); /* JSON has no NaN or infinity */
}

void json_bool(struct json *j, const char *key, bool v)
{
	member(j, key);
	fputs(v ? "true" : "false", j->out);
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	fputs("null", j->out);
}

void json_hex_array(struct json *j, const char *key, const void *data, size_t n)
{
	const unsigned char *p = data;
	bool pretty = j->pretty;

	json_open_array(j, key);
	j->pretty = false; /* bytes on one line */
	for (size_t i = 0; i < n; i++) {
		char b[8];

		snprintf(b, sizeof(b), "0x%02x", p[i]);
		json_str(j, NULL, b);
	}
	json_close_array(j);
	j->pretty = pretty;
}
