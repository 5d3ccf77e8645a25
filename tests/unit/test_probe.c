/* test_probe.c - feature.c and feature_probe.c against a scripted kernel: what is asked, the verdicts, the cache */
#include <errno.h>
#include <linux/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include <cmocka.h>

#include "ebpfmini/ebpfmini.h"
#include "internal.h"
#include "kernel.h"
#include "feature.h"
#include "kuprobe.h"
#include "sys.h"
#include "tracefs.h"
#include "uapi_compat.h"

#define FAKE_FD 1000
#define FAKE_BTF_FD 1300

struct fake {
	long prog_answer[64];   /* BPF_PROG_LOAD by prog type: 0 a new fd, else the error */
	long map_answer[64];    /* BPF_MAP_CREATE by map type */
	const char *helper_log; /* the verifier log a helper call gets */
	long helper_answer;
	long link_create_answer;
	long query_answer;
	const char *files[4][2];
	bool tracefs, events_files, bpffs;
	/* seen */
	int loads, creates, btf_loads;
	union bpf_attr last_load, last_create;
	long closes[16];
	int ncloses;
};

static struct fake fk;

static long fake_kernel(void *ctx, struct em_sys_call *call)
{
	struct fake *f = ctx;
	union bpf_attr *attr;
	const struct bpf_insn *insns;
	const char *path;

	switch (call->nr) {
	case EM_SYS_READ_FILE:
		path = (const char *)call->args[0];
		for (size_t i = 0; i < 4 && f->files[i][0]; i++) {
			if (strcmp(path, f->files[i][0]) == 0) {
				call->data = f->files[i][1];
				call->data_len = strlen(f->files[i][1]);
				return EM_SYS_OK;
			}
		}
		return -ENOENT;
	case SYS_uname:
		snprintf(((struct utsname *)call->args[0])->release, 65, "6.18.44-test");
		return EM_SYS_OK;
	case SYS_statfs:
		path = (const char *)call->args[0];
		if (strcmp(path, "/sys/kernel/tracing") == 0)
			return f->tracefs ? EM_TRACEFS_MAGIC : 0x62656572L;
		if (strcmp(path, "/sys/fs/bpf") == 0)
			return f->bpffs ? 0xcafe4a11L : 0x62656572L;
		return -ENOENT;
	case SYS_openat:
		path = (const char *)call->args[1];
		return strstr(path, "probe_events") && f->events_files ? 1500 : -ENOENT;
	case SYS_close:
		if (f->ncloses < 16)
			f->closes[f->ncloses++] = call->args[0];
		return EM_SYS_OK;
	case SYS_bpf:
		attr = (union bpf_attr *)call->args[1];
		switch (call->args[0]) {
		case BPF_PROG_LOAD:
			f->loads++;
			f->last_load = *attr;
			insns = (const void *)(uintptr_t)attr->insns;
			if (insns[0].code == (BPF_JMP | BPF_CALL)) {
				if (attr->log_size && f->helper_log)
					snprintf((char *)(uintptr_t)attr->log_buf, attr->log_size,
						 "%s", f->helper_log);
				return f->helper_answer ? f->helper_answer : FAKE_FD;
			}
			if (attr->prog_type < 64 && f->prog_answer[attr->prog_type])
				return f->prog_answer[attr->prog_type];
			return FAKE_FD;
		case BPF_MAP_CREATE:
			f->creates++;
			f->last_create = *attr;
			if (attr->map_type < 64 && f->map_answer[attr->map_type])
				return f->map_answer[attr->map_type];
			return FAKE_FD + 1;
		case BPF_BTF_LOAD:
			f->btf_loads++;
			return FAKE_BTF_FD;
		case BPF_LINK_CREATE:
			return f->link_create_answer;
		case BPF_PROG_QUERY:
			return f->query_answer ? f->query_answer : EM_SYS_OK;
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
	em_kernel_release_reset(); /* uname answers 6.18.44-test */
	em_feature_reset();
	em_feature_probe_reset();
	em_sys_set_hook_ex(fake_kernel, &fk);
	ebpfmini_log_set(NULL, EBPFMINI_LOG_ERROR, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	em_sys_set_hook_ex(NULL, NULL);
	em_feature_reset();
	em_feature_probe_reset();
	ebpfmini_log_set(NULL, EBPFMINI_LOG_WARN, NULL);
	return 0;
}

static bool closed(long fd)
{
	for (int i = 0; i < fk.ncloses && i < 16; i++)
		if (fk.closes[i] == fd)
			return true;
	return false;
}

static void test_prog_types(void **state)
{
	(void)state;
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_XDP), 1);
	assert_int_equal(fk.loads, 1);
	assert_true(closed(FAKE_FD));
	assert_int_equal(fk.last_load.insn_cnt, 2);
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_XDP), 1);
	assert_int_equal(fk.loads, 1); /* cached */
	fk.prog_answer[BPF_PROG_TYPE_LIRC_MODE2] = -EINVAL;
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_LIRC_MODE2), 0);
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_UNSPEC), 0);
	assert_int_equal(fk.loads, 2);
	em_feature_reset();
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_XDP), 1);
	assert_int_equal(fk.loads, 3);

	/* what each type needs to load at all */
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_KPROBE), 1);
	assert_int_equal(fk.last_load.kern_version, (6 << 16) | (18 << 8) | 44);
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_CGROUP_SOCK_ADDR), 1);
	assert_int_equal(fk.last_load.expected_attach_type, BPF_CGROUP_INET4_CONNECT);
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_SYSCALL), 1);
	assert_int_equal(fk.last_load.prog_flags, BPF_F_SLEEPABLE);
	assert_string_equal((const char *)(uintptr_t)fk.last_load.license, "GPL");
}

