/* test_attach_trace.c - raw_tp, tp_btf, trampolines, kprobes, perf events, iterators and pinned links against the kernel */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "attach_util.h"
#include "kuprobe.h"

#define N_CALLS 40

/* ---- raw tracepoints ---------------------------------------------------------------- */

static void test_raw_tp(void **state)
{
	static const char *const keep[] = { "raw_sys_enter", NULL };
	struct ebpfmini_object *obj = load_for_me(OBJ("attach_trace"), keep);
	struct ebpfmini_program *prog = prog_of(obj, "raw_sys_enter");
	volatile uint64_t *count = counter(obj, "raw_getpid");
	struct ebpfmini_link_info info = { .sz = sizeof(info) };
	struct ebpfmini_link *link = NULL;
	int fds = count_fds();
	uint64_t before;

	(void)state;
	/* SEC("raw_tp/sys_enter") */
	assert_int_equal(ebpfmini_program_attach(prog, &link), 0);
	assert_string_equal(ebpfmini_link_target(link), "raw_tracepoint sys_enter");
	assert_int_equal(ebpfmini_link_info(link, &info), 0);
	assert_int_equal(info.type, BPF_LINK_TYPE_RAW_TRACEPOINT);
	assert_int_equal(info.prog_id, ebpfmini_program_id(prog));
	before = *count;
	call_getpid(N_CALLS);
	assert_int_equal(*count - before, N_CALLS);
	ebpfmini_link_close(link);
	before = *count;
	call_getpid(N_CALLS);
	assert_int_equal(*count, before);

	/* the explicit call */
	assert_int_equal(ebpfmini_program_attach_raw_tracepoint(prog, "sys_enter", &link), 0);
	call_getpid(N_CALLS);
	assert_int_equal(*count - before, N_CALLS);
	ebpfmini_link_close(link);
	assert_int_equal(count_fds(), fds);
	ebpfmini_object_close(obj);
}

/* raw_tp.w: a writable tracepoint, fired by BPF_PROG_TEST_RUN's bpf_test_finish */
static void test_raw_tp_writable(void **state)
{
	static const char *const keep[] = { "on_test_finish", "xdp_pass", NULL };
	struct ebpfmini_object *obj = load_for_me(OBJ("attach_trace"), keep);
	volatile uint64_t *count = counter(obj, "test_finish");
	struct ebpfmini_link *link = NULL;
	uint64_t before;
	int err;

	(void)state;
	err = ebpfmini_program_attach(prog_of(obj, "on_test_finish"), &link);
	if (err == -ENOENT) {
		ebpfmini_object_close(obj);
		print_message("skipped: the kernel has no writable tracepoint bpf_test_finish\n");
		skip();
	}
	assert_int_equal(err, 0);
	before = *count;
	for (int i = 0; i < 3; i++)
		assert_int_equal(run_xdp(prog_of(obj, "xdp_pass")), XDP_PASS);
	assert_int_equal(*count - before, 3);
	ebpfmini_link_close(link);
	before = *count;
	run_xdp(prog_of(obj, "xdp_pass"));
	assert_int_equal(*count, before);
	ebpfmini_object_close(obj);
}

static void test_raw_tp_errors(void **state)
{
	static const char *const keep[] = { "raw_sys_enter", "xdp_pass", NULL };
	struct ebpfmini_object *obj = load_for_me(OBJ("attach_trace"), keep);
	struct ebpfmini_program *raw = prog_of(obj, "raw_sys_enter");
	struct ebpfmini_link *link = (struct ebpfmini_link *)obj;
	int fds = count_fds();

	(void)state;
	assert_int_equal(ebpfmini_program_attach_raw_tracepoint(raw, "ebpfmini_no_such_tp", &link),
			 -ENOENT);
	assert_null(link);
	assert_true(log_captured("prog 'raw_sys_enter': attach raw tracepoint 'ebpfmini_no_such_tp': "
			    "the kernel has no tracepoint of that name"));
	/* an XDP program does not fit a raw tracepoint: the kernel says EINVAL */
	assert_int_equal(ebpfmini_program_attach_raw_tracepoint(prog_of(obj, "xdp_pass"),
								"sys_enter", &link),
			 -EINVAL);
	assert_true(log_captured("is it a raw_tp program?"));
	assert_int_equal(ebpfmini_program_attach_raw_tracepoint(raw, "", &link), -EINVAL);
	assert_int_equal(ebpfmini_program_attach_raw_tracepoint(raw, NULL, &link), -EINVAL);
	/* raw_tp is no tracing-link program; not loaded is EBUSY */
	assert_int_equal(ebpfmini_program_attach_trace(raw, NULL, &link), -EINVAL);
	assert_true(log_captured("not a tp_btf, fentry, fexit, fmod_ret, lsm or freplace program"));
	assert_int_equal(ebpfmini_program_attach(prog_of(obj, "btf_sys_enter"), &link), -EBUSY);
	assert_true(log_captured("the program is not loaded"));
	assert_int_equal(count_fds(), fds);
	ebpfmini_object_close(obj);
}

