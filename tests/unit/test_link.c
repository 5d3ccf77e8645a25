/* test_link.c - link.c, attach_tracepoint.c and tracefs.c against a scripted kernel (no root) */
#include <errno.h>
#include <linux/perf_event.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "ebpfmini/ebpfmini.h"
#include "internal.h"
#include "log_capture.h"
#include "link.h"
#include "objstate.h"
#include "sys.h"
#include "tracefs.h"

#define SYSFS_MAGIC 0x62656572L
#define FAKE_PROG_FD 900
#define FAKE_PERF_FD 1000
#define FAKE_LINK_FD 1001
#define FAKE_PIN_FD 1002

/* What the scripted kernel answers, and what it saw. */
struct fake {
	long tracing_magic;      /* statfs of /sys/kernel/tracing */
	long debug_magic;        /* statfs of /sys/kernel/debug/tracing (0: ENOENT) */
	bool events_dir;         /* open of <dir>/events succeeds */
	const char *id_text;     /* contents of the id file; NULL: ENOENT */
	const char *fdinfo_text; /* contents of /proc/self/fdinfo/<n> */
	long perf_ret;
	long link_create_ret;
	long set_bpf_ret;
	long obj_get_ret;
	/* seen */
	char id_path[512];
	struct perf_event_attr perf_attr;
	long perf_pid, perf_cpu, perf_group;
	unsigned long perf_flags;
	int perf_opens;
	union bpf_attr link_attr;
	int link_creates;
	unsigned long ioctls[8];
	long ioctl_args[8];
	int nioctls;
	long closes[8];
	int ncloses;
};

static struct fake fk;
static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static long fake_kernel(void *ctx, struct em_sys_call *call)
{
	struct fake *f = ctx;
	const char *path;

	switch (call->nr) {
	case EM_SYS_READ_FILE:
		path = (const char *)call->args[0];
		if (strncmp(path, "/proc/self/fdinfo/", 18) == 0) {
			call->data = f->fdinfo_text;
			call->data_len = strlen(f->fdinfo_text);
			return EM_SYS_OK;
		}
		snprintf(f->id_path, sizeof(f->id_path), "%s", path);
		if (!f->id_text)
			return -ENOENT;
		call->data = f->id_text;
		call->data_len = strlen(f->id_text);
		return EM_SYS_OK;
	case SYS_statfs:
		path = (const char *)call->args[0];
		if (strcmp(path, "/sys/kernel/tracing") == 0)
			return f->tracing_magic;
		if (strcmp(path, "/sys/kernel/debug/tracing") == 0)
			return f->debug_magic ? f->debug_magic : -ENOENT;
		return -ENOENT;
	case SYS_openat:
		path = (const char *)call->args[1];
		return ends_with(path, "/events") && f->events_dir ? 1500 : -ENOENT;
	case SYS_close:
		if (f->ncloses < 8)
			f->closes[f->ncloses++] = call->args[0];
		return EM_SYS_OK;
	case SYS_perf_event_open:
		f->perf_opens++;
		memcpy(&f->perf_attr, (void *)call->args[0], sizeof(f->perf_attr));
		f->perf_pid = call->args[1];
		f->perf_cpu = call->args[2];
		f->perf_group = call->args[3];
		f->perf_flags = (unsigned long)call->args[4];
		return f->perf_ret;
	case SYS_ioctl:
		if (f->nioctls < 8) {
			f->ioctls[f->nioctls] = (unsigned long)call->args[1];
			f->ioctl_args[f->nioctls++] = call->args[2];
		}
		return (unsigned long)call->args[1] == PERF_EVENT_IOC_SET_BPF && f->set_bpf_ret ?
			       f->set_bpf_ret :
			       EM_SYS_OK;
	case SYS_bpf:
		switch (call->args[0]) {
		case BPF_LINK_CREATE:
			f->link_creates++;
			memcpy(&f->link_attr, (void *)call->args[1],
			       EM_MIN(sizeof(f->link_attr), (size_t)call->args[2]));
			return f->link_create_ret;
		case BPF_OBJ_GET:
			return f->obj_get_ret;
		case BPF_OBJ_GET_INFO_BY_FD:
			return EM_SYS_OK;
		default:
			return -ENOSYS;
		}
	default:
		return -ENOSYS;
	}
}

