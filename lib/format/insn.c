/* insn.c - eBPF instructions as text, in the kernel verifier's syntax (L1 format, pure) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "uapi_compat.h"

#include "ebpfmini/insn.h"

/* Helper names by id, from the UAPI header's list ("bpf_map_lookup_elem" for 1). */
#define HELPER_NAME(x) "bpf_" #x
static const char *const helper_names[] = {
	__BPF_FUNC_MAPPER(HELPER_NAME)
#ifndef ___BPF_FUNC_MAPPER /* a header older than 6.2 lacks 6.2's two, the last helpers added */
		"bpf_cgrp_storage_get",
	"bpf_cgrp_storage_delete",
#endif
};
#undef HELPER_NAME

/* By BPF_SIZE >> 3: W, H, B, DW. */
static const char *const size_u[4] = { "u32", "u16", "u8", "u64" };
static const char *const size_s[4] = { "s32", "s16", "s8", "s64" };
/* By BPF_OP >> 4. */
static const char *const alu_op[16] = { "+=",  "-=", "*=", "/=", "|=",   "&=",     "<<=", ">>=",
					"neg", "%=", "^=", "=",  "s>>=", "endian", NULL,  NULL };
static const char *const jmp_op[16] = { "jmp",  "==",   ">", ">=", "&",  "!=",  "s>", "s>=",
					"call", "exit", "<", "<=", "s<", "s<=", NULL, NULL };
static const char *const atomic_op[16] = {
	[BPF_ADD >> 4] = "add", [BPF_OR >> 4] = "or", [BPF_AND >> 4] = "and", [BPF_XOR >> 4] = "xor"
};

/* A bounded text: len counts what was wanted, buf holds what fits (as explain.c's). */
struct text {
	char *buf;
	size_t size, len;
};

static void EM_PRINTF(2, 3) put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->len < t->size ? t->buf + t->len : NULL,
		      t->len < t->size ? t->size - t->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
}

struct ctx {
	const struct bpf_insn *insns;
	size_t cnt, idx;
	const struct ebpfmini_insn_fmt_opts *opts;
	char name[128];
};

/* The caller's name for what insn idx refers to, or NULL. */
static const char *name_of(struct ctx *c)
{
	const struct ebpfmini_insn_fmt_opts *o = c->opts;
	const char *(*fn)(void *, const void *, size_t, size_t, char *, size_t) =
		EM_OPT(o, name, NULL);

	c->name[0] = '\0';
	return fn ? fn(EM_OPT(o, ctx, NULL), c->insns, c->cnt, c->idx, c->name, sizeof(c->name)) :
		    NULL;
}

static void alu(struct text *t, const struct bpf_insn *in)
{
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;
	char r = is64 ? 'r' : 'w';
	unsigned op = BPF_OP(in->code);
	const char *ops = alu_op[op >> 4];

	if (op == BPF_END && is64)
		put(t, "r%d = bswap%d r%d", in->dst_reg, in->imm, in->dst_reg);
	else if (op == BPF_END)
		put(t, "r%d = %s%d r%d", in->dst_reg, BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le",
		    in->imm, in->dst_reg);
	else if (op == BPF_NEG)
		put(t, "%c%d = -%c%d", r, in->dst_reg, r, in->dst_reg);
	else if (in->code == (BPF_ALU64 | BPF_MOV | BPF_X) && in->off == EM_BPF_ADDR_SPACE_CAST)
		put(t, "r%d = addr_space_cast(r%d, %u, %u)", in->dst_reg, in->src_reg,
		    (uint32_t)in->imm >> 16, (uint32_t)in->imm & 0xffff);
	else if (in->code == (BPF_ALU64 | BPF_MOV | BPF_X) && in->off == EM_BPF_ADDR_PERCPU)
		put(t, "r%d = &(void __percpu *)(r%d)", in->dst_reg, in->src_reg);
	else {
		const char *sx = "";

		if ((op == BPF_DIV || op == BPF_MOD) && in->off == 1)
			ops = op == BPF_DIV ? "s/=" : "s%=";
		else if (op == BPF_MOV && BPF_SRC(in->code) == BPF_X)
			sx = in->off == 8  ? "(s8)" :
			     in->off == 16 ? "(s16)" :
			     in->off == 32 ? "(s32)" :
					     "";
		if (BPF_SRC(in->code) == BPF_X)
			put(t, "%c%d %s %s%c%d", r, in->dst_reg, ops, sx, r, in->src_reg);
		else
			put(t, "%c%d %s %d", r, in->dst_reg, ops, in->imm);
	}
}

