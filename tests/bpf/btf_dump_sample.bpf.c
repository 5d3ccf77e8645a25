/* btf_dump_sample.bpf.c - BTF-to-C test input: layouts a generated header must reproduce
 * (packed, over-aligned, padded, bitfields across storage units, anonymous members, unions
 * larger than their members), declarators (pointers to arrays, arrays of function pointers,
 * const pointers, varargs), cycles through pointers and typedefs, and enums of several sizes.
 * Written without any ebpfmini header: it tests the BTF clang emits and the dump of it. */

struct dm_other;

struct dm_packed {
	char c;
	int i;
	long long l;
} __attribute__((packed));

struct dm_packed_aligned {
	char c;
	int i;
} __attribute__((packed, aligned(4)));

struct dm_aligned_member {
	char c;
	int i __attribute__((aligned(16)));
	char d;
};

struct dm_cacheline {
	int a;
} __attribute__((aligned(64)));

struct dm_holds_cacheline {
	char c;
	struct dm_cacheline cl;
	short s;
};

union dm_big_union {
	int a;
	char b[3];
} __attribute__((aligned(32)));

union dm_small_union {
	char a;
} __attribute__((aligned(8)));

struct dm_bits {
	unsigned char a : 1;
	unsigned long long b : 40;
	unsigned int c : 30;
	short d : 3;
	int : 5;
	int e : 2;
	long long f : 60;
	_Bool g : 1;
};

struct dm_packed_bits {
	unsigned char a : 3;
	unsigned int b : 30;
	unsigned short c : 9;
} __attribute__((packed));

struct dm_anon {
	int kind;
	union {
		int i;
		struct {
			short lo, hi;
		};
		long long wide;
	};
	struct {
		char tag[3];
		int v : 4;
	} named;
	enum {
		DM_ANON_A = 1,
		DM_ANON_B = 2
	} e1, e2;
};

typedef struct dm_node dm_node_t;

struct dm_node {
	dm_node_t *next;
	struct dm_node *prev;
	void (*visit)(dm_node_t *, struct dm_other *);
	int (*table[4])(void);
	int (*mat)[3][2];
	const char *const name;
	volatile int *restrict rp;
	char *(*pick)(int, ...);
	struct dm_node *(*(*walk)(int))[2];
};

struct dm_other {
	struct dm_node node;
	struct dm_other *self;
};

typedef int dm_fn_t(int, long);
typedef dm_fn_t *dm_fn_ptr;
typedef struct {
	int x;
} dm_anon_typedef_t;

enum dm_byte_enum {
	DM_B0,
	DM_B1
} __attribute__((packed));
enum dm_neg {
	DM_NEG = -5,
	DM_POS = 5
};
enum dm_big_unsigned {
	DM_BIGU = 0xffffffffu
};

struct dm_flex {
	int n;
	char data[];
};

struct dm_empty {};

struct dm_zero_arr {
	int n;
	int z[0];
};

struct dm_wide {
	char c;
	__int128 v;
	double d;
	float f;
};

struct dm_all {
	struct dm_packed p;
	struct dm_packed_aligned pa;
	struct dm_aligned_member am;
	struct dm_holds_cacheline hc;
	union dm_big_union bu;
	union dm_small_union su;
	struct dm_bits bits;
	struct dm_packed_bits pbits;
	struct dm_anon anon;
	struct dm_other other;
	dm_fn_ptr fn;
	dm_anon_typedef_t at;
	enum dm_byte_enum be;
	enum dm_neg neg;
	enum dm_big_unsigned bigu;
	struct dm_flex *flex;
	struct dm_empty empty;
	struct dm_zero_arr za;
	struct dm_wide wide;
	char tail;
};

struct dm_all dm_all_var;

char LICENSE[] __attribute__((section("license"), used)) = "GPL";
