/* lifetime.c - the kernel's object-lifetime rules: what keeps a program, a map and a link alive */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "common.h"
#include "lifetime.bpf.o.h" /* lifetime_bpf_o[]: lifetime.bpf.c, embedded */

static const char usage[] =
	"usage: lifetime [--bpffs DIR] [-d SECONDS]\n"
	"A child process loads a program and a map, attaches the program through a link, pins\n"
	"all three in bpffs and exits. The objects outlive it (the pins hold them), the program\n"
	"keeps running; then the pins go, one by one, and so do the objects. Prints what the\n"
	"kernel says at each step.\n"
	"  --bpffs DIR  pin under DIR (default /sys/fs/bpf); when DIR is not a bpffs, a bpffs\n"
	"               is mounted there for the run and unmounted after\n"
	"  -d SECONDS   how long to watch the orphaned program run (default 1)\n"
	"  -h, --help   show this help\n";

static const char *bpffs = "/sys/fs/bpf";
static bool bpffs_given;

static int option(int argc, char **argv, int i)
{
	if (strcmp(argv[i], "--bpffs") != 0 || i + 1 >= argc)
		return 0;
	bpffs = argv[i + 1];
	bpffs_given = true;
	return 2;
}

enum {
	PROG,
	MAP,
	LINK
};
static const char *const kinds[] = { "prog", "map", "link" };
static char pins[3][4096 + 8]; /* <dir>/<kind> */

/* Ask the kernel about the object with this id: open it by id, get its info, close it. */
static bool alive(int kind, uint32_t id, bool verbose)
{
	union {
		struct bpf_prog_info prog;
		struct bpf_map_info map;
		struct bpf_link_info link;
	} info;
	uint32_t len = sizeof(info);
	int fd = kind == PROG ? ebpfmini_sys_prog_get_fd_by_id(id) :
		 kind == MAP  ? ebpfmini_sys_map_get_fd_by_id(id) :
				ebpfmini_sys_link_get_fd_by_id(id);

	if (fd < 0) {
		if (verbose)
			printf("  %s %u: gone (%s)\n", kinds[kind], id, strerror(-fd));
		return false;
	}
	memset(&info, 0, sizeof(info));
	ebpfmini_sys_obj_get_info(fd, &info, &len);
	close(fd);
	if (verbose && kind == LINK)
		printf("  link %u: alive, %s, program %u attached\n", id,
		       ebpfmini_sys_link_type_name(info.link.type), info.link.prog_id);
	else if (verbose)
		printf("  %s %u '%s': alive\n", kinds[kind], id,
		       kind == PROG ? info.prog.name : info.map.name);
	return true;
}

/* Wait up to 2 s for the kernel to free the object (it does so after an RCU grace period). */
static bool gone(int kind, uint32_t id)
{
	for (int i = 0; i < 200 && alive(kind, id, false); i++)
		usleep(10000);
	return !alive(kind, id, true);
}

/* The counter, read through the map's pin (and the fd closed again). */
static uint64_t counter(void)
{
	uint64_t value = 0;
	uint32_t zero = 0;
	int fd = ebpfmini_sys_obj_get(pins[MAP], 0);

	if (fd >= 0) {
		ebpfmini_sys_map_lookup(fd, &zero, &value, 0);
		close(fd);
	}
	return value;
}

/* Step 1, in a child: open, load, attach, pin; report the ids on fd; exit without closing. */
static int child(int fd)
{
	struct ebpfmini_object *obj = NULL;
	struct ebpfmini_program *prog;
	struct ebpfmini_link *link = NULL;
	uint32_t ids[3];
	int err;

	/* open, load */
	err = ebpfmini_object_open_mem(lifetime_bpf_o, sizeof(lifetime_bpf_o), NULL, &obj);
	prog = err ? NULL : ebpfmini_object_find_program(obj, "count_execs");
	if (!err)
		err = ebpfmini_object_load(obj);
	/* attach through a link (raw tracepoint sched_process_exec) */
	if (!err)
		err = ebpfmini_program_attach(prog, &link);
	/* pin the program, the map and the link */
	if (!err)
		err = ebpfmini_program_pin(prog, pins[PROG]);
	if (!err)
		err = ebpfmini_map_pin(ebpfmini_object_find_map(obj, "exec_count"), pins[MAP]);
	if (!err)
		err = ebpfmini_link_pin(link, pins[LINK]);
	if (err)
		return ex_fail("step 1", err, prog ? ebpfmini_program_log(prog) : NULL);
	ids[PROG] = ebpfmini_program_id(prog);
	ids[MAP] = ebpfmini_map_id(ebpfmini_object_find_map(obj, "exec_count"));
	ids[LINK] = ebpfmini_link_id(link);
	printf("step 1 (process %d): loaded prog %u and map %u, attached link %u, pinned at\n"
	       "  %s\n  %s\n  %s\n",
	       getpid(), ids[PROG], ids[MAP], ids[LINK], pins[PROG], pins[MAP], pins[LINK]);
	fflush(stdout);
	/* exit without cleaning up: the kernel closes every fd of the process */
	return write(fd, ids, sizeof(ids)) == sizeof(ids) ? 0 : 1;
}

