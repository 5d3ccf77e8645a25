/* tool.h - the ebpfmini command-line tool: command table and shared helpers */
#ifndef EBPFMINI_TOOL_H
#define EBPFMINI_TOOL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

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
/* For a command's wrong arguments: "ebpfmini: <noun>: unexpected 'word'" (or what is
 * missing when word is NULL), then the usage of noun. Returns 2. */
int tool_bad_args(const char *noun, const char *word);
/* A getopt_long error (opt '?' or, with an optstring starting with ':', ':' for a
 * missing value) naming the word at argv[optind - 1]; returns 2. */
int tool_opt_error(const char *noun, char **argv, int opt);
/* A file that could not be read (err): a file's explanation (missing, unreadable, not a
 * regular file, too large), not the kernel's meaning of the errno. Returns 1. */
int tool_file_error(const char *path, int err);
/* Whether this process may use bpf(): 0, or 1 after explaining the EPERM (before any
 * output, so that no table header comes before the error). */
int tool_need_bpf(const char *what);
/* Whether argv[1] asks for help: then the usage of noun is printed. */
bool tool_help(int argc, char **argv, const char *noun);

/* The JSON writer when -j/--json (or -p/--pretty) was given, else NULL. */
extern struct json *tool_json;

/* ---- kernel objects by id (kobj.c) --------------------------------------------------- */

enum tool_kind { TOOL_PROG, TOOL_MAP, TOOL_LINK, TOOL_BTF };

/*
 * Opens the objects that argv names: "ID", "id ID", "pinned PATH", and for
 * programs and maps "name NAME" (every one of that name) and "tag TAG"
 * (programs). *used gets the number of words taken. Returns the number of
 * fds in *fds (free it and close them), or -1 after printing the error.
 */
int tool_select(enum tool_kind kind, int argc, char **argv, int *used, int **fds);
/* tool_select that wants exactly one object; returns its fd or -1. */
int tool_select_one(enum tool_kind kind, int argc, char **argv, int *used);
/* Walk the ids of kind: *id = 0 first. 1 and an open fd in *fd, 0 at the end, -1 after an
 * error (printed). Objects gone between the two calls are skipped. */
int tool_next(enum tool_kind kind, uint32_t *id, int *fd);
/* "<noun> show [OBJ]": show(fd) for each object argv names, or for every one of kind;
 * with JSON a list is an array. Returns the exit status. */
int tool_show(enum tool_kind kind, int argc, char **argv, void (*show)(int fd));
/* BPF_OBJ_GET_INFO_BY_FD into info (size bytes, zeroed first); prints the error. */
int tool_info(int fd, void *info, uint32_t size);
/* A field of /proc/self/fdinfo/FD ("memlock", "frozen"): its number, or -1. */
long long tool_fdinfo(int fd, const char *field);
/* "hash" for BPF_MAP_TYPE_HASH etc. */
const char *tool_prog_type(uint32_t type, char *buf, unsigned size);
const char *tool_map_type(uint32_t type, char *buf, unsigned size);
const char *tool_attach_type(uint32_t type, char *buf, unsigned size);
/* A whole number from s (decimal or 0x hex) into *v; prints the error naming what. */
int tool_number(const char *s, const char *what, unsigned long long max, unsigned long long *v);
/* The program name of prog id into buf ("-" when there is none). */
const char *tool_prog_name(uint32_t id, char *buf, size_t size);

/* ---- BTF objects of the kernel, typed values (btf_value.c) ---------------------------- */

struct tool_btf {
	struct ebpfmini_btf *btf;  /* parsed */
	struct ebpfmini_btf *base; /* vmlinux's, under a module's split BTF */
	uint32_t id, size;
	bool kernel;
	char name[64];
};
struct ebpfmini_btf;
/* The BTF of the BTF object fd, read back from the kernel and parsed. Returns 0 or 1 (the
 * error printed). Free with tool_btf_put(). */
