/* btf_sample.bpf.c - BTF test input: structs, unions, bitfields, enums, typedefs, arrays,
 * function pointers, tags, global data in .data/.bss/.rodata and a BTF-defined map.
 * Written without any ebpfmini header so that it tests the BTF clang emits, nothing else. */

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

#define SAMPLE_MAP_TYPE_HASH 1 /* BPF_MAP_TYPE_HASH */

typedef unsigned long long sample_u64;
typedef sample_u64 sample_u64_alias; /* typedef of a typedef */

struct sample_key {
	unsigned int pid;
	unsigned short port;
	unsigned char proto;
};

enum sample_color { SAMPLE_RED = 1, SAMPLE_GREEN = 2, SAMPLE_BLUE = 4 };

union sample_union {
	int i;
	float f;
	char c[4];
};

struct sample_bits {
	unsigned int a : 3;
	unsigned int b : 5;
	int c : 7;
	unsigned long long d;
};

struct sample_value {
	sample_u64 count;            /* offset 0 */
	struct sample_bits bits;     /* offset 8, 16 bytes */
	union sample_union u;        /* offset 24 */
	enum sample_color color;     /* offset 28 */
	int grid[4][3];              /* offset 32, 48 bytes */
	char name[16];               /* offset 80 */
	struct sample_key *next;     /* offset 96 */
	const volatile int cv;       /* offset 104 */
	int (*cb)(int, char);        /* offset 112 */
	sample_u64_alias total;      /* offset 120; struct is 128 bytes */
};

struct sample_tagged {
	int x __attribute__((btf_decl_tag("member_tag")));
	int __attribute__((btf_type_tag("user"))) *uptr;
};

struct {
	__uint(type, SAMPLE_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, struct sample_key);
	__type(value, struct sample_value);
} sample_map SEC(".maps");

/* .data */
int data_a = 1;
long data_b = 2;
char data_c[3] = { 1, 2, 3 };
static int data_static = 3;

/* .bss */
int bss_a;
struct sample_value bss_val;
struct sample_tagged bss_tagged;

/* .rodata */
const volatile int ro_a = 5;
const volatile long ro_b = 7;

static void *(*sample_lookup)(void *map, const void *key) = (void *)1; /* bpf_map_lookup_elem */

static __attribute__((noinline)) int sample_helper(struct sample_value *v, int x)
{
	return v->grid[x & 3][0] + x + v->bits.c;
}

SEC("tp/syscalls/sys_enter_execve")
int sample_prog(void *ctx)
{
	struct sample_key key = { .pid = 1, .port = 2, .proto = 3 };
	struct sample_value *v;

	(void)ctx;
	v = sample_lookup(&sample_map, &key);
	if (!v)
		return 0;
	data_static++;
	bss_a += data_a + (int)data_b + data_c[1] + ro_a + (int)ro_b + data_static;
	bss_val.count++;
	bss_tagged.x = bss_a;
	return sample_helper(v, bss_a);
}

SEC("xdp")
int sample_xdp(void *ctx)
{
	(void)ctx;
	return bss_a > 3 ? 2 : 1;
}

char LICENSE[] SEC("license") = "GPL";
