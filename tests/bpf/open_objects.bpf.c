/* open_objects.bpf.c - object for the open/relocation unit tests: every construct open must model */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

/* two maps of one inner type: slots of the map-in-map point at them */
struct inner_def {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
};
struct inner_def inner_a SEC(".maps"), inner_b SEC(".maps");

struct val {
	__u64 count;
	__u32 flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hash_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 8);
	__uint(numa_node, 0);
} sized_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner_def);
} outer SEC(".maps") = {
	.values = { [1] = &inner_b, [3] = &inner_a },
};

int xdp_tail(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 3);
	__uint(key_size, sizeof(__u32));
	__array(values, int(struct xdp_md *));
} jump_table SEC(".maps") = {
	.values = { [2] = (void *)&xdp_tail },
};

/* global data in every flavour */
__u32 data_counter = 5;
static volatile __u32 data_static = 9; /* referenced through the section symbol */
const volatile __u32 ro_limit = 7;
const volatile __u64 ro_wide = 0x1122334455667788ULL;
__u32 bss_sum;
__u64 bss_hits;
__u32 custom_val SEC(".data.custom") = 3;

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern int CONFIG_HZ __kconfig __weak;
extern char CONFIG_LOCALVERSION[16] __kconfig __weak;

static __noinline __u32 static_sub(__u32 x)
{
	return x * data_counter + ro_limit + data_static;
}

__noinline int global_sub(__u32 x)
{
	return x + bss_sum + custom_val;
}

static int loop_cb(__u32 i, void *ctx)
{
	bss_sum += i;
	return 0;
}

SEC("xdp")
int xdp_main(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct val *v = bpf_map_lookup_elem(&hash_map, &key);

	bpf_loop(4, loop_cb, 0, 0);
	if (v)
		v->count++;
	bss_hits++;
	return static_sub(key) + global_sub(3) + LINUX_KERNEL_VERSION + CONFIG_HZ +
	       CONFIG_LOCALVERSION[0];
}

SEC("xdp")
int xdp_tail(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jump_table, 0);
	return static_sub(2);
}

SEC("tp/syscalls/sys_enter_execve")
int tp_exec(void *ctx)
{
	__u32 key = 1;
	__u64 *slot = bpf_map_lookup_elem(&sized_array, &key);

	if (slot)
		*slot += ro_wide;
	return global_sub(1);
}

SEC("uprobe.s/libc.so.6:malloc")
int up_sleepable(void *ctx)
{
	return 0;
}

SEC("open_test/unknown")
int odd_section(void *ctx)
{
	return 1;
}

__u32 _version SEC("version") = 0x060c00;
char LICENSE[] SEC("license") = "Dual BSD/GPL";
