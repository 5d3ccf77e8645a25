/* attach_multi.c - kprobe.multi, uprobe.multi and their sessions: many functions, one link (L4 link) */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpfmini/sys.h"
#include "elf.h"
#include "internal.h"
#include "kernel.h"
#include "kuprobe.h"
#include "link.h"
#include "sys.h"
#include "tracefs.h"
#include "uapi_compat.h"

/* ---- pure parts ------------------------------------------------------------------ */

int em_attach_multi_uprobe_target(const char *target, char **path, char **pattern)
{
	const char *colon = strchr(target, ':');

	*path = *pattern = NULL;
	if (!colon || colon == target || !colon[1])
		return -EINVAL;
	*path = em_strndup(target, (size_t)(colon - target));
	*pattern = em_strdup(colon + 1);
	if (*path && *pattern)
		return 0;
	free(*path);
	free(*pattern);
	*path = *pattern = NULL;
	return -ENOMEM;
}

int em_attach_multi_elf_glob(const struct em_elf *elf, const char *glob, const char ***names,
			     size_t *n)
{
	const struct em_elf_section *tables[2] = { elf->symtab, elf->dynsym };
	const char **v = NULL;
	size_t cnt = 0;

	*names = NULL;
	*n = 0;
	for (size_t t = 0; t < 2; t++) {
		size_t nsyms = em_elf_symbol_count(elf, tables[t]);

		for (size_t i = 1; i < nsyms; i++) {
			struct em_elf_symbol sym;
			const char **nv;
			size_t k;
			int err = em_elf_symbol(elf, tables[t], i, &sym);

			if (err) {
				free(v);
				return err;
			}
			if (sym.shndx == SHN_UNDEF || !*sym.name ||
			    (sym.type != STT_FUNC && sym.type != STT_GNU_IFUNC) ||
			    fnmatch(glob, sym.name, 0) != 0)
				continue;
			for (k = 0; k < cnt && strcmp(v[k], sym.name) != 0; k++)
				;
			if (k < cnt)
				continue;
			nv = em_reallocarray(v, cnt + 1, sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
			v[cnt++] = sym.name;
		}
	}
	if (!cnt)
		return -ENOENT;
	*names = v;
	*n = cnt;
	return 0;
}

/* ---- kernel functions ------------------------------------------------------------ */

/* The traceable kernel functions matching glob: tracefs available_filter_functions,
 * else the text symbols of /proc/kallsyms. *text owns the names. */
static int kernel_glob(const char *glob, char **text, const char ***names, size_t *n,
		       const char *subject)
{
	char path[256];
	bool kallsyms = false;
	int err = em_tracefs_path(path, sizeof(path), "available_filter_functions");

	if (!err)
		err = em_sys_read_file(path, 256u << 20, (void **)text, NULL);
	if (err) {
		em_debug("%s: available_filter_functions: %s: matching /proc/kallsyms", subject,
			 strerror(-err));
		kallsyms = true;
		err = em_kallsyms_read(text);
	}
	if (!err)
		err = em_kallsyms_glob(*text, kallsyms, glob, names, n);
	if (err)
		em_err("%s: %s", subject,
		       err == -ENOENT ? "no traceable kernel function matches" : strerror(-err));
	return err;
}

/* The attach type of prog for a multi-probe link of kind k(probe) or u(probe). */
static uint32_t multi_attach_type(const struct ebpfmini_program *prog, bool kprobe, bool session)
{
	uint32_t eat = ebpfmini_program_expected_attach_type(prog);

	if (eat == BPF_TRACE_KPROBE_SESSION || eat == BPF_TRACE_UPROBE_SESSION)
		session = true;
	if (kprobe)
		return session ? BPF_TRACE_KPROBE_SESSION : BPF_TRACE_KPROBE_MULTI;
	return session ? BPF_TRACE_UPROBE_SESSION : BPF_TRACE_UPROBE_MULTI;
}

/* BPF_LINK_CREATE of m, logged with subject; the feature's reason on EOPNOTSUPP/EINVAL. */
static int multi_link(struct ebpfmini_program *prog, uint32_t attach_type,
		      const struct em_sys_multi *m, const char *subject, const char *target,
		      struct ebpfmini_link **out)
{
	enum ebpfmini_feature f;
	char why[320];
	int prog_fd = em_link_prog_fd(prog, subject), fd;

	if (prog_fd < 0)
		return prog_fd;
	fd = em_sys_link_create_multi(prog_fd, attach_type, m);
	if (fd >= 0)
		return em_link_new(EM_LINK_BPF, fd, -1, target, out);
	f = attach_type == BPF_TRACE_KPROBE_MULTI   ? EBPFMINI_FEATURE_KPROBE_MULTI :
	    attach_type == BPF_TRACE_KPROBE_SESSION ? EBPFMINI_FEATURE_KPROBE_SESSION :
	    attach_type == BPF_TRACE_UPROBE_MULTI   ? EBPFMINI_FEATURE_UPROBE_MULTI :
						      EBPFMINI_FEATURE_UPROBE_SESSION;
	if ((fd == -EOPNOTSUPP || fd == -EINVAL) && ebpfmini_sys_probe_feature(f, why, sizeof(why)) == 0)
		em_err("%s: %s", subject, why);
	else
		em_err("%s: BPF_LINK_CREATE: %s", subject, em_errno_name(fd));
	return fd;
}

EM_EXPORT int
ebpfmini_program_attach_kprobe_multi(struct ebpfmini_program *prog, const char *pattern,
				     const struct ebpfmini_program_attach_kprobe_multi_opts *opts,
				     struct ebpfmini_link **out)
{
	struct em_sys_multi m = { 0 };
	const char **names = NULL;
	char subject[320], target[320], *text = NULL;
	bool ret, session;
	size_t cnt;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog)
		return -EINVAL;
	ret = EM_OPT(opts, retprobe, false);
	session = EM_OPT(opts, session, false);
	snprintf(subject, sizeof(subject), "prog '%s': attach %s '%s'", ebpfmini_program_name(prog),
		 session ? "kprobe.session" : ret ? "kretprobe.multi" : "kprobe.multi",
		 pattern ? pattern : "<list>");
	if (em_opts_check(opts, sizeof(*opts), subject))
		return -EINVAL;
	cnt = EM_OPT(opts, cnt, 0);
	m.syms = EM_OPT(opts, syms, NULL);
	m.addrs = EM_OPT(opts, addrs, NULL);
	m.cookies = EM_OPT(opts, cookies, NULL);
	if (!!pattern + !!m.syms + !!m.addrs != 1 || (pattern && (cnt || m.cookies)) ||
	    (!pattern && (!cnt || cnt > UINT32_MAX)) || (ret && session)) {
		em_err("%s: want a pattern, or cnt syms or addrs (cookies only with those), "
		       "and not retprobe with session",
		       subject);
		return -EINVAL;
	}
	if (pattern) {
		err = kernel_glob(pattern, &text, &names, &cnt, subject);
		if (err)
			goto out;
		m.syms = names;
	}
	m.cnt = (uint32_t)cnt;
	m.flags = ret ? BPF_F_KPROBE_MULTI_RETURN : 0;
	snprintf(target, sizeof(target), "%s %s (%zu functions)",
		 session ? "kprobe.session" : ret ? "kretprobe.multi" : "kprobe.multi",
		 pattern ? pattern : m.syms ? m.syms[0] : "<addresses>", cnt);
	err = multi_link(prog, multi_attach_type(prog, true, session), &m, subject, target, out);
out:
	free(names);
	free(text);
	return err;
}