int tool_btf_get(int fd, struct tool_btf *out);
int tool_btf_by_id(uint32_t id, struct tool_btf *out);
void tool_btf_put(struct tool_btf *b);
/* The size bytes at data as a value of type_id: integers, enums by name, structs by
 * member name, arrays (char arrays holding text as strings), data sections by variable. */
void tool_btf_value(struct json *j, const char *key, const struct ebpfmini_btf *btf,
		    uint32_t type_id, const void *data, size_t size);

/* ---- commands ------------------------------------------------------------------------ */

/* cmd_prog.c; prog dump is cmd_prog_dump.c's */
int cmd_prog_show(int argc, char **argv);
int cmd_prog_pin(int argc, char **argv);
int cmd_prog_load(int argc, char **argv);
int cmd_prog_run(int argc, char **argv);
int cmd_prog_tracelog(int argc, char **argv);

/* cmd_map.c */
int cmd_map_show(int argc, char **argv);
int cmd_map_dump(int argc, char **argv);
int cmd_map_elem(int argc, char **argv);
int cmd_map_pin(int argc, char **argv);
int cmd_map_create(int argc, char **argv);

/* cmd_cgroup.c */
int cmd_cgroup_show(int argc, char **argv);
int cmd_cgroup_attach(int argc, char **argv);

/* cmd_net.c */
int cmd_net_list(int argc, char **argv);
int cmd_net_attach(int argc, char **argv);

/* cmd_perf.c */
int cmd_perf_list(int argc, char **argv);

/* cmd_feature.c */
int cmd_feature(int argc, char **argv);

/* cmd_object.c */
int cmd_object_show(int argc, char **argv);
int cmd_object_load(int argc, char **argv);

/* cmd_object.c: open and load path, printing what went wrong (with the verifier log of a
 * program that was not accepted). only (count names) picks the programs to load; a name
 * that is not in the object is an error; count -1: the first program only. Returns 0 or 1. */
struct ebpfmini_object;
struct ebpfmini_program;
int tool_open_load(const char *path, char **only, int count, struct ebpfmini_object **obj);

/* cmd_link.c */
int cmd_link_list(int argc, char **argv);
int cmd_link_pin(int argc, char **argv);
int cmd_link_detach(int argc, char **argv);
struct tool_attach_opts {
	int seconds;          /* hold the links this long (< 0: until SIGINT/SIGTERM) */
	const char *pin_dir;  /* or pin them here as <prog> (<prog>_<i> for a set) and return */
	const char *pin_name; /* the file name under pin_dir instead of the program's */
	const struct ebpfmini_program *only_prog; /* attach only this one */
	bool strict;          /* an attach that fails is an error, not a skip */
	void (*done)(void *ctx); /* called after the attach, before the links are held */
	void *done_ctx;
};
/* Attach every loaded program of obj whose SEC name says where (printing each link; one
 * that cannot be attached here is skipped with the reason, unless opts->strict), then
 * hold the links or pin them. With -j it writes the members "links" and "skipped" of the
 * JSON object the caller opened (and the "holding" lines go to stderr). Returns the exit
 * status: 1 when nothing was attached. */
int tool_attach_object(struct ebpfmini_object *obj, const struct tool_attach_opts *opts);

/* load_report.c: the object's load report (ebpfmini_object_load_step()) on stdout, as a
 * table, or with -j as the member "steps" of the JSON object the caller opened */
struct ebpfmini_object;
void tool_print_report(const struct ebpfmini_object *obj);

/* cmd_prog_dump.c: prog dump xlated|jited PROG [linum] [opcodes] (argv[0] = "dump") */
int cmd_prog_dump(int argc, char **argv);

/* cmd_btf.c */
int cmd_btf_dump(int argc, char **argv);
int cmd_btf_show(int argc, char **argv);

/* btf_json.c: every type of btf as one JSON document ({"types":[...]}, bpftool's raw
 * format with -j). Returns 0 or what ebpfmini_btf_dump() returned (nothing written). */
int tool_btf_json(const struct ebpfmini_btf *btf);

/* cmd_gen.c */
int cmd_gen_skeleton(int argc, char **argv);

#endif /* EBPFMINI_TOOL_H */
