/* ebpfmini.c - the ebpfmini command-line tool: global options and the command table */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ebpfmini/ebpfmini.h>

#include "tool.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

/* Every command of the tool. */
static const struct tool_cmd commands[] = {
	{ "object", "show", cmd_object_show, "OBJ",
	  "print the sections, programs, maps and relocations of an eBPF object" },
	{ "object", "load", cmd_object_load,
	  "OBJ [--pin-maps DIR] [--pin-progs DIR] [--attach [-d SECONDS] [--pin-links DIR]]",
	  "load every map and program into the kernel and print their ids; with --attach, "
	  "attach each program whose SEC name says where and hold the links (or pin them)" },
	{ "link", "list", cmd_link_list, "", "list the kernel's links: type, program, what they attach" },
	{ "btf", "dump", cmd_btf_dump, "[FILE] [--format c|raw] [--base BASE]",
	  "print BTF (default: the kernel's) as a C header (vmlinux.h) or one line per type" },
	{ "help", NULL, cmd_help, "[NOUN]", "show the commands (of NOUN)" },
	{ "version", NULL, cmd_version, "", "print the version of ebpfmini" },
};

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

void tool_usage(FILE *out, const char *noun)
{
	fputs("usage: ebpfmini [-t|--trace] [-v|--verbose] COMMAND ...\n\ncommands:\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct tool_cmd *c = &commands[i];
		char synopsis[128];

		if (noun && strcmp(noun, c->noun) != 0)
			continue;
		snprintf(synopsis, sizeof(synopsis), "%s%s%s %s", c->noun, c->verb ? " " : "",
			 c->verb ? c->verb : "", c->args);
		fprintf(out, "  ebpfmini %s\n      %s\n", synopsis, c->help);
	}
	fputs("\noptions:\n"
	      "  -t, --trace    print every bpf() call decoded (as EBPFMINI_TRACE=1)\n"
	      "  -v, --verbose  show the library's debug messages\n"
	      "See ebpfmini(1).\n",
	      out);
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
	int i = 1;
	bool known_noun = false;

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
		if (!cmd->verb)
			return cmd->fn(argc - i, argv + i);
		if (i + 1 < argc && strcmp(argv[i + 1], cmd->verb) == 0)
			return cmd->fn(argc - i - 1, argv + i + 1);
	}
	if (known_noun)
		tool_error("'%s' wants one of these commands:", argv[i]);
	else
		tool_error("unknown command '%s'", argv[i]);
	tool_usage(stderr, known_noun ? argv[i] : NULL);
	return 2;
}
