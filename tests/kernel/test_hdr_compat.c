/* test_hdr_compat.c - a program written for libbpf's BPF-side headers (hdr_compat.bpf.c) loads, attaches and computes what it should (kernel tests) */
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>

#include "kbtf.h" /* em_btf_vmlinux_get: which kfuncs the kernel has */
#include "load_util.h"

#define HDR_OBJ OBJ("hdr_compat")

/* what hdr_compat.bpf.c stores (its struct hdr_result) */
struct hdr_result {
	int for_sum, repeat_n, each_sum;
	int cast_tgid;
	int prog2_dfd, prog2_hits;
	int kp_dfd, kp_hits, kret_hits;
	uint64_t kp_ret_ip;
	uint64_t kret_ret_ip;
	int doff, syn, fin;
	uint16_t th_bytes;
	uint16_t be16;
	uint32_t be32;
	uint64_t be64;
	int tp_hits;
};

/* 1 when the running kernel's BTF has a function of that name (a kfunc) */
static int has_kfunc(const char *name)
{
	const struct ebpfmini_btf *btf;

	assert_int_equal(em_btf_vmlinux_get(NULL, &btf), 0);
	return em_btf_find(btf, name, BTF_KIND_FUNC) > 0;
}

/* autoload prog only when ok; says what was skipped and why */
static int want(struct ebpfmini_object *obj, const char *prog, int ok, const char *why)
{
	assert_int_equal(ebpfmini_program_set_autoload(prog_of(obj, prog), ok), 0);
	if (!ok)
		print_message("note: %s not loaded: %s\n", prog, why);
	return ok;
}

static void test_hdr_compat(void **state)
{
	struct ebpfmini_object *obj;
	struct ebpfmini_program *p = NULL;
	struct ebpfmini_link *links[8];
	size_t nlinks = 0;
	struct hdr_result *r;
	int iter, cast, tramp, kprobes, err;
	char path[64], why[256] = "";

	(void)state;
	SKIP_UNLESS_ROOT();
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		print_message("skipped: /sys/kernel/btf/vmlinux: kernel without BTF "
			      "(CONFIG_DEBUG_INFO_BTF)\n");
		skip();
	}
	obj = open_obj(HDR_OBJ);
	*(int *)var_ptr(obj, ".rodata", "target_tgid") = getpid();

	iter = want(obj, "iter_loops", has_kfunc("bpf_iter_num_new"),
		    "open-coded iterators: the kernel has no kfunc bpf_iter_num_new");
	cast = want(obj, "core_cast", has_kfunc("bpf_rdonly_cast"),
		    "bpf_core_cast: the kernel has no kfunc bpf_rdonly_cast");
	tramp = ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TRAMPOLINES, why, sizeof(why)) == 1;
	want(obj, "prog2_unlink", tramp, why);
	want(obj, "prog2_by_value", 0, "compiled only (no kernel function takes its arguments)");
	kprobes = ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_KPROBES, why, sizeof(why)) == 1;
	want(obj, "kp_unlink", kprobes, why);
	want(obj, "kret_unlink", kprobes, why);

	err = ebpfmini_object_load(obj);
	if (err)
		fail_msg("load %s: %s", HDR_OBJ, strerror(-err));
	while ((p = ebpfmini_object_next_program(obj, p))) {
		if (!ebpfmini_program_autoload(p))
			continue;
		assert_true(nlinks < sizeof(links) / sizeof(links[0]));
		err = ebpfmini_program_attach(p, &links[nlinks]);
		if (err)
			fail_msg("attach %s: %s", ebpfmini_program_name(p), strerror(-err));
		nlinks++;
	}

	syscall(SYS_getpid);
	snprintf(path, sizeof(path), "/tmp/ebpfmini-hdr-compat-%d-none", getpid());
	assert_int_equal(unlinkat(AT_FDCWD, path, 0), -1); /* ENOENT: do_unlinkat still runs */

	r = var_ptr(obj, ".bss", "result");
	assert_true(r->tp_hits >= 1); /* attaching may call getpid() too */
	/* BPF_CORE_WRITE_BITFIELD: doff=5 in the high nibble of byte 12, syn (bit 1 of byte 13) */
	assert_int_equal(r->doff, 5);
	assert_int_equal(r->syn, 1);
	assert_int_equal(r->fin, 0);
	assert_int_equal(r->th_bytes, 0x0250);
	assert_int_equal(r->be16, 0x3412);
	assert_int_equal(r->be32, 0x78563412);
	assert_true(r->be64 == 0x0807060504030201ULL);
	if (iter) {
		assert_int_equal(r->for_sum, 45); /* 0 + 1 + ... + 9 */
		assert_int_equal(r->repeat_n, 5);
		assert_int_equal(r->each_sum, 9); /* 2 + 3 + 4 */
	}
	if (cast)
		assert_int_equal(r->cast_tgid, getpid());
	if (tramp) {
		assert_true(r->prog2_hits >= 1);
		assert_int_equal(r->prog2_dfd, AT_FDCWD);
	}
	if (kprobes) {
		assert_true(r->kp_hits >= 1);
		assert_int_equal(r->kp_dfd, AT_FDCWD);
		assert_true(r->kret_hits >= 1);
		/* the caller of do_unlinkat is kernel text */
		assert_true(r->kp_ret_ip >= 0xffff800000000000ULL);
	}

	while (nlinks)
		ebpfmini_link_close(links[--nlinks]);
	ebpfmini_object_close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hdr_compat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
