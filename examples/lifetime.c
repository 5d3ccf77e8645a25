/* lifetime.c - the kernel's object-lifetime rules: what keeps a program, a map and a link alive */
#include "common.h"
#include "lifetime.bpf.o.h" /* lifetime_bpf_o[]: lifetime.bpf.c, embedded */

static const char usage[] =
	"usage: lifetime [--bpffs DIR] [-d SECONDS]\n"
	"A child process loads a program and a map, attaches the program through a link, pins\n"
	"all three under DIR (default /sys/fs/bpf; another DIR that is not a bpffs gets one\n"
	"mounted for the run) and exits. The pins keep the objects and the program runs on for\n"
	"SECONDS (default 1); then the pins go, one by one, and so do the objects. It prints\n"
	"what the kernel says at each step.\n";

enum { PROG, MAP, LINK };
static const char *bpffs = "/sys/fs/bpf", *const kinds[] = { "prog", "map", "link" };
static char pins[3][4200]; /* <bpffs>/ebpfmini-lifetime-<pid>/<kind> */

static int option(int argc, char **argv, int i)
{
	if (strcmp(argv[i], "--bpffs") != 0 || i + 1 >= argc)
		return 0;
	bpffs = argv[i + 1];
	return 2;
}

/* Ask the kernel about the object: open it by id, read its info, close it. */
static bool alive(int kind, uint32_t id, bool verbose)
{
	union { struct bpf_prog_info prog; struct bpf_map_info map; struct bpf_link_info link; } info;
	uint32_t len = sizeof(info);
	int fd = kind == PROG ? ebpfmini_sys_prog_get_fd_by_id(id) :
		 kind == MAP  ? ebpfmini_sys_map_get_fd_by_id(id) : ebpfmini_sys_link_get_fd_by_id(id);

	memset(&info, 0, sizeof(info));
	if (fd >= 0) {
		ebpfmini_sys_obj_get_info(fd, &info, &len);
		close(fd);
	}
	if (verbose && fd < 0)
		printf("  %s %u: gone (%s)\n", kinds[kind], id, strerror(-fd));
	else if (verbose && kind == LINK)
		printf("  link %u: alive, %s, program %u attached\n", id,
		       ebpfmini_sys_link_type_name(info.link.type), info.link.prog_id);
	else if (verbose)
		printf("  %s %u '%s': alive\n", kinds[kind], id,
		       kind == PROG ? info.prog.name : info.map.name);
	return fd >= 0;
}

/* Wait up to 2 s for the kernel to free the object (after an RCU grace period). */
static bool gone(int kind, uint32_t id)
{
	for (int i = 0; i < 200 && alive(kind, id, false); i++)
		usleep(10000);
	return !alive(kind, id, true);
}

/* The exec counter, read through the map's pin. */
static uint64_t counter(void)
{
	uint64_t value = 0;
	int fd = ebpfmini_sys_obj_get(pins[MAP], 0);

	if (fd >= 0) {
		ebpfmini_sys_map_lookup(fd, &(uint32_t){ 0 }, &value, 0);
		close(fd);
	}
	return value;
}

/* Run execs (for -d, or once) and print the counter before and after: whether it grew. */
static bool runs(bool once)
{
	uint64_t before = counter(), after;

	do {
		ex_exec("/bin/true");
		if (!once)
			usleep((useconds_t)(ex_timeout_ms(200) * 1000));
	} while (!once && ex_running());
	after = counter();
	printf("%llu -> %llu\n", (unsigned long long)before, (unsigned long long)after);
	return after > before;
}

