/* kobj.c - the ebpfmini tool: programs, maps, links and BTF objects of the kernel by id, pin or name */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

#include "tool.h"

static const struct {
	const char *noun;
	int (*next_id)(uint32_t, uint32_t *);
	int (*fd_by_id)(uint32_t);
	int next_cmd, fd_cmd;
	const char *fdinfo; /* a field only this kind's fdinfo has */
} kinds[] = {
	[TOOL_PROG] = { "prog", ebpfmini_sys_prog_get_next_id, ebpfmini_sys_prog_get_fd_by_id,
			BPF_PROG_GET_NEXT_ID, BPF_PROG_GET_FD_BY_ID, "prog_type" },
	[TOOL_MAP] = { "map", ebpfmini_sys_map_get_next_id, ebpfmini_sys_map_get_fd_by_id,
		       BPF_MAP_GET_NEXT_ID, BPF_MAP_GET_FD_BY_ID, "map_type" },
	[TOOL_LINK] = { "link", ebpfmini_sys_link_get_next_id, ebpfmini_sys_link_get_fd_by_id,
			BPF_LINK_GET_NEXT_ID, BPF_LINK_GET_FD_BY_ID, "link_type" },
	[TOOL_BTF] = { "btf", ebpfmini_sys_btf_get_next_id, ebpfmini_sys_btf_get_fd_by_id,
		       BPF_BTF_GET_NEXT_ID, BPF_BTF_GET_FD_BY_ID },
};

int tool_next(enum tool_kind kind, uint32_t *id, int *fd)
{
	for (;;) {
		int err = kinds[kind].next_id(*id, id);

		if (err == -ENOENT)
			return 0;
		if (err) {
			tool_explain(ebpfmini_sys_cmd_name(kinds[kind].next_cmd), err,
				     kinds[kind].next_cmd, NULL);
			return -1;
		}
		*fd = kinds[kind].fd_by_id(*id);
		if (*fd == -ENOENT)
			continue; /* gone since */
		if (*fd < 0) {
			tool_explain(ebpfmini_sys_cmd_name(kinds[kind].fd_cmd), *fd,
				     kinds[kind].fd_cmd, NULL);
			return -1;
		}
		return 1;
	}
}

int tool_info(int fd, void *info, uint32_t size)
{
	uint32_t len = size;
	int err;

	memset(info, 0, size);
	err = ebpfmini_sys_obj_get_info(fd, info, &len);
	if (err)
		tool_explain("BPF_OBJ_GET_INFO_BY_FD", err, BPF_OBJ_GET_INFO_BY_FD, NULL);
	return err;
}

long long tool_fdinfo(int fd, const char *field)
{
	char path[64], line[256];
	size_t n = strlen(field);
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':') {
			v = strtoll(line + n + 1, NULL, 0);
			break;
		}
	fclose(f);
	return v;
}

const char *tool_prog_type(uint32_t type, char *buf, unsigned size)
{
	return tool_short_name(ebpfmini_sys_prog_type_name(type), "BPF_PROG_TYPE_", type, buf,
			       size);
}

const char *tool_map_type(uint32_t type, char *buf, unsigned size)
{
	return tool_short_name(ebpfmini_sys_map_type_name(type), "BPF_MAP_TYPE_", type, buf, size);
}

const char *tool_attach_type(uint32_t type, char *buf, unsigned size)
{
	return tool_short_name(ebpfmini_sys_attach_type_name(type), "BPF_", type, buf, size);
}

int tool_number(const char *s, const char *what, unsigned long long max, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *v > max || s[0] == '-')
		return tool_error("%s wants a number up to %llu, not '%s'", what, max, s);
	return 0;
}

const char *tool_prog_name(uint32_t id, char *buf, size_t size)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	int fd = id ? ebpfmini_sys_prog_get_fd_by_id(id) : -ENOENT;

	snprintf(buf, size, "-");
	if (fd < 0)
		return buf;
	memset(&info, 0, sizeof(info));
	if (ebpfmini_sys_obj_get_info(fd, &info, &len) == 0)
		snprintf(buf, size, "%s", info.name[0] ? info.name : "?");
	close(fd);
	return buf;
}

