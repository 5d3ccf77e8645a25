/* cmd_btf.c - ebpfmini btf dump: BTF as a C header (vmlinux.h) or as a raw listing */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

#include "btf.h" /* em_btf_parse with a base: module BTF is split BTF */
#include "elf.h" /* an eBPF object's .BTF section */
#include "sys.h" /* em_sys_read_file */
#include "tool.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"
#define BTF_FILE_MAX (1024u * 1024 * 1024)

struct btf_file {
	void *data;
	size_t size;
	struct ebpfmini_btf *btf;
};

static void btf_file_free(struct btf_file *f)
{
	em_btf_free(f->btf);
	free(f->data);
	memset(f, 0, sizeof(*f));
}

/* Reads path: raw BTF (/sys/kernel/btf/..., a .btf file) or an ELF object's .BTF. */
static int btf_file_read(const char *path, const struct ebpfmini_btf *base, struct btf_file *f)
{
	const void *btf = NULL;
	size_t size = 0;
	struct em_elf *elf = NULL;
	int err;

	memset(f, 0, sizeof(*f));
	err = em_sys_read_file(path, BTF_FILE_MAX, &f->data, &f->size);
	if (err)
		return tool_error("%s: %s", path, strerror(-err));
	btf = f->data;
	size = f->size;
	if (size >= 4 && memcmp(f->data, "\177ELF", 4) == 0) {
		const struct em_elf_section *s;

		err = em_elf_parse(f->data, f->size, &elf);
		if (err) {
			btf_file_free(f);
			return tool_error("%s: not an ELF file this tool can read: %s", path,
					  strerror(-err));
		}
		s = em_elf_section_by_name(elf, ".BTF");
		if (!s || !s->data) {
			em_elf_free(elf);
			btf_file_free(f);
			return tool_error("%s: no .BTF section (was it built with -g?)", path);
		}
		btf = s->data;
		size = s->size;
	}
	err = em_btf_parse(btf, size, base, &f->btf);
	em_elf_free(elf);
	if (err) {
		btf_file_free(f);
		return tool_error("%s: not valid BTF: %s", path, strerror(-err));
	}
	return 0;
}

static void usage(FILE *out)
{
	fputs("usage: ebpfmini btf dump [FILE] [--format c|raw] [--base BASE]\n"
	      "  FILE    raw BTF or an eBPF object (default " VMLINUX_BTF ")\n"
	      "  --format c    a C header for BPF programs (vmlinux.h), the default\n"
	      "  --format raw  one line per type: [id] KIND 'name' ...\n"
	      "  --base BASE   FILE is split BTF on top of BASE (a kernel module's BTF;\n"
	      "                the default for /sys/kernel/btf/<module>: " VMLINUX_BTF ")\n",
	      out);
}

int cmd_btf_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "base", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum ebpfmini_btf_dump_format fmt = EBPFMINI_BTF_DUMP_C;
	const char *path = VMLINUX_BTF, *base_path = NULL;
	struct btf_file base = { 0 }, file;
	int c, err;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "c"))
				fmt = EBPFMINI_BTF_DUMP_C;
			else if (!strcmp(optarg, "raw"))
				fmt = EBPFMINI_BTF_DUMP_RAW;
			else
				return tool_error("--format wants c or raw, not '%s'", optarg) + 1;
			break;
		case 'b':
			base_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 < argc) {
		usage(stderr);
		return 2;
	}
	if (optind < argc)
		path = argv[optind];
	/* module BTF in sysfs is split BTF on top of vmlinux's */
	if (!base_path && !strncmp(path, "/sys/kernel/btf/", 16) && strcmp(path, VMLINUX_BTF))
		base_path = VMLINUX_BTF;
	if (base_path && btf_file_read(base_path, NULL, &base))
		return 1;
	if (btf_file_read(path, base.btf, &file)) {
		btf_file_free(&base);
		return 1;
	}
	err = ebpfmini_btf_dump_fd(file.btf, fmt, STDOUT_FILENO);
	btf_file_free(&file);
	btf_file_free(&base);
	if (err)
		return tool_error("btf dump %s: %s", path, strerror(-err));
	return 0;
}
