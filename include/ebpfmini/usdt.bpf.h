/* SPDX-License-Identifier: MIT */
/*
 * ebpfmini/usdt.bpf.h - BPF side of USDT probes (SEC("usdt/...")), for BPF C
 * compiled with clang -target bpf after <linux/bpf.h> or "vmlinux.h".
 *
 * ebpfmini_program_attach_usdt() (or auto-attach of
 * SEC("usdt/PATH:PROVIDER:NAME")) decodes the arguments of each probe
 * location into a slot of the spec map below and attaches a uprobe there
 * whose attach cookie is the slot; these functions read the arguments back
 * from the registers and memory of the probed thread. Needs
 * bpf_get_attach_cookie() (kernels >= 5.15). x86-64 programs.
 */
#ifndef EBPFMINI_USDT_BPF_H
#define EBPFMINI_USDT_BPF_H

#include "bpf_helpers.h"
#include "bpf_tracing.h"

/* Slots of the spec map: one per distinct location attached (set before the include to change) */
#ifndef BPF_USDT_MAX_SPEC_CNT
#define BPF_USDT_MAX_SPEC_CNT 256
#endif
/* Arguments of one probe at most (the stapsdt limit) */
#define BPF_USDT_MAX_ARG_CNT 12

/* How one argument is found; the loader (lib/format/usdt.h) writes the same layout. */
enum __bpf_usdt_arg_type {
	BPF_USDT_ARG_CONST,     /* val_off is the value */
	BPF_USDT_ARG_REG,       /* the register at reg_off of struct pt_regs */
	BPF_USDT_ARG_REG_DEREF, /* user memory at that register + val_off */
};

struct __bpf_usdt_arg_spec {
	__u64 val_off;
	__u32 arg_type;      /* enum __bpf_usdt_arg_type */
	__s16 reg_off;
	__u8 arg_signed;
	__s8 arg_bitshift;   /* 64 - 8 * size */
};

struct __bpf_usdt_spec {
	struct __bpf_usdt_arg_spec args[BPF_USDT_MAX_ARG_CNT];
	__u64 usdt_cookie;
	__s16 arg_cnt;
	__u16 __in_use;      /* the loader's: the slot belongs to an attachment */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BPF_USDT_MAX_SPEC_CNT);
	__type(key, int);
	__type(value, struct __bpf_usdt_spec);
} __bpf_usdt_specs SEC(".maps");

static __always_inline struct __bpf_usdt_spec *__bpf_usdt_spec_of(struct pt_regs *ctx)
{
	int id = (int)bpf_get_attach_cookie(ctx);

	return bpf_map_lookup_elem(&__bpf_usdt_specs, &id);
}

/* The number of arguments of the probe that fired; -ESRCH (-3) outside a USDT attachment. */
static __always_inline int bpf_usdt_arg_cnt(struct pt_regs *ctx)
{
	struct __bpf_usdt_spec *spec = __bpf_usdt_spec_of(ctx);

	return spec ? spec->arg_cnt : -3;
}

/*
 * Argument arg_num (from 0) of the probe that fired, sign- or zero-extended
 * to 64 bits, in *res (0 on error). Return: 0, -ESRCH (-3) outside a USDT
 * attachment, -ENOENT (-2) past the last argument, -EINVAL (-22) for an
 * unknown kind, or the error of reading the register or memory.
 */
