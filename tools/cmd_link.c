/* cmd_link.c - ebpfmini link list, and object load --attach: attach by SEC name, hold or pin the links */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

#include "uapi_compat.h" /* link types newer than the installed header */
#include "link.h"     /* em_link_auto_attachable */
#include "tool.h"

/* ---- object load --attach ------------------------------------------------------------ */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* "perf_event" for BPF_LINK_TYPE_PERF_EVENT */
static const char *link_kind(uint32_t type, char *buf, unsigned size)
{
	return tool_short_name(ebpfmini_sys_link_type_name(type), "BPF_LINK_TYPE_", type, buf,
			       size);
}

/* The output of one run of an iterator link: an iterator does nothing until read. */
static char *iter_output(struct ebpfmini_link *link, size_t *len)
{
	char *text = NULL;

	*len = 0;
	if (ebpfmini_link_iter_read(link, 0, &text, len)) {
		free(text);
		return NULL;
	}
	return text;
}

/* A link as a line of text, or (-j) as an element of the "links" array. */
static void print_link(const char *key, const char *name, struct ebpfmini_link *link,
		       bool pinned)
{
	struct ebpfmini_link_info info = { .sz = sizeof(info) };
	size_t n = ebpfmini_link_member_count(link), len = 0;
	bool map = !strcmp(key, "map_name"); /* a struct_ops map: a link, or registered by update */
	char kind[64], *text = NULL;
	struct json *j = tool_json;

	snprintf(kind, sizeof(kind), "%s", map ? "map_update" : "perf_event_ioctl");

	if (ebpfmini_link_info(ebpfmini_link_member(link, 0), &info) == 0)
		link_kind(info.type, kind, sizeof(kind));
	if (info.type == BPF_LINK_TYPE_ITER && !pinned)
		text = iter_output(link, &len);
	if (j) {
		json_open(j, NULL);
		json_str(j, key, name);
		json_str(j, "target", ebpfmini_link_target(link));
		json_str(j, "type", kind);
		json_open_array(j, "ids");
		for (size_t i = 0; i < n; i++)
			json_uint(j, NULL, ebpfmini_link_id(ebpfmini_link_member(link, i)));
		json_close_array(j);
		if (text)
			json_strn(j, "output", text, len);
		if (!pinned) /* else pin_link() adds the paths and closes it */
			json_close(j);
		free(text);
		return;
	}
	printf("link '%s': %s (%s link%s, id%s", name,
	       ebpfmini_link_target(link), kind, n > 1 ? "s" : "", n > 1 ? "s" : "");
	for (size_t i = 0; i < n; i++)
		printf(" %u", ebpfmini_link_id(ebpfmini_link_member(link, i)));
	printf(")\n");
	/* one run, its bytes as read (NULs included: an iterator's output may be binary) */
	if (text) {
		fwrite(text, 1, len, stdout);
		if (len && text[len - 1] != '\n')
			putchar('\n');
	}
	free(text);
}

/* Pin link (each member of a set) as dir/<name> or dir/<name>_<i>; with -j the paths are
 * the "pinned" array that ends the link's element. */
static int pin_link(const char *what, struct ebpfmini_link *link, const char *dir,
		    const char *name)
{
	size_t n = ebpfmini_link_member_count(link);
	char path[4096];
	int err = 0;

	if (tool_json)
		json_open_array(tool_json, "pinned");
	for (size_t i = 0; i < n && !err; i++) {
		if (n > 1)
			snprintf(path, sizeof(path), "%s/%s_%zu", dir, name, i);
		else
			snprintf(path, sizeof(path), "%s/%s", dir, name);
		err = ebpfmini_link_pin(ebpfmini_link_member(link, i), path);
		if (err)
			tool_explain(path, err, BPF_OBJ_PIN, NULL);
		else if (tool_json)
			json_str(tool_json, NULL, path);
		else
			printf("link '%s' pinned at %s\n", what, path);
	}
	if (tool_json) {
		json_close_array(tool_json);
		json_close(tool_json);
	}
	return err;
}

