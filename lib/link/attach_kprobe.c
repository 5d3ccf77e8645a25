/* attach_kprobe.c - kprobes and kretprobes on kernel functions; ksyscall with the arch's syscall prefix (L4 link) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernel.h"
#include "link.h"
#include "kuprobe.h"
#include "sys.h"

/* The prefix of syscall entry functions on the architecture of this build. */
#if defined(__x86_64__)
#define ARCH_SYSCALL_PREFIX "__x64_sys_"
#elif defined(__aarch64__)
#define ARCH_SYSCALL_PREFIX "__arm64_sys_"
#elif defined(__s390x__)
#define ARCH_SYSCALL_PREFIX "__s390x_sys_"
#elif defined(__riscv)
#define ARCH_SYSCALL_PREFIX "__riscv_sys_"
#elif defined(__powerpc__)
#define ARCH_SYSCALL_PREFIX "__powerpc_sys_"
#elif defined(__i386__)
#define ARCH_SYSCALL_PREFIX "__ia32_sys_"
#else
#define ARCH_SYSCALL_PREFIX "sys_"
#endif

/* ---- pure parts ------------------------------------------------------------------ */

static bool symbol_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.';
}

int em_attach_kprobe_parse_target(const char *target, char *func, size_t size, uint64_t *offset)
{
	const char *plus = strchr(target, '+');
	size_t n = plus ? (size_t)(plus - target) : strlen(target);
	unsigned long long off = 0;

	if (!n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!symbol_char(target[i]))
			return -EINVAL;
	if (plus) {
		char *end;

		if (plus[1] < '0' || plus[1] > '9')
			return -EINVAL;
		errno = 0;
		off = strtoull(plus + 1, &end, 0);
		if (errno || *end)
			return -EINVAL;
	}
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(func, target, n);
	func[n] = '\0';
	*offset = off;
	return 0;
}

/* "sys_" last: kernels before syscall wrappers name the entry sys_<name> */
static const char *const known_prefixes[] = {
	"__x64_sys_",	"__arm64_sys_",	  "__s390x_sys_", "__s390_sys_",
	"__riscv_sys_", "__powerpc_sys_", "__ia32_sys_",  "sys_",
};

const char *em_attach_kprobe_syscall_prefix_pick(const char *kallsyms, const char *preferred)
{
	struct em_kallsyms_query q[EM_ARRAY_SIZE(known_prefixes)];
	char names[EM_ARRAY_SIZE(known_prefixes)][32];

	if (!kallsyms)
		return NULL;
	for (size_t i = 0; i < EM_ARRAY_SIZE(known_prefixes); i++) {
		snprintf(names[i], sizeof(names[i]), "%sbpf", known_prefixes[i]);
		q[i].name = names[i];
	}
	/* only names count: they show even when kptr_restrict hides the addresses */
	if (em_kallsyms_parse(kallsyms, q, EM_ARRAY_SIZE(q), NULL, NULL))
		return NULL;
	/* first pass: the build's own prefix; second: every other */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < EM_ARRAY_SIZE(known_prefixes); i++) {
			bool mine = preferred && strcmp(known_prefixes[i], preferred) == 0;

			if (mine == (pass == 0) && q[i].found)
				return known_prefixes[i];
		}
	}
	return NULL;
}

/* ---- the running kernel's prefix, once per process ------------------------------------ */

static const char *cached_prefix;

const char *em_attach_kprobe_syscall_prefix(void)
{
	const char *prefix = __atomic_load_n(&cached_prefix, __ATOMIC_ACQUIRE);
	char *text = NULL;
	int err;

	if (prefix)
		return prefix;
	err = em_kallsyms_read(&text);
	prefix = err ? NULL : em_attach_kprobe_syscall_prefix_pick(text, ARCH_SYSCALL_PREFIX);
	free(text);
	if (!prefix) {
		em_debug("ksyscall: " EM_KALLSYMS " does not tell the syscall prefix (%s): "
			 "assuming %s",
			 err ? strerror(-err) : "no <prefix>bpf symbol", ARCH_SYSCALL_PREFIX);
		prefix = ARCH_SYSCALL_PREFIX;
	}
	__atomic_store_n(&cached_prefix, prefix, __ATOMIC_RELEASE);
	return prefix;
}

void em_attach_kprobe_syscall_prefix_reset(void)
{
	__atomic_store_n(&cached_prefix, NULL, __ATOMIC_RELEASE);
}

/* ---- attach ----------------------------------------------------------------------- */

static int attach_kprobe(struct ebpfmini_program *prog, const char *func, uint64_t offset,
			 bool retprobe, uint64_t cookie, const char *subject,
			 struct ebpfmini_link **out)
{
	struct em_kuprobe_spec spec = {
		.kind = EM_KUPROBE_KPROBE,
		.retprobe = retprobe,
		.name = func,
		.offset = offset,
	};
	char target[320];
	int prog_fd;

