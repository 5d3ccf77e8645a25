/* cmd_object.c - ebpfmini object show / object load: look at an object file, load it */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

#include "internal.h" /* EM_MAX */
#include "objapi.h"   /* em_program_code_disasm */
#include "objstate.h" /* the tool is ours: it may look at the parsed model (and elf.h: SHT_*) */
#include "tool.h"

#ifndef SHT_LLVM_ADDRSIG
#define SHT_LLVM_ADDRSIG 0x6fff4c03
#endif

static const char *section_type_name(uint32_t type)
{
	static const struct {
		uint32_t type;
		const char *name;
	} names[] = {
		{ SHT_NULL, "NULL" },       { SHT_PROGBITS, "PROGBITS" },
		{ SHT_SYMTAB, "SYMTAB" },   { SHT_STRTAB, "STRTAB" },
		{ SHT_RELA, "RELA" },       { SHT_HASH, "HASH" },
		{ SHT_DYNAMIC, "DYNAMIC" }, { SHT_NOTE, "NOTE" },
		{ SHT_NOBITS, "NOBITS" },   { SHT_REL, "REL" },
		{ SHT_DYNSYM, "DYNSYM" },   { SHT_LLVM_ADDRSIG, "LLVM_ADDRSIG" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == type)
			return names[i].name;
	return "?";
}

/* "0x400 (mmapable)", or "0" */
static const char *map_flags(uint32_t flags, char *buf, size_t size)
{
	static const char *const names[] = {
		"no_prealloc",    "no_common_lru",  "numa_node",   "rdonly",      "wronly",
		"stack_build_id", "zero_seed",      "rdonly_prog", "wronly_prog", "clone",
		"mmapable",       "preserve_elems", "inner_map",   "link",        "path_fd",
	};
	size_t n;

	if (!flags)
		return "0";
	n = (size_t)snprintf(buf, size, "0x%x (", flags);
	for (unsigned bit = 0; bit < 32 && n < size; bit++) {
		if (!(flags & (1u << bit)))
			continue;
		if (bit < sizeof(names) / sizeof(names[0]))
			n += (size_t)snprintf(buf + n, size - n, "%s|", names[bit]);
		else
			n += (size_t)snprintf(buf + n, size - n, "0x%x|", 1u << bit);
	}
	if (n < size)
		buf[n - 1] = ')';
	return buf;
}

/*
 * The library's messages during open and load are held here and printed
 * after the outcome is known: a failed program's verifier log (a warning)
 * is left out, as the tool prints the whole log itself after the error;
 * when the load fails for want of privileges, the BTF warnings that the
 * same cause made are left out; when the library explained an error, the
 * tool does not explain it a second time.
 */
static struct {
	char text[8192];
	size_t len;
	bool error; /* an error-level line was held */
} held;

static void hold_log(enum ebpfmini_log_level level, const char *line, void *ctx)
{
	(void)ctx;
	if (level == EBPFMINI_LOG_WARN && strstr(line, "': verifier log"))
		return;
	held.error |= level == EBPFMINI_LOG_ERROR;
	if (held.len < sizeof(held.text))
		held.len += (size_t)snprintf(held.text + held.len, sizeof(held.text) - held.len,
					     "ebpfmini: %s\n", line);
	if (held.len > sizeof(held.text))
		held.len = sizeof(held.text);
}

/* Print the held lines (without those of subject "btf: " when drop_btf) and forget them. */
static void flush_log(bool drop_btf)
{
	char *line = held.text, *end = held.text + strnlen(held.text, held.len);

	while (line < end) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) + 1 : (size_t)(end - line);

		if (!drop_btf || strncmp(line, "ebpfmini: btf: ", 15))
			fwrite(line, 1, n, stderr);
		line += n;
	}
	memset(&held, 0, sizeof(held));
}

/*
 * ebpfmini_object_open() failed on path: a file that is missing, unreadable or
 * not a regular file gets a file's explanation, not the kernel-oriented one of
 * its errno (ENOENT is "no such file" here, not "no element with that key").
 */
