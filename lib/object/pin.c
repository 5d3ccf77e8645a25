/* pin.c - pinning in bpffs: mount check, parent directories, pin and unpin (L4 object) */
#include <fcntl.h>
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

/* name with '.', '/' and control characters as '_': one entry of dir, never a subdirectory. */
char *em_pin_join(const char *dir, const char *name)
{
	size_t dlen = strlen(dir);
	char *path;

	while (dlen > 0 && dir[dlen - 1] == '/')
		dlen--; /* "/" itself becomes "", so that the result is "/name" */
	if (asprintf(&path, "%.*s/%s", (int)dlen, dir, name) < 0)
		return NULL;
	for (char *p = path + dlen + 1; *p; p++)
		if (*p == '.' || *p == '/' || (unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '_';
	return path;
}

static bool on_bpffs(int fd)
{
	long magic = 0;

	return em_sys_fstatfs_type(fd, &magic) == 0 && magic == EM_BPF_FS_MAGIC;
}

/*
 * The directory that holds path's last component, opened one component at a
 * time: symlinks are followed until the walk reaches a bpffs, not inside it
 * (a link there could lead anywhere); missing directories inside it are made
 * (create) on the checked descriptor. Return: its fd, checked to be on
 * bpffs, and *leaf; -ENODEV when it is not, or -errno.
 */
static int open_parent(const char *path, bool create, const char **leaf)
{
	const char *p = path, *end = strrchr(path, '/');
	char name[NAME_MAX + 1];
	int fd, next = 0, err, at = *path == '/'; /* path[0, at): fd's directory, or the failed one */

	*leaf = end ? end + 1 : path;
	if (!**leaf)
		return -EINVAL;
	fd = em_sys_open(*path == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY, 0);
	while (fd >= 0 && end && p < end) {
		size_t n = strcspn(p, "/");
		bool inside = on_bpffs(fd);
		int flags = O_RDONLY | O_DIRECTORY | (inside ? O_NOFOLLOW : 0);

		if (n > NAME_MAX) {
			next = -ENAMETOOLONG;
		} else if (n) {
			snprintf(name, sizeof(name), "%.*s", (int)n, p);
			next = em_sys_openat(fd, name, flags, 0);
			if (next == -ENOENT && inside && create) {
				err = em_sys_mkdirat(fd, name, 0700);
				next = err && err != -EEXIST ? err : em_sys_openat(fd, name, flags, 0);
			} else if (next == -ENOENT && !inside) {
				next = -ENODEV; /* the nearest existing directory is not bpffs */
			}
		}
		if (n) {
			em_sys_close(fd);
			fd = next;
			at = fd == -ENODEV ? at : (int)(p + n - path);
		}
		p += n + 1;
	}
	if (fd >= 0 && !on_bpffs(fd)) {
		em_sys_close(fd);
		fd = -ENODEV;
	}
	if (fd == -ENODEV)
		em_err("pin '%s': %.*s is not on a bpffs mount: mount -t bpf bpf /sys/fs/bpf", path,
		       at ? at : 1, at ? path : ".");
	else if (fd < 0 && (create || fd != -ENOENT))
		em_err("pin '%s': %.*s: %s", path, at ? at : 1, at ? path : ".", strerror(-fd));
	return fd;
}

int em_pin_fd(int fd, const char *path)
{
	const char *leaf;
	int dirfd, err;

	if (!path || !*path || strlen(path) >= PATH_MAX) {
		em_err("pin '%s': invalid path", path ? path : "(null)");
		return -EINVAL;
	}
	dirfd = open_parent(path, true, &leaf);
	if (dirfd < 0)
		return dirfd;
	em_sys_close(dirfd);
	err = ebpfmini_sys_obj_pin(fd, path);
	if (err < 0) {
		em_err("pin '%s': BPF_OBJ_PIN: %s", path, strerror(-err));
		return err;
	}
	em_debug("pin '%s': pinned fd %d", path, fd);
	return 0;
}

/* Unlink path, only on bpffs, in the directory the walk checked. */
int em_pin_remove(const char *path)
{
	const char *leaf;
	int dirfd, err;

	if (!path || !*path)
		return -EINVAL;
	dirfd = open_parent(path, false, &leaf);
	if (dirfd < 0)
		return dirfd;
	err = em_sys_unlinkat(dirfd, leaf, 0);
	em_sys_close(dirfd);
	if (err && err != -ENOENT)
		em_warn("pin '%s': unpin: %s", path, strerror(-err));
	return err;
}