/* ---- tp_btf: a tracing program without a trampoline, so lockdown allows it ------------- */

static void test_tp_btf(void **state)
{
	static const char *const keep[] = { "btf_sys_enter", NULL };
	struct ebpfmini_object *obj;
	struct ebpfmini_link_info info = { .sz = sizeof(info) };
	struct ebpfmini_link *link = NULL;
	volatile uint64_t *count;
	char reason[512];
	uint64_t before;

	(void)state;
	SKIP_WITHOUT(EBPFMINI_FEATURE_KERNEL_BTF, reason);
	obj = load_for_me(OBJ("attach_trace"), keep);
	count = counter(obj, "btf_getpid");
	assert_int_equal(ebpfmini_program_attach(prog_of(obj, "btf_sys_enter"), &link), 0);
	assert_string_equal(ebpfmini_link_target(link), "tp_btf sys_enter");
	assert_int_equal(ebpfmini_link_info(link, &info), 0);
	/* a raw tracepoint link (LINK_CREATE, 6.10+, or RAW_TRACEPOINT_OPEN) */
	assert_true(info.type == BPF_LINK_TYPE_RAW_TRACEPOINT ||
		    info.type == BPF_LINK_TYPE_TRACING);
	before = *count;
	call_getpid(N_CALLS);
	assert_int_equal(*count - before, N_CALLS);
	ebpfmini_link_close(link);
	before = *count;
	call_getpid(N_CALLS);
	assert_int_equal(*count, before);

	/* the explicit call, with a cookie (kernels >= 6.10 take one for raw tracepoints) */
	struct ebpfmini_program_attach_trace_opts opts = { .sz = sizeof(opts), .cookie = 7 };
	int err = ebpfmini_program_attach_trace(prog_of(obj, "btf_sys_enter"), &opts, &link);

	assert_true(err == 0 || err == -EOPNOTSUPP);
	if (!err) {
		call_getpid(N_CALLS);
		assert_int_equal(*count - before, N_CALLS);
		ebpfmini_link_close(link);
	}
	ebpfmini_object_close(obj);
}

/* ---- trampolines: fentry, fexit, fmod_ret, lsm ----------------------------------------- */

static void unlink_missing(int n)
{
	for (int i = 0; i < n; i++)
		unlink("/tmp/ebpfmini-no-such-file");
}

static void open_devnull(int n)
{
	for (int i = 0; i < n; i++)
		close(open("/dev/null", O_RDONLY | O_CLOEXEC));
}

