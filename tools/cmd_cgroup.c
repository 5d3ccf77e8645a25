/* cmd_cgroup.c - ebpfmini cgroup tree/show/attach/detach: programs on cgroup v2 hooks */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

#include "sys.h"         /* em_sys_statfs_type */
#include "uapi_compat.h" /* EM_BPF_ATTACH_TYPE_COUNT, BPF_F_* of 6.6 */
#include "tool.h"

#define CGROUP2_MAGIC 0x63677270

static bool is_cgroup_type(uint32_t a)
{
	switch (a) {
	case BPF_CGROUP_INET_INGRESS ... BPF_CGROUP_SOCK_OPS:
	case BPF_CGROUP_DEVICE:
	case BPF_CGROUP_INET4_BIND ... BPF_CGROUP_INET6_POST_BIND:
	case BPF_CGROUP_UDP4_SENDMSG ... BPF_CGROUP_SETSOCKOPT:
	case BPF_CGROUP_INET4_GETPEERNAME ... BPF_CGROUP_INET6_GETSOCKNAME:
	case BPF_CGROUP_INET_SOCK_RELEASE:
	case BPF_LSM_CGROUP:
	case 49 ... 53: /* BPF_CGROUP_UNIX_* (6.7) */
		return ebpfmini_sys_attach_type_name(a) != NULL;
	default:
		return false;
	}
}

/* bpftool's name of a cgroup attach type: ingress, sock_create, connect4, ... */
static const char *cg_name(uint32_t a, char *buf, unsigned size)
{
	static const char *const families[] = { "inet4_", "inet6_", "udp4_", "udp6_" };
	const char *n = tool_attach_type(a, buf, size);
	char tmp[64];

	if (!strncmp(n, "cgroup_", 7))
		n += 7;
	if (!strncmp(n, "inet_", 5))
		n += 5;
	for (unsigned i = 0; i < 4; i++)
		if (!strncmp(n, families[i], strlen(families[i]))) {
			snprintf(tmp, sizeof(tmp), "%s%c", n + strlen(families[i]),
				 families[i][strlen(families[i]) - 2]);
			n = tmp;
			break;
		}
	memmove(buf, n, strlen(n) + 1);
	if (n == tmp)
		snprintf(buf, size, "%s", tmp);
	return buf;
}

static int parse_type(const char *word, uint32_t *type)
{
	char name[64], full[64];

	for (uint32_t a = 0; a < EM_BPF_ATTACH_TYPE_COUNT; a++) {
		if (!is_cgroup_type(a))
			continue;
		if (!strcmp(cg_name(a, name, sizeof(name)), word) ||
		    !strcmp(tool_attach_type(a, full, sizeof(full)), word)) {
			*type = a;
			return 0;
		}
	}
	return tool_error("cgroup: '%s' is not a cgroup attach type (ingress, egress, "
			  "sock_create, connect4, sysctl, ...: see ebpfmini(1))",
			  word);
}

static const char *cgroup2_root(char *buf, size_t size);

static int open_cgroup(const char *path)
{
	char root[4096];
	long magic = 0;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		tool_error("%s: %s", path, strerror(errno));
		return -1;
	}
	if (em_sys_statfs_type(path, &magic) == 0 && magic != CGROUP2_MAGIC) {
		close(fd);
		tool_error("%s: not a cgroup v2 directory (cgroup2 is mounted at %s)", path,
			   cgroup2_root(root, sizeof(root)));
		return -1;
	}
	return fd;
}

static const char *attach_flags(uint32_t f)
{
	return f & BPF_F_ALLOW_MULTI ? "multi" : f & BPF_F_ALLOW_OVERRIDE ? "override" : "";
}

/* The programs on cgroup fd; the path first (for tree) when there are any. Returns how many. */
static int show_cgroup(int fd, const char *path, bool effective)
{
	int n = 0;

	for (uint32_t a = 0; a < EM_BPF_ATTACH_TYPE_COUNT; a++) {
		struct ebpfmini_sys_prog_query_opts q = { .sz = sizeof(q) };
		uint32_t ids[64];
		char name[64], pname[32];
		int err;

		if (!is_cgroup_type(a))
			continue;
		q.query_flags = effective ? BPF_F_QUERY_EFFECTIVE : 0;
		q.prog_ids = ids;
		q.prog_cnt = 64;
		err = ebpfmini_sys_prog_query(fd, a, &q);
		if (err || !q.prog_cnt)
			continue; /* a hook this kernel lacks answers EINVAL */
		for (uint32_t i = 0; i < q.prog_cnt && i < 64; i++, n++) {
			tool_prog_name(ids[i], pname, sizeof(pname));
			cg_name(a, name, sizeof(name));
			if (tool_json) {
				json_open(tool_json, NULL);
				if (path)
					json_str(tool_json, "cgroup", path);
				json_uint(tool_json, "id", ids[i]);
				json_str(tool_json, "attach_type", name);
				json_str(tool_json, "attach_flags", attach_flags(q.attach_flags));
				json_str(tool_json, "name", pname);
				json_close(tool_json);
				continue;
			}
			if (path && !n)
				printf("%s\n", path);
			printf("%s%-8u %-22s %-10s %s\n", path ? "    " : "", ids[i], name,
			       attach_flags(q.attach_flags), pname);
		}
	}
	return n;
}