static int setup(void **state)
{
	(void)state;
	memset(&fk, 0, sizeof(fk));
	fk.tracing_magic = EM_TRACEFS_MAGIC;
	fk.id_text = "309\n";
	fk.fdinfo_text = "pos:\t0\nflags:\t02000002\nlink_type:\tperf\nlink_id:\t7\n";
	fk.perf_ret = FAKE_PERF_FD;
	fk.link_create_ret = FAKE_LINK_FD;
	fk.obj_get_ret = FAKE_PIN_FD;
	log_capture_reset();
	em_sys_set_hook_ex(fake_kernel, &fk);
	ebpfmini_log_set(log_capture_line, EBPFMINI_LOG_WARN, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	em_sys_set_hook_ex(NULL, NULL);
	ebpfmini_log_set(NULL, EBPFMINI_LOG_WARN, NULL);
	return 0;
}

/* The object of the fake programs: only their kernel state (the fd) is read. */
static struct em_prog_state fake_state;
static struct ebpfmini_object fake_obj = { .prog_state = &fake_state };

/* A loaded program as far as attach looks at one. */
static struct ebpfmini_program fake_prog(const char *sec)
{
	struct ebpfmini_program p;

	memset(&p, 0, sizeof(p));
	p.obj = &fake_obj.model;
	p.name = (char *)"counter";
	p.sec_name = (char *)sec;
	fake_state.fd = FAKE_PROG_FD;
	return p;
}

static int count_closes(long fd)
{
	int n = 0;

	for (int i = 0; i < fk.ncloses; i++)
		n += fk.closes[i] == fd;
	return n;
}

/* ---- tracefs.c ---------------------------------------------------------------- */

static void test_tracefs_root(void **state)
{
	char path[64];
	int err = 0;

	(void)state;
	assert_string_equal(em_tracefs_root(&err), "/sys/kernel/tracing");

	/* not mounted there (sysfs answers), the debugfs automount is */
	fk.tracing_magic = SYSFS_MAGIC;
	fk.debug_magic = EM_TRACEFS_MAGIC;
	assert_string_equal(em_tracefs_root(&err), "/sys/kernel/debug/tracing");
	assert_int_equal(em_tracefs_path(path, sizeof(path), "events"), 0);
	assert_string_equal(path, "/sys/kernel/debug/tracing/events");

	/* older kernels: tracing inside debugfs itself, recognized by events/ */
	fk.debug_magic = 0x64626720L; /* debugfs */
	fk.events_dir = true;
	fk.tracing_magic = SYSFS_MAGIC;
	assert_non_null(em_tracefs_root(&err));

	/* neither */
	fk.events_dir = false;
	err = 0;
	assert_null(em_tracefs_root(&err));
	assert_int_equal(err, -ENODEV);
	assert_int_equal(em_tracefs_path(path, sizeof(path), "events"), -ENODEV);
}

static void test_tracefs_event_id(void **state)
{
	static const struct {
		const char *text;
		int err;
		uint32_t id;
	} cases[] = {
		{ "309\n", 0, 309 },
		{ "42", 0, 42 },
		{ "4294967295\n", 0, 4294967295u },
		{ "4294967296\n", -EBADMSG, 0 },
		{ "", -EBADMSG, 0 },
		{ "abc\n", -EBADMSG, 0 },
		{ "12x\n", -EBADMSG, 0 },
		{ "-1\n", -EBADMSG, 0 },
		{ "99999999999999999999999", -EBADMSG, 0 },
	};
	uint32_t id;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fk.id_text = cases[i].text;
		id = 0;
		assert_int_equal(em_tracefs_event_id("syscalls", "sys_enter_getpid", &id),
				 cases[i].err);
		if (!cases[i].err)
			assert_int_equal(id, cases[i].id);
	}
	assert_string_equal(fk.id_path, "/sys/kernel/tracing/events/syscalls/sys_enter_getpid/id");
	fk.id_text = NULL;
	assert_int_equal(em_tracefs_event_id("syscalls", "nope", &id), -ENOENT);
	assert_int_equal(em_tracefs_event_id("a", "", &id), -EINVAL);
	assert_int_equal(em_tracefs_event_id(".hidden", "x", &id), -EINVAL);
	assert_int_equal(em_tracefs_event_id("a", "b/c", &id), -EINVAL);
	assert_int_equal(em_tracefs_event_id("a", "b", NULL), -EINVAL);
}

/* ---- attach through a perf-event link ----------------------------------------------- */

