/* kuprobe.h - private: kprobe and uprobe perf events through their PMU or tracefs dynamic events (L4 link) */
#ifndef EBPFMINI_KUPROBE_H
#define EBPFMINI_KUPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel.h"

struct ebpfmini_link;

/* What to probe. */
struct em_kuprobe_spec {
	enum em_kuprobe_kind kind;
	bool retprobe;
	const char *name;        /* kprobe: the kernel function; uprobe: the binary's path */
	uint64_t offset;         /* kprobe: bytes into the function; uprobe: the file offset */
	uint64_t ref_ctr_offset; /* uprobe: file offset of a semaphore to count, 0: none */
	int pid;                 /* > 0: only this process; 0: every process */
};

/* tracefs group of the dynamic events ebpfmini creates where there is no PMU */
#define EM_KUPROBE_GROUP "ebpfmini"

/*
 * em_kuprobe_attach() - open a perf event for spec and attach prog_fd to it:
 * through the kind's PMU (/sys/bus/event_source/devices/{kprobe,uprobe}),
 * or, where the PMU is absent, a dynamic event in tracefs
 * {kprobe,uprobe}_events (group EM_KUPROBE_GROUP) that the link's release
 * removes again. Logs failures with subject. target describes the link.
 * Errors: -EOPNOTSUPP (no PMU and no tracefs events file: EM_*_MISSING is
 * logged), -ENODEV (no PMU and tracefs not mounted), -EINVAL (a name the
 * tracefs syntax cannot carry), the errno of perf_event_open, of writing the
 * events file, or of em_link_attach_perf_event().
 */
int em_kuprobe_attach(int prog_fd, const struct em_kuprobe_spec *spec, uint64_t cookie,
		      const char *subject, const char *target, struct ebpfmini_link **out);

/* ---- pure parts (unit-tested) ---------------------------------------------------- */

/*
 * em_kuprobe_legacy_name() - a tracefs event name for spec that no other
 * probe of this or another process takes: "<p|r>_<name>_<offset>_<pid>_<n>"
 * with name the function (or the binary's base name) cut to 32 characters
 * and every character outside [A-Za-z0-9_] made '_'.
 * Errors: -ENAMETOOLONG (buf too small).
 */
int em_kuprobe_legacy_name(char *buf, size_t size, const struct em_kuprobe_spec *spec, int pid,
			   unsigned long n);

/*
 * em_kuprobe_legacy_line() - the line that adds event to {kprobe,uprobe}_events:
 * "p:ebpfmini/<event> <func>[+<off>]", "r:ebpfmini/<event> <func>",
 * "p:ebpfmini/<event> <path>:0x<off>[(0x<ref_ctr>)]", "r:...".
 * Errors: -EINVAL (an empty name or one with white space, an offset on a
 * kretprobe), -ENAMETOOLONG (buf too small).
 */
int em_kuprobe_legacy_line(char *buf, size_t size, const struct em_kuprobe_spec *spec,
			   const char *event);

/* ---- attach_kprobe.c: pure parts and the syscall prefix ------------------------------- */

/*
 * em_attach_kprobe_parse_target() - "fn", "fn+0x10" or "fn+16" into func (size
 * bytes) and *offset. Errors: -EINVAL (empty function, a bad number, a
 * character outside [A-Za-z0-9_.]), -ENAMETOOLONG.
 */
int em_attach_kprobe_parse_target(const char *target, char *func, size_t size, uint64_t *offset);

/*
 * em_attach_kprobe_syscall_prefix_pick() - the prefix of the kernel's syscall
 * entry functions, from the text of /proc/kallsyms: the first of preferred
 * (the build's architecture, may be NULL) and the known
 * "__<arch>_sys_" prefixes whose "<prefix>bpf" is a symbol there, else
 * "sys_" when "sys_bpf" is, else NULL. Returns a static string.
 */
const char *em_attach_kprobe_syscall_prefix_pick(const char *kallsyms, const char *preferred);

/*
 * em_attach_kprobe_syscall_prefix() - that prefix for the running kernel, looked up
 * once per process (/proc/kallsyms); when kallsyms cannot tell, the build's
 * architecture's wrapper prefix. Never NULL.
 * em_attach_kprobe_syscall_prefix_reset() forgets it (tests).
 */
const char *em_attach_kprobe_syscall_prefix(void);
void em_attach_kprobe_syscall_prefix_reset(void);

/* ---- attach_uprobe.c: pure parts ------------------------------------------------------ */

/*
 * em_attach_uprobe_parse_target() - "path:symbol", "path:symbol+off" or
 * "path:offset" (split at the last ':'): *path and *symbol malloc'd (symbol
 * NULL for a bare offset), *offset the number. Errors: -EINVAL (no ':',
 * empty path, empty symbol, bad number), -ENOMEM.
 */
int em_attach_uprobe_parse_target(const char *target, char **path, char **symbol, uint64_t *offset);

/*
 * em_attach_uprobe_find_binary() - binary as given when it holds a '/', else the
 * first existing <dir>/<binary>: for a name holding ".so", the directories
 * of LD_LIBRARY_PATH then the usual library directories; for any other
 * name, those of PATH. Errors: -ENOENT (found nowhere), -ENAMETOOLONG.
 */
int em_attach_uprobe_find_binary(const char *binary, char *buf, size_t size);

/*
 * em_attach_uprobe_symbol_offset() - the file offset of function symbol in the ELF
 * file path (executable or shared library). Errors: -ENOENT (no such file or
 * symbol), -ENOEXEC (not ELF), -EBADMSG (damaged), the errno of open/mmap.
 */
int em_attach_uprobe_symbol_offset(const char *path, const char *symbol, uint64_t *offset);

/*
 * em_attach_uprobe_open_elf() - map the file path read-only and parse it as ELF
 * into f (f->elf points into f->map); em_attach_uprobe_close_elf() undoes it
 * (also on a zeroed f). Errors: as em_attach_uprobe_symbol_offset().
 */
struct em_elf;
struct em_attach_uprobe_file {
	void *map;
	size_t size;
	struct em_elf *elf;
};
int em_attach_uprobe_open_elf(const char *path, struct em_attach_uprobe_file *f);
void em_attach_uprobe_close_elf(struct em_attach_uprobe_file *f);

/* ---- attach_usdt.c -------------------------------------------------------------------- */

/*
 * em_attach_usdt_parse_target() - "path:provider:name" (split at the last two
 * ':') into malloc'd *path, *provider, *name. Errors: -EINVAL (a part
 * missing or empty), -ENOMEM.
 */
int em_attach_usdt_parse_target(const char *target, char **path, char **provider, char **name);

/* ---- attach_multi.c: pure parts -------------------------------------------------------- */

/*
 * em_attach_multi_uprobe_target() - "path:pattern" (split at the first ':')
 * into malloc'd *path and *pattern. Errors: -EINVAL (no ':', an empty part), -ENOMEM.
 */
int em_attach_multi_uprobe_target(const char *target, char **path, char **pattern);

/*
 * em_attach_multi_elf_glob() - the distinct names of the functions (STT_FUNC,
 * STT_GNU_IFUNC) defined in .symtab and .dynsym of elf that match the
 * fnmatch(3) pattern glob, in a malloc'd array pointing into elf's data.
 * Errors: -ENOENT (none), -EBADMSG, -ENOMEM.
 */
int em_attach_multi_elf_glob(const struct em_elf *elf, const char *glob, const char ***names,
			     size_t *n);

#endif /* EBPFMINI_KUPROBE_H */
