/* test_attach.c - attach_{trace,kprobe,uprobe,multi,perf,iter}.c and kuprobe.c: parsers, and attach against a scripted kernel */
#include <errno.h>
#include <linux/perf_event.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "ebpfmini/ebpfmini.h"
#include "internal.h"
#include "log_capture.h"
#include "link.h"
#include "objstate.h"
#include "kuprobe.h"
#include "sys.h"
#include "sys_attr.h"
#include "uapi_compat.h"
#include "tracefs.h"

#define FAKE_PROG_FD 900
#define FAKE_PERF_FD 1000 /* + n for the nth event */
#define FAKE_LINK_FD 1100 /* + n */
#define FAKE_ITER_FD 1200
#define FAKE_EVENTS_FD 1500

/* What the scripted kernel answers, and what it saw. */
struct fake {
	const char *files[8][2]; /* path, contents: EM_SYS_READ_FILE answers */
	bool tracefs;            /* statfs(/sys/kernel/tracing) says tracefs */
	bool events_files;       /* {k,u}probe_events open */
	int perf_fail_at;        /* 1-based event number that fails, 0 none */
	int perf_fail_err;
	long link_create_ret; /* 0: fake fds */
	const char *iter_chunks[4];
	int iter_next;
	/* seen */
	int nperf;
	struct perf_event_attr attr[8];
	char config1[8][256];
	long pid[8], cpu[8];
	int nlinks, nraw, nioctl;
	union bpf_attr link_attr;
	int ncloses;
	long closes[32];
};

