/* log.c - the process-wide log callback and errno names (L0 base) */
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

static ebpfmini_log_fn log_fn = default_writer;
static void *log_ctx;
static enum ebpfmini_log_level log_max = EBPFMINI_LOG_WARN;
static bool log_env_read;

static void read_env_level(void)
{
	static const struct {
		const char *name;
		enum ebpfmini_log_level level;
	} names[] = {
		{ "off", EBPFMINI_LOG_OFF },   { "error", EBPFMINI_LOG_ERROR },
		{ "warn", EBPFMINI_LOG_WARN }, { "info", EBPFMINI_LOG_INFO },
		{ "debug", EBPFMINI_LOG_DEBUG },
	};
	const char *env;

	log_env_read = true;
	env = getenv("EBPFMINI_LOG");
	if (!env)
		return;
	for (size_t i = 0; i < EM_ARRAY_SIZE(names); i++) {
		if (strcasecmp(env, names[i].name) == 0) {
			log_max = names[i].level;
			return;
		}
	}
}

EM_EXPORT void ebpfmini_log_set(ebpfmini_log_fn fn, enum ebpfmini_log_level max_level, void *ctx)
{
	log_env_read = true; /* an explicit choice wins over the environment */
	log_fn = fn ? fn : default_writer;
	log_ctx = ctx;
	log_max = max_level;
}

EM_EXPORT enum ebpfmini_log_level ebpfmini_log_level(void)
{
	if (!log_env_read)
		read_env_level();
	return log_max;
}

bool em_log_enabled(enum ebpfmini_log_level level)
{
	return level != EBPFMINI_LOG_OFF && level <= ebpfmini_log_level();
}

void em_log(enum ebpfmini_log_level level, const char *fmt, ...)
{
	char line[1024];
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
	log_fn(level, line, log_ctx);
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
