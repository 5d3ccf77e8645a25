/* cmd_prog.c - ebpfmini prog show/list, pin, load, loadall, run, tracelog: the kernel's programs */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

#include "tool.h"
#include "tracefs.h" /* em_tracefs_path */

/* load_time (ns since boot) as wall-clock seconds */
static time_t wall_time(uint64_t boot_ns)
{
	struct timespec real, boot;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	return real.tv_sec - boot.tv_sec + (time_t)(boot_ns / 1000000000ull);
}

static void show_one(int fd)
{
	struct bpf_prog_info info;
	uint32_t map_ids[64];
	char type[64], tag[2 * BPF_TAG_SIZE + 1], when[64];
	long long memlock = tool_fdinfo(fd, "memlock");
	time_t loaded;
	uint32_t nmaps;

	if (tool_info(fd, &info, sizeof(info)))
		return;
	nmaps = info.nr_map_ids < 64 ? info.nr_map_ids : 64;
	if (nmaps) {
		struct bpf_prog_info again;
		uint32_t len = sizeof(again);

		memset(&again, 0, sizeof(again));
		again.nr_map_ids = nmaps;
		again.map_ids = (uint64_t)(uintptr_t)map_ids;
		if (ebpfmini_sys_obj_get_info(fd, &again, &len))
			nmaps = 0;
	}
	for (int i = 0; i < BPF_TAG_SIZE; i++)
		snprintf(tag + 2 * i, 3, "%02x", info.tag[i]);
	tool_prog_type(info.type, type, sizeof(type));
	loaded = wall_time(info.load_time);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", localtime(&loaded));

	if (tool_json) {
		struct json *j = tool_json;

		json_open(j, NULL);
		json_uint(j, "id", info.id);
		json_str(j, "type", type);
		if (info.name[0])
			json_str(j, "name", info.name);
		json_str(j, "tag", tag);
		json_bool(j, "gpl_compatible", info.gpl_compatible);
		if (info.run_cnt) {
			json_uint(j, "run_time_ns", info.run_time_ns);
			json_uint(j, "run_cnt", info.run_cnt);
		}
		json_int(j, "loaded_at", (int64_t)loaded);
		json_uint(j, "uid", info.created_by_uid);
		json_uint(j, "bytes_xlated", info.xlated_prog_len);
		json_bool(j, "jited", info.jited_prog_len > 0);
		json_uint(j, "bytes_jited", info.jited_prog_len);
		if (memlock >= 0)
			json_int(j, "bytes_memlock", memlock);
		json_open_array(j, "map_ids");
		for (uint32_t i = 0; i < nmaps; i++)
			json_uint(j, NULL, map_ids[i]);
		json_close_array(j);
		if (info.btf_id)
			json_uint(j, "btf_id", info.btf_id);
		json_uint(j, "verified_insns", info.verified_insns);
		json_close(j);
		return;
	}
	printf("%u: %s  ", info.id, type);
	if (info.name[0])
		printf("name %s  ", info.name);
	printf("tag %s%s", tag, info.gpl_compatible ? "  gpl" : "");
	if (info.run_cnt)
		printf(" run_time_ns %llu run_cnt %llu", (unsigned long long)info.run_time_ns,
		       (unsigned long long)info.run_cnt);
	printf("\n\tloaded_at %s  uid %u\n\txlated %uB  ", when, info.created_by_uid,
	       info.xlated_prog_len);
	if (info.jited_prog_len)
		printf("jited %uB  ", info.jited_prog_len);
	else
		printf("not jited  ");
	if (memlock >= 0)
		printf("memlock %lldB", memlock);
	for (uint32_t i = 0; i < nmaps; i++)
		printf("%s%u", i ? "," : "  map_ids ", map_ids[i]);
	printf("\n");
	if (info.btf_id || info.verified_insns) {
		printf("\t");
		if (info.btf_id)
			printf("btf_id %u  ", info.btf_id);
		printf("verified_insns %u\n", info.verified_insns);
	}
}

int cmd_prog_show(int argc, char **argv)
{
	return tool_show(TOOL_PROG, argc, argv, show_one);
}

int cmd_prog_pin(int argc, char **argv)
{
	int used, fd, err;

	if (tool_help(argc, argv, "prog"))
		return 0;
	fd = tool_select_one(TOOL_PROG, argc - 1, argv + 1, &used);
	if (fd < 0)
		return 1;
	if (1 + used + 1 != argc) {
		close(fd);
		return tool_bad_args("prog", 1 + used < argc ? argv[2 + used] : NULL);
	}
	err = ebpfmini_sys_obj_pin(fd, argv[argc - 1]);
	close(fd);
	if (err)
		return tool_explain(argv[argc - 1], err, BPF_OBJ_PIN, NULL);
	if (tool_json)
		printf("null\n"); /* one document per call, even when there is nothing to say */
	return 0;
}

