/* test_kobj_open.c - maps and programs another process loaded, opened by id and by pin as
 * library handles: element operations, test_run, typed info, translated instructions, close */
#include <errno.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "load_util.h"

struct shared {
	uint32_t map_id, prog_id;
};

/* The other process: loads skel_vars, runs its program once, pins .bss and the program under
 * dir, tells the ids, and holds everything until the parent closes the pipe. */
static void child(const char *dir, int tell, int hold)
{
	struct ebpfmini_object *obj = NULL;
	struct shared sh;
	char path[128], c;

	if (ebpfmini_object_open(OBJ("skel_vars"), NULL, &obj) || ebpfmini_object_load(obj))
		_exit(1);
	if (run_xdp(ebpfmini_object_find_program(obj, "skel_copy")) != XDP_PASS)
		_exit(2);
	snprintf(path, sizeof(path), "%s/bss", dir);
	if (ebpfmini_map_pin(ebpfmini_object_find_map(obj, ".bss"), path))
		_exit(3);
	snprintf(path, sizeof(path), "%s/prog", dir);
	if (ebpfmini_program_pin(ebpfmini_object_find_program(obj, "skel_copy"), path))
		_exit(4);
	sh.map_id = ebpfmini_map_id(ebpfmini_object_find_map(obj, ".bss"));
	sh.prog_id = ebpfmini_program_id(ebpfmini_object_find_program(obj, "skel_copy"));
	if (write(tell, &sh, sizeof(sh)) != sizeof(sh))
		_exit(5);
	(void)!read(hold, &c, 1); /* EOF when the parent is done */
	ebpfmini_object_close(obj);
	_exit(0);
}

static uint64_t bss_hits0(struct ebpfmini_map *bss)
{
	uint8_t value[256];
	uint32_t key = 0;
	uint64_t hits;

	assert_true(ebpfmini_map_value_size(bss) <= sizeof(value));
	assert_int_equal(ebpfmini_map_lookup(bss, &key, value, 0), 0);
	memcpy(&hits, value + 16, sizeof(hits)); /* bss_hits[0]: after bss_sum and bss_byte */
	return hits;
}

