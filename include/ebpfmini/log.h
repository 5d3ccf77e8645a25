/* ebpfmini/log.h - process-wide logging and error explanations */
#ifndef EBPFMINI_LOG_H
#define EBPFMINI_LOG_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Severity of a log line; a callback receives lines up to the set limit. */
enum ebpfmini_log_level {
	EBPFMINI_LOG_OFF = -1, /* as a limit: deliver nothing */
	EBPFMINI_LOG_ERROR = 0,
	EBPFMINI_LOG_WARN = 1,
	EBPFMINI_LOG_INFO = 2,
	EBPFMINI_LOG_DEBUG = 3,
};

/**
 * Receives one finished line (no trailing newline) of the form
 * "<subject>: <what failed>: <reason>", e.g. "map 'events': create: Operation
 * not permitted". The line is valid only during the call.
 */
typedef void (*ebpfmini_log_fn)(enum ebpfmini_log_level level, const char *line, void *ctx);

/**
 * ebpfmini_log_set() - install the process-wide log callback.
 * @fn:        callback, or NULL for the default (writes "ebpfmini: <line>" to stderr)
 * @max_level: deliver lines at this level and more severe; EBPFMINI_LOG_OFF for none
 * @ctx:       passed back to fn unchanged
 *
 * The default is the stderr writer with EBPFMINI_LOG_WARN, or the level named
 * by the environment variable EBPFMINI_LOG (error, warn, info, debug, off).
 * Not thread-safe against concurrent logging: call it before starting threads.
 * Cannot fail.
 */
void ebpfmini_log_set(ebpfmini_log_fn fn, enum ebpfmini_log_level max_level, void *ctx);

/** ebpfmini_log_level() - the current level limit. Cannot fail. */
enum ebpfmini_log_level ebpfmini_log_level(void);

/**
 * ebpfmini_log_explain() - turn an error from ebpfmini into a sentence with a fix.
 * @err:          a negative errno returned by an ebpfmini function (a positive one is accepted too)
 * @bpf_cmd:      the bpf() command that failed (enum bpf_cmd), or -1 when unknown
 * @verifier_log: the verifier log of a failed program load, or NULL
 * @buf, @size:   where to write the NUL-terminated text
 *
 * For EPERM it names the cause that applies on this machine (not root / no
 * CAP_BPF, kernel.unprivileged_bpf_disabled, kernel lockdown, or an LSM); for
 * E2BIG, ENOSPC and EINVAL it says what the kernel means, with the verifier's
 * last line when a log is given.
 *
 * Return: the length of the full text (as snprintf), or -EINVAL if buf is NULL
 * while size is non-zero.
 */
int ebpfmini_log_explain(int err, int bpf_cmd, const char *verifier_log, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* EBPFMINI_LOG_H */
