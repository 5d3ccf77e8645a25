/* skel_vars.bpf.c - global variables of every layout a skeleton must lay out (test_var, skeleton tests) */
#include <linux/types.h>
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

/* a named struct, a nested anonymous struct and union, an array member, padding */
struct cfg {
	__u8 flag;
	__u32 limit;
	struct {
		__u16 lo;
		union {
			__u64 wide;
			char bytes[3];
		};
	} inner;
	__s8 tail[5];
};

enum mode { MODE_OFF, MODE_ON = 7 };

/* .rodata: set before load, frozen after */
const volatile __u8 ro_small = 1;
const volatile __u64 ro_wide = 0x1122334455667788ULL;
const volatile struct cfg ro_cfg = { .flag = 2, .limit = 3, .inner = { .lo = 4, .wide = 5 } };
const volatile __u32 ro_arr[3] = { 10, 20, 30 };
const volatile struct {
	__u16 port;
	__u8 on;
} ro_anon = { .port = 80, .on = 1 };
const volatile enum mode ro_mode = MODE_ON;

/* .data */
__u32 data_counter = 5;
char data_name[6] = "skel";
static volatile __u32 data_static = 9;

/* .bss */
__u64 bss_sum;
__u8 bss_byte;
__u64 bss_hits[4];
struct cfg bss_cfg;

/* custom sections */
__u32 custom_val SEC(".data.custom") = 3;
const volatile __u16 custom_ro SEC(".rodata.custom") = 12;

/* .kconfig */
extern unsigned int LINUX_KERNEL_VERSION __kconfig;

/* copies the configuration into .bss so the test sees what the program saw */
SEC("xdp")
int skel_copy(struct xdp_md *ctx)
{
	bss_sum = ro_small + ro_wide + ro_cfg.limit + ro_cfg.inner.wide + ro_arr[2] + ro_anon.port +
		  ro_mode + custom_ro + data_static;
	bss_byte = ro_cfg.flag;
	bss_hits[0]++;
	bss_hits[3] = LINUX_KERNEL_VERSION ? 1 : 0;
	bss_cfg.limit = ro_cfg.limit;
	bss_cfg.tail[4] = ro_cfg.tail[4];
	custom_val += data_counter + data_name[0];
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