static __always_inline int bpf_usdt_arg(struct pt_regs *ctx, __u64 arg_num, long *res)
{
	struct __bpf_usdt_spec *spec = __bpf_usdt_spec_of(ctx);
	struct __bpf_usdt_arg_spec *arg;
	unsigned long val;
	long err;

	*res = 0;
	if (!spec)
		return -3;
	if (arg_num >= BPF_USDT_MAX_ARG_CNT || arg_num >= (__u64)spec->arg_cnt)
		return -2;
	arg = &spec->args[arg_num];
	if (arg->arg_type == BPF_USDT_ARG_CONST) {
		val = arg->val_off;
	} else if (arg->arg_type == BPF_USDT_ARG_REG || arg->arg_type == BPF_USDT_ARG_REG_DEREF) {
		/* ctx may not be read at a variable offset: through the helper */
		err = bpf_probe_read_kernel(&val, sizeof(val), (void *)ctx + arg->reg_off);
		if (err)
			return (int)err;
		if (arg->arg_type == BPF_USDT_ARG_REG_DEREF) {
			err = bpf_probe_read_user(&val, sizeof(val), (void *)(val + arg->val_off));
			if (err)
				return (int)err;
		}
	} else {
		return -22;
	}
	/* keep the low bytes of the argument's size, extended by its sign */
	val <<= arg->arg_bitshift;
	*res = arg->arg_signed ? (long)val >> arg->arg_bitshift : (long)(val >> arg->arg_bitshift);
	return 0;
}

/* The usdt_cookie given to ebpfmini_program_attach_usdt() (0 when none or outside USDT). */
static __always_inline long bpf_usdt_cookie(struct pt_regs *ctx)
{
	struct __bpf_usdt_spec *spec = __bpf_usdt_spec_of(ctx);

	return spec ? (long)spec->usdt_cookie : 0;
}

/* BPF_USDT(name, a, b, ...): a program whose parameters are the probe's arguments (up to 12) */
static __always_inline long ___bpf_usdt_arg_or_0(struct pt_regs *ctx, __u64 n)
{
	long v;

	bpf_usdt_arg(ctx, n, &v);
	return v;
}

#define ___bpf_usdt_args0() ctx
#define ___bpf_usdt_args1(x) ___bpf_usdt_args0(), (void *)___bpf_usdt_arg_or_0(ctx, 0)
#define ___bpf_usdt_args2(x, args...) ___bpf_usdt_args1(args), (void *)___bpf_usdt_arg_or_0(ctx, 1)
#define ___bpf_usdt_args3(x, args...) ___bpf_usdt_args2(args), (void *)___bpf_usdt_arg_or_0(ctx, 2)
#define ___bpf_usdt_args4(x, args...) ___bpf_usdt_args3(args), (void *)___bpf_usdt_arg_or_0(ctx, 3)
#define ___bpf_usdt_args5(x, args...) ___bpf_usdt_args4(args), (void *)___bpf_usdt_arg_or_0(ctx, 4)
#define ___bpf_usdt_args6(x, args...) ___bpf_usdt_args5(args), (void *)___bpf_usdt_arg_or_0(ctx, 5)
#define ___bpf_usdt_args7(x, args...) ___bpf_usdt_args6(args), (void *)___bpf_usdt_arg_or_0(ctx, 6)
#define ___bpf_usdt_args8(x, args...) ___bpf_usdt_args7(args), (void *)___bpf_usdt_arg_or_0(ctx, 7)
#define ___bpf_usdt_args9(x, args...) ___bpf_usdt_args8(args), (void *)___bpf_usdt_arg_or_0(ctx, 8)
#define ___bpf_usdt_args10(x, args...) ___bpf_usdt_args9(args), (void *)___bpf_usdt_arg_or_0(ctx, 9)
#define ___bpf_usdt_args11(x, args...) ___bpf_usdt_args10(args), (void *)___bpf_usdt_arg_or_0(ctx, 10)
#define ___bpf_usdt_args12(x, args...) ___bpf_usdt_args11(args), (void *)___bpf_usdt_arg_or_0(ctx, 11)
#define ___bpf_usdt_args(args...) ___bpf_apply(___bpf_usdt_args, ___bpf_narg(args))(args)

#define BPF_USDT(name, args...)                                                                    \
	___bpf_wrap(name, struct pt_regs *ctx, , ___bpf_usdt_args(args), ##args)

#endif /* EBPFMINI_USDT_BPF_H */
