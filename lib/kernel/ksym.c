/* ksym.c - kernel symbols by name: vmlinux BTF, module BTF found through BPF object ids, /proc/kallsyms (L4 objects) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "kbtf.h"
#include "ebpfmini/sys.h"
#include "internal.h"
#include "ksym.h"
#include "sys.h"

#define KALLSYMS "/proc/kallsyms"
/* /proc/kallsyms of a distribution kernel is ~10 MiB; refuse nonsense beyond this. */
#define KALLSYMS_MAX (256u << 20)

/* ---- modules ------------------------------------------------------------------------ */

static int add_module(struct em_ksym_ctx *ctx, const char *name, uint32_t id, int fd)
{
	struct em_ksym_module *m = em_reallocarray(ctx->mods, ctx->nmods + 1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	ctx->mods = m;
	m = &ctx->mods[ctx->nmods++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->btf_obj_id = id;
	m->fd = fd;
	return 0;
}

/*
 * Every kernel BTF object but vmlinux: walk the BTF object ids, open each and
 * ask its name and whether the kernel made it (program BTF is skipped). An
 * object that disappears meanwhile (-ENOENT) is skipped.
 */
static int list_modules(struct em_ksym_ctx *ctx)
{
	uint32_t id = 0;
	int err;

	ctx->listed = true;
	for (;;) {
		char name[EM_KSYM_MODULE_MAX] = "";
		struct bpf_btf_info info;
		uint32_t len = sizeof(info);
		int fd;

		err = ebpfmini_sys_btf_get_next_id(id, &id);
		if (err == -ENOENT)
			return 0;
		if (err) {
			em_warn("btf: list kernel BTF objects (BPF_BTF_GET_NEXT_ID): %s: module "
				"BTF is not searched",
				strerror(-err));
			return 0;
		}
		fd = ebpfmini_sys_btf_get_fd_by_id(id);
		if (fd < 0)
			continue; /* gone meanwhile, or not ours to open */
		memset(&info, 0, sizeof(info));
		info.name = (uint64_t)(uintptr_t)name;
		info.name_len = sizeof(name);
		err = ebpfmini_sys_obj_get_info(fd, &info, &len);
		name[sizeof(name) - 1] = '\0';
		if (err || !info.kernel_btf || !name[0] || strcmp(name, "vmlinux") == 0) {
			em_sys_close(fd);
			continue;
		}
		err = add_module(ctx, name, id, fd);
		if (err) {
			em_sys_close(fd);
			return err;
		}
	}
}

void em_ksym_ctx_release(struct em_ksym_ctx *ctx)
{
	if (!ctx)
		return;
	for (size_t i = 0; i < ctx->nmods; i++)
		if (ctx->mods[i].fd >= 0)
			em_sys_close(ctx->mods[i].fd);
	free(ctx->mods);
	ctx->mods = NULL;
	ctx->nmods = 0;
	ctx->listed = false;
}

static bool all_found(const struct em_ksym_query *q, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!q[i].id)
			return false;
	return true;
}

int em_ksym_find(struct em_ksym_ctx *ctx, struct em_ksym_query *q, size_t n)
{
	struct em_kbtf_query *kq;
	int err;

	if (!ctx || (n && !q))
		return -EINVAL;
	if (all_found(q, n))
		return 0;
	kq = em_calloc(n, sizeof(*kq));
	if (!kq)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		kq[i] = (struct em_kbtf_query){ q[i].name, q[i].kind, q[i].id, q[i].btf };
	err = em_btf_vmlinux_find(ctx->btf_path, kq, n);
	for (size_t i = 0; !err && i < n; i++) {
		if (!q[i].id && kq[i].id) {
			q[i].id = kq[i].id;
			q[i].btf = kq[i].btf;
			q[i].btf_fd = 0;
			q[i].module = "vmlinux";
		}
	}
	/* modules only for the running kernel: a BTF file stands for vmlinux alone */
	if (!err && !ctx->btf_path && !all_found(q, n) && !ctx->listed)
		err = list_modules(ctx);
	for (size_t m = 0; !err && !ctx->btf_path && m < ctx->nmods && !all_found(q, n); m++) {
		const struct em_ksym_module *mod = &ctx->mods[m];
		int merr = em_btf_module_find(mod->name, kq, n);

		if (merr == -ENOMEM) {
			err = merr;
			break;
		}
		if (merr) {
			em_warn("btf: module '%s': cannot read its BTF: %s: not searched", mod->name,
				strerror(-merr));
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			if (!q[i].id && kq[i].id) {
				q[i].id = kq[i].id;
				q[i].btf = kq[i].btf;
				q[i].btf_fd = mod->fd;
				q[i].module = mod->name;
			}
		}
	}
	free(kq);
	return err;
}

/* ---- /proc/kallsyms ------------------------------------------------------------------- */

int em_ksym_kallsyms_parse(const char *text, const char *const *names, size_t n, uint64_t *addrs,
			   size_t *ambiguous)
{
	const char *p = text;

	if (ambiguous)
		*ambiguous = SIZE_MAX;
	if (!text || (n && (!names || !addrs)))
		return -EINVAL;
	memset(addrs, 0, n * sizeof(*addrs));
	while (*p) {
		const char *eol = strchr(p, '\n'), *name, *end;
		uint64_t addr = 0;
		size_t len;

		if (!eol)
			eol = p + strlen(p);
		/* "<hex> <type> <name>[\t[module]]": anything else is skipped */
		for (; p < eol && *p != ' '; p++) {
			int d = *p >= '0' && *p <= '9'	 ? *p - '0'
				: *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
				: *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
							 : -1;

			if (d < 0)
				break;
			addr = addr << 4 | (uint64_t)d;
		}
		name = p + 3; /* " T " */
		if (p + 3 >= eol || p[0] != ' ' || p[2] != ' ') {
			p = *eol ? eol + 1 : eol;
			continue;
		}
		for (end = name; end < eol && *end != '\t' && *end != ' '; end++)
			;
		len = (size_t)(end - name);
		for (size_t i = 0; i < n; i++) {
			if (strncmp(names[i], name, len) != 0 || names[i][len] != '\0')
				continue;
			if (addrs[i] && addrs[i] != addr) {
				if (ambiguous)
					*ambiguous = i;
				return -EINVAL;
			}
			addrs[i] = addr;
		}
		p = *eol ? eol + 1 : eol;
	}
	return 0;
}

int em_ksym_kallsyms(const char *const *names, size_t n, uint64_t *addrs)
{
	void *text = NULL;
	size_t size = 0, bad = SIZE_MAX;
	int err;

	if (n && (!names || !addrs))
		return -EINVAL;
	if (!n)
		return 0;
	err = em_sys_read_file(KALLSYMS, KALLSYMS_MAX, &text, &size);
	if (err) {
		em_warn("btf: read %s for typeless ksyms: %s", KALLSYMS, strerror(-err));
		return err;
	}
	err = em_ksym_kallsyms_parse(text, names, n, addrs, &bad);
	/* kptr_restrict shows every address as 0: a symbol seen with 0 is hidden, not absent */
	if (!err && strncmp(text, "0000000000000000 ", 17) == 0) {
		em_warn("btf: %s shows no addresses (kernel.kptr_restrict, or not root)",
			KALLSYMS);
		err = -EPERM;
	}
	if (err == -EINVAL && bad < n)
		em_warn("btf: extern '%s' has two different addresses in %s: ambiguous", names[bad],
			KALLSYMS);
	free(text);
	return err;
}
