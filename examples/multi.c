/* multi.c - attach one program to many functions with one link: uprobe.multi, kprobe.multi and sessions */
#include "common.h"
#include "multi.skel.h" /* struct multi: multi.bpf.c embedded, typed */

static const char usage[] =
	"usage: multi [-d SECONDS]\n"
	"Counts this process's calls of three libc functions with one uprobe.multi link (a\n"
	"cookie per function), of the kernel's do_unlinka* with one kprobe.multi link, and\n"
	"runs session programs at entry and return; says for each hook the kernel lacks why.\n"
	"  -d SECONDS  ignored: the example runs its steps once\n"
	"  -h, --help  show this help\n";

/* Attach prog with fn if the kernel has feature; otherwise say why. */
static struct ebpfmini_link *try(const char *what, enum ebpfmini_feature feature,
				 struct ebpfmini_program *prog,
				 int (*fn)(struct ebpfmini_program *, struct ebpfmini_link **))
{
	struct ebpfmini_link *link = NULL;
	char why[512];
	int err;

	if (ebpfmini_sys_probe_feature(feature, why, sizeof(why)) != 1) {
		printf("%-14s skipped: %s\n", what, why);
		return NULL;
	}
	err = fn(prog, &link);
	if (err)
		ex_fail(what, err, NULL);
	return link;
}

/* uprobe.multi: the functions by name, each with its cookie, for this process only */
static int attach_libc(struct ebpfmini_program *prog, struct ebpfmini_link **out)
{
	static const char *const syms[] = { "getpid", "getppid", "getuid" };
	static const uint64_t cookies[] = { 0, 1, 2 };
	struct ebpfmini_program_attach_uprobe_multi_opts opts = {
		.sz = sizeof(opts),
		.syms = syms,
		.cookies = cookies,
		.cnt = 3,
	};

	return ebpfmini_program_attach_uprobe_multi(prog, getpid(), "libc.so.6", NULL, &opts, out);
}

int main(int argc, char **argv)
{
	struct ebpfmini_link *libc, *unlinks, *usession, *ksession;
	uint32_t me = (uint32_t)getpid();
	struct multi__bss before, *now;
	struct multi *skel;
	int err;

	ex_start(argc, argv, "multi", usage, NULL);
	/* open, configure (only this process counts), load */
	skel = multi__open();
	if (!skel)
		return ex_fail("open", -errno, NULL);
	ebpfmini_var_write(ebpfmini_object_find_var(skel->obj, "target_tgid"), &me, sizeof(me));
	err = multi__load(skel);
	if (err) {
		multi__destroy(skel);
		return ex_fail("load", err, NULL);
	}

	/* attach: each hook where the kernel has it */
	libc = try("uprobe.multi", EBPFMINI_FEATURE_UPROBE_MULTI, skel->progs.count_libc,
		   attach_libc);
	unlinks = try("kprobe.multi", EBPFMINI_FEATURE_KPROBE_MULTI, skel->progs.count_unlink,
		      ebpfmini_program_attach); /* by the SEC name's pattern */
	usession = try("uprobe.session", EBPFMINI_FEATURE_UPROBE_SESSION,
		       skel->progs.getuid_session, ebpfmini_program_attach);
	ksession = try("kprobe.session", EBPFMINI_FEATURE_KPROBE_SESSION,
		       skel->progs.unlink_session, ebpfmini_program_attach);

	/* loop: call the functions a known number of times (counted from here) */
	memcpy(&before, skel->bss, sizeof(before));
	for (int i = 0; i < 3; i++)
		(void)getpid();
	for (int i = 0; i < 2; i++)
		(void)getppid();
	(void)getuid();
	for (int i = 0; i < 4; i++)
		unlink("/tmp/ebpfmini-multi-no-such-file");

	now = skel->bss;
	if (libc)
		printf("uprobe.multi   one link, 3 functions: getpid %llu, getppid %llu, getuid "
		       "%llu calls\n",
		       now->calls[0] - before.calls[0], now->calls[1] - before.calls[1],
		       now->calls[2] - before.calls[2]);
	if (unlinks)
		printf("kprobe.multi   do_unlinka*: %llu calls\n", now->unlinks - before.unlinks);
	if (usession)
		printf("uprobe.session getuid: %llu runs (entry and return)\n",
		       now->session_runs[0] - before.session_runs[0]);
	if (ksession)
		printf("kprobe.session do_unlinkat: %llu runs (entry and return)\n",
		       now->session_runs[1] - before.session_runs[1]);

	/* clean up */
	ebpfmini_link_close(libc);
	ebpfmini_link_close(unlinks);
	ebpfmini_link_close(usession);
	ebpfmini_link_close(ksession);
	multi__destroy(skel);
	return libc || unlinks ? 0 : 1;
}
