/* test_pin.c - pin.c against a scripted file system: bpffs check, mkdir -p, pin names; CPU lists */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/magic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "ebpfmini/ebpfmini.h"
#include "log_capture.h"
#include "objapi.h"
#include "sys.h"

/* The scripted file system: a list of existing paths with their f_type (link: a symlink). */
struct fs_entry {
	const char *path;
	long magic;
	bool link;
};

static const struct fs_entry *fs;
static char ops[2048]; /* "mkdir /a;pin /a/x;" ... in call order */

/* Directories made during the test, and the fake fds handed out for open directories. */
#define FAKE_DIR_FD 5000
static char made[16][256], open_dirs[64][256];
static long made_magic[16];
static int nmade, nopen, nclosed;

static const char *fd_path(long fd)
{
	assert_true(fd >= FAKE_DIR_FD && fd < FAKE_DIR_FD + nopen);
	return open_dirs[fd - FAKE_DIR_FD];
}

/* "<dir>/<name>" as the test's paths spell it ("/" + "a": "/a", "." + "a": "a"). */
static const char *join(long dirfd, const char *name)
{
	static char buf[512];
	const char *dir = dirfd == AT_FDCWD ? "" : fd_path(dirfd);

	if (dirfd == AT_FDCWD || strcmp(dir, ".") == 0)
		snprintf(buf, sizeof(buf), "%s", name);
	else
		snprintf(buf, sizeof(buf), "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, name);
	return buf;
}

static const struct fs_entry *lookup(const char *path, long *magic)
{
	for (const struct fs_entry *e = fs; e->path; e++)
		if (strcmp(e->path, path) == 0) {
			*magic = e->magic;
			return e;
		}
	for (int i = 0; i < nmade; i++)
		if (strcmp(made[i], path) == 0) {
			*magic = made_magic[i];
			return fs; /* any entry that is not a link */
		}
	return NULL;
}

static long fs_hook(void *ctx, struct em_sys_call *call)
{
	const char *path = (const char *)call->args[1];
	const struct fs_entry *e;
	size_t len = strlen(ops);
	long magic = 0;

	(void)ctx;
	switch (call->nr) {
	case SYS_openat:
		path = join(call->args[0], path);
		e = lookup(path, &magic);
		if (!e)
			return -ENOENT;
		if (e->link && (call->args[2] & O_NOFOLLOW))
			return -ELOOP;
		assert_true(nopen < 64);
		snprintf(open_dirs[nopen], sizeof(open_dirs[nopen]), "%s", path);
		return FAKE_DIR_FD + nopen++;
	case SYS_close:
		fd_path(call->args[0]);
		nclosed++;
		return EM_SYS_OK;
	case SYS_fstatfs:
		return lookup(fd_path(call->args[0]), &magic) ? magic : -ENOENT;
	case SYS_mkdirat:
		path = join(call->args[0], path);
		snprintf(ops + len, sizeof(ops) - len, "mkdir %s;", path);
		assert_true(nmade < 16);
		lookup(fd_path(call->args[0]), &made_magic[nmade]);
		snprintf(made[nmade++], sizeof(made[0]), "%s", path);
		return 1;
	case SYS_unlinkat:
		snprintf(ops + len, sizeof(ops) - len, "unlink %s;", join(call->args[0], path));
		return 1;
	case SYS_bpf:
		if (call->args[0] == BPF_OBJ_PIN) {
			union bpf_attr *attr = (union bpf_attr *)call->args[1];

			snprintf(ops + len, sizeof(ops) - len, "pin %d %s;", (int)attr->bpf_fd,
				 (const char *)(uintptr_t)attr->pathname);
			return 1;
		}
		return -ENOSYS;
	default:
		return -ENOSYS;
	}
}

static int setup(void **state)
{
	(void)state;
	ops[0] = '\0';
	nmade = nopen = nclosed = 0;
	log_capture_reset();
	em_sys_set_hook_ex(fs_hook, NULL);
	ebpfmini_log_set(log_capture_line, EBPFMINI_LOG_DEBUG, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(nclosed, nopen); /* every directory opened was closed */
	em_sys_set_hook_ex(NULL, NULL);
	ebpfmini_log_set(NULL, EBPFMINI_LOG_WARN, NULL);
	return 0;
}

static const struct fs_entry tree[] = {
	{ "/", EXT4_SUPER_MAGIC },       { "/tmp", TMPFS_MAGIC },
	{ "/sys/fs/bpf", BPF_FS_MAGIC }, { "/sys/fs/bpf/have", BPF_FS_MAGIC },
	{ "/sys/fs", SYSFS_MAGIC },      { "/sys", SYSFS_MAGIC },
	{ ".", BPF_FS_MAGIC },           { NULL, 0 },
};

static void test_pin_in_bpffs(void **state)
{
	(void)state;
	fs = tree;
	assert_int_equal(em_pin_fd(7, "/sys/fs/bpf/m"), 0);
	assert_string_equal(ops, "pin 7 /sys/fs/bpf/m;");
}

static void test_missing_dirs_created(void **state)
{
	(void)state;
	fs = tree;
	assert_int_equal(em_pin_fd(9, "/sys/fs/bpf/have/a/b/m"), 0);
	assert_string_equal(ops, "mkdir /sys/fs/bpf/have/a;mkdir /sys/fs/bpf/have/a/b;"
				 "pin 9 /sys/fs/bpf/have/a/b/m;");
	ops[0] = '\0';
	/* a relative path under a bpffs working directory */
	assert_int_equal(em_pin_fd(9, "x/m"), 0);
	assert_string_equal(ops, "mkdir x;pin 9 x/m;");
}

static void test_not_bpffs(void **state)
{
	(void)state;
	fs = tree;
	assert_int_equal(em_pin_fd(9, "/tmp/a/m"), -ENODEV);
	assert_string_equal(ops, ""); /* nothing created, nothing pinned */
	assert_non_null(strstr(logcap.text, "pin '/tmp/a/m': /tmp is not on a bpffs mount: "
				       "mount -t bpf bpf /sys/fs/bpf"));
	/* bpffs not mounted on /sys/fs/bpf: the walk stops at sysfs */
	{
		static const struct fs_entry unmounted[] = {
			{ "/", EXT4_SUPER_MAGIC },
			{ "/sys", SYSFS_MAGIC },
			{ "/sys/fs", SYSFS_MAGIC },
			{ NULL, 0 },
		};

		fs = unmounted;
		log_capture_reset();
		assert_int_equal(em_pin_fd(9, "/sys/fs/bpf/m"), -ENODEV);
		assert_string_equal(ops, "");
		assert_non_null(strstr(logcap.text, "/sys/fs is not on a bpffs mount"));
	}
	assert_int_equal(em_pin_fd(9, ""), -EINVAL);
	assert_int_equal(em_pin_fd(9, NULL), -EINVAL);
}

static void test_join_and_remove(void **state)
{
	char *p;

	(void)state;
	p = em_pin_join("/sys/fs/bpf/", ".data.x");
	assert_string_equal(p, "/sys/fs/bpf/_data_x");
	free(p);
	p = em_pin_join("/a.b", "map");
	assert_string_equal(p, "/a.b/map"); /* only the name is rewritten */
	free(p);
	p = em_pin_join("/", "m");
	assert_string_equal(p, "/m");
	free(p);
	fs = tree;
	assert_int_equal(em_pin_remove("/sys/fs/bpf/m"), 0);
	assert_string_equal(ops, "unlink /sys/fs/bpf/m;");
	assert_int_equal(em_pin_remove(""), -EINVAL);
}

/*
 * Finding 6: inside bpffs the walk follows no symlink (one there could lead
 * anywhere), unpin checks bpffs before it unlinks, and a map name from the
 * object is one entry, never a subdirectory.
 */
static void test_pin_walk_is_checked(void **state)
{
	static const struct fs_entry with_link[] = {
		{ "/", EXT4_SUPER_MAGIC },	 { "/sys", SYSFS_MAGIC },
		{ "/sys/fs", SYSFS_MAGIC },	 { "/sys/fs/bpf", BPF_FS_MAGIC },
		{ "/sys/fs/bpf/lnk", BPF_FS_MAGIC, true }, { "/tmp", TMPFS_MAGIC },
		{ NULL, 0 },
	};
	char *p;

	(void)state;
	fs = with_link;
	assert_int_equal(em_pin_fd(9, "/sys/fs/bpf/lnk/m"), -ELOOP);
	assert_string_equal(ops, "");
	assert_int_equal(em_pin_remove("/sys/fs/bpf/lnk/m"), -ELOOP);
	assert_int_equal(em_pin_remove("/tmp/x"), -ENODEV);
	assert_string_equal(ops, ""); /* nothing unlinked outside bpffs */
	assert_non_null(strstr(logcap.text, "pin '/tmp/x': /tmp is not on a bpffs mount"));
	p = em_pin_join("/sys/fs/bpf", "../a/b\n\x1b");
	assert_string_equal(p, "/sys/fs/bpf/___a_b__");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pin_in_bpffs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_dirs_created, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_bpffs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_join_and_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_walk_is_checked, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