/* Attach prog of attach_tramp (the feature must be there), fire it, check the count. */
static void check_trampoline(enum ebpfmini_feature feature, const char *prog_name, const char *var,
			     void (*fire)(int), bool exact)
{
	const char *const keep[] = { prog_name, NULL };
	struct ebpfmini_object *obj;
	struct ebpfmini_link *link = NULL;
	volatile uint64_t *count;
	char reason[512];
	uint64_t before;
	int err;

	err = ebpfmini_sys_probe_feature(feature, reason, sizeof(reason));
	if (err != 1) {
		/* the probe's answer is what loading the program says */
		struct ebpfmini_object *o = open_obj(OBJ("attach_tramp"));
		struct ebpfmini_program *p = NULL;

		while ((p = ebpfmini_object_next_program(o, p)))
			ebpfmini_program_set_autoload(
				p, strcmp(ebpfmini_program_name(p), prog_name) == 0);
		err = ebpfmini_object_load(o);
		ebpfmini_object_close(o);
		if (strstr(reason, "kernel lockdown (")) {
			assert_int_equal(err, -EPERM);
			assert_true(log_captured("forbids BPF trampolines"));
		}
		print_message("skipped: %s\n", reason);
		skip();
	}
	obj = load_for_me(OBJ("attach_tramp"), keep);
	count = counter(obj, var);
	assert_int_equal(ebpfmini_program_attach(prog_of(obj, prog_name), &link), 0);
	assert_true(ebpfmini_link_id(link) > 0);
	before = *count;
	fire(N_CALLS);
	if (exact)
		assert_int_equal(*count - before, N_CALLS);
	else
		assert_true(*count - before >= N_CALLS);
	ebpfmini_link_close(link);
	before = *count;
	fire(N_CALLS);
	assert_int_equal(*count, before);
	ebpfmini_object_close(obj);
}

static void test_fentry(void **state)
{
	(void)state;
	check_trampoline(EBPFMINI_FEATURE_TRAMPOLINES, "on_unlink_entry", "entries", unlink_missing,
			 true);
}

static void test_fexit(void **state)
{
	(void)state;
	check_trampoline(EBPFMINI_FEATURE_TRAMPOLINES, "on_unlink_exit", "exits", unlink_missing,
			 true);
}

static void test_fmod_ret(void **state)
{
	(void)state;
	check_trampoline(EBPFMINI_FEATURE_TRAMPOLINES, "on_file_open_ret", "modret", open_devnull,
			 false);
}

static void test_lsm(void **state)
{
	(void)state;
	check_trampoline(EBPFMINI_FEATURE_BPF_LSM, "on_lsm_file_open", "lsm_opens", open_devnull,
			 false);
}

/* ---- kprobes: attach and fire, or the kernel has none and attach says so ----------------- */

static void check_kprobe(const char *prog_name, const char *var, void (*fire)(int))
{
	const char *const keep[] = { prog_name, NULL };
	struct ebpfmini_object *obj = load_for_me(OBJ("attach_kprobe"), keep);
	struct ebpfmini_link *link = NULL;
	volatile uint64_t *count = counter(obj, var);
	char reason[512];
	uint64_t before;
	int err;

	/* kprobe programs load whether or not the kernel has kprobes */
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_KPROBE), 1);
	err = ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_KPROBES, reason, sizeof(reason));
	if (err != 1) {
		int fds = count_fds();

		assert_int_equal(err, 0);
		err = ebpfmini_program_attach(prog_of(obj, prog_name), &link);
		assert_null(link);
		assert_int_equal(err, -EOPNOTSUPP);
		assert_string_equal(reason, EM_KPROBES_MISSING);
		assert_true(log_captured(EM_KPROBES_MISSING));
		assert_int_equal(count_fds(), fds);
		ebpfmini_object_close(obj);
		print_message("skipped: %s\n", reason);
		skip();
	}
	assert_int_equal(ebpfmini_program_attach(prog_of(obj, prog_name), &link), 0);
	before = *count;
	fire(N_CALLS);
	assert_int_equal(*count - before, N_CALLS);
	ebpfmini_link_close(link);
	before = *count;
	fire(N_CALLS);
	assert_int_equal(*count, before);
	ebpfmini_object_close(obj);
}

static void test_kprobe(void **state)
{
	(void)state;
	check_kprobe("on_unlinkat", "kprobe_hits", unlink_missing);
}

static void test_kretprobe(void **state)
{
	(void)state;
	check_kprobe("on_unlinkat_ret", "kretprobe_hits", unlink_missing);
}

static void test_ksyscall(void **state)
{
	(void)state;
	check_kprobe("on_getpid", "ksyscall_hits", call_getpid);
}

static void test_kretsyscall(void **state)
{
	(void)state;
	check_kprobe("on_getpid_ret", "kretsyscall_hits", call_getpid);
}

/* ---- perf events: sampling on every CPU ---------------------------------------------------- */

static void spin_ms(int ms)
{
	struct timespec start, now;
	volatile unsigned long x = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		for (int i = 0; i < 100000; i++)
			x += (unsigned long)i;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < ms);
}

