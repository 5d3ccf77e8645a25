/* pmu.c - the kprobe and uprobe PMUs of perf_event_open (L3' kernel) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernel.h"
#include "sys.h"

static const char *kind_name(enum em_kuprobe_kind kind)
{
	return kind == EM_KUPROBE_KPROBE ? "kprobe" : "uprobe";
}

int em_pmu_parse_format_bit(const char *text, unsigned *bit)
{
	unsigned long v;
	char *end;

	if (!text || strncmp(text, "config:", 7) != 0)
		return -EBADMSG;
	text += 7;
	if (*text < '0' || *text > '9')
		return -EBADMSG;
	errno = 0;
	v = strtoul(text, &end, 10);
	/* a one-bit field: "config:0"; a range "config:0-0" would be odd but fine */
	if (errno || v > 63 || (*end && *end != '\n' && *end != '-'))
		return -EBADMSG;
	*bit = (unsigned)v;
	return 0;
}

int em_pmu_kuprobe(enum em_kuprobe_kind kind, uint32_t *type, unsigned *retprobe_bit)
{
	char path[128];
	void *buf = NULL;
	unsigned long v;
	char *end;
	int err;

	snprintf(path, sizeof(path), EM_PMU_DIR "%s/type", kind_name(kind));
	err = em_sys_read_file(path, 64, &buf, NULL);
	if (err == -ENOTDIR)
		err = -ENOENT;
	if (err)
		return err;
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (errno || end == (char *)buf || (*end && *end != '\n') || v > UINT32_MAX) {
		free(buf);
		return -EBADMSG;
	}
	free(buf);
	*type = (uint32_t)v;

	*retprobe_bit = 0;
	snprintf(path, sizeof(path), EM_PMU_DIR "%s/format/retprobe", kind_name(kind));
	buf = NULL;
	err = em_sys_read_file(path, 64, &buf, NULL);
	if (err == -ENOENT)
		return 0; /* the first PMUs had the bit fixed at 0 without a format file */
	if (err)
		return err;
	err = em_pmu_parse_format_bit(buf, retprobe_bit);
	free(buf);
	return err;
}
