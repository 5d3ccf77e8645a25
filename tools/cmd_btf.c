/* cmd_btf.c - ebpfmini btf list/show, btf dump: BTF as a C header (vmlinux.h) or as a raw listing */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	struct stat st;
	int err;

	memset(f, 0, sizeof(*f));
	if (stat(path, &st) || !S_ISREG(st.st_mode)) /* /dev/zero would read for ever */
		return tool_file_error(path, -EINVAL);
	err = em_sys_read_file(path, BTF_FILE_MAX, &f->data, &f->size);
	if (err)
		return tool_file_error(path, err);
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
	      "       ebpfmini btf dump id ID|file FILE|map MAP|prog PROG [format c|raw]\n"
	      "  FILE    raw BTF or an eBPF object (default " VMLINUX_BTF ")\n"
	      "  ID      a BTF object of the kernel (btf list); MAP, PROG: the BTF object\n"
	      "          of a map or program (ID | id ID | pinned PATH | name NAME), whole\n"
	      "  --format c    a C header for BPF programs (vmlinux.h), the default\n"
	      "  --format raw  one line per type: [id] KIND 'name' ...\n"
	      "  --base BASE   FILE is split BTF on top of BASE (a kernel module's BTF;\n"
	      "                the default for /sys/kernel/btf/<module>: " VMLINUX_BTF ")\n",
	      out);
}

/* btf as text on stdout, or (-j, format raw) as one JSON document: 0, a negative errno, or
 * 1 after an error printed */
static int dump(const struct ebpfmini_btf *btf, enum ebpfmini_btf_dump_format fmt)
{
	if (!tool_json)
		return ebpfmini_btf_dump_fd(btf, fmt, STDOUT_FILENO);
	if (fmt == EBPFMINI_BTF_DUMP_C) {
		return tool_error("btf dump: a C header has no JSON form: -j goes with format raw");
	}
	return tool_btf_json(btf);
}

/* the BTF object id of map or prog fd */
static int owner_btf_id(bool map, int fd, uint32_t *id)
{
	union {
		struct bpf_map_info map;
		struct bpf_prog_info prog;
	} info;

	if (tool_info(fd, &info, sizeof(info)))
		return 1;
	*id = map ? info.map.btf_id : info.prog.btf_id;
	if (!*id)
		return tool_error("this %s has no BTF", map ? "map" : "program");
	return 0;
}

/* btf dump id ID|map MAP|prog PROG|file FILE [format c|raw] */
static int dump_words(int argc, char **argv)
{
	enum ebpfmini_btf_dump_format fmt = EBPFMINI_BTF_DUMP_C;
	struct tool_btf kb;
	struct btf_file file = { 0 }, base = { 0 };
	const struct ebpfmini_btf *btf;
	unsigned long long id = 0;
	uint32_t btf_id = 0;
	int used = 1, fd, err;

	if (!strcmp(argv[1], "id")) {
		if (tool_number(argv[2], "id", UINT32_MAX, &id))
			return 2;
		btf_id = (uint32_t)id;
	} else if (!strcmp(argv[1], "map") || !strcmp(argv[1], "prog")) {
		bool map = argv[1][0] == 'm';

		fd = tool_select_one(map ? TOOL_MAP : TOOL_PROG, argc - 2, argv + 2, &used);
		if (fd < 0)
			return 1;
		err = owner_btf_id(map, fd, &btf_id);
		close(fd);
		if (err)
			return 1;
	}
	if (argc > 2 + used) {
		if (strcmp(argv[2 + used], "format") || argc > 4 + used)
			return tool_bad_args("btf", argv[argc > 4 + used ? 4 + used : 2 + used]);
		if (argc == 3 + used)
			return tool_bad_args("btf", NULL);
		if (strcmp(argv[3 + used], "c") && strcmp(argv[3 + used], "raw"))
			return tool_error("btf dump: format wants c or raw, not '%s'",
					  argv[3 + used]) + 1;
		fmt = argv[3 + used][0] == 'c' ? EBPFMINI_BTF_DUMP_C : EBPFMINI_BTF_DUMP_RAW;
	}
	if (!btf_id) {
		/* file FILE: as the plain form does */
		if (!strncmp(argv[2], "/sys/kernel/btf/", 16) && strcmp(argv[2], VMLINUX_BTF) &&
		    btf_file_read(VMLINUX_BTF, NULL, &base))
			return 1;
		if (btf_file_read(argv[2], base.btf, &file)) {
			btf_file_free(&base);
			return 1;
		}
		btf = file.btf;
	} else {
		if (tool_btf_by_id(btf_id, &kb))
			return 1;
		btf = kb.btf;
	}
	err = dump(btf, fmt);
	if (btf_id)
		tool_btf_put(&kb);
	btf_file_free(&file);
	btf_file_free(&base);
	if (err < 0)
		return tool_error("btf dump: %s", strerror(-err));
	return err;
}

