/* ebpfmini/bpf_endian.h - byte order conversion for BPF C programs (BPF side) */
#ifndef EBPFMINI_BPF_ENDIAN_H
#define EBPFMINI_BPF_ENDIAN_H

/*
 * Network (big-endian) <-> BPF target byte order. For a run-time value the
 * conversion compiles to one BPF_END instruction; for a constant the
 * __bpf_constant_* forms are integer constant expressions (usable in case
 * labels and static initializers), and the plain forms pick them for
 * constants automatically.
 */

#define ___bpf_swab16(x)                                                                           \
	((__u16)((((__u16)(x) & (__u16)0x00ffU) << 8) | (((__u16)(x) & (__u16)0xff00U) >> 8)))
#define ___bpf_swab32(x)                                                                           \
	((__u32)((((__u32)(x) & (__u32)0x000000ffUL) << 24) |                                      \
		 (((__u32)(x) & (__u32)0x0000ff00UL) << 8) |                                       \
		 (((__u32)(x) & (__u32)0x00ff0000UL) >> 8) |                                       \
		 (((__u32)(x) & (__u32)0xff000000UL) >> 24)))
#define ___bpf_swab64(x)                                                                           \
	((__u64)((((__u64)(x) & (__u64)0x00000000000000ffULL) << 56) |                             \
		 (((__u64)(x) & (__u64)0x000000000000ff00ULL) << 40) |                             \
		 (((__u64)(x) & (__u64)0x0000000000ff0000ULL) << 24) |                             \
		 (((__u64)(x) & (__u64)0x00000000ff000000ULL) << 8) |                              \
		 (((__u64)(x) & (__u64)0x000000ff00000000ULL) >> 8) |                              \
		 (((__u64)(x) & (__u64)0x0000ff0000000000ULL) >> 24) |                             \
		 (((__u64)(x) & (__u64)0x00ff000000000000ULL) >> 40) |                             \
		 (((__u64)(x) & (__u64)0xff00000000000000ULL) >> 56)))

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ___bpf_to_be16(x) __builtin_bswap16(x)
#define ___bpf_to_be32(x) __builtin_bswap32(x)
#define ___bpf_to_be64(x) __builtin_bswap64(x)
#define ___bpf_const_to_be16(x) ___bpf_swab16(x)
#define ___bpf_const_to_be32(x) ___bpf_swab32(x)
#define ___bpf_const_to_be64(x) ___bpf_swab64(x)
#elif __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define ___bpf_to_be16(x) ((__u16)(x))
#define ___bpf_to_be32(x) ((__u32)(x))
#define ___bpf_to_be64(x) ((__u64)(x))
#define ___bpf_const_to_be16(x) ((__u16)(x))
#define ___bpf_const_to_be32(x) ((__u32)(x))
#define ___bpf_const_to_be64(x) ((__u64)(x))
#else
#error "bpf_endian.h: unknown __BYTE_ORDER__"
#endif

/* the swap is its own inverse: "to big endian" and "from big endian" coincide */
#define __bpf_constant_htons(x) ___bpf_const_to_be16(x)
#define __bpf_constant_ntohs(x) ___bpf_const_to_be16(x)
#define __bpf_constant_htonl(x) ___bpf_const_to_be32(x)
#define __bpf_constant_ntohl(x) ___bpf_const_to_be32(x)
#define __bpf_constant_cpu_to_be64(x) ___bpf_const_to_be64(x)
#define __bpf_constant_be64_to_cpu(x) ___bpf_const_to_be64(x)

/* run-time forms: always the conversion instruction, never folded by hand */
#define __bpf_htons(x) ___bpf_to_be16(x)
#define __bpf_ntohs(x) ___bpf_to_be16(x)
#define __bpf_htonl(x) ___bpf_to_be32(x)
#define __bpf_ntohl(x) ___bpf_to_be32(x)
#define __bpf_cpu_to_be64(x) ___bpf_to_be64(x)
#define __bpf_be64_to_cpu(x) ___bpf_to_be64(x)

#define ___bpf_pick_swap(cfn, rfn, x) (__builtin_constant_p(x) ? cfn(x) : rfn(x))

#define bpf_htons(x) ___bpf_pick_swap(___bpf_const_to_be16, ___bpf_to_be16, x)
#define bpf_ntohs(x) ___bpf_pick_swap(___bpf_const_to_be16, ___bpf_to_be16, x)
#define bpf_htonl(x) ___bpf_pick_swap(___bpf_const_to_be32, ___bpf_to_be32, x)
#define bpf_ntohl(x) ___bpf_pick_swap(___bpf_const_to_be32, ___bpf_to_be32, x)
#define bpf_cpu_to_be64(x) ___bpf_pick_swap(___bpf_const_to_be64, ___bpf_to_be64, x)
#define bpf_be64_to_cpu(x) ___bpf_pick_swap(___bpf_const_to_be64, ___bpf_to_be64, x)

#endif /* EBPFMINI_BPF_ENDIAN_H */
