/* main.c - a program of the subproject_user test project: ebpfmini through a meson dependency */
#include <errno.h>
#include <stdio.h>

#include <ebpfmini/ebpfmini.h>

int main(void)
{
	struct ebpfmini_object *obj = NULL;
	char text[256];
	int err;

	ebpfmini_log_set(NULL, EBPFMINI_LOG_OFF, NULL);
	err = ebpfmini_object_open("/nonexistent/user.bpf.o", NULL, &obj);
	if (err != -ENOENT || obj) {
		fprintf(stderr, "ebpfmini_object_open: got %d, expected %d\n", err, -ENOENT);
		return 1;
	}
	if (ebpfmini_log_explain(err, -1, NULL, text, sizeof(text)) <= 0) {
		fprintf(stderr, "ebpfmini_log_explain gave no text\n");
		return 1;
	}
	printf("subproject user: open of a missing file: %s\n", text);
	return 0;
}
