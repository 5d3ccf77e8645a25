/* tool.h - the ebpfmini command-line tool: command table and shared helpers */
#ifndef EBPFMINI_TOOL_H
#define EBPFMINI_TOOL_H

#include <stdint.h>
#include <stdio.h>

/*
 * One subcommand: "ebpfmini <noun> <verb> ARGS". fn gets argv starting at
 * the verb (argv[0] = verb), so getopt_long works on it directly, and
 * returns the exit status. To add a command, write its function in
 * cmd_<noun>.c, declare it here and add a row to the table in ebpfmini.c.
 */
struct tool_cmd {
	const char *noun;
	const char *verb;
	int (*fn)(int argc, char **argv);
	const char *args; /* synopsis after "<noun> <verb>" */
	const char *help; /* one line */
};

/* Print "ebpfmini: <fmt>" to stderr; returns 1 (the failure exit status). */
int tool_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "ebpfmini: <what>: <explanation of err>" (ebpfmini_log_explain). Returns 1. */
int tool_explain(const char *what, int err, int bpf_cmd, const char *verifier_log);
/* "hash" for BPF_MAP_TYPE_HASH, "tracepoint" for BPF_PROG_TYPE_TRACEPOINT, ...:
 * name without prefix, lowercase, into buf; the number when unknown. */
const char *tool_short_name(const char *full, const char *prefix, uint32_t value, char *buf,
			    unsigned size);
/* Print the commands of noun (all commands when noun is NULL) to out. */
void tool_usage(FILE *out, const char *noun);

/* cmd_object.c */
int cmd_object_show(int argc, char **argv);
int cmd_object_load(int argc, char **argv);

/* cmd_link.c */
int cmd_link_list(int argc, char **argv);
struct ebpfmini_object;
/* Attach every loaded program of obj whose SEC name says where (printing
 * each link), then hold the links for seconds (< 0: until SIGINT/SIGTERM),
 * or pin them under pin_dir and return. Returns the exit status. */
int tool_attach_object(struct ebpfmini_object *obj, int seconds, const char *pin_dir);

/* cmd_btf.c */
int cmd_btf_dump(int argc, char **argv);

#endif /* EBPFMINI_TOOL_H */
