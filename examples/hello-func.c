/* hello-func.c - print a program's instructions, BPF-to-BPF call included, then run it */
#include "common.h"
#include "hello-func.skel.h" /* struct hello_func: hello-func.bpf.c embedded, typed (ebpfmini gen skeleton) */

static const char usage[] =
	"usage: hello-func [-d SECONDS]\n"
	"Loads a raw tracepoint program that calls a function of its own (a BPF-to-BPF call),\n"
	"prints its instructions as loaded, then counts syscalls and execs for a while.\n"
	"  -d SECONDS  run for SECONDS (default 3; 0: until Ctrl-C)\n"
	"  -h, --help  show this help\n";

/* ---- a compact eBPF disassembler ------------------------------------------------------- */

#define HELPER_NAME(x, ...) "bpf_" #x
static const char *const helpers[] = { __BPF_FUNC_MAPPER(HELPER_NAME) };
#define NHELPERS (sizeof(helpers) / sizeof(helpers[0]))
/* by BPF_OP() >> 4; 14 and 15 occur only in atomic instructions */
/* clang-format off */
static const char *const alu_ops[16] = {
	"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=",
	"neg", "%=", "^=", "=", "s>>=", "endian", "xchg", "cmpxchg",
};
static const char *const jmp_ops[16] = {
	"goto", "==", ">", ">=", "&", "!=", "s>", "s>=",
	"call", "exit", "<", "<=", "s<", "s<=", "?", "?",
};
/* clang-format on */
static const char *const sizes[4] = { "u32", "u16", "u8", "u64" };

/* Print instruction i of n (two slots for a 64-bit load); return the slots it used. */
static int print_insn(const struct bpf_insn *insn, size_t i, size_t n)
{
	const struct bpf_insn *in = &insn[i];
	int cls = BPF_CLASS(in->code), op = BPF_OP(in->code) >> 4, x = BPF_SRC(in->code);
	const char *r = cls == BPF_ALU || cls == BPF_JMP32 ? "w" : "r"; /* 32 or 64 bits */
	const char *size = sizes[BPF_SIZE(in->code) >> 3];
	unsigned long long imm64;
	char src[32];

	if (x == BPF_X)
		snprintf(src, sizeof(src), "%s%d", r, in->src_reg);
	else
		snprintf(src, sizeof(src), "%d", in->imm);
	printf("%4zu: ", i);
	if (in->code == (BPF_LD | BPF_DW | BPF_IMM) && i + 1 < n) {
		imm64 = (uint32_t)in->imm | (unsigned long long)(uint32_t)in[1].imm << 32;
		if (in->src_reg == BPF_PSEUDO_MAP_FD) /* the loader put the map's fd in imm */
			printf("r%d = map(fd %d) ll\n", in->dst_reg, in->imm);
		else if (in->src_reg == BPF_PSEUDO_MAP_VALUE) /* global data: fd, offset in it */
			printf("r%d = map_value(fd %d) + %d ll\n", in->dst_reg, in->imm, in[1].imm);
		else
			printf("r%d = %#llx ll\n", in->dst_reg, imm64);
		return 2;
	}
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (op == BPF_NEG >> 4)
			printf("%s%d = -%s%d\n", r, in->dst_reg, r, in->dst_reg);
		else if (op == BPF_END >> 4) /* byte swap: to little or big endian, or always */
			printf("r%d = %s%d r%d\n", in->dst_reg,
			       cls == BPF_ALU64 ? "bswap" : (x ? "be" : "le"), in->imm,
			       in->dst_reg);
		else
			printf("%s%d %s %s\n", r, in->dst_reg, alu_ops[op], src);
		break;
	case BPF_JMP:
	case BPF_JMP32:
		if (op == BPF_EXIT >> 4)
			printf("exit\n");
		else if (op == BPF_CALL >> 4 && in->src_reg == BPF_PSEUDO_CALL)
			printf("call pc%+d    ; BPF-to-BPF call: to instruction %zu\n", in->imm,
			       i + 1 + (size_t)in->imm);
		else if (op == BPF_CALL >> 4 && in->src_reg == 0 && (uint32_t)in->imm < NHELPERS)
			printf("call %s#%d\n", helpers[in->imm], in->imm);
		else if (op == BPF_CALL >> 4)
			printf("call kfunc#%d\n", in->imm);
		else if (op == BPF_JA >> 4)
			printf("goto pc%+d\n", in->off);
		else
			printf("if %s%d %s %s goto pc%+d\n", r, in->dst_reg, jmp_ops[op], src,
			       in->off);
		break;
	case BPF_LDX:
		printf("r%d = *(%s *)(r%d %+d)\n", in->dst_reg, size, in->src_reg, in->off);
		break;
	case BPF_ST:
		printf("*(%s *)(r%d %+d) = %d\n", size, in->dst_reg, in->off, in->imm);
		break;
	case BPF_STX:
		if (BPF_MODE(in->code) == BPF_ATOMIC) /* imm holds the operation */
			printf("lock *(%s *)(r%d %+d) %s r%d%s\n", size, in->dst_reg, in->off,
			       alu_ops[(in->imm >> 4) & 0xf], in->src_reg,
			       in->imm & BPF_FETCH ? " (fetch)" : "");
		else
			printf("*(%s *)(r%d %+d) = r%d\n", size, in->dst_reg, in->off, in->src_reg);
		break;
	default:
		printf("(code %#04x)\n", in->code);
	}
	return 1;
}

int main(int argc, char **argv)
{
	struct hello_func *skel;
	struct ebpfmini_program *prog;
	const struct bpf_insn *insns;
	size_t n;
	int err, ret = 0;

	ex_start(argc, argv, "hello-func", usage, NULL);

	/* open: the skeleton parses the object it embeds; get_opcode is a subprogram, not a
	 * program, so skel->progs has only hello */
	skel = hello_func__open();
	if (!skel)
		return ex_fail("open", -errno, NULL);
	prog = skel->progs.hello;

	/* load: the loader appends get_opcode to hello and relocates the call */
	err = hello_func__load(skel);
	if (err) {
		ret = ex_fail("load", err, ebpfmini_program_log(prog));
		goto cleanup;
	}
	insns = ebpfmini_program_insns(prog);
	n = ebpfmini_program_insn_count(prog);
	printf("program '%s' as loaded (%zu instructions):\n", ebpfmini_program_name(prog), n);
	for (size_t i = 0, called = n; i < n;) {
		if (insns[i].code == (BPF_JMP | BPF_CALL) && insns[i].src_reg == BPF_PSEUDO_CALL)
			called = i + 1 + (size_t)insns[i].imm; /* where the subprogram starts */
		if (i == called)
			printf("      ; the called function (get_opcode), appended by the loader:\n");
		i += (size_t)print_insn(insns, i, n);
	}

	/* attach: every program whose SEC says where (raw tracepoint sys_enter), into
	 * skel->links */
	err = hello_func__attach(skel);
	if (err) {
		ret = ex_fail("attach", err, NULL);
		goto cleanup;
	}

	/* loop: let it run, then read the counters from .bss, typed: skel->bss->seen */
	while (ex_running()) {
		ex_exec("/bin/true");
		usleep((useconds_t)(ex_timeout_ms(1000) * 1000));
	}
	printf("syscalls seen: %llu, of them execve: %llu\n",
	       (unsigned long long)skel->bss->seen.syscalls,
	       (unsigned long long)skel->bss->seen.execs);

cleanup:
	/* clean up: detach (the links) and close */
	hello_func__destroy(skel);
	return ret;
}
