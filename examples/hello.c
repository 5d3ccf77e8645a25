/* hello.c - attach hello.bpf.c to execve and print the lines it writes to trace_pipe */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

#include "hello.bpf.o.h" /* hello_bpf_o[]: the compiled hello.bpf.c, embedded at build time */

static const char usage[] =
	"usage: hello [--kprobe] [-d SECONDS]\n"
	"Prints \"Hello World\" for every execve on the machine, from a tracepoint program.\n"
	"  --kprobe    attach to the execve syscall function through a kprobe instead\n"
	"              (kernels with CONFIG_KPROBES)\n"
	"  -d SECONDS  run for SECONDS (default 3; 0: until Ctrl-C)\n"
	"  -h, --help  show this help\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run /bin/true, so that an exec happens even on an idle machine. */
static void run_a_command(void)
{
	/* on the stack: the BPF program cannot fault in a page that the child
	 * has not touched yet (a string in .rodata would read as "") */
	char path[] = "/bin/true";
	pid_t pid = fork();

	if (pid == 0) {
		execl(path, "true", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/* Say what went wrong and what to do about it (root? tracefs? lockdown?). */
static int fail(const char *step, int err, const char *verifier_log)
{
	char why[1024];

	ebpfmini_log_explain(err, -1, verifier_log, why, sizeof(why));
	fprintf(stderr, "hello: %s: %s\n", step, why);
	return 1;
}

/* Print the complete lines in buf that contain "Hello World"; keep the rest. */
static size_t print_hello_lines(char *buf, size_t len)
{
	char *line = buf, *nl;

	while ((nl = memchr(line, '\n', len - (size_t)(line - buf)))) {
		*nl = '\0';
		if (strstr(line, "Hello World"))
			printf("%s\n", line + strspn(line, " "));
		line = nl + 1;
	}
	len -= (size_t)(line - buf);
	memmove(buf, line, len);
	return len == 4095 ? 0 : len; /* a line longer than the buffer is dropped */
}

int main(int argc, char **argv)
{
	struct ebpfmini_object *obj = NULL;
	struct ebpfmini_program *prog;
	struct ebpfmini_link *link = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	const char *pipe_path = "/sys/kernel/tracing/trace_pipe";
	double seconds = 3, end, next_command;
	char buf[4096];
	size_t len = 0;
	bool kprobe = false;
	int err, tp, commands = 0, ret = 0;

	for (int i = 1; i < argc; i++) {
		char *endp = NULL;

		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			return 0;
		}
		if (strcmp(argv[i], "--kprobe") == 0) {
			kprobe = true;
			continue;
		}
		if (strcmp(argv[i], "-d") == 0 && i + 1 < argc)
			seconds = strtod(argv[++i], &endp);
		if (!endp || endp == argv[i] || *endp || seconds < 0) {
			fprintf(stderr, "hello: bad argument '%s'\n%s", argv[i], usage);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* open: parse the embedded ELF object; nothing reaches the kernel yet */
	err = ebpfmini_object_open_mem(hello_bpf_o, sizeof(hello_bpf_o), NULL, &obj);
	if (err)
		return fail("open", err, NULL);
	prog = ebpfmini_object_find_program(obj, kprobe ? "hello_kprobe" : "hello");
	if (!prog) {
		ret = fail("open", -ENOENT, NULL);
		goto cleanup;
	}

	/* configure: load only the program for the hook asked for */
	ebpfmini_program_set_autoload(
		ebpfmini_object_find_program(obj, kprobe ? "hello" : "hello_kprobe"), false);
	if (kprobe && ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_KPROBES, buf, sizeof(buf)) == 0) {
		/* the library's reason says what is missing */
		fprintf(stderr, "hello: --kprobe: %s\n", buf);
		ret = 1;
		goto cleanup;
	}

	/* load: create the maps (.rodata holds the printk format) and load the program */
	err = ebpfmini_object_load(obj);
	if (err) {
		ret = fail("load", err, ebpfmini_program_log(prog));
		goto cleanup;
	}

	/* attach: SEC("tp/syscalls/sys_enter_execve") names the tracepoint (or "ksyscall/execve") */
	err = ebpfmini_program_attach(prog, &link);
	if (err == -ENODEV) { /* tracefs gives the tracepoint's id and trace_pipe */
		fprintf(stderr, "hello: attach: tracefs is not mounted: "
				"mount -t tracefs tracefs /sys/kernel/tracing\n");
		ret = 1;
		goto cleanup;
	}
	if (err) {
		ret = fail("attach", err, NULL);
		goto cleanup;
	}

	/* loop: bpf_printk lines arrive in trace_pipe; read them for a while */
	if (access(pipe_path, R_OK) != 0)
		pipe_path = "/sys/kernel/debug/tracing/trace_pipe";
	tp = open(pipe_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (tp < 0 && errno == EBUSY) { /* kernels >= 6.6 allow one reader */
		fprintf(stderr, "hello: %s: another program is reading it\n", pipe_path);
		ret = 1;
		goto cleanup;
	}
	if (tp < 0) {
		ret = fail("open trace_pipe", -errno, NULL);
		goto cleanup;
	}
	printf("attached to %s; run a command, or wait%s\n", ebpfmini_link_target(link),
	       seconds > 0 ? "" : " (Ctrl-C stops)");
	end = now() + seconds;
	next_command = now() + 0.2;
	while (!stop && (seconds == 0 || now() < end)) {
		struct pollfd pfd = { .fd = tp, .events = POLLIN };
		ssize_t n;

		if (commands < 3 && now() >= next_command) { /* a few execs of our own */
			run_a_command();
			commands++;
			next_command = now() + 0.3;
		}
		poll(&pfd, 1, 100); /* wait up to 100 ms for a line */
		while ((n = read(tp, buf + len, sizeof(buf) - 1 - len)) > 0)
			len = print_hello_lines(buf, len + (size_t)n);
	}
	close(tp);

cleanup:
	/* clean up: closing the link detaches the program; closing the object frees the rest */
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
	return ret;
}
