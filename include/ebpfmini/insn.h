/* ebpfmini/insn.h - eBPF instructions as text, in the kernel verifier's syntax */
#ifndef EBPFMINI_INSN_H
#define EBPFMINI_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct ebpfmini_insn_fmt_opts - how ebpfmini_insn_format() and
 * ebpfmini_insn_dump() write instructions.
 * @sz:     sizeof(struct ebpfmini_insn_fmt_opts)
 * @opcode: write the opcode byte in hex before each instruction, "(b7) r0 = 0",
 *          as the verifier log does
 * @name:   names what the instruction at idx refers to: writes the name into
 *          buf (size bytes) and returns buf, or returns NULL for the default.
 *          Asked for calls (the helper, kfunc or subprogram called) and for
 *          ld_imm64 (the whole value: "map[events]", "map[id:5][0]+16").
 * @label:  ebpfmini_insn_dump() only: the name of a function that starts at
 *          idx (a line "name:" precedes it), or NULL
 * @ctx:    passed to name and label
 */
struct ebpfmini_insn_fmt_opts {
	size_t sz;
	bool opcode;
	const char *(*name)(void *ctx, const void *insns, size_t cnt, size_t idx, char *buf,
			    size_t size);
	const char *(*label)(void *ctx, size_t idx);
	void *ctx;
};

/**
 * ebpfmini_insn_format() - write instruction idx of insns (cnt struct bpf_insn)
 * as one line of text without a newline, in the syntax of the kernel's
 * verifier log and of bpftool's xlated dump: `r0 = *(u32 *)(r1 +4)`,
 * `if r1 > 0x10 goto pc+3`, `w2 s/= w3`, `r1 = (s8)r2`, `r1 = be16 r1`,
 * `r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)`, `call bpf_map_lookup_elem#1`,
 * `call pc+5`, `may_goto pc+2`, `gotol pc-100`,
 * `r1 = addr_space_cast(r2, 0, 1)`. Every instruction class of the ISA is
 * covered (ALU, ALU64, JMP, JMP32, LD, LDX, ST, STX with every atomic); an
 * opcode the ISA does not define gives "unknown opcode 0xNN". Without a name
 * from opts, helpers are named from the built-in table (Linux 6.18's),
 * kfunc calls "kernel-function#imm", and ld_imm64 values as bpftool writes
 * a kernel program's: `map[id:5]`, `map[id:5][0]+16`, `map[idx:1]+8`,
 * `subprog[+12]`, `btf_id[123]`, or the 64-bit value in hex.
 * The text is truncated to size - 1 bytes and always NUL-terminated when
 * size > 0. Pure: no I/O.
 * Return: the number of instructions this one takes (1, or 2 for an
 * ld_imm64), -EINVAL (NULL insns, NULL buf with size, idx >= cnt, bad opts
 * sz), -EBADMSG (an ld_imm64 whose second half is missing or not a second
 * half; buf says so).
 */
int ebpfmini_insn_format(const void *insns, size_t cnt, size_t idx, char *buf, size_t size,
			 const struct ebpfmini_insn_fmt_opts *opts);

/**
 * ebpfmini_insn_dump() - every instruction of insns (cnt struct bpf_insn), one
 * line each, "%4u: text\n" (the index as bpftool and the verifier print it),
 * preceded by "name:\n" where opts->label names a function, into a new
 * NUL-terminated string *text that the caller frees with free().
 * A malformed ld_imm64 gives a line saying so and the dump goes on.
 * Return: the length of *text, -EINVAL (NULL insns with cnt, NULL text, bad
 * opts sz), -ENOMEM; *text is NULL on error.
 */
int ebpfmini_insn_dump(const void *insns, size_t cnt, const struct ebpfmini_insn_fmt_opts *opts,
		       char **text);

#ifdef __cplusplus
}
#endif

#endif /* EBPFMINI_INSN_H */
