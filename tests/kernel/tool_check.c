/* tool_check.c - what the kernel-tool tests compare the ebpfmini tool's output with:
 * the kernel's state read through the library, and a JSON validity check.
 *
 *   tool_check json              stdin is exactly one JSON document (exit 0) or not (1)
 *   tool_check prog PIN          "<id> <name> <type number> <map count>" of a pinned program
 *   tool_check map PIN           "<id> <name> <key size> <value size> <max entries>"
 *   tool_check map-value PIN K.. the value of key bytes K.. (decimal) as "2a 00 ..."
 *   tool_check map-count PIN     the number of keys
 *   tool_check link PIN          "<id> <prog id>"
 *   tool_check ids prog|map|link|btf   every id, one a line
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

/* ---- a JSON validator (RFC 8259), recursive descent ---- */

static const char *p;

static void ws(void)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
}

static int value(int depth);

static int string(void)
{
	if (*p++ != '"')
		return 0;
	while (*p != '"') {
		if ((unsigned char)*p < 0x20)
			return 0;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return 0;
				p += 4;
			} else if (!strchr("\"\\/bfnrt", *p) || !*p) {
				return 0;
			}
		}
		p++;
	}
	p++;
	return 1;
}

static int number(void)
{
	const char *start = p;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (isdigit((unsigned char)*p))
		while (isdigit((unsigned char)*p))
			p++;
	else
		return 0;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return p > start;
}

static int list(int depth, char close, int members)
{
	p++;
	ws();
	if (*p == close) {
		p++;
		return 1;
	}
	for (;;) {
		ws();
		if (members) {
			if (!string())
				return 0;
			ws();
			if (*p++ != ':')
				return 0;
		}
		if (!value(depth + 1))
			return 0;
		ws();
		if (*p == close) {
			p++;
			return 1;
		}
		if (*p++ != ',')
			return 0;
	}
}

static int value(int depth)
{
	ws();
	if (depth > 200)
		return 0;
	switch (*p) {
	case '{':
		return list(depth, '}', 1);
	case '[':
		return list(depth, ']', 0);
	case '"':
		return string();
	case 't':
		return !strncmp(p, "true", 4) && (p += 4);
	case 'f':
		return !strncmp(p, "false", 5) && (p += 5);
	case 'n':
		return !strncmp(p, "null", 4) && (p += 4);
	default:
		return number();
	}
}

static int check_json(void)
{
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap + 1);

	while (buf && (got = fread(buf + n, 1, cap - n, stdin)) > 0) {
		n += got;
		if (n == cap)
			buf = realloc(buf, (cap *= 2) + 1);
	}
	if (!buf)
		return 2;
	buf[n] = '\0';
	if (strlen(buf) != n) {
		fprintf(stderr, "json: a NUL byte in the output\n");
		return 1;
	}
	p = buf;
	if (!value(0)) {
		fprintf(stderr, "json: invalid at byte %zu: %.40s\n", (size_t)(p - buf), p);
		return 1;
	}
	ws();
	if (*p) {
		fprintf(stderr, "json: more than one document (byte %zu: %.40s)\n",
			(size_t)(p - buf), p);
		return 1;
	}
	free(buf);
	return 0;
}

/* ---- the kernel's state through the library ---- */

static int info_of(const char *pin, void *info, uint32_t size)
{
	int fd = ebpfmini_sys_obj_get(pin, 0), err;

	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", pin, strerror(-fd));
		exit(1);
	}
	memset(info, 0, size);
	err = ebpfmini_sys_obj_get_info(fd, info, &size);
	if (err) {
		fprintf(stderr, "%s: get info: %s\n", pin, strerror(-err));
		exit(1);
	}
	return fd;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "json"))
		return check_json();
	if (argc == 3 && !strcmp(argv[1], "prog")) {
		struct bpf_prog_info info;

		close(info_of(argv[2], &info, sizeof(info)));
		printf("%u %s %u %u\n", info.id, info.name, info.type, info.nr_map_ids);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "map")) {
		struct bpf_map_info info;

		close(info_of(argv[2], &info, sizeof(info)));
		printf("%u %s %u %u %u\n", info.id, info.name, info.key_size, info.value_size,
		       info.max_entries);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "link")) {
		struct bpf_link_info info;

		close(info_of(argv[2], &info, sizeof(info)));
		printf("%u %u\n", info.id, info.prog_id);
		return 0;
	}
	if (argc >= 3 && (!strcmp(argv[1], "map-value") || !strcmp(argv[1], "map-count"))) {
		struct bpf_map_info info;
		unsigned char key[256] = { 0 }, next[256], value[4096];
		int fd = info_of(argv[2], &info, sizeof(info)), n = 0, err;

		if (info.key_size > sizeof(key) || info.value_size > sizeof(value))
			return 2;
		if (argv[1][4] == 'c') {
			for (err = ebpfmini_sys_map_next_key(fd, NULL, next); !err;
			     err = ebpfmini_sys_map_next_key(fd, key, next), n++)
				memcpy(key, next, info.key_size);
			printf("%d\n", n);
			return 0;
		}
		for (int i = 3; i < argc && i - 3 < (int)sizeof(key); i++)
			key[i - 3] = (unsigned char)strtoul(argv[i], NULL, 0);
		err = ebpfmini_sys_map_lookup(fd, key, value, 0);
		if (err) {
			printf("error %d\n", err);
			return 0;
		}
		for (uint32_t i = 0; i < info.value_size; i++)
			printf("%s%02x", i ? " " : "", value[i]);
		printf("\n");
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "ids")) {
		int (*next)(uint32_t, uint32_t *) = !strcmp(argv[2], "prog") ? ebpfmini_sys_prog_get_next_id :
						    !strcmp(argv[2], "map")  ? ebpfmini_sys_map_get_next_id :
						    !strcmp(argv[2], "link") ? ebpfmini_sys_link_get_next_id :
									       ebpfmini_sys_btf_get_next_id;
		uint32_t id = 0;

		while (!next(id, &id))
			printf("%u\n", id);
		return 0;
	}
	fprintf(stderr, "usage: see the comment at the top of tool_check.c\n");
	return 2;
}
