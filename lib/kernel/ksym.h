/* ksym.h - private API of kernel symbol lookup: vmlinux and module BTF (ksym.c, kernel/: L3') */
#ifndef EBPFMINI_KSYM_H
#define EBPFMINI_KSYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btf.h"
#include "core.h"
#include "kbtf.h" /* struct em_kbtf_query */

/* Longest module name the kernel gives (MODULE_NAME_LEN is 56), with its NUL. */
#define EM_KSYM_MODULE_MAX 64

/* A kernel module with BTF, as one load saw it. */
struct em_ksym_module {
	char name[EM_KSYM_MODULE_MAX];
	uint32_t btf_obj_id; /* the kernel's id of its BTF object */
	int fd;              /* BPF_BTF_GET_FD_BY_ID of it, kept while the context lives */
};

/*
 * What one load asks of the kernel: queries against vmlinux BTF (or the file
 * btf_path), then, for names vmlinux lacks and only without btf_path, module
 * BTF. Modules are listed once per context (BPF_BTF_GET_NEXT_ID and
 * BPF_OBJ_GET_INFO_BY_FD of each kernel BTF object; the BTF itself is read
 * from /sys/kernel/btf/<module> and kept for the process). The module BTF fds
 * are the context's: the load passes them to BPF_PROG_LOAD (attach_btf_obj_fd,
 * BPF_PSEUDO_BTF_ID's second imm, fd_array) and closes them with
 * em_ksym_ctx_release() once the programs are loaded.
 */
struct em_ksym_ctx {
	const char *btf_path; /* NULL: the running kernel */
	bool listed;          /* modules listed already */
	struct em_ksym_module *mods;
	size_t nmods;
};

/*
 * em_ksym_find() - answer every query whose id is 0: vmlinux first, then each
 * module. A name found nowhere keeps id 0 (not an error: the caller knows
 * whether the symbol was weak). Errors: reading vmlinux BTF (-ENOENT without
 * CONFIG_DEBUG_INFO_BTF, ...), -ENOMEM. A module whose BTF cannot be read is
 * skipped with a warning.
 */
int em_ksym_find(struct em_ksym_ctx *ctx, struct em_kbtf_query *q, size_t n);
/*
 * em_ksym_core_calc() - the CO-RE fixups of in against the kernel (or the BTF
 * file btf_path): vmlinux's types, and, for the relocations whose root type
 * vmlinux lacks (a type defined in a module), the BTF of the loaded modules,
 * listed into the context as for em_ksym_find(), as libbpf searches them. A
 * fixup whose target is a module's type names it (em_core_fixup.targ_name).
 * Errors: those of em_btf_vmlinux_core_calc(), -EINVAL (NULL arguments).
 */
int em_ksym_core_calc(struct em_ksym_ctx *ctx, const struct em_core_input *in,
		      struct em_core_fixups **out);
/* Close the module BTF fds the context opened; the context can be used again. */
void em_ksym_ctx_release(struct em_ksym_ctx *ctx);

#endif /* EBPFMINI_KSYM_H */
