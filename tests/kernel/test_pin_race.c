/* test_pin_race.c - pins shared between processes: two loaders racing for one by-name pin, a pin removed while in use, bpffs unmounted under a loaded object */
#include <errno.h>
#include <linux/bpf.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "load_util.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	if (geteuid() != 0)
		return 0;
	snprintf(dir, sizeof(dir), "/tmp/ebpfmini-race-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	if (mount("bpf", dir, "bpf", 0, NULL) != 0) {
		rmdir(dir);
		dir[0] = '\0';
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (dir[0]) {
		umount2(dir, MNT_DETACH);
		rmdir(dir);
	}
	return 0;
}

static void need_bpffs(void)
{
	SKIP_UNLESS_ROOT();
	if (!dir[0]) {
		print_message("skip: kernel lacks the bpf filesystem (CONFIG_BPF_SYSCALL)\n");
		skip();
	}
}

static int load_pinned(const char *root, struct ebpfmini_object **out)
{
	struct ebpfmini_object_open_opts opts = { .sz = sizeof(opts), .pin_root = root };
	int err = ebpfmini_object_open(OBJ("load_pin"), &opts, out);

	return err ? err : ebpfmini_object_load(*out);
}

/*
 * Two processes load load_pin (shared_counts pinned by name) at the same
 * moment, 30 times, the pin removed between rounds: in each round one
 * creates and pins, the other reuses that very map (or both find it made),
 * and neither fails (before, the one that lost the race got -EEXIST from
 * BPF_OBJ_PIN).
 */
static void test_two_loaders(void **state)
{
	char pin[128];
	int go[2], ids[2];

	(void)state;
	need_bpffs();
	snprintf(pin, sizeof(pin), "%s/shared_counts", dir);
	for (int round = 0; round < 30; round++) {
		pid_t pid[2];
		uint32_t id[2];

		assert_int_equal(pipe(go), 0);
		assert_int_equal(pipe(ids), 0);
		for (int c = 0; c < 2; c++) {
			pid[c] = fork();
			assert_true(pid[c] >= 0);
			if (pid[c] == 0) {
				struct ebpfmini_object *obj = NULL;
				char b;
				uint32_t mid = 0;
				int err;

				close(go[1]);
				if (read(go[0], &b, 1) != 0) /* both start when the pipe closes */
					_exit(3);
				err = load_pinned(dir, &obj);
				if (!err)
					mid = ebpfmini_map_id(map_of(obj, "shared_counts"));
				if (write(ids[1], &mid, sizeof(mid)) != sizeof(mid))
					_exit(4);
				ebpfmini_object_close(obj);
				_exit(err ? 1 : 0);
			}
		}
		close(go[0]);
		close(go[1]);
		for (int c = 0; c < 2; c++) {
			int status;

			assert_int_equal(waitpid(pid[c], &status, 0), pid[c]);
			assert_true(WIFEXITED(status));
			assert_int_equal(WEXITSTATUS(status), 0);
			assert_int_equal(read(ids[0], &id[c], sizeof(id[c])), sizeof(id[c]));
		}
		close(ids[0]);
		close(ids[1]);
		assert_int_not_equal(id[0], 0);
		assert_int_equal(id[0], id[1]); /* one map, whoever made it */
		assert_int_equal(unlink(pin), 0); /* whole: the pin existed */
	}
}

/* The pin removed while the object uses the map: the map lives on, a new load pins anew. */
static void test_pin_removed_in_use(void **state)
{
	struct ebpfmini_object *obj = NULL, *again = NULL;
	uint32_t key = 3;
	uint64_t val = 7;
	char pin[128];

	(void)state;
	need_bpffs();
	snprintf(pin, sizeof(pin), "%s/shared_counts", dir);
	assert_int_equal(load_pinned(dir, &obj), 0);
	assert_int_equal(unlink(pin), 0);
	assert_int_equal(ebpfmini_map_update(map_of(obj, "shared_counts"), &key, &val, 0), 0);
	assert_int_equal(load_pinned(dir, &again), 0);
	assert_int_not_equal(ebpfmini_map_id(map_of(obj, "shared_counts")),
			     ebpfmini_map_id(map_of(again, "shared_counts")));
	assert_int_equal(access(pin, F_OK), 0);
	ebpfmini_object_close(obj);
	ebpfmini_object_close(again);
	assert_int_equal(unlink(pin), 0);
}

/* bpffs unmounted under a loaded object: its maps work on, close leaks nothing, unpin says ENOENT or ENODEV. */
static void test_bpffs_unmounted(void **state)
{
	struct ebpfmini_object *obj = NULL;
	char sub[96];
	uint32_t key = 1;
	uint64_t val = 2;
	int fds, err;

	(void)state;
	need_bpffs();
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(mount("bpf", sub, "bpf", 0, NULL), 0);
	fds = count_fds();
	assert_int_equal(load_pinned(sub, &obj), 0);
	assert_int_equal(umount2(sub, MNT_DETACH), 0);
	assert_int_equal(ebpfmini_map_update(map_of(obj, "shared_counts"), &key, &val, 0), 0);
	assert_int_equal(ebpfmini_map_lookup(map_of(obj, "shared_counts"), &key, &val, 0), 0);
	assert_int_equal(val, 2);
	assert_int_equal(run_xdp(prog_of(obj, "count")), XDP_PASS);
	/* the path now names a directory of the outer bpffs, where nothing is pinned */
	err = ebpfmini_map_unpin(map_of(obj, "shared_counts"), NULL);
	assert_true(err == -ENOENT || err == -ENODEV);
	ebpfmini_object_close(obj);
	assert_int_equal(count_fds(), fds);
	assert_int_equal(rmdir(sub), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_loaders),
		cmocka_unit_test(test_pin_removed_in_use),
		cmocka_unit_test(test_bpffs_unmounted),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
