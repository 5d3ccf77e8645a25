/* ebpfmini/bpf_core_read.h - CO-RE (compile once, run everywhere) reads and queries for BPF C (BPF side) */
#ifndef EBPFMINI_BPF_CORE_READ_H
#define EBPFMINI_BPF_CORE_READ_H

/*
 * clang (with -g) records each field access, type or enum query made through
 * the __builtin_preserve_* builtins as a relocation in .BTF.ext; the loader
 * rewrites the instruction for the running kernel's BTF. Needs clang >= 12.
 *
 * Relocation kinds, as numbered by each builtin's second argument:
 */
#include <ebpfmini/bpf_helpers.h>

/* __builtin_preserve_field_info(field, kind) */
enum bpf_field_info_kind {
	BPF_FIELD_BYTE_OFFSET = 0, /* byte offset of the field (of its storage unit for bitfields) */
	BPF_FIELD_BYTE_SIZE = 1,   /* size in bytes (of the storage unit for bitfields) */
	BPF_FIELD_EXISTS = 2,      /* 1 when the field exists in the target kernel */
	BPF_FIELD_SIGNED = 3,      /* 1 for a signed integer field */
	BPF_FIELD_LSHIFT_U64 = 4,  /* bitfield: left shift after a u64 load */
	BPF_FIELD_RSHIFT_U64 = 5,  /* bitfield: then right shift */
};

/* __builtin_btf_type_id(type, kind) */
enum bpf_type_id_kind {
	BPF_TYPE_ID_LOCAL = 0,  /* id in the program's own BTF */
	BPF_TYPE_ID_TARGET = 1, /* id in the kernel's BTF */
};

/* __builtin_preserve_type_info(type, kind) */
enum bpf_type_info_kind {
	BPF_TYPE_EXISTS = 0,  /* 1 when the type exists in the kernel */
	BPF_TYPE_SIZE = 1,    /* its size in the kernel */
	BPF_TYPE_MATCHES = 2, /* 1 when the kernel's type matches (needs clang >= 17) */
};

/* __builtin_preserve_enum_value(value, kind) */
enum bpf_enum_value_kind {
	BPF_ENUMVAL_EXISTS = 0, /* 1 when the enumerator exists in the kernel */
	BPF_ENUMVAL_VALUE = 1,  /* its value in the kernel */
};

/* ---- field, type and enum queries ---------------------------------------------
 * The field forms take either an access expression (bpf_core_field_exists(p->f))
 * or a type and a field (bpf_core_field_exists(struct task_struct, pid)).
 */
#define ___bpf_field_ref1(field) (field)
#define ___bpf_field_ref2(type, field) (((typeof(type) *)0)->field)
#define ___bpf_field_ref(args...) ___bpf_apply(___bpf_field_ref, ___bpf_narg(args))(args)

#define bpf_core_field_exists(field...)                                                            \
	__builtin_preserve_field_info(___bpf_field_ref(field), BPF_FIELD_EXISTS)
#define bpf_core_field_size(field...)                                                              \
	__builtin_preserve_field_info(___bpf_field_ref(field), BPF_FIELD_BYTE_SIZE)
#define bpf_core_field_offset(field...)                                                            \
	__builtin_preserve_field_info(___bpf_field_ref(field), BPF_FIELD_BYTE_OFFSET)

#define bpf_core_type_id_local(type) __builtin_btf_type_id(*(typeof(type) *)0, BPF_TYPE_ID_LOCAL)
#define bpf_core_type_id_kernel(type) __builtin_btf_type_id(*(typeof(type) *)0, BPF_TYPE_ID_TARGET)
#define bpf_core_type_exists(type) __builtin_preserve_type_info(*(typeof(type) *)0, BPF_TYPE_EXISTS)
#define bpf_core_type_size(type) __builtin_preserve_type_info(*(typeof(type) *)0, BPF_TYPE_SIZE)
#define bpf_core_type_matches(type)                                                                \
	__builtin_preserve_type_info(*(typeof(type) *)0, BPF_TYPE_MATCHES)

