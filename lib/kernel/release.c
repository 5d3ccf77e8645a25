/* release.c - the running kernel's release (uname through sys/, read once), its number, its config (L3' kernel) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inflate.h"
#include "internal.h"
#include "kernel.h"
#include "sys.h"

static pthread_mutex_t release_lock = PTHREAD_MUTEX_INITIALIZER;
static char release[65]; /* struct utsname's release field size */
static bool release_known;

#define CONFIG_MAX_FILE (64u << 20) /* compressed or plain config file */
#define CONFIG_MAX_TEXT (64u << 20) /* inflated config text */

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

/* Read a config file, inflating it when it is gzip (1f 8b). */
static int read_config(const char *path, char **text)
{
	void *raw = NULL, *out = NULL;
	size_t size = 0, out_len = 0;
	int err;

	err = em_sys_read_file(path, CONFIG_MAX_FILE, &raw, &size);
	if (err)
		return err;
	if (size >= 2 && ((uint8_t *)raw)[0] == 0x1f && ((uint8_t *)raw)[1] == 0x8b) {
		err = em_inflate_gzip(raw, size, CONFIG_MAX_TEXT, &out, &out_len);
		free(raw);
		if (err) {
			em_warn("kconfig: %s: cannot decompress: %s", path, strerror(-err));
			return err;
		}
		raw = out;
	}
	*text = raw;
	return 0;
}

int em_kernel_config(const char *path, char **text, char *src, size_t size)
{
	int err;

	snprintf(src, size, "%s", path ? path : "/proc/config.gz");
	err = read_config(src, text);
	if (err && !path) {
		snprintf(src, size, "/boot/config-%s", em_kernel_release());
		err = read_config(src, text);
		if (err) {
			em_debug("kconfig: no kernel config in /proc/config.gz or %s", src);
			snprintf(src, size, "tried /proc/config.gz and /boot/config-$(uname -r)");
		}
	}
	return err;
}