/* prog load OBJ PATH / prog loadall OBJ DIR [pinmaps DIR] [autoattach]; iter pin OBJ PATH
 * is prog load OBJ PATH autoattach */
int cmd_prog_load(int argc, char **argv)
{
	bool all = !strcmp(argv[0], "loadall"), autoattach = !strcmp(argv[0], "pin");
	const char *pinmaps = NULL;
	struct ebpfmini_object *obj;
	struct ebpfmini_program *prog = NULL;
	int err, status = 0;

	if (tool_help(argc, argv, "prog"))
		return 0;
	if (argc < 3)
		return tool_bad_args("prog", NULL);
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "pinmaps") && i + 1 < argc)
			pinmaps = argv[++i];
		else if (!strcmp(argv[i], "autoattach") && strcmp(argv[0], "pin"))
			autoattach = true;
		else
			return tool_bad_args("prog", argv[i]);
	}
	/* an iterator object may hold iterators this kernel refuses: pin loads the first only */
	err = tool_open_load(argv[1], NULL, strcmp(argv[0], "pin") ? 0 : -1, &obj);
	if (err)
		return 1;
	if (!all) {
		/* the first program that was loaded */
		while ((prog = ebpfmini_object_next_program(obj, prog)))
			if (ebpfmini_program_fd(prog) >= 0)
				break;
		if (!prog) {
			ebpfmini_object_close(obj);
			return tool_error("%s: no program to load", argv[1]);
		}
	}
	if (tool_json) { /* one document: what was pinned, and the links */
		json_open(tool_json, NULL);
		json_str(tool_json, "file", argv[1]);
	}
	if (pinmaps) {
		err = ebpfmini_object_pin_maps(obj, pinmaps);
		if (err) {
			status = tool_explain(pinmaps, err, BPF_OBJ_PIN, NULL);
			goto out;
		}
		if (tool_json)
			json_str(tool_json, "pinned_maps", pinmaps);
	}
	if (autoattach) {
		struct tool_attach_opts opts = { .pin_dir = argv[2], .only_prog = prog,
						 .strict = !all };

		/* the links are pinned where the programs would be: they hold the programs */
		if (!all) {
			static char dir[4096] = ".";
			const char *slash = strrchr(argv[2], '/');

			if (slash)
				snprintf(dir, sizeof(dir), "%.*s", (int)(slash - argv[2]), argv[2]);
			opts.pin_dir = dir;
			opts.pin_name = slash ? slash + 1 : argv[2];
		}
		status = tool_attach_object(obj, &opts);
	} else if (all) {
		err = ebpfmini_object_pin_programs(obj, argv[2]);
		if (err)
			status = tool_explain(argv[2], err, BPF_OBJ_PIN, NULL);
		else if (tool_json)
			json_str(tool_json, "pinned_programs", argv[2]);
	} else {
		err = ebpfmini_program_pin(prog, argv[2]);
		if (err)
			status = tool_explain(argv[2], err, BPF_OBJ_PIN, NULL);
		else if (tool_json)
			json_str(tool_json, "pinned", argv[2]);
	}
	if (status && pinmaps)
		ebpfmini_object_unpin_maps(obj, pinmaps);
out:
	if (tool_json)
		json_close(tool_json);
	ebpfmini_object_close(obj);
	return status;
}

static int read_input(const char *path, void **data, uint32_t *size)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 0, n = 0;
	char *buf = NULL;

	if (!f)
		return tool_error("%s: %s", path, strerror(errno));
	for (;;) {
		size_t got;

		if (n == cap) {
			char *grown = cap < (1u << 28) ? realloc(buf, cap ? cap * 2 : 4096) : NULL;

			if (!grown) {
				free(buf);
				if (f != stdin)
					fclose(f);
				return tool_error("%s: too large", path);
			}
			buf = grown;
			cap = cap ? cap * 2 : 4096;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (!got)
			break;
	}
	if (f != stdin)
		fclose(f);
	*data = buf;
	*size = (uint32_t)n;
	return 0;
}

static void hexdump(const unsigned char *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i += 16) {
		printf("%04x:", i);
		for (uint32_t k = i; k < i + 16 && k < n; k++)
			printf(" %02x", p[k]);
		printf("\n");
	}
}

