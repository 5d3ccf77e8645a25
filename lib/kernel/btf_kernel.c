/* btf_kernel.c - parsed BTF in the kernel: BPF_BTF_LOAD with its log, the fd it owns; a dump written to an fd (L3' kernel) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "internal.h"
#include "sys.h"

#include "ebpfmini/sys.h"

/* The kernel's BTF log: start at 64 KiB, grow on ENOSPC up to 16 MiB. */
#define BTF_LOG_MIN (64u * 1024)
#define BTF_LOG_MAX (16u * 1024 * 1024)
/* How many lines of the log's tail go to the log callback. */
#define BTF_LOG_TAIL_LINES 4

static int btf_load(const struct ebpfmini_btf *btf, char *log, uint32_t log_size)
{
	struct ebpfmini_sys_btf_load_opts opts = { .sz = sizeof(opts) };

	if (log) {
		log[0] = '\0';
		opts.log_buf = log;
		opts.log_size = log_size;
		opts.log_level = 1;
	}
	return ebpfmini_sys_btf_load(btf->raw, btf->raw_size, &opts);
}

/* Start of the n-th last non-empty line of text (n >= 1), or text itself. */
static const char *tail_start(const char *text, size_t len, int n)
{
	size_t i = len;

	while (i > 0) {
		/* skip trailing newlines, then walk back over one line */
		while (i > 0 && text[i - 1] == '\n')
			i--;
		if (i == 0)
			break;
		while (i > 0 && text[i - 1] != '\n')
			i--;
		if (--n == 0)
			break;
	}
	return text + i;
}

/* Passes the last lines of the kernel's log, then the error, to the log callback. */
static void report_failure(int err, const char *log)
{
	const char *p, *last = "";
	size_t len = log ? strnlen(log, BTF_LOG_MAX) : 0;
	char line[256];

	if (len) {
		last = tail_start(log, len, 1);
		for (p = tail_start(log, len, BTF_LOG_TAIL_LINES); p < last;) {
			size_t n = strcspn(p, "\n");

			if (n) {
				snprintf(line, sizeof(line), "%.*s", (int)n, p);
				em_warn("btf: kernel log: %s", line);
			}
			p += n + (p[n] == '\n');
		}
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(last, "\n"), last);
		last = line;
	}
	em_warn("btf: BPF_BTF_LOAD: %s (%s)%s%s", strerror(-err), em_errno_name(-err),
		*last ? ": " : "", last);
}

EM_EXPORT int ebpfmini_btf_load(struct ebpfmini_btf *btf)
{
	char *log = NULL;
	size_t cap = 0;
	int fd, err;

	if (!btf)
		return -EINVAL;
	if (btf->fd >= 0)
		return btf->fd;
	if (btf->raw_size > UINT32_MAX)
		return -E2BIG;

	/* quiet first attempt: a log costs the kernel time on every load */
	fd = btf_load(btf, NULL, 0);
	if (fd >= 0)
		goto done;
	err = fd;

	/* again with a log, to say why; the first errno is the one returned */
	for (uint32_t size = BTF_LOG_MIN;; size *= 4) {
		char *bigger = realloc(log, size);

		if (!bigger)
			break;
		log = bigger;
		cap = size;
		fd = btf_load(btf, log, size);
		if (fd >= 0) /* succeeded the second time (the first failure was transient) */
			goto done;
		if (fd != -ENOSPC || size >= BTF_LOG_MAX)
			break;
	}
	if (log)
		log[cap - 1] = '\0';
	report_failure(err, log);
	free(log);
	return err;
done:
	free(log);
	btf->fd = fd;
	return fd;
}

EM_EXPORT void ebpfmini_btf_free(struct ebpfmini_btf *btf)
{
	if (!btf)
		return;
	if (btf->fd >= 0)
		em_sys_close(btf->fd);
	btf->fd = -1;
	em_btf_free(btf);
}

/* ---- dump to a caller's fd: the I/O half of btf_dump.c's pure writer ---------------- */

static int write_fd(void *ctx, const char *data, size_t len)
{
	return em_sys_write_all(*(const int *)ctx, data, len);
}

EM_EXPORT int ebpfmini_btf_dump_fd(const struct ebpfmini_btf *btf,
				   enum ebpfmini_btf_dump_format fmt, int fd)
{
	if (fd < 0)
		return btf ? -EBADF : -EINVAL;
	return ebpfmini_btf_dump(btf, fmt, write_fd, &fd);
}
