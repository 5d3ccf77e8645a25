/* log_capture.h - the one log capture of the tests: every line the library logs, kept for assertions */
#ifndef EBPFMINI_TEST_LOG_CAPTURE_H
#define EBPFMINI_TEST_LOG_CAPTURE_H

/*
 * log_capture_start(level) installs the capture as the library's log callback for the
 * lines at `level` and more severe ones, after forgetting what was captured before;
 * log_capture_stop() gives the library back its default (warnings to stderr). In between:
 *
 *   logcap.text   every captured line, each followed by '\n' (the beginning of the lines
 *                 when they outgrow the buffer); strstr() it, or log_captured(fragment)
 *   logcap.count  how many lines were captured ("logged once" checks)
 *   logcap.last   the last line
 *
 * log_capture_reset() forgets the lines without changing the callback;
 * log_captured_line(a, b) finds the line holding both fragments. TEST_VERBOSE=1 in the
 * environment also prints each line to stderr. Header-only, so that every test program and
 * fuzz harness gets it without a library: a test includes it once.
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpfmini/log.h"

static struct log_capture {
	char text[256 * 1024];
	size_t len;
	int count;
	char last[1024];
	size_t start[4096]; /* where each of the first lines begins in text */
	char found[1024];   /* log_captured_line()'s answer */
} logcap __attribute__((unused));

static inline void log_capture_reset(void)
{
	logcap.text[0] = '\0';
	logcap.len = 0;
	logcap.count = 0;
	logcap.last[0] = '\0';
}

/* The callback itself, for a test that calls ebpfmini_log_set() itself. */
static inline void log_capture_line(enum ebpfmini_log_level level, const char *line, void *ctx)
{
	size_t room = sizeof(logcap.text) - logcap.len;
	int n;

	(void)level;
	(void)ctx;
	if (getenv("TEST_VERBOSE"))
		fprintf(stderr, "log: %s\n", line);
	if (logcap.count < (int)(sizeof(logcap.start) / sizeof(logcap.start[0])))
		logcap.start[logcap.count] = logcap.len;
	logcap.count++;
	snprintf(logcap.last, sizeof(logcap.last), "%s", line);
	n = snprintf(logcap.text + logcap.len, room, "%s\n", line);
	logcap.len += (size_t)n < room ? (size_t)n : room - 1;
}

static inline void log_capture_start(enum ebpfmini_log_level level)
{
	log_capture_reset();
	ebpfmini_log_set(log_capture_line, level, NULL);
}

static inline void log_capture_stop(void)
{
	ebpfmini_log_set(NULL, EBPFMINI_LOG_WARN, NULL);
}

/* Whether any captured line holds text. */
static inline bool log_captured(const char *text)
{
	return strstr(logcap.text, text) != NULL;
}

/* A copy of the first captured line holding a and (unless NULL) b, or NULL. */
static inline const char *log_captured_line(const char *a, const char *b)
{
	int max = (int)(sizeof(logcap.start) / sizeof(logcap.start[0]));

	for (int i = 0; i < logcap.count && i < max; i++) {
		size_t end = i + 1 < logcap.count && i + 1 < max ? logcap.start[i + 1] : logcap.len;
		size_t n = end - logcap.start[i];

		if (n && logcap.text[logcap.start[i] + n - 1] == '\n')
			n--; /* the separator, not part of the line */
		snprintf(logcap.found, sizeof(logcap.found), "%.*s", (int)n,
			 logcap.text + logcap.start[i]);
		if (strstr(logcap.found, a) && (!b || strstr(logcap.found, b)))
			return logcap.found;
	}
	return NULL;
}

#endif
