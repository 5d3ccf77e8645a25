/* ebpfmini/bpf_tracing.h - register access and program wrappers for tracing BPF C (BPF side) */
#ifndef EBPFMINI_BPF_TRACING_H
#define EBPFMINI_BPF_TRACING_H

/*
 * The target architecture is chosen with -D__TARGET_ARCH_x86 (the default when
 * none is given) or -D__TARGET_ARCH_arm64: BPF code is compiled for the BPF
 * target, so the register layout of the machine being traced must be named.
 *
 * struct pt_regs must be defined before the register macros are used: either
 * the kernel's (from vmlinux.h, which defines __VMLINUX_H__) or the UAPI one
 * from <linux/ptrace.h>, whose fields have different names on x86; both are
 * handled. On arm64 the registers are read through struct user_pt_regs, which
 * is the start of the kernel's struct pt_regs.
 */
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_core_read.h>

#if defined(__TARGET_ARCH_arm64)
#define ___bpf_arch_arm64 1
#elif defined(__TARGET_ARCH_x86) || !(defined(__TARGET_ARCH_arm) || defined(__TARGET_ARCH_s390) || \
				     defined(__TARGET_ARCH_mips) || defined(__TARGET_ARCH_powerpc) || \
				     defined(__TARGET_ARCH_sparc) || defined(__TARGET_ARCH_riscv) ||  \
				     defined(__TARGET_ARCH_arc) || defined(__TARGET_ARCH_loongarch))
#define ___bpf_arch_x86 1
#else
#error "ebpfmini/bpf_tracing.h: only __TARGET_ARCH_x86 and __TARGET_ARCH_arm64 are supported"
#endif

/* ---- register names per architecture ------------------------------------------ */

#if defined(___bpf_arch_x86)
#define ___bpf_regs struct pt_regs
#if defined(__KERNEL__) || defined(__VMLINUX_H__)
#define ___bpf_r_parm1 di
#define ___bpf_r_parm2 si
#define ___bpf_r_parm3 dx
#define ___bpf_r_parm4 cx
#define ___bpf_r_parm4_syscall r10 /* the syscall ABI passes arg 4 in r10 */
#define ___bpf_r_parm5 r8
#define ___bpf_r_parm6 r9
#define ___bpf_r_ret sp /* the return address is at the top of the stack on entry */
#define ___bpf_r_fp bp
#define ___bpf_r_rc ax
#define ___bpf_r_sp sp
#define ___bpf_r_ip ip
#else
#define ___bpf_r_parm1 rdi
#define ___bpf_r_parm2 rsi
#define ___bpf_r_parm3 rdx
#define ___bpf_r_parm4 rcx
#define ___bpf_r_parm4_syscall r10
#define ___bpf_r_parm5 r8
#define ___bpf_r_parm6 r9
#define ___bpf_r_ret rsp
#define ___bpf_r_fp rbp
#define ___bpf_r_rc rax
#define ___bpf_r_sp rsp
#define ___bpf_r_ip rip
#endif
#define ___bpf_r_parm1_syscall ___bpf_r_parm1
#define ___bpf_r_parm2_syscall ___bpf_r_parm2
#define ___bpf_r_parm3_syscall ___bpf_r_parm3
#define ___bpf_r_parm5_syscall ___bpf_r_parm5
#define ___bpf_r_parm6_syscall ___bpf_r_parm6
#endif /* x86 */

#if defined(___bpf_arch_arm64)
#define ___bpf_regs struct user_pt_regs
#define ___bpf_r_parm1 regs[0]
#define ___bpf_r_parm2 regs[1]
#define ___bpf_r_parm3 regs[2]
#define ___bpf_r_parm4 regs[3]
#define ___bpf_r_parm5 regs[4]
#define ___bpf_r_parm6 regs[5]
#define ___bpf_r_parm7 regs[6]
#define ___bpf_r_parm8 regs[7]
#define ___bpf_r_ret regs[30] /* link register */
#define ___bpf_r_fp regs[29]
#define ___bpf_r_rc regs[0]
#define ___bpf_r_sp sp
#define ___bpf_r_ip pc
/* the inner pt_regs of a syscall wrapper still holds the arguments in x0..x5 on entry */
#define ___bpf_r_parm1_syscall regs[0]
#define ___bpf_r_parm2_syscall regs[1]
#define ___bpf_r_parm3_syscall regs[2]
#define ___bpf_r_parm4_syscall regs[3]
#define ___bpf_r_parm5_syscall regs[4]
#define ___bpf_r_parm6_syscall regs[5]
#endif /* arm64 */