/* Step 1, in a child: open, load, attach, pin; send the ids on fd; exit without closing. */
static int child(int fd)
{
	struct ebpfmini_object *obj = NULL;
	struct ebpfmini_program *prog = NULL;
	struct ebpfmini_map *map = NULL;
	struct ebpfmini_link *link = NULL;
	uint32_t ids[3];
	/* open, load, attach through a link (raw tracepoint sched_process_exec), pin all three */
	int err = ebpfmini_object_open_mem(lifetime_bpf_o, sizeof(lifetime_bpf_o), NULL, &obj);

	if (!err) {
		prog = ebpfmini_object_find_program(obj, "count_execs");
		map = ebpfmini_object_find_map(obj, "exec_count");
		err = ebpfmini_object_load(obj);
	}
	err = err ? err : ebpfmini_program_attach(prog, &link);
	err = err ? err : ebpfmini_program_pin(prog, pins[PROG]);
	err = err ? err : ebpfmini_map_pin(map, pins[MAP]);
	err = err ? err : ebpfmini_link_pin(link, pins[LINK]);
	if (err)
		return ex_fail("step 1", err, prog ? ebpfmini_program_log(prog) : NULL);
	ids[PROG] = ebpfmini_program_id(prog);
	ids[MAP] = ebpfmini_map_id(map);
	ids[LINK] = ebpfmini_link_id(link);
	printf("step 1 (process %d): loaded prog %u and map %u, attached link %u, pinned at\n"
	       "  %s\n  %s\n  %s\n", getpid(), ids[PROG], ids[MAP], ids[LINK], pins[PROG],
	       pins[MAP], pins[LINK]);
	fflush(stdout);
	/* exit without cleaning up: the kernel closes every fd of the process */
	return write(fd, ids, sizeof(ids)) == sizeof(ids) ? 0 : 1;
}

int main(int argc, char **argv)
{
	char dir[4096 + 32];
	uint32_t ids[3];
	bool ok = false;
	int p[2], status, mounted;
	pid_t pid;

	ex_seconds = 1;
	ex_start(argc, argv, "lifetime", usage, option);
	/* a bpffs to pin in (mounted for this run unless it is the default /sys/fs/bpf) */
	mounted = ex_bpffs(bpffs, strcmp(bpffs, "/sys/fs/bpf") != 0);
	if (mounted < 0)
		return 1;
	snprintf(dir, sizeof(dir), "%s/ebpfmini-lifetime-%d", bpffs, getpid());
	for (int k = PROG; k <= LINK; k++)
		snprintf(pins[k], sizeof(pins[k]), "%s/%s", dir, kinds[k]);

	/* step 1 in a child process, which exits */
	if (pipe(p) != 0 || (pid = fork()) < 0)
		return ex_fail("fork", -errno, NULL);
	if (pid == 0)
		_exit(child(p[1]));
	close(p[1]);
	if (read(p[0], ids, sizeof(ids)) != sizeof(ids))
		goto out;
	waitpid(pid, &status, 0);

	/* step 2: the process is gone, the pins hold the objects, the link keeps the program attached */
	printf("step 2: process %d exited (status %d); by id the kernel still has:\n", pid,
	       WEXITSTATUS(status));
	ok = alive(PROG, ids[PROG], true) & alive(MAP, ids[MAP], true) & alive(LINK, ids[LINK], true);
	printf("  the orphaned program still runs: exec events ");
	ok &= runs(false);

	/* step 3: unpin the link: nothing refers to it now, so it goes, and detaches the program */
	unlink(pins[LINK]);
	printf("step 3: unpinned the link\n");
	ok &= gone(LINK, ids[LINK]);
	usleep(100000); /* the kernel frees the link's id first, then detaches: give it a moment */
	printf("  the program is detached: exec events ");
	ok &= !runs(true);

	/* step 4: unpin the program and the map: their last references go, and so do they */
	unlink(pins[PROG]);
	unlink(pins[MAP]);
	printf("step 4: unpinned the program and the map\n");
	ok &= gone(PROG, ids[PROG]) & gone(MAP, ids[MAP]);

out:
	/* clean up: whatever is left of the pins, the directory, the mount */
	waitpid(pid, NULL, WNOHANG);
	for (int k = PROG; k <= LINK; k++)
		unlink(pins[k]);
	rmdir(dir);
	if (mounted > 0 && umount(bpffs) == 0)
		printf("unmounted %s\n", bpffs);
	return ok ? 0 : 1;
}