int main(int argc, char **argv)
{
	char dir[4096];
	uint32_t ids[3];
	uint64_t before;
	struct statfs st;
	bool mounted = false, ok = true;
	int p[2], status;
	pid_t pid;

	ex_seconds = 1;
	ex_start(argc, argv, "lifetime", usage, option);

	/* a bpffs to pin in: the given one, or one mounted there for this run */
	if (statfs(bpffs, &st) == 0 && st.f_type != 0xcafe4a11 /* BPF_FS_MAGIC */ && bpffs_given) {
		if (mount("bpf", bpffs, "bpf", 0, "mode=0700") != 0)
			return ex_fail("mount a bpffs", -errno, NULL);
		mounted = true;
		printf("mounted a bpffs at %s\n", bpffs);
	} else if (statfs(bpffs, &st) != 0 || st.f_type != 0xcafe4a11) {
		fprintf(stderr, "lifetime: %s is not a bpffs: mount -t bpf bpf %s\n", bpffs, bpffs);
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/ebpfmini-lifetime-%d", bpffs, getpid());
	for (int k = PROG; k <= LINK; k++)
		snprintf(pins[k], sizeof(pins[k]), "%s/%s", dir, kinds[k]);

	/* step 1 in a child process, which exits */
	if (pipe(p) != 0 || (pid = fork()) < 0)
		return ex_fail("fork", -errno, NULL);
	if (pid == 0)
		_exit(child(p[1]));
	close(p[1]);
	if (read(p[0], ids, sizeof(ids)) != sizeof(ids)) {
		waitpid(pid, NULL, 0);
		ok = false;
		goto out;
	}
	waitpid(pid, &status, 0);

	/* step 2: the process is gone, the pins hold the objects, the link keeps the program attached */
	printf("step 2: process %d exited (status %d); by id the kernel still has:\n", pid,
	       WEXITSTATUS(status));
	for (int k = PROG; k <= LINK; k++)
		ok &= alive(k, ids[k], true);
	before = counter();
	while (ex_running()) {
		ex_exec("/bin/true");
		usleep((useconds_t)(ex_timeout_ms(200) * 1000));
	}
	printf("  the orphaned program still runs: exec events %llu -> %llu\n",
	       (unsigned long long)before, (unsigned long long)counter());
	ok &= counter() > before;

	/* step 3: unpin the link: nothing refers to it now, so it goes, and detaches the program */
	unlink(pins[LINK]);
	printf("step 3: unpinned the link\n");
	ok &= gone(LINK, ids[LINK]);
	usleep(100000); /* the kernel frees the link's id first, then detaches: give it a moment */
	before = counter();
	ex_exec("/bin/true");
	printf("  the program is detached: exec events %llu -> %llu\n", (unsigned long long)before,
	       (unsigned long long)counter());
	ok &= counter() == before;

	/* step 4: unpin the program and the map: their last references go, and so do they */
	unlink(pins[PROG]);
	unlink(pins[MAP]);
	printf("step 4: unpinned the program and the map\n");
	ok &= gone(PROG, ids[PROG]);
	ok &= gone(MAP, ids[MAP]);

out:
	/* clean up: whatever is left of the pins, the directory, the mount */
	for (int k = PROG; k <= LINK; k++)
		unlink(pins[k]);
	rmdir(dir);
	if (mounted && umount(bpffs) == 0)
		printf("unmounted %s\n", bpffs);
	return ok ? 0 : 1;
}
