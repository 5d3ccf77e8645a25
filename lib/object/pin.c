/* pin.c - pinning in bpffs: mount check, parent directories, pin and unpin (L4 object) */
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpfmini/sys.h"
#include "internal.h"
#include "kernel.h"
#include "objapi.h"
#include "sys.h"

char *em_pin_join(const char *dir, const char *name)
{
	size_t dlen = strlen(dir);
	char *path;

	while (dlen > 0 && dir[dlen - 1] == '/')
		dlen--; /* "/" itself becomes "", so that the result is "/name" */
	if (asprintf(&path, "%.*s/%s", (int)dlen, dir, name) < 0)
		return NULL;
	for (char *p = path + dlen + 1; *p; p++)
		if (*p == '.')
			*p = '_';
	return path;
}

/* Cut p at its last '/' (keeping "/" for the root); false when there is none. */
static bool cut_last_component(char *p)
{
	char *slash = strrchr(p, '/');

	if (!slash)
		return false;
	if (slash == p)
		slash[1] = '\0';
	else
		*slash = '\0';
	return true;
}

/*
 * Make sure the directory that will hold path exists on bpffs: walk up to
 * the nearest existing ancestor, check that it is a bpffs, then create the
 * missing components top-down (they live on the bpffs of their parent).
 */
static int prepare_dir(const char *path)
{
	char dir[PATH_MAX];
	size_t have; /* length of the prefix of path that exists */
	long magic = 0;
	int err;

	snprintf(dir, sizeof(dir), "%s", path);
	for (;;) {
		if (cut_last_component(dir)) {
			have = strlen(dir);
		} else {
			snprintf(dir, sizeof(dir), ".");
			have = 0;
		}
		err = em_sys_statfs_type(dir, &magic);
		if (err != -ENOENT || have == 0 || strcmp(dir, "/") == 0)
			break;
	}
	if (err) {
		em_err("pin '%s': statfs '%s': %s", path, dir, strerror(-err));
		return err;
	}
	if (magic != EM_BPF_FS_MAGIC) {
		em_err("pin '%s': %s is not on a bpffs mount: mount -t bpf bpf /sys/fs/bpf", path,
		       dir);
		return -ENODEV;
	}
	for (size_t i = have + 1; path[i]; i++) {
		if (path[i] != '/')
			continue;
		snprintf(dir, sizeof(dir), "%.*s", (int)i, path);
		err = em_sys_mkdir(dir, 0700);
		if (err && err != -EEXIST) {
			em_err("pin '%s': mkdir '%s': %s", path, dir, strerror(-err));
			return err;
		}
	}
	return 0;
}

int em_pin_fd(int fd, const char *path)
{
	int err;

	if (!path || !*path || strlen(path) >= PATH_MAX) {
		em_err("pin '%s': invalid path", path ? path : "(null)");
		return -EINVAL;
	}
	err = prepare_dir(path);
	if (err)
		return err;
	err = ebpfmini_sys_obj_pin(fd, path);
	if (err < 0) {
		em_err("pin '%s': BPF_OBJ_PIN: %s", path, strerror(-err));
		return err;
	}
	em_debug("pin '%s': pinned fd %d", path, fd);
	return 0;
}

int em_pin_remove(const char *path)
{
	int err;

	if (!path || !*path)
		return -EINVAL;
	err = em_sys_unlink(path);
	if (err && err != -ENOENT)
		em_warn("pin '%s': unpin: %s", path, strerror(-err));
	return err;
}
