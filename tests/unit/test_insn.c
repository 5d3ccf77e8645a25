/* test_insn.c - unit tests of the disassembler (lib/format/insn.c): every instruction class,
 * including what clang 14 does not emit (test_insn_objdump.py covers what it does) */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ebpfmini/insn.h"
#include "uapi_compat.h"

#define I(c, d, s, o, i)                                                                           \
	{                                                                                          \
		.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)                \
	}

struct tcase {
	struct bpf_insn insn[2];
	const char *want;
};

static const struct tcase cases[] = {
	/* ALU64 and ALU, K and X */
	{ { I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0) }, "r0 = 0" },
	{ { I(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -4) }, "r2 += -4" },
	{ { I(BPF_ALU | BPF_SUB | BPF_X, 1, 2, 0, 0) }, "w1 -= w2" },
	{ { I(BPF_ALU64 | BPF_MUL | BPF_X, 1, 2, 0, 0) }, "r1 *= r2" },
	{ { I(BPF_ALU64 | BPF_DIV | BPF_X, 1, 2, 0, 0) }, "r1 /= r2" },
	{ { I(BPF_ALU64 | BPF_DIV | BPF_X, 1, 2, 1, 0) }, "r1 s/= r2" },
	{ { I(BPF_ALU | BPF_DIV | BPF_K, 1, 0, 1, 7) }, "w1 s/= 7" },
	{ { I(BPF_ALU64 | BPF_MOD | BPF_K, 3, 0, 1, -3) }, "r3 s%= -3" },
	{ { I(BPF_ALU | BPF_MOD | BPF_X, 3, 4, 0, 0) }, "w3 %= w4" },
	{ { I(BPF_ALU64 | BPF_OR | BPF_K, 1, 0, 0, 8) }, "r1 |= 8" },
	{ { I(BPF_ALU64 | BPF_AND | BPF_K, 1, 0, 0, 65535) }, "r1 &= 65535" },
	{ { I(BPF_ALU64 | BPF_LSH | BPF_K, 1, 0, 0, 32) }, "r1 <<= 32" },
	{ { I(BPF_ALU64 | BPF_RSH | BPF_K, 1, 0, 0, 32) }, "r1 >>= 32" },
	{ { I(BPF_ALU64 | BPF_ARSH | BPF_K, 1, 0, 0, 32) }, "r1 s>>= 32" },
	{ { I(BPF_ALU | BPF_XOR | BPF_X, 1, 1, 0, 0) }, "w1 ^= w1" },
	{ { I(BPF_ALU64 | BPF_NEG, 5, 0, 0, 0) }, "r5 = -r5" },
	{ { I(BPF_ALU | BPF_NEG, 5, 0, 0, 0) }, "w5 = -w5" },
	{ { I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 10, 0, 0) }, "r1 = r10" },
	{ { I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, 8, 0) }, "r1 = (s8)r2" },
	{ { I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, 16, 0) }, "r1 = (s16)r2" },
	{ { I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, 32, 0) }, "r1 = (s32)r2" },
	{ { I(BPF_ALU | BPF_MOV | BPF_X, 1, 2, 8, 0) }, "w1 = (s8)w2" },
	{ { I(BPF_ALU | BPF_MOV | BPF_K, 1, 0, 0, -1) }, "w1 = -1" },
	{ { I(BPF_ALU | BPF_END | BPF_TO_BE, 1, 0, 0, 16) }, "r1 = be16 r1" },
	{ { I(BPF_ALU | BPF_END | BPF_TO_LE, 1, 0, 0, 64) }, "r1 = le64 r1" },
	{ { I(BPF_ALU64 | BPF_END | BPF_TO_LE, 1, 0, 0, 32) }, "r1 = bswap32 r1" },
	{ { I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, EM_BPF_ADDR_SPACE_CAST, 1) },
	  "r1 = addr_space_cast(r2, 0, 1)" },
	{ { I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 2, EM_BPF_ADDR_SPACE_CAST, 1 << 16) },
	  "r1 = addr_space_cast(r2, 1, 0)" },
	{ { I(BPF_ALU64 | BPF_MOV | BPF_X, 0, 0, EM_BPF_ADDR_PERCPU, 0) },
	  "r0 = &(void __percpu *)(r0)" },
	/* JMP and JMP32 */
	{ { I(BPF_JMP | BPF_JA, 0, 0, 3, 0) }, "goto pc+3" },
	{ { I(BPF_JMP | BPF_JA, 0, 0, -7, 0) }, "goto pc-7" },
	{ { I(BPF_JMP32 | BPF_JA, 0, 0, 0, -100) }, "gotol pc-100" },
	{ { I(BPF_JMP | EM_BPF_JCOND, 0, EM_BPF_MAY_GOTO, 2, 0) }, "may_goto pc+2" },
	{ { I(BPF_JMP | BPF_JGT | BPF_K, 1, 0, 3, 16) }, "if r1 > 0x10 goto pc+3" },
	{ { I(BPF_JMP | BPF_JSGT | BPF_K, 1, 0, 3, -1) }, "if r1 s> 0xffffffff goto pc+3" },
	{ { I(BPF_JMP | BPF_JNE | BPF_X, 1, 2, -3, 0) }, "if r1 != r2 goto pc-3" },
	{ { I(BPF_JMP32 | BPF_JLT | BPF_K, 1, 0, 1, 5) }, "if w1 < 0x5 goto pc+1" },
	{ { I(BPF_JMP32 | BPF_JSLE | BPF_X, 1, 2, 1, 0) }, "if w1 s<= w2 goto pc+1" },
	{ { I(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 1, 4) }, "if r1 & 0x4 goto pc+1" },
	{ { I(BPF_JMP | BPF_JGE | BPF_X, 1, 2, 1, 0) }, "if r1 >= r2 goto pc+1" },
	{ { I(BPF_JMP | BPF_JLE | BPF_K, 1, 0, 1, 4) }, "if r1 <= 0x4 goto pc+1" },
	{ { I(BPF_JMP | BPF_JSGE | BPF_K, 1, 0, 1, 4) }, "if r1 s>= 0x4 goto pc+1" },
	{ { I(BPF_JMP | BPF_JSLT | BPF_K, 1, 0, 1, 4) }, "if r1 s< 0x4 goto pc+1" },
	{ { I(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1, 4) }, "if r1 == 0x4 goto pc+1" },
	{ { I(BPF_JMP | BPF_CALL, 0, 0, 0, 1) }, "call bpf_map_lookup_elem#1" },
	{ { I(BPF_JMP | BPF_CALL, 0, 0, 0, 211) }, "call bpf_cgrp_storage_delete#211" },
	{ { I(BPF_JMP | BPF_CALL, 0, 0, 0, 5000) }, "call unknown#5000" },
	{ { I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 5) }, "call pc+5" },
	{ { I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 7, 1) }, "call pc+7" },
	{ { I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, 1234) },
	  "call kernel-function#1234" },
	{ { I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0) }, "exit" },
	/* loads and stores */
	{ { I(BPF_LDX | BPF_MEM | BPF_W, 0, 1, 4, 0) }, "r0 = *(u32 *)(r1 +4)" },
	{ { I(BPF_LDX | BPF_MEM | BPF_DW, 0, 10, -8, 0) }, "r0 = *(u64 *)(r10 -8)" },
	{ { I(BPF_LDX | EM_BPF_MEMSX | BPF_B, 0, 1, 0, 0) }, "r0 = *(s8 *)(r1 +0)" },
	{ { I(BPF_LDX | EM_BPF_MEMSX | BPF_H, 0, 1, 2, 0) }, "r0 = *(s16 *)(r1 +2)" },
	{ { I(BPF_LDX | EM_BPF_MEMSX | BPF_W, 0, 1, 4, 0) }, "r0 = *(s32 *)(r1 +4)" },
	{ { I(BPF_ST | BPF_MEM | BPF_H, 10, 0, -2, -5) }, "*(u16 *)(r10 -2) = -5" },
	{ { I(BPF_STX | BPF_MEM | BPF_B, 10, 3, -1, 0) }, "*(u8 *)(r10 -1) = r3" },
	{ { I(BPF_ST | EM_BPF_NOSPEC, 0, 0, 0, 0) }, "nospec" },
	{ { I(BPF_LD | BPF_ABS | BPF_H, 0, 0, 0, 12) }, "r0 = *(u16 *)skb[12]" },
	{ { I(BPF_LD | BPF_IND | BPF_B, 0, 6, 0, 14) }, "r0 = *(u8 *)skb[r6 + 14]" },
	/* atomics */
	{ { I(BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, 0, BPF_ADD) }, "lock *(u32 *)(r1 +0) += r2" },
	{ { I(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 8, BPF_OR) }, "lock *(u64 *)(r1 +8) |= r2" },
	{ { I(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_AND) }, "lock *(u64 *)(r1 +0) &= r2" },
	{ { I(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_XOR) }, "lock *(u64 *)(r1 +0) ^= r2" },
	{ { I(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_ADD | BPF_FETCH) },
	  "r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)" },
	{ { I(BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, -4, BPF_AND | BPF_FETCH) },
	  "r2 = atomic_fetch_and((u32 *)(r1 -4), r2)" },
	{ { I(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_OR | BPF_FETCH) },
	  "r2 = atomic64_fetch_or((u64 *)(r1 +0), r2)" },
	{ { I(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_XOR | BPF_FETCH) },
	  "r2 = atomic64_fetch_xor((u64 *)(r1 +0), r2)" },
	{ { I(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_XCHG) },
	  "r2 = atomic64_xchg((u64 *)(r1 +0), r2)" },
	{ { I(BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, 0, BPF_CMPXCHG) },
	  "r0 = atomic_cmpxchg((u32 *)(r1 +0), r0, r2)" },
	{ { I(BPF_STX | BPF_ATOMIC | BPF_B, 0, 1, 0, EM_BPF_LOAD_ACQ) },
	  "r0 = load_acquire((u8 *)(r1 +0))" },
	{ { I(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 16, EM_BPF_STORE_REL) },
	  "store_release((u64 *)(r1 +16), r2)" },
	/* ld_imm64 and its pseudo sources */
	{ { I(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, -1), I(0, 0, 0, 0, 0x12) }, "r1 = 0x12ffffffff" },
	{ { I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 5), I(0, 0, 0, 0, 0) },
	  "r1 = map[id:5]" },
	{ { I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_VALUE, 0, 5), I(0, 0, 0, 0, 16) },
	  "r1 = map[id:5][0]+16" },
	{ { I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_IDX, 0, 2), I(0, 0, 0, 0, 0) },
	  "r1 = map[idx:2]" },
	{ { I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_IDX_VALUE, 0, 2), I(0, 0, 0, 0, 8) },
	  "r1 = map[idx:2]+8" },
	{ { I(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_FUNC, 0, 12), I(0, 0, 0, 0, 0) },
	  "r2 = subprog[+12]" },
	{ { I(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_BTF_ID, 0, 123), I(0, 0, 0, 0, 0) },
	  "r2 = btf_id[123]" },
	/* not instructions */
	{ { I(BPF_ALU64 | 0xe0 | BPF_K, 1, 0, 0, 0) }, "unknown opcode 0xe7" },
	{ { I(BPF_JMP32 | BPF_CALL, 0, 0, 0, 1) }, "unknown opcode 0x86" },
	{ { I(BPF_JMP32 | BPF_EXIT, 0, 0, 0, 0) }, "unknown opcode 0x96" },
	{ { I(BPF_STX | BPF_ATOMIC | BPF_B, 1, 2, 0, BPF_ADD) }, "unknown opcode 0xd3" },
	{ { I(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, 0x20) }, "unknown opcode 0xdb" },
	{ { I(BPF_LDX | EM_BPF_MEMSX | BPF_DW, 0, 1, 0, 0) }, "unknown opcode 0x99" },
	{ { I(BPF_LD | BPF_ABS | BPF_DW, 0, 0, 0, 0) }, "unknown opcode 0x38" },
	{ { I(BPF_LD | BPF_IMM | BPF_W, 0, 0, 0, 0) }, "unknown opcode 0x00" },
};

