/* explain.c - turns a bpf() errno (and a verifier log) into a sentence with a fix (L3' kernel) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"
#include "kernel.h"
#include "sys.h"
#include "uapi_compat.h"

#include "ebpfmini/log.h"

/* Capability numbers of <linux/capability.h>. */
#define CAP_SYS_ADMIN_BIT 21
#define CAP_PERFMON_BIT 38
#define CAP_BPF_BIT 39

/* Small files under /proc and /sys are read whole through the kernel edge. */
#define FACT_FILE_MAX 65536

/* ---- output buffer (snprintf semantics: count everything, write what fits) ---- */

struct out {
	char *buf;
	size_t size;
	size_t len; /* length of the full text, even beyond size */
};

static void put(struct out *o, const char *fmt, ...) EM_PRINTF(2, 3);
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->len < o->size ? o->buf + o->len : NULL,
		      o->len < o->size ? o->size - o->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

/* ---- facts about this machine ------------------------------------------------------ */

static char *read_text(const char *path)
{
	void *buf = NULL;

	if (em_sys_read_file(path, FACT_FILE_MAX, &buf, NULL) < 0)
		return NULL;
	return buf;
}

/* Value of a "Key:\tvalue" line of /proc/self/status, or NULL. */
static const char *status_field(const char *status, const char *key)
{
	size_t klen = strlen(key);

	for (const char *line = status; line && *line;) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			line += klen + 1;
			while (*line == ' ' || *line == '\t')
				line++;
			return line;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return NULL;
}

struct privilege {
	bool known;    /* /proc/self/status was readable */
	bool root;     /* effective uid 0 */
	bool cap_bpf;  /* CAP_BPF in CapEff */
	bool cap_admin; /* CAP_SYS_ADMIN in CapEff */
	bool cap_perfmon;
	bool seccomp;  /* a seccomp filter is installed */
};

static struct privilege read_privilege(void)
{
	struct privilege p = { 0 };
	char *status = read_text("/proc/self/status");
	const char *v;

	if (!status)
		return p;
	p.known = true;
	v = status_field(status, "Uid");
	if (v) {
		unsigned long real, eff;

		if (sscanf(v, "%lu %lu", &real, &eff) == 2)
			p.root = eff == 0;
	}
	v = status_field(status, "CapEff");
	if (v) {
		unsigned long long caps = strtoull(v, NULL, 16);

		p.cap_bpf = caps & (1ULL << CAP_BPF_BIT);
		p.cap_admin = caps & (1ULL << CAP_SYS_ADMIN_BIT);
		p.cap_perfmon = caps & (1ULL << CAP_PERFMON_BIT);
	}
	v = status_field(status, "Seccomp");
	p.seccomp = v && atoi(v) == 2;
	free(status);
	return p;
}

/* kernel.unprivileged_bpf_disabled: 0, 1 (until reboot), 2 (admin may reset); -1 unknown. */
static int read_unpriv_disabled(void)
{
	char *s = read_text("/proc/sys/kernel/unprivileged_bpf_disabled");
	int v = -1;

	if (s) {
		v = atoi(s);
		free(s);
	}
	return v;
}

/* The lockdown mode into mode ("" for none); false when it cannot be read
 * (securityfs not mounted, or no lockdown LSM). */
static bool read_lockdown(char *mode, size_t size)
{
	if (em_lockdown_mode(mode, size) != 0)
		return false;
	if (strcmp(mode, "none") == 0)
		mode[0] = '\0';
	return true;
}