/* ---- register access -----------------------------------------------------------
 * PT_REGS_PARMn(ctx): n-th function argument in a kprobe/uprobe program;
 * PT_REGS_RC: return value (kretprobe); _CORE forms read through CO-RE
 * (for a pt_regs pointer that is not the program's own context).
 */
#define ___bpf_reg(x, r) (((___bpf_regs *)(x))->r)
#define ___bpf_reg_core(x, r) BPF_CORE_READ((___bpf_regs *)(x), r)

#define PT_REGS_PARM1(x) ___bpf_reg(x, ___bpf_r_parm1)
#define PT_REGS_PARM2(x) ___bpf_reg(x, ___bpf_r_parm2)
#define PT_REGS_PARM3(x) ___bpf_reg(x, ___bpf_r_parm3)
#define PT_REGS_PARM4(x) ___bpf_reg(x, ___bpf_r_parm4)
#define PT_REGS_PARM5(x) ___bpf_reg(x, ___bpf_r_parm5)
#define PT_REGS_PARM6(x) ___bpf_reg(x, ___bpf_r_parm6)
#define PT_REGS_RET(x) ___bpf_reg(x, ___bpf_r_ret)
#define PT_REGS_FP(x) ___bpf_reg(x, ___bpf_r_fp)
#define PT_REGS_RC(x) ___bpf_reg(x, ___bpf_r_rc)
#define PT_REGS_SP(x) ___bpf_reg(x, ___bpf_r_sp)
#define PT_REGS_IP(x) ___bpf_reg(x, ___bpf_r_ip)

#define PT_REGS_PARM1_CORE(x) ___bpf_reg_core(x, ___bpf_r_parm1)
#define PT_REGS_PARM2_CORE(x) ___bpf_reg_core(x, ___bpf_r_parm2)
#define PT_REGS_PARM3_CORE(x) ___bpf_reg_core(x, ___bpf_r_parm3)
#define PT_REGS_PARM4_CORE(x) ___bpf_reg_core(x, ___bpf_r_parm4)
#define PT_REGS_PARM5_CORE(x) ___bpf_reg_core(x, ___bpf_r_parm5)
#define PT_REGS_PARM6_CORE(x) ___bpf_reg_core(x, ___bpf_r_parm6)
#define PT_REGS_RET_CORE(x) ___bpf_reg_core(x, ___bpf_r_ret)
#define PT_REGS_FP_CORE(x) ___bpf_reg_core(x, ___bpf_r_fp)
#define PT_REGS_RC_CORE(x) ___bpf_reg_core(x, ___bpf_r_rc)
#define PT_REGS_SP_CORE(x) ___bpf_reg_core(x, ___bpf_r_sp)
#define PT_REGS_IP_CORE(x) ___bpf_reg_core(x, ___bpf_r_ip)

#if defined(___bpf_arch_arm64)
#define PT_REGS_PARM7(x) ___bpf_reg(x, ___bpf_r_parm7)
#define PT_REGS_PARM8(x) ___bpf_reg(x, ___bpf_r_parm8)
#define PT_REGS_PARM7_CORE(x) ___bpf_reg_core(x, ___bpf_r_parm7)
#define PT_REGS_PARM8_CORE(x) ___bpf_reg_core(x, ___bpf_r_parm8)
#endif

/* Syscall arguments from the pt_regs a syscall wrapper received (direct access). */
#define PT_REGS_PARM1_SYSCALL(x) ___bpf_reg(x, ___bpf_r_parm1_syscall)
#define PT_REGS_PARM2_SYSCALL(x) ___bpf_reg(x, ___bpf_r_parm2_syscall)
#define PT_REGS_PARM3_SYSCALL(x) ___bpf_reg(x, ___bpf_r_parm3_syscall)
#define PT_REGS_PARM4_SYSCALL(x) ___bpf_reg(x, ___bpf_r_parm4_syscall)
#define PT_REGS_PARM5_SYSCALL(x) ___bpf_reg(x, ___bpf_r_parm5_syscall)
#define PT_REGS_PARM6_SYSCALL(x) ___bpf_reg(x, ___bpf_r_parm6_syscall)
#define PT_REGS_PARM1_CORE_SYSCALL(x) ___bpf_reg_core(x, ___bpf_r_parm1_syscall)
#define PT_REGS_PARM2_CORE_SYSCALL(x) ___bpf_reg_core(x, ___bpf_r_parm2_syscall)
#define PT_REGS_PARM3_CORE_SYSCALL(x) ___bpf_reg_core(x, ___bpf_r_parm3_syscall)
#define PT_REGS_PARM4_CORE_SYSCALL(x) ___bpf_reg_core(x, ___bpf_r_parm4_syscall)
#define PT_REGS_PARM5_CORE_SYSCALL(x) ___bpf_reg_core(x, ___bpf_r_parm5_syscall)
#define PT_REGS_PARM6_CORE_SYSCALL(x) ___bpf_reg_core(x, ___bpf_r_parm6_syscall)