static void hold(size_t nlinks, int seconds)
{
	FILE *out = tool_json ? stderr : stdout; /* the JSON document is complete by now */
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (seconds >= 0)
		fprintf(out, "holding %zu link%s for %d s\n", nlinks, nlinks == 1 ? "" : "s",
			seconds);
	else
		fprintf(out, "holding %zu link%s until Ctrl-C\n", nlinks, nlinks == 1 ? "" : "s");
	fflush(out);
	for (long ms = 0; !stop && (seconds < 0 || ms < seconds * 1000L); ms += 100)
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
	fprintf(out, "detaching\n");
}

/* A program that was not attached: why, for the summary line or the "skipped" array. */
struct skip {
	const struct ebpfmini_program *prog;
	int err; /* 0: its SEC name does not say where */
};

static void print_skipped(const struct skip *skips, size_t n)
{
	char names[1024] = "", why[1024];
	size_t nfailed = 0;

	if (tool_json) {
		json_open_array(tool_json, "skipped");
		for (size_t i = 0; i < n; i++) {
			json_open(tool_json, NULL);
			json_str(tool_json, "prog_name", ebpfmini_program_name(skips[i].prog));
			json_str(tool_json, "section", ebpfmini_program_section(skips[i].prog));
			if (skips[i].err) {
				ebpfmini_log_explain(skips[i].err, -1, NULL, why, sizeof(why));
				json_int(tool_json, "error", skips[i].err);
				json_str(tool_json, "reason", why);
			} else {
				json_str(tool_json, "reason", "its SEC name does not say where");
			}
			json_close(tool_json);
		}
		json_close_array(tool_json);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names);

		if (!skips[i].err)
			continue;
		snprintf(names + len, sizeof(names) - len, "%s'%s'", nfailed++ ? ", " : "",
			 ebpfmini_program_name(skips[i].prog));
	}
	if (nfailed)
		printf("skipped %zu program%s this kernel cannot attach: %s (--prog NAME picks "
		       "programs)\n",
		       nfailed, nfailed == 1 ? "" : "s", names);
}

