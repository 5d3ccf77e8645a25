/* static_main.c - packaging test program: the installed headers and library work from outside */
#include <errno.h>
#include <stdio.h>

#include <ebpfmini/ebpfmini.h>

static int lines;

static void count_line(enum ebpfmini_log_level level, const char *line, void *ctx)
{
	(void)ctx;
	lines++;
	printf("log[%d]: %s\n", (int)level, line);
}

int main(void)
{
	struct ebpfmini_object *obj = (struct ebpfmini_object *)&lines; /* must be reset to NULL */
	int err;

	if (ebpfmini_log_level() != EBPFMINI_LOG_WARN) {
		fprintf(stderr, "default log level is %d, expected %d (EBPFMINI_LOG_WARN)\n",
			(int)ebpfmini_log_level(), (int)EBPFMINI_LOG_WARN);
		return 1;
	}
	ebpfmini_log_set(count_line, EBPFMINI_LOG_DEBUG, NULL);
	if (ebpfmini_log_level() != EBPFMINI_LOG_DEBUG) {
		fprintf(stderr, "ebpfmini_log_set did not change the level\n");
		return 1;
	}

	err = ebpfmini_object_open("/nonexistent/ebpfmini-packaging-test.bpf.o", NULL, &obj);
	if (err != -ENOENT || obj != NULL) {
		fprintf(stderr, "ebpfmini_object_open on a missing file: got %d, obj %p; "
				"expected %d (-ENOENT) and NULL\n",
			err, (void *)obj, -ENOENT);
		return 1;
	}
	ebpfmini_object_close(NULL); /* destructors accept NULL */
	printf("ebpfmini %d.%d.%d: open of a missing file gave -ENOENT, %d log line(s)\n",
	       EBPFMINI_VERSION_MAJOR, EBPFMINI_VERSION_MINOR, EBPFMINI_VERSION_PATCH, lines);
	return 0;
}
