/* cmd_prog_dump.c - ebpfmini prog dump xlated|jited: a loaded program's instructions as the kernel holds them */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

#include "btf.h"    /* em_btf_str: line info strings */
#include "kernel.h" /* em_kallsyms_read */
#include "tool.h"

/* What the dump needs from BPF_OBJ_GET_INFO_BY_FD, with the arrays it points to. */
struct dump {
	struct bpf_prog_info info;
	struct bpf_insn *insns;
	uint8_t *jited;
	struct bpf_func_info *funcs;
	struct bpf_line_info *lines;
	uint32_t *func_lens;
	uint64_t *ksyms;
	struct ebpfmini_btf *btf;
	/* helper and kfunc calls: __bpf_call_base + imm, named from /proc/kallsyms */
	char *kallsyms;
	uint64_t call_base;
	bool linum;
};

static void *array(uint32_t n, uint32_t size, __u64 *field)
{
	void *p = n ? calloc(n, size) : NULL;

	*field = (__u64)(uintptr_t)p;
	return p;
}

static int read_info(int fd, struct dump *d)
{
	struct bpf_prog_info *i = &d->info;
	uint32_t len = sizeof(*i);
	int err;

	memset(i, 0, sizeof(*i));
	err = ebpfmini_sys_obj_get_info(fd, i, &len);
	if (err)
		return err;
	/* the second call fills the arrays the first one sized */
	struct bpf_prog_info want = {
		.xlated_prog_len = i->xlated_prog_len,
		.jited_prog_len = i->jited_prog_len,
		.nr_func_info = i->nr_func_info,
		.func_info_rec_size = sizeof(struct bpf_func_info),
		.nr_line_info = i->nr_line_info,
		.line_info_rec_size = sizeof(struct bpf_line_info),
		.nr_jited_func_lens = i->nr_jited_func_lens,
		.nr_jited_ksyms = i->nr_jited_ksyms,
	};
	d->insns = array(i->xlated_prog_len, 1, &want.xlated_prog_insns);
	d->jited = array(i->jited_prog_len, 1, &want.jited_prog_insns);
	d->funcs = array(i->nr_func_info, sizeof(*d->funcs), &want.func_info);
	d->lines = array(i->nr_line_info, sizeof(*d->lines), &want.line_info);
	d->func_lens = array(i->nr_jited_func_lens, sizeof(uint32_t), &want.jited_func_lens);
	d->ksyms = array(i->nr_jited_ksyms, sizeof(uint64_t), &want.jited_ksyms);
	len = sizeof(want);
	err = ebpfmini_sys_obj_get_info(fd, &want, &len);
	if (err)
		return err;
	want.id = i->id;
	want.btf_id = i->btf_id;
	*i = want;
	return 0;
}

/* The program's BTF (for function names and line info), or NULL. */
static struct ebpfmini_btf *read_btf(uint32_t id)
{
	struct bpf_btf_info info = { 0 };
	struct ebpfmini_btf *btf = NULL;
	uint32_t len = sizeof(info);
	void *data = NULL;
	int fd = id ? ebpfmini_sys_btf_get_fd_by_id(id) : -1;

	if (fd < 0 || ebpfmini_sys_obj_get_info(fd, &info, &len))
		goto out;
	data = malloc(info.btf_size ? info.btf_size : 1);
	if (!data)
		goto out;
	len = sizeof(info);
	info = (struct bpf_btf_info){ .btf = (uint64_t)(uintptr_t)data, .btf_size = info.btf_size };
	if (ebpfmini_sys_obj_get_info(fd, &info, &len) == 0 &&
	    ebpfmini_btf_new(data, info.btf_size, &btf) < 0)
		btf = NULL;
out:
	free(data);
	if (fd >= 0)
		close(fd);
	return btf;
}

