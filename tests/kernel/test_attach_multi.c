/* test_attach_multi.c - kprobe.multi, uprobe.multi and sessions: lists with cookies, patterns, auto-attach (skipped by feature) */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "attach_util.h"
#include "uapi_compat.h"

#define N_CALLS 10

/* The functions the uprobes hit: global, not inlined, so .symtab has them. */
__attribute__((noinline, used)) int multi_target_a(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 1;
}

__attribute__((noinline, used)) int multi_target_b(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 2;
}

static void call_targets(int n)
{
	for (int i = 0; i < n; i++) {
		multi_target_a(i);
		multi_target_b(i);
	}
}

/* unlinkat and mkdirat of a path that does not exist: do_unlinkat and do_mkdirat run, fail */
static void call_kernel(int n)
{
	for (int i = 0; i < n; i++) {
		unlinkat(AT_FDCWD, "/nonexistent-ebpfmini/x", 0);
		mkdirat(AT_FDCWD, "/nonexistent-ebpfmini/x", 0700);
	}
}

static struct ebpfmini_object *load(const char *const *keep)
{
	return load_for_me(OBJ("attach_multi"), keep);
}

/* a list of two kernel functions with a cookie each; its kretprobe.multi twin */
static void test_kprobe_multi_list(void **state)
{
	static const char *const keep[] = { "on_kmulti", "on_kmulti_ret", NULL };
	static const char *const syms[] = { "do_unlinkat", "do_mkdirat" };
	static const uint64_t cookies[] = { 1, 100 };
	struct ebpfmini_program_attach_kprobe_multi_opts o = {
		.sz = sizeof(o), .syms = syms, .cookies = cookies, .cnt = 2,
	};
	struct ebpfmini_link_info info = { .sz = sizeof(info) };
	struct ebpfmini_link *link = NULL, *ret = NULL;
	struct ebpfmini_object *obj;
	char reason[320];
	int fds = count_fds();

	(void)state;
	SKIP_WITHOUT(EBPFMINI_FEATURE_KPROBE_MULTI, reason);
	obj = load(keep);
	assert_int_equal(
		ebpfmini_program_attach_kprobe_multi(prog_of(obj, "on_kmulti"), NULL, &o, &link), 0);
	assert_int_equal(ebpfmini_link_info(link, &info), 0);
	assert_int_equal(info.type, BPF_LINK_TYPE_KPROBE_MULTI);
	o.cookies = NULL;
	o.retprobe = true;
	assert_int_equal(
		ebpfmini_program_attach_kprobe_multi(prog_of(obj, "on_kmulti_ret"), NULL, &o, &ret),
		0);
	call_kernel(N_CALLS);
	assert_int_equal(*counter(obj, "k_hits"), 2 * N_CALLS);
	assert_int_equal(*counter(obj, "k_cookies"), 101 * N_CALLS);
	assert_int_equal(*counter(obj, "kret_hits"), 2 * N_CALLS);
	ebpfmini_link_close(link);
	ebpfmini_link_close(ret);
	call_kernel(1);
	assert_int_equal(*counter(obj, "k_hits"), 2 * N_CALLS);
	ebpfmini_object_close(obj);
	assert_int_equal(count_fds(), fds);
}

/* kprobe.multi/do_unlinka*: auto-attach by pattern; a pattern nothing matches */
static void test_kprobe_multi_auto(void **state)
{
	static const char *const keep[] = { "on_kmulti_auto", NULL };
	struct ebpfmini_object *obj;
	struct ebpfmini_link *link = NULL;
	char reason[320];

	(void)state;
	SKIP_WITHOUT(EBPFMINI_FEATURE_KPROBE_MULTI, reason);
	obj = load(keep);
	assert_int_equal(ebpfmini_program_attach(prog_of(obj, "on_kmulti_auto"), &link), 0);
	assert_non_null(strstr(ebpfmini_link_target(link), "kprobe.multi do_unlinka*"));
	call_kernel(N_CALLS);
	assert_int_equal(*counter(obj, "kauto_hits"), N_CALLS);
	ebpfmini_link_close(link);
	assert_int_equal(ebpfmini_program_attach_kprobe_multi(prog_of(obj, "on_kmulti_auto"),
							      "ebpfmini_no_such_fn_*", NULL, &link),
			 -ENOENT);
	ebpfmini_object_close(obj);
}