static void jmp(struct text *t, struct ctx *c, const struct bpf_insn *in)
{
	bool is32 = BPF_CLASS(in->code) == BPF_JMP32;
	char r = is32 ? 'w' : 'r';
	unsigned op = BPF_OP(in->code);
	const char *name;

	if (in->code == (BPF_JMP | BPF_CALL)) {
		name = name_of(c);
		/* the kernel's dump of a JITed program holds the offset in off (imm: the subprogram's index) */
		if (in->src_reg == BPF_PSEUDO_CALL)
			put(t, "call pc%+d%s%s", in->off ? in->off : in->imm, name ? "#" : "",
			    name ? name : "");
		else
			put(t, "call %s#%d",
			    name                                 ? name :
			    in->src_reg == BPF_PSEUDO_KFUNC_CALL ? "kernel-function" :
			    in->src_reg == 0 && in->imm >= 0 &&
					    (size_t)in->imm < EM_ARRAY_SIZE(helper_names) ?
								   helper_names[in->imm] :
								   "unknown",
			    in->imm);
	} else if (in->code == (BPF_JMP | BPF_JA)) {
		put(t, "goto pc%+d", in->off);
	} else if (in->code == (BPF_JMP32 | BPF_JA)) {
		put(t, "gotol pc%+d", in->imm);
	} else if (in->code == (BPF_JMP | EM_BPF_JCOND) && in->src_reg == EM_BPF_MAY_GOTO) {
		put(t, "may_goto pc%+d", in->off);
	} else if (in->code == (BPF_JMP | BPF_EXIT)) {
		put(t, "exit");
	} else if (BPF_SRC(in->code) == BPF_X) {
		put(t, "if %c%d %s %c%d goto pc%+d", r, in->dst_reg, jmp_op[op >> 4], r,
		    in->src_reg, in->off);
	} else {
		put(t, "if %c%d %s 0x%x goto pc%+d", r, in->dst_reg, jmp_op[op >> 4],
		    (uint32_t)in->imm, in->off);
	}
}

static void atomic(struct text *t, const struct bpf_insn *in)
{
	const char *sz = size_u[BPF_SIZE(in->code) >> 3],
		   *b64 = BPF_SIZE(in->code) == BPF_DW ? "64" : "";
	unsigned op = (unsigned)in->imm & ~(unsigned)BPF_FETCH;

	if (in->imm == BPF_CMPXCHG)
		put(t, "r0 = atomic%s_cmpxchg((%s *)(r%d %+d), r0, r%d)", b64, sz, in->dst_reg,
		    in->off, in->src_reg);
	else if (in->imm == BPF_XCHG)
		put(t, "r%d = atomic%s_xchg((%s *)(r%d %+d), r%d)", in->src_reg, b64, sz,
		    in->dst_reg, in->off, in->src_reg);
	else if (in->imm == EM_BPF_LOAD_ACQ)
		put(t, "r%d = load_acquire((%s *)(r%d %+d))", in->dst_reg, sz, in->src_reg,
		    in->off);
	else if (in->imm == EM_BPF_STORE_REL)
		put(t, "store_release((%s *)(r%d %+d), r%d)", sz, in->dst_reg, in->off,
		    in->src_reg);
	else if (in->imm & BPF_FETCH)
		put(t, "r%d = atomic%s_fetch_%s((%s *)(r%d %+d), r%d)", in->src_reg, b64,
		    atomic_op[op >> 4], sz, in->dst_reg, in->off, in->src_reg);
	else
		put(t, "lock *(%s *)(r%d %+d) %s r%d", sz, in->dst_reg, in->off, alu_op[op >> 4],
		    in->src_reg);
}