int tool_attach_object(struct ebpfmini_object *obj, const struct tool_attach_opts *opts)
{
	const struct ebpfmini_program *p = NULL;
	struct ebpfmini_link **links = NULL;
	struct skip *skips = NULL;
	size_t nlinks = 0, nskips = 0, nfailed = 0, nprogs = 0;
	int err = 0;

	const struct ebpfmini_map *m = NULL;

	while ((p = ebpfmini_object_next_program(obj, p)))
		nprogs++;
	while ((m = ebpfmini_object_next_map(obj, m)))
		nprogs++; /* a struct_ops map makes a link too */
	links = calloc(nprogs + 1, sizeof(*links));
	skips = calloc(nprogs + 1, sizeof(*skips));
	if (!links || !skips) {
		free(links);
		free(skips);
		return tool_error("out of memory");
	}
	if (tool_json)
		json_open_array(tool_json, "links");
	while ((p = ebpfmini_object_next_program(obj, p))) {
		struct ebpfmini_program *prog = (struct ebpfmini_program *)p;
		struct ebpfmini_link *link = NULL;

		if (ebpfmini_program_fd(p) < 0 || (opts->only_prog && p != opts->only_prog))
			continue;
		/* a struct_ops program runs once its map is registered (below) */
		if (ebpfmini_program_type(p) == BPF_PROG_TYPE_STRUCT_OPS && !opts->only_prog)
			continue;
		if (!em_link_prog_attachable(p)) {
			if (!tool_json)
				printf("prog '%s': not attached: SEC '%s' does not say where (attach "
				       "it with the library's function for its hook)\n",
				       ebpfmini_program_name(p), ebpfmini_program_section(p));
			skips[nskips++] = (struct skip){ p, 0 };
			continue;
		}
		err = ebpfmini_program_attach(prog, &link);
		if (err) {
			char what[512];

			snprintf(what, sizeof(what), "prog '%s': %s SEC '%s'",
				 ebpfmini_program_name(p), opts->strict ? "attach" : "skipped:",
				 ebpfmini_program_section(p));
			tool_explain(what, err, -1, NULL);
			if (opts->strict)
				break;
			skips[nskips++] = (struct skip){ p, err };
			nfailed++;
			err = 0;
			continue;
		}
		links[nlinks++] = link;
		print_link("prog_name", ebpfmini_program_name(p), link, opts->pin_dir != NULL);
		if (opts->pin_dir) {
			err = pin_link(ebpfmini_program_name(p), link, opts->pin_dir,
				       opts->pin_name ? opts->pin_name : ebpfmini_program_name(p));
			if (err)
				break;
		}
	}
	/* struct_ops maps: registered with their subsystem, by link or by map update */
	while (!err && !opts->only_prog && (m = ebpfmini_object_next_map(obj, m))) {
		struct ebpfmini_link *link = NULL;
		const char *name = ebpfmini_map_name(m);

		if (ebpfmini_map_type(m) != BPF_MAP_TYPE_STRUCT_OPS || ebpfmini_map_fd(m) < 0)
			continue;
		err = ebpfmini_map_attach_struct_ops((struct ebpfmini_map *)m, &link);
		if (err) {
			char what[512];

			snprintf(what, sizeof(what), "map '%s': register struct_ops", name);
			tool_explain(what, err, -1, NULL);
			if (opts->strict)
				break;
			nfailed++;
			err = 0;
			continue;
		}
		links[nlinks++] = link;
		print_link("map_name", name, link, opts->pin_dir != NULL);
		if (opts->pin_dir) {
			err = pin_link(name, link, opts->pin_dir, name);
			if (err)
				break;
		}
	}
	if (tool_json)
		json_close_array(tool_json);
	print_skipped(skips, nskips);
	if (!err && !nlinks) {
		if (!tool_json)
			printf("no program of this object %s\n",
			       nfailed ? "could be attached" : "says where to attach");
		err = nfailed ? -ENOENT : 0;
	} else if (!err && opts->pin_dir && !tool_json) {
		printf("links pinned under %s: the programs stay attached until the pins are "
		       "removed\n",
		       opts->pin_dir);
	}
	/* the caller's part of the output (the report, the end of the JSON document) comes
	 * before the wait */
	if (opts->done)
		opts->done(opts->done_ctx);
	if (!err && nlinks && !opts->pin_dir)
		hold(nlinks, opts->seconds);
	/* a pinned link stays attached after its fd is closed */
	for (size_t i = 0; i < nlinks; i++)
		ebpfmini_link_close(links[i]);
	free(links);
	free(skips);
	return err ? 1 : 0;
}

/* ---- link list ------------------------------------------------------------------------- */

/*
 * struct bpf_link_info as the running kernel fills it. The installed UAPI
 * header (Linux 6.1) lacks the perf_event member (6.6): its fields are read
 * at their ABI offsets in raw[]: type u32 at 16, then per kind a name
 * pointer u64 at 24 and its length u32 at 32 (uprobe: file offset u32 at 36;
 * kprobe: offset u32 at 36; event: config u64 at 24, type u32 at 32).
 */
union link_info {
	struct bpf_link_info info;
	uint8_t raw[256];
};

enum {
	PE_UPROBE = 1,
	PE_URETPROBE,
	PE_KPROBE,
	PE_KRETPROBE,
	PE_TRACEPOINT,
	PE_EVENT
};

static uint32_t get32(const union link_info *li, size_t off)
{
	uint32_t v;

	memcpy(&v, li->raw + off, sizeof(v));
	return v;
}

static void put64(union link_info *li, size_t off, uint64_t v)
{
	memcpy(li->raw + off, &v, sizeof(v));
}

static void put32(union link_info *li, size_t off, uint32_t v)
{
	memcpy(li->raw + off, &v, sizeof(v));
}

/* One fact of a link: "key value" in the text, a member of its JSON object. */
static void fact(struct json *j, char *buf, size_t size, const char *key, const char *text,
		 const char *str, uint64_t num)
{
	size_t n = strlen(buf);

	if (j && str)
		json_str(j, key, str);
	else if (j)
		json_uint(j, key, num);
	else if (text)
		snprintf(buf + n, size - n, "%s%s", n ? " " : "", text);
}

