/* kernel.h - private API of small facts about the running kernel, read from procfs and sysfs through sys/ (L3' kernel) */
#ifndef EBPFMINI_KERNEL_H
#define EBPFMINI_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- release.c: the kernel release ---------------------------------------------- */

/*
 * em_kernel_release() - the running kernel's release ("6.18.44-cloud-amd64"),
 * from uname(2) through sys/, asked once per process and kept. "" when uname
 * fails (asked again at the next call). Never NULL. Thread-safe.
 */
const char *em_kernel_release(void);
/* em_kernel_version() - KERNEL_VERSION(a, b, c) of em_kernel_release(), 0 when unknown. */
uint32_t em_kernel_version(void);
/* Pure: KERNEL_VERSION(a, b, c) of a release string "6.18.44-xyz" (c capped at 255), 0 when
 * unparsable. */
uint32_t em_kernel_version_code(const char *release);
/* Forget the kept release (tests that script uname). */
void em_kernel_release_reset(void);
/*
 * em_kernel_config() - the kernel config text (malloc'd, NUL-terminated, in
 * *text), read from path, or when path is NULL from /proc/config.gz, else
 * /boot/config-$(uname -r); gzip is inflated. src (size bytes) names the file
 * read, or after a failure without path the files tried. Return: 0, or the
 * errno of reading (-ENOENT ...) or of inflating (logged as a warning).
 */
int em_kernel_config(const char *path, char **text, char *src, size_t size);

/* ---- cpus.c: the CPU lists of /sys/devices/system/cpu ----------------------------------- */

/* CPU numbers are below this (the kernel's NR_CPUS is at most 8192 today). */
#define EM_CPUS_MAX 65536

/*
 * em_cpus_parse() - pure: a CPU list as sysfs writes it ("0-3,8\n": ranges and
 * numbers separated by commas) into a malloc'd array of the CPU numbers,
 * ascending, each once. Errors: -EBADMSG (NULL, empty or malformed text, a
 * number of EM_CPUS_MAX or more), -EINVAL (NULL cpus or n), -ENOMEM.
 */
int em_cpus_parse(const char *text, int **cpus, size_t *n);

/*
 * em_cpus_possible() - the number of possible CPUs as per-CPU map values and
 * perf event arrays count them: the highest possible CPU + 1. Read once per
 * process (the possible set is fixed at boot); a failure is logged.
 * Errors: those of em_cpus_parse() and of reading the file.
 */
int em_cpus_possible(void);

/*
 * em_cpus_online() - the online CPUs, ascending, into a malloc'd array. Read
 * afresh at every call: CPUs go on and off line. Errors: those of
 * em_cpus_parse() and of reading the file (not logged).
 */
int em_cpus_online(int **cpus, size_t *n);

/* ---- kallsyms.c: /proc/kallsyms ----------------------------------------------------- */

#define EM_KALLSYMS "/proc/kallsyms"

/* One symbol name to look up, and the answer. */
struct em_kallsyms_query {
	const char *name;
	uint64_t addr; /* out: its address; 0 when absent, or when addresses are hidden */
	bool found;    /* out: the name is listed (names show even when addresses are hidden) */
};

/*
 * em_kallsyms_parse() - pure: answer n queries from text in the format of
 * /proc/kallsyms ("<hex address> <type> <name>[\t[module]]" per line; other
 * lines are skipped). *hidden (may be NULL) becomes true when the text lists
 * symbols but every address is 0: kernel.kptr_restrict hides them from this
 * reader, and a found name's addr 0 then means "hidden", not "absent".
 * Errors: -EINVAL (NULL text, or q NULL with n; or a name listed with two
 * different addresses: *ambiguous (may be NULL) gets its index, SIZE_MAX
 * otherwise).
 */
int em_kallsyms_parse(const char *text, struct em_kallsyms_query *q, size_t n, bool *hidden,
		      size_t *ambiguous);

/* em_kallsyms_read() - the text of /proc/kallsyms, malloc'd, NUL-terminated (read
 * through sys/, so tests can serve it). Errors: the errno of reading it. */
int em_kallsyms_read(char **text);