static bool atomic_valid(const struct bpf_insn *in)
{
	unsigned op = (unsigned)in->imm & ~(unsigned)BPF_FETCH;
	bool wide = BPF_SIZE(in->code) == BPF_W || BPF_SIZE(in->code) == BPF_DW;

	if (in->imm == EM_BPF_LOAD_ACQ || in->imm == EM_BPF_STORE_REL)
		return true;
	if (!wide)
		return false;
	if (in->imm == BPF_CMPXCHG || in->imm == BPF_XCHG)
		return true;
	return (unsigned)in->imm < 0x100 && (op & 0xf) == 0 && atomic_op[op >> 4];
}

/* ld_imm64: the value, named by the caller or as bpftool writes a kernel program's. */
static void ld_imm64(struct text *t, struct ctx *c, const struct bpf_insn *in)
{
	uint64_t v = (uint64_t)(uint32_t)in[1].imm << 32 | (uint32_t)in[0].imm;
	const char *name = name_of(c);

	put(t, "r%d = ", in->dst_reg);
	if (name) {
		put(t, "%s", name);
		return;
	}
	switch (in->src_reg) {
	case BPF_PSEUDO_MAP_FD:
		put(t, "map[id:%u]", (uint32_t)in->imm);
		break;
	case BPF_PSEUDO_MAP_VALUE:
		put(t, "map[id:%u][0]+%u", (uint32_t)in->imm, (uint32_t)in[1].imm);
		break;
	case BPF_PSEUDO_MAP_IDX:
		put(t, "map[idx:%u]", (uint32_t)in->imm);
		break;
	case BPF_PSEUDO_MAP_IDX_VALUE:
		put(t, "map[idx:%u]+%u", (uint32_t)in->imm, (uint32_t)in[1].imm);
		break;
	case BPF_PSEUDO_FUNC:
		put(t, "subprog[%+d]", in->imm);
		break;
	case BPF_PSEUDO_BTF_ID:
		put(t, "btf_id[%u]", (uint32_t)in->imm);
		break;
	default:
		put(t, "0x%llx", (unsigned long long)v);
	}
}

/* Writes the instruction into t; returns how many it takes, or -EBADMSG. */
static int format(struct text *t, struct ctx *c)
{
	const struct bpf_insn *in = &c->insns[c->idx];
	unsigned cls = BPF_CLASS(in->code), mode = BPF_MODE(in->code), sz = BPF_SIZE(in->code) >> 3;

	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (!alu_op[BPF_OP(in->code) >> 4])
			break;
		alu(t, in);
		return 1;
	case BPF_JMP:
	case BPF_JMP32:
		if (!jmp_op[BPF_OP(in->code) >> 4] &&
		    !(in->code == (BPF_JMP | EM_BPF_JCOND) && in->src_reg == EM_BPF_MAY_GOTO))
			break;
		if (cls == BPF_JMP32 &&
		    (BPF_OP(in->code) == BPF_CALL || BPF_OP(in->code) == BPF_EXIT))
			break;
		jmp(t, c, in);
		return 1;
	case BPF_LD:
		if (in->code == (BPF_LD | BPF_IMM | BPF_DW)) {
			if (c->idx + 1 >= c->cnt || c->insns[c->idx + 1].code ||
			    c->insns[c->idx + 1].dst_reg || c->insns[c->idx + 1].src_reg ||
			    c->insns[c->idx + 1].off) {
				put(t, "r%d = <ld_imm64 without its second half>", in->dst_reg);
				return -EBADMSG;
			}
			ld_imm64(t, c, in);
			return 2;
		}
		if (mode == BPF_ABS && sz != 3) {
			put(t, "r0 = *(%s *)skb[%d]", size_u[sz], in->imm);
			return 1;
		}
		if (mode == BPF_IND && sz != 3) {
			put(t, "r0 = *(%s *)skb[r%d + %d]", size_u[sz], in->src_reg, in->imm);
			return 1;
		}
		break;
	case BPF_LDX:
		if (mode == BPF_MEM || (mode == EM_BPF_MEMSX && sz != 3)) {
			put(t, "r%d = *(%s *)(r%d %+d)", in->dst_reg,
			    mode == BPF_MEM ? size_u[sz] : size_s[sz], in->src_reg, in->off);
			return 1;
		}
		break;
	case BPF_ST:
		if (mode == BPF_MEM) {
			put(t, "*(%s *)(r%d %+d) = %d", size_u[sz], in->dst_reg, in->off, in->imm);
			return 1;
		}
		if (in->code == (BPF_ST | EM_BPF_NOSPEC)) {
			put(t, "nospec");
			return 1;
		}
		break;
	case BPF_STX:
		if (mode == BPF_MEM) {
			put(t, "*(%s *)(r%d %+d) = r%d", size_u[sz], in->dst_reg, in->off,
			    in->src_reg);
			return 1;
		}
		if (mode == BPF_ATOMIC && atomic_valid(in)) {
			atomic(t, in);
			return 1;
		}
		break;
	}
	put(t, "unknown opcode 0x%02x", in->code);
	return 1;
}

