/* skel_main.c - runs the check of every generated skeleton (skel_driver.c.in): each must open
 * and load exactly as its object file does; objects that load here must be most of them */
#include <stdio.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

#include "skel_check.h"

int skel_loads;

int main(void)
{
	int failed = 0, total = 0;

	if (geteuid() != 0) {
		printf("skipped: needs root for bpf()\n");
		return 77;
	}
	ebpfmini_log_set(NULL, EBPFMINI_LOG_OFF, NULL); /* objects that fail to load on purpose */
#define SKEL(id, path)                                                                             \
	total++;                                                                                   \
	failed += skel_check_##id(path);
#include "skel_list.h"
#undef SKEL
	printf("%d skeletons, %d loaded, %d failed\n", total, skel_loads, failed);
	/* most objects load on any kernel that runs the tests: a skeleton that never loads is a bug */
	return failed || skel_loads < total / 2;
}