/*
 * Kernels with syscall wrappers (x86-64 since 4.17, arm64 since 4.19) call
 * __x64_sys_NAME / __arm64_sys_NAME with one argument, the user's pt_regs. A
 * kprobe there finds the syscall arguments inside that struct, which is kernel
 * memory and must be read with a helper. Define BPF_NO_SYSCALL_WRAPPER for a
 * kernel without wrappers, where the arguments sit in the probe's own regs.
 */
#ifdef BPF_NO_SYSCALL_WRAPPER
#define PT_REGS_SYSCALL_REGS(ctx) ((struct pt_regs *)(ctx))
#else
#define PT_REGS_SYSCALL_REGS(ctx) ((struct pt_regs *)PT_REGS_PARM1(ctx))
#endif

/* plain probe read of one register of a syscall's pt_regs (no CO-RE relocation:
 * the register block layout is fixed by the architecture's ABI) */
#define ___bpf_syscall_reg(regs, r)                                                                \
	({                                                                                         \
		unsigned long ___v = 0;                                                            \
		bpf_probe_read_kernel(&___v, sizeof(___v), &((___bpf_regs *)(regs))->r);           \
		___v;                                                                              \
	})

/* ---- program wrappers ----------------------------------------------------------
 * Each wrapper turns
 *	SEC("...") int BPF_XXX(name, type1 a, type2 b) { body }
 * into the program function name(ctx), which fetches the arguments from the
 * context and calls an always-inlined ____name(ctx, a, b) holding the body.
 * Arguments are passed through (void *) so that integers and pointers both
 * convert; -Wint-conversion is silenced for that one call. ctx stays in scope
 * in the body.
 */
