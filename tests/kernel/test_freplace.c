/* test_freplace.c - freplace and fentry/fexit on a function of a loaded BPF program (ebpfmini_program_set_attach_target) against the kernel */
#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "attach_util.h"

#define TARGET_OBJ OBJ("freplace_target")
#define EXT_OBJ OBJ("freplace_ext")
#define N_RUNS 5

/* Program A: the XDP program whose global function verdict() the others attach to. */
static struct ebpfmini_object *load_target(void)
{
	struct ebpfmini_object *obj = open_obj(TARGET_OBJ);

	assert_int_equal(ebpfmini_object_load(obj), 0);
	/* XDP_PASS: a 64-byte packet holds an Ethernet header */
	assert_int_equal(run_xdp(prog_of(obj, "xdp_main")), XDP_PASS);
	return obj;
}

/* freplace_ext with only the programs in keep (NULL-terminated) left to load. */
static struct ebpfmini_object *open_ext(const char *const *keep)
{
	struct ebpfmini_object *obj = open_obj(EXT_OBJ);
	struct ebpfmini_program *p = NULL;

	while ((p = ebpfmini_object_next_program(obj, p))) {
		bool wanted = false;

		for (size_t i = 0; keep[i]; i++)
			wanted |= strcmp(keep[i], ebpfmini_program_name(p)) == 0;
		assert_int_equal(ebpfmini_program_set_autoload(p, wanted), 0);
	}
	return obj;
}

static int fd_of(struct ebpfmini_object *obj, const char *prog)
{
	int fd = ebpfmini_program_fd(prog_of(obj, prog));

	assert_true(fd >= 3);
	return fd;
}

/* Load ext (with one program given target and func) and expect err, the log saying what. */
static void expect_load_error(struct ebpfmini_object *target, const char *prog, int target_fd,
			      const char *func, int err, const char *says)
{
	const char *const keep[] = { prog, NULL };
	struct ebpfmini_object *ext = open_ext(keep);

	if (target_fd < 0)
		target_fd = fd_of(target, "xdp_main");
	assert_int_equal(ebpfmini_program_set_attach_target(prog_of(ext, prog), target_fd, func),
			 0);
	log_capture_reset();
	assert_int_equal(ebpfmini_object_load(ext), err);
	if (!log_captured(says))
		fail_msg("the log does not say \"%s\":\n%s", says, logcap.text);
	/* the load was attempted: the target cannot change any more */
	assert_int_equal(ebpfmini_program_set_attach_target(prog_of(ext, prog), 0, NULL), -EBUSY);
	ebpfmini_object_close(ext);
}

/*
 * What is refused before the kernel is asked to load anything: runs where
 * trampolines are forbidden too.
 */
static void test_target_errors(void **state)
{
	const char *const keep[] = { "new_verdict", NULL };
	const struct bpf_insn ret2[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct ebpfmini_object *target, *ext;
	struct ebpfmini_program *p;
	int fds = count_fds(), map_fd, bare_fd;

	(void)state;
	target = load_target();
	ext = open_ext(keep);
	p = prog_of(ext, "new_verdict");
	assert_int_equal(ebpfmini_program_set_attach_target(NULL, 0, NULL), -EINVAL);
	assert_int_equal(ebpfmini_program_set_attach_target(p, -1, NULL), -EINVAL);
	assert_int_equal(ebpfmini_program_set_attach_target(p, fd_of(target, "xdp_main"), ""),
			 -EINVAL);
	map_fd = ebpfmini_sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, NULL);
	assert_true(map_fd >= 3);
	log_capture_reset();
	assert_int_equal(ebpfmini_program_set_attach_target(p, map_fd, NULL), -EINVAL);
	assert_true(log_captured("prog 'new_verdict': set attach target: fd "));
	assert_true(log_captured("is not a BPF program"));
	close(map_fd);
	/* no target program: freplace cannot load */
	log_capture_reset();
	assert_int_equal(ebpfmini_object_load(ext), -EINVAL);
	assert_true(log_captured("prog 'new_verdict': section 'freplace/verdict': freplace "
				 "replaces a function of a loaded BPF program"));
	ebpfmini_object_close(ext);

	expect_load_error(target, "new_verdict", -1, "no_such_function", -ENOENT,
			  "prog 'new_verdict': attach target 'no_such_function': the target "
			  "program has no function 'no_such_function' (its functions: xdp_main");
	expect_load_error(target, "on_verdict_entry", -1, "no_such_function", -ENOENT,
			  "(its functions: xdp_main, verdict, bump)");
	expect_load_error(target, "drop_verdict", -1, "bump", -EINVAL,
			  "prog 'drop_verdict': attach target 'bump': 'bump' is a static "
			  "function: freplace replaces only global functions");
	expect_load_error(target, "drop_verdict", -1, NULL, -EINVAL,
			  "prog 'drop_verdict': section 'freplace' names no function of the "
			  "target program");

	/* a program loaded without BTF has no function names */
	bare_fd = ebpfmini_sys_prog_load(BPF_PROG_TYPE_XDP, "GPL", ret2, 2, NULL);
	assert_true(bare_fd >= 3);
	expect_load_error(target, "new_verdict", bare_fd, NULL, -EINVAL, "has no BTF");
	close(bare_fd);

	ebpfmini_object_close(target);
	assert_int_equal(count_fds(), fds);
}

