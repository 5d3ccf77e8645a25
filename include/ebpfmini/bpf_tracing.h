/* ebpfmini/bpf_tracing.h - register access and program wrappers for tracing BPF C (BPF side) */
#ifndef EBPFMINI_BPF_TRACING_H
#define EBPFMINI_BPF_TRACING_H

/*
 * The traced machine's architecture is named with -D__TARGET_ARCH_x (x86,
 * arm64, riscv, s390, powerpc, loongarch): BPF code is compiled for the BPF
 * target, so the register layout of the machine being traced must be said.
 * Without one, the compiler's own target macros decide (__x86_64__,
 * __aarch64__, __riscv, __s390x__, __powerpc64__, __loongarch64), and x86-64
 * when there are none (clang -target bpf defines none of them).
 *
 * Registers are read at their offset in the kernel's struct pt_regs, whose
 * start is the user register block that each architecture fixes in its UAPI
 * <asm/ptrace.h>: the macros need no definition of struct pt_regs (neither the
 * kernel's nor the UAPI one), and the _CORE forms need no CO-RE relocation.
 * ___bpf_r_X below is the 64-bit slot index of register X.
 */
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_core_read.h>

#if defined(__TARGET_ARCH_x86)
#define ___bpf_arch_x86 1
#elif defined(__TARGET_ARCH_arm64)
#define ___bpf_arch_arm64 1
#elif defined(__TARGET_ARCH_riscv)
#define ___bpf_arch_riscv 1
#elif defined(__TARGET_ARCH_s390)
#define ___bpf_arch_s390 1
#elif defined(__TARGET_ARCH_powerpc)
#define ___bpf_arch_powerpc 1
#elif defined(__TARGET_ARCH_loongarch)
#define ___bpf_arch_loongarch 1
#elif defined(__TARGET_ARCH_arm) || defined(__TARGET_ARCH_mips) || defined(__TARGET_ARCH_sparc) || \
	defined(__TARGET_ARCH_arc)
#error "ebpfmini/bpf_tracing.h: supported are x86, arm64, riscv, s390, powerpc and loongarch (64-bit)"
#elif defined(__aarch64__)
#define ___bpf_arch_arm64 1
#elif defined(__riscv) && __riscv_xlen == 64
#define ___bpf_arch_riscv 1
#elif defined(__s390x__)
#define ___bpf_arch_s390 1
#elif defined(__powerpc64__)
#define ___bpf_arch_powerpc 1
#elif defined(__loongarch64)
#define ___bpf_arch_loongarch 1
#else /* __x86_64__, or no target named at all */
#define ___bpf_arch_x86 1
#endif

/* ---- register slots per architecture ----------------------------------------- */

