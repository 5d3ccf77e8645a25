/* test_tracepoint.c - tracepoint attach, links (close, pin, open_pinned, info), tracefs lookup */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ebpfmini/ebpfmini.h"
#include "log_capture.h"
#include "sys.h"
#include "tracefs.h"

#define OBJ_PATH BPF_OBJ_DIR "/tp_count.bpf.o"
#define N_CALLS 50

/* the .bss layout of tp_count.bpf.c */
struct tp_counts {
	uint64_t getpid;
	uint64_t getppid;
};

struct fixture {
	struct ebpfmini_object *obj;
	struct ebpfmini_program *getpid_prog, *getppid_prog, *xdp_prog;
	volatile struct tp_counts *counts;
};

static char skip_reason[256];
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n;
}

static void call_getpid(int n)
{
	for (int i = 0; i < n; i++)
		syscall(SYS_getpid);
}

static void call_getppid(int n)
{
	for (int i = 0; i < n; i++)
		syscall(SYS_getppid);
}

/* Everything runs in a private mount namespace, so that mounting tracefs
 * (when the machine has not) or a test bpffs leaves nothing behind. */
static int group_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct ebpfmini_map *rodata, *bss;
	size_t size = 0;
	uint32_t *tgid;
	int err;

	*state = f;
	if (geteuid() != 0) {
		snprintf(skip_reason, sizeof(skip_reason), "needs root (CAP_BPF, CAP_PERFMON)");
		return 0;
	}
	if (unshare(CLONE_NEWNS) || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		snprintf(skip_reason, sizeof(skip_reason), "cannot make a private mount namespace");
		return 0;
	}
	if (!em_tracefs_root(&err) &&
	    mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) != 0) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "tracefs is not mounted and cannot be: the kernel lacks CONFIG_TRACING?");
		return 0;
	}
	ebpfmini_log_set(log_capture_line, EBPFMINI_LOG_WARN, NULL);

	err = ebpfmini_object_open(OBJ_PATH, NULL, &f->obj);
	if (err)
		return err;
	f->getpid_prog = ebpfmini_object_find_program(f->obj, "count_getpid");
	f->getppid_prog = ebpfmini_object_find_program(f->obj, "count_getppid");
	f->xdp_prog = ebpfmini_object_find_program(f->obj, "not_auto");
	if (!f->getpid_prog || !f->getppid_prog || !f->xdp_prog)
		return -1;
	/* configure: count only this process; leave the xdp program unloaded */
	rodata = ebpfmini_object_find_map(f->obj, ".rodata");
	tgid = rodata ? ebpfmini_map_data(rodata, &size) : NULL;
	if (!tgid || size < sizeof(*tgid))
		return -1;
	*tgid = (uint32_t)getpid();
	ebpfmini_program_set_autoload(f->xdp_prog, false);
	err = ebpfmini_object_load(f->obj);
	if (err)
		return err;
	bss = ebpfmini_object_find_map(f->obj, ".bss");
	f->counts = bss ? ebpfmini_map_data(bss, &size) : NULL;
	if (!f->counts || size < sizeof(struct tp_counts))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;

	ebpfmini_object_close(f->obj);
	free(f);
	ebpfmini_log_set(NULL, EBPFMINI_LOG_WARN, NULL);
	return 0;
}

static int test_setup(void **state)
{
	(void)state;
	if (skip_reason[0]) {
		print_message("skipped: %s\n", skip_reason);
		skip();
	}
	log_capture_reset();
	return 0;
}

/* the id tracefs gives equals the number in the id file */
static void test_tracefs_event_id(void **state)
{
	char path[512];
	uint32_t id = 0;
	unsigned long want = 0;
	FILE *fp;

	(void)state;
	assert_int_equal(em_tracefs_event_id("syscalls", "sys_enter_getpid", &id), 0);
	assert_int_equal(em_tracefs_path(path, sizeof(path), "events/syscalls/sys_enter_getpid/id"),
			 0);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_int_equal(fscanf(fp, "%lu", &want), 1);
	fclose(fp);
	assert_true(want > 0);
	assert_int_equal(id, want);

	assert_int_equal(em_tracefs_event_id("syscalls", "sys_enter_no_such_call", &id), -ENOENT);
	assert_int_equal(em_tracefs_event_id("no_such_category", "x", &id), -ENOENT);
	assert_int_equal(em_tracefs_event_id("..", "syscalls", &id), -EINVAL);
	assert_int_equal(em_tracefs_event_id("syscalls", "a/b", &id), -EINVAL);
	assert_int_equal(em_tracefs_event_id("", "x", &id), -EINVAL);
	assert_int_equal(em_tracefs_path(path, 8, "events"), -ENAMETOOLONG);
}

