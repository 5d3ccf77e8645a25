/* elf_sample.bpf.c - small eBPF object for the ELF reader unit test (tests/bpf, no ebpfmini headers) */
/*
 * Written without any BPF headers on purpose: the ELF reader test must not
 * depend on the BPF-side headers. It gives the object what the reader must
 * handle: two program sections (one with two programs), a .text subprogram
 * called from both, a BTF-style .maps section, a license, .data / .bss /
 * .rodata, and so .rel<section> relocations against maps, globals and .text.
 */
#define SEC(name) __attribute__((section(name), used))

typedef unsigned int u32;
typedef unsigned long long u64;

/* helper 1 is bpf_map_lookup_elem in the kernel's numbering */
static void *(*map_lookup)(void *map, const void *key) = (void *)1;

/* BTF-defined map: type BPF_MAP_TYPE_ARRAY (2), 4 entries */
struct {
	int (*type)[2];
	int (*max_entries)[4];
	u32 *key;
	u64 *value;
} sample_map SEC(".maps");

u64 sample_data = 42;             /* .data */
u64 sample_bss;                   /* .bss */
volatile const u32 sample_ro = 7; /* .rodata */

__attribute__((noinline)) static int sample_sub(int x)
{
	return x * 3 + (int)sample_ro;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int sample_tp(void *ctx)
{
	u32 key = 1;
	u64 *v = map_lookup(&sample_map, &key);

	(void)ctx;
	if (v)
		*v += sample_data;
	sample_bss++;
	return sample_sub((int)sample_bss);
}

SEC("xdp")
int sample_xdp_a(void *ctx)
{
	(void)ctx;
	return sample_sub(2) & 3;
}

SEC("xdp")
int sample_xdp_b(void *ctx)
{
	(void)ctx;
	sample_data = 1;
	return 2;
}

char _license[] SEC("license") = "GPL";
