/* xdp-ping.c - count (and optionally drop) the pings an interface receives, with an XDP program */
#include <arpa/inet.h>
#include <net/if.h>

#include "common.h"
#include "xdp-ping.skel.h" /* struct xdp_ping: xdp-ping.bpf.c embedded, typed (ebpfmini gen skeleton) */

static const char usage[] =
	"usage: xdp-ping [-i IFNAME] [--drop] [-d SECONDS]\n"
	"Counts the ICMP echo requests (pings) that arrive on an interface, per source address,\n"
	"with an XDP program, and prints the counts every second.\n"
	"  -i IFNAME   the interface (default lo)\n"
	"  --drop      drop the echo requests too (XDP_DROP): nobody answers them\n"
	"  -d SECONDS  run for SECONDS (default 3; 0: until Ctrl-C)\n"
	"  -h, --help  show this help\n";

static const char *ifname = "lo";
static uint32_t drop;

static int option(int argc, char **argv, int i)
{
	if (strcmp(argv[i], "--drop") == 0) {
		drop = 1;
		return 1;
	}
	if (strcmp(argv[i], "-i") == 0 && i + 1 < argc) {
		ifname = argv[i + 1];
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ebpfmini_program_attach_xdp_opts xdp_opts = { .sz = sizeof(xdp_opts) };
	struct xdp_ping *skel;
	struct ebpfmini_program *prog;
	struct ebpfmini_link *link = NULL;
	struct ebpfmini_map *pings;
	int err, ret = 0;

	ex_start(argc, argv, "xdp-ping", usage, option);
	if (if_nametoindex(ifname) == 0) {
		fprintf(stderr, "xdp-ping: no interface '%s' here (ip link show)\n", ifname);
		return 1;
	}

	/* open */
	skel = xdp_ping__open();
	if (!skel)
		return ex_fail("open", -errno, NULL);
	prog = skel->progs.xdp_ping;
	pings = skel->maps.pings;

	/* load */
	err = xdp_ping__load(skel);
	if (err) {
		ret = ex_fail("load", err, ebpfmini_program_log(prog));
		goto cleanup;
	}

	/* configure: the drop flag lives in .bss, mapped into this process after load */
	skel->bss->drop_pings = drop;

	/* attach: an XDP link on the interface (generic mode where the driver has no XDP) */
	xdp_opts.ifname = ifname;
	err = ebpfmini_program_attach_xdp(prog, 0, &xdp_opts, &link);
	if (err) {
		ret = ex_fail("attach", err, NULL);
		goto cleanup;
	}
	printf("attached to %s: %s echo requests\n", ifname, drop ? "dropping" : "counting");

	/* loop: print the table every second */
	while (ex_running()) {
		uint32_t addr, *prev = NULL;
		uint64_t count;
		char text[INET_ADDRSTRLEN];

		usleep((useconds_t)(ex_timeout_ms(1000) * 1000));
		while (ebpfmini_map_next_key(pings, prev, &addr) == 0) {
			if (ebpfmini_map_lookup(pings, &addr, &count, 0) == 0)
				printf("%s: %llu echo requests%s\n",
				       inet_ntop(AF_INET, &addr, text, sizeof(text)),
				       (unsigned long long)count, drop ? " (dropped)" : "");
			prev = &addr;
		}
	}

cleanup:
	/* clean up: closing the XDP link detaches the program from the interface */
	ebpfmini_link_close(link);
	xdp_ping__destroy(skel);
	return ret;
}
