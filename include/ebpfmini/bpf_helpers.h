/* ebpfmini/bpf_helpers.h - core macros and helper prototypes for BPF C programs (BPF side) */
#ifndef EBPFMINI_BPF_HELPERS_H
#define EBPFMINI_BPF_HELPERS_H

/*
 * Include this from BPF C compiled with `clang -target bpf -g -O2`, after the
 * type definitions (<linux/types.h> and the UAPI headers, or a vmlinux.h).
 * Spellings follow the conventions BPF sources already use with libbpf's
 * headers, so such a source ports by changing its include lines; the object
 * files built with these macros carry the same sections and BTF.
 */

#include <ebpfmini/bpf_helper_defs.h>

/* ---- argument counting and token pasting ---------------------------------- */

#define ___bpf_concat(a, b) a##b
#define ___bpf_apply(fn, n) ___bpf_concat(fn, n)
#define ___bpf_nth(_, _1, _2, _3, _4, _5, _6, _7, _8, _9, _a, _b, _c, N, ...) N
/* Number of arguments, 0 to 12. */
#define ___bpf_narg(...) ___bpf_nth(_, ##__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)

/* ---- section placement ------------------------------------------------------ */

/*
 * SEC("kprobe/do_unlinkat") places a program, map or variable in an ELF
 * section; the loader derives the program type from the section name.
 * 'used' keeps static objects that nothing references; clang warns about it on
 * some declarations, hence the local silencing.
 */
#define SEC(name)                                                                                  \
	_Pragma("GCC diagnostic push")                                                             \
	_Pragma("GCC diagnostic ignored \"-Wignored-attributes\"")                                 \
	__attribute__((section(name), used))                                                       \
	_Pragma("GCC diagnostic pop")

/* ---- BTF-defined map descriptions ---------------------------------------------
 * A map is a struct in SEC(".maps") whose members only carry information in
 * their types, which BTF records:
 *	struct {
 *		__uint(type, BPF_MAP_TYPE_HASH);
 *		__uint(max_entries, 1024);
 *		__type(key, __u32);
 *		__type(value, struct val);
 *	} my_map SEC(".maps");
 */
/* integer: pointer to an array of 'val' ints */
#define __uint(name, val) int(*name)[val]
/* type: pointer to that type */
#define __type(name, val) __typeof__(val) *name
/* inner map / program array initial values: flexible array of pointers */
#define __array(name, val) __typeof__(val) *name[]
/* 64-bit integer (e.g. map_extra): an enum with that value */
#define __ulong(name, val) enum { ___bpf_concat(__ebpfmini_ulong_, __COUNTER__) = (val) } name

/* Values of __uint(pinning, ...) in a map definition. */
enum libbpf_pin_type {
	LIBBPF_PIN_NONE = 0,
	/* pin at <pin root>/<map name>, reuse when it exists */
	LIBBPF_PIN_BY_NAME = 1,
};

/* Values of `extern enum libbpf_tristate CONFIG_X __kconfig` (y/n/m options). */
enum libbpf_tristate {
	TRI_NO = 0,
	TRI_YES = 1,
	TRI_MODULE = 2,
};

/* ---- attributes ------------------------------------------------------------- */

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#ifndef __noinline
#define __noinline __attribute__((noinline))
#endif
#ifndef __weak
#define __weak __attribute__((weak))
#endif
#ifndef __hidden
#define __hidden __attribute__((visibility("hidden")))
#endif

/* extern variables the loader fills in: kernel config values and kernel symbols */
#define __kconfig __attribute__((section(".kconfig")))
#define __ksym __attribute__((section(".ksyms")))

#if __has_attribute(btf_type_tag)
#define __kptr_untrusted __attribute__((btf_type_tag("kptr_untrusted")))
#define __kptr __attribute__((btf_type_tag("kptr")))
#define __percpu_kptr __attribute__((btf_type_tag("percpu_kptr")))
#define __uptr __attribute__((btf_type_tag("uptr")))
#endif