/* the ids of the programs or maps whose BTF is btf_id, into ids (n at most) */
static uint32_t users(enum tool_kind kind, uint32_t btf_id, uint32_t *ids, uint32_t n)
{
	uint32_t id = 0, count = 0;
	int fd;

	while (count < n && tool_next(kind, &id, &fd) > 0) {
		union {
			struct bpf_map_info map;
			struct bpf_prog_info prog;
		} info;
		uint32_t len = sizeof(info);

		memset(&info, 0, sizeof(info));
		if (!ebpfmini_sys_obj_get_info(fd, &info, &len) &&
		    (kind == TOOL_MAP ? info.map.btf_id : info.prog.btf_id) == btf_id)
			ids[count++] = id;
		close(fd);
	}
	return count;
}

static void show_one(int fd)
{
	struct bpf_btf_info info;
	char name[128] = "";
	uint32_t len = sizeof(info), progs[64], maps[64], np, nm;

	memset(&info, 0, sizeof(info));
	info.name = (uint64_t)(uintptr_t)name;
	info.name_len = sizeof(name);
	if (ebpfmini_sys_obj_get_info(fd, &info, &len)) {
		tool_error("BPF_OBJ_GET_INFO_BY_FD failed");
		return;
	}
	np = users(TOOL_PROG, info.id, progs, 64);
	nm = users(TOOL_MAP, info.id, maps, 64);
	if (tool_json) {
		struct json *j = tool_json;

		json_open(j, NULL);
		json_uint(j, "id", info.id);
		json_uint(j, "size", info.btf_size);
		json_open_array(j, "prog_ids");
		for (uint32_t i = 0; i < np; i++)
			json_uint(j, NULL, progs[i]);
		json_close_array(j);
		json_open_array(j, "map_ids");
		for (uint32_t i = 0; i < nm; i++)
			json_uint(j, NULL, maps[i]);
		json_close_array(j);
		if (name[0])
			json_str(j, "name", name);
		json_bool(j, "kernel", info.kernel_btf);
		json_close(j);
		return;
	}
	printf("%u: name %s%s%s  size %uB", info.id, info.kernel_btf ? "[" : "",
	       name[0] ? name : "<anon>", info.kernel_btf ? "]" : "", info.btf_size);
	for (uint32_t i = 0; i < np; i++)
		printf("%s%u", i ? "," : "  prog_ids ", progs[i]);
	for (uint32_t i = 0; i < nm; i++)
		printf("%s%u", i ? "," : "  map_ids ", maps[i]);
	printf("\n");
}

/* btf list, btf show [ID | id ID] */
int cmd_btf_show(int argc, char **argv)
{
	return tool_show(TOOL_BTF, argc, argv, show_one);
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

	if (argc >= 3 && (!strcmp(argv[1], "id") || !strcmp(argv[1], "map") ||
			  !strcmp(argv[1], "prog") || !strcmp(argv[1], "file")))
		return dump_words(argc, argv);
	optind = 1;
	while ((c = getopt_long(argc, argv, ":f:b:h", opts, NULL)) != -1) {
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
			return tool_opt_error("btf", argv, c);
		}
	}
	if (optind + 1 < argc)
		return tool_bad_args("btf", argv[optind + 1]);
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
	err = dump(file.btf, fmt);
	btf_file_free(&file);
	btf_file_free(&base);
	if (err < 0)
		return tool_error("btf dump %s: %s", path, strerror(-err));
	return err;
}
