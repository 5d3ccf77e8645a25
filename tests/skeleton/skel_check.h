/* skel_check.h - what the generated skeleton checks (skel_driver.c.in) share with their main */
#ifndef EBPFMINI_TEST_SKEL_CHECK_H
#define EBPFMINI_TEST_SKEL_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* one per skeleton (skel_<id>.c): 0 when it behaves like its object file */
#define SKEL(id, path) int skel_check_##id(const char *obj_path);
#include "skel_list.h"
#undef SKEL

extern int skel_loads; /* skeletons that loaded */

static inline int skel_fail(const char *id, const char *what, int err)
{
	fprintf(stderr, "%s: %s: %d (%s)\n", id, what, err, strerror(-err));
	return 1;
}

static inline int skel_loaded(int err)
{
	if (!err)
		skel_loads++;
	return 0;
}

#ifdef __cplusplus
}
#endif

#endif /* EBPFMINI_TEST_SKEL_CHECK_H */
