/* kallsyms.c - /proc/kallsyms: the one parser; addresses hidden by kptr_restrict told from absent names (L3' kernel) */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernel.h"
#include "sys.h"

/* /proc/kallsyms of a distribution kernel is ~10 MiB; refuse nonsense beyond this. */
#define KALLSYMS_MAX (256u << 20)

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int em_kallsyms_parse(const char *text, struct em_kallsyms_query *q, size_t n, bool *hidden,
		      size_t *ambiguous)
{
	bool any_line = false, any_addr = false;
	const char *p = text;

	if (ambiguous)
		*ambiguous = SIZE_MAX;
	if (hidden)
		*hidden = false;
	if (!text || (n && !q))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		q[i].addr = 0;
		q[i].found = false;
	}
	while (*p) {
		const char *eol = strchr(p, '\n'), *name, *end;
		uint64_t addr = 0;
		size_t len;

		if (!eol)
			eol = p + strlen(p);
		/* "<hex> <type> <name>[\t[module]]": anything else is skipped */
		for (int d; p < eol && (d = hex_digit(*p)) >= 0; p++)
			addr = addr << 4 | (uint64_t)d;
		name = p + 3; /* " T " */
		if (p + 3 >= eol || p[0] != ' ' || p[2] != ' ') {
			p = *eol ? eol + 1 : eol;
			continue;
		}
		any_line = true;
		any_addr |= addr != 0;
		for (end = name; end < eol && *end != '\t' && *end != ' '; end++)
			;
		len = (size_t)(end - name);
		for (size_t i = 0; i < n; i++) {
			if (strncmp(q[i].name, name, len) != 0 || q[i].name[len] != '\0')
				continue;
			if (q[i].found && q[i].addr != addr) {
				if (ambiguous)
					*ambiguous = i;
				return -EINVAL;
			}
			q[i].addr = addr;
			q[i].found = true;
		}
		p = *eol ? eol + 1 : eol;
	}
	/* kernel.kptr_restrict (or a reader without CAP_SYSLOG): every address shows as 0 */
	if (hidden)
		*hidden = any_line && !any_addr;
	return 0;
}

int em_kallsyms_read(char **text)
{
	void *buf = NULL;
	int err;

	*text = NULL;
	err = em_sys_read_file(EM_KALLSYMS, KALLSYMS_MAX, &buf, NULL);
	if (!err)
		*text = buf;
	return err;
}

int em_kallsyms_lookup(struct em_kallsyms_query *q, size_t n, bool *hidden, size_t *ambiguous)
{
	char *text = NULL;
	int err;

	if (ambiguous)
		*ambiguous = SIZE_MAX;
	if (hidden)
		*hidden = false;
	if (n && !q)
		return -EINVAL;
	if (!n)
		return 0;
	err = em_kallsyms_read(&text);
	if (err)
		return err;
	err = em_kallsyms_parse(text, q, n, hidden, ambiguous);
	free(text);
	return err;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int em_kallsyms_glob(char *text, bool kallsyms, const char *glob, const char ***names, size_t *n)
{
	const char **v = NULL;
	size_t cnt = 0, cap = 0, out = 0;
	char *p = text;

	*names = NULL;
	*n = 0;
	while (*p) {
		char *eol = strchr(p, '\n'), *name = p, *end;

		if (!eol)
			eol = p + strlen(p);
		if (kallsyms) { /* "<hex> <type> <name>[\t[module]]" */
			name = strchr(p, ' ');
			if (!name || name + 3 > eol || (name[1] != 't' && name[1] != 'T') ||
			    name[2] != ' ')
				name = eol;
			else
				name += 3;
		}
		end = name + strcspn(name, " \t\n");
		p = *eol ? eol + 1 : eol;
		if (end == name || strncmp(name, "__ftrace_invalid_address__", 26) == 0)
			continue;
		*end = '\0';
		if (fnmatch(glob, name, 0) != 0)
			continue;
		if (cnt == cap) {
			const char **nv = em_reallocarray(v, cap ? cap * 2 : 64, sizeof(*v));

			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
			cap = cap ? cap * 2 : 64;
		}
		v[cnt++] = name;
	}
	if (!cnt)
		return -ENOENT;
	qsort(v, cnt, sizeof(*v), by_name);
	for (size_t i = 0; i < cnt; i++)
		if (!out || strcmp(v[out - 1], v[i]) != 0)
			v[out++] = v[i];
	*names = v;
	*n = out;
	return 0;
}