/* kprobe.session: the program runs at the entry and, as it returns 0, at the return */
static void test_kprobe_session(void **state)
{
	static const char *const keep[] = { "on_ksession", NULL };
	struct ebpfmini_object *obj;
	struct ebpfmini_link *link = NULL;
	char reason[320];

	(void)state;
	SKIP_WITHOUT(EBPFMINI_FEATURE_KPROBE_SESSION, reason);
	obj = load(keep);
	assert_int_equal(ebpfmini_program_attach(prog_of(obj, "on_ksession"), &link), 0);
	call_kernel(N_CALLS);
	assert_int_equal(*counter(obj, "ksession_hits"), 2 * N_CALLS);
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
}

/* uprobe.multi on two functions of this binary by name with cookies, at the returns by
 * pattern, and auto-attached from the SEC name */
static void test_uprobe_multi(void **state)
{
	static const char *const keep[] = { "on_umulti", "on_umulti_ret", "on_umulti_auto", NULL };
	static const char *const syms[] = { "multi_target_a", "multi_target_b" };
	static const uint64_t cookies[] = { 3, 300 };
	struct ebpfmini_program_attach_uprobe_multi_opts o = {
		.sz = sizeof(o), .syms = syms, .cookies = cookies, .cnt = 2,
	};
	struct ebpfmini_program_attach_uprobe_multi_opts r = { .sz = sizeof(r), .retprobe = true };
	struct ebpfmini_link_info info = { .sz = sizeof(info) };
	struct ebpfmini_link *link = NULL, *ret = NULL, *aut = NULL;
	struct ebpfmini_object *obj;
	char reason[320];
	int fds = count_fds();

	(void)state;
	SKIP_WITHOUT(EBPFMINI_FEATURE_UPROBE_MULTI, reason);
	obj = load(keep);
	assert_int_equal(ebpfmini_program_attach_uprobe_multi(prog_of(obj, "on_umulti"), getpid(),
							      "/proc/self/exe", NULL, &o, &link),
			 0);
	assert_int_equal(ebpfmini_link_info(link, &info), 0);
	assert_int_equal(info.type, BPF_LINK_TYPE_UPROBE_MULTI);
	assert_int_equal(ebpfmini_program_attach_uprobe_multi(prog_of(obj, "on_umulti_ret"), 0,
							      "/proc/self/exe", "multi_target_?",
							      &r, &ret),
			 0);
	assert_int_equal(ebpfmini_program_attach(prog_of(obj, "on_umulti_auto"), &aut), 0);
	call_targets(N_CALLS);
	assert_int_equal(*counter(obj, "u_hits"), 2 * N_CALLS);
	assert_int_equal(*counter(obj, "u_cookies"), 303 * N_CALLS);
	assert_int_equal(*counter(obj, "uret_hits"), 2 * N_CALLS);
	assert_int_equal(*counter(obj, "uauto_hits"), 2 * N_CALLS);
	ebpfmini_link_close(link);
	ebpfmini_link_close(ret);
	ebpfmini_link_close(aut);
	call_targets(1);
	assert_int_equal(*counter(obj, "u_hits"), 2 * N_CALLS);
	assert_int_equal(ebpfmini_program_attach_uprobe_multi(prog_of(obj, "on_umulti"), 0,
							      "/proc/self/exe", "no_such_fn_*", NULL,
							      &link),
			 -ENOENT);
	ebpfmini_object_close(obj);
	assert_int_equal(count_fds(), fds);
}

/* uprobe.session: entry and return of multi_target_a */
static void test_uprobe_session(void **state)
{
	static const char *const keep[] = { "on_usession", NULL };
	struct ebpfmini_object *obj;
	struct ebpfmini_link *link = NULL;
	char reason[320];

	(void)state;
	SKIP_WITHOUT(EBPFMINI_FEATURE_UPROBE_SESSION, reason);
	obj = load(keep);
	assert_int_equal(ebpfmini_program_attach(prog_of(obj, "on_usession"), &link), 0);
	call_targets(N_CALLS);
	assert_int_equal(*counter(obj, "usession_hits"), 2 * N_CALLS);
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, attach_test_setup, attach_test_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_kprobe_multi_list), T(test_kprobe_multi_auto), T(test_kprobe_session),
		T(test_uprobe_multi),      T(test_uprobe_session),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