/* freplace: the target's calls of verdict() run new_verdict() while the link lives. */
static void test_freplace(void **state)
{
	const char *const keep[] = { "new_verdict", "drop_verdict", NULL };
	struct ebpfmini_object *target, *ext;
	struct ebpfmini_program *xdp;
	struct ebpfmini_link *link = NULL;
	volatile uint64_t *replaced;
	char reason[512];
	int fds = count_fds(), fd;

	(void)state;
	SKIP_WITHOUT(EBPFMINI_FEATURE_TRAMPOLINES, reason);
	target = load_target();
	xdp = prog_of(target, "xdp_main");
	ext = open_ext(keep);
	/* an fd of the caller's own, closed once given: the library keeps a duplicate */
	fd = ebpfmini_sys_prog_get_fd_by_id(ebpfmini_program_id(xdp));
	assert_true(fd >= 3);
	assert_int_equal(ebpfmini_program_set_attach_target(prog_of(ext, "new_verdict"), fd, NULL),
			 0);
	close(fd);
	assert_int_equal(ebpfmini_program_set_attach_target(prog_of(ext, "drop_verdict"),
							    fd_of(target, "xdp_main"), "verdict"),
			 0);
	if (ebpfmini_object_load(ext))
		fail_msg("load freplace_ext:\n%s", logcap.text);
	replaced = counter(ext, "replaced");

	/* auto-attach by SEC name; the verdict is the replacement's */
	assert_int_equal(ebpfmini_program_attach(prog_of(ext, "new_verdict"), &link), 0);
	assert_true(ebpfmini_link_id(link) > 0);
	assert_string_equal(ebpfmini_link_target(link), "freplace verdict");
	assert_int_equal(run_xdp(xdp), XDP_TX);
	assert_int_equal(*replaced, 1);
	ebpfmini_link_close(link);
	assert_int_equal(run_xdp(xdp), XDP_PASS);
	assert_int_equal(*replaced, 1);

	/* again: the link names the target program, which the library kept */
	assert_int_equal(ebpfmini_program_attach(prog_of(ext, "new_verdict"), &link), 0);
	assert_int_equal(run_xdp(xdp), XDP_TX);
	assert_int_equal(*replaced, 2);
	ebpfmini_link_close(link);

	/* a bare SEC("freplace"): the function came from set_attach_target */
	assert_int_equal(ebpfmini_program_attach(prog_of(ext, "drop_verdict"), &link), 0);
	assert_int_equal(run_xdp(xdp), XDP_DROP);
	ebpfmini_link_close(link);
	assert_int_equal(run_xdp(xdp), XDP_PASS);

	ebpfmini_object_close(ext);
	ebpfmini_object_close(target);
	assert_int_equal(count_fds(), fds);
}

/* fentry and fexit on verdict(): each run of the target counts, fexit sees the result. */
static void test_fentry_fexit(void **state)
{
	const char *const keep[] = { "on_verdict_entry", "on_verdict_exit", NULL };
	struct ebpfmini_program_test_run_opts run;
	unsigned char pkt[64] = { 0 };
	struct ebpfmini_object *target, *ext;
	struct ebpfmini_link *entry = NULL, *exit_link = NULL;
	volatile uint64_t *entries, *exits, *last_ret;
	char reason[512];
	int fds = count_fds();

	(void)state;
	SKIP_WITHOUT(EBPFMINI_FEATURE_TRAMPOLINES, reason);
	target = load_target();
	ext = open_ext(keep);
	/* the function from the SEC name, and named again */
	assert_int_equal(ebpfmini_program_set_attach_target(prog_of(ext, "on_verdict_entry"),
							    fd_of(target, "xdp_main"), NULL),
			 0);
	assert_int_equal(ebpfmini_program_set_attach_target(prog_of(ext, "on_verdict_exit"),
							    fd_of(target, "xdp_main"), "verdict"),
			 0);
	if (ebpfmini_object_load(ext))
		fail_msg("load freplace_ext:\n%s", logcap.text);
	entries = counter(ext, "entries");
	exits = counter(ext, "exits");
	last_ret = counter(ext, "last_ret");
	assert_int_equal(ebpfmini_program_attach(prog_of(ext, "on_verdict_entry"), &entry), 0);
	assert_int_equal(ebpfmini_program_attach(prog_of(ext, "on_verdict_exit"), &exit_link), 0);
	assert_string_equal(ebpfmini_link_target(entry), "fentry verdict");

	run = (struct ebpfmini_program_test_run_opts){
		.sz = sizeof(run),
		.data_in = pkt,
		.data_size_in = sizeof(pkt),
		.repeat = N_RUNS,
	};
	assert_int_equal(ebpfmini_program_test_run(prog_of(target, "xdp_main"), &run), 0);
	assert_int_equal(run.retval, XDP_PASS);
	assert_int_equal(*entries, N_RUNS);
	assert_int_equal(*exits, N_RUNS);
	assert_int_equal(*last_ret, XDP_PASS);

	ebpfmini_link_close(entry);
	ebpfmini_link_close(exit_link);
	assert_int_equal(run_xdp(prog_of(target, "xdp_main")), XDP_PASS);
	assert_int_equal(*entries, N_RUNS);
	assert_int_equal(*exits, N_RUNS);
	ebpfmini_object_close(ext);
	ebpfmini_object_close(target);
	assert_int_equal(count_fds(), fds);
}

static int group_setup(void **state)
{
	(void)state;
	attach_group_setup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_target_errors, attach_test_setup,
						attach_test_teardown),
		cmocka_unit_test_setup_teardown(test_freplace, attach_test_setup,
						attach_test_teardown),
		cmocka_unit_test_setup_teardown(test_fentry_fexit, attach_test_setup,
						attach_test_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
