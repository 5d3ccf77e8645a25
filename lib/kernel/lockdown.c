/* lockdown.c - the security modules as securityfs shows them: the lockdown mode, the active LSMs (L3' kernel) */
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

int em_lockdown_lsm_list(char *list, size_t size)
{
	void *text = NULL;
	size_t len;
	int err;

	if (!list || !size)
		return -EINVAL;
	list[0] = '\0';
	err = em_sys_read_file(EM_LSM_FILE, 4096, &text, NULL);
	if (err)
		return err;
	len = strcspn(text, "\n");
	if (len >= size) {
		free(text);
		return -E2BIG;
	}
	memcpy(list, text, len);
	list[len] = '\0';
	free(text);
	return 0;
}

bool em_lockdown_lsm_has(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0' || p[n] == '\n'))
			return true;
	return false;
}
