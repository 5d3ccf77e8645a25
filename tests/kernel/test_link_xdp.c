/* test_link_xdp.c - the link object on a bpf link that can update and detach: XDP on loopback */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cmocka.h>

#include "ebpfmini/ebpfmini.h"
#include "link.h" /* em_link_new: XDP attach functions come with the attach issue */

#define OBJ_PATH BPF_OBJ_DIR "/link_xdp.bpf.o"

struct fixture {
	struct ebpfmini_object *obj;
	struct ebpfmini_program *first, *second;
	int ifindex;
};

static char skip_reason[256];

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n;
}

/* A network namespace of our own: its loopback is ours to attach to. */
static int group_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int err;

	*state = f;
	if (geteuid() != 0) {
		snprintf(skip_reason, sizeof(skip_reason), "needs root (CAP_BPF, CAP_NET_ADMIN)");
		return 0;
	}
	if (unshare(CLONE_NEWNET | CLONE_NEWNS) ||
	    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		snprintf(skip_reason, sizeof(skip_reason), "cannot make a private namespace");
		return 0;
	}
	f->ifindex = (int)if_nametoindex("lo");
	if (f->ifindex <= 0)
		return -1;
	err = ebpfmini_object_open(OBJ_PATH, NULL, &f->obj);
	if (err)
		return err;
	err = ebpfmini_object_load(f->obj);
	if (err)
		return err;
	f->first = ebpfmini_object_find_program(f->obj, "xdp_first");
	f->second = ebpfmini_object_find_program(f->obj, "xdp_second");
	return f->first && f->second ? 0 : -1;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;

	ebpfmini_object_close(f->obj);
	free(f);
	return 0;
}

static int test_setup(void **state)
{
	(void)state;
	if (skip_reason[0]) {
		print_message("skipped: %s\n", skip_reason);
		skip();
	}
	return 0;
}

static struct ebpfmini_link *xdp_link(struct fixture *f, struct ebpfmini_program *prog)
{
	struct ebpfmini_link *link = NULL;
	int fd = ebpfmini_sys_link_create(ebpfmini_program_fd(prog), f->ifindex, BPF_XDP, NULL);

	assert_true(fd >= 3);
	assert_int_equal(em_link_new(EM_LINK_BPF, fd, -1, "xdp lo", &link), 0);
	return link;
}

static void test_update_and_detach(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_link_info info = { .sz = sizeof(info) };
	struct ebpfmini_link *link, *again;
	int fds = count_fds(), fd;

	link = xdp_link(f, f->first);
	assert_string_equal(ebpfmini_link_target(link), "xdp lo");
	assert_int_equal(ebpfmini_link_info(link, &info), 0);
	assert_int_equal(info.type, BPF_LINK_TYPE_XDP);
	assert_int_equal(info.prog_id, ebpfmini_program_id(f->first));
	assert_int_equal(ebpfmini_link_id(link), info.id);

	/* one XDP link per interface and mode: a second one is refused while attached */
	fd = ebpfmini_sys_link_create(ebpfmini_program_fd(f->second), f->ifindex, BPF_XDP, NULL);
	assert_int_equal(fd, -EBUSY);

	/* update: the same link now runs the second program */
	assert_int_equal(ebpfmini_link_update(link, f->second), 0);
	assert_int_equal(ebpfmini_link_info(link, &info), 0);
	assert_int_equal(info.prog_id, ebpfmini_program_id(f->second));

	/* detach: the interface is free again although the link is still open */
	assert_int_equal(ebpfmini_link_detach(link), 0);
	again = xdp_link(f, f->first);
	assert_int_equal(ebpfmini_link_update(link, f->first), -ENOLINK);
	ebpfmini_link_close(again);
	ebpfmini_link_close(link);
	assert_int_equal(count_fds(), fds);
}

static void test_update_errors(void **state)
{
	struct fixture *f = *state;
	struct ebpfmini_link *link = xdp_link(f, f->first);

	assert_int_equal(ebpfmini_link_update(NULL, f->second), -EINVAL);
	assert_int_equal(ebpfmini_link_update(link, NULL), -EINVAL);
	assert_int_equal(ebpfmini_link_detach(NULL), -EINVAL);
	ebpfmini_link_close(link);
}

/* pinned, closed, opened again from the pin: still the same attachment */
static void test_pin_open_detach(void **state)
{
	struct fixture *f = *state;
	char dir[] = "/tmp/ebpfmini-xdp-XXXXXX", path[128];
	struct ebpfmini_link *link, *again = NULL;
	uint32_t id;
	int fd;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(mount("bpf", dir, "bpf", 0, NULL), 0);
	snprintf(path, sizeof(path), "%s/xdp_lo", dir);

	link = xdp_link(f, f->first);
	id = ebpfmini_link_id(link);
	assert_int_equal(ebpfmini_link_pin(link, path), 0);
	ebpfmini_link_close(link);
	fd = ebpfmini_sys_link_create(ebpfmini_program_fd(f->second), f->ifindex, BPF_XDP, NULL);
	assert_int_equal(fd, -EBUSY); /* the pin holds it */

	assert_int_equal(ebpfmini_link_open_pinned(path, &again), 0);
	assert_int_equal(ebpfmini_link_id(again), id);
	assert_string_equal(ebpfmini_link_target(again) + strlen("pinned "), path);
	/* detach ends the attachment even though the pin is still there */
	assert_int_equal(ebpfmini_link_detach(again), 0);
	link = xdp_link(f, f->second);
	ebpfmini_link_close(link);
	assert_int_equal(ebpfmini_link_unpin(again, NULL), 0);
	ebpfmini_link_close(again);

	assert_int_equal(umount(dir), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_update_and_detach, test_setup),
		cmocka_unit_test_setup(test_update_errors, test_setup),
		cmocka_unit_test_setup(test_pin_open_detach, test_setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
