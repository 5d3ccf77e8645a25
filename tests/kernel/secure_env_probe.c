/* secure_env_probe.c - helper of test_secure_env.c: prints what the library took from its environment */
#include <stdio.h>

#include "ebpfmini/log.h"
#include "ebpfmini/sys.h"
#include <stdint.h>

#include "kuprobe.h"

int main(void)
{
	char path[4096] = "";
	int found = em_attach_uprobe_find_binary("em-probe-target", path, sizeof(path));

	printf("trace=%d level=%d found=%d path=%s\n", ebpfmini_sys_trace(), ebpfmini_log_level(),
	       found, found ? "" : path);
	return 0;
}