/* ---- user-space functions ---------------------------------------------------------- */

/* The file offsets of the functions (names or those matching glob) of path. */
static int elf_offsets(const char *path, const char *glob, const char *const *syms, size_t *cnt,
		       uint64_t **offsets, const char *subject)
{
	const char **names = NULL;
	struct em_attach_uprobe_file f;
	int err = em_attach_uprobe_open_elf(path, &f);

	if (!err && glob)
		err = em_attach_multi_elf_glob(f.elf, glob, &names, cnt);
	if (!err) {
		*offsets = em_calloc(*cnt, sizeof(**offsets));
		if (!*offsets)
			err = -ENOMEM;
	}
	for (size_t i = 0; !err && i < *cnt; i++) {
		err = em_elf_symbol_file_offset(f.elf, glob ? names[i] : syms[i], &(*offsets)[i]);
		if (err == -ENOENT)
			em_err("%s: %s: no function '%s'", subject, path, glob ? names[i] : syms[i]);
	}
	if (err && err != -ENOENT)
		em_err("%s: %s: %s", subject, path,
		       err == -ENOEXEC ? "not an ELF executable or shared library" :
		       err == -EBADMSG ? "the ELF file is damaged" : strerror(-err));
	else if (err == -ENOENT && glob)
		em_err("%s: %s: no function matches", subject, path);
	free(names);
	em_attach_uprobe_close_elf(&f);
	return err;
}