/* The name (and tag) the kernel keeps for prog or map fd. */
static bool matches(enum tool_kind kind, int fd, const char *name, const char *tag)
{
	union {
		struct bpf_prog_info prog;
		struct bpf_map_info map;
	} info;
	uint32_t len = sizeof(info);
	char hex[2 * BPF_TAG_SIZE + 1];

	memset(&info, 0, sizeof(info));
	if (ebpfmini_sys_obj_get_info(fd, &info, &len))
		return false;
	if (name)
		return !strcmp(kind == TOOL_PROG ? info.prog.name : info.map.name, name);
	for (int i = 0; i < BPF_TAG_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02x", info.prog.tag[i]);
	return !strcasecmp(hex, tag);
}

int tool_select(enum tool_kind kind, int argc, char **argv, int *used, int **fds)
{
	const char *noun = kinds[kind].noun;
	unsigned long long id;
	int n = 0, fd;
	uint32_t walk = 0;

	*fds = NULL;
	*used = 0;
	if (argc < 1)
		return tool_error("%s: which one? give ID, id ID or pinned PATH", noun), -1;
	if (strcmp(argv[0], "id") && strcmp(argv[0], "pinned") && strcmp(argv[0], "name") &&
	    strcmp(argv[0], "tag")) {
		/* a bare ID */
		if (tool_number(argv[0], noun, UINT32_MAX, &id))
			return -1;
		*used = 1;
		goto by_id;
	}
	if (argc < 2)
		return tool_error("%s: '%s' wants a value after it", noun, argv[0]), -1;
	*used = 2;
	if (!strcmp(argv[0], "id")) {
		if (tool_number(argv[1], "id", UINT32_MAX, &id))
			return -1;
		goto by_id;
	}
	if (!strcmp(argv[0], "pinned")) {
		fd = ebpfmini_sys_obj_get(argv[1], 0);
		if (fd < 0)
			return tool_explain(argv[1], fd, BPF_OBJ_GET, NULL), -1;
		if (kinds[kind].fdinfo && tool_fdinfo(fd, kinds[kind].fdinfo) < 0) {
			close(fd);
			return tool_error("%s: pinned '%s' is not a %s", noun, argv[1], noun), -1;
		}
		goto one;
	}
	if (kind == TOOL_LINK || kind == TOOL_BTF || (kind == TOOL_MAP && argv[0][0] == 't'))
		return tool_error("%s: '%s' is not a way to name a %s", noun, argv[0], noun), -1;
	while ((fd = -1, tool_next(kind, &walk, &fd)) > 0) {
		int *grown;

		if (!matches(kind, fd, argv[0][0] == 'n' ? argv[1] : NULL, argv[1])) {
			close(fd);
			continue;
		}
		grown = realloc(*fds, (size_t)(n + 1) * sizeof(int));
		if (!grown) {
			close(fd);
			break;
		}
		*fds = grown;
		(*fds)[n++] = fd;
	}
	if (!n) {
		free(*fds);
		*fds = NULL;
		return tool_error("%s: no %s with %s '%s'", noun, noun, argv[0], argv[1]), -1;
	}
	return n;
by_id:
	fd = kinds[kind].fd_by_id((uint32_t)id);
	if (fd == -ENOENT)
		return tool_error("%s: no %s with id %llu", noun, noun, id), -1;
	if (fd < 0)
		return tool_explain(ebpfmini_sys_cmd_name(kinds[kind].fd_cmd), fd,
				    kinds[kind].fd_cmd, NULL),
		       -1;
one:
	*fds = malloc(sizeof(int));
	if (!*fds) {
		close(fd);
		return tool_error("out of memory"), -1;
	}
	(*fds)[0] = fd;
	return 1;
}

int tool_select_one(enum tool_kind kind, int argc, char **argv, int *used)
{
	int *fds, n = tool_select(kind, argc, argv, used, &fds), fd;

	if (n < 0)
		return -1;
	fd = fds[0];
	for (int i = 1; i < n; i++)
		close(fds[i]);
	free(fds);
	if (n > 1) {
		close(fd);
		return tool_error("%s %s: %d of them: name one by id", argv[0], argv[1], n), -1;
	}
	return fd;
}

int tool_show(enum tool_kind kind, int argc, char **argv, void (*show)(int fd))
{
	const char *noun = kinds[kind].noun;
	int *fds = NULL, n = 0, used = 0, fd, r = 0;
	uint32_t id = 0;

	if (tool_help(argc, argv, noun))
		return 0;
	if (argc > 1 && !strcmp(argv[0], "list"))
		return tool_bad_args(noun, argv[1]);
	if (argc > 1) {
		n = tool_select(kind, argc - 1, argv + 1, &used, &fds);
		if (n < 0)
			return 1;
		if (1 + used != argc) {
			for (int i = 0; i < n; i++)
				close(fds[i]);
			free(fds);
			return tool_bad_args(noun, argv[1 + used]);
		}
	}
	/* a list is an array; one object named by the user is the object alone */
	if (tool_json && (argc == 1 || n > 1))
		json_open_array(tool_json, NULL);
	for (int i = 0; i < n; i++) {
		show(fds[i]);
		close(fds[i]);
	}
	free(fds);
	while (argc == 1 && (r = tool_next(kind, &id, &fd)) > 0) {
		show(fd);
		close(fd);
	}
	if (tool_json && (argc == 1 || n > 1))
		json_close_array(tool_json);
	return r < 0;
}