static int open_error(const char *path, int err)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0)
		flush_log(false); /* the parser's own words on what is wrong inside */
	else
		memset(&held, 0, sizeof(held));
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return tool_error("%s: not a regular file (an eBPF object is the ELF file that "
				  "clang -target bpf writes)",
				  path);
	if (stat(path, &st) || access(path, R_OK))
		return tool_file_error(path, err);
	if (err == -EBADMSG || err == -E2BIG)
		return tool_error("%s: not an eBPF object this tool can read (%s): an ELF file "
				  "from clang -target bpf -g -O2 -c x.bpf.c is",
				  path, strerror(-err));
	return tool_explain(path, err, -1, NULL);
}

static void show_sections(const struct em_model *obj)
{
	int w = 4; /* width of the name column: the longest name */

	for (size_t i = 1; i < obj->elf->nsections; i++)
		w = EM_MAX(w, (int)strlen(obj->elf->sections[i].name));
	printf("\nsections:\n  %3s  %-*s  %-12s %-5s %8s\n", "idx", w, "name", "type", "flags",
	       "size");
	for (size_t i = 1; i < obj->elf->nsections; i++) {
		const struct em_elf_section *s = &obj->elf->sections[i];
		char flags[4] = "", *f = flags;

		if (s->flags & SHF_WRITE)
			*f++ = 'W';
		if (s->flags & SHF_ALLOC)
			*f++ = 'A';
		if (s->flags & SHF_EXECINSTR)
			*f++ = 'X';
		printf("  %3u  %-*s  %-12s %-5s %8llu\n", s->index, w, s->name,
		       section_type_name(s->type), flags, (unsigned long long)s->size);
	}
}

static void show_programs(const struct ebpfmini_object *obj)
{
	const struct ebpfmini_program *p = NULL;
	int wn = 4, ws = 7; /* name and section column widths */
	char type[64];

	while ((p = ebpfmini_object_next_program(obj, p))) {
		wn = EM_MAX(wn, (int)strlen(ebpfmini_program_name(p)));
		ws = EM_MAX(ws, (int)strlen(ebpfmini_program_section(p)));
	}
	printf("\nprograms:\n  %-*s  %-*s  %-16s %6s\n", wn, "name", ws, "section", "type",
	       "insns");
	while ((p = ebpfmini_object_next_program(obj, p)))
		printf("  %-*s  %-*s  %-16s %6zu%s\n", wn, ebpfmini_program_name(p), ws,
		       ebpfmini_program_section(p),
		       tool_prog_type(ebpfmini_program_type(p), type, sizeof(type)),
		       ebpfmini_program_insn_count(p),
		       ebpfmini_program_autoload(p) ? "" : "  (no autoload)");
}

static void show_maps(const struct ebpfmini_object *obj)
{
	const struct ebpfmini_map *m = NULL;
	char type[64], flags[160];
	int wn = 4, wf = 5; /* name and flags column widths */

	while ((m = ebpfmini_object_next_map(obj, m))) {
		wn = EM_MAX(wn, (int)strlen(ebpfmini_map_name(m)));
		wf = EM_MAX(wf,
			    (int)strlen(map_flags(ebpfmini_map_flags(m), flags, sizeof(flags))));
	}
	printf("\nmaps:\n  %-*s  %-16s %5s %6s %11s  %-*s  %s\n", wn, "name", "type", "key",
	       "value", "max_entries", wf, "flags", "pinning");
	while ((m = ebpfmini_object_next_map(obj, m))) {
		const char *pin = ebpfmini_map_pin_path(m);

		printf("  %-*s  %-16s %5u %6u %11u  %-*s  %s%s%s\n", wn, ebpfmini_map_name(m),
		       tool_map_type(ebpfmini_map_type(m), type, sizeof(type)), ebpfmini_map_key_size(m),
		       ebpfmini_map_value_size(m), ebpfmini_map_max_entries(m), wf,
		       map_flags(ebpfmini_map_flags(m), flags, sizeof(flags)),
		       m->pinning == EM_PIN_BY_NAME ? "by_name" :
		       pin                          ? "path" :
						      "none",
		       pin ? " " : "", pin ? pin : "");
	}
}

static const char *map_name_at(const struct em_model *obj, size_t idx)
{
	return idx < obj->nmaps ? obj->maps[idx].name : "?";
}

