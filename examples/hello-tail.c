/* hello-tail.c - fill a prog array by syscall number and watch the tail calls land */
#include <sys/syscall.h>

#include "common.h"
#include "hello-tail.skel.h" /* struct hello_tail: hello-tail.bpf.c embedded, typed */

static const char usage[] =
	"usage: hello-tail [-d SECONDS]\n"
	"A raw tracepoint on sys_enter tail-calls one program for execve, one for the POSIX\n"
	"timer syscalls and one that ignores read and write; prints how often each ran.\n"
	"  -d SECONDS  run for SECONDS (default 3; 0: until Ctrl-C)\n"
	"  -h, --help  show this help\n";

/* Slot (syscall number) -> program name. */
static const struct {
	int nr;
	const char *prog;
} slots[] = {
	{ SYS_execve, "hello_exec" },
	{ SYS_timer_create, "hello_timer" },
	{ SYS_timer_settime, "hello_timer" },
	{ SYS_timer_gettime, "hello_timer" },
	{ SYS_timer_getoverrun, "hello_timer" },
	{ SYS_timer_delete, "hello_timer" },
	{ SYS_read, "ignore_opcode" },
	{ SYS_write, "ignore_opcode" },
};

int main(int argc, char **argv)
{
	struct hello_tail *skel;
	struct ebpfmini_object *obj;
	struct ebpfmini_link *link = NULL;
	int err, ret = 0;

	ex_start(argc, argv, "hello-tail", usage, NULL);

	/* open: parse the embedded object */
	skel = hello_tail__open();
	if (!skel)
		return ex_fail("open", -errno, NULL);
	obj = skel->obj; /* for the programs by name */

	/* load: all four programs, the prog array and .bss */
	err = hello_tail__load(skel);
	if (err) {
		ret = ex_fail("load", err, NULL);
		goto cleanup;
	}

	/* configure: put each tail-call target's fd into its syscall number's slot */
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		uint32_t key = (uint32_t)slots[i].nr;
		int fd = ebpfmini_program_fd(ebpfmini_object_find_program(obj, slots[i].prog));

		err = ebpfmini_map_update(skel->maps.syscall, &key, &fd, BPF_ANY);
		if (err) {
			ret = ex_fail("fill the prog array", err, NULL);
			goto cleanup;
		}
	}

	/* attach: only the dispatcher; the others run through its tail calls */
	err = ebpfmini_program_attach(skel->progs.hello, &link);
	if (err) {
		ret = ex_fail("attach", err, NULL);
		goto cleanup;
	}
	printf("attached to raw tracepoint sys_enter\n");

	/* loop: make an execve and a timer syscall of our own, then print the counters */
	while (ex_running()) {
		struct sigevent sev = { .sigev_notify = SIGEV_NONE };
		timer_t timer;

		ex_exec("/bin/true");
		if (timer_create(CLOCK_MONOTONIC, &sev, &timer) == 0)
			timer_delete(timer);
		usleep((useconds_t)(ex_timeout_ms(1000) * 1000));
		printf("tail calls: execve %llu, timer %llu, ignored (read/write) %llu; "
		       "no program: %llu\n",
		       (unsigned long long)skel->bss->calls.exec,
		       (unsigned long long)skel->bss->calls.timer,
		       (unsigned long long)skel->bss->calls.ignored,
		       (unsigned long long)skel->bss->calls.other);
	}

cleanup:
	/* clean up: detach, then close the programs and maps */
	ebpfmini_link_close(link);
	hello_tail__destroy(skel);
	return ret;
}
