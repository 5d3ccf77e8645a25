/* freplace.c - trace (fentry, fexit) and then replace (freplace) a function of a loaded XDP program */
#include "common.h"
#include "freplace.skel.h" /* struct freplace: freplace.bpf.c embedded, typed */

static const char usage[] =
	"usage: freplace [-d SECONDS]\n"
	"Loads an XDP firewall whose verdict() function is global, runs it on a test packet,\n"
	"counts its calls of verdict() with fentry and fexit programs, then replaces verdict()\n"
	"with a freplace program and runs it again. Needs BPF trampolines (no kernel lockdown).\n"
	"  -d SECONDS  ignored: the example runs its steps once\n"
	"  -h, --help  show this help\n";

#define RUNS 10

/* BPF_PROG_TEST_RUN of the firewall on a zeroed 64-byte packet, runs times: its verdict
 * (0), or the error (said). */
static int run(struct freplace *fw, uint32_t runs, uint32_t *verdict)
{
	unsigned char pkt[64] = { 0 };
	struct ebpfmini_program_test_run_opts opts = {
		.sz = sizeof(opts),
		.data_in = pkt,
		.data_size_in = sizeof(pkt),
		.repeat = runs,
	};
	int err = ebpfmini_program_test_run(fw->progs.firewall, &opts);

	*verdict = opts.retval;
	if (err)
		ex_fail("test run of the firewall", err, NULL);
	return err;
}

static const char *xdp_name(uint32_t v)
{
	return v == XDP_PASS ? "XDP_PASS" : v == XDP_DROP ? "XDP_DROP" : "?";
}

/* Open a second copy of the object with only the programs named in keep to load. */
static struct freplace *open_only(const char *const *keep)
{
	struct freplace *skel = freplace__open();
	struct ebpfmini_program *p = NULL;

	while (skel && (p = ebpfmini_object_next_program(skel->obj, p))) {
		bool wanted = false;

		for (size_t i = 0; keep[i]; i++)
			wanted |= strcmp(ebpfmini_program_name(p), keep[i]) == 0;
		ebpfmini_program_set_autoload(p, wanted);
	}
	return skel;
}

int main(int argc, char **argv)
{
	static const char *const fw_progs[] = { "firewall", NULL };
	static const char *const ext_progs[] = { "drop_everything", "count_verdict", "see_verdict",
						 NULL };
	struct ebpfmini_link *entry = NULL, *exit_link = NULL, *replace = NULL;
	struct freplace *fw = NULL, *ext = NULL;
	uint32_t verdict;
	int err, fw_fd, status = 1;

	ex_start(argc, argv, "freplace", usage, NULL);
	if (!ex_require(EBPFMINI_FEATURE_TRAMPOLINES))
		return 1;

	/* open + load: the firewall alone (program A) */
	fw = open_only(fw_progs);
	if (!fw)
		return ex_fail("open", -errno, NULL);
	err = freplace__load(fw);
	if (err) {
		ex_fail("load the firewall", err, NULL);
		goto out;
	}
	if (run(fw, 1, &verdict))
		goto out;
	printf("firewall alone:        %s\n", xdp_name(verdict));

	/* configure: the other programs attach to verdict() of the loaded firewall, not to a
	 * kernel function; the library reads the firewall's BTF to find verdict()'s type id */
	ext = open_only(ext_progs);
	if (!ext) {
		ex_fail("open", -errno, NULL);
		goto out;
	}
	fw_fd = ebpfmini_program_fd(fw->progs.firewall);
	ebpfmini_program_set_attach_target(ext->progs.drop_everything, fw_fd, NULL);
	ebpfmini_program_set_attach_target(ext->progs.count_verdict, fw_fd, NULL);
	ebpfmini_program_set_attach_target(ext->progs.see_verdict, fw_fd, "verdict");
	/* load: each one verified against verdict()'s prototype */
	err = freplace__load(ext);
	if (err) {
		ex_fail("load the tracing and replacing programs", err, NULL);
		goto out;
	}

	/* attach fentry and fexit: each run of the firewall calls verdict() once */
	err = ebpfmini_program_attach(ext->progs.count_verdict, &entry);
	if (!err)
		err = ebpfmini_program_attach(ext->progs.see_verdict, &exit_link);
	if (err) {
		ex_fail("attach fentry/fexit", err, NULL);
		goto out;
	}
	if (run(fw, RUNS, &verdict))
		goto out;
	printf("with fentry and fexit: %s; verdict() ran %llu times, returned %s\n",
	       xdp_name(verdict), (unsigned long long)ext->bss->calls,
	       xdp_name((uint32_t)ext->bss->last_result));
	/* a function that freplace replaces cannot be traced meanwhile: detach first */
	ebpfmini_link_close(entry);
	ebpfmini_link_close(exit_link);
	entry = exit_link = NULL;

	/* attach freplace: the firewall's calls of verdict() run drop_everything() */
	err = ebpfmini_program_attach(ext->progs.drop_everything, &replace);
	if (err) {
		ex_fail("attach freplace", err, NULL);
		goto out;
	}
	if (run(fw, 1, &verdict))
		goto out;
	printf("verdict() replaced:    %s\n", xdp_name(verdict));

	/* clean up: closing the link puts the old verdict() back */
	ebpfmini_link_close(replace);
	replace = NULL;
	if (run(fw, 1, &verdict))
		goto out;
	printf("replacement detached:  %s\n", xdp_name(verdict));
	status = 0;
out:
	ebpfmini_link_close(entry);
	ebpfmini_link_close(exit_link);
	ebpfmini_link_close(replace);
	freplace__destroy(ext);
	freplace__destroy(fw);
	return status;
}