#if defined(___bpf_arch_x86)
/* r15 r14 r13 r12 bp bx r11 r10 r9 r8 ax cx dx si di orig_ax ip cs flags sp ss */
#define ___bpf_r_parm1 14 /* di */
#define ___bpf_r_parm2 13 /* si */
#define ___bpf_r_parm3 12 /* dx */
#define ___bpf_r_parm4 11 /* cx */
#define ___bpf_r_parm5 9  /* r8 */
#define ___bpf_r_parm6 8  /* r9 */
#define ___bpf_r_ret 19   /* sp: the return address is at the top of the stack on entry */
#define ___bpf_r_fp 4     /* bp */
#define ___bpf_r_rc 10    /* ax */
#define ___bpf_r_sp 19
#define ___bpf_r_ip 16
#define ___bpf_r_parm1_syscall 14
#define ___bpf_r_parm4_syscall 7 /* the syscall ABI passes arg 4 in r10 */
#define ___bpf_ret_on_stack 1
#elif defined(___bpf_arch_arm64)
/* regs[31] sp pc pstate, then the kernel's orig_x0 */
#define ___bpf_r_parm1 0
#define ___bpf_r_parm2 1
#define ___bpf_r_parm3 2
#define ___bpf_r_parm4 3
#define ___bpf_r_parm5 4
#define ___bpf_r_parm6 5
#define ___bpf_r_parm7 6
#define ___bpf_r_parm8 7
#define ___bpf_r_ret 30 /* link register x30 */
#define ___bpf_r_fp 29
#define ___bpf_r_rc 0
#define ___bpf_r_sp 31
#define ___bpf_r_ip 32
#define ___bpf_r_parm1_syscall 34 /* orig_x0: x0 is the return value slot */
#elif defined(___bpf_arch_riscv)
/* pc ra sp gp tp t0 t1 t2 s0 s1 a0-a7 s2-s11 t3-t6, then the kernel's status badaddr cause orig_a0 */
#define ___bpf_r_parm1 10
#define ___bpf_r_parm2 11
#define ___bpf_r_parm3 12
#define ___bpf_r_parm4 13
#define ___bpf_r_parm5 14
#define ___bpf_r_parm6 15
#define ___bpf_r_parm7 16
#define ___bpf_r_parm8 17
#define ___bpf_r_ret 1 /* ra */
#define ___bpf_r_fp 8  /* s0 */
#define ___bpf_r_rc 10 /* a0 */
#define ___bpf_r_sp 2
#define ___bpf_r_ip 0
#define ___bpf_r_parm1_syscall 35 /* orig_a0 */
#elif defined(___bpf_arch_s390)
/* args[1] psw.mask psw.addr gprs[16], then the kernel's orig_gpr2 */
#define ___bpf_r_parm1 5 /* gpr2 */
#define ___bpf_r_parm2 6
#define ___bpf_r_parm3 7
#define ___bpf_r_parm4 8
#define ___bpf_r_parm5 9 /* gpr6; further arguments are on the stack */
#define ___bpf_r_ret 17  /* gpr14 */
#define ___bpf_r_fp 14   /* gpr11 */
#define ___bpf_r_rc 5    /* gpr2 */
#define ___bpf_r_sp 18   /* gpr15 */
#define ___bpf_r_ip 2    /* psw.addr */
#define ___bpf_r_parm1_syscall 19 /* orig_gpr2 */
#elif defined(___bpf_arch_powerpc)
/* gpr[32] nip msr orig_gpr3 ctr link ... */
#define ___bpf_r_parm1 3
#define ___bpf_r_parm2 4
#define ___bpf_r_parm3 5
#define ___bpf_r_parm4 6
#define ___bpf_r_parm5 7
#define ___bpf_r_parm6 8
#define ___bpf_r_parm7 9
#define ___bpf_r_parm8 10
#define ___bpf_r_ret 36 /* link */
#define ___bpf_r_fp 31  /* r31, by convention */
#define ___bpf_r_rc 3
#define ___bpf_r_sp 1
#define ___bpf_r_ip 32 /* nip */
#define ___bpf_r_parm1_syscall 34 /* orig_gpr3 */
#elif defined(___bpf_arch_loongarch)
/* regs[32] orig_a0 csr_era ... */
#define ___bpf_r_parm1 4 /* a0 */
#define ___bpf_r_parm2 5
#define ___bpf_r_parm3 6
#define ___bpf_r_parm4 7
#define ___bpf_r_parm5 8
#define ___bpf_r_parm6 9
#define ___bpf_r_parm7 10
#define ___bpf_r_parm8 11
#define ___bpf_r_ret 1 /* ra */
#define ___bpf_r_fp 22
#define ___bpf_r_rc 4
#define ___bpf_r_sp 3
#define ___bpf_r_ip 33 /* csr_era */
#define ___bpf_r_parm1_syscall 32 /* orig_a0 */
#endif

/* syscall arguments 2 to 6 sit where function arguments do, except as noted above */
#define ___bpf_r_parm2_syscall ___bpf_r_parm2
#define ___bpf_r_parm3_syscall ___bpf_r_parm3
#ifndef ___bpf_r_parm4_syscall
#define ___bpf_r_parm4_syscall ___bpf_r_parm4
#endif
#define ___bpf_r_parm5_syscall ___bpf_r_parm5
#if defined(___bpf_arch_s390)
#define ___bpf_r_parm6_syscall 10 /* gpr7 */
#else
#define ___bpf_r_parm6_syscall ___bpf_r_parm6
#endif

/* ---- register access -----------------------------------------------------------
 * PT_REGS_PARMn(ctx): n-th function argument in a kprobe/uprobe program
 * (1 to 5 on s390, 1 to 6 on x86, 1 to 8 elsewhere); PT_REGS_RC: return value
 * (kretprobe); PT_REGS_RET: the return address register (on x86 the stack
 * slot holding it); _CORE forms read through bpf_probe_read_kernel, for a
 * pt_regs pointer that is not the program's own context.
 */
#define ___bpf_reg(x, r) (((unsigned long long *)(x))[r])
#define ___bpf_reg_core(x, r)                                                                      \
	({                                                                                         \
		unsigned long long ___v = 0;                                                       \
		bpf_probe_read_kernel(&___v, sizeof(___v), &((const unsigned long long *)(x))[r]); \
		___v;                                                                              \
	})

