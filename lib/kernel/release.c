/* release.c - the running kernel's release: the string (uname through sys/), read once, and its number (L3' kernel) */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "kernel.h"
#include "sys.h"

static pthread_mutex_t release_lock = PTHREAD_MUTEX_INITIALIZER;
static char release[65]; /* struct utsname's release field size */
static bool release_known;

uint32_t em_kernel_version_code(const char *rel)
{
	unsigned a = 0, b = 0, c = 0;

	if (!rel || sscanf(rel, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	if (a > 255 || b > 255)
		return 0;
	return (a << 16) | (b << 8) | EM_MIN(c, 255u);
}

const char *em_kernel_release(void)
{
	pthread_mutex_lock(&release_lock);
	/* a failed uname is asked again next time: only an answer is kept */
	if (!release_known && em_sys_kernel_release(release, sizeof(release)) == 0 && release[0])
		release_known = true;
	pthread_mutex_unlock(&release_lock);
	return release_known ? release : "";
}

uint32_t em_kernel_version(void)
{
	return em_kernel_version_code(em_kernel_release());
}

void em_kernel_release_reset(void)
{
	pthread_mutex_lock(&release_lock);
	release_known = false;
	release[0] = '\0';
	pthread_mutex_unlock(&release_lock);
}