static void test_open_across_processes(void **state)
{
	char dir[] = "/tmp/ebpfmini-kobj-XXXXXX", path[128];
	int tell[2], hold[2], status, fds;
	struct ebpfmini_map *by_pin = NULL, *by_id = NULL;
	struct ebpfmini_program *prog = NULL, *prog_id = NULL, *bad_prog;
	struct ebpfmini_map *bad;
	struct ebpfmini_map_info mi = { .sz = sizeof(mi) };
	struct ebpfmini_program_info pi = { .sz = sizeof(pi) };
	uint32_t ids[4], key = 1;
	struct shared sh;
	uint8_t *insns;
	pid_t pid;
	int n;

	(void)state;
	SKIP_UNLESS_ROOT();
	assert_non_null(mkdtemp(dir));
	if (mount("bpf", dir, "bpf", 0, NULL) != 0) {
		rmdir(dir);
		fail_msg("mount bpf on %s: %s", dir, strerror(errno));
	}
	fds = count_fds();
	assert_int_equal(pipe(tell), 0);
	assert_int_equal(pipe(hold), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(tell[0]);
		close(hold[1]);
		child(dir, tell[1], hold[0]);
	}
	close(tell[1]);
	close(hold[0]);
	assert_int_equal(read(tell[0], &sh, sizeof(sh)), sizeof(sh));

	/* the map, by pin and by id: one kernel map */
	snprintf(path, sizeof(path), "%s/bss", dir);
	assert_int_equal(ebpfmini_map_open_pinned(path, &by_pin), 0);
	assert_int_equal(ebpfmini_map_open_id(sh.map_id, &by_id), 0);
	assert_int_equal(ebpfmini_map_id(by_pin), sh.map_id);
	assert_string_equal(ebpfmini_map_pin_path(by_pin), path);
	assert_int_equal(ebpfmini_map_type(by_id), BPF_MAP_TYPE_ARRAY);
	assert_int_equal(ebpfmini_map_key_size(by_id), 4);
	assert_int_equal(ebpfmini_map_max_entries(by_id), 1);
	assert_true(strstr(ebpfmini_map_name(by_id), ".bss") != NULL);
	assert_null(ebpfmini_map_data(by_id, NULL));
	assert_int_equal(bss_hits0(by_pin), 1); /* the child's run */
	assert_int_equal(ebpfmini_map_next_key(by_id, NULL, &key), 0);
	assert_int_equal(key, 0);
	assert_int_equal(ebpfmini_map_next_key(by_id, &key, &key), -ENOENT);
	assert_int_equal(ebpfmini_map_info(by_id, &mi), 0);
	assert_int_equal(mi.id, sh.map_id);
	assert_int_equal(mi.type, BPF_MAP_TYPE_ARRAY);
	assert_int_equal(mi.value_size, ebpfmini_map_value_size(by_id));
	assert_true(mi.btf_id > 0 && mi.btf_value_type_id > 0);
	assert_true(mi.flags & BPF_F_MMAPABLE);

	/* the program: run it here, the map the child made sees it */
	snprintf(path, sizeof(path), "%s/prog", dir);
	assert_int_equal(ebpfmini_program_open_pinned(path, &prog), 0);
	assert_int_equal(ebpfmini_program_open_id(sh.prog_id, &prog_id), 0);
	assert_int_equal(ebpfmini_program_type(prog), BPF_PROG_TYPE_XDP);
	assert_string_equal(ebpfmini_program_name(prog), "skel_copy");
	assert_string_equal(ebpfmini_program_section(prog), "");
	assert_int_equal(run_xdp(prog_id), XDP_PASS);
	assert_int_equal(bss_hits0(by_id), 2);
	assert_int_equal(ebpfmini_program_info(prog, &pi), 0);
	assert_int_equal(pi.id, sh.prog_id);
	assert_int_equal(pi.type, BPF_PROG_TYPE_XDP);
	assert_string_equal(pi.name, "skel_copy");
	assert_true(pi.verified_insns > 0 && pi.xlated_len > 0 && pi.load_time_ns > 0);
	assert_true(pi.gpl_compatible);
	assert_true(pi.tag[0] | pi.tag[1] | pi.tag[2] | pi.tag[3] | pi.tag[4] | pi.tag[5] |
		    pi.tag[6] | pi.tag[7]);
	assert_true(pi.nr_map_ids >= 2); /* .bss, .rodata, ... */
	n = ebpfmini_program_map_ids(prog, ids, 4);
	assert_int_equal(n, (int)pi.nr_map_ids);
	assert_true(ids[0] == sh.map_id || ids[1] == sh.map_id || (n > 2 && ids[2] == sh.map_id) ||
		    (n > 3 && ids[3] == sh.map_id));
	assert_int_equal(ebpfmini_program_xlated_insns(prog, NULL, 0), (int)pi.xlated_len);
	insns = calloc(1, pi.xlated_len);
	assert_non_null(insns);
	assert_int_equal(ebpfmini_program_xlated_insns(prog, insns, pi.xlated_len),
			 (int)pi.xlated_len);
	assert_true(insns[0] != 0 || insns[1] != 0); /* an instruction, or hidden (zeroes) */
	free(insns);

	/* the wrong kind of object, nothing there, no such id */
	log_capture_start(EBPFMINI_LOG_ERROR);
	snprintf(path, sizeof(path), "%s/bss", dir);
	assert_int_equal(ebpfmini_program_open_pinned(path, &bad_prog), -EINVAL);
	assert_null(bad_prog);
	assert_true(log_captured("not a program"));
	snprintf(path, sizeof(path), "%s/prog", dir);
	assert_int_equal(ebpfmini_map_open_pinned(path, &bad), -EINVAL);
	assert_true(log_captured("not a map"));
	snprintf(path, sizeof(path), "%s/none", dir);
	assert_int_equal(ebpfmini_map_open_pinned(path, &bad), -ENOENT);
	assert_int_equal(ebpfmini_map_open_id(0xfffffff0u, &bad), -ENOENT);
	assert_null(bad);
	log_capture_stop();

	ebpfmini_map_close(by_pin);
	ebpfmini_map_close(by_id);
	ebpfmini_program_close(prog);
	ebpfmini_program_close(prog_id);
	ebpfmini_map_close(NULL);
	ebpfmini_program_close(NULL);
	assert_int_equal(count_fds(), fds + 2); /* our pipe ends */
	close(tell[0]);
	close(hold[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(umount(dir), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_across_processes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
