/* hello.c - attach hello.bpf.c to execve and print the lines it writes to trace_pipe */
#include "common.h"
#include "hello.bpf.o.h" /* hello_bpf_o[]: the compiled hello.bpf.c, embedded at build time */

static const char usage[] =
	"usage: hello [--kprobe] [-d SECONDS]\n"
	"Prints \"Hello World\" for every execve on the machine, from a tracepoint program.\n"
	"  --kprobe    attach to the execve syscall function through a kprobe instead\n"
	"              (kernels with CONFIG_KPROBES)\n"
	"  -d SECONDS  run for SECONDS (default 3; 0: until Ctrl-C)\n"
	"  -h, --help  show this help\n";

static bool kprobe;

static int option(int argc, char **argv, int i)
{
	(void)argc;
	kprobe |= strcmp(argv[i], "--kprobe") == 0;
	return strcmp(argv[i], "--kprobe") == 0;
}

int main(int argc, char **argv)
{
	struct ebpfmini_object *obj = NULL;
	struct ebpfmini_program *prog;
	struct ebpfmini_link *link = NULL;
	char why[512];
	int err, tp, ret = 1;

	ex_start(argc, argv, "hello", usage, option);

	/* open: parse the embedded ELF object; nothing reaches the kernel yet */
	err = ebpfmini_object_open_mem(hello_bpf_o, sizeof(hello_bpf_o), NULL, &obj);
	if (err)
		return ex_fail("open", err, NULL);
	prog = ebpfmini_object_find_program(obj, kprobe ? "hello_kprobe" : "hello");

	/* configure: load only the program for the hook asked for */
	ebpfmini_program_set_autoload(
		ebpfmini_object_find_program(obj, kprobe ? "hello" : "hello_kprobe"), false);
	if (kprobe && ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_KPROBES, why, sizeof(why)) == 0) {
		fprintf(stderr, "hello: --kprobe: %s\n", why); /* the library says what is missing */
		goto cleanup;
	}

	/* load: create the maps (.rodata holds the printk format) and load the program */
	err = ebpfmini_object_load(obj);
	if (err) {
		ex_fail("load", err, ebpfmini_program_log(prog));
		goto cleanup;
	}

	/* attach: SEC("tp/syscalls/sys_enter_execve") names the tracepoint (or "ksyscall/execve") */
	err = ebpfmini_program_attach(prog, &link);
	if (err == -ENODEV) /* tracefs gives the tracepoint's id, and trace_pipe */
		fprintf(stderr, "hello: attach: tracefs is not mounted: "
				"mount -t tracefs tracefs /sys/kernel/tracing\n");
	else if (err)
		ex_fail("attach", err, NULL);
	if (err || (tp = ex_trace_pipe()) < 0)
		goto cleanup;

	/* loop: bpf_printk lines arrive in trace_pipe; print them for a while */
	printf("attached to %s; run a command, or wait%s\n", ebpfmini_link_target(link),
	       ex_seconds > 0 ? "" : " (Ctrl-C stops)");
	for (int n = 0; ex_running(); n++) {
		if (n < 3) /* a few execs of our own, for an idle machine */
			ex_exec("/bin/true");
		ex_trace_lines(tp, "Hello World", ex_timeout_ms(300));
	}
	close(tp);
	ret = 0;

cleanup:
	/* clean up: closing the link detaches the program; closing the object frees the rest */
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
	return ret;
}