/* EPERM: "not allowed" when nothing loads, "no" when only this type is refused */
static void test_prog_types_eperm(void **state)
{
	(void)state;
	fk.prog_answer[BPF_PROG_TYPE_SCHED_CLS] = -EPERM;
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_SCHED_CLS), 0);
	fk.prog_answer[BPF_PROG_TYPE_SOCKET_FILTER] = -EPERM;
	fk.prog_answer[BPF_PROG_TYPE_XDP] = -EPERM;
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_XDP), -EPERM);
	assert_int_equal(fk.loads, 4);
	fk.prog_answer[BPF_PROG_TYPE_XDP] = 0;
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_XDP),
			 1); /* errors not cached */
	fk.prog_answer[BPF_PROG_TYPE_SK_LOOKUP] = -ENOMEM;
	assert_int_equal(ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_SK_LOOKUP), -ENOMEM);
}

static void test_map_types(void **state)
{
	(void)state;
	assert_int_equal(ebpfmini_sys_probe_map_type(BPF_MAP_TYPE_HASH), 1);
	assert_int_equal(fk.last_create.key_size, 4);
	assert_int_equal(fk.last_create.value_size, 4);
	assert_int_equal(fk.last_create.max_entries, 1);
	assert_true(closed(FAKE_FD + 1));
	assert_int_equal(ebpfmini_sys_probe_map_type(BPF_MAP_TYPE_LPM_TRIE), 1);
	assert_int_equal(fk.last_create.map_flags, BPF_F_NO_PREALLOC);
	assert_int_equal(fk.last_create.key_size, 8);
	assert_int_equal(ebpfmini_sys_probe_map_type(BPF_MAP_TYPE_SK_STORAGE), 1);
	assert_int_equal(fk.btf_loads, 1);
	assert_int_equal(fk.last_create.btf_fd, FAKE_BTF_FD);
	assert_int_equal(fk.last_create.btf_key_type_id, 1);
	assert_int_equal(fk.last_create.max_entries, 0);
	assert_true(closed(FAKE_BTF_FD));
	assert_int_equal(ebpfmini_sys_probe_map_type(BPF_MAP_TYPE_HASH_OF_MAPS), 1);
	assert_int_equal(fk.last_create.inner_map_fd, FAKE_FD + 1);
	fk.map_answer[BPF_MAP_TYPE_XSKMAP] = -EINVAL;
	assert_int_equal(ebpfmini_sys_probe_map_type(BPF_MAP_TYPE_XSKMAP), 0);
	fk.creates = 0;
	assert_int_equal(ebpfmini_sys_probe_map_type(BPF_MAP_TYPE_XSKMAP), 0);
	assert_int_equal(ebpfmini_sys_probe_map_type(BPF_MAP_TYPE_HASH), 1);
	assert_int_equal(fk.creates, 0);
}

static void test_helpers(void **state)
{
	(void)state;
	assert_int_equal(em_feature_helper_verdict("0: (85) call bpf_x#58\nprogram of this type "
						   "cannot use helper bpf_x#58\n"),
			 0);
	assert_int_equal(em_feature_helper_verdict("unknown func bpf_x#58\n"), 0);
	assert_int_equal(em_feature_helper_verdict("invalid func unknown#100000\n"), 0);
	assert_int_equal(em_feature_helper_verdict("R1 type=ctx expected=map_ptr\n"), 1);
	assert_int_equal(em_feature_helper_verdict(NULL), 1);

	fk.helper_answer = -EINVAL;
	fk.helper_log = "program of this type cannot use helper bpf_override_return#58";
	assert_int_equal(ebpfmini_sys_probe_helper(BPF_PROG_TYPE_XDP, 58), 0);
	assert_int_equal(fk.last_load.log_level, 1);
	fk.helper_answer = -EACCES;
	fk.helper_log = "R1 type=ctx expected=map_ptr";
	assert_int_equal(ebpfmini_sys_probe_helper(BPF_PROG_TYPE_XDP, 1), 1);
	fk.helper_answer = 0;
	assert_int_equal(ebpfmini_sys_probe_helper(BPF_PROG_TYPE_XDP, 5), 1);
	fk.loads = 0;
	assert_int_equal(ebpfmini_sys_probe_helper(BPF_PROG_TYPE_XDP, 58), 0); /* cached */
	assert_int_equal(fk.loads, 0);
	fk.prog_answer[BPF_PROG_TYPE_LWT_IN] = -EINVAL;
	assert_int_equal(ebpfmini_sys_probe_helper(BPF_PROG_TYPE_LWT_IN, 1), -EOPNOTSUPP);
	assert_int_equal(ebpfmini_sys_probe_helper(BPF_PROG_TYPE_XDP, 0), 0);
}

