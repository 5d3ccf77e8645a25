/* test_pin_bpffs.c - pinning in a bpffs the test mounts: pin, get, reuse by name, incompatible pins, unpin */
#include <errno.h>
#include <linux/bpf.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "load_util.h"

/* A temporary directory, with a bpffs mounted on it when mounted is true. */
struct bpffs {
	char dir[64];
	bool mounted;
};

static void bpffs_make(struct bpffs *fs, bool mount_it)
{
	snprintf(fs->dir, sizeof(fs->dir), "/tmp/ebpfmini-pin-XXXXXX");
	assert_non_null(mkdtemp(fs->dir));
	fs->mounted = false;
	if (!mount_it)
		return;
	if (mount("bpf", fs->dir, "bpf", 0, NULL) != 0) {
		int err = errno;

		rmdir(fs->dir);
		if (err == ENODEV) {
			print_message(
				"skipped: the kernel has no bpf filesystem (CONFIG_BPF_SYSCALL)\n");
			skip();
		}
		fail_msg("mount bpf on %s: %s", fs->dir, strerror(err));
	}
	fs->mounted = true;
}

/* Unmount and remove: nothing may be left behind. */
static void bpffs_remove(struct bpffs *fs)
{
	if (fs->mounted)
		assert_int_equal(umount(fs->dir), 0);
	assert_int_equal(rmdir(fs->dir), 0);
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static void test_pin_outside_bpffs(void **state)
{
	struct ebpfmini_object *obj;
	struct bpffs fs;
	char path[128];
	int err;

	(void)state;
	SKIP_UNLESS_ROOT();
	bpffs_make(&fs, false);
	obj = open_obj(OBJ("load_pin"));
	/* no pinning by name at load: /sys/fs/bpf is not ours to touch */
	assert_int_equal(ebpfmini_map_set_pin_path(map_of(obj, "shared_counts"), NULL), 0);
	assert_int_equal(ebpfmini_object_load(obj), 0);
	snprintf(path, sizeof(path), "%s/sub/m", fs.dir);
	log_capture_start(EBPFMINI_LOG_DEBUG);
	err = ebpfmini_map_pin(map_of(obj, "private_state"), path);
	log_capture_stop();
	assert_int_equal(err, -ENODEV);
	assert_true(log_captured("is not on a bpffs mount: mount -t bpf bpf /sys/fs/bpf"));
	assert_true(log_captured(fs.dir));
	assert_false(exists(path));
	snprintf(path, sizeof(path), "%s/sub", fs.dir);
	assert_false(exists(path)); /* no directory created outside bpffs */
	snprintf(path, sizeof(path), "%s/p", fs.dir);
	assert_int_equal(ebpfmini_program_pin(prog_of(obj, "count"), path), -ENODEV);
	assert_int_equal(ebpfmini_object_pin_maps(obj, fs.dir), -ENODEV);
	ebpfmini_object_close(obj);
	bpffs_remove(&fs);
}

static void test_pin_get_unpin(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_map *map;
	struct ebpfmini_program *prog;
	struct bpffs fs;
	char mpath[128], ppath[128];
	struct bpf_map_info info;
	int fd;

	(void)state;
	SKIP_UNLESS_ROOT();
	bpffs_make(&fs, true);
	obj = open_obj(OBJ("load_pin"));
	map = map_of(obj, "private_state");
	prog = prog_of(obj, "count");
	assert_int_equal(ebpfmini_map_pin(map, "/whatever"), -EBUSY); /* not loaded */
	assert_int_equal(ebpfmini_object_pin_maps(obj, fs.dir), -EBUSY);
	assert_int_equal(ebpfmini_object_set_pin_root(obj, fs.dir), 0);
	assert_int_equal(ebpfmini_object_load(obj), 0);

	/* missing parent directories under the mount are created */
	snprintf(mpath, sizeof(mpath), "%s/a/b/state", fs.dir);
	snprintf(ppath, sizeof(ppath), "%s/a/progs/count", fs.dir);
	assert_int_equal(ebpfmini_map_pin(map, mpath), 0);
	assert_string_equal(ebpfmini_map_pin_path(map), mpath);
	assert_int_equal(ebpfmini_program_pin(prog, ppath), 0);
	assert_true(exists(mpath));
	assert_true(exists(ppath));
	assert_int_equal(ebpfmini_map_pin(map, mpath), -EEXIST);

	/* the pin opens the same map */
	fd = ebpfmini_sys_obj_get(mpath, 0);
	assert_true(fd >= 3);
	info = map_info_of(fd);
	assert_int_equal(info.id, ebpfmini_map_id(map));
	close(fd);
	fd = ebpfmini_sys_obj_get(ppath, 0);
	assert_true(fd >= 3);
	close(fd);

	assert_int_equal(ebpfmini_map_unpin(map, NULL), 0); /* NULL: the path it was pinned at */
	assert_int_equal(ebpfmini_program_unpin(prog, ppath), 0);
	assert_false(exists(mpath));
	assert_false(exists(ppath));
	assert_int_equal(ebpfmini_map_unpin(map, mpath), -ENOENT);

	/* whole-object pinning: names with dots become underscores (bpffs refuses dots) */
	assert_int_equal(ebpfmini_object_pin_maps(obj, fs.dir), 0);
	assert_int_equal(ebpfmini_object_pin_programs(obj, fs.dir), 0);
	snprintf(mpath, sizeof(mpath), "%s/private_state", fs.dir);
	assert_true(exists(mpath));
	snprintf(ppath, sizeof(ppath), "%s/count", fs.dir);
	assert_true(exists(ppath));
	/* shared_counts was pinned by name at load, in the same directory */
	snprintf(mpath, sizeof(mpath), "%s/shared_counts", fs.dir);
	assert_true(exists(mpath));
	assert_int_equal(ebpfmini_object_unpin_maps(obj, fs.dir), 0);
	assert_int_equal(ebpfmini_object_unpin_programs(obj, fs.dir), 0);
	assert_false(exists(mpath));
	assert_false(exists(ppath));
	ebpfmini_object_close(obj);

	snprintf(mpath, sizeof(mpath), "%s/a/b", fs.dir);
	assert_int_equal(rmdir(mpath), 0);
	snprintf(mpath, sizeof(mpath), "%s/a/progs", fs.dir);
	assert_int_equal(rmdir(mpath), 0);
	snprintf(mpath, sizeof(mpath), "%s/a", fs.dir);
	assert_int_equal(rmdir(mpath), 0);
	bpffs_remove(&fs);
}

static void test_pin_global_data(void **state)
{
	struct ebpfmini_object *obj;
	struct bpffs fs;
	char path[128];

	(void)state;
	SKIP_UNLESS_ROOT();
	bpffs_make(&fs, true);
	obj = open_obj(OBJ("load_basic"));
	assert_int_equal(ebpfmini_object_load(obj), 0);
	assert_int_equal(ebpfmini_object_pin_maps(obj, fs.dir), 0);
	snprintf(path, sizeof(path), "%s/_bss", fs.dir);
	assert_true(exists(path));
	snprintf(path, sizeof(path), "%s/_rodata", fs.dir);
	assert_true(exists(path));
	assert_int_equal(ebpfmini_object_unpin_maps(obj, fs.dir), 0);
	assert_false(exists(path));
	ebpfmini_object_close(obj);
	bpffs_remove(&fs);
}

/* Open load_pin with pin_root = dir; optionally change shared_counts before load. */
static int open_and_load_pin(const char *dir, uint32_t max_entries, struct ebpfmini_object **out)
{
	struct ebpfmini_object_open_opts opts = { .sz = sizeof(opts), .pin_root = dir };
	struct ebpfmini_object *obj = NULL;
	int err;

	assert_int_equal(ebpfmini_object_open(OBJ("load_pin"), &opts, &obj), 0);
	if (max_entries)
		assert_int_equal(
			ebpfmini_map_set_max_entries(map_of(obj, "shared_counts"), max_entries), 0);
	err = ebpfmini_object_load(obj);
	*out = obj;
	return err;
}

static void test_reuse_pinned_by_name(void **state)
{
	struct ebpfmini_object *first, *second, *third;
	struct ebpfmini_map *a, *b;
	struct bpffs fs;
	char path[128];
	uint32_t key = 0;
	uint64_t count = 0;
	int fds, err;

	(void)state;
	SKIP_UNLESS_ROOT();
	bpffs_make(&fs, true);
	snprintf(path, sizeof(path), "%s/shared_counts", fs.dir);

	assert_int_equal(open_and_load_pin(fs.dir, 0, &first), 0);
	a = map_of(first, "shared_counts");
	assert_string_equal(ebpfmini_map_pin_path(a), path);
	assert_true(exists(path));
	assert_null(ebpfmini_map_pin_path(map_of(first, "private_state")));
	assert_int_equal(run_xdp(prog_of(first, "count")), XDP_PASS);

	/* the next load of the same object finds the pin and uses that map */
	assert_int_equal(open_and_load_pin(fs.dir, 0, &second), 0);
	b = map_of(second, "shared_counts");
	assert_int_equal(ebpfmini_map_id(a), ebpfmini_map_id(b));
	assert_int_not_equal(ebpfmini_map_id(map_of(first, "private_state")),
			     ebpfmini_map_id(map_of(second, "private_state")));
	assert_int_equal(run_xdp(prog_of(second, "count")), XDP_PASS);
	assert_int_equal(ebpfmini_map_lookup(a, &key, &count, 0), 0);
	assert_int_equal(count, 2); /* both programs counted in the one map */
	ebpfmini_object_close(first);
	ebpfmini_object_close(second);
	assert_true(exists(path)); /* the pin outlives the objects */

	/* a definition that no longer matches is refused, naming the field */
	fds = count_fds();
	log_capture_start(EBPFMINI_LOG_DEBUG);
	err = open_and_load_pin(fs.dir, 32, &third);
	log_capture_stop();
	assert_int_equal(err, -EEXIST);
	assert_true(log_captured("map 'shared_counts': pinned map at "));
	assert_true(log_captured("is incompatible: max_entries 16 != 32"));
	ebpfmini_object_close(third);
	assert_int_equal(count_fds(), fds);
	assert_true(exists(path)); /* the old pin is untouched */

	assert_int_equal(unlink(path), 0);
	bpffs_remove(&fs);
}

/* The kernel adds BPF_F_RDONLY_PROG to a devmap's flags: a devmap pinned by name (by an
 * earlier load of the same object) is still reused, not refused as incompatible. */
static void test_reuse_pinned_devmap(void **state)
{
	static const char *const names[] = { "tx_ports", "tx_ports_hash" };
	struct ebpfmini_object_open_opts opts = { .sz = sizeof(opts) };
	struct ebpfmini_object *first, *second;
	struct bpffs fs;
	char path[128];

	(void)state;
	SKIP_UNLESS_ROOT();
	bpffs_make(&fs, true);
	opts.pin_root = fs.dir;
	assert_int_equal(ebpfmini_object_open(OBJ("load_pin_devmap"), &opts, &first), 0);
	assert_int_equal(ebpfmini_object_load(first), 0);
	assert_int_equal(ebpfmini_object_open(OBJ("load_pin_devmap"), &opts, &second), 0);
	log_capture_start(EBPFMINI_LOG_DEBUG);
	assert_int_equal(ebpfmini_object_load(second), 0);
	log_capture_stop();
	assert_false(log_captured("is incompatible"));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(ebpfmini_map_id(map_of(first, names[i])),
				 ebpfmini_map_id(map_of(second, names[i])));
		snprintf(path, sizeof(path), "%s/%s", fs.dir, names[i]);
		assert_int_equal(unlink(path), 0);
	}
	ebpfmini_object_close(first);
	ebpfmini_object_close(second);
	bpffs_remove(&fs);
}