/* The name of the kernel symbol at addr in /proc/kallsyms, into buf; NULL when none. */
static const char *ksym_at(const char *text, uint64_t addr, char *buf, size_t size)
{
	char want[24];
	int n = snprintf(want, sizeof(want), "%016" PRIx64 " ", addr);

	for (const char *line = text; addr && line && *line;) {
		const char *nl = strchr(line, '\n');

		if (!strncmp(line, want, (size_t)n) && line[n] && line[n + 1] == ' ') {
			size_t len = strcspn(line + n + 2, "\t\n");

			snprintf(buf, size, "%.*s", (int)len, line + n + 2);
			return buf;
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static const char *func_at(const struct dump *d, size_t idx)
{
	for (uint32_t i = 0; d->btf && i < d->info.nr_func_info; i++)
		if (d->funcs[i].insn_off == idx)
			return ebpfmini_btf_type_name(d->btf, d->funcs[i].type_id);
	return NULL;
}

static const char *label(void *ctx, size_t idx)
{
	return func_at(ctx, idx);
}

static const char *name(void *ctx, const void *insns, size_t cnt, size_t idx, char *buf,
			size_t size)
{
	struct dump *d = ctx;
	const struct bpf_insn *in = (const struct bpf_insn *)insns + idx;

	(void)cnt;
	if (in->code != (BPF_JMP | BPF_CALL))
		return NULL;
	if (in->src_reg == BPF_PSEUDO_CALL)
		return func_at(d, idx + 1 + (size_t)(ptrdiff_t)(in->off ? in->off : in->imm));
	if (!d->call_base)
		return NULL;
	return ksym_at(d->kallsyms, d->call_base + (uint64_t)(int64_t)in->imm, buf, size);
}

static void find_call_base(struct dump *d)
{
	const char *p;

	if (em_kallsyms_read(&d->kallsyms) < 0)
		return;
	p = strstr(d->kallsyms, " __bpf_call_base\n");
	while (p && p > d->kallsyms && p[-1] != '\n')
		p--;
	/* "<address> <type> __bpf_call_base": walk back to the line's start */
	if (p)
		d->call_base = strtoull(p, NULL, 16);
}

/* "; source line" (and "@ file:line:col" with linum) for the line info at instruction idx */
static void print_line(const struct dump *d, size_t idx)
{
	for (uint32_t i = 0; d->btf && i < d->info.nr_line_info; i++) {
		const struct bpf_line_info *l = &d->lines[i];
		const char *src = em_btf_str(d->btf, l->line_off);

		if (l->insn_off != idx || !src || !*src)
			continue;
		printf("; %s", src);
		if (d->linum)
			printf(" @ %s:%u:%u", em_btf_str(d->btf, l->file_name_off) ?: "?",
			       l->line_col >> 10, l->line_col & 0x3ff);
		printf("\n");
	}
}

/* -j: the line info at instruction idx as members of its element (bpftool's names) */
static void json_line(const struct dump *d, size_t idx)
{
	for (uint32_t i = 0; d->btf && i < d->info.nr_line_info; i++) {
		const struct bpf_line_info *l = &d->lines[i];
		const char *src = em_btf_str(d->btf, l->line_off);

		if (l->insn_off != idx || !src || !*src)
			continue;
		json_str(tool_json, "src", src);
		if (d->linum) {
			json_str(tool_json, "file", em_btf_str(d->btf, l->file_name_off) ?: "?");
			json_uint(tool_json, "line_num", l->line_col >> 10);
			json_uint(tool_json, "line_col", l->line_col & 0x3ff);
		}
		return;
	}
}

/* -j: one instruction (n slots) as an element of the array */
static void json_insn(const struct dump *d, size_t i, int n, const char *text, bool opcodes)
{
	struct json *j = tool_json;
	const char *fn = label((void *)d, i);
	const struct bpf_insn *in = &d->insns[i];
	char hex[32];

	json_open(j, NULL);
	json_uint(j, "pc", i);
	if (fn && *fn)
		json_str(j, "func", fn);
	json_line(d, i);
	json_str(j, "disasm", text);
	if (opcodes) {
		json_open(j, "opcodes");
		snprintf(hex, sizeof(hex), "0x%02x", in->code);
		json_str(j, "code", hex);
		snprintf(hex, sizeof(hex), "0x%x", in->src_reg);
		json_str(j, "src_reg", hex);
		snprintf(hex, sizeof(hex), "0x%x", in->dst_reg);
		json_str(j, "dst_reg", hex);
		snprintf(hex, sizeof(hex), "0x%04x", (uint16_t)in->off);
		json_str(j, "off", hex);
		snprintf(hex, sizeof(hex), "0x%08x", (uint32_t)in->imm);
		json_str(j, "imm", hex);
		if (n > 1) {
			snprintf(hex, sizeof(hex), "0x%08x", (uint32_t)in[1].imm);
			json_str(j, "imm_hi", hex);
		}
		json_close(j);
	}
	json_close(j);
}

static void dump_xlated(struct dump *d, bool opcodes)
{
	struct ebpfmini_insn_fmt_opts opts = {
		.sz = sizeof(opts), .opcode = true, .name = name, .ctx = d,
	};
	size_t cnt = d->info.xlated_prog_len / sizeof(struct bpf_insn);
	char text[256];

	find_call_base(d);
	if (tool_json)
		json_open_array(tool_json, NULL);
	for (size_t i = 0; i < cnt;) {
		const char *fn = label(d, i);
		int n;

		if (tool_json) {
			n = ebpfmini_insn_format(d->insns, cnt, i, text, sizeof(text), &opts);
			n = n > 0 ? n : 1;
			json_insn(d, i, n, text, opcodes);
			i += (size_t)n;
			continue;
		}
		if (fn && *fn)
			printf("%s%s:\n", i ? "\n" : "", fn);
		print_line(d, i);
		n = ebpfmini_insn_format(d->insns, cnt, i, text, sizeof(text), &opts);
		printf("%4zu: %s\n", i, text);
		n = n > 0 ? n : 1;
		if (opcodes) {
			const uint8_t *b = (const uint8_t *)&d->insns[i];

			printf("      ");
			for (int k = 0; k < n * 8; k++)
				printf(" %02x", b[k]);
			printf("\n");
		}
		i += (size_t)n;
	}
	if (tool_json)
		json_close_array(tool_json);
}

/* -j: each function's kernel symbol and JIT bytes as an element of one array */
static void json_jited(struct dump *d)
{
	uint32_t off = 0;

	json_open_array(tool_json, NULL);
	for (uint32_t f = 0; off < d->info.jited_prog_len; f++) {
		uint32_t len = f < d->info.nr_jited_func_lens ? d->func_lens[f] :
								d->info.jited_prog_len - off;
		char sym[256];
		const char *s = f < d->info.nr_jited_ksyms ?
					ksym_at(d->kallsyms, d->ksyms[f], sym, sizeof(sym)) :
					NULL;

		if (len > d->info.jited_prog_len - off)
			len = d->info.jited_prog_len - off;
		json_open(tool_json, NULL);
		json_str(tool_json, "name", s ? s : func_at(d, 0) ? func_at(d, 0) : "prog");
		json_uint(tool_json, "len", len);
		json_hex_array(tool_json, "opcodes", d->jited + off, len);
		json_close(tool_json);
		if (!len)
			break;
		off += len;
	}
	json_close_array(tool_json);
}

/* The JIT's bytes, 16 a line, each function under its kernel symbol's name. */
static void dump_jited(struct dump *d)
{
	uint32_t off = 0, f = 0, end = d->info.nr_jited_func_lens ? d->func_lens[0] : d->info.jited_prog_len;

	find_call_base(d);
	if (tool_json) {
		json_jited(d);
		return;
	}
	for (uint32_t i = 0; i < d->info.jited_prog_len; i++) {
		if (i == off) {
			char sym[256];
			const char *s = f < d->info.nr_jited_ksyms ?
						ksym_at(d->kallsyms, d->ksyms[f], sym, sizeof(sym)) :
						NULL;

			printf("%s%s:\n", i ? "\n" : "", s ? s : func_at(d, 0) ? func_at(d, 0) : "prog");
		}
		if ((i - off) % 16 == 0)
			printf("%s%4x:", (i - off) ? "\n" : "", i - off);
		printf(" %02x", d->jited[i]);
		if (i + 1 == end) {
			printf("\n");
			off = end;
			if (++f < d->info.nr_jited_func_lens)
				end += d->func_lens[f];
		}
	}
	if (end < d->info.jited_prog_len)
		printf("\n");
}

static void dump_free(struct dump *d)
{
	free(d->insns);
	free(d->jited);
	free(d->funcs);
	free(d->lines);
	free(d->func_lens);
	free(d->ksyms);
	free(d->kallsyms);
	ebpfmini_btf_free(d->btf);
}

int cmd_prog_dump(int argc, char **argv)
{
	struct dump d = { 0 };
	bool xlated, opcodes = false;
	int fd, used, err;

	if (argc < 2 || (strcmp(argv[1], "xlated") && strcmp(argv[1], "jited"))) {
		tool_error("usage: ebpfmini prog dump xlated PROG [linum] [opcodes] | jited PROG");
		return 2;
	}
	xlated = !strcmp(argv[1], "xlated");
	fd = tool_select_one(TOOL_PROG, argc - 2, argv + 2, &used);
	if (fd < 0)
		return 1;
	for (int i = 2 + used; i < argc; i++) {
		if (xlated && !strcmp(argv[i], "linum")) {
			d.linum = true;
		} else if (xlated && !strcmp(argv[i], "opcodes")) {
			opcodes = true;
		} else {
			close(fd);
			tool_error("prog dump %s: unexpected '%s'", argv[1], argv[i]);
			return 2;
		}
	}
	err = read_info(fd, &d);
	close(fd);
	if (err) {
		dump_free(&d);
		return tool_explain("prog dump: BPF_OBJ_GET_INFO_BY_FD", err, BPF_OBJ_GET_INFO_BY_FD,
				    NULL);
	}
	if (xlated && !d.info.xlated_prog_len)
		err = tool_error("prog %u: the kernel shows no instructions (it needs CAP_SYS_ADMIN, "
				 "and kernel.kptr_restrict may hide them)", d.info.id);
	else if (!xlated && !d.info.jited_prog_len)
		err = tool_error("prog %u: not JITed, or hidden from this process", d.info.id);
	else {
		d.btf = read_btf(d.info.btf_id);
		if (xlated)
			dump_xlated(&d, opcodes);
		else
			dump_jited(&d);
	}
	dump_free(&d);
	return err;
}