static void show_relocation(const struct em_model *obj, const struct em_reloc *r)
{
	const struct em_elf_section *target;

	printf("    insn %5u  ", r->insn_idx);
	switch (r->kind) {
	case EM_RELO_MAP_FD:
		printf("map fd      map '%s'\n", map_name_at(obj, r->map_idx));
		break;
	case EM_RELO_MAP_VALUE:
		printf("map value   '%s' + %u\n", map_name_at(obj, r->map_idx), r->value_off);
		break;
	case EM_RELO_CALL:
	case EM_RELO_FUNC_PTR:
		target = em_elf_section(obj->elf, r->target_sec);
		printf("%-11s %s + insn %u\n", r->kind == EM_RELO_CALL ? "call" : "func ptr",
		       target ? target->name : "?", r->target_insn);
		break;
	case EM_RELO_KCONFIG:
	case EM_RELO_EXTERN:
		printf("%-11s '%s'\n", r->kind == EM_RELO_KCONFIG ? "kconfig" : "extern",
		       r->ext_idx >= 0 && (size_t)r->ext_idx < obj->nexterns ?
			       obj->externs[r->ext_idx].name :
			       "?");
		break;
	default:
		printf("kind %d\n", (int)r->kind);
	}
}

static void show_relocations(const struct em_model *obj)
{
	size_t total = 0;

	printf("\nrelocations:\n");
	for (size_t i = 0; i < obj->ncode; i++) {
		const struct em_code_sec *c = &obj->code[i];

		if (!c->nrelos)
			continue;
		printf("  section '%s' (%zu):\n", c->name, c->nrelos);
		for (size_t j = 0; j < c->nrelos; j++)
			show_relocation(obj, &c->relos[j]);
		total += c->nrelos;
	}
	if (!total)
		printf("  (none)\n");
}

/* object show -j: the same four tables as one JSON object */
static void show_json(const struct ebpfmini_object *obj, const char *path)
{
	const struct em_model *m = &obj->model;
	const struct ebpfmini_program *p = NULL;
	const struct ebpfmini_map *map = NULL;
	struct json *j = tool_json;
	char buf[160];

	json_open(j, NULL);
	json_str(j, "name", ebpfmini_object_name(obj));
	json_str(j, "file", path);
	json_str(j, "license", ebpfmini_object_license(obj));
	json_uint(j, "kernel_version", ebpfmini_object_kversion(obj));
	json_bool(j, "btf", ebpfmini_object_btf(obj) != NULL);
	json_open_array(j, "sections");
	for (size_t i = 1; i < m->elf->nsections; i++) {
		const struct em_elf_section *sec = &m->elf->sections[i];

		json_open(j, NULL);
		json_uint(j, "index", sec->index);
		json_str(j, "name", sec->name);
		json_str(j, "type", section_type_name(sec->type));
		json_uint(j, "flags", sec->flags);
		json_uint(j, "size", sec->size);
		json_close(j);
	}
	json_close_array(j);
	json_open_array(j, "programs");
	while ((p = ebpfmini_object_next_program(obj, p))) {
		json_open(j, NULL);
		json_str(j, "name", ebpfmini_program_name(p));
		json_str(j, "section", ebpfmini_program_section(p));
		json_str(j, "type", tool_prog_type(ebpfmini_program_type(p), buf, sizeof(buf)));
		json_uint(j, "insns", ebpfmini_program_insn_count(p));
		json_bool(j, "autoload", ebpfmini_program_autoload(p));
		json_close(j);
	}
	json_close_array(j);
	json_open_array(j, "maps");
	while ((map = ebpfmini_object_next_map(obj, map))) {
		json_open(j, NULL);
		json_str(j, "name", ebpfmini_map_name(map));
		json_str(j, "type", tool_map_type(ebpfmini_map_type(map), buf, sizeof(buf)));
		json_uint(j, "bytes_key", ebpfmini_map_key_size(map));
		json_uint(j, "bytes_value", ebpfmini_map_value_size(map));
		json_uint(j, "max_entries", ebpfmini_map_max_entries(map));
		json_uint(j, "flags", ebpfmini_map_flags(map));
		json_str(j, "pinned", ebpfmini_map_pin_path(map));
		json_close(j);
	}
	json_close_array(j);
	json_open_array(j, "relocations");
	for (size_t i = 0; i < m->ncode; i++)
		for (size_t k = 0; k < m->code[i].nrelos; k++) {
			const struct em_reloc *r = &m->code[i].relos[k];

			json_open(j, NULL);
			json_str(j, "section", m->code[i].name);
			json_uint(j, "insn", r->insn_idx);
			json_str(j, "kind", r->kind == EM_RELO_MAP_FD	? "map_fd" :
					    r->kind == EM_RELO_MAP_VALUE ? "map_value" :
					    r->kind == EM_RELO_CALL	 ? "call" :
					    r->kind == EM_RELO_FUNC_PTR	 ? "func_ptr" :
					    r->kind == EM_RELO_KCONFIG	 ? "kconfig" :
					    r->kind == EM_RELO_EXTERN	 ? "extern" :
									   "?");
			if (r->kind == EM_RELO_MAP_FD || r->kind == EM_RELO_MAP_VALUE)
				json_str(j, "map", map_name_at(m, r->map_idx));
			if (r->kind == EM_RELO_MAP_VALUE)
				json_uint(j, "offset", r->value_off);
			json_close(j);
		}
	json_close_array(j);
	json_close(j);
}

