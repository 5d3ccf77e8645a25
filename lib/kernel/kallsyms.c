/* kallsyms.c - /proc/kallsyms: the one parser; addresses hidden by kptr_restrict told from absent names (L3' kernel) */
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
