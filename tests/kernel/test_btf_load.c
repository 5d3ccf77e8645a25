/* test_btf_load.c - kernel tests of BTF: BPF_BTF_LOAD of clang-built and hand-built BTF,
 * the kernel's log on rejection, fd ownership, and parsing the running kernel's own BTF */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/bpf.h>

#include "btf.h"
#include "btf_test_obj.h"
#include "internal.h"
#include "log_capture.h"
#include "sys.h"
#include "unit/btf_builder.h"

static bool need_root(void)
{
	if (geteuid() == 0)
		return true;
	print_message("skip: BPF_BTF_LOAD needs root (CAP_BPF)\n");
	return false;
}

static int elf_section_size(void *ctx, const char *sec, uint32_t *size)
{
	size_t n;

	if (tobj_section(ctx, sec, NULL, &n) < 0)
		return -ENOENT;
	*size = (uint32_t)n;
	return 0;
}

static int elf_symbol_offset(void *ctx, const char *sec, const char *sym, uint32_t *off)
{
	unsigned long long v;

	if (tobj_symbol(ctx, sec, sym, &v))
		return -ENOENT;
	*off = (uint32_t)v;
	return 0;
}

/* The sample's .BTF, parsed, and fixed up as the loader does when fixup is set. */
static struct ebpfmini_btf *sample_btf(bool fixup)
{
	struct em_btf_fixup_ops ops = { NULL, elf_section_size, elf_symbol_offset };
	struct ebpfmini_btf *btf;
	struct tobj obj;
	const void *data = NULL;
	size_t size = 0;

	assert_int_equal(tobj_read(BPF_OBJ_DIR "/btf_sample.bpf.o", &obj), 0);
	assert_true(tobj_section(&obj, ".BTF", &data, &size) > 0);
	assert_int_equal(ebpfmini_btf_new(data, size, &btf), 0);
	ops.ctx = &obj;
	if (fixup)
		assert_int_equal(em_btf_fixup_datasecs(btf, &ops), 0);
	tobj_free(&obj);
	return btf;
}

static void test_load_sample(void **state)
{
	struct bpf_btf_info info;
	union bpf_attr attr;
	struct ebpfmini_btf *btf;
	size_t raw_size;
	int fd;

	(void)state;
	if (!need_root())
		skip();
	btf = sample_btf(true);
	assert_int_equal(ebpfmini_btf_fd(btf), -EBUSY);
	log_capture_reset();
	fd = ebpfmini_btf_load(btf);
	if (fd < 0)
		fail_msg("BPF_BTF_LOAD: %d\n%s", fd, logcap.text);
	assert_true(fd >= 3);
	assert_int_equal(logcap.count, 0);
	assert_int_equal(ebpfmini_btf_fd(btf), fd);
	assert_int_equal(ebpfmini_btf_load(btf), fd); /* once */
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);

	/* the kernel holds exactly our bytes */
	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (uint32_t)fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (uint64_t)(uintptr_t)&info;
	assert_int_equal(em_sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr.info)), 0);
	ebpfmini_btf_raw(btf, &raw_size);
	assert_int_equal(info.btf_size, raw_size);
	assert_true(info.id > 0);

	ebpfmini_btf_free(btf);
	/* the fd is closed */
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
}

/* Without the DATASEC fix-up the kernel refuses; its log reaches the callback. */
static void test_load_rejected(void **state)
{
	struct ebpfmini_btf *btf;
	int err;

	(void)state;
	if (!need_root())
		skip();
	btf = sample_btf(false);
	log_capture_reset();
	err = ebpfmini_btf_load(btf);
	assert_int_equal(err, -EINVAL);
	assert_int_equal(ebpfmini_btf_fd(btf), -EBUSY);
	print_message("%s", logcap.text);
	assert_true(logcap.count >= 2); /* some log lines, then the error */
	assert_non_null(strstr(logcap.text, "btf: kernel log: "));
	assert_non_null(strstr(logcap.text, "btf: BPF_BTF_LOAD: "));
	assert_non_null(strstr(logcap.text, "EINVAL"));
	ebpfmini_btf_free(btf);
}

/* Every BTF kind the builder makes is acceptable to the kernel once fixed up. */
static int ref_section_size(void *ctx, const char *sec, uint32_t *size)
{
	(void)ctx;
	if (strcmp(sec, ".data"))
		return -ENOENT;
	*size = 16;
	return 0;
}

