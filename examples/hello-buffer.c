/* hello-buffer.c - print the execve events that hello-buffer.bpf.c sends through a perf buffer */
#include "common.h"
#include "hello-buffer.h"
#include "hello-buffer.bpf.o.h" /* hello_buffer_bpf_o[]: hello-buffer.bpf.c, embedded */

static const char usage[] =
	"usage: hello-buffer [-d SECONDS]\n"
	"Prints one line per execve on the machine, sent by a BPF program through a perf\n"
	"event array (one perf ring per CPU).\n"
	"  -d SECONDS  run for SECONDS (default 3; 0: until Ctrl-C)\n"
	"  -h, --help  show this help\n";

/* Called for each sample, with the CPU whose ring held it. */
static int on_event(void *ctx, int cpu, const void *data, uint32_t size)
{
	const struct hello_event *ev = data;

	(void)ctx;
	if (size < sizeof(*ev))
		return 0;
	printf("cpu %d pid %d uid %d %-16.16s %.12s %.64s\n", cpu, ev->pid, ev->uid, ev->command,
	       ev->message, ev->path);
	return 0;
}

static void on_lost(void *ctx, int cpu, uint64_t lost)
{
	(void)ctx;
	printf("cpu %d: %llu events lost (ring full)\n", cpu, (unsigned long long)lost);
}

int main(int argc, char **argv)
{
	struct ebpfmini_perfbuf_opts pb_opts = { .sz = sizeof(pb_opts), .lost_cb = on_lost };
	struct ebpfmini_object *obj = NULL;
	struct ebpfmini_program *prog;
	struct ebpfmini_link *link = NULL;
	struct ebpfmini_perfbuf *pb = NULL;
	int err, ret = 0;

	ex_start(argc, argv, "hello-buffer", usage, NULL);
	if (!ex_require(EBPFMINI_FEATURE_TRACEFS)) /* the tracepoint's id is read from tracefs */
		return 1;

	/* open: parse the embedded object */
	err = ebpfmini_object_open_mem(hello_buffer_bpf_o, sizeof(hello_buffer_bpf_o), NULL, &obj);
	if (err)
		return ex_fail("open", err, NULL);
	prog = ebpfmini_object_find_program(obj, "hello_buffer");

	/* configure: the perf event array gets one slot per CPU by default (max_entries 0) */

	/* load: create the map, load the program */
	err = ebpfmini_object_load(obj);
	if (err) {
		ret = ex_fail("load", err, ebpfmini_program_log(prog));
		goto cleanup;
	}

	/* attach: the tracepoint from the SEC name, and a perf ring per CPU into 'output' */
	err = ebpfmini_program_attach(prog, &link);
	if (!err)
		err = ebpfmini_perfbuf_new(ebpfmini_map_fd(ebpfmini_object_find_map(obj, "output")),
					   on_event, NULL, &pb_opts, &pb);
	if (err) {
		ret = ex_fail("attach", err, NULL);
		goto cleanup;
	}
	printf("%zu perf rings; run a command, or wait\n", ebpfmini_perfbuf_buffer_count(pb));

	/* loop: wait for samples (the callback prints them) */
	for (int n = 0; ex_running(); n++) {
		if (n < 3)
			ex_exec("/bin/true");
		err = ebpfmini_perfbuf_poll(pb, ex_timeout_ms(300));
		if (err < 0 && err != -EINTR) {
			ret = ex_fail("poll", err, NULL);
			break;
		}
	}

cleanup:
	/* clean up: rings, link, object */
	ebpfmini_perfbuf_free(pb);
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
	return ret;
}