/*
 * bpf_core_cast(ptr, struct sk_buff): ptr as a read-only pointer to the
 * kernel's type, which the verifier then lets the program dereference
 * directly (faults read as zero). Uses the bpf_rdonly_cast kfunc (Linux >= 6.2)
 * with the type's kernel BTF id.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;
#define bpf_core_cast(ptr, type)                                                                   \
	((typeof(type) *)bpf_rdonly_cast((ptr), bpf_core_type_id_kernel(type)))

/* bpf_core_enum_value(enum pid_type, PIDTYPE_TGID) */
#define bpf_core_enum_value_exists(enum_type, enumerator)                                          \
	__builtin_preserve_enum_value(*(typeof(enum_type) *)enumerator, BPF_ENUMVAL_EXISTS)
#define bpf_core_enum_value(enum_type, enumerator)                                                 \
	__builtin_preserve_enum_value(*(typeof(enum_type) *)enumerator, BPF_ENUMVAL_VALUE)

/* ---- bitfields ---------------------------------------------------------------- */

/* Reads a bitfield through bpf_probe_read_kernel (any kernel memory). */
#define BPF_CORE_READ_BITFIELD_PROBED(s, field)                                                    \
	({                                                                                         \
		unsigned long long ___v = 0;                                                       \
		unsigned int ___sz = __builtin_preserve_field_info((s)->field, BPF_FIELD_BYTE_SIZE); \
		const void *___p = (const void *)(s) +                                             \
			__builtin_preserve_field_info((s)->field, BPF_FIELD_BYTE_OFFSET);          \
		bpf_probe_read_kernel(___bpf_bitfield_dst(&___v, ___sz), ___sz, ___p);             \
		___bpf_bitfield_extract(s, field, ___v);                                           \
	})

/* Reads a bitfield with a plain load (memory the program may read directly). */
#define BPF_CORE_READ_BITFIELD(s, field)                                                           \
	({                                                                                         \
		const void *___p = (const void *)(s) +                                             \
			__builtin_preserve_field_info((s)->field, BPF_FIELD_BYTE_OFFSET);          \
		unsigned long long ___v;                                                           \
		/* keep the address computation as written: the relocated offset must */        \
		/* not be merged into the loads below */                                         \
		barrier_var(___p);                                                                 \
		switch (__builtin_preserve_field_info((s)->field, BPF_FIELD_BYTE_SIZE)) {          \
		case 1: ___v = *(const unsigned char *)___p; break;                                \
		case 2: ___v = *(const unsigned short *)___p; break;                               \
		case 4: ___v = *(const unsigned int *)___p; break;                                 \
		case 8: ___v = *(const unsigned long long *)___p; break;                           \
		default: ___v = 0; break; /* no other sizes exist */                                \
		}                                                                                  \
		___bpf_bitfield_extract(s, field, ___v);                                           \
	})

/*
 * Writes new_val into a bitfield with plain loads and stores (memory the
 * program may write directly), leaving the other bits of its storage unit as
 * they were. With the relocated shifts the field is the bits
 * [rshift - lshift, 64 - lshift) of the storage unit read as an integer.
 */
#define BPF_CORE_WRITE_BITFIELD(s, field, new_val)                                                 \
	({                                                                                         \
		void *___p = (void *)(s) +                                                         \
			__builtin_preserve_field_info((s)->field, BPF_FIELD_BYTE_OFFSET);          \
		unsigned int ___sz = __builtin_preserve_field_info((s)->field, BPF_FIELD_BYTE_SIZE); \
		unsigned int ___l = __builtin_preserve_field_info((s)->field, BPF_FIELD_LSHIFT_U64); \
		unsigned int ___r = __builtin_preserve_field_info((s)->field, BPF_FIELD_RSHIFT_U64); \
		unsigned long long ___m = (~0ULL >> ___r) << (___r - ___l);                        \
		unsigned long long ___w = ((unsigned long long)(new_val) << (___r - ___l)) & ___m; \
		barrier_var(___p);                                                                 \
		switch (___sz) {                                                                   \
		case 1: *(unsigned char *)___p = (*(unsigned char *)___p & ~___m) | ___w; break;   \
		case 2: *(unsigned short *)___p = (*(unsigned short *)___p & ~___m) | ___w; break; \
		case 4: *(unsigned int *)___p = (*(unsigned int *)___p & ~___m) | ___w; break;     \
		case 8: *(unsigned long long *)___p =                                              \
				(*(unsigned long long *)___p & ~___m) | ___w; break;               \
		}                                                                                  \
	})

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ___bpf_bitfield_dst(v, sz) ((void *)(v))
#else
#define ___bpf_bitfield_dst(v, sz) ((void *)((char *)(v) + 8 - (sz)))
#endif