/* Print text (a dump) indented by four spaces, then free it. */
static void print_dump(char *text)
{
	for (char *line = text, *nl; line && *line; line = nl + 1) {
		nl = strchr(line, '\n');
		printf("    %.*s\n", (int)(nl - line), line);
	}
	free(text);
}

/* Every function of every code section: programs through ebpfmini_program_disasm(), the
 * other functions (subprograms) with the same names from the section's relocations. */
static int show_disasm(const struct ebpfmini_object *obj, bool opcodes)
{
	struct ebpfmini_insn_fmt_opts opts = { .sz = sizeof(opts), .opcode = opcodes };
	const struct em_model *m = &obj->model;
	char *text;
	int err = 0;

	printf("\ndisassembly:\n");
	for (size_t c = 0; c < m->ncode && err >= 0; c++) {
		printf("  section '%s':\n", m->code[c].name);
		for (size_t f = 0; f < m->code[c].nfuncs && err >= 0; f++) {
			const struct em_func *fn = &m->code[c].funcs[f];
			const struct ebpfmini_program *p = NULL;

			while ((p = ebpfmini_object_next_program(obj, p)))
				if (p->code_idx == c && p->sec_insn_off == fn->insn_off)
					break;
			err = p ? ebpfmini_program_disasm(p, &opts, &text) :
				  em_program_code_disasm(m, c, fn->insn_off, fn->insn_cnt, &opts, &text);
			if (err >= 0)
				print_dump(text);
		}
	}
	if (err < 0)
		tool_error("disassemble: %s", strerror(-err));
	return err < 0 ? 1 : 0;
}

int cmd_object_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "disasm", no_argument, NULL, 'd' },
		{ "opcodes", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ebpfmini_object *obj;
	bool disasm = false, opcodes = false;
	int opt, err;

	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			disasm = true;
			break;
		case 'o':
			opcodes = true;
			break;
		case 'h':
			tool_usage(stdout, "object");
			return 0;
		default:
			return tool_opt_error("object", argv, opt);
		}
	}
	if (optind + 1 != argc)
		return tool_bad_args("object", optind + 1 < argc ? argv[optind + 1] : NULL);
	ebpfmini_log_set(hold_log, ebpfmini_log_level(), NULL);
	err = ebpfmini_object_open(argv[optind], NULL, &obj);
	ebpfmini_log_set(NULL, ebpfmini_log_level(), NULL);
	if (err)
		return open_error(argv[optind], err);
	flush_log(false);
	if (tool_json) {
		show_json(obj, argv[optind]);
		ebpfmini_object_close(obj);
		return 0;
	}
	printf("object %s (%s): license \"%s\", kernel version %u, %s\n", ebpfmini_object_name(obj),
	       argv[optind], ebpfmini_object_license(obj), ebpfmini_object_kversion(obj),
	       ebpfmini_object_btf(obj) ? "BTF" : "no BTF");
	show_sections(&obj->model);
	show_programs(obj);
	show_maps(obj);
	show_relocations(&obj->model);
	err = disasm ? show_disasm(obj, opcodes) : 0;
	ebpfmini_object_close(obj);
	return err;
}

