/* test_explain.c - ebpfmini_log_explain on scripted machine facts and verifier logs */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include <cmocka.h>

#include "internal.h"
#include "kernel.h"
#include "sys.h"
#include "uapi_compat.h"

#include "ebpfmini/log.h"

/* ---- scripted /proc and /sys files ---- */

struct fact {
	const char *path;
	const char *text; /* NULL: the file does not exist */
};

static struct fact facts[8];

static long fact_hook(void *ctx, struct em_sys_call *call)
{
	(void)ctx;
	if (call->nr == SYS_uname) {
		if (!facts[4].text)
			return -EFAULT;
		snprintf(((struct utsname *)call->args[0])->release, 65, "%s", facts[4].text);
		return EM_SYS_OK;
	}
	if (call->nr != EM_SYS_READ_FILE)
		return -ENOSYS; /* explain must not make any other kernel call */
	for (size_t i = 0; i < EM_ARRAY_SIZE(facts) && facts[i].path; i++) {
		if (strcmp(facts[i].path, (const char *)call->args[0]) == 0) {
			if (!facts[i].text)
				return -ENOENT;
			call->data = facts[i].text;
			call->data_len = strlen(facts[i].text);
			return 1;
		}
	}
	return -ENOENT;
}

#define STATUS_USER                                                                                \
	"Name:\ttest\nUid:\t1000\t1000\t1000\t1000\nCapInh:\t0000000000000000\n"                    \
	"CapEff:\t0000000000000000\nSeccomp:\t0\n"
#define STATUS_ROOT                                                                                \
	"Name:\ttest\nUid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\nSeccomp:\t0\n"
#define STATUS_CAPBPF_ONLY /* uid 1000 with CAP_BPF (bit 39) only */                              \
	"Uid:\t1000\t1000\t1000\t1000\nCapEff:\t0000008000000000\nSeccomp:\t2\n"

static void script(const char *status, const char *unpriv, const char *lockdown, const char *lsm,
		   const char *release)
{
	memset(facts, 0, sizeof(facts));
	facts[0] = (struct fact){ "/proc/self/status", status };
	facts[1] = (struct fact){ "/proc/sys/kernel/unprivileged_bpf_disabled", unpriv };
	facts[2] = (struct fact){ "/sys/kernel/security/lockdown", lockdown };
	facts[3] = (struct fact){ "/sys/kernel/security/lsm", lsm };
	facts[4] = (struct fact){ "uname", release }; /* the release uname gives */
	em_kernel_release_reset();
	em_sys_set_hook_ex(fact_hook, NULL);
}

static int teardown(void **state)
{
	(void)state;
	em_sys_set_hook(NULL, NULL);
	return 0;
}

static char text[2048];

static const char *explain(int err, int cmd, const char *log)
{
	int n = ebpfmini_log_explain(err, cmd, log, text, sizeof(text));

	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(text));
	return text;
}

#define assert_contains(hay, needle)                                                               \
	do {                                                                                       \
		if (!strstr((hay), (needle)))                                                      \
			fail_msg("\"%s\" not in \"%s\"", (needle), (hay));                         \
	} while (0)
#define assert_lacks(hay, needle)                                                                  \
	do {                                                                                       \
		if (strstr((hay), (needle)))                                                       \
			fail_msg("\"%s\" unexpectedly in \"%s\"", (needle), (hay));                \
	} while (0)

/* ---- EPERM: which cause applies ---- */

static void test_eperm_unprivileged(void **state)
{
	const char *t;

	(void)state;
	script(STATUS_USER, "2\n", "[none] integrity confidentiality\n", "capability,bpf\n",
	       "6.18.44\n");
	t = explain(-EPERM, BPF_MAP_CREATE, NULL);
	assert_contains(t, "EPERM");
	assert_contains(t, "not root");
	assert_contains(t, "neither CAP_BPF nor CAP_SYS_ADMIN");
	assert_contains(t, "kernel.unprivileged_bpf_disabled=2");
	assert_contains(t, "Fix: run as root");
	assert_lacks(t, "RLIMIT_MEMLOCK"); /* memcg accounting since 5.11 */
	assert_lacks(t, "lockdown");

	script(STATUS_USER, "0\n", NULL, NULL, "6.1.0\n");
	t = explain(EPERM, BPF_PROG_LOAD, NULL); /* a positive errno is accepted too */
	assert_contains(t, "neither CAP_BPF nor CAP_SYS_ADMIN");
	assert_lacks(t, "unprivileged_bpf_disabled");
}