static void test_failed_load_unpins(void **state)
{
	struct ebpfmini_object *obj;
	struct bpffs fs;
	char path[128];

	(void)state;
	SKIP_UNLESS_ROOT();
	bpffs_make(&fs, true);
	snprintf(path, sizeof(path), "%s/deep/dir/shared", fs.dir);
	obj = open_obj(OBJ("load_pin"));
	assert_int_equal(ebpfmini_map_set_pin_path(map_of(obj, "shared_counts"), path), 0);
	/* a program type the kernel refuses: maps are created (and pinned) first */
	assert_int_equal(ebpfmini_program_set_type(prog_of(obj, "count"), 999), 0);
	log_capture_start(EBPFMINI_LOG_DEBUG);
	assert_true(ebpfmini_object_load(obj) < 0);
	log_capture_stop();
	assert_false(exists(path)); /* the pin made by the failed load is gone */
	ebpfmini_object_close(obj);

	/* the explicit path set before load is where the map goes */
	obj = open_obj(OBJ("load_pin"));
	assert_int_equal(ebpfmini_map_set_pin_path(map_of(obj, "shared_counts"), path), 0);
	assert_int_equal(ebpfmini_object_load(obj), 0);
	assert_true(exists(path));
	assert_int_equal(ebpfmini_map_unpin(map_of(obj, "shared_counts"), NULL), 0);
	ebpfmini_object_close(obj);

	snprintf(path, sizeof(path), "%s/deep/dir", fs.dir);
	assert_int_equal(rmdir(path), 0);
	snprintf(path, sizeof(path), "%s/deep", fs.dir);
	assert_int_equal(rmdir(path), 0);
	bpffs_remove(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pin_outside_bpffs),
		cmocka_unit_test(test_pin_get_unpin),
		cmocka_unit_test(test_pin_global_data),
		cmocka_unit_test(test_reuse_pinned_by_name),
		cmocka_unit_test(test_reuse_pinned_devmap),
		cmocka_unit_test(test_failed_load_unpins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
