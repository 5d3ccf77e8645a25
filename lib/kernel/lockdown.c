/* lockdown.c - the kernel lockdown mode of /sys/kernel/security/lockdown (L3' kernel) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernel.h"
#include "sys.h"

int em_lockdown_parse(const char *text, char *mode, size_t size)
{
	const char *open_b, *close_b;
	size_t len;

	if (!mode || !size)
		return -EINVAL;
	mode[0] = '\0';
	if (!text)
		return -EBADMSG;
	open_b = strchr(text, '[');
	close_b = open_b ? strchr(open_b, ']') : NULL;
	if (!close_b)
		return -EBADMSG;
	len = (size_t)(close_b - open_b - 1);
	if (!len || len >= size || memchr(open_b + 1, ' ', len))
		return -EBADMSG;
	memcpy(mode, open_b + 1, len);
	mode[len] = '\0';
	return 0;
}

int em_lockdown_mode(char *mode, size_t size)
{
	void *text = NULL;
	int err;

	if (!mode || !size)
		return -EINVAL;
	mode[0] = '\0';
	err = em_sys_read_file(EM_LOCKDOWN_FILE, 4096, &text, NULL);
	if (err)
		return err;
	err = em_lockdown_parse(text, mode, size);
	free(text);
	return err;
}
