/* hello-ring-buffer.c - print the execve events that hello-ring-buffer.bpf.c sends through a ring buffer */
#include "common.h"
#include "hello-buffer.h"
#include "hello-ring-buffer.bpf.o.h" /* hello_ring_buffer_bpf_o[]: the BPF side, embedded */

static const char usage[] =
	"usage: hello-ring-buffer [-d SECONDS]\n"
	"Prints one line per execve on the machine, sent by a BPF program through a BPF ring\n"
	"buffer (one ring for all CPUs, read through mmap).\n"
	"  -d SECONDS  run for SECONDS (default 3; 0: until Ctrl-C)\n"
	"  -h, --help  show this help\n";

/* Called for each committed record, in the order the program reserved them. */
static int on_event(void *ctx, const void *data, size_t size)
{
	const struct hello_event *ev = data;

	(void)ctx;
	if (size < sizeof(*ev))
		return 0;
	printf("pid %d uid %d %-16.16s %.12s %.64s\n", ev->pid, ev->uid, ev->command, ev->message,
	       ev->path);
	return 0;
}

int main(int argc, char **argv)
{
	struct ebpfmini_object *obj = NULL;
	struct ebpfmini_program *prog;
	struct ebpfmini_link *link = NULL;
	struct ebpfmini_ringbuf *rb = NULL;
	int err, ret = 0;

	ex_start(argc, argv, "hello-ring-buffer", usage, NULL);
	if (!ex_require(EBPFMINI_FEATURE_TRACEFS)) /* the tracepoint's id is read from tracefs */
		return 1;

	/* open: parse the embedded object */
	err = ebpfmini_object_open_mem(hello_ring_buffer_bpf_o, sizeof(hello_ring_buffer_bpf_o),
				       NULL, &obj);
	if (err)
		return ex_fail("open", err, NULL);
	prog = ebpfmini_object_find_program(obj, "hello_ring_buffer");

	/* configure: the ring's size could change here (ebpfmini_map_set_max_entries) */

	/* load: create the ring buffer map, load the program */
	err = ebpfmini_object_load(obj);
	if (err) {
		ret = ex_fail("load", err, ebpfmini_program_log(prog));
		goto cleanup;
	}

	/* attach: the tracepoint, and a consumer that maps the ring into this process */
	err = ebpfmini_program_attach(prog, &link);
	if (!err)
		err = ebpfmini_ringbuf_new(ebpfmini_map_fd(ebpfmini_object_find_map(obj, "events")),
					   on_event, NULL, NULL, &rb);
	if (err) {
		ret = ex_fail("attach", err, NULL);
		goto cleanup;
	}
	printf("ring of %llu bytes; run a command, or wait\n",
	       (unsigned long long)ebpfmini_ringbuf_size(rb, 0));

	/* loop: sleep until the kernel signals records, then the callback prints them */
	for (int n = 0; ex_running(); n++) {
		if (n < 3)
			ex_exec("/bin/true");
		err = ebpfmini_ringbuf_poll(rb, ex_timeout_ms(300));
		if (err < 0 && err != -EINTR) {
			ret = ex_fail("poll", err, NULL);
			break;
		}
	}

cleanup:
	/* clean up: unmap the ring, detach, close the object */
	ebpfmini_ringbuf_free(rb);
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
	return ret;
}