	if (retprobe && offset) {
		em_err("%s: a kretprobe takes no offset (it runs at the function's return)",
		       subject);
		return -EINVAL;
	}
	prog_fd = em_link_prog_fd(prog, subject);
	if (prog_fd < 0)
		return prog_fd;
	if (offset)
		snprintf(target, sizeof(target), "kprobe %s+0x%llx", func,
			 (unsigned long long)offset);
	else
		snprintf(target, sizeof(target), "%s %s", retprobe ? "kretprobe" : "kprobe", func);
	return em_kuprobe_attach(prog_fd, &spec, cookie, subject, target, out);
}

EM_EXPORT int ebpfmini_program_attach_kprobe(struct ebpfmini_program *prog, const char *func,
					     const struct ebpfmini_program_attach_kprobe_opts *opts,
					     struct ebpfmini_link **out)
{
	char subject[320];
	bool retprobe;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog || !func)
		return -EINVAL;
	retprobe = EM_OPT(opts, retprobe, false);
	snprintf(subject, sizeof(subject), "prog '%s': attach %s '%s'", ebpfmini_program_name(prog),
		 retprobe ? "kretprobe" : "kprobe", func);
	if (em_opts_check(opts, sizeof(*opts), subject))
		return -EINVAL;
	if (!*func || strlen(func) > 255) {
		em_err("%s: the function name is empty or too long", subject);
		return -EINVAL;
	}
	for (const char *c = func; *c; c++) {
		if (!symbol_char(*c)) {
			em_err("%s: not a kernel function name", subject);
			return -EINVAL;
		}
	}
	return attach_kprobe(prog, func, EM_OPT(opts, offset, 0), retprobe, EM_OPT(opts, cookie, 0),
			     subject, out);
}

EM_EXPORT int
ebpfmini_program_attach_ksyscall(struct ebpfmini_program *prog, const char *name,
				 const struct ebpfmini_program_attach_kprobe_opts *opts,
				 struct ebpfmini_link **out)
{
	char subject[320], func[300];
	bool retprobe;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog || !name)
		return -EINVAL;
	retprobe = EM_OPT(opts, retprobe, false);
	snprintf(subject, sizeof(subject), "prog '%s': attach %s '%s'", ebpfmini_program_name(prog),
		 retprobe ? "kretsyscall" : "ksyscall", name);
	if (em_opts_check(opts, sizeof(*opts), subject))
		return -EINVAL;
	if (!*name || strlen(name) > 200) {
		em_err("%s: the system call name is empty or too long", subject);
		return -EINVAL;
	}
	for (const char *c = name; *c; c++) {
		if (!symbol_char(*c)) {
			em_err("%s: not a system call name", subject);
			return -EINVAL;
		}
	}
	if (EM_OPT(opts, offset, 0)) {
		em_err("%s: a ksyscall takes no offset", subject);
		return -EINVAL;
	}
	snprintf(func, sizeof(func), "%s%s", em_attach_kprobe_syscall_prefix(), name);
	return attach_kprobe(prog, func, 0, retprobe, EM_OPT(opts, cookie, 0), subject, out);
}

/* ---- auto-attach: kprobe/fn[+off], kretprobe/fn, ksyscall/name, kretsyscall/name ---------- */

int em_attach_kprobe_auto(struct ebpfmini_program *prog, enum em_attach_kind kind,
			  const char *target, struct ebpfmini_link **out)
{
	bool syscall = kind == EM_ATTACH_KSYSCALL || kind == EM_ATTACH_KRETSYSCALL;
	bool ret = kind == EM_ATTACH_KRETPROBE || kind == EM_ATTACH_KRETSYSCALL;
	struct ebpfmini_program_attach_kprobe_opts opts = { .sz = sizeof(opts), .retprobe = ret };
	char func[256];

	if (syscall && (!*target || strpbrk(target, "/+"))) {
		em_err("prog '%s': attach: SEC '%s' is not %s/<syscall>",
		       ebpfmini_program_name(prog), ebpfmini_program_section(prog),
		       ret ? "kretsyscall" : "ksyscall");
		return -EINVAL;
	}
	if (syscall)
		return ebpfmini_program_attach_ksyscall(prog, target, &opts, out);
	if (em_attach_kprobe_parse_target(target, func, sizeof(func), &opts.offset)) {
		em_err("prog '%s': attach: SEC '%s' is not %s/<function>%s",
		       ebpfmini_program_name(prog), ebpfmini_program_section(prog),
		       ret ? "kretprobe" : "kprobe", ret ? "" : "[+<offset>]");
		return -EINVAL;
	}
	return ebpfmini_program_attach_kprobe(prog, func, &opts, out);
}
