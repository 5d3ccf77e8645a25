/* ebpfmini.c - the ebpfmini command-line tool: global options and the command table */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

#include "tool.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

/* Every command of the tool. */
static const struct tool_cmd commands[] = {
	{ "object", "show", cmd_object_show, "OBJ [--disasm [--opcodes]]",
	  "print the sections, programs, maps and relocations of an eBPF object; with --disasm, "
	  "its instructions as the verifier writes them" },
	{ "object", "load", cmd_object_load,
	  "OBJ [--prog NAME]... [--pin-maps DIR] [--pin-progs DIR] [--attach [-d SECONDS] "
	  "[--pin-links DIR]] [--target PROG [--target-func FUNC]] [--report]",
	  "load every map and program into the kernel and print their ids; with --attach, "
	  "attach each program whose SEC name says where and hold the links (or pin them); "
	  "with --target (a program id or pinned path), freplace, fentry, fexit and fmod_ret "
	  "programs attach to a function of that BPF program; "
	  "with --report (and -j), each step of the load with its time" },
	{ "prog", "list", cmd_prog_show, "", "list the kernel's programs" },
	{ "prog", "show", cmd_prog_show, "[PROG]",
	  "show programs (PROG: ID | id ID | pinned PATH | name NAME | tag TAG)" },
	{ "prog", "dump", cmd_prog_dump, "xlated PROG [linum] [opcodes] | jited PROG",
	  "print a loaded program's instructions as the kernel holds them" },
	{ "prog", "pin", cmd_prog_pin, "PROG PATH", "pin a program in bpffs" },
	{ "prog", "load", cmd_prog_load, "OBJ PATH [pinmaps DIR] [autoattach]",
	  "load an object and pin its first program at PATH (with autoattach: its link)" },
	{ "prog", "loadall", cmd_prog_load, "OBJ DIR [pinmaps DIR] [autoattach]",
	  "load an object and pin every program (with autoattach: every link) under DIR" },
	{ "prog", "run", cmd_prog_run,
	  "PROG [data_in FILE] [data_out FILE] [ctx_in FILE] [repeat N]",
	  "run a program once (or N times) on input with BPF_PROG_TEST_RUN" },
	{ "prog", "tracelog", cmd_prog_tracelog, "",
	  "print what programs write with bpf_printk() (trace_pipe) until Ctrl-C" },
	{ "map", "list", cmd_map_show, "", "list the kernel's maps" },
	{ "map", "show", cmd_map_show, "[MAP]",
	  "show maps (MAP: ID | id ID | pinned PATH | name NAME)" },
	{ "map", "dump", cmd_map_dump, "MAP",
	  "print every element: keys and values in hex, or typed when the map has BTF" },
	{ "map", "lookup", cmd_map_elem, "MAP key BYTES", "print the value of one key" },
	{ "map", "update", cmd_map_elem, "MAP key BYTES value VALUE [any|exist|noexist]",
	  "write an element (BYTES: 1 0x2a ... or hex 01 2a ...; VALUE also id ID or "
	  "pinned PATH of a program or map, for program and map arrays)" },
	{ "map", "delete", cmd_map_elem, "MAP key BYTES", "delete an element" },
	{ "map", "getnext", cmd_map_elem, "MAP [key BYTES]", "print the key after KEY (or the first)" },
	{ "map", "peek", cmd_map_elem, "MAP", "print the head of a queue or stack" },
	{ "map", "push", cmd_map_elem, "MAP value BYTES",
	  "add a value to a queue, stack or bloom filter" },
	{ "map", "pop", cmd_map_elem, "MAP", "take the head of a queue or stack and print it" },
	{ "map", "enqueue", cmd_map_elem, "MAP value BYTES", "map push, for a queue" },
	{ "map", "dequeue", cmd_map_elem, "MAP", "map pop, for a queue" },
	{ "map", "pin", cmd_map_pin, "MAP PATH", "pin a map in bpffs" },
	{ "map", "freeze", cmd_map_pin, "MAP", "forbid writes from user space from now on" },
	{ "map", "create", cmd_map_create,
	  "PATH type TYPE key KSIZE value VSIZE entries N [name NAME] [flags F] [inner_map MAP]",
	  "create a map and pin it at PATH" },
	{ "link", "list", cmd_link_list, "", "list the kernel's links: type, program, what they attach" },
	{ "link", "show", cmd_link_list, "[LINK]", "show links (LINK: ID | id ID | pinned PATH)" },
	{ "link", "pin", cmd_link_pin, "LINK PATH", "pin a link in bpffs: it stays attached" },
	{ "link", "detach", cmd_link_pin, "LINK",
	  "detach a link: its program leaves the hook (the link stays, defunct)" },
	{ "btf", "list", cmd_btf_show, "", "list the kernel's BTF objects" },
	{ "btf", "show", cmd_btf_show, "[BTF]", "show BTF objects (BTF: ID | id ID | pinned PATH)" },
	{ "btf", "dump", cmd_btf_dump,
	  "[FILE] [--format c|raw] [--base BASE] | id ID|file FILE|map MAP|prog PROG [format c|raw]",
	  "print BTF (default: the kernel's) as a C header (vmlinux.h) or one line per type" },
	{ "cgroup", "tree", cmd_cgroup_show, "[ROOT] [effective]",
	  "every cgroup (under ROOT) with programs attached, and those programs" },
	{ "cgroup", "show", cmd_cgroup_show, "CGROUP [effective]",
	  "the programs attached to a cgroup (effective: inherited ones too)" },
	{ "cgroup", "attach", cmd_cgroup_attach, "CGROUP TYPE PROG [multi|override]",
	  "attach a program to a cgroup hook (TYPE: ingress, egress, sock_create, connect4, ...)" },
	{ "cgroup", "detach", cmd_cgroup_attach, "CGROUP TYPE PROG",
	  "detach a program from a cgroup hook" },
	{ "net", "list", cmd_net_list, "[dev IF]",
	  "the XDP, tcx and cls_bpf (clsact) programs of each interface" },
	{ "net", "attach", cmd_net_attach,
	  "xdp|xdpgeneric|xdpdrv|xdpoffload|tcx_ingress|tcx_egress PROG dev IF [overwrite]",
	  "attach a program to an interface; it stays until net detach" },
	{ "net", "detach", cmd_net_attach,
	  "xdp|xdpgeneric|xdpdrv|xdpoffload|tcx_ingress|tcx_egress dev IF [PROG]",
	  "take the program off (tcx: PROG, or every program attached without a link)" },
	{ "perf", "list", cmd_perf_list, "",
	  "programs attached to perf events, kprobes, uprobes and tracepoints, per process and fd" },
	{ "iter", "pin", cmd_prog_load, "OBJ PATH",
	  "load an iterator program, attach it and pin the link: cat PATH runs it" },
	{ "feature", "probe", cmd_feature, "[kernel] [nohelpers]",
	  "what the running kernel supports: features, program, map and attach types, "
	  "helpers per program type; for each no, the reason found" },
	{ "gen", "skeleton", cmd_gen_skeleton, "OBJ [--name NAME]",
	  "write a C/C++ header that embeds OBJ, with typed maps, programs and variables" },
	{ "help", NULL, cmd_help, "[NOUN]", "show the commands (of NOUN)" },
	{ "version", NULL, cmd_version, "", "print the version of ebpfmini" },
};

