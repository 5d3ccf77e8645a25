/* core_target_a.c - "kernel A" for unit-core: core_reads.bpf.c's types moved, resized, renamed and removed (target BTF, clang -target bpf -g -c) */

/* x moved behind a new member, y first */
struct core_inner {
	unsigned short y;
	long pad;
	int x;
};

struct core_s {
	char first[3]; /* new: everything below moves */
	long b;
	int a;                 /* after b now */
	unsigned int pad5 : 5; /* new: the bitfields shift by 5 bits */
	unsigned int lo : 3;
	unsigned int hi : 9;
	int sbf : 5;
	struct core_inner in;
	union { /* the anonymous union gained a first member */
		long anon_zero;
		int anon_a;
		unsigned int anon_b;
	};
	int arr[8]; /* was int[4] */
	char *p;
	unsigned long grow; /* was unsigned int: loads widen */
	long sgrow;         /* was int: a signed load cannot widen */
	/* "gone" was removed */
	int new_name; /* what core_s___new asks for */
};

/* v (bits 30..33) crosses a 4-byte unit: only an 8-byte load holds it */
struct core_bits {
	char c[3];
	unsigned short pad : 6;
	unsigned int v : 4;
	unsigned int w : 12;
} __attribute__((packed));

struct core_sized {
	int x[8];
};

typedef struct core_s core_s_t;

/* renumbered, CORE_E_GONE removed */
enum core_e {
	CORE_E_B = 20,
	CORE_E_A = 10,
};

/* clang emits BTF only for types something uses */
struct core_s core_target_a_s;
struct core_bits core_target_a_bits;
struct core_sized core_target_a_sized;
core_s_t *core_target_a_typedef;
enum core_e core_target_a_e;
