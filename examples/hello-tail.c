/* hello-tail.c - fill a prog array by syscall number and watch the tail calls land */
#include <sys/syscall.h>

#include "common.h"
#include "hello-tail.bpf.o.h" /* hello_tail_bpf_o[]: hello-tail.bpf.c, embedded */

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

/* The global 'calls' of hello-tail.bpf.c, the only variable in its .bss. */
struct counts {
	uint64_t exec, timer, ignored, other;
};

int main(int argc, char **argv)
{
	struct ebpfmini_object *obj = NULL;
	struct ebpfmini_link *link = NULL;
	struct ebpfmini_map *prog_array;
	const volatile struct counts *c;
	int err, ret = 0;

	ex_start(argc, argv, "hello-tail", usage, NULL);

	/* open: parse the embedded object */
	err = ebpfmini_object_open_mem(hello_tail_bpf_o, sizeof(hello_tail_bpf_o), NULL, &obj);
	if (err)
		return ex_fail("open", err, NULL);

	/* load: all four programs, the prog array and .bss */
	err = ebpfmini_object_load(obj);
	if (err) {
		ret = ex_fail("load", err, NULL);
		goto cleanup;
	}

	/* configure: put each tail-call target's fd into its syscall number's slot */
	prog_array = ebpfmini_object_find_map(obj, "syscall");
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		uint32_t key = (uint32_t)slots[i].nr;
		int fd = ebpfmini_program_fd(ebpfmini_object_find_program(obj, slots[i].prog));

		err = ebpfmini_map_update(prog_array, &key, &fd, BPF_ANY);
		if (err) {
			ret = ex_fail("fill the prog array", err, NULL);
			goto cleanup;
		}
	}
	c = ebpfmini_map_data(ebpfmini_object_find_map(obj, ".bss"), NULL);

	/* attach: only the dispatcher; the others run through its tail calls */
	err = ebpfmini_program_attach(ebpfmini_object_find_program(obj, "hello"), &link);
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
		       (unsigned long long)c->exec, (unsigned long long)c->timer,
		       (unsigned long long)c->ignored, (unsigned long long)c->other);
	}

cleanup:
	/* clean up: detach, then close the programs and maps */
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
	return ret;
}
