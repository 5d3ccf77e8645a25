/* release.c - the running kernel's release as a number (L3' kernel) */
#include <stdio.h>

#include "internal.h"
#include "kernel.h"

uint32_t em_kconfig_kernel_version(const char *release)
{
	unsigned a = 0, b = 0, c = 0;

	if (!release || sscanf(release, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	if (a > 255 || b > 255)
		return 0;
	return (a << 16) | (b << 8) | EM_MIN(c, 255u);
}