#if __has_attribute(btf_decl_tag)
/* annotations of global (non-static) subprogram arguments for the verifier */
#define __arg_ctx __attribute__((btf_decl_tag("arg:ctx")))
#define __arg_nonnull __attribute__((btf_decl_tag("arg:nonnull")))
#define __arg_nullable __attribute__((btf_decl_tag("arg:nullable")))
#define __arg_trusted __attribute__((btf_decl_tag("arg:trusted")))
#define __arg_arena __attribute__((btf_decl_tag("arg:arena")))
/* a map value field that owns nodes of a graph data structure */
#define __contains(name, node) __attribute__((btf_decl_tag("contains:" #name ":" #node)))
#endif

/* a helper or kfunc whose calls keep the caller-saved registers it does not use
 * (clang >= 19 with the bpf_fastcall attribute; empty otherwise) */
#if __has_attribute(bpf_fastcall)
#define __bpf_fastcall __attribute__((bpf_fastcall))
#else
#define __bpf_fastcall
#endif

/* Referenced kernel pointer in a map value, spelled as Linux 6.1 and 6.2 read it
 * (the "kptr_ref" type tag). Later kernels name it __kptr (and the unreferenced
 * one __kptr_untrusted); this spelling stays for programs written for 6.1. */
#if __has_attribute(btf_type_tag)
#define __kptr_ref __attribute__((btf_type_tag("kptr_ref")))
#endif

/* ---- small utilities ---------------------------------------------------------- */

#ifndef NULL
#define NULL ((void *)0)
#endif

#ifndef offsetof
#define offsetof(type, member) __builtin_offsetof(type, member)
#endif
#ifndef container_of
#define container_of(ptr, type, member)                                                            \
	({                                                                                         \
		void *__mptr = (void *)(ptr);                                                      \
		((type *)(__mptr - offsetof(type, member)));                                      \
	})
#endif

/* compiler barrier */
#ifndef barrier
#define barrier() __asm__ __volatile__("" ::: "memory")
#endif
/* make the compiler forget what it knows about var (defeats some optimizations
 * that the verifier cannot follow) */
#ifndef barrier_var
#define barrier_var(var) __asm__ __volatile__("" : "+r"(var))
#endif

/* Marks code the compiler must prove dead: clang cannot emit a trap for BPF,
 * so a reachable use is a compile-time error ("call to built-in function
 * 'abort' is not supported"). */
#ifndef __bpf_unreachable
#define __bpf_unreachable() __builtin_trap()
#endif

/* KERNEL_VERSION(5, 10, 0): the encoding of LINUX_VERSION_CODE */
#ifndef KERNEL_VERSION
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
#endif

