/* attach_util.h - helpers shared by the tracing attach kernel tests (test_attach_trace.c, test_attach_uprobe.c) */
#ifndef EBPFMINI_TEST_ATTACH_UTIL_H
#define EBPFMINI_TEST_ATTACH_UTIL_H

#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>

#include "load_util.h"
#include "tracefs.h"

/* Why the whole group cannot run, or "" */
static char group_skip[256];

/*
 * Run in a private mount namespace, so that mounting tracefs (when the
 * machine has not) or a test bpffs leaves nothing behind.
 */
static inline void attach_group_setup(void)
{
	int err;

	if (geteuid() != 0) {
		snprintf(group_skip, sizeof(group_skip), "needs root (CAP_BPF, CAP_PERFMON)");
		return;
	}
	if (unshare(CLONE_NEWNS) || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		snprintf(group_skip, sizeof(group_skip), "cannot make a private mount namespace");
		return;
	}
	if (!em_tracefs_root(&err))
		mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
}

static inline int attach_test_setup(void **state)
{
	(void)state;
	if (group_skip[0]) {
		print_message("skipped: %s\n", group_skip);
		skip();
	}
	log_capture_start(EBPFMINI_LOG_DEBUG);
	return 0;
}

static inline int attach_test_teardown(void **state)
{
	(void)state;
	log_capture_stop();
	return 0;
}

/*
 * Open name.bpf.o, set its target_tgid to this process, leave only the
 * programs in keep (NULL-terminated; NULL: all) to be loaded, and load it.
 */
static inline struct ebpfmini_object *load_for_me(const char *path, const char *const *keep)
{
	struct ebpfmini_object *obj = open_obj(path);
	struct ebpfmini_var *tgid = ebpfmini_object_find_var(obj, "target_tgid");
	struct ebpfmini_program *p = NULL;
	uint32_t me = (uint32_t)getpid();
	int err;

	if (tgid)
		assert_int_equal(ebpfmini_var_write(tgid, &me, sizeof(me)), 0);
	while (keep && (p = ebpfmini_object_next_program(obj, p))) {
		bool wanted = false;

		for (size_t i = 0; keep[i]; i++)
			wanted |= strcmp(keep[i], ebpfmini_program_name(p)) == 0;
		ebpfmini_program_set_autoload(p, wanted);
	}
	err = ebpfmini_object_load(obj);
	if (err)
		fail_msg("load %s: %d (%s)\n%s", path, err, strerror(-err), logcap.text);
	return obj;
}

/* A counter in .bss, read through the mmaped map. */
static inline volatile uint64_t *counter(struct ebpfmini_object *obj, const char *name)
{
	return (volatile uint64_t *)var_ptr(obj, ".bss", name);
}

static inline void call_getpid(int n)
{
	for (int i = 0; i < n; i++)
		syscall(SYS_getpid);
}

/* Mount a bpffs on a new temporary directory; dir gets its path. */
static inline void bpffs_new(char *dir, size_t size)
{
	snprintf(dir, size, "/tmp/ebpfmini-attach-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(mount("bpf", dir, "bpf", 0, NULL), 0);
}

static inline void bpffs_free(const char *dir)
{
	assert_int_equal(umount(dir), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* Skip with the feature probe's reason when the kernel lacks feature. */
#define SKIP_WITHOUT(feature, reason)                                                              \
	do {                                                                                       \
		if (ebpfmini_sys_probe_feature((feature), (reason), sizeof(reason)) != 1) {        \
			print_message("skipped: %s\n", (reason));                                  \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

#endif /* EBPFMINI_TEST_ATTACH_UTIL_H */
