/* attach_uprobe.c - uprobes and uretprobes on functions of executables and shared libraries (L4 link) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "elf.h"
#include "internal.h"
#include "link.h"
#include "kuprobe.h"
#include "sys.h"

/* The multiarch directory name of this build ("x86_64-linux-gnu"). */
#if defined(__x86_64__)
#define MULTIARCH "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define MULTIARCH "aarch64-linux-gnu"
#elif defined(__s390x__)
#define MULTIARCH "s390x-linux-gnu"
#elif defined(__riscv) && __riscv_xlen == 64
#define MULTIARCH "riscv64-linux-gnu"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define MULTIARCH "powerpc64le-linux-gnu"
#elif defined(__i386__)
#define MULTIARCH "i386-linux-gnu"
#endif

/* Where shared libraries live when LD_LIBRARY_PATH does not say (no ld.so.cache). */
static const char *const lib_dirs[] = {
#ifdef MULTIARCH
	"/lib/" MULTIARCH, "/usr/lib/" MULTIARCH,
#endif
	"/lib64",          "/usr/lib64",          "/lib", "/usr/lib", "/usr/local/lib",
};

/* Larger than any executable or library one would probe; refuses nonsense. */
#define UPROBE_FILE_MAX (1ul << 31)

/* ---- pure parts ------------------------------------------------------------------ */

int em_attach_uprobe_parse_target(const char *target, char **path, char **symbol, uint64_t *offset)
{
	const char *colon = strrchr(target, ':'), *what, *plus;
	unsigned long long off = 0;
	char *end;

	*path = *symbol = NULL;
	*offset = 0;
	if (!colon || colon == target || !colon[1])
		return -EINVAL;
	what = colon + 1;
	if (*what >= '0' && *what <= '9') {
		/* a bare file offset */
		errno = 0;
		off = strtoull(what, &end, 0);
		if (errno || *end)
			return -EINVAL;
	} else {
		plus = strchr(what, '+');
		if (plus) {
			if (plus == what || plus[1] < '0' || plus[1] > '9')
				return -EINVAL;
			errno = 0;
			off = strtoull(plus + 1, &end, 0);
			if (errno || *end)
				return -EINVAL;
		}
		*symbol = em_strndup(what, plus ? (size_t)(plus - what) : strlen(what));
		if (!*symbol)
			return -ENOMEM;
	}
	*path = em_strndup(target, (size_t)(colon - target));
	if (!*path) {
		free(*symbol);
		*symbol = NULL;
		return -ENOMEM;
	}
	*offset = off;
	return 0;
}

/* O_PATH: a FIFO or a device is found without being opened. */
static bool file_exists(const char *path)
{
	int fd = em_sys_open(path, O_PATH, 0);

	if (fd < 0)
		return false;
	em_sys_close(fd);
	return true;
}

/*
 * The first "<dir>/<name>" that exists, dirs separated by ':'. Only absolute
 * directories count: a relative one (or the empty one, the current directory)
 * would hand the kernel a path that depends on where the caller stands.
 */
static int search_list(const char *dirs, const char *name, char *buf, size_t size)
{
	while (dirs && *dirs) {
		const char *sep = strchr(dirs, ':');
		size_t n = sep ? (size_t)(sep - dirs) : strlen(dirs);

		if (n && dirs[0] == '/') {
			int len = snprintf(buf, size, "%.*s/%s", (int)n, dirs, name);

			if (len > 0 && (size_t)len < size && file_exists(buf))
				return 0;
		}
		dirs = sep ? sep + 1 : NULL;
	}
	return -ENOENT;
}

/*
 * A set-id or file-capability program does not search the PATH and
 * LD_LIBRARY_PATH of whoever runs it (secure_getenv): executables are then
 * looked up on a fixed PATH, libraries in the usual directories.
 */
int em_attach_uprobe_find_binary(const char *binary, char *buf, size_t size)
{
	const char *path = secure_getenv("PATH");

	if (!*binary)
		return -ENOENT;
	if (strchr(binary, '/')) {
		if (strlen(binary) >= size)
			return -ENAMETOOLONG;
		strcpy(buf, binary);
		return file_exists(buf) ? 0 : -ENOENT;
	}
	if (!strstr(binary, ".so"))
		return search_list(path ? path : "/usr/local/bin:/usr/bin:/bin", binary, buf, size);
	if (search_list(secure_getenv("LD_LIBRARY_PATH"), binary, buf, size) == 0)
		return 0;
	for (size_t i = 0; i < EM_ARRAY_SIZE(lib_dirs); i++)
		if (search_list(lib_dirs[i], binary, buf, size) == 0)
			return 0;
	return -ENOENT;
}

/*
 * Read into private memory, not mapped (a file truncated under a mapping
 * kills the reader with SIGBUS); opened non-blocking and without becoming
 * the controlling terminal, and refused unless it is a regular file (a FIFO
 * would block the call).
 */
int em_attach_uprobe_open_elf(const char *path, struct em_attach_uprobe_file *f)
{
	static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };
	struct stat st;
	int fd, err;

	memset(f, 0, sizeof(*f));
	fd = em_sys_open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
	if (fd < 0)
		return fd;
	err = em_sys_fstat(fd, &st);
	if (!err && !S_ISREG(st.st_mode))
		err = -ENOEXEC;
	if (!err)
		err = em_sys_read_fd(fd, UPROBE_FILE_MAX, &f->map, &f->size);
	em_sys_close(fd);
	if (!err)
		err = f->size < sizeof(magic) || memcmp(f->map, magic, sizeof(magic))
			      ? -ENOEXEC
			      : em_elf_parse(f->map, f->size, &f->elf);
	if (err)
		em_attach_uprobe_close_elf(f);
	return err;
}