static void test_eperm_capbpf_without_perfmon(void **state)
{
	const char *t;

	(void)state;
	script(STATUS_CAPBPF_ONLY, "2\n", NULL, NULL, "6.18.0\n");
	t = explain(-EPERM, BPF_PROG_LOAD, NULL);
	assert_contains(t, "CAP_PERFMON");
	assert_lacks(t, "neither CAP_BPF");
}

static void test_eperm_lockdown(void **state)
{
	const char *t;

	(void)state;
	script(STATUS_ROOT, "2\n", "none [integrity] confidentiality\n",
	       "lockdown,capability,yama,apparmor,bpf\n", "6.18.44\n");
	t = explain(-EPERM, BPF_PROG_LOAD, NULL);
	assert_contains(t, "lockdown");
	assert_contains(t, "[integrity]");
	assert_contains(t, "fentry");
	assert_lacks(t, "CAP_BPF");
	assert_lacks(t, "RLIMIT_MEMLOCK");

	script(STATUS_ROOT, "2\n", "none integrity [confidentiality]\n", NULL, "6.18.44\n");
	t = explain(-EPERM, -1, NULL);
	assert_contains(t, "[confidentiality]");
	assert_contains(t, "read kernel memory");

	/* lockdown does not stop map creation: the cause is elsewhere */
	script(STATUS_ROOT, "2\n", "none [integrity] confidentiality\n",
	       "lockdown,capability,yama,apparmor,bpf\n", "6.18.44\n");
	t = explain(-EPERM, BPF_MAP_CREATE, NULL);
	assert_contains(t, "Linux Security Module (active: apparmor, bpf)");
	assert_contains(t, "seccomp");
}

static void test_eperm_lsm_and_memlock(void **state)
{
	const char *t;

	(void)state;
	script(STATUS_ROOT, "1\n", "[none] integrity confidentiality\n", "capability,selinux\n",
	       "6.18.0\n");
	t = explain(-EPERM, BPF_PROG_LOAD, NULL);
	assert_contains(t, "security policy");
	assert_contains(t, "selinux");
	assert_lacks(t, "lockdown is active");
	assert_lacks(t, "lockdown is the likely cause");
	assert_lacks(t, "RLIMIT_MEMLOCK");

	/* securityfs not mounted: lockdown cannot be ruled out for a program load */
	script(STATUS_ROOT, "2\n", NULL, NULL, "6.18.0\n");
	t = explain(-EPERM, BPF_PROG_LOAD, NULL);
	assert_contains(t, "lockdown is the likely cause");
	assert_contains(t, "mount -t securityfs");
	t = explain(-EPERM, BPF_MAP_CREATE, NULL);
	assert_lacks(t, "lockdown is the likely cause");

	/* before 5.11 a memlock limit is a possible cause */
	script(STATUS_ROOT, "0\n", NULL, NULL, "5.10.0-27-amd64\n");
	t = explain(-EPERM, BPF_MAP_CREATE, NULL);
	assert_contains(t, "RLIMIT_MEMLOCK");
	assert_contains(t, "5.10");
	script(STATUS_ROOT, "0\n", NULL, NULL, "5.11.0\n");
	t = explain(-EPERM, BPF_MAP_CREATE, NULL);
	assert_lacks(t, "RLIMIT_MEMLOCK");
}

/* ---- the verifier's answers ---- */

static const char *too_large_log =
	"func#0 @0\n"
	"0: R1=ctx() R10=fp0\n"
	"; for (;;) {\n"
	"BPF program is too large. Processed 1000001 insn\n"
	"processed 1000001 insns (limit 1000000) max_states_per_insn 4 total_states 1 "
	"peak_states 1 mark_read 1\n\n";

static const char *invalid_log =
	"0: R1=ctx() R10=fp0\n"
	"; return *(int *)0;\n"
	"0: (61) r0 = *(u32 *)(r0 +0)\n"
	"R0 !read_ok\n"
	"processed 1 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 "
	"mark_read 0\n"
	"\n"
	"  \n";