struct json *tool_json;

int tool_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ebpfmini: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int tool_explain(const char *what, int err, int bpf_cmd, const char *verifier_log)
{
	char why[2048];

	ebpfmini_log_explain(err, bpf_cmd, verifier_log, why, sizeof(why));
	return tool_error("%s: %s", what, why);
}

const char *tool_short_name(const char *full, const char *prefix, uint32_t value, char *buf,
			    unsigned size)
{
	size_t n = strlen(prefix);
	unsigned i;

	if (!full) {
		snprintf(buf, size, "%u", value);
		return buf;
	}
	if (strncmp(full, prefix, n) == 0)
		full += n;
	for (i = 0; full[i] && i + 1 < size; i++)
		buf[i] = (char)tolower((unsigned char)full[i]);
	buf[i] = '\0';
	return buf;
}

/* the command running, for the usage line of tool_bad_args */
static const struct tool_cmd *current;

static void usage_line(FILE *out, const struct tool_cmd *c)
{
	fprintf(out, "  ebpfmini %s%s%s%s%s\n      %s\n", c->noun, c->verb ? " " : "",
		c->verb ? c->verb : "", *c->args ? " " : "", c->args, c->help);
}

void tool_usage(FILE *out, const char *noun)
{
	fputs("usage: ebpfmini [-t|--trace] [-v|--verbose] COMMAND ...\n\ncommands:\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!noun || !strcmp(noun, commands[i].noun))
			usage_line(out, &commands[i]);
	}
	fputs("\noptions:\n"
	      "  -t, --trace    print every bpf() call decoded (as EBPFMINI_TRACE=1)\n"
	      "  -v, --verbose  show the library's debug messages\n"
	      "  -j, --json     print JSON (one document per call)\n"
	      "  -p, --pretty   print indented JSON\n"
	      "See ebpfmini(1).\n",
	      out);
}