/* The LSMs that make policy decisions, from /sys/kernel/security/lsm ("" if unknown). */
static void read_lsms(char *list, size_t size)
{
	static const char *const deciders[] = { "selinux", "apparmor", "smack", "tomoyo",
						"bpf",     "landlock", "ipe" };
	char active[512], *save = NULL;
	size_t len = 0;

	list[0] = '\0';
	if (em_lockdown_lsm_list(active, sizeof(active)) != 0)
		return;
	for (char *tok = strtok_r(active, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (size_t i = 0; i < EM_ARRAY_SIZE(deciders); i++) {
			int n;

			if (strcmp(tok, deciders[i]) != 0)
				continue;
			n = snprintf(list + len, size - len, "%s%s", len ? ", " : "", tok);
			if (n > 0 && (size_t)n < size - len)
				len += (size_t)n;
		}
	}
}

/* ---- the verifier's verdict ------------------------------------------------------------ */

static bool is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* Statistics lines the verifier prints after its verdict. */
static bool is_summary(const char *s, size_t n)
{
	static const char *const prefixes[] = { "processed ", "verification time ", "stack depth " };

	for (size_t i = 0; i < EM_ARRAY_SIZE(prefixes); i++) {
		size_t pl = strlen(prefixes[i]);

		if (n >= pl && memcmp(s, prefixes[i], pl) == 0)
			return true;
	}
	return false;
}

/* The last non-empty line of the log that is not a statistics line: the
 * verifier's reason. Sets *len; NULL when there is none. */
static const char *verifier_verdict(const char *log, size_t *len)
{
	const char *end, *fallback = NULL;
	size_t fallback_len = 0;

	if (!log)
		return NULL;
	end = log + strlen(log);
	while (end > log) {
		const char *start = end;

		while (start > log && start[-1] != '\n')
			start--;
		if (!is_blank(start, (size_t)(end - start))) {
			size_t n = (size_t)(end - start);

			while (n && (start[n - 1] == ' ' || start[n - 1] == '\r'))
				n--;
			if (!is_summary(start, n)) {
				*len = n;
				return start;
			}
			if (!fallback) {
				fallback = start;
				fallback_len = n;
			}
		}
		end = start > log ? start - 1 : log;
	}
	*len = fallback_len;
	return fallback;
}

static void put_verdict(struct out *o, const char *log)
{
	size_t n = 0;
	const char *line = verifier_verdict(log, &n);

	if (line)
		put(o, " The verifier's last line: \"%.*s\".", (int)n, line);
}

/* ---- per-errno explanations -------------------------------------------------------------- */

static bool loads_program(int cmd)
{
	return cmd == BPF_PROG_LOAD || cmd == -1;
}

static void explain_eperm(struct out *o, int cmd)
{
	struct privilege p = read_privilege();
	int unpriv = read_unpriv_disabled();
	char lockdown[32], lsms[96];
	bool lockdown_known;
	uint32_t kver;

	lockdown_known = read_lockdown(lockdown, sizeof(lockdown));
	read_lsms(lsms, sizeof(lsms));
	put(o, "EPERM: the kernel refused the operation.");
	if (p.known && !p.root && !p.cap_bpf && !p.cap_admin) {
		put(o, " Cause: this process is not root and has neither CAP_BPF nor CAP_SYS_ADMIN "
		       "in its effective capabilities.");
		if (unpriv > 0)
			put(o, " kernel.unprivileged_bpf_disabled=%d forbids bpf() without them%s.",
			    unpriv, unpriv == 1 ? " until reboot" : "");
		put(o, " Fix: run as root, or grant CAP_BPF (plus CAP_PERFMON for tracing, "
		       "CAP_NET_ADMIN for networking programs), e.g. setcap cap_bpf,cap_perfmon+ep.");
	} else if (p.known && !p.root && !p.cap_admin && cmd == BPF_PROG_LOAD && !p.cap_perfmon) {
		put(o, " Cause: CAP_BPF is present but tracing programs also need CAP_PERFMON "
		       "(networking ones CAP_NET_ADMIN). Fix: grant the missing capability.");
	} else if (lockdown[0] && loads_program(cmd)) {
		put(o, " Cause: kernel lockdown is active ([%s]). Under lockdown this kernel refuses "
		       "BPF trampoline programs (fentry, fexit, fmod_ret, lsm, freplace)%s; other "
		       "program types still load. Fix: use a tracepoint, raw tracepoint or uprobe "
		       "instead, or boot without lockdown (lockdown=none, Secure Boot off).",
		    lockdown,
		    strcmp(lockdown, "confidentiality") == 0
			    ? ", and helpers that read kernel memory are unavailable"
			    : "");
	} else {
		put(o, " Cause: the process is privileged, so a security policy refused it: a Linux "
		       "Security Module%s%s%s%s, or a seccomp filter%s.",
		    lsms[0] ? " (active: " : "", lsms, lsms[0] ? ")" : "",
		    lockdown[0] ? " or kernel lockdown" : "",
		    p.seccomp ? " (this process has one)" : "");
		if (!lockdown_known && loads_program(cmd))
			put(o, " If this is a BPF trampoline program (fentry, fexit, fmod_ret, lsm, "
			       "freplace), kernel lockdown is the likely cause; its state cannot be "
			       "read here (mount -t securityfs securityfs /sys/kernel/security, then "
			       "read /sys/kernel/security/lockdown).");
		put(o, " Fix: check the audit log (journalctl -k, /var/log/audit) for the denial.");
	}
	/* Before 5.11 BPF memory was charged to RLIMIT_MEMLOCK, not to the memory cgroup. */
	kver = em_kernel_version();
	if (kver && kver < (5u << 16 | 11u << 8))
		put(o, " On this kernel (%u.%u, before 5.11) a too low RLIMIT_MEMLOCK also gives "
		       "EPERM: raise it with setrlimit(RLIMIT_MEMLOCK) or ulimit -l unlimited.",
		    kver >> 16, kver >> 8 & 0xff);
}

static void explain(struct out *o, int err, int cmd, const char *log)
{
	switch (err) {
	case EPERM:
		explain_eperm(o, cmd);
		break;
	case E2BIG:
		put(o, "E2BIG: something is larger than this kernel accepts.");
		if (cmd == BPF_PROG_LOAD)
			put(o, " The program is too large for the verifier (more than 1000000 "
			       "instructions processed, or too many instructions): split it with "
			       "subprograms or tail calls, or bound its loops.");
		else if (cmd == BPF_MAP_CREATE)
			put(o, " The map's key, value or total size exceeds the kernel's limit.");
		else if (cmd == BPF_MAP_UPDATE_ELEM)
			put(o, " The map is full (max_entries reached).");
		put(o, " Also returned when the attr sets a field this kernel does not know "
		       "(a kernel older than the feature asked for).");
		put_verdict(o, log);
		break;
	case ENOSPC:
		if (cmd == BPF_PROG_TEST_RUN) {
			put(o, "ENOSPC: the data_out or ctx_out buffer is too small for the result.");
			break;
		}
		put(o, "ENOSPC: the verifier log did not fit in the log buffer (the kernel reports "
		       "the size it needs in log_true_size): retry with a larger buffer or a lower "
		       "log level; the program may also be too large to verify.");
		put_verdict(o, log);
		break;
	case EINVAL:
		put(o, "EINVAL: the kernel rejected an argument");
		if (log && verifier_verdict(log, &(size_t){ 0 })) {
			put(o, ": the verifier refused the program.");
			put_verdict(o, log);
		} else if (loads_program(cmd)) {
			put(o, ": an unknown program type or attach type for this kernel, a missing "
			       "expected_attach_type, a malformed instruction or BTF, or a map fd "
			       "that is not a map. Load with a log level to see the verifier's reason.");
		} else {
			put(o, " (a value out of range, a flag this kernel does not support, or an "
			       "fd of the wrong kind).");
		}
		break;
	case EACCES:
		if (log || cmd == BPF_PROG_LOAD) {
			put(o, "EACCES: the verifier rejected the program as unsafe.");
			put_verdict(o, log);
		} else {
			put(o, "EACCES: access denied: the file mode of a pinned path, or an object "
			       "opened read-only or write-only (BPF_F_RDONLY/BPF_F_WRONLY).");
		}
		break;
	case ENOENT:
		put(o, "ENOENT: not found: no element with that key, no next id, nothing pinned at "
		       "that path, or a kernel function, BTF type or tracepoint the program refers to "
		       "does not exist on this kernel.");
		put_verdict(o, log);
		break;
	case EBADF:
		put(o, "EBADF: a file descriptor in the request is not open, or is not the kind of "
		       "object the command expects (a map fd where a program fd belongs).");
		break;
	case EOPNOTSUPP:
	case EM_ENOTSUPP:
		put(o, "%s: this kernel does not support the operation for this map or program "
		       "type (not built in, or too old for the feature)%s.",
		    err == EOPNOTSUPP ? "EOPNOTSUPP" : "ENOTSUPP (524)",
		    err == EM_ENOTSUPP ? "; 524 is a kernel-internal code that leaked to user space"
				       : "");
		put_verdict(o, log);
		break;
	case EEXIST:
		put(o, "EEXIST: already there: an element with that key exists (BPF_NOEXIST), a "
		       "file exists at the pin path, or a program is already attached to the hook.");
		break;
	case EBUSY:
		put(o, "EBUSY: the hook or object is in use: a program is already attached (use a "
		       "link update or the replace flag), or the map is busy.");
		break;
	default: {
		char desc[128];

		put(o, "%s: %s.", em_errno_name(err), strerror_r(err, desc, sizeof(desc)));
		put_verdict(o, log);
		break;
	}
	}
}

EM_EXPORT int ebpfmini_log_explain(int err, int bpf_cmd, const char *verifier_log, char *buf,
				   size_t size)
{
	struct out o = { buf, size, 0 };

	if (!buf && size)
		return -EINVAL;
	if (size)
		buf[0] = '\0';
	if (err < 0)
		err = -err;
	explain(&o, err, bpf_cmd, verifier_log);
	return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}