static bool tree_effective;

static int visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	int fd;

	(void)st;
	(void)ftw;
	if (flag != FTW_D)
		return 0;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		show_cgroup(fd, path, tree_effective);
		close(fd);
	}
	return 0;
}

/* Where cgroup v2 is mounted, from /proc/mounts. */
static const char *cgroup2_root(char *buf, size_t size)
{
	char dev[256], dir[4096], type[64];
	FILE *f = fopen("/proc/self/mounts", "re");

	snprintf(buf, size, "/sys/fs/cgroup");
	while (f && fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3)
		if (!strcmp(type, "cgroup2")) {
			snprintf(buf, size, "%s", dir);
			break;
		}
	if (f)
		fclose(f);
	return buf;
}

/* cgroup tree [ROOT] [effective], cgroup show CGROUP [effective] */
int cmd_cgroup_show(int argc, char **argv)
{
	bool tree = !strcmp(argv[0], "tree");
	const char *path = NULL;
	char root[4096];
	int fd;

	if (tool_help(argc, argv, "cgroup"))
		return 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "effective"))
			tree_effective = true;
		else if (!path)
			path = argv[i];
		else
			return tool_bad_args("cgroup", argv[i]);
	}
	if (!tree && !path)
		return tool_bad_args("cgroup", NULL);
	if (tool_need_bpf("cgroup: BPF_PROG_QUERY"))
		return 1;
	if (tool_json)
		json_open_array(tool_json, NULL);
	if (tree) {
		if (!tool_json)
			printf("%-s\n    %-8s %-22s %-10s %s\n", "CgroupPath", "ID", "AttachType",
			       "AttachFlags", "Name");
		nftw(path ? path : cgroup2_root(root, sizeof(root)), visit, 32, FTW_PHYS | FTW_MOUNT);
	} else {
		fd = open_cgroup(path);
		if (fd < 0)
			return 1;
		if (!tool_json)
			printf("%-8s %-22s %-10s %s\n", "ID", "AttachType", "AttachFlags", "Name");
		show_cgroup(fd, NULL, tree_effective);
		close(fd);
	}
	if (tool_json)
		json_close_array(tool_json);
	return 0;
}

/* cgroup attach CGROUP TYPE PROG [multi|override], cgroup detach CGROUP TYPE PROG */
int cmd_cgroup_attach(int argc, char **argv)
{
	bool attach = !strcmp(argv[0], "attach");
	struct ebpfmini_sys_prog_attach_opts opts = { .sz = sizeof(opts) };
	uint32_t type = 0;
	int cg, prog, used, err;

	if (tool_help(argc, argv, "cgroup"))
		return 0;
	if (argc < 4)
		return tool_bad_args("cgroup", NULL);
	if (parse_type(argv[2], &type))
		return 2;
	prog = tool_select_one(TOOL_PROG, argc - 3, argv + 3, &used);
	if (prog < 0)
		return 1;
	for (int i = 3 + used; i < argc; i++) {
		if (attach && !strcmp(argv[i], "multi")) {
			opts.flags |= BPF_F_ALLOW_MULTI;
		} else if (attach && !strcmp(argv[i], "override")) {
			opts.flags |= BPF_F_ALLOW_OVERRIDE;
		} else {
			close(prog);
			return tool_bad_args("cgroup", argv[i]);
		}
	}
	cg = open_cgroup(argv[1]);
	if (cg < 0) {
		close(prog);
		return 1;
	}
	err = attach ? ebpfmini_sys_prog_attach(prog, cg, type, &opts) :
		       ebpfmini_sys_prog_detach(prog, cg, type);
	close(cg);
	close(prog);
	if (err)
		return tool_explain(attach ? "cgroup attach" : "cgroup detach", err,
				    attach ? BPF_PROG_ATTACH : BPF_PROG_DETACH, NULL);
	if (tool_json)
		printf("null\n");
	return 0;
}