static void test_every_class(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		bool wide = c->insn[0].code == (BPF_LD | BPF_IMM | BPF_DW);
		char buf[128];
		int n = ebpfmini_insn_format(c->insn, wide ? 2 : 1, 0, buf, sizeof(buf), NULL);

		if (strcmp(buf, c->want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, buf, c->want);
		assert_int_equal(n, wide ? 2 : 1);
	}
}

static void test_opcode_and_errors(void **state)
{
	struct bpf_insn ld[2] = { I(BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 7),
				  I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0) };
	struct ebpfmini_insn_fmt_opts opts = { .sz = sizeof(opts), .opcode = true };
	char buf[64];

	(void)state;
	assert_int_equal(ebpfmini_insn_format(ld, 2, 1, buf, sizeof(buf), &opts), 1);
	assert_string_equal(buf, "(95) exit");
	/* an ld_imm64 without its second half: as the last instruction, or before another */
	assert_int_equal(ebpfmini_insn_format(ld, 1, 0, buf, sizeof(buf), NULL), -EBADMSG);
	assert_non_null(strstr(buf, "second half"));
	assert_int_equal(ebpfmini_insn_format(ld, 2, 0, buf, sizeof(buf), NULL), -EBADMSG);
	assert_int_equal(ebpfmini_insn_format(ld, 2, 2, buf, sizeof(buf), NULL), -EINVAL);
	assert_int_equal(ebpfmini_insn_format(NULL, 2, 0, buf, sizeof(buf), NULL), -EINVAL);
	assert_int_equal(ebpfmini_insn_format(ld, 2, 1, NULL, 4, NULL), -EINVAL);
	opts.sz = 1;
	assert_int_equal(ebpfmini_insn_format(ld, 2, 1, buf, sizeof(buf), &opts), -EINVAL);
	/* truncation keeps a NUL; size 0 writes nothing */
	assert_int_equal(ebpfmini_insn_format(ld, 2, 1, buf, 3, NULL), 1);
	assert_string_equal(buf, "ex");
	assert_int_equal(ebpfmini_insn_format(ld, 2, 1, NULL, 0, NULL), 1);
}

