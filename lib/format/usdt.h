/* usdt.h - USDT probes of an ELF file: .note.stapsdt notes and their argument specs (L1 format, pure) */
#ifndef EBPFMINI_USDT_H
#define EBPFMINI_USDT_H

#include <stddef.h>
#include <stdint.h>

#include "elf.h"

/*
 * The spec of one USDT location as the BPF side (include/ebpfmini/usdt.bpf.h)
 * reads it from its spec map: the two layouts are the same bytes.
 */
#define EM_USDT_MAX_ARGS 12
#define EM_USDT_SPEC_MAP "__bpf_usdt_specs"

enum em_usdt_arg_kind {
	EM_USDT_ARG_CONST,     /* the value is val_off */
	EM_USDT_ARG_REG,       /* the register at reg_off of struct pt_regs */
	EM_USDT_ARG_REG_DEREF, /* memory at that register + val_off (user space) */
};

struct em_usdt_arg {
	uint64_t val_off;
	uint32_t kind;     /* enum em_usdt_arg_kind */
	int16_t reg_off;   /* byte offset of the register in struct pt_regs */
	uint8_t is_signed; /* sign-extend from size bytes */
	int8_t bitshift;   /* 64 - 8 * size: the value is (x << bitshift) >> bitshift */
};

struct em_usdt_spec {
	struct em_usdt_arg args[EM_USDT_MAX_ARGS];
	uint64_t cookie;  /* bpf_usdt_cookie() */
	int16_t arg_cnt;
	uint16_t in_use;  /* the loader's mark: an attachment holds this slot */
};

/* One note of .note.stapsdt; strings point into the ELF buffer. */
struct em_usdt_note {
	const char *provider, *name, *args;
	uint64_t loc, base, sema; /* the note's addresses: probe, .stapsdt.base, semaphore (0: none) */
};

/*
 * em_usdt_note_next() - decode the note at *pos of a .note.stapsdt section's
 * bytes (data, size) and advance *pos past it; notes of other types are
 * skipped. Return: 1 with *out filled, 0 at the end, -EBADMSG for a note that
 * runs past the section or whose strings are not NUL-terminated inside it.
 */
int em_usdt_note_next(const uint8_t *data, size_t size, size_t *pos, struct em_usdt_note *out);

/*
 * em_usdt_parse_args() - the x86-64 argument string of a note ("-4@%edi
 * 8@-8(%rbp) 4@$5") into spec->args and spec->arg_cnt. Logs what it cannot
 * take with subject. Errors: -EINVAL (bad syntax, an unknown register, a
 * size other than 1, 2, 4, 8, more than EM_USDT_MAX_ARGS arguments, index
 * or %rip-relative operands).
 */
int em_usdt_parse_args(const char *args, struct em_usdt_spec *spec, const char *subject);

/* One probe location, ready for a uprobe. */
struct em_usdt_loc {
	uint64_t offset;      /* file offset of the probe instruction */
	uint64_t sema_offset; /* file offset of the semaphore, 0: none */
	const char *args;     /* the argument string (into the ELF buffer) */
};

/*
 * em_usdt_find() - every location of provider:name in elf, its addresses
 * moved by the difference between the .stapsdt.base section's address and
 * the note's base (prelink) and turned into file offsets; *locs malloc'd
 * (NULL when *n is 0). Logs with subject. Errors: -ENOENT (no
 * .note.stapsdt, or no such probe), -ENOEXEC (not x86-64), -EBADMSG (a damaged
 * note, an address outside the file's segments), -ENOMEM.
 */
int em_usdt_find(const struct em_elf *elf, const char *provider, const char *name,
		 struct em_usdt_loc **locs, size_t *n, const char *subject);

#endif /* EBPFMINI_USDT_H */