/* shift the field to the top of the u64, then back down with or without sign */
#define ___bpf_bitfield_extract(s, field, v)                                                       \
	({                                                                                         \
		unsigned long long ___x =                                                          \
			(v) << __builtin_preserve_field_info((s)->field, BPF_FIELD_LSHIFT_U64);    \
		unsigned int ___r = __builtin_preserve_field_info((s)->field, BPF_FIELD_RSHIFT_U64); \
		__builtin_preserve_field_info((s)->field, BPF_FIELD_SIGNED)                        \
			? (unsigned long long)((long long)___x >> ___r)                            \
			: ___x >> ___r;                                                            \
	})

/* ---- single reads -------------------------------------------------------------
 * Like bpf_probe_read_kernel/_user(dst, sz, src), with src's field accesses
 * relocated for the running kernel.
 */
#define bpf_core_read(dst, sz, src)                                                                \
	bpf_probe_read_kernel(dst, sz, (const void *)__builtin_preserve_access_index(src))
#define bpf_core_read_user(dst, sz, src)                                                           \
	bpf_probe_read_user(dst, sz, (const void *)__builtin_preserve_access_index(src))
#define bpf_core_read_str(dst, sz, src)                                                            \
	bpf_probe_read_kernel_str(dst, sz, (const void *)__builtin_preserve_access_index(src))
#define bpf_core_read_user_str(dst, sz, src)                                                       \
	bpf_probe_read_user_str(dst, sz, (const void *)__builtin_preserve_access_index(src))

/* ---- pointer chains --------------------------------------------------------------
 * BPF_CORE_READ(t, mm, exe_file, f_path.dentry) reads t->mm->exe_file->f_path.dentry
 * one pointer at a time (each step a helper read) and yields the last value.
 * Up to 9 steps. The _INTO forms store into *dst and yield the last read's
 * result; _STR_INTO reads a string (char array) into dst, which may be the
 * array itself (e->comm) or, as libbpf's headers take it, a pointer to the
 * array (&e->comm): both read sizeof the array (___bpf_str_size).
 *
 * Building blocks: ___bpf_arrowN joins N fields with "->"; ___bpf_rdptrN reads
 * the pointer that the first N fields lead to into ___t; ___bpf_rdselN reads
 * the value N fields away into dst.
 */
#define ___bpf_arrow1(a) a
#define ___bpf_arrow2(a, b) a->b
#define ___bpf_arrow3(a, b, c) a->b->c
#define ___bpf_arrow4(a, b, c, d) a->b->c->d
#define ___bpf_arrow5(a, b, c, d, e) a->b->c->d->e
#define ___bpf_arrow6(a, b, c, d, e, f) a->b->c->d->e->f
#define ___bpf_arrow7(a, b, c, d, e, f, g) a->b->c->d->e->f->g
#define ___bpf_arrow8(a, b, c, d, e, f, g, h) a->b->c->d->e->f->g->h
#define ___bpf_arrow9(a, b, c, d, e, f, g, h, i) a->b->c->d->e->f->g->h->i
#define ___bpf_arrow(args...) ___bpf_apply(___bpf_arrow, ___bpf_narg(args))(args)

/* type of src->a->...->x */
#define ___bpf_chain_type(src, args...) typeof((src)->___bpf_arrow(args))

/* one step: read field f of the struct ___t points to, typed as src->prefix */
#define ___bpf_step(fn, dst, sz, src, f, prefix...)                                                \
	fn(dst, sz, &((___bpf_chain_type(src, prefix))___t)->f)

#define ___bpf_rdptr1(fn, src, a) fn(&___t, sizeof(___t), &(src)->a)
#define ___bpf_rdptr2(fn, src, a, b)                                                               \
	___bpf_rdptr1(fn, src, a); ___bpf_step(fn, &___t, sizeof(___t), src, b, a)
#define ___bpf_rdptr3(fn, src, a, b, c)                                                            \
	___bpf_rdptr2(fn, src, a, b); ___bpf_step(fn, &___t, sizeof(___t), src, c, a, b)
#define ___bpf_rdptr4(fn, src, a, b, c, d)                                                         \
	___bpf_rdptr3(fn, src, a, b, c); ___bpf_step(fn, &___t, sizeof(___t), src, d, a, b, c)