/* The kind-specific part of a link's description: into buf, or as JSON members. */
static void link_details(int fd, union link_info *li, struct json *j, char *buf, size_t size)
{
	char name[512] = "", at[64], text[640];
	uint32_t len = sizeof(*li), type = li->info.type, pe;

	buf[0] = '\0';
	switch (type) {
	case BPF_LINK_TYPE_RAW_TRACEPOINT:
		li->info.raw_tracepoint.tp_name = (uint64_t)(uintptr_t)name;
		li->info.raw_tracepoint.tp_name_len = sizeof(name);
		if (ebpfmini_sys_obj_get_info(fd, li, &len) == 0) {
			snprintf(text, sizeof(text), "tracepoint %s", name);
			fact(j, buf, size, "tp_name", text, name, 0);
		}
		return;
	case BPF_LINK_TYPE_ITER:
		li->info.iter.target_name = (uint64_t)(uintptr_t)name;
		li->info.iter.target_name_len = sizeof(name);
		if (ebpfmini_sys_obj_get_info(fd, li, &len) == 0) {
			snprintf(text, sizeof(text), "iter %s", name);
			fact(j, buf, size, "target_name", text, name, 0);
		}
		return;
	case BPF_LINK_TYPE_TRACING:
	case BPF_LINK_TYPE_CGROUP:
	case BPF_LINK_TYPE_NETNS:
	case BPF_LINK_TYPE_TCX:
	case BPF_LINK_TYPE_NETKIT:
		tool_attach_type(type == BPF_LINK_TYPE_TRACING ? li->info.tracing.attach_type :
				 type == BPF_LINK_TYPE_CGROUP  ? li->info.cgroup.attach_type :
				 type == BPF_LINK_TYPE_NETNS   ? li->info.netns.attach_type :
								 get32(li, 20),
				 at, sizeof(at));
		fact(j, buf, size, "attach_type", at, at, 0);
		if (type == BPF_LINK_TYPE_TRACING) {
			snprintf(text, sizeof(text), "btf object %u type %u",
				 li->info.tracing.target_obj_id, li->info.tracing.target_btf_id);
			fact(j, buf, size, "target_obj_id", text, NULL,
			     li->info.tracing.target_obj_id);
			fact(j, buf, size, "target_btf_id", NULL, NULL,
			     li->info.tracing.target_btf_id);
		} else if (type == BPF_LINK_TYPE_CGROUP) {
			snprintf(text, sizeof(text), "cgroup id %llu",
				 (unsigned long long)li->info.cgroup.cgroup_id);
			fact(j, buf, size, "cgroup_id", text, NULL, li->info.cgroup.cgroup_id);
		} else if (type == BPF_LINK_TYPE_NETNS) {
			snprintf(text, sizeof(text), "netns inode %u", li->info.netns.netns_ino);
			fact(j, buf, size, "netns_ino", text, NULL, li->info.netns.netns_ino);
		} else {
			snprintf(text, sizeof(text), "ifindex %u", get32(li, 16));
			fact(j, buf, size, "ifindex", text, NULL, get32(li, 16));
		}
		return;
	case BPF_LINK_TYPE_XDP:
		snprintf(text, sizeof(text), "ifindex %u", li->info.xdp.ifindex);
		fact(j, buf, size, "ifindex", text, NULL, li->info.xdp.ifindex);
		return;
	case BPF_LINK_TYPE_NETFILTER:
		snprintf(text, sizeof(text), "pf %u hook %u prio %d", get32(li, 16), get32(li, 20),
			 (int)get32(li, 24));
		fact(j, buf, size, "pf", text, NULL, get32(li, 16));
		fact(j, buf, size, "hook", NULL, NULL, get32(li, 20));
		if (j)
			json_int(j, "prio", (int32_t)get32(li, 24));
		return;
	case BPF_LINK_TYPE_PERF_EVENT:
		pe = get32(li, 16);
		if (pe == PE_EVENT) {
			uint64_t config;

			memcpy(&config, li->raw + 24, sizeof(config));
			snprintf(text, sizeof(text), "event type %u config 0x%llx", get32(li, 32),
				 (unsigned long long)config);
			fact(j, buf, size, "event_type", text, NULL, get32(li, 32));
			fact(j, buf, size, "event_config", NULL, NULL, config);
			return;
		}
		if (pe == 0) {
			/* kernels before the perf_event member (6.6) leave it zeroed */
			fact(j, buf, size, "perf_event",
			     "? (the kernel does not describe perf_event links)", NULL, 0);
			return;
		}
		if (pe < PE_UPROBE || pe > PE_TRACEPOINT)
			return;
		put64(li, 24, (uint64_t)(uintptr_t)name);
		put32(li, 32, sizeof(name));
		if (ebpfmini_sys_obj_get_info(fd, li, &len) != 0)
			return;
		if (pe == PE_TRACEPOINT) {
			snprintf(text, sizeof(text), "tracepoint %s", name);
			fact(j, buf, size, "tracepoint", text, name, 0);
			return;
		}
		snprintf(text, sizeof(text), "%s %s+0x%x",
			 pe == PE_UPROBE    ? "uprobe" :
			 pe == PE_URETPROBE ? "uretprobe" :
			 pe == PE_KPROBE    ? "kprobe" :
					      "kretprobe",
			 name, get32(li, 36));
		fact(j, buf, size, pe <= PE_URETPROBE ? "file" : "func", text, name, 0);
		fact(j, buf, size, "offset", NULL, NULL, get32(li, 36));
		fact(j, buf, size, "retprobe", NULL, NULL, pe == PE_URETPROBE || pe == PE_KRETPROBE);
		return;
	default:
		return;
	}
}