static void test_feature_kprobes(void **state)
{
	char reason[512];

	(void)state;
	fk.files[0][0] = "/sys/bus/event_source/devices/kprobe/type";
	fk.files[0][1] = "6\n";
	assert_int_equal(
		ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_KPROBES, reason, sizeof(reason)), 1);
	assert_string_equal(reason, "the kprobe PMU (perf event type 6)");
	fk.files[0][0] = "/nothing";
	assert_int_equal(ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_KPROBES, NULL, 0),
			 1); /* cached */

	em_feature_probe_reset();
	fk.tracefs = true;
	assert_int_equal(
		ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_KPROBES, reason, sizeof(reason)), 0);
	assert_string_equal(reason, EM_KPROBES_MISSING);
	assert_string_equal(reason, "kprobes are not available: this kernel was built without "
				    "CONFIG_KPROBES (no kprobe PMU, no tracefs kprobe_events)");

	/* tracefs not mounted: no answer for good; mounted with kprobe_events later: yes */
	em_feature_probe_reset();
	fk.tracefs = false;
	assert_int_equal(
		ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_KPROBES, reason, sizeof(reason)), 0);
	assert_non_null(strstr(reason, "tracefs is not mounted: mount -t tracefs"));
	fk.tracefs = fk.events_files = true;
	assert_int_equal(
		ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_KPROBES, reason, sizeof(reason)), 1);
	assert_string_equal(reason, "tracefs /sys/kernel/tracing/kprobe_events (no kprobe PMU)");
	/* a short buffer is cut, not overrun */
	assert_int_equal(ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_UPROBES, reason, 8), 1);
	assert_string_equal(reason, "tracefs");
}

static void test_feature_mounts(void **state)
{
	char reason[512];

	(void)state;
	assert_int_equal(
		ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TRACEFS, reason, sizeof(reason)), 0);
	assert_string_equal(reason, EM_TRACEFS_MOUNT_HINT);
	fk.tracefs = true;
	assert_int_equal(
		ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TRACEFS, reason, sizeof(reason)), 1);
	assert_string_equal(reason, "tracefs is mounted at /sys/kernel/tracing");
	assert_int_equal(ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_BPFFS, reason, sizeof(reason)),
			 0);
	assert_string_equal(reason,
			    "bpffs is not mounted at /sys/fs/bpf: mount -t bpf bpf /sys/fs/bpf");
	fk.bpffs = true;
	assert_int_equal(ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_BPFFS, reason, sizeof(reason)),
			 1);
}

static void test_feature_links(void **state)
{
	char reason[512];

	(void)state;
	fk.link_create_answer = -EBADF; /* got as far as looking for the perf event */
	assert_int_equal(
		ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_PERF_LINK, reason, sizeof(reason)), 1);
	em_feature_probe_reset();
	fk.link_create_answer = -EINVAL;
	assert_int_equal(
		ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_PERF_LINK, reason, sizeof(reason)), 0);
	assert_non_null(strstr(reason, "no perf-event links (Linux 5.15; EINVAL)"));

	assert_int_equal(ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TCX, reason, sizeof(reason)),
			 1);
	em_feature_probe_reset();
	fk.query_answer = -EINVAL;
	assert_int_equal(ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TCX, reason, sizeof(reason)),
			 0);
	assert_non_null(strstr(reason, "no tcx (Linux 6.6"));
	fk.prog_answer[BPF_PROG_TYPE_NETFILTER] = -EINVAL;
	assert_int_equal(
		ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_NETFILTER_LINK, reason, sizeof(reason)),
		0);
	assert_int_equal(fk.last_load.expected_attach_type, BPF_NETFILTER);

	assert_int_equal(ebpfmini_sys_probe_feature(0, reason, sizeof(reason)), -EINVAL);
	assert_int_equal(ebpfmini_sys_probe_feature(12345, NULL, 0), -EINVAL);
	assert_string_equal(ebpfmini_sys_feature_name(EBPFMINI_FEATURE_KPROBES), "kprobes");
	assert_null(ebpfmini_sys_feature_name(0));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_prog_types),    T(test_prog_types_eperm), T(test_map_types),
		T(test_helpers),       T(test_feature_kprobes),  T(test_feature_mounts),
		T(test_feature_links),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
