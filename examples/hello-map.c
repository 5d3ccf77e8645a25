/* hello-map.c - print, every second, how many execve calls each user id made */
#include "common.h"
#include "hello-map.bpf.o.h" /* hello_map_bpf_o[]: hello-map.bpf.c, compiled and embedded */

static const char usage[] =
	"usage: hello-map [-d SECONDS]\n"
	"Counts execve calls per user id in a BPF hash map and prints the table every second.\n"
	"  -d SECONDS  run for SECONDS (default 3; 0: until Ctrl-C)\n"
	"  -h, --help  show this help\n";

int main(int argc, char **argv)
{
	struct ebpfmini_object *obj = NULL;
	struct ebpfmini_program *prog;
	struct ebpfmini_map *table;
	struct ebpfmini_link *link = NULL;
	int err, ret = 0;

	ex_start(argc, argv, "hello-map", usage, NULL);
	if (!ex_require(EBPFMINI_FEATURE_TRACEFS)) /* the tracepoint's id is read from tracefs */
		return 1;

	/* open: parse the embedded object; nothing reaches the kernel yet */
	err = ebpfmini_object_open_mem(hello_map_bpf_o, sizeof(hello_map_bpf_o), NULL, &obj);
	if (err)
		return ex_fail("open", err, NULL);
	prog = ebpfmini_object_find_program(obj, "hello_map");
	table = ebpfmini_object_find_map(obj, "counter_table");

	/* configure: nothing to set (ebpfmini_map_set_max_entries() would go here) */

	/* load: create counter_table, then verify and load the program */
	err = ebpfmini_object_load(obj);
	if (err) {
		ret = ex_fail("load", err, ebpfmini_program_log(prog));
		goto cleanup;
	}

	/* attach: SEC("tp/syscalls/sys_enter_execve") says where */
	err = ebpfmini_program_attach(prog, &link);
	if (err) {
		ret = ex_fail("attach", err, NULL);
		goto cleanup;
	}
	printf("counting execve per uid (map '%s', id %u)\n", ebpfmini_map_name(table),
	       ebpfmini_map_id(table));

	/* loop: once a second walk the map key by key (BPF_MAP_GET_NEXT_KEY) and print it */
	while (ex_running()) {
		uint32_t uid, *prev = NULL;
		uint64_t count;

		ex_exec("/bin/true"); /* one of our own, so that the table is never empty */
		usleep((useconds_t)(ex_timeout_ms(1000) * 1000));
		printf("--\n");
		while (ebpfmini_map_next_key(table, prev, &uid) == 0) {
			if (ebpfmini_map_lookup(table, &uid, &count, 0) == 0)
				printf("uid %u: %llu execve\n", uid, (unsigned long long)count);
			prev = &uid;
		}
	}

cleanup:
	/* clean up: the link detaches, the object closes the map and program fds */
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
	return ret;
}