static void test_e2big_enospc(void **state)
{
	const char *t;

	(void)state;
	script(STATUS_ROOT, "2\n", NULL, NULL, "6.18.0\n");
	t = explain(-E2BIG, BPF_PROG_LOAD, too_large_log);
	assert_contains(t, "E2BIG");
	assert_contains(t, "too large");
	assert_contains(t, "\"BPF program is too large. Processed 1000001 insn\"");
	t = explain(-E2BIG, BPF_MAP_CREATE, NULL);
	assert_contains(t, "field this kernel does not know");

	t = explain(-ENOSPC, BPF_PROG_LOAD, NULL);
	assert_contains(t, "ENOSPC");
	assert_contains(t, "log buffer");
	assert_contains(t, "log_true_size");
	t = explain(-ENOSPC, BPF_PROG_TEST_RUN, NULL);
	assert_contains(t, "data_out");
}

static void test_einval_eacces(void **state)
{
	const char *t;

	(void)state;
	script(STATUS_ROOT, "2\n", NULL, NULL, "6.18.0\n");
	t = explain(-EINVAL, BPF_PROG_LOAD, invalid_log);
	assert_contains(t, "EINVAL");
	assert_contains(t, "verifier's last line: \"R0 !read_ok\"");
	assert_lacks(t, "processed 1 insns");

	t = explain(-EINVAL, BPF_MAP_CREATE, NULL);
	assert_contains(t, "rejected an argument");
	assert_lacks(t, "verifier's last line");

	/* a log that holds only statistics still gives its last line */
	t = explain(-EINVAL, BPF_PROG_LOAD, "processed 5 insns (limit 1000000)\n");
	assert_contains(t, "\"processed 5 insns (limit 1000000)\"");

	t = explain(-EACCES, BPF_PROG_LOAD, "0: (95) exit\nR0 !read_ok\n");
	assert_contains(t, "EACCES");
	assert_contains(t, "rejected the program");
	assert_contains(t, "\"R0 !read_ok\"");
	t = explain(-EACCES, BPF_OBJ_GET, NULL);
	assert_contains(t, "BPF_F_RDONLY");
}

static void test_other_errnos(void **state)
{
	(void)state;
	script(STATUS_ROOT, "2\n", NULL, NULL, "6.18.0\n");
	assert_contains(explain(-ENOENT, BPF_MAP_LOOKUP_ELEM, NULL), "no element with that key");
	assert_contains(explain(-EBADF, BPF_MAP_UPDATE_ELEM, NULL), "file descriptor");
	assert_contains(explain(-EOPNOTSUPP, BPF_LINK_CREATE, NULL), "EOPNOTSUPP");
	assert_contains(explain(-EM_ENOTSUPP, BPF_LINK_CREATE, NULL), "ENOTSUPP (524)");
	assert_contains(explain(-EEXIST, BPF_OBJ_PIN, NULL), "pin path");
	assert_contains(explain(-EBUSY, BPF_LINK_CREATE, NULL), "already attached");
	assert_contains(explain(-ENOMEM, BPF_MAP_CREATE, NULL), "ENOMEM: Cannot allocate memory");
}

/* ---- snprintf semantics ---- */

static void test_buffer_contract(void **state)
{
	char small[16];
	int full, n;

	(void)state;
	script(STATUS_ROOT, "2\n", NULL, NULL, "6.18.0\n");
	full = ebpfmini_log_explain(-EINVAL, BPF_PROG_LOAD, invalid_log, NULL, 0);
	assert_true(full > 40);
	memset(small, 'x', sizeof(small));
	n = ebpfmini_log_explain(-EINVAL, BPF_PROG_LOAD, invalid_log, small, sizeof(small));
	assert_int_equal(n, full);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, "EINVAL: the ker", 15);
	assert_int_equal(ebpfmini_log_explain(-EINVAL, -1, NULL, NULL, 5), -EINVAL);
}

/* On the real machine: some cause is named, whatever this machine is. */
static void test_real_machine(void **state)
{
	const char *t;

	(void)state;
	em_sys_set_hook(NULL, NULL);
	t = explain(-EPERM, BPF_PROG_LOAD, NULL);
	assert_contains(t, "Cause:");
	assert_contains(t, "Fix:");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_eperm_unprivileged, teardown),
		cmocka_unit_test_teardown(test_eperm_capbpf_without_perfmon, teardown),
		cmocka_unit_test_teardown(test_eperm_lockdown, teardown),
		cmocka_unit_test_teardown(test_eperm_lsm_and_memlock, teardown),
		cmocka_unit_test_teardown(test_e2big_enospc, teardown),
		cmocka_unit_test_teardown(test_einval_eacces, teardown),
		cmocka_unit_test_teardown(test_other_errnos, teardown),
		cmocka_unit_test_teardown(test_buffer_contract, teardown),
		cmocka_unit_test_teardown(test_real_machine, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
