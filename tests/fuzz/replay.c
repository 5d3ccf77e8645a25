/* replay.c - runs a fuzz harness over a corpus without libFuzzer: the regression test (tests) */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Feeds one file to the harness; a crash, a sanitizer report or a leak ends the test. */
static int replay_file(const char *path)
{
	size_t size;
	uint8_t *data = fuzz_read_file(path, &size);
	/* an exact-size copy, as libFuzzer gives it, so ASan sees any read past the end */
	uint8_t *exact = malloc(size ? size : 1);

	if (!exact) {
		free(data);
		return -1;
	}
	memcpy(exact, data, size);
	free(data);
	LLVMFuzzerTestOneInput(exact, size);
	free(exact);
	return 0;
}

static int replay_dir(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int err = 0;

	if (!d) {
		fprintf(stderr, "replay: cannot open %s\n", dir);
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **tmp = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*names));

			if (!tmp) {
				err = -1;
				break;
			}
			names = tmp;
		}
		if (!(names[n] = malloc(strlen(dir) + strlen(de->d_name) + 2))) {
			err = -1;
			break;
		}
		sprintf(names[n++], "%s/%s", dir, de->d_name);
	}
	closedir(d);
	/* a fixed order, so that a failure names the same file every time */
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (!err && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			if (getenv("REPLAY_VERBOSE"))
				fprintf(stderr, "replay: %s\n", names[i]);
			err = replay_file(names[i]);
			(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return err;
}

int main(int argc, char **argv)
{
	size_t count = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: not found\n", argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode) ? replay_dir(argv[i], &count) != 0
					: (count++, replay_file(argv[i]) != 0))
			return 1;
	}
	if (count == 0) {
		fprintf(stderr, "replay: no inputs (empty corpus?)\n");
		return 1;
	}
	printf("replay: %zu inputs, no crash\n", count);
	return 0;
}
