/* tc-snat.c - source NAT for TCP at TC egress: configure addresses, attach through tcx, count */
#include <arpa/inet.h>
#include <net/if.h>

#include "common.h"
#include "tc-snat.skel.h" /* struct tc_snat: tc-snat.bpf.c embedded, typed (ebpfmini gen skeleton) */

static const char usage[] =
	"usage: tc-snat [-i IFNAME] [--from ADDR] [--to ADDR] [--port PORT] [-d SECONDS]\n"
	"At TC egress of an interface, rewrites the source address of TCP packets to PORT from\n"
	"ADDR to the --to ADDR (and the destination of the replies back), fixing the IP and TCP\n"
	"checksums. The default fits loopback: 127.0.0.1 -> 127.0.0.2, port 8080, on lo.\n"
	"  -i IFNAME    the interface (default lo)\n"
	"  --from ADDR  source address to rewrite (default 127.0.0.1)\n"
	"  --to ADDR    the address it becomes (default 127.0.0.2)\n"
	"  --port PORT  TCP destination port of the packets to rewrite (default 8080)\n"
	"  -d SECONDS   run for SECONDS (default 3; 0: until Ctrl-C)\n"
	"  -h, --help   show this help\n";

static const char *ifname = "lo", *from = "127.0.0.1", *to = "127.0.0.2", *port = "8080";

static int option(int argc, char **argv, int i)
{
	const char **dst = strcmp(argv[i], "-i") == 0     ? &ifname :
			   strcmp(argv[i], "--from") == 0 ? &from :
			   strcmp(argv[i], "--to") == 0   ? &to :
			   strcmp(argv[i], "--port") == 0 ? &port :
							    NULL;

	if (!dst || i + 1 >= argc)
		return 0;
	*dst = argv[i + 1];
	return 2;
}

int main(int argc, char **argv)
{
	struct ebpfmini_program_attach_tcx_opts tcx_opts = { .sz = sizeof(tcx_opts) };
	struct tc_snat *skel;
	struct ebpfmini_program *prog;
	struct ebpfmini_link *link = NULL;
	uint32_t from_addr, to_addr;
	int err, ret = 0;

	ex_start(argc, argv, "tc-snat", usage, option);
	if (inet_pton(AF_INET, from, &from_addr) != 1 || inet_pton(AF_INET, to, &to_addr) != 1 ||
	    atoi(port) <= 0 || atoi(port) > 65535 || if_nametoindex(ifname) == 0) {
		fprintf(stderr, "tc-snat: bad address, port or interface\n%s", usage);
		return 2;
	}

	/* open */
	skel = tc_snat__open();
	if (!skel)
		return ex_fail("open", -errno, NULL);
	prog = skel->progs.snat;

	/* configure: the addresses go into .rodata (skel->rodata), writable until load */
	skel->rodata->cfg.from_addr = from_addr;
	skel->rodata->cfg.to_addr = to_addr;
	skel->rodata->cfg.port = htons((uint16_t)atoi(port));

	/* load: .rodata is frozen, the verifier sees the addresses as constants */
	err = tc_snat__load(skel);
	if (err) {
		ret = ex_fail("load", err, ebpfmini_program_log(prog));
		goto cleanup;
	}

	/* attach: a tcx link at the egress of the interface (SEC "tc/egress" says egress);
	 * kernels before 6.6 get a cls_bpf filter on a clsact qdisc instead */
	tcx_opts.ifname = ifname;
	err = ebpfmini_program_attach_tcx(prog, 0, &tcx_opts, &link);
	if (err) {
		ret = ex_fail("attach", err, NULL);
		goto cleanup;
	}
	printf("attached to %s egress: TCP to port %s from %s leaves as from %s\n", ifname, port,
	       from, to);

	/* loop: print the counters every second */
	while (ex_running()) {
		usleep((useconds_t)(ex_timeout_ms(1000) * 1000));
		printf("rewritten: %llu packets out, %llu replies back\n",
		       (unsigned long long)skel->bss->rewritten.out,
		       (unsigned long long)skel->bss->rewritten.back);
	}

cleanup:
	/* clean up: closing the tcx link takes the program off the interface */
	ebpfmini_link_close(link);
	tc_snat__destroy(skel);
	return ret;
}
