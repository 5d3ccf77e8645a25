/* connect4.c - socket-level load balancing: connect() to a service address reaches a backend */
#include <arpa/inet.h>

#include "common.h"
#include "connect4.h"
#include "connect4.skel.h" /* connect4_bpf_o[]: connect4.bpf.c, embedded */

static const char usage[] =
	"usage: connect4 [--cgroup PATH] [--service ADDR:PORT] --backend ADDR:PORT [-d SECONDS]\n"
	"Attaches a cgroup/connect4 program to a cgroup (v2): every connect() of its processes\n"
	"to the service address goes to the backend instead, translated once at connect time.\n"
	"  --cgroup PATH         cgroup directory, absolute or relative to the cgroup v2 mount\n"
	"                        (default: its root, i.e. every process)\n"
	"  --service ADDR:PORT   the virtual address (default 10.7.111.132:80)\n"
	"  --backend ADDR:PORT   where connections really go\n"
	"  -d SECONDS            run for SECONDS (default 3; 0: until Ctrl-C)\n"
	"  -h, --help            show this help\n";

static const char *cgroup = "/", *service = "10.7.111.132:80", *backend;

static int option(int argc, char **argv, int i)
{
	const char **dst = strcmp(argv[i], "--cgroup") == 0  ? &cgroup :
			   strcmp(argv[i], "--service") == 0 ? &service :
			   strcmp(argv[i], "--backend") == 0 ? &backend :
							       NULL;

	if (!dst || i + 1 >= argc)
		return 0;
	*dst = argv[i + 1];
	return 2;
}

/* "10.7.111.132:80" -> network byte order address and port. */
static bool parse_endpoint(const char *text, struct endpoint *ep)
{
	char addr[INET_ADDRSTRLEN];
	const char *colon = text ? strrchr(text, ':') : NULL;
	int port = colon ? atoi(colon + 1) : 0;

	if (!colon || (size_t)(colon - text) >= sizeof(addr) || port <= 0 || port > 65535)
		return false;
	memcpy(addr, text, (size_t)(colon - text));
	addr[colon - text] = '\0';
	ep->port = htons((uint16_t)port);
	return inet_pton(AF_INET, addr, &ep->addr) == 1;
}

int main(int argc, char **argv)
{
	struct connect4 *skel;
	struct ebpfmini_program *prog;
	struct ebpfmini_link *link = NULL;
	struct endpoint svc = { 0 }, be = { 0 };
	int err, ret = 0;

	ex_start(argc, argv, "connect4", usage, option);
	if (!parse_endpoint(service, &svc) || !parse_endpoint(backend, &be)) {
		fprintf(stderr, "connect4: want --service and --backend as ADDR:PORT\n%s", usage);
		return 2;
	}

	/* open */
	skel = connect4__open();
	if (!skel)
		return ex_fail("open", -errno, NULL);
	prog = skel->progs.connect4;

	/* load: SEC("cgroup/connect4") sets the expected attach type the verifier checks */
	err = connect4__load(skel);
	if (err) {
		ret = ex_fail("load", err, ebpfmini_program_log(prog));
		goto cleanup;
	}

	/* configure: service -> backend into the map */
	err = ebpfmini_map_update(skel->maps.services, &svc, &be, BPF_ANY);
	if (err) {
		ret = ex_fail("configure", err, NULL);
		goto cleanup;
	}

	/* attach: a cgroup link; it applies to the cgroup and everything below it */
	err = ebpfmini_program_attach_cgroup_path(prog, cgroup, NULL, &link);
	if (err) {
		ret = ex_fail("attach", err, NULL);
		goto cleanup;
	}
	printf("attached to cgroup %s: connect() to %s goes to %s\n", cgroup, service, backend);

	/* loop */
	while (ex_running()) {
		usleep((useconds_t)(ex_timeout_ms(1000) * 1000));
		printf("redirected %llu connect() calls\n",
		       (unsigned long long)skel->bss->redirected);
	}

cleanup:
	/* clean up: closing the link detaches the program from the cgroup */
	ebpfmini_link_close(link);
	connect4__destroy(skel);
	return ret;
}