static int format_one(struct text *t, const struct bpf_insn *insns, size_t cnt, size_t idx,
		      const struct ebpfmini_insn_fmt_opts *opts)
{
	struct ctx c = { .insns = insns, .cnt = cnt, .idx = idx, .opts = opts };

	if (EM_OPT(opts, opcode, false))
		put(t, "(%02x) ", insns[idx].code);
	return format(t, &c);
}

EM_EXPORT int ebpfmini_insn_format(const void *insns, size_t cnt, size_t idx, char *buf,
				   size_t size, const struct ebpfmini_insn_fmt_opts *opts)
{
	struct text t = { .buf = buf, .size = size };

	if (!insns || (!buf && size) || idx >= cnt ||
	    em_opts_check(opts, sizeof(*opts), "ebpfmini_insn_fmt_opts"))
		return -EINVAL;
	if (size)
		buf[0] = '\0';
	return format_one(&t, insns, cnt, idx, opts);
}

/* Grows t->buf so that a line of up to 512 more bytes fits; false on ENOMEM. */
static bool reserve(struct text *t)
{
	char *bigger;

	if (t->size - t->len > 512)
		return true;
	bigger = realloc(t->buf, t->size * 2);
	if (!bigger)
		return false;
	t->buf = bigger;
	t->size *= 2;
	return true;
}

EM_EXPORT int ebpfmini_insn_dump(const void *insns, size_t cnt,
				 const struct ebpfmini_insn_fmt_opts *opts, char **text)
{
	const char *(*label)(void *, size_t) = EM_OPT(opts, label, NULL);
	struct text t = { .size = 4096 };

	if (text)
		*text = NULL;
	if ((!insns && cnt) || !text ||
	    em_opts_check(opts, sizeof(*opts), "ebpfmini_insn_fmt_opts"))
		return -EINVAL;
	t.buf = malloc(t.size);
	if (!t.buf)
		return -ENOMEM;
	t.buf[0] = '\0';
	for (size_t i = 0; i < cnt;) {
		const char *name = label ? label(EM_OPT(opts, ctx, NULL), i) : NULL;
		int n;

		if (!reserve(&t))
			goto nomem;
		if (name)
			put(&t, "%.200s:\n", name);
		if (!reserve(&t))
			goto nomem;
		put(&t, "%4zu: ", i);
		/* a line stays under 512 bytes: the caller's name is cut at 127 */
		n = format_one(&t, insns, cnt, i, opts);
		put(&t, "\n");
		i += n > 0 ? (size_t)n : 1;
	}
	*text = t.buf;
	return t.len > INT32_MAX ? INT32_MAX : (int)t.len;
nomem:
	free(t.buf);
	return -ENOMEM;
}