/* SEC("tp/...") auto-attach: exactly N calls counted, none after close */
static void test_auto_attach_counts(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_link *link = NULL;
	int fds = count_fds();
	uint64_t before;

	assert_int_equal(ebpfmini_program_attach(f->getpid_prog, &link), 0);
	assert_non_null(link);
	assert_true(ebpfmini_link_fd(link) >= 3);
	assert_string_equal(ebpfmini_link_target(link), "tracepoint syscalls/sys_enter_getpid");

	before = f->counts->getpid;
	call_getpid(N_CALLS);
	assert_int_equal(f->counts->getpid - before, N_CALLS);
	assert_int_equal(f->counts->getppid, 0);

	ebpfmini_link_close(link);
	before = f->counts->getpid;
	call_getpid(N_CALLS);
	assert_int_equal(f->counts->getpid, before);
	assert_int_equal(count_fds(), fds);
}

/* ebpfmini_program_attach_tracepoint with an explicit category and name */
static void test_explicit_attach(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_link *link = NULL;
	struct ebpfmini_link_info info = { .sz = sizeof(info) };
	int fds = count_fds();
	uint64_t before;

	assert_int_equal(ebpfmini_program_attach_tracepoint(f->getpid_prog, "syscalls",
							    "sys_enter_getpid", &link),
			 0);
	/* this kernel has perf-event links: the link has a kernel id and info */
	assert_int_equal(ebpfmini_link_info(link, &info), 0);
	assert_true(info.id > 0);
	assert_int_equal(info.type, BPF_LINK_TYPE_PERF_EVENT);
	assert_int_equal(info.prog_id, ebpfmini_program_id(f->getpid_prog));
	assert_int_equal(ebpfmini_link_id(link), info.id);

	before = f->counts->getpid;
	call_getpid(N_CALLS);
	assert_int_equal(f->counts->getpid - before, N_CALLS);
	ebpfmini_link_close(link);
	before = f->counts->getpid;
	call_getpid(N_CALLS);
	assert_int_equal(f->counts->getpid, before);
	assert_int_equal(count_fds(), fds);
}

/* SEC("tracepoint/...") is the other spelling */
static void test_tracepoint_prefix(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_link *link = NULL;
	uint64_t before = f->counts->getppid, pid_before = f->counts->getpid;

	assert_int_equal(ebpfmini_program_attach(f->getppid_prog, &link), 0);
	call_getppid(N_CALLS);
	call_getpid(3);
	assert_int_equal(f->counts->getppid - before, N_CALLS);
	assert_int_equal(f->counts->getpid, pid_before);
	ebpfmini_link_close(link);
}

/* the kernel runs a program once per tracepoint: a second attach of it is refused */
static void test_same_prog_twice(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_link *a = NULL, *b = NULL;
	uint64_t before = f->counts->getpid;
	int fds = count_fds(), err;

	assert_int_equal(ebpfmini_program_attach(f->getpid_prog, &a), 0);
	err = ebpfmini_program_attach(f->getpid_prog, &b);
	call_getpid(N_CALLS);
	ebpfmini_link_close(b);
	ebpfmini_link_close(a);
	assert_int_equal(err, -EEXIST);
	assert_null(b);
	assert_non_null(strstr(logcap.last, "prog 'count_getpid': attach tracepoint"));
	assert_int_equal(f->counts->getpid - before, N_CALLS);
	assert_int_equal(count_fds(), fds);
}