static struct fake fk;
static long fake_kernel(void *ctx, struct em_sys_call *call)
{
	struct fake *f = ctx;
	const char *path;
	int n;

	switch (call->nr) {
	case EM_SYS_READ_FILE:
		path = (const char *)call->args[0];
		for (size_t i = 0; i < 8 && f->files[i][0]; i++) {
			if (strcmp(path, f->files[i][0]) == 0) {
				call->data = f->files[i][1];
				call->data_len = strlen(f->files[i][1]);
				return EM_SYS_OK;
			}
		}
		return -ENOENT;
	case SYS_statfs:
		path = (const char *)call->args[0];
		if (strcmp(path, "/sys/kernel/tracing") == 0)
			return f->tracefs ? EM_TRACEFS_MAGIC : 0x62656572L;
		return -ENOENT;
	case SYS_openat:
		path = (const char *)call->args[1];
		if (strstr(path, "probe_events"))
			return f->events_files ? FAKE_EVENTS_FD : -ENOENT;
		if (strncmp(path, "/sys/", 5) == 0)
			return -ENOENT;
		return 0; /* real files: binaries for uprobes */
	case SYS_close:
		if (call->args[0] < FAKE_PROG_FD)
			return 0;
		if (f->ncloses < 32)
			f->closes[f->ncloses++] = call->args[0];
		return EM_SYS_OK;
	case SYS_perf_event_open:
		n = f->nperf++;
		if (n < 8) {
			memcpy(&f->attr[n], (void *)call->args[0], sizeof(f->attr[n]));
			if (f->attr[n].config1)
				snprintf(f->config1[n], sizeof(f->config1[n]), "%s",
					 (const char *)(uintptr_t)f->attr[n].config1);
			f->pid[n] = call->args[1];
			f->cpu[n] = call->args[2];
		}
		if (f->perf_fail_at == n + 1)
			return f->perf_fail_err;
		return FAKE_PERF_FD + n;
	case SYS_ioctl:
		f->nioctl++;
		return EM_SYS_OK;
	case SYS_read:
		if (call->args[0] != FAKE_ITER_FD)
			return 0;
		if (!f->iter_chunks[f->iter_next])
			return EM_SYS_OK; /* the end */
		n = (int)strlen(f->iter_chunks[f->iter_next]);
		if (n > call->args[2])
			n = (int)call->args[2];
		if (f->iter_chunks[f->iter_next][0] == '!')
			return -EAGAIN;
		memcpy((void *)call->args[1], f->iter_chunks[f->iter_next++], (size_t)n);
		return n;
	case SYS_fstat:
	case SYS_mmap:
	case SYS_munmap:
		return 0;
	case SYS_bpf:
		switch (call->args[0]) {
		case BPF_LINK_CREATE:
			memset(&f->link_attr, 0, sizeof(f->link_attr));
			memcpy(&f->link_attr, (void *)call->args[1],
			       EM_MIN(sizeof(f->link_attr), (size_t)call->args[2]));
			n = f->nlinks++;
			return f->link_create_ret ? f->link_create_ret : FAKE_LINK_FD + n;
		case BPF_RAW_TRACEPOINT_OPEN:
			f->nraw++;
			return FAKE_LINK_FD + 50;
		case BPF_ITER_CREATE:
			return FAKE_ITER_FD;
		case BPF_LINK_DETACH:
		case BPF_LINK_UPDATE:
			f->nioctl += 100;
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
	fk.tracefs = true;
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

static struct ebpfmini_program fake_prog(const char *sec, uint32_t type, uint32_t attach_type)
{
	struct ebpfmini_program p;

	memset(&p, 0, sizeof(p));
	p.obj = &fake_obj.model;
	p.name = (char *)"probe";
	p.sec_name = (char *)sec;
	p.type = type;
	p.expected_attach_type = attach_type;
	fake_state.fd = FAKE_PROG_FD;
	return p;
}

static int closes_of(long fd)
{
	int n = 0;

	for (int i = 0; i < fk.ncloses && i < 32; i++)
		n += fk.closes[i] == fd;
	return n;
}

/* ---- pure parts ---------------------------------------------------------------------- */

static void test_parse_kprobe_target(void **state)
{
	char fn[16];
	uint64_t off = 1;

	(void)state;
	assert_int_equal(em_attach_kprobe_parse_target("do_sys_open", fn, sizeof(fn), &off), 0);
	assert_string_equal(fn, "do_sys_open");
	assert_int_equal(off, 0);
	assert_int_equal(em_attach_kprobe_parse_target("tcp_v4_rcv+0x10", fn, sizeof(fn), &off), 0);
	assert_string_equal(fn, "tcp_v4_rcv");
	assert_int_equal(off, 16);
	assert_int_equal(em_attach_kprobe_parse_target("f.cold+24", fn, sizeof(fn), &off), 0);
	assert_int_equal(off, 24);
	assert_int_equal(em_attach_kprobe_parse_target("", fn, sizeof(fn), &off), -EINVAL);
	assert_int_equal(em_attach_kprobe_parse_target("+0x10", fn, sizeof(fn), &off), -EINVAL);
	assert_int_equal(em_attach_kprobe_parse_target("f+", fn, sizeof(fn), &off), -EINVAL);
	assert_int_equal(em_attach_kprobe_parse_target("f+0x1g", fn, sizeof(fn), &off), -EINVAL);
	assert_int_equal(em_attach_kprobe_parse_target("f+-1", fn, sizeof(fn), &off), -EINVAL);
	assert_int_equal(em_attach_kprobe_parse_target("a b", fn, sizeof(fn), &off), -EINVAL);
	assert_int_equal(em_attach_kprobe_parse_target("f:x", fn, sizeof(fn), &off), -EINVAL);
	assert_int_equal(
		em_attach_kprobe_parse_target("a_very_long_function_name", fn, sizeof(fn), &off),
		-ENAMETOOLONG);
}

static void test_parse_uprobe_target(void **state)
{
	static const struct {
		const char *target;
		int err;
		const char *path, *sym;
		uint64_t off;
	} cases[] = {
		{ "/bin/sh:main", 0, "/bin/sh", "main", 0 },
		{ "/proc/self/exe:f+0x20", 0, "/proc/self/exe", "f", 0x20 },
		{ "libc.so.6:malloc", 0, "libc.so.6", "malloc", 0 },
		{ "/opt/a:b/c:0x1234", 0, "/opt/a:b/c", NULL, 0x1234 },
		{ "/x:4096", 0, "/x", NULL, 4096 },
		{ "/bin/sh", -EINVAL },
		{ ":main", -EINVAL },
		{ "/bin/sh:", -EINVAL },
		{ "/bin/sh:f+", -EINVAL },
		{ "/bin/sh:+8", -EINVAL },
		{ "/bin/sh:0x12z", -EINVAL },
		{ "/bin/sh:f+8x", -EINVAL },
	};

	(void)state;
	for (size_t i = 0; i < EM_ARRAY_SIZE(cases); i++) {
		char *path = (char *)1, *sym = (char *)1;
		uint64_t off = 99;

		assert_int_equal(em_attach_uprobe_parse_target(cases[i].target, &path, &sym, &off),
				 cases[i].err);
		if (cases[i].err) {
			assert_null(path);
			assert_null(sym);
			continue;
		}
		assert_string_equal(path, cases[i].path);
		if (cases[i].sym)
			assert_string_equal(sym, cases[i].sym);
		else
			assert_null(sym);
		assert_int_equal(off, cases[i].off);
		free(path);
		free(sym);
	}
}

static void test_syscall_prefix_pick(void **state)
{
	(void)state;
	assert_string_equal(
		em_attach_kprobe_syscall_prefix_pick("ffffffff81000000 T __x64_sys_bpf\n"
						     "ffffffff81000010 T __ia32_sys_bpf\n",
						     "__x64_sys_"),
		"__x64_sys_");
	/* the build's own prefix first, whatever the order */
	assert_string_equal(em_attach_kprobe_syscall_prefix_pick(
				    "0 T __ia32_sys_bpf\n0 T __x64_sys_bpf", "__x64_sys_"),
			    "__x64_sys_");
	assert_string_equal(
		em_attach_kprobe_syscall_prefix_pick("0 T __arm64_sys_bpf\t[x]\n", "__x64_sys_"),
		"__arm64_sys_");
	/* no wrappers: sys_bpf itself; "__x64_sys_bpf_x" and "x__x64_sys_bpf" are other symbols */
	assert_string_equal(em_attach_kprobe_syscall_prefix_pick("0 T sys_bpf\n", "__x64_sys_"),
			    "sys_");
	assert_null(em_attach_kprobe_syscall_prefix_pick(
		"0 T __x64_sys_bpf_x\n0 T x__x64_sys_bpf\n", "__x64_sys_"));
	assert_null(em_attach_kprobe_syscall_prefix_pick("", "__x64_sys_"));
	assert_null(em_attach_kprobe_syscall_prefix_pick(NULL, NULL));
}

static void test_legacy_lines(void **state)
{
	struct em_kuprobe_spec k = { .kind = EM_KUPROBE_KPROBE, .name = "do_unlinkat" };
	struct em_kuprobe_spec u = { .kind = EM_KUPROBE_UPROBE,
				     .name = "/usr/lib/libc.so.6",
				     .offset = 0x9a10 };
	char line[256], name[64];

	(void)state;
	assert_int_equal(em_kuprobe_legacy_line(line, sizeof(line), &k, "ev"), 0);
	assert_string_equal(line, "p:ebpfmini/ev do_unlinkat");
	k.offset = 0x10;
	assert_int_equal(em_kuprobe_legacy_line(line, sizeof(line), &k, "ev"), 0);
	assert_string_equal(line, "p:ebpfmini/ev do_unlinkat+0x10");
	k.retprobe = true;
	assert_int_equal(em_kuprobe_legacy_line(line, sizeof(line), &k, "ev"), -EINVAL);
	k.offset = 0;
	assert_int_equal(em_kuprobe_legacy_line(line, sizeof(line), &k, "ev"), 0);
	assert_string_equal(line, "r:ebpfmini/ev do_unlinkat");
	assert_int_equal(em_kuprobe_legacy_line(line, sizeof(line), &u, "ev"), 0);
	assert_string_equal(line, "p:ebpfmini/ev /usr/lib/libc.so.6:0x9a10");
	u.retprobe = true;
	u.ref_ctr_offset = 0x40;
	assert_int_equal(em_kuprobe_legacy_line(line, sizeof(line), &u, "ev"), 0);
	assert_string_equal(line, "r:ebpfmini/ev /usr/lib/libc.so.6:0x9a10(0x40)");
	u.name = "/tmp/a b";
	assert_int_equal(em_kuprobe_legacy_line(line, sizeof(line), &u, "ev"), -EINVAL);
	assert_int_equal(em_kuprobe_legacy_line(line, 10, &k, "ev"), -ENAMETOOLONG);

	u.name = "/usr/lib/libc.so.6";
	assert_int_equal(em_kuprobe_legacy_name(name, sizeof(name), &u, 123, 7), 0);
	assert_string_equal(name, "r_libc_so_6_9a10_123_7");
	k.retprobe = false;
	k.name = "a_function_whose_name_is_much_longer_than_thirty_two_characters";
	assert_int_equal(em_kuprobe_legacy_name(name, sizeof(name), &k, 1, 2), 0);
	assert_string_equal(name, "p_a_function_whose_name_is_much_lo_0_1_2");
	assert_int_equal(em_kuprobe_legacy_name(name, 8, &k, 1, 2), -ENAMETOOLONG);
}

static void test_format_bit(void **state)
{
	unsigned bit = 99;

	(void)state;
	assert_int_equal(em_pmu_parse_format_bit("config:0\n", &bit), 0);
	assert_int_equal(bit, 0);
	assert_int_equal(em_pmu_parse_format_bit("config:12", &bit), 0);
	assert_int_equal(bit, 12);
	assert_int_equal(em_pmu_parse_format_bit("config1:0", &bit), -EBADMSG);
	assert_int_equal(em_pmu_parse_format_bit("config:", &bit), -EBADMSG);
	assert_int_equal(em_pmu_parse_format_bit("config:64", &bit), -EBADMSG);
}

/* ---- kprobes ------------------------------------------------------------------------- */

static void test_kprobe_pmu(void **state)
{
	struct ebpfmini_program prog =
		fake_prog("kprobe/do_unlinkat+0x10", BPF_PROG_TYPE_KPROBE, 0);
	struct ebpfmini_program_attach_kprobe_opts opts = { .sz = sizeof(opts),
							    .retprobe = true,
							    .cookie = 5 };
	struct ebpfmini_link *link = NULL;

	(void)state;
	fk.files[0][0] = "/sys/bus/event_source/devices/kprobe/type";
	fk.files[0][1] = "6\n";
	fk.files[1][0] = "/sys/bus/event_source/devices/kprobe/format/retprobe";
	fk.files[1][1] = "config:3\n";
	assert_int_equal(ebpfmini_program_attach(&prog, &link), 0);
	assert_int_equal(fk.nperf, 1);
	assert_int_equal(fk.attr[0].type, 6);
	assert_int_equal(fk.attr[0].config, 0);
	assert_string_equal(fk.config1[0], "do_unlinkat");
	assert_int_equal(fk.attr[0].config2, 0x10);
	assert_int_equal(fk.pid[0], -1);
	assert_int_equal(fk.cpu[0], 0);
	assert_int_equal(fk.link_attr.link_create.attach_type, BPF_PERF_EVENT);
	assert_string_equal(ebpfmini_link_target(link), "kprobe do_unlinkat+0x10");
	ebpfmini_link_close(link);
	assert_int_equal(closes_of(FAKE_PERF_FD), 1);
	assert_int_equal(closes_of(FAKE_LINK_FD), 1);

	/* a kretprobe sets the format's bit; the cookie goes to the link */
	assert_int_equal(ebpfmini_program_attach_kprobe(&prog, "vfs_read", &opts, &link), 0);
	assert_int_equal(fk.attr[1].config, 1 << 3);
	assert_int_equal(fk.link_attr.link_create.perf_event.bpf_cookie, 5);
	assert_string_equal(ebpfmini_link_target(link), "kretprobe vfs_read");
	ebpfmini_link_close(link);
	opts.offset = 4;
	assert_int_equal(ebpfmini_program_attach_kprobe(&prog, "vfs_read", &opts, &link), -EINVAL);
	assert_non_null(strstr(logcap.last, "a kretprobe takes no offset"));
	assert_int_equal(ebpfmini_program_attach_kprobe(&prog, "bad name", NULL, &link), -EINVAL);
	assert_int_equal(fk.nperf, 2);
}

static void test_kprobe_absent(void **state)
{
	struct ebpfmini_program prog = fake_prog("kprobe/do_unlinkat", BPF_PROG_TYPE_KPROBE, 0);
	struct ebpfmini_link *link = (struct ebpfmini_link *)&prog;

	(void)state;
	/* no PMU, tracefs without kprobe_events */
	assert_int_equal(ebpfmini_program_attach(&prog, &link), -EOPNOTSUPP);
	assert_null(link);
	assert_string_equal(logcap.last,
			    "prog 'probe': attach kprobe 'do_unlinkat': " EM_KPROBES_MISSING);
	/* no PMU, tracefs not mounted */
	fk.tracefs = false;
	assert_int_equal(ebpfmini_program_attach(&prog, &link), -ENODEV);
	assert_non_null(strstr(logcap.last, "no kprobe PMU (/sys/bus/event_source/devices/kprobe) "
					   "and tracefs is not mounted: mount -t tracefs"));
	/* no PMU, kprobe_events there: the probe line is written (the fake fd refuses it) */
	fk.tracefs = true;
	fk.events_files = true;
	assert_true(ebpfmini_program_attach(&prog, &link) < 0);
	assert_non_null(strstr(logcap.last, "adding 'p:ebpfmini/p_do_unlinkat_0_"));
	assert_non_null(strstr(logcap.last, " do_unlinkat' to /sys/kernel/tracing/kprobe_events"));
	assert_int_equal(fk.nperf, 0);
}

static void test_ksyscall(void **state)
{
	struct ebpfmini_program prog = fake_prog("ksyscall/getpid", BPF_PROG_TYPE_KPROBE, 0);
	struct ebpfmini_program_attach_kprobe_opts opts = { .sz = sizeof(opts), .offset = 1 };
	struct ebpfmini_link *link = NULL;

	(void)state;
	fk.files[0][0] = "/sys/bus/event_source/devices/kprobe/type";
	fk.files[0][1] = "6";
	fk.files[1][0] = "/proc/kallsyms";
	fk.files[1][1] = "ffffffff81000000 T sys_bpf\n";
	em_attach_kprobe_syscall_prefix_reset();
	assert_int_equal(ebpfmini_program_attach(&prog, &link), 0);
	assert_string_equal(fk.config1[0], "sys_getpid");
	ebpfmini_link_close(link);
	/* looked up once: a new kallsyms is not read */
	fk.files[1][1] = "ffffffff81000000 T __arm64_sys_bpf\n";
	assert_int_equal(ebpfmini_program_attach(&prog, &link), 0);
	assert_string_equal(fk.config1[1], "sys_getpid");
	ebpfmini_link_close(link);
	em_attach_kprobe_syscall_prefix_reset();
	prog.sec_name = (char *)"kretsyscall/openat";
	assert_int_equal(ebpfmini_program_attach(&prog, &link), 0);
	assert_string_equal(fk.config1[2], "__arm64_sys_openat");
	assert_string_equal(ebpfmini_link_target(link), "kretprobe __arm64_sys_openat");
	ebpfmini_link_close(link);
	assert_int_equal(ebpfmini_program_attach_ksyscall(&prog, "getpid", &opts, &link), -EINVAL);
	assert_int_equal(ebpfmini_program_attach_ksyscall(&prog, "a/b", NULL, &link), -EINVAL);
	em_attach_kprobe_syscall_prefix_reset();
}

/* ---- uprobes --------------------------------------------------------------------------- */

__attribute__((noinline, used)) int unit_uprobe_target(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 1;
}

static void test_uprobe_pmu(void **state)
{
	struct ebpfmini_program prog = fake_prog("uprobe", BPF_PROG_TYPE_KPROBE, 0);
	struct ebpfmini_program_attach_uprobe_opts opts = {
		.sz = sizeof(opts),
		.offset = 0x1234,
		.pid = 42,
		.ref_ctr_offset = 0x20,
	};
	struct ebpfmini_link *link = NULL;
	uint64_t off = 0;

	(void)state;
	fk.files[0][0] = "/sys/bus/event_source/devices/uprobe/type";
	fk.files[0][1] = "7\n";
	fk.files[1][0] = "/sys/bus/event_source/devices/uprobe/format/retprobe";
	fk.files[1][1] = "config:0\n";
	assert_int_equal(
		ebpfmini_program_attach_uprobe(&prog, "/proc/self/exe", NULL, &opts, &link), 0);
	assert_int_equal(fk.attr[0].type, 7);
	assert_int_equal(fk.attr[0].config, 0x20ULL << 32);
	assert_string_equal(fk.config1[0], "/proc/self/exe");
	assert_int_equal(fk.attr[0].config2, 0x1234);
	assert_int_equal(fk.pid[0], 42);
	assert_int_equal(fk.cpu[0], -1);
	assert_string_equal(ebpfmini_link_target(link), "uprobe /proc/self/exe:0x1234 pid 42");
	ebpfmini_link_close(link);

	/* by symbol: the ELF reader's file offset, plus opts->offset */
	assert_int_equal(
		em_attach_uprobe_symbol_offset("/proc/self/exe", "unit_uprobe_target", &off), 0);
	opts.offset = 4;
	opts.pid = 0;
	opts.ref_ctr_offset = 0;
	opts.retprobe = true;
	prog.sec_name = (char *)"uretprobe//proc/self/exe:unit_uprobe_target+4";
	assert_int_equal(ebpfmini_program_attach(&prog, &link), 0);
	assert_int_equal(fk.attr[1].config2, off + 4);
	assert_int_equal(fk.attr[1].config, 1);
	assert_int_equal(fk.pid[1], -1);
	assert_int_equal(fk.cpu[1], 0);
	assert_string_equal(ebpfmini_link_target(link),
			    "uretprobe /proc/self/exe:unit_uprobe_target+0x4");
	ebpfmini_link_close(link);
	assert_int_equal(em_attach_uprobe_symbol_offset("/proc/self/exe", "no_such_function", &off),
			 -ENOENT);
}

static void test_find_binary(void **state)
{
	char dir[] = "/tmp/ebpfmini-lib-XXXXXX", lib[128], buf[256], *old;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(lib, sizeof(lib), "%s/libebpfmini-test.so.1", dir);
	fp = fopen(lib, "w");
	assert_non_null(fp);
	fclose(fp);
	old = getenv("LD_LIBRARY_PATH") ? strdup(getenv("LD_LIBRARY_PATH")) : NULL;
	setenv("LD_LIBRARY_PATH", "/nonexistent::", 1);
	assert_int_equal(em_attach_uprobe_find_binary("libebpfmini-test.so.1", buf, sizeof(buf)),
			 -ENOENT);
	snprintf(buf, sizeof(buf), "/nonexistent:%s", dir);
	setenv("LD_LIBRARY_PATH", buf, 1);
	assert_int_equal(em_attach_uprobe_find_binary("libebpfmini-test.so.1", buf, sizeof(buf)),
			 0);
	assert_string_equal(buf, lib);
	assert_int_equal(em_attach_uprobe_find_binary("libebpfmini-test.so.1", buf, 10), -ENOENT);
	if (old)
		setenv("LD_LIBRARY_PATH", old, 1);
	else
		unsetenv("LD_LIBRARY_PATH");
	free(old);
	unlink(lib);
	rmdir(dir);
	/* the usual library directories; PATH for programs; paths as given */
	assert_int_equal(em_attach_uprobe_find_binary("libc.so.6", buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "/libc.so.6"));
	assert_int_equal(em_attach_uprobe_find_binary("sh", buf, sizeof(buf)), 0);
	assert_true(buf[0] == '/');
	assert_int_equal(em_attach_uprobe_find_binary("/nonexistent/x", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(em_attach_uprobe_find_binary("", buf, sizeof(buf)), -ENOENT);
}

/* A relative PATH or LD_LIBRARY_PATH entry is not searched: it would hand the kernel a relative path. */
static void test_find_binary_relative(void **state)
{
	char dir[] = "/tmp/ebpfmini-rel-XXXXXX", cwd[4096], buf[256], *old_path, *old_lib;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(mkdir("rel", 0700), 0);
	fp = fopen("rel/em-probe-target", "w");
	assert_non_null(fp);
	fclose(fp);
	fp = fopen("rel/libem-probe-target.so", "w");
	assert_non_null(fp);
	fclose(fp);
	old_path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	old_lib = getenv("LD_LIBRARY_PATH") ? strdup(getenv("LD_LIBRARY_PATH")) : NULL;
	setenv("PATH", "rel:/nonexistent", 1);
	setenv("LD_LIBRARY_PATH", "rel", 1);
	assert_int_equal(em_attach_uprobe_find_binary("em-probe-target", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(em_attach_uprobe_find_binary("libem-probe-target.so", buf, sizeof(buf)), -ENOENT);
	/* the same directory given absolute is searched */
	snprintf(buf, sizeof(buf), "%s/rel", dir);
	setenv("PATH", buf, 1);
	assert_int_equal(em_attach_uprobe_find_binary("em-probe-target", buf, sizeof(buf)), 0);
	assert_true(buf[0] == '/');
	if (old_path)
		setenv("PATH", old_path, 1);
	else
		unsetenv("PATH");
	if (old_lib)
		setenv("LD_LIBRARY_PATH", old_lib, 1);
	else
		unsetenv("LD_LIBRARY_PATH");
	free(old_path);
	free(old_lib);
	unlink("rel/em-probe-target");
	unlink("rel/libem-probe-target.so");
	rmdir("rel");
	assert_int_equal(chdir(cwd), 0);
	rmdir(dir);
}

/* A FIFO as the uprobe target: refused at once (it used to block in open), as a directory is. */
static void on_alarm(int sig)
{
	(void)sig;
	fail_msg("em_attach_uprobe_symbol_offset blocked on a FIFO");
}

static void test_symbol_offset_not_regular(void **state)
{
	char dir[] = "/tmp/ebpfmini-fifo-XXXXXX", fifo[64];
	uint64_t off = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/target", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	signal(SIGALRM, on_alarm);
	alarm(5);
	assert_int_equal(em_attach_uprobe_symbol_offset(fifo, "main", &off), -ENOEXEC);
	assert_int_equal(em_attach_uprobe_symbol_offset(dir, "main", &off), -ENOEXEC);
	alarm(0);
	signal(SIGALRM, SIG_DFL);
	unlink(fifo);
	rmdir(dir);
}

/* ---- perf events: one per online CPU ------------------------------------------------------ */

static void test_perf_set(void **state)
{
	struct ebpfmini_program prog = fake_prog("perf_event", BPF_PROG_TYPE_PERF_EVENT, 0);
	struct ebpfmini_program_attach_perf_event_opts opts = { .sz = sizeof(opts) };
	struct perf_event_attr attr = { .type = PERF_TYPE_SOFTWARE, .size = 0, .sample_period = 7 };
	struct ebpfmini_link *link = NULL;

	(void)state;
	fk.files[0][0] = "/sys/devices/system/cpu/online";
	fk.files[0][1] = "0-2\n";
	assert_int_equal(ebpfmini_program_attach_perf_event(&prog, &attr, &opts, &link), 0);
	assert_int_equal(fk.nperf, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(fk.cpu[i], i);
		assert_int_equal(fk.pid[i], -1);
		assert_int_equal(fk.attr[i].size, 64); /* size 0 is the first version's 64 bytes */
		assert_int_equal(fk.attr[i].sample_period, 7);
	}
	assert_int_equal(fk.nioctl, 3); /* PERF_EVENT_IOC_ENABLE each */
	assert_int_equal(ebpfmini_link_member_count(link), 3);
	assert_int_equal(ebpfmini_link_fd(link), FAKE_LINK_FD);
	assert_int_equal(ebpfmini_link_fd(ebpfmini_link_member(link, 2)), FAKE_LINK_FD + 2);
	assert_string_equal(ebpfmini_link_target(ebpfmini_link_member(link, 1)),
			    "perf_event type 1 config 0x0 cpu 1");
	assert_string_equal(ebpfmini_link_target(link), "perf_event type 1 config 0x0 on 3 CPUs");
	assert_int_equal(ebpfmini_link_pin(link, "/sys/fs/bpf/x"), -EOPNOTSUPP);
	assert_int_equal(ebpfmini_link_info(link,
					    &(struct ebpfmini_link_info){
						    .sz = sizeof(struct ebpfmini_link_info) }),
			 -EOPNOTSUPP);
	assert_int_equal(ebpfmini_link_detach(link), 0);
	assert_int_equal(ebpfmini_link_update(link, &prog), 0);
	assert_int_equal(fk.nioctl, 3 + 6 * 100); /* three detaches, three updates */
	ebpfmini_link_close(link);
	assert_int_equal(fk.ncloses, 6);

	/* an offline CPU is left out; a refused event undoes everything */
	memset(fk.attr, 0, sizeof(fk.attr));
	fk.nperf = fk.ncloses = 0;
	fk.perf_fail_at = 2;
	fk.perf_fail_err = -ENODEV;
	assert_int_equal(ebpfmini_program_attach_perf_event(&prog, &attr, &opts, &link), 0);
	assert_int_equal(ebpfmini_link_member_count(link), 2);
	ebpfmini_link_close(link);
	fk.nperf = fk.ncloses = 0;
	fk.perf_fail_at = 3;
	fk.perf_fail_err = -EACCES;
	link = (struct ebpfmini_link *)&prog;
	assert_int_equal(ebpfmini_program_attach_perf_event(&prog, &attr, &opts, &link), -EACCES);
	assert_null(link);
	assert_int_equal(fk.ncloses, 4); /* two links, two events */
	assert_non_null(strstr(logcap.last, "on CPU 2: Permission denied"));

	/* one process: one event on any CPU; one CPU */
	fk.nperf = 0;
	fk.perf_fail_at = 0;
	opts.pid = 77;
	assert_int_equal(ebpfmini_program_attach_perf_event(&prog, &attr, &opts, &link), 0);
	assert_int_equal(ebpfmini_link_member_count(link), 1);
	assert_int_equal(fk.pid[0], 77);
	assert_int_equal(fk.cpu[0], -1);
	ebpfmini_link_close(link);
	opts.pid = 0;
	opts.one_cpu = true;
	opts.cpu = 1;
	assert_int_equal(ebpfmini_program_attach_perf_event(&prog, &attr, &opts, &link), 0);
	assert_int_equal(fk.pid[1], -1);
	assert_int_equal(fk.cpu[1], 1);
	ebpfmini_link_close(link);
	attr.size = 32;
	assert_int_equal(ebpfmini_program_attach_perf_event(&prog, &attr, &opts, &link), -EINVAL);
}

/* ---- tracing links and iterators ---------------------------------------------------------- */

static void test_trace_links(void **state)
{
	struct ebpfmini_program prog =
		fake_prog("fentry/do_unlinkat", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY);
	struct ebpfmini_program_attach_trace_opts opts = { .sz = sizeof(opts), .cookie = 3 };
	struct ebpfmini_link *link = NULL;

	(void)state;
	assert_int_equal(ebpfmini_program_attach(&prog, &link), 0);
	assert_int_equal(fk.link_attr.link_create.attach_type, BPF_TRACE_FENTRY);
	assert_int_equal(fk.link_attr.link_create.target_fd, 0);
	assert_string_equal(ebpfmini_link_target(link), "fentry do_unlinkat");
	ebpfmini_link_close(link);
	/* kernels without tracing links: RAW_TRACEPOINT_OPEN, but not with a cookie */
	fk.link_create_ret = -EINVAL;
	assert_int_equal(ebpfmini_program_attach(&prog, &link), 0);
	assert_int_equal(fk.nraw, 1);
	ebpfmini_link_close(link);
	assert_int_equal(ebpfmini_program_attach_trace(&prog, &opts, &link), -EOPNOTSUPP);
	assert_non_null(strstr(logcap.last, "a bpf cookie needs a tracing link"));
	prog.type = BPF_PROG_TYPE_LSM;
	prog.expected_attach_type = BPF_LSM_MAC;
	fk.link_create_ret = -EPERM;
	assert_int_equal(ebpfmini_program_attach(&prog, &link), -EPERM);
	assert_non_null(strstr(logcap.last, "kernel lockdown forbids BPF trampolines?"));
}

static void test_iter(void **state)
{
	struct ebpfmini_program prog =
		fake_prog("iter/bpf_map_elem", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER);
	struct ebpfmini_program_attach_iter_opts opts = { .sz = sizeof(opts), .map_fd = 33 };
	const union bpf_iter_link_info *info;
	struct ebpfmini_link *link = NULL;
	char *text = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(ebpfmini_program_attach_iter(&prog, &opts, &link), 0);
	assert_int_equal(fk.link_attr.link_create.attach_type, BPF_TRACE_ITER);
	info = (const void *)(uintptr_t)fk.link_attr.link_create.iter_info;
	assert_non_null(info);
	assert_int_equal(fk.link_attr.link_create.iter_info_len, sizeof(*info));
	assert_string_equal(ebpfmini_link_target(link), "iter bpf_map_elem map fd 33");

	fk.iter_chunks[0] = "hello ";
	fk.iter_chunks[1] = "world";
	assert_int_equal(ebpfmini_link_iter_read(link, 0, &text, &len), 0);
	assert_string_equal(text, "hello world");
	assert_int_equal(len, 11);
	free(text);
	assert_int_equal(closes_of(FAKE_ITER_FD), 1);
	fk.iter_next = 0;
	assert_int_equal(ebpfmini_link_iter_read(link, 8, &text, &len), -E2BIG);
	assert_null(text);
	fk.iter_next = 0;
	fk.iter_chunks[1] = "!";
	assert_int_equal(ebpfmini_link_iter_read(link, 0, &text, NULL), -EAGAIN);
	assert_non_null(strstr(logcap.last, "the program asked to restart"));
	assert_int_equal(closes_of(FAKE_ITER_FD), 3);
	ebpfmini_link_close(link);

	opts.tid = 5;
	assert_int_equal(ebpfmini_program_attach_iter(&prog, &opts, &link), -EINVAL);
	opts.map_fd = 0;
	assert_int_equal(ebpfmini_program_attach_iter(&prog, &opts, &link), 0);
	assert_string_equal(ebpfmini_link_target(link), "iter bpf_map_elem tid 5 pid 0");
	ebpfmini_link_close(link);
	/* no options: no iter_info */
	assert_int_equal(ebpfmini_program_attach(&prog, &link), 0);
	assert_int_equal(fk.link_attr.link_create.iter_info, 0);
	ebpfmini_link_close(link);
	assert_int_equal(ebpfmini_link_iter_open(NULL), -EINVAL);
	assert_int_equal(ebpfmini_link_iter_read(NULL, 0, &text, NULL), -EINVAL);
}

/* ---- kprobe.multi, uprobe.multi ------------------------------------------------------ */

__attribute__((noinline, used)) int unit_multi_target_a(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 2;
}

__attribute__((noinline, used)) int unit_multi_target_b(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 3;
}

static void test_multi_parse(void **state)
{
	char filter[] = "vfs_read\nvfs_readv [ext4]\n__ftrace_invalid_address___12\nvfs_write\n"
			"vfs_read\nzz_read";
	char ksyms[] = "ffff0001 T vfs_read\nffff0002 D vfs_read_data\nffff0003 t vfs_readx\t[m]\n"
		       "ffff0004 T other\n";
	const char **names;
	char *path, *pat;
	size_t n;

	(void)state;
	assert_int_equal(em_kallsyms_glob(filter, false, "*read*", &names, &n), 0);
	assert_int_equal(n, 3); /* sorted, vfs_read once */
	assert_string_equal(names[0], "vfs_read");
	assert_string_equal(names[1], "vfs_readv");
	assert_string_equal(names[2], "zz_read");
	free(names);
	assert_int_equal(em_kallsyms_glob(ksyms, true, "vfs_read*", &names, &n), 0);
	assert_int_equal(n, 2); /* the data symbol is no function */
	assert_string_equal(names[0], "vfs_read");
	assert_string_equal(names[1], "vfs_readx");
	free(names);
	assert_int_equal(em_kallsyms_glob(ksyms, true, "nothing*", &names, &n), -ENOENT);
	assert_null(names);

	assert_int_equal(em_attach_multi_uprobe_target("/bin/x:f*:g", &path, &pat), 0);
	assert_string_equal(path, "/bin/x");
	assert_string_equal(pat, "f*:g");
	free(path);
	free(pat);
	assert_int_equal(em_attach_multi_uprobe_target("libc.so.6:getpid*", &path, &pat), 0);
	assert_string_equal(path, "libc.so.6");
	free(path);
	free(pat);
	assert_int_equal(em_attach_multi_uprobe_target("/bin/x", &path, &pat), -EINVAL);
	assert_int_equal(em_attach_multi_uprobe_target(":f", &path, &pat), -EINVAL);
	assert_int_equal(em_attach_multi_uprobe_target("/bin/x:", &path, &pat), -EINVAL);
	assert_null(path);
}

static void test_kprobe_multi(void **state)
{
	struct ebpfmini_program prog =
		fake_prog("kprobe.multi/vfs_read*", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI);
	static const char *const syms[] = { "a", "b" };
	static const uint64_t cookies[] = { 7, 8 };
	struct ebpfmini_program_attach_kprobe_multi_opts o = { .sz = sizeof(o) };
	union em_bpf_attr *a = (union em_bpf_attr *)&fk.link_attr;
	struct ebpfmini_link *link = NULL;

	(void)state;
	fk.files[0][0] = "/sys/kernel/tracing/available_filter_functions";
	fk.files[0][1] = "vfs_read\nvfs_readv [ext4]\nvfs_write\nvfs_read\n";
	assert_int_equal(ebpfmini_program_attach(&prog, &link), 0);
	assert_int_equal(a->link_create.attach_type, BPF_TRACE_KPROBE_MULTI);
	assert_int_equal(a->link_create.kprobe_multi.cnt, 2);
	assert_int_equal(a->link_create.kprobe_multi.flags, 0);
	assert_string_equal(ebpfmini_link_target(link), "kprobe.multi vfs_read* (2 functions)");
	ebpfmini_link_close(link);

	/* a list with cookies, at the returns */
	o.syms = syms;
	o.cookies = cookies;
	o.cnt = 2;
	o.retprobe = true;
	assert_int_equal(ebpfmini_program_attach_kprobe_multi(&prog, NULL, &o, &link), 0);
	assert_int_equal(a->link_create.kprobe_multi.flags, BPF_F_KPROBE_MULTI_RETURN);
	assert_int_equal(a->link_create.kprobe_multi.syms, (uintptr_t)syms);
	assert_int_equal(a->link_create.kprobe_multi.cookies, (uintptr_t)cookies);
	ebpfmini_link_close(link);

	/* a session: from the option or the program's SEC */
	o.retprobe = false;
	o.session = true;
	assert_int_equal(ebpfmini_program_attach_kprobe_multi(&prog, NULL, &o, &link), 0);
	assert_int_equal(a->link_create.attach_type, BPF_TRACE_KPROBE_SESSION);
	ebpfmini_link_close(link);

	/* bad combinations */
	o.retprobe = true;
	assert_int_equal(ebpfmini_program_attach_kprobe_multi(&prog, NULL, &o, &link), -EINVAL);
	o.retprobe = o.session = false;
	assert_int_equal(ebpfmini_program_attach_kprobe_multi(&prog, "x*", &o, &link), -EINVAL);
	o.cnt = 0;
	assert_int_equal(ebpfmini_program_attach_kprobe_multi(&prog, NULL, &o, &link), -EINVAL);
	assert_int_equal(ebpfmini_program_attach_kprobe_multi(&prog, "nothing*", NULL, &link),
			 -ENOENT);
	assert_null(link);
	assert_int_equal(fk.nlinks, 3);
}

static void test_uprobe_multi(void **state)
{
	struct ebpfmini_program prog =
		fake_prog("uretprobe.multi//proc/self/exe:unit_multi_target_*", BPF_PROG_TYPE_KPROBE,
			  BPF_TRACE_UPROBE_MULTI);
	static const uint64_t offsets[] = { 0x100, 0x200 }, cookies[] = { 1, 2 };
	struct ebpfmini_program_attach_uprobe_multi_opts o = {
		.sz = sizeof(o), .offsets = offsets, .cookies = cookies, .cnt = 2,
	};
	union em_bpf_attr *a = (union em_bpf_attr *)&fk.link_attr;
	struct ebpfmini_link *link = NULL;

	(void)state;
	assert_int_equal(ebpfmini_program_attach(&prog, &link), 0);
	assert_int_equal(a->link_create.attach_type, BPF_TRACE_UPROBE_MULTI);
	assert_int_equal(a->link_create.uprobe_multi.cnt, 2);
	assert_int_equal(a->link_create.uprobe_multi.flags, BPF_F_UPROBE_MULTI_RETURN);
	assert_int_equal(a->link_create.uprobe_multi.pid, 0);
	assert_string_equal(ebpfmini_link_target(link),
			    "uretprobe.multi /proc/self/exe:unit_multi_target_* (2 functions)");
	ebpfmini_link_close(link);

	assert_int_equal(
		ebpfmini_program_attach_uprobe_multi(&prog, 42, "/proc/self/exe", NULL, &o, &link), 0);
	assert_int_equal(a->link_create.uprobe_multi.offsets, (uintptr_t)offsets);
	assert_int_equal(a->link_create.uprobe_multi.cookies, (uintptr_t)cookies);
	assert_int_equal(a->link_create.uprobe_multi.pid, 42);
	assert_int_equal(a->link_create.uprobe_multi.flags, 0);
	ebpfmini_link_close(link);

	assert_int_equal(ebpfmini_program_attach_uprobe_multi(&prog, 0, "/proc/self/exe",
							      "no_such_fn*", NULL, &link),
			 -ENOENT);
	assert_int_equal(ebpfmini_program_attach_uprobe_multi(&prog, -1, "/proc/self/exe", NULL,
							      &o, &link),
			 -EINVAL);
	prog.sec_name = (char *)"uprobe.multi//proc/self/exe";
	assert_int_equal(ebpfmini_program_attach(&prog, &link), -EINVAL);
	assert_int_equal(fk.nlinks, 2);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_parse_kprobe_target),
		T(test_parse_uprobe_target),
		T(test_syscall_prefix_pick),
		T(test_legacy_lines),
		T(test_format_bit),
		T(test_kprobe_pmu),
		T(test_kprobe_absent),
		T(test_ksyscall),
		T(test_uprobe_pmu),
		T(test_find_binary),
		T(test_multi_parse),
		T(test_kprobe_multi),
		T(test_uprobe_multi),
		T(test_find_binary_relative),
		T(test_symbol_offset_not_regular),
		T(test_perf_set),
		T(test_trace_links),
		T(test_iter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