#define PT_REGS_PARM1(x) ___bpf_reg(x, ___bpf_r_parm1)
#define PT_REGS_PARM2(x) ___bpf_reg(x, ___bpf_r_parm2)
#define PT_REGS_PARM3(x) ___bpf_reg(x, ___bpf_r_parm3)
#define PT_REGS_PARM4(x) ___bpf_reg(x, ___bpf_r_parm4)
#define PT_REGS_PARM5(x) ___bpf_reg(x, ___bpf_r_parm5)
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
#define PT_REGS_RET_CORE(x) ___bpf_reg_core(x, ___bpf_r_ret)
#define PT_REGS_FP_CORE(x) ___bpf_reg_core(x, ___bpf_r_fp)
#define PT_REGS_RC_CORE(x) ___bpf_reg_core(x, ___bpf_r_rc)
#define PT_REGS_SP_CORE(x) ___bpf_reg_core(x, ___bpf_r_sp)
#define PT_REGS_IP_CORE(x) ___bpf_reg_core(x, ___bpf_r_ip)

#ifdef ___bpf_r_parm6
#define PT_REGS_PARM6(x) ___bpf_reg(x, ___bpf_r_parm6)
#define PT_REGS_PARM6_CORE(x) ___bpf_reg_core(x, ___bpf_r_parm6)
#endif
#ifdef ___bpf_r_parm7
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
 * The caller's address: BPF_KPROBE_READ_RET_IP(ip, ctx) on entry to a probed
 * function (read from the stack on x86, the link register elsewhere);
 * BPF_KRETPROBE_READ_RET_IP(ip, ctx) in a kretprobe, from the frame record
 * the frame pointer points to (saved frame pointer, then return address).
 */
#ifdef ___bpf_ret_on_stack
#define BPF_KPROBE_READ_RET_IP(ip, ctx)                                                            \
	({ bpf_probe_read_kernel(&(ip), sizeof(ip), (void *)PT_REGS_RET(ctx)); })
#else
#define BPF_KPROBE_READ_RET_IP(ip, ctx) ({ (ip) = PT_REGS_RET(ctx); })
#endif
#define BPF_KRETPROBE_READ_RET_IP(ip, ctx)                                                         \
	({ bpf_probe_read_kernel(&(ip), sizeof(ip), (void *)(PT_REGS_FP(ctx) + sizeof(ip))); })

/*
 * Kernels with syscall wrappers (x86-64 since 4.17, arm64 since 4.19, and the
 * others later) call __<arch>_sys_NAME with one argument, the user's pt_regs.
 * A kprobe there finds the syscall arguments inside that struct, which is
 * kernel memory and must be read with a helper. Define BPF_NO_SYSCALL_WRAPPER
 * for a kernel without wrappers, where the arguments sit in the probe's own regs.
 */
#ifdef BPF_NO_SYSCALL_WRAPPER
#define PT_REGS_SYSCALL_REGS(ctx) ((struct pt_regs *)(ctx))
#else
#define PT_REGS_SYSCALL_REGS(ctx) ((struct pt_regs *)PT_REGS_PARM1(ctx))
#endif

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

/*
 * BPF_PROG2(name, type1, arg1, type2, arg2, ...): like BPF_PROG, for functions
 * that take structs by value. Types and names are given apart because an
 * argument of up to 16 bytes fills one or two u64 slots of the context, so the
 * slot of each argument follows from the sizes of those before it. Up to 8
 * arguments.
 */
