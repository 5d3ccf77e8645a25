/* json.h - the ebpfmini tool's JSON writer: one document per call, -j compact, -p pretty */
#ifndef EBPFMINI_TOOL_JSON_H
#define EBPFMINI_TOOL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * A streaming writer. Every value function takes the member name when the
 * enclosing value is an object and NULL inside an array (and at the top);
 * commas, quotes, escapes and (pretty) indentation are its business.
 */
struct json {
	FILE *out;
	bool pretty;
	int depth;
	bool first[64]; /* no member yet at this depth */
};

void json_init(struct json *j, FILE *out, bool pretty);
void json_open(struct json *j, const char *key);       /* { */
void json_close(struct json *j);                       /* } */
void json_open_array(struct json *j, const char *key); /* [ */
void json_close_array(struct json *j);                 /* ] */
void json_str(struct json *j, const char *key, const char *s);
/* a string of n bytes that need not end in NUL (NULs are escaped) */
void json_strn(struct json *j, const char *key, const char *s, size_t n);
void json_uint(struct json *j, const char *key, uint64_t v);
void json_int(struct json *j, const char *key, int64_t v);
void json_double(struct json *j, const char *key, double v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
/* n bytes as an array of "0x2a" strings, as bpftool writes keys and values */
void json_hex_array(struct json *j, const char *key, const void *data, size_t n);

#endif /* EBPFMINI_TOOL_JSON_H */
