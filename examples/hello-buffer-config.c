/* hello-buffer-config.c - per-uid messages written into a map, execve events read from a ring buffer */
#include "common.h"
#include "hello-buffer-config.h"
#include "hello-buffer-config.bpf.o.h" /* hello_buffer_config_bpf_o[]: the BPF side, embedded */

static const char usage[] =
	"usage: hello-buffer-config [-d SECONDS] [--uid N --message TEXT]...\n"
	"Prints one line per execve (pid, parent pid read with CO-RE, uid, command, message,\n"
	"path). Events of user N carry TEXT (up to 11 bytes), the others \"Hello World\".\n"
	"  --uid N --message TEXT  the message for user id N (may be repeated)\n"
	"  -d SECONDS              run for SECONDS (default 3; 0: until Ctrl-C)\n"
	"  -h, --help              show this help\n";

static struct {
	uint32_t uid;
	struct user_msg msg;
} config[8];
static int nconfig;

static int option(int argc, char **argv, int i)
{
	char *end;

	if (strcmp(argv[i], "--uid") == 0 && i + 3 < argc && nconfig < 8 &&
	    strcmp(argv[i + 2], "--message") == 0) {
		config[nconfig].uid = (uint32_t)strtoul(argv[i + 1], &end, 10);
		if (*end || end == argv[i + 1])
			return 0;
		strncpy(config[nconfig].msg.message, argv[i + 3],
			sizeof(config[0].msg.message) - 1);
		nconfig++;
		return 4;
	}
	return 0;
}

static int on_event(void *ctx, const void *data, size_t size)
{
	const struct config_event *ev = data;

	(void)ctx;
	if (size >= sizeof(*ev))
		printf("pid %d ppid %d uid %d %-16.16s %-12.12s %.64s\n", ev->pid, ev->ppid,
		       ev->uid, ev->command, ev->message, ev->path);
	return 0;
}

int main(int argc, char **argv)
{
	struct ebpfmini_object *obj = NULL;
	struct ebpfmini_program *prog;
	struct ebpfmini_link *link = NULL;
	struct ebpfmini_ringbuf *rb = NULL;
	int err, ret = 0;

	ex_start(argc, argv, "hello-buffer-config", usage, option);
	if (!ex_require(EBPFMINI_FEATURE_TRACEFS) || !ex_require(EBPFMINI_FEATURE_KERNEL_BTF))
		return 1; /* tracefs for the tracepoint, kernel BTF for CO-RE */

	/* open: parse the object, its BTF and the CO-RE relocations in .BTF.ext */
	err = ebpfmini_object_open_mem(hello_buffer_config_bpf_o, sizeof(hello_buffer_config_bpf_o),
				       NULL, &obj);
	if (err)
		return ex_fail("open", err, NULL);
	prog = ebpfmini_object_find_program(obj, "hello_config");

	/* load: CO-RE against the kernel's BTF, then maps and program */
	err = ebpfmini_object_load(obj);
	if (err) {
		ret = ex_fail("load", err, ebpfmini_program_log(prog));
		goto cleanup;
	}

	/* configure: write each uid's message into my_config (a loaded map, so any time) */
	for (int i = 0; i < nconfig; i++) {
		err = ebpfmini_map_update(ebpfmini_object_find_map(obj, "my_config"),
					  &config[i].uid, &config[i].msg, BPF_ANY);
		if (err) {
			ret = ex_fail("configure", err, NULL);
			goto cleanup;
		}
	}

	/* attach: the tracepoint, and a consumer of the ring buffer */
	err = ebpfmini_program_attach(prog, &link);
	if (!err)
		err = ebpfmini_ringbuf_new(ebpfmini_map_fd(ebpfmini_object_find_map(obj, "events")),
					   on_event, NULL, NULL, &rb);
	if (err) {
		ret = ex_fail("attach", err, NULL);
		goto cleanup;
	}
	printf("%d message(s) configured; run a command, or wait\n", nconfig);

	/* loop: the callback prints each event */
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
	/* clean up */
	ebpfmini_ringbuf_free(rb);
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
	return ret;
}