static void test_attach_errors(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_link *link = (struct ebpfmini_link *)f; /* must be reset to NULL */
	int fds = count_fds();

	assert_int_equal(ebpfmini_program_attach_tracepoint(f->getpid_prog, "syscalls",
							    "sys_enter_no_such_call", &link),
			 -ENOENT);
	assert_null(link);
	assert_non_null(strstr(logcap.last, "no such tracepoint"));
	assert_non_null(strstr(logcap.last, "sys_enter_no_such_call"));
	assert_non_null(strstr(logcap.last, "prog 'count_getpid'"));

	assert_int_equal(ebpfmini_program_attach_tracepoint(f->getpid_prog, "../x", "id", &link),
			 -EINVAL);
	assert_int_equal(ebpfmini_program_attach_tracepoint(NULL, "a", "b", &link), -EINVAL);
	assert_int_equal(ebpfmini_program_attach_tracepoint(f->getpid_prog, NULL, "b", &link),
			 -EINVAL);
	assert_int_equal(ebpfmini_program_attach_tracepoint(f->getpid_prog, "a", "b", NULL),
			 -EINVAL);
	assert_int_equal(ebpfmini_program_attach(NULL, &link), -EINVAL);

	/* not loaded (autoload off) */
	log_capture_reset();
	assert_int_equal(ebpfmini_program_attach_tracepoint(f->xdp_prog, "syscalls",
							    "sys_enter_getpid", &link),
			 -EBUSY);
	assert_non_null(strstr(logcap.last, "not loaded"));

	/* SEC("xdp") does not name a target */
	log_capture_reset();
	assert_int_equal(ebpfmini_program_attach(f->xdp_prog, &link), -EOPNOTSUPP);
	assert_null(link);
	assert_non_null(strstr(logcap.last, "prog 'not_auto'"));
	assert_non_null(strstr(logcap.last, "SEC 'xdp'"));

	assert_int_equal(count_fds(), fds);
	ebpfmini_link_close(NULL);
	assert_int_equal(ebpfmini_link_fd(NULL), -EINVAL);
	assert_int_equal(ebpfmini_link_id(NULL), 0);
	assert_string_equal(ebpfmini_link_target(NULL), "");
}

/* Kernels without perf-event links: LINK_CREATE answers EINVAL, the ioctl path takes over. */
static long no_perf_link_hook(void *ctx, long nr, long arg0, void *arg1)
{
	(void)arg1;
	if (nr == SYS_bpf && arg0 == BPF_LINK_CREATE) {
		(*(int *)ctx)++;
		return -EINVAL;
	}
	return 0;
}

static void test_ioctl_fallback(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_link *link = NULL;
	struct ebpfmini_link_info info = { .sz = sizeof(info) };
	int fds = count_fds(), link_creates = 0;
	uint64_t before;

	em_sys_set_hook(no_perf_link_hook, &link_creates);
	assert_int_equal(ebpfmini_program_attach(f->getpid_prog, &link), 0);
	em_sys_set_hook(NULL, NULL);
	assert_int_equal(link_creates, 1);

	/* a perf event, not a bpf link */
	assert_true(ebpfmini_link_fd(link) >= 3);
	assert_int_equal(ebpfmini_link_id(link), 0);
	assert_int_equal(ebpfmini_link_info(link, &info), -EOPNOTSUPP);
	assert_int_equal(ebpfmini_link_pin(link, "/sys/fs/bpf/never"), -EOPNOTSUPP);
	assert_int_equal(ebpfmini_link_update(link, f->getpid_prog), -EOPNOTSUPP);

	before = f->counts->getpid;
	call_getpid(N_CALLS);
	assert_int_equal(f->counts->getpid - before, N_CALLS);

	/* detach disables the event now; close then has nothing left to do */
	assert_int_equal(ebpfmini_link_detach(link), 0);
	before = f->counts->getpid;
	call_getpid(N_CALLS);
	assert_int_equal(f->counts->getpid, before);
	ebpfmini_link_close(link);
	assert_int_equal(count_fds(), fds);

	/* the same through close alone */
	em_sys_set_hook(no_perf_link_hook, &link_creates);
	assert_int_equal(ebpfmini_program_attach(f->getpid_prog, &link), 0);
	em_sys_set_hook(NULL, NULL);
	call_getpid(N_CALLS);
	ebpfmini_link_close(link);
	before = f->counts->getpid;
	call_getpid(N_CALLS);
	assert_int_equal(f->counts->getpid, before);
	assert_int_equal(count_fds(), fds);
}