static const char *namer(void *ctx, const void *insns, size_t cnt, size_t idx, char *buf,
			 size_t size)
{
	const struct bpf_insn *in = (const struct bpf_insn *)insns + idx;

	(void)ctx;
	assert_true(idx < cnt);
	if (in->code == (BPF_LD | BPF_IMM | BPF_DW) && in->src_reg == BPF_PSEUDO_MAP_FD)
		snprintf(buf, size, "map[events]");
	else if (in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL)
		snprintf(buf, size, "sub");
	else
		return NULL;
	return buf;
}

static const char *labeler(void *ctx, size_t idx)
{
	(void)ctx;
	return idx == 0 ? "prog" : idx == 4 ? "sub" : NULL;
}

static void test_dump_names_labels(void **state)
{
	struct bpf_insn prog[] = {
		I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 9),
		I(0, 0, 0, 0, 0),
		I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 1),
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		I(BPF_JMP | BPF_CALL, 0, 0, 0, 14),
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	struct ebpfmini_insn_fmt_opts opts = { .sz = sizeof(opts),
					       .name = namer,
					       .label = labeler };
	char *text;
	int n;

	(void)state;
	n = ebpfmini_insn_dump(prog, 6, &opts, &text);
	assert_true(n > 0);
	assert_string_equal(text, "prog:\n"
				  "   0: r1 = map[events]\n"
				  "   2: call pc+1#sub\n"
				  "   3: exit\n"
				  "sub:\n"
				  "   4: call bpf_get_current_pid_tgid#14\n"
				  "   5: exit\n");
	assert_int_equal(n, (int)strlen(text));
	free(text);
	/* a lone first half is a line too, and the dump goes on */
	n = ebpfmini_insn_dump(prog, 1, NULL, &text);
	assert_true(n > 0);
	assert_non_null(strstr(text, "   0: r1 = <ld_imm64"));
	free(text);
	assert_int_equal(ebpfmini_insn_dump(NULL, 0, NULL, &text), 0);
	assert_string_equal(text, "");
	free(text);
	assert_int_equal(ebpfmini_insn_dump(NULL, 1, NULL, &text), -EINVAL);
	assert_null(text);
	assert_int_equal(ebpfmini_insn_dump(prog, 1, NULL, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_class),
		cmocka_unit_test(test_opcode_and_errors),
		cmocka_unit_test(test_dump_names_labels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
