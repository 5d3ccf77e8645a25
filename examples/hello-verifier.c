/* hello-verifier.c - show a verifier rejection with its log and source lines, then load the fix */
#include "common.h"
#include "hello-verifier.bpf.o.h" /* hello_verifier_bpf_o[]: hello-verifier.bpf.c, embedded */

static const char usage[] =
	"usage: hello-verifier [-d SECONDS]\n"
	"Loads a program that the verifier rejects (a map value used without a NULL check),\n"
	"prints the verifier's log with the source lines and what the error means, then loads\n"
	"the corrected program and counts execve calls with it.\n"
	"  -d SECONDS  run the corrected program for SECONDS (default 2; 0: until Ctrl-C)\n"
	"  -h, --help  show this help\n";

/* Open the object with only the program `name` to be loaded (one load per object). */
static int open_only(const char *name, struct ebpfmini_object **obj)
{
	struct ebpfmini_program *p;
	int err = ebpfmini_object_open_mem(hello_verifier_bpf_o, sizeof(hello_verifier_bpf_o), NULL,
					   obj);

	for (p = NULL; !err && (p = ebpfmini_object_next_program(*obj, p));)
		ebpfmini_program_set_autoload(p, strcmp(ebpfmini_program_name(p), name) == 0);
	return err;
}

int main(int argc, char **argv)
{
	struct ebpfmini_object *obj = NULL;
	struct ebpfmini_program *prog;
	struct ebpfmini_link *link = NULL;
	enum ebpfmini_log_level level = ebpfmini_log_level();
	char why[2048];
	uint32_t uid = (uint32_t)getuid();
	uint64_t count = 0;
	int err, ret = 0;

	ex_seconds = 2;
	ex_start(argc, argv, "hello-verifier", usage, NULL);
	if (!ex_require(EBPFMINI_FEATURE_TRACEFS)) /* the tracepoint's id is read from tracefs */
		return 1;

	/* open + load the broken program; the library's own error line is silenced: we print more */
	err = open_only("count_unchecked", &obj);
	if (err)
		return ex_fail("open", err, NULL);
	prog = ebpfmini_object_find_program(obj, "count_unchecked");
	ebpfmini_log_set(NULL, EBPFMINI_LOG_OFF, NULL);
	err = ebpfmini_object_load(obj);
	ebpfmini_log_set(NULL, level, NULL);
	if (err == 0) {
		fprintf(stderr, "hello-verifier: the verifier accepted count_unchecked?\n");
		ret = 1;
		goto cleanup;
	}
	if (err != -EACCES && err != -EINVAL) { /* not the verifier: no root, no BTF, ... */
		ret = ex_fail("load", err, ebpfmini_program_log(prog));
		goto cleanup;
	}
	/* the log: instructions as the verifier walked them, "; source" lines from .BTF.ext */
	printf("== load of count_unchecked failed: %s\n== the verifier's log:\n", strerror(-err));
	printf("%s", ebpfmini_program_log(prog) ? ebpfmini_program_log(prog) : "(no log)\n");
	ebpfmini_log_explain(err, BPF_PROG_LOAD, ebpfmini_program_log(prog), why, sizeof(why));
	printf("== what it means:\n%s\n", why);
	printf("== the fix: check the pointer that bpf_map_lookup_elem() returns before using it\n");
	ebpfmini_object_close(obj);

	/* open + load the corrected program */
	err = open_only("count_checked", &obj);
	if (err)
		return ex_fail("open", err, NULL);
	prog = ebpfmini_object_find_program(obj, "count_checked");
	err = ebpfmini_object_load(obj);
	if (err) {
		ret = ex_fail("load", err, ebpfmini_program_log(prog));
		goto cleanup;
	}
	printf("== count_checked: loaded, verified (id %u, %zu instructions)\n",
	       ebpfmini_program_id(prog), ebpfmini_program_insn_count(prog));

	/* attach, and loop: it runs for each execve */
	err = ebpfmini_program_attach(prog, &link);
	if (err) {
		ret = ex_fail("attach", err, NULL);
		goto cleanup;
	}
	while (ex_running()) {
		ex_exec("/bin/true");
		usleep((useconds_t)(ex_timeout_ms(500) * 1000));
	}
	ebpfmini_map_lookup(ebpfmini_object_find_map(obj, "exec_count"), &uid, &count, 0);
	printf("== count_checked counted %llu execve calls of uid %u\n", (unsigned long long)count,
	       uid);

cleanup:
	/* clean up */
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
	return ret;
}