static void test_attach_perf_link(void **state)
{
	struct ebpfmini_program prog = fake_prog("tp/syscalls/sys_enter_getpid");
	struct ebpfmini_link *link = NULL;

	(void)state;
	assert_int_equal(ebpfmini_program_attach(&prog, &link), 0);
	/* the perf event: tracepoint 309, every task, CPU 0, close-on-exec */
	assert_int_equal(fk.perf_attr.type, PERF_TYPE_TRACEPOINT);
	assert_int_equal(fk.perf_attr.config, 309);
	assert_int_equal(fk.perf_attr.size, sizeof(struct perf_event_attr));
	assert_int_equal(fk.perf_attr.sample_period, 1);
	assert_int_equal(fk.perf_attr.wakeup_events, 1);
	assert_int_equal(fk.perf_pid, -1);
	assert_int_equal(fk.perf_cpu, 0);
	assert_int_equal(fk.perf_group, -1);
	assert_true(fk.perf_flags & PERF_FLAG_FD_CLOEXEC);
	/* the link on it */
	assert_int_equal(fk.link_creates, 1);
	assert_int_equal(fk.link_attr.link_create.prog_fd, FAKE_PROG_FD);
	assert_int_equal(fk.link_attr.link_create.target_fd, FAKE_PERF_FD);
	assert_int_equal(fk.link_attr.link_create.attach_type, BPF_PERF_EVENT);
	assert_int_equal(fk.nioctls, 0);

	assert_int_equal(ebpfmini_link_fd(link), FAKE_LINK_FD);
	assert_string_equal(ebpfmini_link_target(link), "tracepoint syscalls/sys_enter_getpid");
	assert_int_equal(fk.ncloses, 0);
	ebpfmini_link_close(link);
	/* both fds closed, once each, and nothing disabled by ioctl */
	assert_int_equal(fk.ncloses, 2);
	assert_int_equal(count_closes(FAKE_LINK_FD), 1);
	assert_int_equal(count_closes(FAKE_PERF_FD), 1);
	assert_int_equal(fk.nioctls, 0);
}

/* "tracepoint/" prefix, explicit attach, and the path of the id file */
static void test_attach_names(void **state)
{
	struct ebpfmini_program prog = fake_prog("tracepoint/sched/sched_switch");
	struct ebpfmini_link *link = NULL;

	(void)state;
	assert_int_equal(ebpfmini_program_attach(&prog, &link), 0);
	assert_string_equal(fk.id_path, "/sys/kernel/tracing/events/sched/sched_switch/id");
	assert_string_equal(ebpfmini_link_target(link), "tracepoint sched/sched_switch");
	ebpfmini_link_close(link);

	assert_int_equal(ebpfmini_program_attach_tracepoint(&prog, "irq", "softirq_entry", &link),
			 0);
	assert_string_equal(fk.id_path, "/sys/kernel/tracing/events/irq/softirq_entry/id");
	ebpfmini_link_close(link);
}

/* LINK_CREATE says EINVAL or EOPNOTSUPP: SET_BPF + ENABLE on the perf event instead */
static void test_attach_ioctl_fallback(void **state)
{
	static const long answers[] = { -EINVAL, -EOPNOTSUPP, -524 /* ENOTSUPP */ };

	(void)state;
	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		struct ebpfmini_program prog = fake_prog("tp/syscalls/sys_enter_getpid");
		struct ebpfmini_link *link = NULL;
		struct ebpfmini_link_info info = { .sz = sizeof(info) };

		fk.nioctls = fk.ncloses = 0;
		fk.link_create_ret = answers[i];
		assert_int_equal(ebpfmini_program_attach(&prog, &link), 0);
		assert_int_equal(fk.nioctls, 2);
		assert_int_equal(fk.ioctls[0], PERF_EVENT_IOC_SET_BPF);
		assert_int_equal(fk.ioctl_args[0], FAKE_PROG_FD);
		assert_int_equal(fk.ioctls[1], PERF_EVENT_IOC_ENABLE);
		assert_int_equal(ebpfmini_link_fd(link), FAKE_PERF_FD);
		assert_int_equal(ebpfmini_link_id(link), 0);
		assert_int_equal(ebpfmini_link_info(link, &info), -EOPNOTSUPP);
		assert_int_equal(ebpfmini_link_pin(link, "/sys/fs/bpf/x"), -EOPNOTSUPP);
		assert_int_equal(ebpfmini_link_update(link, &prog), -EOPNOTSUPP);

		ebpfmini_link_close(link);
		/* disabled, then closed once */
		assert_int_equal(fk.nioctls, 3);
		assert_int_equal(fk.ioctls[2], PERF_EVENT_IOC_DISABLE);
		assert_int_equal(fk.ncloses, 1);
		assert_int_equal(count_closes(FAKE_PERF_FD), 1);
	}
}