static int ref_symbol_offset(void *ctx, const char *sec, const char *sym, uint32_t *off)
{
	(void)ctx;
	if (strcmp(sec, ".data") || strcmp(sym, "v"))
		return -ENOENT;
	*off = 0;
	return 0;
}

static void test_load_every_kind(void **state)
{
	struct em_btf_fixup_ops ops = { NULL, ref_section_size, ref_symbol_offset };
	struct ebpfmini_btf *btf;
	struct bb b;
	uint8_t *p;
	size_t size;
	int fd;

	(void)state;
	if (!need_root())
		skip();
	bb_reference(&b);
	p = bb_bytes(&b, &size);
	assert_int_equal(ebpfmini_btf_new(p, size, &btf), 0);
	free(p);
	assert_int_equal(em_btf_fixup_datasecs(btf, &ops), 0);
	log_capture_reset();
	fd = ebpfmini_btf_load(btf);
	if (fd < 0)
		fail_msg("BPF_BTF_LOAD: %d\n%s", fd, logcap.text);
	ebpfmini_btf_free(btf);
}

static void test_api_arguments(void **state)
{
	(void)state;
	assert_int_equal(ebpfmini_btf_load(NULL), -EINVAL);
	assert_int_equal(ebpfmini_btf_fd(NULL), -EINVAL);
	ebpfmini_btf_free(NULL);
}

/* The running kernel's BTF (and any module's, split on top of it) parses and resolves. */
static void check_all_types(const struct ebpfmini_btf *btf, uint32_t from)
{
	uint32_t size;

	for (uint32_t id = from; id < em_btf_type_end(btf); id++) {
		int r = em_btf_resolve_size(btf, id, &size);

		if (r != 0 && r != -EINVAL)
			fail_msg("type [%u] '%s': resolve_size %d", id,
				 ebpfmini_btf_type_name(btf, id), r);
		assert_true(em_btf_skip_mods(btf, id) >= 0);
	}
}

static void test_kernel_btf(void **state)
{
	struct ebpfmini_btf *vmlinux, *mod;
	size_t size, nmods = 0;
	struct dirent *de;
	void *data;
	DIR *dir;
	int id;

	(void)state;
	if (em_sys_read_file("/sys/kernel/btf/vmlinux", 512u << 20, &data, &size) < 0) {
		print_message("skip: the kernel has no BTF (/sys/kernel/btf/vmlinux, "
			      "CONFIG_DEBUG_INFO_BTF)\n");
		skip();
	}
	assert_int_equal(ebpfmini_btf_new(data, size, &vmlinux), 0);
	free(data);
	assert_true(ebpfmini_btf_type_count(vmlinux) > 10000);
	id = ebpfmini_btf_find(vmlinux, "task_struct", BTF_KIND_STRUCT);
	assert_true(id > 0);
	assert_true(ebpfmini_btf_type_size(vmlinux, id) > 1000);
	id = ebpfmini_btf_find(vmlinux, "bpf_attr", BTF_KIND_UNION);
	assert_true(id > 0);
	assert_true(ebpfmini_btf_type_size(vmlinux, id) >= (int)sizeof(union bpf_attr));
	check_all_types(vmlinux, 1);

	dir = opendir("/sys/kernel/btf");
	assert_non_null(dir);
	while ((de = readdir(dir))) {
		char path[512];

		if (de->d_name[0] == '.' || strcmp(de->d_name, "vmlinux") == 0)
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/btf/%s", de->d_name);
		if (em_sys_read_file(path, 64u << 20, &data, &size) < 0)
			continue;
		if (em_btf_parse(data, size, vmlinux, &mod))
			fail_msg("module BTF %s does not parse", path);
		free(data);
		assert_int_equal(mod->start_id, em_btf_type_end(vmlinux));
		check_all_types(mod, mod->start_id);
		em_btf_free(mod);
		nmods++;
	}
	closedir(dir);
	print_message("vmlinux: %u types; %zu module BTFs\n", ebpfmini_btf_type_count(vmlinux),
		      nmods);
	ebpfmini_btf_free(vmlinux);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_sample),     cmocka_unit_test(test_load_rejected),
		cmocka_unit_test(test_load_every_kind), cmocka_unit_test(test_api_arguments),
		cmocka_unit_test(test_kernel_btf),
	};

	ebpfmini_log_set(log_capture_line, EBPFMINI_LOG_DEBUG, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
