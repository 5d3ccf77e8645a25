/* kbtf.h - private API of the running kernel's BTF: vmlinux and module BTF, looked up by name (btf_vmlinux.c; L3' kernel) */
#ifndef EBPFMINI_KBTF_H
#define EBPFMINI_KBTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btf.h"
#include "core.h"

/*
 * em_btf_vmlinux_get() - the running kernel's BTF, parsed once and kept for
 * the life of the process (a second call returns the same pointer; callers
 * must not free it). path_override, when not NULL, names a BTF file to use
 * instead of /sys/kernel/btf/vmlinux: raw BTF, or an ELF file with a .BTF
 * section (cached per path as well). The file is mapped with mmap where the
 * kernel allows it and read otherwise. Thread-safe.
 * Errors: -ENOENT (no such file: a kernel without CONFIG_DEBUG_INFO_BTF),
 * -EBADMSG (malformed), -E2BIG (file over 1 GiB), -ENOMEM, or the errno of open/read.
 */
int em_btf_vmlinux_get(const char *path_override, const struct ebpfmini_btf **out);

/*
 * em_btf_vmlinux_get_core() - em_btf_vmlinux_get() for a load with CO-RE
 * relocations in: when this call reads the kernel's own BTF, the parse's walk
 * over its records also finds the CO-RE candidates of in's root names (one
 * pass over the ~130,000 records instead of two), and em_btf_vmlinux_core_calc()
 * then finds them known. Same errors, and -EINVAL for a NULL in.
 */
int em_btf_vmlinux_get_core(const struct em_core_input *in, const char *path_override,
			    const struct ebpfmini_btf **out);

/*
 * em_btf_vmlinux_module_get() - BTF of a kernel module (/sys/kernel/btf/<module>),
 * parsed as split BTF on top of the vmlinux BTF and kept for the life of the
 * process. Same errors; -EINVAL for a name that is empty or holds '/'.
 */
int em_btf_vmlinux_module_get(const char *module, const struct ebpfmini_btf **out);

/*
 * em_btf_vmlinux_core_calc() - what the loader calls: em_core_calc() of in
 * against the kernel BTF (or the BTF file btf_path when not NULL), sharing
 * one process-wide candidate index per target BTF (under a lock) so a second
 * object asking for the same names pays no search. Returns what
 * em_core_calc() returns, or an error of em_btf_vmlinux_get() (logged).
 * Input without CO-RE records gives an empty list without reading kernel BTF.
 */
int em_btf_vmlinux_core_calc(const struct em_core_input *in, const char *btf_path,
			     struct em_core_fixups **out);

/*
 * em_btf_vmlinux_core_unmatched() - em_core_unmatched() of in against the
 * running kernel's vmlinux BTF (through the shared index): how many CO-RE
 * records find no candidate there, for which the loader searches modules.
 * Errors: those of em_btf_vmlinux_get(), -EINVAL, -ENOMEM.
 */
int em_btf_vmlinux_core_unmatched(const struct em_core_input *in);

/*
 * em_btf_vmlinux_core_calc_modules() - em_btf_vmlinux_core_calc() against the
 * running kernel with its modules: em_core_calc_targets() over vmlinux and
 * the split BTF of each module named in modules (/sys/kernel/btf/<name>,
 * read once per process like vmlinux's, each with its own shared index),
 * searched only for relocations vmlinux has no candidate for. A fixup whose
 * target lies in a module names it (em_core_fixup.targ_name, valid for the
 * process). A module whose BTF cannot be read is warned about and left out.
 * Errors: as em_btf_vmlinux_core_calc(); -EINVAL (NULL modules with n).
 */
int em_btf_vmlinux_core_calc_modules(const struct em_core_input *in, const char *const *modules,
				     size_t n, struct em_core_fixups **out);

/*
 * A name to look up in kernel BTF, and the answer: the one query struct of
 * em_btf_vmlinux_find(), em_btf_vmlinux_module_find() and em_ksym_find().
 */
struct em_kbtf_query {
	const char *name; /* the name; a "___flavor" suffix is ignored (kfunc/ksym flavors) */
	int kind;         /* BTF_KIND_FUNC, BTF_KIND_VAR, BTF_KIND_TYPEDEF, ... */
	/* answer: id 0 while not found */
	uint32_t id;                    /* type id of that exact name and kind */
	const struct ebpfmini_btf *btf; /* the BTF holding id: vmlinux's, or a module's split BTF */
	/* set by em_ksym_find() only */
	int btf_fd;         /* the module's BTF fd (owned by the ksym context), 0 for vmlinux */
	const char *module; /* the module's name, "vmlinux" for vmlinux; NULL while not found */
};

/*
 * em_btf_vmlinux_find() - answer every query whose id is still 0 from the
 * kernel BTF (or the BTF file btf_path), through the same process-wide index
 * as CO-RE: one pass over the kernel's types for names never asked before,
 * nothing for names asked already. A name that is not there keeps id 0.
 * When several types of that name and kind exist, the lowest id wins.
 * Errors: those of em_btf_vmlinux_get(), -EINVAL (NULL q with n), -ENOMEM.
 */
int em_btf_vmlinux_find(const char *btf_path, struct em_kbtf_query *q, size_t n);
/* em_btf_vmlinux_module_find() - the same against module's split BTF
 * (/sys/kernel/btf/<module>). Errors: those of em_btf_vmlinux_module_get(). */
int em_btf_vmlinux_module_find(const char *module, struct em_kbtf_query *q, size_t n);

/* ---- btf_prog.c: the BTF of a loaded BPF program ---------------------------------------- */

/*
 * em_btf_prog_read_btf() - the raw bytes of the kernel's BTF object btf_id
 * (BPF_BTF_GET_FD_BY_ID, then BPF_OBJ_GET_INFO_BY_FD twice: its size, its
 * bytes) into *data (malloc'd, the caller frees) and *size. Not logged.
 * Errors: the kernel's (-ENOENT no such id), -EBADMSG (an empty or oversized
 * BTF), -EAGAIN (the size changed between the calls), -ENOMEM.
 */
int em_btf_prog_read_btf(uint32_t btf_id, void **data, size_t *size);

/*
 * em_btf_prog_func() - pure: the BTF id of the function func among the n
 * functions of a program (func_ids: the type ids of its func_info records in
 * btf). With global_only (freplace), a static function is refused. Logged
 * with subject ("prog 'x': attach target 'f'"), naming the functions the
 * program has. Return: the id (> 0), -ENOENT (no such function in the
 * program), -EINVAL (static while global_only).
 */
int em_btf_prog_func(const struct ebpfmini_btf *btf, const uint32_t *func_ids, uint32_t n,
		      const char *func, bool global_only, const char *subject);

/*
 * em_btf_prog_find() - the BTF id of function func of the loaded program
 * prog_fd, read from the kernel: the program's info (its BTF id and
 * func_info), its BTF parsed with the library's parser, then
 * em_btf_prog_func(). Logged with subject. Errors: the kernel's (reading
 * the info or the BTF), -EINVAL (the target has no BTF; a static function
 * while global_only), -ENOENT (no function func), -EBADMSG (malformed BTF or
 * info), -ENOMEM.
 */
int em_btf_prog_find(int prog_fd, const char *func, bool global_only, const char *subject,
		      uint32_t *btf_id);

#endif /* EBPFMINI_KBTF_H */