/* After a failed load: the verifier log of each program that did not load. */
static void print_failed_logs(const struct ebpfmini_object *obj)
{
	const struct ebpfmini_program *p = NULL;

	while ((p = ebpfmini_object_next_program(obj, p))) {
		const char *log = ebpfmini_program_log(p);

		if (ebpfmini_program_fd(p) >= 0 || !log || !*log)
			continue;
		fprintf(stderr, "\nverifier log of prog '%s':\n%s%s", ebpfmini_program_name(p), log,
			log[strlen(log) - 1] == '\n' ? "" : "\n");
	}
}

static const struct ebpfmini_program *first_failed(const struct ebpfmini_object *obj)
{
	const struct ebpfmini_program *p = NULL;

	while ((p = ebpfmini_object_next_program(obj, p)))
		if (ebpfmini_program_autoload(p) && ebpfmini_program_log(p) &&
		    ebpfmini_program_fd(p) < 0)
			return p;
	return NULL;
}

/* object load --report: print the load report, also of a load that failed */
static bool report;
/* object load --target PROG [--target-func FUNC]: the program freplace, fentry, fexit and
 * fmod_ret programs attach to (an fd of it, 0: none), and the function (NULL: the SEC name's) */
static int target_fd;
static const char *target_func;

/* Whether prog can take a target program: freplace, fentry, fexit, fmod_ret. */
static bool takes_target(const struct ebpfmini_program *prog)
{
	uint32_t eat = ebpfmini_program_expected_attach_type(prog);

	if (ebpfmini_program_type(prog) == BPF_PROG_TYPE_EXT)
		return true;
	return ebpfmini_program_type(prog) == BPF_PROG_TYPE_TRACING &&
	       (eat == BPF_TRACE_FENTRY || eat == BPF_TRACE_FEXIT || eat == BPF_MODIFY_RETURN);
}

/* --target: every program to load that can take it gets it. */
static int give_target(struct ebpfmini_object *obj, const char *path)
{
	struct ebpfmini_program *prog = NULL;
	int n = 0;

	while (target_fd > 0 && (prog = ebpfmini_object_next_program(obj, prog))) {
		int err;

		if (!ebpfmini_program_autoload(prog) || !takes_target(prog))
			continue;
		err = ebpfmini_program_set_attach_target(prog, target_fd, target_func);
		if (err) {
			char what[512];

			snprintf(what, sizeof(what), "%s: prog '%s': --target", path,
				 ebpfmini_program_name(prog));
			return tool_explain(what, err, -1, NULL);
		}
		n++;
	}
	if (target_fd > 0 && !n)
		return tool_error("%s: --target: no freplace, fentry, fexit or fmod_ret program "
				  "to load",
				  path);
	return 0;
}

int tool_open_load(const char *path, char **only, int count, struct ebpfmini_object **out)
{
	struct ebpfmini_program *prog = NULL;
	const struct ebpfmini_program *failed;
	struct ebpfmini_object *obj;
	int err;

	*out = NULL;
	ebpfmini_log_set(hold_log, ebpfmini_log_level(), NULL);
	err = ebpfmini_object_open(path, NULL, &obj);
	ebpfmini_log_set(NULL, ebpfmini_log_level(), NULL);
	if (err)
		return open_error(path, err);
	flush_log(false);
	for (int i = 0; i < count; i++)
		if (!ebpfmini_object_find_program(obj, only[i])) {
			tool_error("%s: no program '%s' (object show lists them)", path, only[i]);
			ebpfmini_object_close(obj);
			return 1;
		}
	while (count && (prog = ebpfmini_object_next_program(obj, prog))) {
		bool picked = count < 0 && prog == ebpfmini_object_next_program(obj, NULL);

		for (int i = 0; i < count; i++)
			picked |= !strcmp(ebpfmini_program_name(prog), only[i]);
		ebpfmini_program_set_autoload(prog, picked);
	}
	if (give_target(obj, path)) {
		ebpfmini_object_close(obj);
		return 1;
	}
	ebpfmini_log_set(hold_log, ebpfmini_log_level(), NULL);
	err = ebpfmini_object_load(obj);
	ebpfmini_log_set(NULL, ebpfmini_log_level(), NULL);
	if (err) {
		bool explained = held.error;

		flush_log(err == -EPERM);
		failed = first_failed(obj);
		if (failed) {
			/* the library explained the error above; the log follows */
			tool_error("%s: load failed: prog '%s' was not accepted: %s", path,
				   ebpfmini_program_name(failed), strerror(-err));
		} else if (explained) {
			/* the library's line above says why */
			tool_error("%s: load failed: %s", path, strerror(-err));
		} else {
			char what[512];

			snprintf(what, sizeof(what), "%s: load", path);
			tool_explain(what, err, -1, NULL);
		}
		print_failed_logs(obj);
		if (report && tool_json) {
			json_open(tool_json, NULL);
			json_str(tool_json, "object", ebpfmini_object_name(obj));
			json_str(tool_json, "file", path);
			json_int(tool_json, "error", err);
			tool_print_report(obj);
			json_close(tool_json);
		} else if (report) {
			tool_print_report(obj);
		}
		ebpfmini_object_close(obj);
		return 1;
	}
	flush_log(false);
	*out = obj;
	return 0;
}

