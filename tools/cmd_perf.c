/* cmd_perf.c - ebpfmini perf list: programs on perf events, kprobes, uprobes and tracepoints */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

#include "tool.h"

static const char *const fd_types[] = {
	[BPF_FD_TYPE_RAW_TRACEPOINT] = "raw_tracepoint", [BPF_FD_TYPE_TRACEPOINT] = "tracepoint",
	[BPF_FD_TYPE_KPROBE] = "kprobe",                 [BPF_FD_TYPE_KRETPROBE] = "kretprobe",
	[BPF_FD_TYPE_UPROBE] = "uprobe",                 [BPF_FD_TYPE_URETPROBE] = "uretprobe",
};

/* one fd of pid, when BPF_TASK_FD_QUERY says a program is attached through it */
static void query(int pid, int fd)
{
	char buf[4096], pname[32];
	uint32_t len = sizeof(buf), prog_id = 0, type = 0;
	uint64_t off = 0, addr = 0;
	const char *kind;

	if (ebpfmini_sys_task_fd_query(pid, fd, 0, buf, &len, &prog_id, &type, &off, &addr))
		return;
	kind = type < sizeof(fd_types) / sizeof(fd_types[0]) ? fd_types[type] : "?";
	tool_prog_name(prog_id, pname, sizeof(pname));
	if (tool_json) {
		struct json *j = tool_json;

		json_open(j, NULL);
		json_int(j, "pid", pid);
		json_int(j, "fd", fd);
		json_uint(j, "prog_id", prog_id);
		json_str(j, "prog_name", pname);
		json_str(j, "fd_type", kind);
		if (type == BPF_FD_TYPE_KPROBE || type == BPF_FD_TYPE_KRETPROBE) {
			json_str(j, "func", buf[0] ? buf : NULL);
			json_uint(j, "offset", off);
			json_uint(j, "addr", addr);
		} else if (type == BPF_FD_TYPE_UPROBE || type == BPF_FD_TYPE_URETPROBE) {
			json_str(j, "filename", buf);
			json_uint(j, "offset", off);
		} else {
			json_str(j, "tracepoint", buf);
		}
		json_close(j);
		return;
	}
	printf("pid %d  fd %d: prog_id %u (%s)  %s  %s", pid, fd, prog_id, pname, kind,
	       buf[0] ? buf : "?");
	if (type >= BPF_FD_TYPE_KPROBE && type <= BPF_FD_TYPE_URETPROBE)
		printf("+0x%llx", (unsigned long long)off);
	if ((type == BPF_FD_TYPE_KPROBE || type == BPF_FD_TYPE_KRETPROBE) && !buf[0])
		printf(" addr 0x%llx", (unsigned long long)addr);
	printf("\n");
}

/* perf list: every process's perf event and raw tracepoint fds with a program */
int cmd_perf_list(int argc, char **argv)
{
	DIR *proc;
	struct dirent *p;
	int n = 0;

	if (tool_help(argc, argv, "perf"))
		return 0;
	if (argc != 1)
		return tool_bad_args("perf", argv[1]);
	if (tool_need_bpf("perf list: BPF_TASK_FD_QUERY"))
		return 1;
	proc = opendir("/proc");
	if (!proc)
		return tool_error("/proc: %s", strerror(errno));
	if (tool_json)
		json_open_array(tool_json, NULL);
	while ((p = readdir(proc))) {
		char dir[300];
		DIR *fds;
		struct dirent *f;
		int pid = atoi(p->d_name);

		if (pid <= 0)
			continue;
		snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
		fds = opendir(dir);
		if (!fds)
			continue; /* gone, or a kernel thread */
		while ((f = readdir(fds))) {
			char link[600], target[64];
			ssize_t len;

			if (f->d_name[0] == '.')
				continue;
			snprintf(link, sizeof(link), "%s/%s", dir, f->d_name);
			len = readlink(link, target, sizeof(target) - 1);
			if (len <= 0)
				continue;
			target[len] = '\0';
			/* only these fds can carry a program: ask nothing of the others */
			if (strcmp(target, "anon_inode:[perf_event]") &&
			    strcmp(target, "anon_inode:bpf_link") &&
			    strcmp(target, "anon_inode:bpf-link"))
				continue;
			query(pid, atoi(f->d_name));
			n++;
		}
		closedir(fds);
	}
	closedir(proc);
	if (tool_json)
		json_close_array(tool_json);
	return 0;
}