#define ___bpf_wrap(name, ctx_decl, prologue, argvals, args...)                                  \
	name(ctx_decl);                                                                            \
	static __always_inline __typeof__(name(0))                                                 \
		____##name(__attribute__((unused)) ctx_decl, ##args);                              \
	__typeof__(name(0)) name(ctx_decl)                                                         \
	{                                                                                          \
		prologue                                                                           \
		_Pragma("GCC diagnostic push")                                                     \
		_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")                             \
		return ____##name(argvals);                                                        \
		_Pragma("GCC diagnostic pop")                                                      \
	}                                                                                          \
	static __always_inline __typeof__(name(0))                                                 \
		____##name(__attribute__((unused)) ctx_decl, ##args)

/* BPF_PROG: BTF-typed programs (tp_btf, fentry/fexit, raw_tp, lsm, struct_ops)
 * whose context is an array of u64 arguments. */
#define ___bpf_ctx_cast0() ctx
#define ___bpf_ctx_cast1(x) ___bpf_ctx_cast0(), (void *)ctx[0]
#define ___bpf_ctx_cast2(x, args...) ___bpf_ctx_cast1(args), (void *)ctx[1]
#define ___bpf_ctx_cast3(x, args...) ___bpf_ctx_cast2(args), (void *)ctx[2]
#define ___bpf_ctx_cast4(x, args...) ___bpf_ctx_cast3(args), (void *)ctx[3]
#define ___bpf_ctx_cast5(x, args...) ___bpf_ctx_cast4(args), (void *)ctx[4]
#define ___bpf_ctx_cast6(x, args...) ___bpf_ctx_cast5(args), (void *)ctx[5]
#define ___bpf_ctx_cast7(x, args...) ___bpf_ctx_cast6(args), (void *)ctx[6]
#define ___bpf_ctx_cast8(x, args...) ___bpf_ctx_cast7(args), (void *)ctx[7]
#define ___bpf_ctx_cast9(x, args...) ___bpf_ctx_cast8(args), (void *)ctx[8]
#define ___bpf_ctx_cast10(x, args...) ___bpf_ctx_cast9(args), (void *)ctx[9]
#define ___bpf_ctx_cast11(x, args...) ___bpf_ctx_cast10(args), (void *)ctx[10]
#define ___bpf_ctx_cast12(x, args...) ___bpf_ctx_cast11(args), (void *)ctx[11]
#define ___bpf_ctx_cast(args...) ___bpf_apply(___bpf_ctx_cast, ___bpf_narg(args))(args)

#define BPF_PROG(name, args...)                                                                    \
	___bpf_wrap(name, unsigned long long *ctx, , ___bpf_ctx_cast(args), ##args)

/* BPF_KPROBE / BPF_UPROBE: arguments from the registers of the probed function */
#define ___bpf_kprobe_args0() ctx
#define ___bpf_kprobe_args1(x) ___bpf_kprobe_args0(), (void *)PT_REGS_PARM1(ctx)
#define ___bpf_kprobe_args2(x, args...) ___bpf_kprobe_args1(args), (void *)PT_REGS_PARM2(ctx)
#define ___bpf_kprobe_args3(x, args...) ___bpf_kprobe_args2(args), (void *)PT_REGS_PARM3(ctx)
#define ___bpf_kprobe_args4(x, args...) ___bpf_kprobe_args3(args), (void *)PT_REGS_PARM4(ctx)
#define ___bpf_kprobe_args5(x, args...) ___bpf_kprobe_args4(args), (void *)PT_REGS_PARM5(ctx)
#define ___bpf_kprobe_args6(x, args...) ___bpf_kprobe_args5(args), (void *)PT_REGS_PARM6(ctx)
#define ___bpf_kprobe_args7(x, args...) ___bpf_kprobe_args6(args), (void *)PT_REGS_PARM7(ctx)
#define ___bpf_kprobe_args8(x, args...) ___bpf_kprobe_args7(args), (void *)PT_REGS_PARM8(ctx)
#define ___bpf_kprobe_args(args...) ___bpf_apply(___bpf_kprobe_args, ___bpf_narg(args))(args)

#define BPF_KPROBE(name, args...)                                                                  \
	___bpf_wrap(name, struct pt_regs *ctx, , ___bpf_kprobe_args(args), ##args)

/* BPF_KRETPROBE / BPF_URETPROBE: at most one argument, the return value */
#define ___bpf_kretprobe_args0() ctx
#define ___bpf_kretprobe_args1(x) ___bpf_kretprobe_args0(), (void *)PT_REGS_RC(ctx)
#define ___bpf_kretprobe_args(args...) ___bpf_apply(___bpf_kretprobe_args, ___bpf_narg(args))(args)

#define BPF_KRETPROBE(name, args...)                                                               \
	___bpf_wrap(name, struct pt_regs *ctx, , ___bpf_kretprobe_args(args), ##args)

#define BPF_UPROBE(name, args...) BPF_KPROBE(name, ##args)
#define BPF_URETPROBE(name, args...) BPF_KRETPROBE(name, ##args)

/* BPF_KSYSCALL: SEC("ksyscall/NAME") or a kprobe on the syscall's wrapper,
 * arguments as the syscall received them */
#define ___bpf_sys_args0() ctx
#define ___bpf_sys_args1(x) ___bpf_sys_args0(), (void *)___bpf_syscall_reg(regs, ___bpf_r_parm1_syscall)
#define ___bpf_sys_args2(x, args...)                                                               \
	___bpf_sys_args1(args), (void *)___bpf_syscall_reg(regs, ___bpf_r_parm2_syscall)
#define ___bpf_sys_args3(x, args...)                                                               \
	___bpf_sys_args2(args), (void *)___bpf_syscall_reg(regs, ___bpf_r_parm3_syscall)
#define ___bpf_sys_args4(x, args...)                                                               \
	___bpf_sys_args3(args), (void *)___bpf_syscall_reg(regs, ___bpf_r_parm4_syscall)
#define ___bpf_sys_args5(x, args...)                                                               \
	___bpf_sys_args4(args), (void *)___bpf_syscall_reg(regs, ___bpf_r_parm5_syscall)
#define ___bpf_sys_args6(x, args...)                                                               \
	___bpf_sys_args5(args), (void *)___bpf_syscall_reg(regs, ___bpf_r_parm6_syscall)
#define ___bpf_sys_args(args...) ___bpf_apply(___bpf_sys_args, ___bpf_narg(args))(args)

#define BPF_KSYSCALL(name, args...)                                                                \
	___bpf_wrap(name, struct pt_regs *ctx,                                                     \
		    struct pt_regs *regs = PT_REGS_SYSCALL_REGS(ctx); (void)regs;,                \
		    ___bpf_sys_args(args), ##args)
#define BPF_KPROBE_SYSCALL BPF_KSYSCALL

#endif /* EBPFMINI_BPF_TRACING_H */
