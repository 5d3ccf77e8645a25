/* core_reads.bpf.c - one CO-RE relocation per program, of every kind, relocated by unit-core against core_target_*.c */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>
#include <ebpfmini/bpf_core_read.h>

/*
 * The "local" view of the types, as a program compiled against an old
 * vmlinux.h would see them. tests/unit/core_target_a.c is the "kernel": the
 * same names with fields moved, resized, renamed and removed. Each program
 * below holds exactly one relocation, so the test finds it by function name.
 */
#define __pai __attribute__((preserve_access_index))

struct core_inner {
	int x;
	unsigned short y;
} __pai;

struct core_s {
	int a;
	long b;
	unsigned int lo : 3;
	unsigned int hi : 9;
	int sbf : 5;
	struct core_inner in;
	union {
		int anon_a;
		unsigned int anon_b;
	};
	int arr[4];
	char *p;
	unsigned int grow;
	int sgrow;
	int gone;
} __pai;

/* flavors: the part before "___" names the kernel type */
struct core_s___new {
	int new_name;
} __pai;

struct core_s___old {
	int old_name;
} __pai;

struct core_bits {
	unsigned int v : 4;
	unsigned int w : 12;
} __pai;

struct core_sized {
	int x[4];
} __pai;

struct core_absent {
	int z;
} __pai;

typedef struct core_s core_s_t;

enum core_e {
	CORE_E_A = 1,
	CORE_E_B = 2,
	CORE_E_GONE = 3,
};

#define FIELD(name, expr, kind)                                                                    \
	SEC("socket") unsigned long name(struct core_s *s)                                         \
	{                                                                                          \
		return __builtin_preserve_field_info(expr, kind);                                  \
	}

/* field offsets and sizes (ALU mov immediates) */
FIELD(off_a, s->a, BPF_FIELD_BYTE_OFFSET)
FIELD(off_in_y, s->in.y, BPF_FIELD_BYTE_OFFSET)
FIELD(off_anon_b, s->anon_b, BPF_FIELD_BYTE_OFFSET)
FIELD(off_arr2, s->arr[2], BPF_FIELD_BYTE_OFFSET)
FIELD(size_b, s->b, BPF_FIELD_BYTE_SIZE)
FIELD(size_arr, s->arr, BPF_FIELD_BYTE_SIZE)
FIELD(size_gone, s->gone, BPF_FIELD_BYTE_SIZE)
FIELD(exists_b, s->b, BPF_FIELD_EXISTS)
FIELD(exists_gone, s->gone, BPF_FIELD_EXISTS)
FIELD(signed_a, s->a, BPF_FIELD_SIGNED)
FIELD(signed_grow, s->grow, BPF_FIELD_SIGNED)

/* bitfields */
FIELD(bf_hi_off, s->hi, BPF_FIELD_BYTE_OFFSET)
FIELD(bf_hi_size, s->hi, BPF_FIELD_BYTE_SIZE)
FIELD(bf_hi_lshift, s->hi, BPF_FIELD_LSHIFT_U64)
FIELD(bf_hi_rshift, s->hi, BPF_FIELD_RSHIFT_U64)
FIELD(bf_lo_lshift, s->lo, BPF_FIELD_LSHIFT_U64)
FIELD(bf_sbf_signed, s->sbf, BPF_FIELD_SIGNED)
FIELD(bf_sbf_lshift, s->sbf, BPF_FIELD_LSHIFT_U64)
FIELD(bf_hi_signed, s->hi, BPF_FIELD_SIGNED)

SEC("socket") unsigned long bits_v_size(struct core_bits *s)
{
	return __builtin_preserve_field_info(s->v, BPF_FIELD_BYTE_SIZE);
}

SEC("socket") unsigned long bits_v_lshift(struct core_bits *s)
{
	return __builtin_preserve_field_info(s->v, BPF_FIELD_LSHIFT_U64);
}

/* loads and stores (memory offsets) */
SEC("socket") long read_b(struct core_s *s)
{
	return s->b;
}

SEC("socket") long read_in_y(struct core_s *s)
{
	return s->in.y;
}

SEC("socket") long read_anon_a(struct core_s *s)
{
	return s->anon_a;
}

SEC("socket") long read_arr3(struct core_s *s)
{
	return s->arr[3];
}