/* detach of an ioctl attachment disables and closes at once; close does not again */
static void test_ioctl_detach(void **state)
{
	struct ebpfmini_program prog = fake_prog("tp/syscalls/sys_enter_getpid");
	struct ebpfmini_link *link = NULL;

	(void)state;
	fk.link_create_ret = -EINVAL;
	assert_int_equal(ebpfmini_program_attach(&prog, &link), 0);
	assert_int_equal(ebpfmini_link_detach(link), 0);
	assert_int_equal(fk.ncloses, 1);
	assert_int_equal(fk.ioctls[fk.nioctls - 1], PERF_EVENT_IOC_DISABLE);
	assert_int_equal(ebpfmini_link_fd(link), -EBADF);
	assert_int_equal(ebpfmini_link_detach(link), 0);
	ebpfmini_link_close(link);
	assert_int_equal(fk.ncloses, 1);
	assert_int_equal(count_closes(FAKE_PERF_FD), 1);
}

/* every failure after perf_event_open closes the perf fd exactly once */
static void test_attach_failures_close_once(void **state)
{
	struct ebpfmini_program prog = fake_prog("tp/syscalls/sys_enter_getpid");
	struct ebpfmini_link *link = (struct ebpfmini_link *)&prog;

	(void)state;
	/* a real error from LINK_CREATE is not a reason to fall back */
	fk.link_create_ret = -EPERM;
	assert_int_equal(ebpfmini_program_attach(&prog, &link), -EPERM);
	assert_null(link);
	assert_int_equal(fk.nioctls, 0);
	assert_int_equal(count_closes(FAKE_PERF_FD), 1);
	assert_non_null(strstr(logcap.last,
			       "prog 'counter': attach tracepoint 'syscalls/sys_enter_getpid'"));

	/* SET_BPF refuses the program */
	fk.ncloses = fk.nioctls = 0;
	fk.link_create_ret = -EINVAL;
	fk.set_bpf_ret = -EINVAL;
	assert_int_equal(ebpfmini_program_attach(&prog, &link), -EINVAL);
	assert_int_equal(fk.nioctls, 1);
	assert_int_equal(fk.ncloses, 1);
	assert_int_equal(count_closes(FAKE_PERF_FD), 1);
	assert_non_null(strstr(logcap.last, "PERF_EVENT_IOC_SET_BPF"));

	/* perf_event_open itself fails: nothing to close */
	fk.ncloses = 0;
	fk.perf_ret = -EACCES;
	assert_int_equal(ebpfmini_program_attach(&prog, &link), -EACCES);
	assert_int_equal(fk.ncloses, 0);
	assert_non_null(strstr(logcap.last, "CAP_PERFMON"));

	/* a cookie needs a perf-event link: no silent loss of it on the ioctl path */
	fk.perf_ret = FAKE_PERF_FD;
	fk.set_bpf_ret = 0;
	assert_int_equal(
		em_link_attach_perf_event(FAKE_PROG_FD, FAKE_PERF_FD, 42, "test", "target", &link),
		-EOPNOTSUPP);
	assert_int_equal(count_closes(FAKE_PERF_FD), 1);
}

static void test_attach_tracefs_errors(void **state)
{
	struct ebpfmini_program prog = fake_prog("tp/syscalls/sys_enter_nope");
	struct ebpfmini_link *link = NULL;

	(void)state;
	fk.id_text = NULL;
	assert_int_equal(ebpfmini_program_attach(&prog, &link), -ENOENT);
	assert_non_null(strstr(logcap.last, "no such tracepoint"));
	assert_non_null(
		strstr(logcap.last, "/sys/kernel/tracing/events/syscalls/sys_enter_nope/id"));
	assert_int_equal(fk.perf_opens, 0);

	fk.tracing_magic = SYSFS_MAGIC;
	assert_int_equal(ebpfmini_program_attach(&prog, &link), -ENODEV);
	assert_non_null(strstr(logcap.last,
			       "prog 'counter': attach tracepoint 'syscalls/sys_enter_nope': "
			       "tracefs is not mounted: mount -t tracefs tracefs "
			       "/sys/kernel/tracing"));
	assert_int_equal(fk.perf_opens, 0);
}

