/* kuprobe.c - kprobe and uprobe perf events: the kprobe/uprobe PMU, else tracefs dynamic events (L4 link) */
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "kernel.h"
#include "link.h"
#include "kuprobe.h"
#include "sys.h"
#include "tracefs.h"

static const char *kind_name(enum em_kuprobe_kind kind)
{
	return kind == EM_KUPROBE_KPROBE ? "kprobe" : "uprobe";
}

/* ---- pure parts ------------------------------------------------------------------ */

int em_kuprobe_legacy_name(char *buf, size_t size, const struct em_kuprobe_spec *spec, int pid,
			   unsigned long n)
{
	const char *name = spec->name ? spec->name : "";
	char clean[33];
	size_t i;
	int len;

	if (spec->kind == EM_KUPROBE_UPROBE && strrchr(name, '/'))
		name = strrchr(name, '/') + 1;
	for (i = 0; i < sizeof(clean) - 1 && name[i]; i++) {
		char c = name[i];

		clean[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
					   (c >= '0' && c <= '9') || c == '_' ?
				   c :
				   '_';
	}
	clean[i] = '\0';
	len = snprintf(buf, size, "%c_%s_%llx_%d_%lu", spec->retprobe ? 'r' : 'p', clean,
		       (unsigned long long)spec->offset, pid, n);
	if (len < 0 || (size_t)len >= size)
		return -ENAMETOOLONG;
	return 0;
}

static bool has_space(const char *s)
{
	for (; *s; s++)
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f')
			return true;
	return false;
}

int em_kuprobe_legacy_line(char *buf, size_t size, const struct em_kuprobe_spec *spec,
			   const char *event)
{
	char where[4200];
	int len;

	if (!spec->name || !*spec->name || has_space(spec->name) || !event || !*event)
		return -EINVAL;
	if (spec->kind == EM_KUPROBE_KPROBE) {
		if (spec->retprobe && spec->offset)
			return -EINVAL;
		len = spec->offset ? snprintf(where, sizeof(where), "%s+0x%llx", spec->name,
					      (unsigned long long)spec->offset) :
				     snprintf(where, sizeof(where), "%s", spec->name);
	} else if (spec->ref_ctr_offset) {
		len = snprintf(where, sizeof(where), "%s:0x%llx(0x%llx)", spec->name,
			       (unsigned long long)spec->offset,
			       (unsigned long long)spec->ref_ctr_offset);
	} else {
		len = snprintf(where, sizeof(where), "%s:0x%llx", spec->name,
			       (unsigned long long)spec->offset);
	}
	if (len < 0 || (size_t)len >= sizeof(where))
		return -ENAMETOOLONG;
	len = snprintf(buf, size, "%c:%s/%s %s", spec->retprobe ? 'r' : 'p', EM_KUPROBE_GROUP,
		       event, where);
	if (len < 0 || (size_t)len >= size)
		return -ENAMETOOLONG;
	return 0;
}

static int open_pmu_event(const struct em_kuprobe_spec *spec, uint32_t type, unsigned bit)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	if (spec->retprobe)
		attr.config |= 1ULL << bit;
	if (spec->kind == EM_KUPROBE_UPROBE)
		attr.config |= spec->ref_ctr_offset << 32; /* format/ref_ctr_offset: config:32-63 */
	attr.config1 = (uint64_t)(uintptr_t)spec->name;    /* kprobe_func / uprobe_path */
	attr.config2 = spec->offset;                       /* probe_offset */
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	/* the program hangs off the probe, not one CPU: one event is enough;
	 * with a pid the event follows that process on every CPU */
	return em_sys_perf_event_open(&attr, spec->pid > 0 ? spec->pid : -1, spec->pid > 0 ? -1 : 0,
				      -1, PERF_FLAG_FD_CLOEXEC);
}

/* ---- tracefs dynamic events ------------------------------------------------------------ */

struct legacy_event {
	enum em_kuprobe_kind kind;
	char name[64];
};

static int events_file(enum em_kuprobe_kind kind, char *path, size_t size)
{
	char rel[32];

	snprintf(rel, sizeof(rel), "%s_events", kind_name(kind));
	return em_tracefs_path(path, size, rel);
}

static void remove_event(enum em_kuprobe_kind kind, const char *name)
{
	char path[512], line[128];
	int err;

	snprintf(line, sizeof(line), "-:%s/%s", EM_KUPROBE_GROUP, name);
	err = events_file(kind, path, sizeof(path));
	if (!err)
		err = em_sys_write_file(path, line);
	if (err)
		em_warn("link: removing %s event '%s/%s' from tracefs: %s (remove it with "
			"echo '%s' >> %s_events)",
			kind_name(kind), EM_KUPROBE_GROUP, name, strerror(-err), line,
			kind_name(kind));
}

static void legacy_release(struct ebpfmini_link *link)
{
	struct legacy_event *ev = link->priv;

	if (ev)
		remove_event(ev->kind, ev->name);
	free(ev);
	link->priv = NULL;
}