/*
 * em_kallsyms_lookup() - em_kallsyms_parse() on /proc/kallsyms, read afresh.
 * Nothing is logged: the caller says which name it wanted and why. Errors:
 * those of the parse and of em_kallsyms_read().
 */
int em_kallsyms_lookup(struct em_kallsyms_query *q, size_t n, bool *hidden, size_t *ambiguous);

/*
 * em_kallsyms_glob() - pure: the distinct function names in text that match
 * the fnmatch(3) pattern glob, sorted, in a malloc'd array *names (*n of
 * them) whose strings point into text, which is cut at each name's end. text
 * is tracefs available_filter_functions ("<name>[ [module]]" per line) or,
 * with kallsyms true, /proc/kallsyms (its text symbols, types 't' and 'T').
 * Errors: -ENOENT (no name matches), -ENOMEM.
 */
int em_kallsyms_glob(char *text, bool kallsyms, const char *glob, const char ***names, size_t *n);

/* ---- lockdown.c: kernel lockdown ------------------------------------------------------ */

#define EM_LOCKDOWN_FILE "/sys/kernel/security/lockdown"

/*
 * em_lockdown_parse() - pure: the bracketed word of the lockdown file's text
 * ("none [integrity] confidentiality\n" gives "integrity") into mode (size
 * bytes). Errors: -EBADMSG (NULL text, no bracketed word, or one that does
 * not fit), -EINVAL (NULL mode or size 0).
 */
int em_lockdown_parse(const char *text, char *mode, size_t size);

/*
 * em_lockdown_mode() - the mode of the running kernel ("none", "integrity",
 * "confidentiality"), read afresh at each call (lockdown can be raised at run
 * time); mode is "" on failure. Errors: -ENOENT (securityfs not mounted, or
 * no lockdown LSM: the mode cannot be known), other errnos of reading the
 * file, and those of em_lockdown_parse(). Not logged.
 */
int em_lockdown_mode(char *mode, size_t size);

#define EM_LSM_FILE "/sys/kernel/security/lsm"

/*
 * em_lockdown_lsm_list() - the active LSMs in their order, comma-separated as
 * securityfs lists them ("lockdown,capability,bpf"), into list (size bytes),
 * read afresh. Errors: -ENOENT (securityfs not mounted), other errnos of
 * reading the file, -E2BIG (does not fit), -EINVAL. Not logged.
 */
int em_lockdown_lsm_list(char *list, size_t size);
/* Pure: whether name is one of the comma-separated list (may be NULL). */
bool em_lockdown_lsm_has(const char *list, const char *name);

/* ---- filesystems the library checks: statfs f_type (include/uapi/linux/magic.h) ----- */

#define EM_BPF_FS_MAGIC 0xcafe4a11L
#define EM_TRACEFS_MAGIC 0x74726163L
#define EM_CGROUP2_SUPER_MAGIC 0x63677270L

/* ---- pmu.c: the kprobe and uprobe PMUs ----------------------------------------------- */

#define EM_PMU_DIR "/sys/bus/event_source/devices/"

/* What the log and the feature probes say when a kernel lacks the hook. */
#define EM_KPROBES_MISSING                                                                         \
	"kprobes are not available: this kernel was built without CONFIG_KPROBES (no kprobe PMU, " \
	"no tracefs kprobe_events)"
#define EM_UPROBES_MISSING                                                                         \
	"uprobes are not available: this kernel was built without CONFIG_UPROBE_EVENTS (no "       \
	"uprobe PMU, no tracefs uprobe_events)"

enum em_kuprobe_kind {
	EM_KUPROBE_KPROBE,
	EM_KUPROBE_UPROBE,
};

/*
 * em_pmu_kuprobe() - the perf event type of the kind's PMU and the config bit
 * that makes a return probe (from its format/retprobe file; 0 when that
 * file is missing). Errors: -ENOENT (no such PMU), -EBADMSG (unparsable
 * files), the errno of reading them.
 */
int em_pmu_kuprobe(enum em_kuprobe_kind kind, uint32_t *type, unsigned *retprobe_bit);

/* "config:N" (a PMU format file) into *bit. Errors: -EBADMSG. */
int em_pmu_parse_format_bit(const char *text, unsigned *bit);

#endif /* EBPFMINI_KERNEL_H */