EM_EXPORT int
ebpfmini_program_attach_uprobe_multi(struct ebpfmini_program *prog, int pid, const char *binary,
				     const char *pattern,
				     const struct ebpfmini_program_attach_uprobe_multi_opts *opts,
				     struct ebpfmini_link **out)
{
	struct em_sys_multi m = { .pid = pid };
	const char *const *syms;
	uint64_t *offsets = NULL;
	char subject[4400], target[4400], path[4096];
	bool ret, session;
	size_t cnt;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog || !binary)
		return -EINVAL;
	ret = EM_OPT(opts, retprobe, false);
	session = EM_OPT(opts, session, false);
	snprintf(subject, sizeof(subject), "prog '%s': attach %s '%s:%s'",
		 ebpfmini_program_name(prog),
		 session ? "uprobe.session" : ret ? "uretprobe.multi" : "uprobe.multi", binary,
		 pattern ? pattern : "<list>");
	if (em_opts_check(opts, sizeof(*opts), subject))
		return -EINVAL;
	cnt = EM_OPT(opts, cnt, 0);
	syms = EM_OPT(opts, syms, NULL);
	m.offsets = EM_OPT(opts, offsets, NULL);
	m.ref_ctr_offsets = EM_OPT(opts, ref_ctr_offsets, NULL);
	m.cookies = EM_OPT(opts, cookies, NULL);
	if (!!pattern + !!syms + !!m.offsets != 1 ||
	    (pattern && (cnt || m.cookies || m.ref_ctr_offsets)) ||
	    (!pattern && (!cnt || cnt > UINT32_MAX)) || (ret && session) || pid < 0) {
		em_err("%s: want a pattern, or cnt syms or offsets (cookies, ref_ctr_offsets only "
		       "with those), not retprobe with session, pid >= 0",
		       subject);
		return -EINVAL;
	}
	err = em_attach_uprobe_find_binary(binary, path, sizeof(path));
	if (err) {
		em_err("%s: %s", subject, err == -ENOENT ? "no such file" : strerror(-err));
		return err;
	}
	if (!m.offsets) {
		err = elf_offsets(path, pattern, syms, &cnt, &offsets, subject);
		if (err)
			goto out;
		m.offsets = offsets;
	}
	m.path = path;
	m.cnt = (uint32_t)cnt;
	m.flags = ret ? BPF_F_UPROBE_MULTI_RETURN : 0;
	snprintf(target, sizeof(target), "%s %s:%s (%zu functions)%s",
		 session ? "uprobe.session" : ret ? "uretprobe.multi" : "uprobe.multi", path,
		 pattern ? pattern : syms ? syms[0] : "<offsets>", cnt, pid ? " pid" : "");
	err = multi_link(prog, multi_attach_type(prog, false, session), &m, subject, target, out);
out:
	free(offsets);
	return err;
}

/* ---- auto-attach: kprobe.multi/<glob>, uprobe.multi/<path>:<glob>, ... ---------------- */

int em_attach_multi_auto(struct ebpfmini_program *prog, enum em_attach_kind kind,
			 const char *target, struct ebpfmini_link **out)
{
	bool ret = kind == EM_ATTACH_KRETPROBE_MULTI || kind == EM_ATTACH_URETPROBE_MULTI;
	char *path, *glob;
	int err;

	if (kind == EM_ATTACH_KPROBE_MULTI || kind == EM_ATTACH_KRETPROBE_MULTI) {
		struct ebpfmini_program_attach_kprobe_multi_opts o = { .sz = sizeof(o),
								       .retprobe = ret };

		if (*target)
			return ebpfmini_program_attach_kprobe_multi(prog, target, &o, out);
		em_err("prog '%s': attach: SEC '%s' is not %s/<pattern>",
		       ebpfmini_program_name(prog), ebpfmini_program_section(prog),
		       ret ? "kretprobe.multi" : "kprobe.multi");
		return -EINVAL;
	}
	err = em_attach_multi_uprobe_target(target, &path, &glob);
	if (err == -EINVAL)
		em_err("prog '%s': attach: SEC '%s' is not %s/<path>:<pattern>",
		       ebpfmini_program_name(prog), ebpfmini_program_section(prog),
		       ret ? "uretprobe.multi" : "uprobe.multi");
	if (err)
		return err;
	{
		struct ebpfmini_program_attach_uprobe_multi_opts o = { .sz = sizeof(o),
								       .retprobe = ret };

		err = ebpfmini_program_attach_uprobe_multi(prog, 0, path, glob, &o, out);
	}
	free(path);
	free(glob);
	return err;
}