/* What object load made: the maps and programs with their kernel ids, as lines of text or,
 * with -j, the first members of the one JSON object (finish() closes it). */
static void print_loaded(const struct ebpfmini_object *obj, const char *path, bool picked)
{
	const struct ebpfmini_program *p = NULL;
	const struct ebpfmini_map *m = NULL;
	struct json *j = tool_json;
	char type[64];

	if (j) {
		json_open(j, NULL);
		json_str(j, "object", ebpfmini_object_name(obj));
		json_str(j, "file", path);
		json_open_array(j, "maps");
		while ((m = ebpfmini_object_next_map(obj, m))) {
			json_open(j, NULL);
			json_uint(j, "id", ebpfmini_map_id(m));
			json_str(j, "name", ebpfmini_map_name(m));
			json_str(j, "type", tool_map_type(ebpfmini_map_type(m), type, sizeof(type)));
			json_close(j);
		}
		json_close_array(j);
		json_open_array(j, "programs");
		while ((p = ebpfmini_object_next_program(obj, p))) {
			bool loaded = ebpfmini_program_fd(p) >= 0;

			json_open(j, NULL);
			if (loaded)
				json_uint(j, "id", ebpfmini_program_id(p));
			json_str(j, "name", ebpfmini_program_name(p));
			json_str(j, "type",
				 tool_prog_type(ebpfmini_program_type(p), type, sizeof(type)));
			json_bool(j, "loaded", loaded);
			if (loaded)
				json_uint(j, "insns", ebpfmini_program_insn_count(p));
			json_close(j);
		}
		json_close_array(j);
		return;
	}
	while ((m = ebpfmini_object_next_map(obj, m)))
		printf("map  '%s': id %u, %s\n", ebpfmini_map_name(m), ebpfmini_map_id(m),
		       tool_map_type(ebpfmini_map_type(m), type, sizeof(type)));
	while ((p = ebpfmini_object_next_program(obj, p))) {
		if (ebpfmini_program_fd(p) < 0) {
			printf("prog '%s': not loaded (%s)\n", ebpfmini_program_name(p),
			       picked ? "not picked by --prog" : "autoload off");
			continue;
		}
		printf("prog '%s': id %u, %s, %zu insns\n", ebpfmini_program_name(p),
		       ebpfmini_program_id(p),
		       tool_prog_type(ebpfmini_program_type(p), type, sizeof(type)),
		       ebpfmini_program_insn_count(p));
	}
}

/* The end of object load's output: the report (--report), the end of the JSON document. */
static void finish(void *ctx)
{
	if (report)
		tool_print_report(ctx);
	if (tool_json)
		json_close(tool_json);
}

/* --target PROG: a program id, or the path of a pinned program; its fd or -1 (said why). */
static int open_target(const char *spec)
{
	unsigned long long id;
	int fd;

	if (strchr(spec, '/')) {
		fd = ebpfmini_sys_obj_get(spec, 0);
	} else {
		if (tool_number(spec, "--target (a program id or a pinned path)", UINT32_MAX, &id))
			return -1;
		fd = ebpfmini_sys_prog_get_fd_by_id((uint32_t)id);
	}
	if (fd < 0) {
		char what[512];

		snprintf(what, sizeof(what), "--target %s", spec);
		tool_explain(what, fd, -1, NULL);
		return -1;
	}
	return fd;
}