/* Explain why neither a PMU nor tracefs events are there; returns the error. */
static int no_probes(const struct em_kuprobe_spec *spec, const char *subject, int err)
{
	if (err == -ENODEV) {
		em_err("%s: no %s PMU (" EM_PMU_DIR "%s) and %s", subject, kind_name(spec->kind),
		       kind_name(spec->kind), EM_TRACEFS_MOUNT_HINT);
		return -ENODEV;
	}
	em_err("%s: %s", subject,
	       spec->kind == EM_KUPROBE_KPROBE ? EM_KPROBES_MISSING : EM_UPROBES_MISSING);
	return -EOPNOTSUPP;
}

static int open_legacy_event(const struct em_kuprobe_spec *spec, const char *subject,
			     struct legacy_event **out, uint32_t *id)
{
	static unsigned long counter;
	struct legacy_event *ev;
	char path[512], line[4400];
	int err, fd;

	*out = NULL;
	err = events_file(spec->kind, path, sizeof(path));
	if (err)
		return no_probes(spec, subject, err);
	fd = em_sys_open(path, O_WRONLY, 0);
	if (fd < 0)
		return fd == -ENOENT ? no_probes(spec, subject, fd) : fd;
	em_sys_close(fd);

	ev = em_calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	ev->kind = spec->kind;
	err = em_kuprobe_legacy_name(ev->name, sizeof(ev->name), spec, (int)getpid(),
				     __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
	if (!err)
		err = em_kuprobe_legacy_line(line, sizeof(line), spec, ev->name);
	if (err) {
		em_err("%s: cannot describe the probe for %s_events: %s", subject,
		       kind_name(spec->kind),
		       err == -EINVAL ? "the name is empty or holds white space, or a "
					"return probe has an offset" :
					strerror(-err));
		free(ev);
		return err == -ENAMETOOLONG ? -EINVAL : err;
	}
	err = em_sys_write_file(path, line);
	if (err) {
		em_err("%s: adding '%s' to %s: %s (tracefs error_log says more)", subject, line,
		       path, strerror(-err));
		free(ev);
		return err;
	}
	err = em_tracefs_event_id(EM_KUPROBE_GROUP, ev->name, id);
	if (err) {
		em_err("%s: the id of the new event %s/%s: %s", subject, EM_KUPROBE_GROUP, ev->name,
		       strerror(-err));
		remove_event(ev->kind, ev->name);
		free(ev);
		return err;
	}
	*out = ev;
	return 0;
}

static int open_tracepoint_event(uint32_t id, int pid)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = id;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	return em_sys_perf_event_open(&attr, pid > 0 ? pid : -1, pid > 0 ? -1 : 0, -1,
				      PERF_FLAG_FD_CLOEXEC);
}

/* ---- attach ----------------------------------------------------------------------- */

static const char *open_hint(const struct em_kuprobe_spec *spec, int err)
{
	switch (err) {
	case -ENOENT:
		return spec->kind == EM_KUPROBE_KPROBE ? " (no such kernel function?)" :
							 " (no such file?)";
	case -EINVAL:
		return spec->kind == EM_KUPROBE_KPROBE ?
			       " (a function that cannot be probed, or an offset that is not "
			       "an instruction boundary?)" :
			       " (an offset outside the file's code?)";
	case -EACCES:
	case -EPERM:
		return " (needs root or CAP_PERFMON; see kernel.perf_event_paranoid)";
	case -ESRCH:
		return " (no such process)";
	default:
		return "";
	}
}

int em_kuprobe_attach(int prog_fd, const struct em_kuprobe_spec *spec, uint64_t cookie,
		      const char *subject, const char *target, struct ebpfmini_link **out)
{
	struct legacy_event *ev = NULL;
	unsigned bit = 0;
	uint32_t type = 0;
	int err, pfd;

	*out = NULL;
	err = em_pmu_kuprobe(spec->kind, &type, &bit);
	if (err == 0) {
		pfd = open_pmu_event(spec, type, bit);
		if (pfd < 0) {
			em_err("%s: perf_event_open (%s PMU): %s%s", subject, kind_name(spec->kind),
			       strerror(-pfd), open_hint(spec, pfd));
			return pfd;
		}
	} else if (err == -ENOENT) {
		em_debug("%s: no %s PMU: using tracefs %s_events", subject, kind_name(spec->kind),
			 kind_name(spec->kind));
		err = open_legacy_event(spec, subject, &ev, &type);
		if (err < 0)
			return err;
		pfd = open_tracepoint_event(type, spec->pid);
		if (pfd < 0) {
			em_err("%s: perf_event_open (tracefs event %s/%s): %s%s", subject,
			       EM_KUPROBE_GROUP, ev->name, strerror(-pfd), open_hint(spec, pfd));
			remove_event(ev->kind, ev->name);
			free(ev);
			return pfd;
		}
	} else {
		em_err("%s: reading the %s PMU from " EM_PMU_DIR ": %s", subject,
		       kind_name(spec->kind), strerror(-err));
		return err;
	}

	err = em_link_attach_perf_event(prog_fd, pfd, cookie, subject, target, out);
	if (err) {
		if (ev)
			remove_event(ev->kind, ev->name);
		free(ev);
		return err;
	}
	if (ev) {
		(*out)->release = legacy_release;
		(*out)->priv = ev;
	}
	return 0;
}