/* A pinned link outlives its object; open_pinned finds it; unpin + close ends it. */
static void test_pin_outlives_link(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_link *link = NULL, *again = NULL, *none = NULL;
	struct ebpfmini_link_info info = { .sz = sizeof(info) };
	char dir[] = "/tmp/ebpfmini-link-XXXXXX", path[256], sub[128], mappath[128];
	struct stat st;
	uint32_t id;
	uint64_t before;
	int fds = count_fds();

	assert_non_null(mkdtemp(dir));
	assert_int_equal(mount("bpf", dir, "bpf", 0, NULL), 0);
	snprintf(sub, sizeof(sub), "%s/links", dir);
	snprintf(path, sizeof(path), "%s/tp_getpid", sub);
	snprintf(mappath, sizeof(mappath), "%s/counts", dir);

	assert_int_equal(ebpfmini_program_attach(f->getpid_prog, &link), 0);
	id = ebpfmini_link_id(link);
	assert_true(id > 0);
	assert_int_equal(ebpfmini_link_pin(link, path), 0); /* creates links/ */
	assert_int_equal(stat(sub, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(ebpfmini_link_pin(link, path), -EEXIST);
	ebpfmini_link_close(link);

	/* still attached through the pin */
	before = f->counts->getpid;
	call_getpid(N_CALLS);
	assert_int_equal(f->counts->getpid - before, N_CALLS);

	assert_int_equal(ebpfmini_link_open_pinned(path, &again), 0);
	assert_int_equal(ebpfmini_link_id(again), id);
	assert_int_equal(ebpfmini_link_info(again, &info), 0);
	assert_int_equal(info.type, BPF_LINK_TYPE_PERF_EVENT);
	assert_int_equal(info.prog_id, ebpfmini_program_id(f->getpid_prog));

	/* a pinned map is not a link; nothing pinned is ENOENT; bpffs is required */
	assert_int_equal(ebpfmini_map_pin(ebpfmini_object_find_map(f->obj, ".bss"), mappath), 0);
	assert_int_equal(ebpfmini_link_open_pinned(mappath, &none), -EINVAL);
	assert_null(none);
	assert_int_equal(unlink(mappath), 0);
	assert_int_equal(ebpfmini_link_open_pinned(mappath, &none), -ENOENT);
	assert_int_equal(ebpfmini_link_pin(again, "/proc/ebpfmini-link"), -ENODEV);
	assert_non_null(strstr(logcap.last, "mount -t bpf bpf /sys/fs/bpf"));

	/* unpin (its own path), close: detached */
	assert_int_equal(ebpfmini_link_unpin(again, NULL), 0);
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(ebpfmini_link_unpin(again, NULL), -EINVAL); /* no pin path any more */
	before = f->counts->getpid;
	call_getpid(N_CALLS);
	assert_int_equal(f->counts->getpid - before, N_CALLS); /* the open fd still holds it */
	ebpfmini_link_close(again);
	before = f->counts->getpid;
	call_getpid(N_CALLS);
	assert_int_equal(f->counts->getpid, before);

	assert_int_equal(rmdir(sub), 0);
	assert_int_equal(umount(dir), 0);
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(count_fds(), fds);
}

/* Without tracefs (hidden in a private mount namespace) attach says how to mount it. */
static void test_tracefs_missing(void **state)
{
	struct fixture *f = *state;
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct ebpfmini_link *link = NULL;
		int err;

		if (unshare(CLONE_NEWNS) || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL))
			_exit(10);
		/* the debugfs automount first, then every tracefs stacked on /sys/kernel/tracing */
		umount2("/sys/kernel/debug", MNT_DETACH);
		while (umount2("/sys/kernel/tracing", MNT_DETACH) == 0)
			;
		if (em_tracefs_root(&err) || err != -ENODEV)
			_exit(11);
		log_capture_reset();
		err = ebpfmini_program_attach(f->getpid_prog, &link);
		if (err != -ENODEV || link)
			_exit(12);
		if (!strstr(logcap.last, "tracefs is not mounted: mount -t tracefs tracefs "
					"/sys/kernel/tracing"))
			_exit(13);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_tracefs_event_id, test_setup),
		cmocka_unit_test_setup(test_auto_attach_counts, test_setup),
		cmocka_unit_test_setup(test_explicit_attach, test_setup),
		cmocka_unit_test_setup(test_tracepoint_prefix, test_setup),
		cmocka_unit_test_setup(test_same_prog_twice, test_setup),
		cmocka_unit_test_setup(test_attach_errors, test_setup),
		cmocka_unit_test_setup(test_ioctl_fallback, test_setup),
		cmocka_unit_test_setup(test_pin_outlives_link, test_setup),
		cmocka_unit_test_setup(test_tracefs_missing, test_setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