static bool header_done;

static void show_one(int fd)
{
	union link_info li;
	char kind[64], pname[32], details[1024];

	if (tool_info(fd, &li, sizeof(li)))
		return;
	link_kind(li.info.type, kind, sizeof(kind));
	tool_prog_name(li.info.prog_id, pname, sizeof(pname));
	if (tool_json) {
		json_open(tool_json, NULL);
		json_uint(tool_json, "id", li.info.id);
		json_str(tool_json, "type", kind);
		json_uint(tool_json, "prog_id", li.info.prog_id);
		json_str(tool_json, "prog_name", pname);
		link_details(fd, &li, tool_json, details, sizeof(details));
		json_close(tool_json);
		return;
	}
	link_details(fd, &li, NULL, details, sizeof(details));
	if (!header_done)
		printf("%6s  %-14s %6s  %-16s %s\n", "id", "type", "prog", "prog name",
		       "attached to");
	header_done = true;
	printf("%6u  %-14s %6u  %-16s %s\n", li.info.id, kind, li.info.prog_id, pname, details);
}

int cmd_link_list(int argc, char **argv)
{
	int status = tool_show(TOOL_LINK, argc, argv, show_one);

	if (!status && !header_done && !tool_json)
		printf("(no links)\n");
	return status;
}

/* link pin LINK PATH, link detach LINK */
int cmd_link_pin(int argc, char **argv)
{
	bool detach = !strcmp(argv[0], "detach");
	int used, fd, err;

	if (tool_help(argc, argv, "link"))
		return 0;
	fd = tool_select_one(TOOL_LINK, argc - 1, argv + 1, &used);
	if (fd < 0)
		return 1;
	if (1 + used + !detach != argc) {
		close(fd);
		return tool_bad_args("link", 1 + used + !detach < argc ? argv[1 + used + !detach] :
									 NULL);
	}
	err = detach ? ebpfmini_sys_link_detach(fd) : ebpfmini_sys_obj_pin(fd, argv[argc - 1]);
	close(fd);
	if (err)
		return tool_explain(detach ? "link detach" : argv[argc - 1], err,
				    detach ? BPF_LINK_DETACH : BPF_OBJ_PIN, NULL);
	if (tool_json)
		printf("null\n");
	return 0;
}