static void test_perf_event(void **state)
{
	struct ebpfmini_object *obj = load_for_me(OBJ("attach_perf"), NULL);
	struct ebpfmini_program *prog = prog_of(obj, "on_sample");
	volatile uint64_t *samples = counter(obj, "samples");
	volatile uint64_t *cookie = counter(obj, "cookie");
	struct perf_event_attr attr;
	struct ebpfmini_program_attach_perf_event_opts opts = { .sz = sizeof(opts), .cookie = 42 };
	struct ebpfmini_link *link = NULL, *mine = NULL;
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	char dir[64], path[128];
	uint64_t before;
	int fds = count_fds();

	(void)state;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.sample_period = 100000; /* ns of CPU time: 10 kHz */
	attr.disabled = 1;           /* attach enables it */

	assert_int_equal(ebpfmini_program_attach_perf_event(prog, &attr, &opts, &link), 0);
	assert_int_equal(ebpfmini_link_member_count(link), (size_t)ncpus);
	assert_non_null(strstr(ebpfmini_link_target(link), "perf_event type 1 config 0x0 on "));
	for (size_t i = 0; i < ebpfmini_link_member_count(link); i++) {
		struct ebpfmini_link_info info = { .sz = sizeof(info) };

		assert_int_equal(ebpfmini_link_info(ebpfmini_link_member(link, i), &info), 0);
		assert_int_equal(info.type, BPF_LINK_TYPE_PERF_EVENT);
		assert_int_equal(info.prog_id, ebpfmini_program_id(prog));
	}
	assert_null(ebpfmini_link_member(link, (size_t)ncpus));
	before = *samples;
	spin_ms(200);
	assert_true(*samples - before > 0);
	assert_int_equal(*cookie, 42);

	/* a set of links pins member by member */
	bpffs_new(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/cpu0", dir);
	assert_int_equal(ebpfmini_link_pin(link, path), -EOPNOTSUPP);
	assert_true(log_captured("pin each member"));
	assert_int_equal(ebpfmini_link_pin(ebpfmini_link_member(link, 0), path), 0);
	assert_int_equal(ebpfmini_link_unpin(ebpfmini_link_member(link, 0), NULL), 0);
	bpffs_free(dir);

	ebpfmini_link_close(link);
	spin_ms(20); /* samples in flight */
	before = *samples;
	spin_ms(100);
	assert_int_equal(*samples, before);

	/* one process on every CPU: a single link */
	opts.pid = getpid();
	opts.cookie = 43;
	assert_int_equal(ebpfmini_program_attach_perf_event(prog, &attr, &opts, &mine), 0);
	assert_int_equal(ebpfmini_link_member_count(mine), 1);
	assert_ptr_equal(ebpfmini_link_member(mine, 0), mine);
	spin_ms(100);
	assert_true(*samples - before > 0);
	assert_int_equal(*cookie, 43);
	ebpfmini_link_close(mine);

	/* errors: no such event type, bad options */
	attr.type = 0x7ffffff0;
	opts.pid = 0;
	assert_true(ebpfmini_program_attach_perf_event(prog, &attr, &opts, &link) < 0);
	assert_null(link);
	assert_true(log_captured("prog 'on_sample': attach perf_event type 2147483632"));
	attr.type = PERF_TYPE_SOFTWARE;
	opts.pid = -2;
	assert_int_equal(ebpfmini_program_attach_perf_event(prog, &attr, &opts, &link), -EINVAL);
	attr.size = 4096;
	opts.pid = 0;
	assert_int_equal(ebpfmini_program_attach_perf_event(prog, &attr, &opts, &link), -E2BIG);
	assert_int_equal(count_fds(), fds);
	ebpfmini_object_close(obj);
}

/* ---- iterators ------------------------------------------------------------------------ */

static void test_iter_task(void **state)
{
	static const char *const keep[] = { "list_tasks", NULL };
	struct ebpfmini_object *obj = load_for_me(OBJ("attach_iter"), keep);
	struct ebpfmini_link *link = NULL;
	char *text = NULL, line[64], comm[32] = "", buf[256];
	size_t len = 0;
	FILE *fp = fopen("/proc/self/comm", "r");
	int fd, fds;
	ssize_t n;

	(void)state;
	assert_non_null(fp);
	assert_non_null(fgets(comm, sizeof(comm), fp));
	fclose(fp);
	comm[strcspn(comm, "\n")] = '\0';
	snprintf(line, sizeof(line), "\n%d %s\n", getpid(), comm);
	fds = count_fds();

	assert_int_equal(ebpfmini_program_attach(prog_of(obj, "list_tasks"), &link), 0);
	assert_string_equal(ebpfmini_link_target(link), "iter task");
	assert_int_equal(ebpfmini_link_iter_read(link, 0, &text, &len), 0);
	assert_int_equal(strlen(text), len);
	assert_int_equal(strncmp(text, "tgid comm\n", 10), 0);
	assert_non_null(strstr(text, line));
	snprintf(line, sizeof(line), "\n%d ", getppid());
	assert_non_null(strstr(text, line)); /* the parent too */
	free(text);

	/* a second run; and the fd to read oneself */
	fd = ebpfmini_link_iter_open(link);
	assert_true(fd >= 3);
	n = read(fd, buf, sizeof(buf) - 1);
	assert_true(n > 10);
	close(fd);
	/* over the limit */
	assert_int_equal(ebpfmini_link_iter_read(link, 16, &text, NULL), -E2BIG);
	assert_null(text);
	ebpfmini_link_close(link);
	assert_int_equal(count_fds(), fds);
	ebpfmini_object_close(obj);
}

/*
 * Whether the kernel loads the bpf_map_elem iterator program: asked by loading
 * it. Some kernel builds refuse it with EPERM before verifying one instruction
 * (one 6.18.44 build) while loading other iterators; the version number does
 * not tell. Returns the load error (0: loads); reason gets the skip message.
 */
static int probe_map_elem_iter(char *reason, size_t size)
{
	struct ebpfmini_object *obj = open_obj(OBJ("attach_iter"));
	struct ebpfmini_program *p = NULL;
	int err;

	while ((p = ebpfmini_object_next_program(obj, p))) {
		bool wanted = strcmp(ebpfmini_program_name(p), "dump_squares") == 0;

		ebpfmini_program_set_autoload(p, wanted);
	}
	err = ebpfmini_object_load(obj);
	ebpfmini_object_close(obj);
	snprintf(reason, size, "the kernel refuses the bpf_map_elem iterator (%s %s)",
		 "loading SEC(\"iter/bpf_map_elem\"):", strerror(-err));
	return err;
}

/* bpf_map_elem: the elements of the map given at attach */
static void test_iter_map_elem(void **state)
{
	static const char *const keep[] = { "dump_squares", NULL };
	struct ebpfmini_object *obj;
	struct ebpfmini_map *squares;
	struct ebpfmini_program_attach_iter_opts opts = { .sz = sizeof(opts) };
	struct ebpfmini_link *link = NULL;
	char *text = NULL, want[64], reason[256];

	(void)state;
	if (probe_map_elem_iter(reason, sizeof(reason)) == -EPERM) {
		print_message("skipped: %s\n", reason);
		skip();
	}
	obj = load_for_me(OBJ("attach_iter"), keep);
	squares = map_of(obj, "squares");
	for (uint32_t k = 1; k <= 5; k++) {
		uint64_t v = (uint64_t)k * k;

		assert_int_equal(ebpfmini_map_update(squares, &k, &v, 0), 0);
	}
	/* bpf_map_elem needs its map */
	assert_int_equal(ebpfmini_program_attach(prog_of(obj, "dump_squares"), &link), -EBADF);
	assert_true(log_captured("does this iterator need options, such as a map?"));
	opts.map_fd = ebpfmini_map_fd(squares);
	opts.pid = 1;
	assert_int_equal(ebpfmini_program_attach_iter(prog_of(obj, "dump_squares"), &opts, &link),
			 -EINVAL);
	assert_true(log_captured("options of two kinds"));
	opts.pid = 0;
	assert_int_equal(ebpfmini_program_attach_iter(prog_of(obj, "dump_squares"), &opts, &link),
			 0);
	assert_int_equal(ebpfmini_link_iter_read(link, 0, &text, NULL), 0);
	for (uint32_t k = 1; k <= 5; k++) {
		snprintf(want, sizeof(want), "%u=%u\n", k, k * k);
		assert_non_null(strstr(text, want));
	}
	free(text);
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
}

/* bpf_map: every map of the kernel, ours among them */
static void test_iter_maps(void **state)
{
	static const char *const keep[] = { "list_maps", NULL };
	struct ebpfmini_object *obj = load_for_me(OBJ("attach_iter"), keep);
	struct ebpfmini_map *squares = map_of(obj, "squares");
	struct ebpfmini_link *link = NULL;
	char *text = NULL, want[64];

	(void)state;
	assert_int_equal(ebpfmini_program_attach(prog_of(obj, "list_maps"), &link), 0);
	assert_int_equal(ebpfmini_link_iter_read(link, 0, &text, NULL), 0);
	snprintf(want, sizeof(want), "map %u squares\n", ebpfmini_map_id(squares));
	assert_non_null(strstr(text, want));
	free(text);
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
}

/* ---- a pinned raw_tp link outlives its fd; unpinned and closed it is gone ----------------------- */

static void test_pin_raw_tp(void **state)
{
	static const char *const keep[] = { "raw_pinned", NULL };
	struct ebpfmini_object *obj = load_for_me(OBJ("attach_trace"), keep);
	struct ebpfmini_program *prog = prog_of(obj, "raw_pinned");
	volatile uint64_t *count = counter(obj, "pinned_getpid");
	struct ebpfmini_link *link = NULL, *again = NULL;
	struct ebpfmini_link_info info = { .sz = sizeof(info) };
	char dir[64], path[128], plain[] = "/tmp/ebpfmini-notbpf-XXXXXX", ppath[128];
	struct stat st;
	uint32_t id;
	uint64_t before;

	(void)state;
	bpffs_new(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/raw_link", dir);
	assert_int_equal(ebpfmini_program_attach(prog, &link), 0);
	id = ebpfmini_link_id(link);
	assert_true(id > 0);
	/* bpffs missing: a plain directory is refused with the mount hint */
	assert_non_null(mkdtemp(plain));
	snprintf(ppath, sizeof(ppath), "%s/raw_link", plain);
	assert_int_equal(ebpfmini_link_pin(link, ppath), -ENODEV);
	assert_true(log_captured("mount -t bpf bpf /sys/fs/bpf"));
	assert_int_equal(rmdir(plain), 0);

	assert_int_equal(ebpfmini_link_pin(link, path), 0);
	ebpfmini_link_close(link); /* the creating fd is gone */
	before = *count;
	call_getpid(N_CALLS);
	assert_int_equal(*count - before, N_CALLS);

	assert_int_equal(ebpfmini_link_open_pinned(path, &again), 0);
	assert_int_equal(ebpfmini_link_info(again, &info), 0);
	assert_int_equal(info.id, id);
	assert_int_equal(info.type, BPF_LINK_TYPE_RAW_TRACEPOINT);
	/* raw tracepoint links neither update nor detach apart from their references */
	assert_true(ebpfmini_link_update(again, prog) < 0);
	assert_int_equal(ebpfmini_link_unpin(again, NULL), 0);
	assert_int_equal(stat(path, &st), -1);
	ebpfmini_link_close(again);
	before = *count;
	call_getpid(N_CALLS);
	assert_int_equal(*count, before);
	assert_int_equal(ebpfmini_sys_link_get_fd_by_id(id), -ENOENT);
	bpffs_free(dir);
	ebpfmini_object_close(obj);
}

static int group_setup(void **state)
{
	(void)state;
	attach_group_setup();
	return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, attach_test_setup, attach_test_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_raw_tp),        T(test_raw_tp_writable),
		T(test_raw_tp_errors), T(test_tp_btf),
		T(test_fentry),        T(test_fexit),
		T(test_fmod_ret),      T(test_lsm),
		T(test_kprobe),        T(test_kretprobe),
		T(test_ksyscall),      T(test_kretsyscall),
		T(test_perf_event),    T(test_iter_task),
		T(test_iter_map_elem), T(test_iter_maps),
		T(test_pin_raw_tp),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