/* prog run PROG [data_in FILE] [data_out FILE] [ctx_in FILE] [repeat N] */
int cmd_prog_run(int argc, char **argv)
{
	struct ebpfmini_sys_test_run_opts opts = { .sz = sizeof(opts) };
	const char *out_path = NULL;
	void *data_in = NULL, *ctx_in = NULL;
	unsigned char *data_out = NULL;
	int used, fd, err, status = 1;
	unsigned long long repeat = 0;

	if (tool_help(argc, argv, "prog"))
		return 0;
	fd = tool_select_one(TOOL_PROG, argc - 1, argv + 1, &used);
	if (fd < 0)
		return 1;
	for (int i = 1 + used; i < argc; i += 2) {
		if (i + 1 >= argc) {
			status = tool_bad_args("prog", NULL);
			goto out;
		}
		if (!strcmp(argv[i], "data_in")) {
			if (read_input(argv[i + 1], &data_in, &opts.data_size_in))
				goto out;
		} else if (!strcmp(argv[i], "ctx_in")) {
			if (read_input(argv[i + 1], &ctx_in, &opts.ctx_size_in))
				goto out;
		} else if (!strcmp(argv[i], "data_out")) {
			out_path = argv[i + 1];
		} else if (!strcmp(argv[i], "repeat")) {
			if (tool_number(argv[i + 1], "repeat", UINT32_MAX, &repeat))
				goto out;
		} else {
			status = tool_bad_args("prog", argv[i]);
			goto out;
		}
	}
	opts.data_in = data_in;
	opts.ctx_in = ctx_in;
	opts.repeat = (uint32_t)repeat;
	if (opts.data_size_in) {
		/* room for what XDP and skb programs may add (head and tail adjustment) */
		opts.data_size_out = opts.data_size_in + 4096;
		data_out = malloc(opts.data_size_out);
		if (!data_out) {
			tool_error("out of memory");
			goto out;
		}
		opts.data_out = data_out;
	}
	err = ebpfmini_sys_prog_test_run(fd, &opts);
	if (err) {
		tool_explain("BPF_PROG_TEST_RUN", err, BPF_PROG_TEST_RUN, NULL);
		goto out;
	}
	if (out_path && opts.data_size_out) {
		FILE *f = strcmp(out_path, "-") ? fopen(out_path, "wb") : stdout;

		if (!f || fwrite(data_out, 1, opts.data_size_out, f) != opts.data_size_out) {
			tool_error("%s: %s", out_path, strerror(errno));
			if (f && f != stdout)
				fclose(f);
			goto out;
		}
		if (f != stdout)
			fclose(f);
	}
	if (tool_json) {
		json_open(tool_json, NULL);
		json_uint(tool_json, "retval", opts.retval);
		json_uint(tool_json, "duration", opts.duration);
		if (opts.data_size_in)
			json_hex_array(tool_json, "data_out", data_out, opts.data_size_out);
		json_close(tool_json);
	} else {
		printf("Return value: %u, duration%s: %uns\n", opts.retval,
		       repeat > 1 ? " (average)" : "", opts.duration);
		if (opts.data_size_in && !out_path) {
			printf("data_out (%u bytes):\n", opts.data_size_out);
			hexdump(data_out, opts.data_size_out);
		}
	}
	status = 0;
out:
	free(data_in);
	free(ctx_in);
	free(data_out);
	close(fd);
	return status;
}

static volatile sig_atomic_t stop;

#define TRACE_BUF 4096

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Each whole line of buf (len bytes) as a JSON string, flushed; returns the bytes left (the
 * start of the next line, moved to the front; a line longer than buf is cut there). */
static size_t json_lines(char *buf, size_t len)
{
	char *line = buf, *nl;

	while ((nl = memchr(line, '\n', len - (size_t)(line - buf)))) {
		json_strn(tool_json, NULL, line, (size_t)(nl - line));
		line = nl + 1;
	}
	len -= (size_t)(line - buf);
	if (line == buf && len == TRACE_BUF) {
		json_strn(tool_json, NULL, buf, len);
		len = 0;
	}
	memmove(buf, line, len);
	fflush(stdout);
	return len;
}

/* prog tracelog: the lines of bpf_printk() from trace_pipe, until Ctrl-C */
int cmd_prog_tracelog(int argc, char **argv)
{
	struct sigaction sa;
	char path[4096], buf[TRACE_BUF];
	size_t len = 0;
	int fd, err;

	if (tool_help(argc, argv, "prog"))
		return 0;
	if (argc != 1)
		return tool_bad_args("prog", argv[1]);
	err = em_tracefs_path(path, sizeof(path), "trace_pipe");
	if (err)
		return tool_explain("tracefs", err, -1, NULL);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tool_error("%s: %s%s", path, strerror(errno),
				  errno == EBUSY ? " (another process reads it)" : "");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: read() returns on Ctrl-C */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "reading %s (Ctrl-C to stop)\n", path);
	if (tool_json) /* one document: an array of the lines, as bpftool writes it */
		json_open_array(tool_json, NULL);
	while (!stop) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);

		if (n <= 0)
			break;
		if (!tool_json) {
			fwrite(buf, 1, (size_t)n, stdout);
			fflush(stdout);
			continue;
		}
		len = json_lines(buf, len + (size_t)n);
	}
	if (tool_json) {
		if (len) /* a last line without its newline */
			json_strn(tool_json, NULL, buf, len);
		json_close_array(tool_json);
	}
	close(fd);
	return 0;
}
