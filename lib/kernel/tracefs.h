/* tracefs.h - private access to the kernel's tracefs: where it is mounted, event ids (L3' kernel) */
#ifndef EBPFMINI_TRACEFS_H
#define EBPFMINI_TRACEFS_H

#include <stddef.h>
#include <stdint.h>

#include "kernel.h" /* EM_TRACEFS_MAGIC */

/* The fix to print when em_tracefs_root() gives -ENODEV. */
#define EM_TRACEFS_MOUNT_HINT "tracefs is not mounted: mount -t tracefs tracefs /sys/kernel/tracing"

/*
 * None of these functions logs: the caller has the context (which program,
 * which hook) and logs once, using EM_TRACEFS_MOUNT_HINT for -ENODEV.
 * Nothing is cached, so a tracefs mounted (or unmounted, or hidden by a new
 * mount namespace) after a first call is seen by the next one.
 */

/*
 * em_tracefs_root() - the tracefs mount point: /sys/kernel/tracing when
 * tracefs is mounted there, else /sys/kernel/debug/tracing (debugfs's
 * automount). "Mounted" means statfs reports EM_TRACEFS_MAGIC, or the
 * directory holds an events/ directory (older debugfs-based tracing).
 * Return: a static string, or NULL with *err = -ENODEV when neither is tracefs.
 */
const char *em_tracefs_root(int *err);

/*
 * em_tracefs_path() - "<root>/<rel>" into buf.
 * Return: 0, -ENODEV (tracefs not mounted), -ENAMETOOLONG (buf too small).
 */
int em_tracefs_path(char *buf, size_t size, const char *rel);

/*
 * em_tracefs_event_id() - the id of tracepoint category/name, read from
 * <root>/events/<category>/<name>/id.
 * Return: 0, -EINVAL (empty name or one with '/' or a leading '.'), -ENODEV
 * (tracefs not mounted), -ENOENT (no such tracepoint), -EBADMSG (the id file
 * does not hold a number), or the errno of reading the file (-EACCES...).
 */
int em_tracefs_event_id(const char *category, const char *name, uint32_t *id);

#endif /* EBPFMINI_TRACEFS_H */
