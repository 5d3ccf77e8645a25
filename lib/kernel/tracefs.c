/* tracefs.c - find the tracefs mount and read tracepoint ids from it (L3' kernel) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sys.h"
#include "tracefs.h"

/* Where tracefs lives: its own mount first, then the automount under debugfs. */
static const char *const tracefs_candidates[] = {
	"/sys/kernel/tracing",
	"/sys/kernel/debug/tracing",
};

static bool has_events_dir(const char *root)
{
	char path[256];
	int fd;

	if (snprintf(path, sizeof(path), "%s/events", root) >= (int)sizeof(path))
		return false;
	fd = em_sys_open(path, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return false;
	em_sys_close(fd);
	return true;
}

const char *em_tracefs_root(int *err)
{
	for (size_t i = 0; i < EM_ARRAY_SIZE(tracefs_candidates); i++) {
		const char *root = tracefs_candidates[i];
		long magic = 0;

		/* On an unmounted /sys/kernel/tracing statfs answers sysfs's magic. */
		if (em_sys_statfs_type(root, &magic) == 0 && magic == EM_TRACEFS_MAGIC)
			return root;
		if (has_events_dir(root))
			return root;
	}
	if (err)
		*err = -ENODEV;
	return NULL;
}

int em_tracefs_path(char *buf, size_t size, const char *rel)
{
	int err = -ENODEV;
	const char *root = em_tracefs_root(&err);
	int n;

	if (!root)
		return err;
	n = snprintf(buf, size, "%s/%s", root, rel);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* A tracefs path component: not empty, no '/', no leading '.' (no "..") */
static bool valid_component(const char *s)
{
	return s && s[0] && s[0] != '.' && !strchr(s, '/');
}

int em_tracefs_event_id(const char *category, const char *name, uint32_t *id)
{
	char rel[512], path[600];
	void *buf = NULL;
	size_t size = 0;
	char *end;
	unsigned long v;
	int err;

	if (!valid_component(category) || !valid_component(name) || !id)
		return -EINVAL;
	if (snprintf(rel, sizeof(rel), "events/%s/%s/id", category, name) >= (int)sizeof(rel))
		return -EINVAL;
	err = em_tracefs_path(path, sizeof(path), rel);
	if (err == -ENAMETOOLONG)
		return -EINVAL;
	if (err)
		return err;
	err = em_sys_read_file(path, 64, &buf, &size);
	if (err == -ENOTDIR)
		err = -ENOENT;
	if (err)
		return err;
	errno = 0;
	v = strtoul((const char *)buf, &end, 10);
	if (errno || end == (char *)buf || (*end && *end != '\n') || v > UINT32_MAX) {
		free(buf);
		return -EBADMSG;
	}
	free(buf);
	*id = (uint32_t)v;
	return 0;
}
