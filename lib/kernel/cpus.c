/* cpus.c - the CPU lists of sysfs: one parser, the possible CPUs (cached) and the online ones (L3' kernel) */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernel.h"
#include "sys.h"

#define POSSIBLE "/sys/devices/system/cpu/possible"
#define ONLINE "/sys/devices/system/cpu/online"

/*
 * One pass over a CPU list ("0-3,8\n": ranges and single numbers separated by
 * commas, an optional newline at the end). Sets mask[c] for each listed CPU
 * when mask is not NULL; *highest gets the largest number. -EBADMSG for an
 * empty or malformed list, or a number of EM_CPUS_MAX or more.
 */
static int walk(const char *text, bool *mask, unsigned long *highest)
{
	const char *p = text;
	bool any = false;

	*highest = 0;
	while (*p && *p != '\n') {
		unsigned long lo, hi;
		char *end;

		if (*p < '0' || *p > '9')
			return -EBADMSG;
		lo = strtoul(p, &end, 10);
		hi = lo;
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				return -EBADMSG;
			hi = strtoul(end + 1, &end, 10);
		}
		if (hi < lo || hi >= EM_CPUS_MAX)
			return -EBADMSG;
		for (unsigned long c = lo; mask && c <= hi; c++)
			mask[c] = true;
		*highest = EM_MAX(*highest, hi);
		any = true;
		p = end;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return -EBADMSG;
	}
	return any ? 0 : -EBADMSG;
}

int em_cpus_parse(const char *text, int **cpus, size_t *n)
{
	unsigned long highest;
	bool *mask;
	int *list;
	size_t count = 0;
	int err;

	if (!cpus || !n)
		return -EINVAL;
	*cpus = NULL;
	*n = 0;
	if (!text)
		return -EBADMSG;
	err = walk(text, NULL, &highest);
	if (err)
		return err;
	mask = em_calloc(highest + 1, sizeof(*mask));
	list = em_calloc(highest + 1, sizeof(*list));
	if (!mask || !list) {
		free(mask);
		free(list);
		return -ENOMEM;
	}
	walk(text, mask, &highest);
	/* ascending and each CPU once, however the list was written */
	for (unsigned long c = 0; c <= highest; c++)
		if (mask[c])
			list[count++] = (int)c;
	free(mask);
	*cpus = list;
	*n = count;
	return 0;
}

static int read_list(const char *path, int **cpus, size_t *n)
{
	void *text = NULL;
	int err;

	*cpus = NULL;
	*n = 0;
	err = em_sys_read_file(path, 1 << 16, &text, NULL);
	if (err)
		return err;
	err = em_cpus_parse(text, cpus, n);
	free(text);
	return err;
}

int em_cpus_possible(void)
{
	static int cached;
	size_t n = 0;
	int count, *cpus = NULL, err;

	count = __atomic_load_n(&cached, __ATOMIC_RELAXED);
	if (count > 0)
		return count;
	err = read_list(POSSIBLE, &cpus, &n);
	if (err) {
		em_err("kernel: cannot read the possible CPUs (" POSSIBLE "): %s", strerror(-err));
		return err;
	}
	/* what per-CPU values and perf event arrays are sized by: the highest + 1 */
	count = cpus[n - 1] + 1;
	free(cpus);
	__atomic_store_n(&cached, count, __ATOMIC_RELAXED);
	return count;
}

int em_cpus_online(int **cpus, size_t *n)
{
	if (!cpus || !n)
		return -EINVAL;
	return read_list(ONLINE, cpus, n);
}