#define ___bpf_rdptr5(fn, src, a, b, c, d, e)                                                      \
	___bpf_rdptr4(fn, src, a, b, c, d);                                                        \
	___bpf_step(fn, &___t, sizeof(___t), src, e, a, b, c, d)
#define ___bpf_rdptr6(fn, src, a, b, c, d, e, f)                                                   \
	___bpf_rdptr5(fn, src, a, b, c, d, e);                                                     \
	___bpf_step(fn, &___t, sizeof(___t), src, f, a, b, c, d, e)
#define ___bpf_rdptr7(fn, src, a, b, c, d, e, f, g)                                                \
	___bpf_rdptr6(fn, src, a, b, c, d, e, f);                                                  \
	___bpf_step(fn, &___t, sizeof(___t), src, g, a, b, c, d, e, f)
#define ___bpf_rdptr8(fn, src, a, b, c, d, e, f, g, h)                                             \
	___bpf_rdptr7(fn, src, a, b, c, d, e, f, g);                                               \
	___bpf_step(fn, &___t, sizeof(___t), src, h, a, b, c, d, e, f, g)

/* Bytes a _STR_INTO may write: sizeof(dst) for an array, sizeof(*dst) for a pointer. */
#define ___bpf_str_size(dst)                                                                       \
	__builtin_choose_expr(                                                                     \
		__builtin_types_compatible_p(__typeof__(dst), __typeof__(&(dst)[0])),              \
		sizeof(*(dst)), sizeof(dst))