/* SEC names: which attach, which refuse, and how */
static void test_auto_attach_dispatch(void **state)
{
	static const struct {
		const char *sec;
		int err;
		const char *msg;
	} cases[] = {
		{ "kprobe/", -EINVAL, "is not kprobe/<function>[+<offset>]" },
		{ "kprobe/fn+x", -EINVAL, "is not kprobe/<function>[+<offset>]" },
		{ "kretprobe/fn+8", -EINVAL, "a kretprobe takes no offset" },
		{ "ksyscall/", -EINVAL, "is not ksyscall/<syscall>" },
		{ "uprobe//bin/sh", -EINVAL, "is not uprobe/<path>:<symbol>[+<offset>]" },
		{ "uretprobe/:main", -EINVAL, "is not uretprobe/<path>:<symbol>[+<offset>]" },
		{ "raw_tp/", -EINVAL, "is not raw_tp/<tracepoint>" },
		{ "raw_tp/a/b", -EINVAL, "is not raw_tp/<tracepoint>" },
		{ "kprobe", -EOPNOTSUPP, "does not say where to attach" },
		{ "uprobe", -EOPNOTSUPP, "does not say where to attach" },
		{ "xdp", -EOPNOTSUPP, "does not say where to attach" },
		{ "socket", -EOPNOTSUPP, "does not say where to attach" },
		{ "tp", -EOPNOTSUPP, "does not say where to attach" },
		{ "tp/syscalls", -EINVAL, "is not tp/<category>/<name>" },
		{ "tp//sys_enter_x", -EINVAL, "is not tp/<category>/<name>" },
		{ "tracepoint/syscalls/", -EINVAL, "is not tp/<category>/<name>" },
		{ "tp_btf/sched_switch", -EINVAL, "not a tp_btf, fentry, fexit, fmod_ret, lsm or freplace program" },
		{ "iter/task", -EINVAL, "not an iterator program" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ebpfmini_program prog = fake_prog(cases[i].sec);
		struct ebpfmini_link *link = (struct ebpfmini_link *)&prog;

		log_capture_reset();
		assert_int_equal(ebpfmini_program_attach(&prog, &link), cases[i].err);
		assert_null(link);
		assert_non_null(strstr(logcap.last, cases[i].msg));
		assert_non_null(strstr(logcap.last, "prog 'counter'"));
	}
	assert_int_equal(fk.perf_opens, 0);

	/* not loaded */
	struct ebpfmini_program prog = fake_prog("tp/syscalls/sys_enter_getpid");
	struct ebpfmini_link *link = NULL;

	fake_state.fd = -1;
	assert_int_equal(ebpfmini_program_attach(&prog, &link), -EBUSY);
	assert_int_equal(fk.perf_opens, 0);
}

/* The target a link names comes from the section table's row, "?" without one */
static void test_sec_target(void **state)
{
	static const struct {
		const char *sec, *target;
	} cases[] = {
		{ "iter/task", "task" },
		{ "fentry.s/do_unlinkat", "do_unlinkat" },
		{ "tp_btf/sched_switch", "sched_switch" },
		{ "tp/a/b", "a/b" },
		{ "kprobe/", "?" },
		{ "kprobe", "?" },
		{ "xdp", "?" },
		{ "no_such_section/x", "?" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ebpfmini_program prog = fake_prog(cases[i].sec);

		assert_string_equal(em_link_sec_target(&prog), cases[i].target);
	}
}

/* open_pinned takes only links: the fd's fdinfo says what it is */
static void test_open_pinned(void **state)
{
	struct ebpfmini_link *link = NULL;

	(void)state;
	assert_int_equal(ebpfmini_link_open_pinned("/sys/fs/bpf/l", &link), 0);
	assert_int_equal(ebpfmini_link_fd(link), FAKE_PIN_FD);
	assert_string_equal(ebpfmini_link_target(link), "pinned /sys/fs/bpf/l");
	ebpfmini_link_close(link);
	assert_int_equal(count_closes(FAKE_PIN_FD), 1);

	fk.ncloses = 0;
	fk.fdinfo_text = "pos:\t0\nflags:\t02000002\nmap_type:\t2\nmap_id:\t5\n";
	assert_int_equal(ebpfmini_link_open_pinned("/sys/fs/bpf/m", &link), -EINVAL);
	assert_null(link);
	assert_int_equal(count_closes(FAKE_PIN_FD), 1);
	assert_non_null(strstr(logcap.last, "not a link"));

	fk.obj_get_ret = -ENOENT;
	assert_int_equal(ebpfmini_link_open_pinned("/sys/fs/bpf/none", &link), -ENOENT);
	assert_int_equal(ebpfmini_link_open_pinned(NULL, &link), -EINVAL);
	assert_int_equal(ebpfmini_link_open_pinned("/x", NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tracefs_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tracefs_event_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_perf_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_ioctl_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ioctl_detach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_failures_close_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_tracefs_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_attach_dispatch, setup, teardown),
		cmocka_unit_test(test_sec_target),
		cmocka_unit_test_setup_teardown(test_open_pinned, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
