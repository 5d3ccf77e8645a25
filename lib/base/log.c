/* log.c - the process-wide log callback and errno names (L0 base) */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "internal.h"

static void default_writer(enum ebpfmini_log_level level, const char *line, void *ctx)
{
	(void)level;
	(void)ctx;
	fprintf(stderr, "ebpfmini: %s\n", line);
}

/*
 * The callback and its context change together under the lock, and a line is
 * delivered with the lock held: a callback never sees another's context, and
 * once ebpfmini_log_set() returns the previous callback is not running any
 * more. Recursive, so that a callback may log or set the logger itself. The
 * level is also atomic, for the check every em_log() makes first.
 */
static pthread_mutex_t log_lock;
static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static ebpfmini_log_fn log_fn = default_writer;
static void *log_ctx;
static int log_max = EBPFMINI_LOG_WARN;

static void log_init(void)
{
	static const struct {
		const char *name;
		enum ebpfmini_log_level level;
	} names[] = {
		{ "off", EBPFMINI_LOG_OFF },   { "error", EBPFMINI_LOG_ERROR },
		{ "warn", EBPFMINI_LOG_WARN }, { "info", EBPFMINI_LOG_INFO },
		{ "debug", EBPFMINI_LOG_DEBUG },
	};
	pthread_mutexattr_t attr;
	/* not from the environment of a set-id or file-capability program's caller */
	const char *env = secure_getenv("EBPFMINI_LOG");

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&log_lock, &attr);
	pthread_mutexattr_destroy(&attr);
	for (size_t i = 0; env && i < EM_ARRAY_SIZE(names); i++)
		if (strcasecmp(env, names[i].name) == 0)
			log_max = names[i].level;
}

EM_EXPORT void ebpfmini_log_set(ebpfmini_log_fn fn, enum ebpfmini_log_level max_level, void *ctx)
{
	pthread_once(&log_once, log_init); /* an explicit choice wins over the environment */
	pthread_mutex_lock(&log_lock);
	log_fn = fn ? fn : default_writer;
	log_ctx = ctx;
	__atomic_store_n(&log_max, (int)max_level, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&log_lock);
}

EM_EXPORT enum ebpfmini_log_level ebpfmini_log_level(void)
{
	pthread_once(&log_once, log_init);
	return (enum ebpfmini_log_level)__atomic_load_n(&log_max, __ATOMIC_RELAXED);
}

bool em_log_enabled(enum ebpfmini_log_level level)
{
	return level != EBPFMINI_LOG_OFF && level <= ebpfmini_log_level();
}

/*
 * Names in a line come from objects and files that may be hostile: control
 * bytes are written as \xNN (\t as a tab), and a line break inside a message
 * (a verifier log) is followed by a tab, so that no text can start a line of
 * its own or move the terminal's cursor.
 */
static void escape(const char *in, char *out, size_t size)
{
	size_t o = 0;

	for (; *in && o + 5 < size; in++) {
		unsigned char c = (unsigned char)*in;

		if (c == '\n')
			o += (size_t)snprintf(out + o, size - o, "\n\t");
		else if ((c < 0x20 && c != '\t') || c == 0x7f)
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

void em_log(enum ebpfmini_log_level level, const char *fmt, ...)
{
	char line[1024], safe[4 * sizeof(line)];
	va_list ap;
	int saved = errno;

	if (!em_log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* drop a trailing newline so every line arrives in the same shape */
	size_t n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	escape(line, safe, sizeof(safe));
	pthread_mutex_lock(&log_lock);
	log_fn(level, safe, log_ctx);
	pthread_mutex_unlock(&log_lock);
	errno = saved;
}

const char *em_errno_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" },     { ENOENT, "ENOENT" },   { ESRCH, "ESRCH" },
		{ EINTR, "EINTR" },     { EIO, "EIO" },         { ENXIO, "ENXIO" },
		{ E2BIG, "E2BIG" },     { ENOEXEC, "ENOEXEC" }, { EBADF, "EBADF" },
		{ EAGAIN, "EAGAIN" },   { ENOMEM, "ENOMEM" },   { EACCES, "EACCES" },
		{ EFAULT, "EFAULT" },   { EBUSY, "EBUSY" },     { EEXIST, "EEXIST" },
		{ EXDEV, "EXDEV" },     { ENODEV, "ENODEV" },   { ENOTDIR, "ENOTDIR" },
		{ EISDIR, "EISDIR" },   { EINVAL, "EINVAL" },   { ENFILE, "ENFILE" },
		{ EMFILE, "EMFILE" },   { ENOTTY, "ENOTTY" },   { EFBIG, "EFBIG" },
		{ ENOSPC, "ENOSPC" },   { ESPIPE, "ESPIPE" },   { EROFS, "EROFS" },
		{ ERANGE, "ERANGE" },   { EDEADLK, "EDEADLK" }, { ENAMETOOLONG, "ENAMETOOLONG" },
		{ ENOSYS, "ENOSYS" },   { ELOOP, "ELOOP" },     { ENOTEMPTY, "ENOTEMPTY" },
		{ ENODATA, "ENODATA" }, { EBADMSG, "EBADMSG" }, { EOVERFLOW, "EOVERFLOW" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EADDRINUSE, "EADDRINUSE" },
		{ ECONNREFUSED, "ECONNREFUSED" }, { ETIMEDOUT, "ETIMEDOUT" },
		{ EM_ENOTSUPP, "ENOTSUPP" }, { ESTALE, "ESTALE" },
	};

	if (err < 0)
		err = -err;
	for (size_t i = 0; i < EM_ARRAY_SIZE(names); i++)
		if (names[i].err == err)
			return names[i].name;
	return "E?";
}