#define ___bpf_nth16(_, _1, _2, _3, _4, _5, _6, _7, _8, _9, _a, _b, _c, _d, _e, _f, _g, N, ...) N
#define ___bpf_narg16(...)                                                                         \
	___bpf_nth16(_, ##__VA_ARGS__, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)

#define ___bpf_slots(t) ((sizeof(t) + 7) / 8)
/* the argument of type t whose first slot is ctx[n]; a value smaller than its
 * slot is at the slot's start on little endian, at its end on big endian */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ___bpf_slot_skip(t) 0
#else
#define ___bpf_slot_skip(t) (sizeof(t) < 8 ? 8 - sizeof(t) : 0)
#endif
#define ___bpf_slot_arg(t, n)                                                                      \
	({                                                                                         \
		unsigned long long ___s[2];                                                        \
		t ___a;                                                                            \
		_Static_assert(sizeof(t) <= 16, "BPF_PROG2: arguments are at most 16 bytes");      \
		___s[0] = ctx[n];                                                                  \
		___s[1] = sizeof(t) > 8 ? ctx[(n) + 1] : 0;                                        \
		__builtin_memcpy(&___a, (char *)___s + ___bpf_slot_skip(t), sizeof(t));           \
		___a;                                                                              \
	})

#define ___bpf_p2_decl0()
#define ___bpf_p2_decl2(t, a) , t a
#define ___bpf_p2_decl4(t, a, args...) , t a ___bpf_p2_decl2(args)
#define ___bpf_p2_decl6(t, a, args...) , t a ___bpf_p2_decl4(args)
#define ___bpf_p2_decl8(t, a, args...) , t a ___bpf_p2_decl6(args)
#define ___bpf_p2_decl10(t, a, args...) , t a ___bpf_p2_decl8(args)
#define ___bpf_p2_decl12(t, a, args...) , t a ___bpf_p2_decl10(args)
#define ___bpf_p2_decl14(t, a, args...) , t a ___bpf_p2_decl12(args)
#define ___bpf_p2_decl16(t, a, args...) , t a ___bpf_p2_decl14(args)
#define ___bpf_p2_decl(args...) ___bpf_apply(___bpf_p2_decl, ___bpf_narg16(args))(args)

#define ___bpf_p2_val0(n)
#define ___bpf_p2_val2(n, t, a) , ___bpf_slot_arg(t, n)
#define ___bpf_p2_val4(n, t, a, args...) , ___bpf_slot_arg(t, n) ___bpf_p2_val2(n + ___bpf_slots(t), args)
#define ___bpf_p2_val6(n, t, a, args...) , ___bpf_slot_arg(t, n) ___bpf_p2_val4(n + ___bpf_slots(t), args)
#define ___bpf_p2_val8(n, t, a, args...) , ___bpf_slot_arg(t, n) ___bpf_p2_val6(n + ___bpf_slots(t), args)
#define ___bpf_p2_val10(n, t, a, args...)                                                          \
	, ___bpf_slot_arg(t, n) ___bpf_p2_val8(n + ___bpf_slots(t), args)
#define ___bpf_p2_val12(n, t, a, args...)                                                          \
	, ___bpf_slot_arg(t, n) ___bpf_p2_val10(n + ___bpf_slots(t), args)
#define ___bpf_p2_val14(n, t, a, args...)                                                          \
	, ___bpf_slot_arg(t, n) ___bpf_p2_val12(n + ___bpf_slots(t), args)
#define ___bpf_p2_val16(n, t, a, args...)                                                          \
	, ___bpf_slot_arg(t, n) ___bpf_p2_val14(n + ___bpf_slots(t), args)
#define ___bpf_p2_val(args...) ___bpf_apply(___bpf_p2_val, ___bpf_narg16(args))(0, ##args)

#define BPF_PROG2(name, args...)                                                                   \
	name(unsigned long long *ctx);                                                             \
	static __always_inline __typeof__(name(0))                                                 \
		____##name(__attribute__((unused)) unsigned long long *ctx ___bpf_p2_decl(args));  \
	__typeof__(name(0)) name(unsigned long long *ctx)                                          \
	{                                                                                          \
		return ____##name(ctx ___bpf_p2_val(args));                                        \
	}                                                                                          \
	static __always_inline __typeof__(name(0))                                                 \
		____##name(__attribute__((unused)) unsigned long long *ctx ___bpf_p2_decl(args))

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
#define ___bpf_sys_args1(x) ___bpf_sys_args0(), (void *)___bpf_reg_core(regs, ___bpf_r_parm1_syscall)
#define ___bpf_sys_args2(x, args...)                                                               \
	___bpf_sys_args1(args), (void *)___bpf_reg_core(regs, ___bpf_r_parm2_syscall)
#define ___bpf_sys_args3(x, args...)                                                               \
	___bpf_sys_args2(args), (void *)___bpf_reg_core(regs, ___bpf_r_parm3_syscall)
#define ___bpf_sys_args4(x, args...)                                                               \
	___bpf_sys_args3(args), (void *)___bpf_reg_core(regs, ___bpf_r_parm4_syscall)
#define ___bpf_sys_args5(x, args...)                                                               \
	___bpf_sys_args4(args), (void *)___bpf_reg_core(regs, ___bpf_r_parm5_syscall)
#define ___bpf_sys_args6(x, args...)                                                               \
	___bpf_sys_args5(args), (void *)___bpf_reg_core(regs, ___bpf_r_parm6_syscall)
#define ___bpf_sys_args(args...) ___bpf_apply(___bpf_sys_args, ___bpf_narg(args))(args)

#define BPF_KSYSCALL(name, args...)                                                                \
	___bpf_wrap(name, struct pt_regs *ctx,                                                     \
		    struct pt_regs *regs = PT_REGS_SYSCALL_REGS(ctx); (void)regs;,                \
		    ___bpf_sys_args(args), ##args)
#define BPF_KPROBE_SYSCALL BPF_KSYSCALL

#endif /* EBPFMINI_BPF_TRACING_H */