SEC("socket") long read_grow(struct core_s *s) /* u32 -> u64 in the target: load widened */
{
	return s->grow;
}

SEC("socket") long read_sgrow(struct core_s *s) /* s32 -> s64: cannot widen, poisoned */
{
	return s->sgrow;
}

SEC("socket") long read_gone(struct core_s *s) /* missing in the target: poisoned */
{
	return s->gone;
}

SEC("socket") int write_in_x(struct core_s *s)
{
	s->in.x = 7;
	return 0;
}

/* an ALU add of the offset, as BPF_CORE_READ makes it */
SEC("socket") long probe_b(struct core_s *s)
{
	long v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &s->b);
	return v;
}

/* a relocation inside a .text subprogram */
static __attribute__((noinline)) long sub_read_a(struct core_s *s)
{
	return s->a;
}

SEC("socket") long calls_sub(struct core_s *s)
{
	return sub_read_a(s) + 1;
}

/* flavors */
SEC("socket") unsigned long flavor_new_off(struct core_s___new *s)
{
	return __builtin_preserve_field_info(s->new_name, BPF_FIELD_BYTE_OFFSET);
}

SEC("socket") unsigned long flavor_old_exists(struct core_s___old *s)
{
	return __builtin_preserve_field_info(s->old_name, BPF_FIELD_EXISTS);
}

SEC("socket") unsigned long absent_field_off(struct core_absent *s)
{
	return __builtin_preserve_field_info(s->z, BPF_FIELD_BYTE_OFFSET);
}

/* types (ld_imm64 for ids, ALU mov for existence and size) */
SEC("socket") unsigned long type_id_local(void *ctx)
{
	return __builtin_btf_type_id(*(struct core_s *)0, BPF_TYPE_ID_LOCAL);
}

SEC("socket") unsigned long type_id_target(void *ctx)
{
	return __builtin_btf_type_id(*(struct core_s *)0, BPF_TYPE_ID_TARGET);
}

SEC("socket") unsigned long type_id_target_absent(void *ctx)
{
	return __builtin_btf_type_id(*(struct core_absent *)0, BPF_TYPE_ID_TARGET);
}

SEC("socket") unsigned long type_exists_s(void *ctx)
{
	return __builtin_preserve_type_info(*(struct core_s *)0, BPF_TYPE_EXISTS);
}

SEC("socket") unsigned long type_exists_inner(void *ctx)
{
	return __builtin_preserve_type_info(*(struct core_inner *)0, BPF_TYPE_EXISTS);
}

SEC("socket") unsigned long type_exists_sized(void *ctx)
{
	return __builtin_preserve_type_info(*(struct core_sized *)0, BPF_TYPE_EXISTS);
}

SEC("socket") unsigned long type_exists_absent(void *ctx)
{
	return __builtin_preserve_type_info(*(struct core_absent *)0, BPF_TYPE_EXISTS);
}

SEC("socket") unsigned long type_size_sized(void *ctx)
{
	return __builtin_preserve_type_info(*(struct core_sized *)0, BPF_TYPE_SIZE);
}

SEC("socket") unsigned long type_size_typedef(void *ctx)
{
	return __builtin_preserve_type_info(*(core_s_t *)0, BPF_TYPE_SIZE);
}

SEC("socket") unsigned long type_size_absent(void *ctx)
{
	return __builtin_preserve_type_info(*(struct core_absent *)0, BPF_TYPE_SIZE);
}

/* enums (ld_imm64) */
SEC("socket") unsigned long enum_b_value(void *ctx)
{
	return __builtin_preserve_enum_value(*(enum core_e *)CORE_E_B, BPF_ENUMVAL_VALUE);
}

SEC("socket") unsigned long enum_a_exists(void *ctx)
{
	return __builtin_preserve_enum_value(*(enum core_e *)CORE_E_A, BPF_ENUMVAL_EXISTS);
}

SEC("socket") unsigned long enum_gone_exists(void *ctx)
{
	return __builtin_preserve_enum_value(*(enum core_e *)CORE_E_GONE, BPF_ENUMVAL_EXISTS);
}

SEC("socket") unsigned long enum_gone_value(void *ctx)
{
	return __builtin_preserve_enum_value(*(enum core_e *)CORE_E_GONE, BPF_ENUMVAL_VALUE);
}

char LICENSE[] SEC("license") = "GPL";