int tool_bad_args(const char *noun, const char *word)
{
	const char *cmd = current && current->verb ? current->verb : "";

	if (current) /* iter pin runs prog load's code: its own noun */
		noun = current->noun;

	if (word)
		tool_error("%s %s: unexpected '%s'", noun, cmd, word);
	else
		tool_error("%s %s: missing arguments", noun, cmd);
	if (current) {
		fputs("usage:\n", stderr);
		usage_line(stderr, current);
	} else {
		tool_usage(stderr, noun);
	}
	return 2;
}

int tool_opt_error(const char *noun, char **argv, int opt)
{
	if (opt == ':') {
		tool_error("'%s' wants a value after it", argv[optind - 1]);
		tool_usage(stderr, noun);
		return 2;
	}
	return tool_bad_args(noun, argv[optind - 1]);
}

int tool_file_error(const char *path, int err)
{
	struct stat st;

	if (stat(path, &st) || access(path, R_OK))
		return tool_error("%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return tool_error("%s: not a regular file", path);
	if (err == -E2BIG)
		return tool_error("%s: too large (%lld bytes) for what it should hold", path,
				  (long long)st.st_size);
	return tool_error("%s: %s", path, strerror(-err));
}

int tool_need_bpf(const char *what)
{
	uint32_t id;
	int err = ebpfmini_sys_prog_get_next_id(0, &id);

	if (err == -EPERM || err == -EACCES)
		return tool_explain(what, err, BPF_PROG_GET_NEXT_ID, NULL);
	return 0;
}

bool tool_help(int argc, char **argv, const char *noun)
{
	if (argc < 2 || (strcmp(argv[1], "-h") && strcmp(argv[1], "--help") &&
			 strcmp(argv[1], "help")))
		return false;
	tool_usage(stdout, noun);
	return true;
}

static int cmd_help(int argc, char **argv)
{
	tool_usage(stdout, argc > 1 ? argv[1] : NULL);
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("ebpfmini %d.%d.%d\n", EBPFMINI_VERSION_MAJOR, EBPFMINI_VERSION_MINOR,
	       EBPFMINI_VERSION_PATCH);
	return 0;
}

int main(int argc, char **argv)
{
	static struct json json;
	int i = 1, n = 1;
	bool known_noun = false;

	/* -j/--json and -p/--pretty anywhere (before a "--") */
	for (int k = 1; k < argc; k++) {
		bool pretty = !strcmp(argv[k], "-p") || !strcmp(argv[k], "--pretty");

		if (!strcmp(argv[k], "--")) {
			while (k < argc)
				argv[n++] = argv[k++];
			break;
		}
		if (pretty || !strcmp(argv[k], "-j") || !strcmp(argv[k], "--json")) {
			json_init(&json, stdout, pretty || json.pretty);
			tool_json = &json;
		} else {
			argv[n++] = argv[k];
		}
	}
	argc = n;
	argv[argc] = NULL;
	opterr = 0; /* the commands say which word they reject (tool_opt_error) */

	/* global options, before the command */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-t") || !strcmp(argv[i], "--trace")) {
			ebpfmini_sys_set_trace(true);
		} else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			ebpfmini_log_set(NULL, EBPFMINI_LOG_DEBUG, NULL);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			tool_usage(stdout, NULL);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			return cmd_version(0, NULL);
		} else {
			tool_error("unknown option '%s'", argv[i]);
			tool_usage(stderr, NULL);
			return 2;
		}
	}
	if (i >= argc) {
		tool_usage(stderr, NULL);
		return 2;
	}

	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		const struct tool_cmd *cmd = &commands[c];

		if (strcmp(argv[i], cmd->noun) != 0)
			continue;
		known_noun = true;
		current = cmd;
		if (!cmd->verb)
			return cmd->fn(argc - i, argv + i);
		if (i + 1 < argc && strcmp(argv[i + 1], cmd->verb) == 0)
			return cmd->fn(argc - i - 1, argv + i + 1);
	}
	current = NULL;
	if (known_noun && i + 1 < argc)
		tool_error("'%s' has no command '%s'; it has these:", argv[i], argv[i + 1]);
	else if (known_noun)
		tool_error("'%s' wants one of these commands:", argv[i]);
	else
		tool_error("unknown command '%s'", argv[i]);
	tool_usage(stderr, known_noun ? argv[i] : NULL);
	return 2;
}