int cmd_object_load(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pin-maps", required_argument, NULL, 'm' },
		{ "pin-progs", required_argument, NULL, 'P' },
		{ "attach", no_argument, NULL, 'a' },
		{ "duration", required_argument, NULL, 'd' },
		{ "pin-links", required_argument, NULL, 'l' },
		{ "prog", required_argument, NULL, 'n' },
		{ "report", no_argument, NULL, 'r' },
		{ "target", required_argument, NULL, 't' },
		{ "target-func", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pin_maps = NULL, *pin_progs = NULL, *path;
	struct tool_attach_opts attach_opts = { .seconds = -1 };
	bool attach = false;
	char *end, **only = NULL;
	int nonly = 0;
	struct ebpfmini_object *obj;
	bool obj_done = false; /* finish() was called */
	int opt, err, status = 0;

	only = calloc((size_t)argc, sizeof(*only));
	if (!only)
		return tool_error("out of memory");
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":hd:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			attach = true;
			break;
		case 'd':
			errno = 0;
			attach_opts.seconds = (int)strtol(optarg, &end, 10);
			if (errno || *end || attach_opts.seconds < 0) {
				tool_error("-d wants a number of seconds, not '%s'", optarg);
				status = 2;
				goto out;
			}
			break;
		case 'l':
			attach_opts.pin_dir = optarg;
			break;
		case 'm':
			pin_maps = optarg;
			break;
		case 'P':
			pin_progs = optarg;
			break;
		case 'n':
			only[nonly++] = optarg;
			break;
		case 'r':
			report = true;
			break;
		case 't':
			if (target_fd > 0)
				close(target_fd);
			target_fd = open_target(optarg);
			if (target_fd < 0) {
				status = 1;
				goto out;
			}
			break;
		case 'f':
			target_func = optarg;
			break;
		case 'h':
			tool_usage(stdout, "object");
			goto out;
		default:
			status = tool_opt_error("object", argv, opt);
			goto out;
		}
	}
	if (optind + 1 != argc) {
		status = tool_bad_args("object", optind + 1 < argc ? argv[optind + 1] : NULL);
		goto out;
	}
	if (target_func && target_fd <= 0) {
		tool_error("--target-func goes with --target");
		status = 2;
		goto out;
	}
	if (!attach && (attach_opts.pin_dir || attach_opts.seconds >= 0)) {
		tool_error("-d and --pin-links go with --attach");
		status = 2;
		goto out;
	}
	path = argv[optind];
	attach_opts.strict = nonly > 0; /* what was asked for by name must attach */

	if (tool_open_load(path, only, nonly, &obj)) {
		status = 1;
		goto out;
	}
	print_loaded(obj, path, nonly > 0);
	if (pin_maps) {
		err = ebpfmini_object_pin_maps(obj, pin_maps);
		if (err) {
			status = tool_explain("--pin-maps", err, BPF_OBJ_PIN, NULL);
			goto close;
		}
		if (tool_json)
			json_str(tool_json, "pinned_maps", pin_maps);
		else
			printf("maps pinned under %s\n", pin_maps);
	}
	if (pin_progs) {
		err = ebpfmini_object_pin_programs(obj, pin_progs);
		if (err) {
			status = tool_explain("--pin-progs", err, BPF_OBJ_PIN, NULL);
			if (pin_maps)
				ebpfmini_object_unpin_maps(obj, pin_maps);
			goto close;
		}
		if (tool_json)
			json_str(tool_json, "pinned_programs", pin_progs);
		else
			printf("programs pinned under %s\n", pin_progs);
	}
	if (attach) {
		/* the report and the end of the document come before the links are held */
		attach_opts.done = finish;
		attach_opts.done_ctx = obj;
		status = tool_attach_object(obj, &attach_opts);
		obj_done = true;
	} else if (!report && !pin_maps && !pin_progs && !tool_json) {
		printf("(the kernel frees what is not pinned when ebpfmini exits)\n");
	}
close:
	if (!obj_done)
		finish(obj);
	ebpfmini_object_close(obj);
out:
	if (target_fd > 0)
		close(target_fd);
	target_fd = 0;
	free(only);
	return status;
}