void em_attach_uprobe_close_elf(struct em_attach_uprobe_file *f)
{
	em_elf_free(f->elf);
	free(f->map);
	memset(f, 0, sizeof(*f));
}

int em_attach_uprobe_symbol_offset(const char *path, const char *symbol, uint64_t *offset)
{
	struct em_attach_uprobe_file f;
	int err = em_attach_uprobe_open_elf(path, &f);

	if (!err)
		err = em_elf_symbol_file_offset(f.elf, symbol, offset);
	em_attach_uprobe_close_elf(&f);
	return err;
}

/* ---- attach ----------------------------------------------------------------------- */

EM_EXPORT int ebpfmini_program_attach_uprobe(struct ebpfmini_program *prog, const char *binary,
					     const char *symbol,
					     const struct ebpfmini_program_attach_uprobe_opts *opts,
					     struct ebpfmini_link **out)
{
	struct em_kuprobe_spec spec = { .kind = EM_KUPROBE_UPROBE };
	char subject[4400], target[4400], path[4096];
	uint64_t sym_off = 0, extra;
	const char *kind;
	int prog_fd, err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog || !binary)
		return -EINVAL;
	spec.retprobe = EM_OPT(opts, retprobe, false);
	kind = spec.retprobe ? "uretprobe" : "uprobe";
	extra = EM_OPT(opts, offset, 0);
	if (symbol)
		snprintf(subject, sizeof(subject), "prog '%s': attach %s '%s:%s'",
			 ebpfmini_program_name(prog), kind, binary, symbol);
	else
		snprintf(subject, sizeof(subject), "prog '%s': attach %s '%s:0x%llx'",
			 ebpfmini_program_name(prog), kind, binary, (unsigned long long)extra);
	if (em_opts_check(opts, sizeof(*opts), subject))
		return -EINVAL;
	spec.pid = EM_OPT(opts, pid, 0);
	spec.ref_ctr_offset = EM_OPT(opts, ref_ctr_offset, 0);
	if (spec.pid < 0) {
		em_err("%s: pid %d: want 0 (every process) or a process id", subject, spec.pid);
		return -EINVAL;
	}
	if (symbol && !*symbol) {
		em_err("%s: the symbol name is empty (NULL: opts->offset is the file offset)",
		       subject);
		return -EINVAL;
	}
	if (!symbol && !extra) {
		em_err("%s: neither a symbol nor a file offset", subject);
		return -EINVAL;
	}
	prog_fd = em_link_prog_fd(prog, subject);
	if (prog_fd < 0)
		return prog_fd;

	/* 1. the file: a path, or a name found on the usual paths */
	err = em_attach_uprobe_find_binary(binary, path, sizeof(path));
	if (err) {
		em_err("%s: %s", subject,
		       err != -ENOENT        ? strerror(-err) :
		       strchr(binary, '/')   ? "no such file" :
		       strstr(binary, ".so") ? "no such library in LD_LIBRARY_PATH or the "
					       "library directories (/lib, /usr/lib, ...)" :
					       "no such program in PATH");
		return err;
	}
	/* 2. the symbol's file offset, from the ELF file's own symbol tables */
	if (symbol) {
		err = em_attach_uprobe_symbol_offset(path, symbol, &sym_off);
		if (err) {
			em_err("%s: %s", subject,
			       err == -ENOENT  ? "no function of that name in .symtab or .dynsym" :
			       err == -ENOEXEC ? "not an ELF executable or shared library" :
			       err == -EBADMSG ? "the ELF file is damaged" :
						 strerror(-err));
			return err;
		}
	}
	spec.offset = sym_off + extra;
	spec.name = path;
	/* 3. a perf event on it, with a link */
	if (symbol && extra)
		snprintf(target, sizeof(target), "%s %s:%s+0x%llx", kind, path, symbol,
			 (unsigned long long)extra);
	else if (symbol)
		snprintf(target, sizeof(target), "%s %s:%s", kind, path, symbol);
	else
		snprintf(target, sizeof(target), "%s %s:0x%llx", kind, path,
			 (unsigned long long)extra);
	if (spec.pid > 0) {
		size_t n = strlen(target);

		snprintf(target + n, sizeof(target) - n, " pid %d", spec.pid);
	}
	return em_kuprobe_attach(prog_fd, &spec, EM_OPT(opts, cookie, 0), subject, target, out);
}

/* ---- auto-attach: uprobe/<path>:<symbol>[+<off>], uprobe/<path>:<offset> ------------------ */

int em_attach_uprobe_auto(struct ebpfmini_program *prog, enum em_attach_kind kind,
			  const char *target, struct ebpfmini_link **out)
{
	bool retprobe = kind == EM_ATTACH_URETPROBE;
	struct ebpfmini_program_attach_uprobe_opts opts = {
		.sz = sizeof(opts),
		.retprobe = retprobe,
	};
	char *path, *symbol;
	int err;

	err = em_attach_uprobe_parse_target(target, &path, &symbol, &opts.offset);
	if (err == -EINVAL)
		em_err("prog '%s': attach: SEC '%s' is not %s/<path>:<symbol>[+<offset>] or "
		       "%s/<path>:<offset>",
		       ebpfmini_program_name(prog), ebpfmini_program_section(prog),
		       retprobe ? "uretprobe" : "uprobe", retprobe ? "uretprobe" : "uprobe");
	if (err)
		return err;
	err = ebpfmini_program_attach_uprobe(prog, path, symbol, &opts, out);
	free(path);
	free(symbol);
	return err;
}