/* ptrfn reads the intermediate pointers, lastfn the final value */
#define ___bpf_read_chain(ptrfn, lastfn, dst, sz, src, a, args...)                                 \
	({                                                                                         \
		const void *___t = 0;                                                              \
		(void)___t;                                                                        \
		___bpf_read_chain_n(ptrfn, lastfn, dst, sz, src, a, ##args);                       \
	})
#define ___bpf_read_chain_n(ptrfn, lastfn, dst, sz, src, args...)                                  \
	___bpf_apply(___bpf_rdsel, ___bpf_narg(args))(ptrfn, lastfn, dst, sz, src, args)

/* dispatch: the last read may use a different function than the pointer reads */
#define ___bpf_rdsel1(pfn, lfn, dst, sz, src, a) lfn(dst, sz, &(src)->a)
#define ___bpf_rdsel2(pfn, lfn, dst, sz, src, a, b)                                                \
	___bpf_rdptr1(pfn, src, a); ___bpf_step(lfn, dst, sz, src, b, a)
#define ___bpf_rdsel3(pfn, lfn, dst, sz, src, a, b, c)                                             \
	___bpf_rdptr2(pfn, src, a, b); ___bpf_step(lfn, dst, sz, src, c, a, b)
#define ___bpf_rdsel4(pfn, lfn, dst, sz, src, a, b, c, d)                                          \
	___bpf_rdptr3(pfn, src, a, b, c); ___bpf_step(lfn, dst, sz, src, d, a, b, c)
#define ___bpf_rdsel5(pfn, lfn, dst, sz, src, a, b, c, d, e)                                       \
	___bpf_rdptr4(pfn, src, a, b, c, d); ___bpf_step(lfn, dst, sz, src, e, a, b, c, d)
#define ___bpf_rdsel6(pfn, lfn, dst, sz, src, a, b, c, d, e, f)                                    \
	___bpf_rdptr5(pfn, src, a, b, c, d, e); ___bpf_step(lfn, dst, sz, src, f, a, b, c, d, e)
#define ___bpf_rdsel7(pfn, lfn, dst, sz, src, a, b, c, d, e, f, g)                                 \
	___bpf_rdptr6(pfn, src, a, b, c, d, e, f);                                                 \
	___bpf_step(lfn, dst, sz, src, g, a, b, c, d, e, f)
#define ___bpf_rdsel8(pfn, lfn, dst, sz, src, a, b, c, d, e, f, g, h)                              \
	___bpf_rdptr7(pfn, src, a, b, c, d, e, f, g);                                              \
	___bpf_step(lfn, dst, sz, src, h, a, b, c, d, e, f, g)
#define ___bpf_rdsel9(pfn, lfn, dst, sz, src, a, b, c, d, e, f, g, h, i)                           \
	___bpf_rdptr8(pfn, src, a, b, c, d, e, f, g, h);                                           \
	___bpf_step(lfn, dst, sz, src, i, a, b, c, d, e, f, g, h)

/* plain (non-relocated) probe reads, for BPF_PROBE_READ* */
#define ___bpf_probe_read(dst, sz, src) bpf_probe_read_kernel(dst, sz, (const void *)(src))
#define ___bpf_probe_read_user(dst, sz, src) bpf_probe_read_user(dst, sz, (const void *)(src))
#define ___bpf_probe_read_str(dst, sz, src) bpf_probe_read_kernel_str(dst, sz, (const void *)(src))
#define ___bpf_probe_read_user_str(dst, sz, src)                                                   \
	bpf_probe_read_user_str(dst, sz, (const void *)(src))

/* CO-RE relocated, kernel memory */
#define BPF_CORE_READ_INTO(dst, src, a, ...)                                                       \
	___bpf_read_chain(bpf_core_read, bpf_core_read, dst, sizeof(*(dst)), src, a, ##__VA_ARGS__)
#define BPF_CORE_READ_STR_INTO(dst, src, a, ...)                                                   \
	___bpf_read_chain(bpf_core_read, bpf_core_read_str, dst, ___bpf_str_size(dst), src, a,     \
			  ##__VA_ARGS__)
#define BPF_CORE_READ(src, a, ...)                                                                 \
	({                                                                                         \
		___bpf_chain_type(src, a, ##__VA_ARGS__) ___val;                                   \
		BPF_CORE_READ_INTO(&___val, src, a, ##__VA_ARGS__);                                \
		___val;                                                                            \
	})

/* CO-RE relocated, user memory (the structs are still described by kernel BTF) */
#define BPF_CORE_READ_USER_INTO(dst, src, a, ...)                                                  \
	___bpf_read_chain(bpf_core_read_user, bpf_core_read_user, dst, sizeof(*(dst)), src, a,     \
			  ##__VA_ARGS__)
#define BPF_CORE_READ_USER_STR_INTO(dst, src, a, ...)                                              \
	___bpf_read_chain(bpf_core_read_user, bpf_core_read_user_str, dst, ___bpf_str_size(dst),   \
			  src, a, ##__VA_ARGS__)
#define BPF_CORE_READ_USER(src, a, ...)                                                            \
	({                                                                                         \
		___bpf_chain_type(src, a, ##__VA_ARGS__) ___val;                                   \
		BPF_CORE_READ_USER_INTO(&___val, src, a, ##__VA_ARGS__);                           \
		___val;                                                                            \
	})

/* no relocation: the offsets compiled in are used as they are */
#define BPF_PROBE_READ_INTO(dst, src, a, ...)                                                      \
	___bpf_read_chain(___bpf_probe_read, ___bpf_probe_read, dst, sizeof(*(dst)), src, a,       \
			  ##__VA_ARGS__)
#define BPF_PROBE_READ_STR_INTO(dst, src, a, ...)                                                  \
	___bpf_read_chain(___bpf_probe_read, ___bpf_probe_read_str, dst, ___bpf_str_size(dst),     \
			  src, a, ##__VA_ARGS__)
#define BPF_PROBE_READ(src, a, ...)                                                                \
	({                                                                                         \
		___bpf_chain_type(src, a, ##__VA_ARGS__) ___val;                                   \
		BPF_PROBE_READ_INTO(&___val, src, a, ##__VA_ARGS__);                               \
		___val;                                                                            \
	})
#define BPF_PROBE_READ_USER_INTO(dst, src, a, ...)                                                 \
	___bpf_read_chain(___bpf_probe_read_user, ___bpf_probe_read_user, dst, sizeof(*(dst)),     \
			  src, a, ##__VA_ARGS__)
#define BPF_PROBE_READ_USER_STR_INTO(dst, src, a, ...)                                             \
	___bpf_read_chain(___bpf_probe_read_user, ___bpf_probe_read_user_str, dst,                 \
			  ___bpf_str_size(dst), src, a, ##__VA_ARGS__)
#define BPF_PROBE_READ_USER(src, a, ...)                                                           \
	({                                                                                         \
		___bpf_chain_type(src, a, ##__VA_ARGS__) ___val;                                   \
		BPF_PROBE_READ_USER_INTO(&___val, src, a, ##__VA_ARGS__);                          \
		___val;                                                                            \
	})

#endif /* EBPFMINI_BPF_CORE_READ_H */