/* True when a __weak __ksym extern was found in the running kernel. */
#define bpf_ksym_exists(sym)                                                                       \
	({                                                                                         \
		_Static_assert(!__builtin_constant_p(!!sym), #sym " must be declared __weak");     \
		!!sym;                                                                             \
	})

/*
 * Tail call with a constant slot: emits exactly "call bpf_tail_call" with the
 * slot as an immediate, so the verifier can track the target statically.
 */
static __always_inline void bpf_tail_call_static(void *ctx, const void *map, const __u32 slot)
{
	if (!__builtin_constant_p(slot))
		__bpf_unreachable();
	__asm__ __volatile__("r1 = %[ctx]\n\t"
			     "r2 = %[map]\n\t"
			     "r3 = %[slot]\n\t"
			     "call 12"
			     :
			     : [ctx] "r"(ctx), [map] "r"(map), [slot] "i"(slot)
			     : "r0", "r1", "r2", "r3", "r4", "r5");
}

/* ---- formatted output ----------------------------------------------------------
 * bpf_printk("pid %d comm %s", pid, comm) writes a line to the trace buffer
 * (/sys/kernel/tracing/trace_pipe). Up to 3 arguments go through
 * bpf_trace_printk; more (up to 12) through bpf_trace_vprintk, which takes them
 * as an array of u64. The format string is a static constant (in .rodata);
 * define BPF_NO_GLOBAL_DATA to build it on the stack instead, for kernels or
 * loaders without global data.
 */
#ifdef BPF_NO_GLOBAL_DATA
#define ___bpf_fmt_storage
#else
#define ___bpf_fmt_storage static const
#endif

/* arr[0] = a0, arr[1] = a1, ... */
#define ___bpf_fill0(arr, p, x) do {} while (0)
#define ___bpf_fill1(arr, p, x) arr[p] = x
#define ___bpf_fill2(arr, p, x, args...) arr[p] = x; ___bpf_fill1(arr, p + 1, args)
#define ___bpf_fill3(arr, p, x, args...) arr[p] = x; ___bpf_fill2(arr, p + 1, args)
#define ___bpf_fill4(arr, p, x, args...) arr[p] = x; ___bpf_fill3(arr, p + 1, args)
#define ___bpf_fill5(arr, p, x, args...) arr[p] = x; ___bpf_fill4(arr, p + 1, args)
#define ___bpf_fill6(arr, p, x, args...) arr[p] = x; ___bpf_fill5(arr, p + 1, args)
#define ___bpf_fill7(arr, p, x, args...) arr[p] = x; ___bpf_fill6(arr, p + 1, args)
#define ___bpf_fill8(arr, p, x, args...) arr[p] = x; ___bpf_fill7(arr, p + 1, args)
#define ___bpf_fill9(arr, p, x, args...) arr[p] = x; ___bpf_fill8(arr, p + 1, args)
#define ___bpf_fill10(arr, p, x, args...) arr[p] = x; ___bpf_fill9(arr, p + 1, args)
#define ___bpf_fill11(arr, p, x, args...) arr[p] = x; ___bpf_fill10(arr, p + 1, args)
#define ___bpf_fill12(arr, p, x, args...) arr[p] = x; ___bpf_fill11(arr, p + 1, args)
#define ___bpf_fill(arr, args...) ___bpf_apply(___bpf_fill, ___bpf_narg(args))(arr, 0, args)

/* Declares ___param[] holding the arguments as u64 (pointers included). */
#define ___bpf_pack_args(args...)                                                                  \
	unsigned long long ___param[___bpf_narg(args)];                                            \
	_Pragma("GCC diagnostic push")                                                             \
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")                                     \
	___bpf_fill(___param, args);                                                               \
	_Pragma("GCC diagnostic pop")

#define ___bpf_printk_direct(fmt, args...)                                                         \
	({                                                                                         \
		___bpf_fmt_storage char ___fmt[] = fmt;                                            \
		bpf_trace_printk(___fmt, sizeof(___fmt), ##args);                                  \
	})

#define ___bpf_printk_array(fmt, args...)                                                          \
	({                                                                                         \
		___bpf_fmt_storage char ___fmt[] = fmt;                                            \
		___bpf_pack_args(args);                                                            \
		bpf_trace_vprintk(___fmt, sizeof(___fmt), ___param, sizeof(___param));             \
	})

/* maps an argument count to the variant that can carry it */
#define ___bpf_printk_pick_0 ___bpf_printk_direct
#define ___bpf_printk_pick_1 ___bpf_printk_direct
#define ___bpf_printk_pick_2 ___bpf_printk_direct
#define ___bpf_printk_pick_3 ___bpf_printk_direct
#define ___bpf_printk_pick_4 ___bpf_printk_array
#define ___bpf_printk_pick_5 ___bpf_printk_array
#define ___bpf_printk_pick_6 ___bpf_printk_array
#define ___bpf_printk_pick_7 ___bpf_printk_array
#define ___bpf_printk_pick_8 ___bpf_printk_array
#define ___bpf_printk_pick_9 ___bpf_printk_array
#define ___bpf_printk_pick_10 ___bpf_printk_array
#define ___bpf_printk_pick_11 ___bpf_printk_array
#define ___bpf_printk_pick_12 ___bpf_printk_array

#define bpf_printk(fmt, args...)                                                                   \
	___bpf_apply(___bpf_printk_pick_, ___bpf_narg(args))(fmt, ##args)

/* the two forms bpf_printk picks from, by name: __bpf_printk always calls
 * bpf_trace_printk (0 to 3 arguments), __bpf_vprintk always bpf_trace_vprintk
 * (0 to 12 arguments, Linux >= 5.16) */
#define __bpf_printk(fmt, args...) ___bpf_printk_direct(fmt, ##args)
#define __bpf_vprintk(fmt, args...) ___bpf_printk_array(fmt, ##args)

/* snprintf into a buffer: returns the length bpf_snprintf reports */
#define BPF_SNPRINTF(out, out_size, fmt, args...)                                                  \
	({                                                                                         \
		static const char ___fmt[] = fmt;                                                  \
		___bpf_pack_args(args);                                                            \
		bpf_snprintf(out, out_size, ___fmt, ___param, sizeof(___param));                   \
	})

/* seq_file output from iterator programs */
#define BPF_SEQ_PRINTF(seq, fmt, args...)                                                          \
	({                                                                                         \
		static const char ___fmt[] = fmt;                                                  \
		___bpf_pack_args(args);                                                            \
		bpf_seq_printf(seq, ___fmt, sizeof(___fmt), ___param, sizeof(___param));           \
	})

/* ---- open-coded iterators (Linux >= 6.4) ----------------------------------------
 * A kernel iterator type NAME comes with three kfuncs: bpf_iter_NAME_new fills
 * an iterator object on the program's stack, bpf_iter_NAME_next returns a
 * pointer to the next element or NULL at the end, bpf_iter_NAME_destroy ends
 * it. The verifier checks that every object made by _new is destroyed, which
 * the loops below do through the cleanup attribute when the loop's scope ends
 * (also on break or return). The number iterator yields start, start+1, ...
 * end-1 (nothing when start >= end; _new fails on too large ranges and the
 * loop then runs zero times).
 */
struct bpf_iter_num;
extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __weak __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __weak __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __weak __ksym;

/* The number iterator object is 8 bytes, 8-aligned; bpf_for and bpf_repeat keep
 * it in a u64 of their own so that they need no definition of struct
 * bpf_iter_num (which 6.1's UAPI headers lack). */
static __always_inline void ___bpf_iter_num_end(unsigned long long (*it)[1])
{
	bpf_iter_num_destroy((struct bpf_iter_num *)it);
}

#define ___bpf_num_loop(cond_fn, i, start, end)                                                    \
	for (unsigned long long ___it[1] __attribute__((aligned(8), cleanup(___bpf_iter_num_end))), \
	     *___once __attribute__((unused)) =                                                    \
		     (bpf_iter_num_new((struct bpf_iter_num *)___it, (start), (end)), (void *)0);  \
	     cond_fn(i, start, end);)

/* Stores the next number into i and tells the verifier its bounds (the kfunc
 * returns a plain pointer to an int it knows nothing about). */
#define ___bpf_num_next_bounded(i, start, end)                                                     \
	({                                                                                         \
		int *___n = bpf_iter_num_next((struct bpf_iter_num *)___it);                       \
		___n && ((i) = *___n, (i) >= (start) && (i) < (end));                             \
	})
#define ___bpf_num_next_any(i, start, end) (bpf_iter_num_next((struct bpf_iter_num *)___it) != 0)

/* for (i = start; i < end; i++), with i an int declared before the loop */
#define bpf_for(i, start, end) ___bpf_num_loop(___bpf_num_next_bounded, i, start, end)
/* the body runs n times */
#define bpf_repeat(n) ___bpf_num_loop(___bpf_num_next_any, _, 0, n)

/* bpf_for_each(task, t, cgroup, flags): any iterator type; cur is set to each
 * element (pointer) in turn. struct bpf_iter_<type> must be defined (vmlinux.h,
 * or the UAPI <linux/bpf.h> for num) and the kfuncs declared. */
#define bpf_for_each(type, cur, args...)                                                           \
	for (struct bpf_iter_##type ___it                                                          \
		     __attribute__((aligned(8), cleanup(bpf_iter_##type##_destroy))),              \
	     *___once __attribute__((unused)) = (bpf_iter_##type##_new(&___it, ##args), (void *)0); \
	     (((cur) = bpf_iter_##type##_next(&___it)));)

#endif /* EBPFMINI_BPF_HELPERS_H */
