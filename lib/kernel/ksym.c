/* ksym.c - kernel symbols by name: vmlinux BTF, module BTF found through BPF object ids (kernel/: L3') */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "kbtf.h"
#include "ebpfmini/sys.h"
#include "internal.h"
#include "ksym.h"
#include "sys.h"

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

static bool all_found(const struct em_kbtf_query *q, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!q[i].id)
			return false;
	return true;
}

/* The queries found since the last call (a module not yet set) came from this BTF. */
static void attribute(struct em_kbtf_query *q, size_t n, int btf_fd, const char *module)
{
	for (size_t i = 0; i < n; i++) {
		if (q[i].id && !q[i].module) {
			q[i].btf_fd = btf_fd;
			q[i].module = module;
		}
	}
}

int em_ksym_find(struct em_ksym_ctx *ctx, struct em_kbtf_query *q, size_t n)
{
	int err;

	if (!ctx || (n && !q))
		return -EINVAL;
	if (all_found(q, n))
		return 0;
	err = em_btf_vmlinux_find(ctx->btf_path, q, n);
	if (!err)
		attribute(q, n, 0, "vmlinux");
	/* modules only for the running kernel: a BTF file stands for vmlinux alone */
	if (!err && !ctx->btf_path && !all_found(q, n) && !ctx->listed)
		err = list_modules(ctx);
	for (size_t m = 0; !err && !ctx->btf_path && m < ctx->nmods && !all_found(q, n); m++) {
		const struct em_ksym_module *mod = &ctx->mods[m];
		int merr = em_btf_vmlinux_module_find(mod->name, q, n);

		if (merr == -ENOMEM) {
			err = merr;
			break;
		}
		if (merr) {
			em_warn("btf: module '%s': cannot read its BTF: %s: not searched", mod->name,
				strerror(-merr));
			continue;
		}
		attribute(q, n, mod->fd, mod->name);
	}
	return err;
}

int em_ksym_core_calc(struct em_ksym_ctx *ctx, const struct em_core_input *in,
		      struct em_core_fixups **out)
{
	const char **names;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!ctx || !in)
		return -EINVAL;
	/* a BTF file stands for vmlinux alone; so does a kernel whose vmlinux has every type */
	err = ctx->btf_path ? 0 : em_btf_vmlinux_core_unmatched(in);
	if (err <= 0)
		return err < 0 ? err : em_btf_vmlinux_core_calc(in, ctx->btf_path, out);
	if (!ctx->listed) {
		err = list_modules(ctx);
		if (err)
			return err;
	}
	em_debug("core: %d relocation%s find no type in vmlinux: searching %zu module%s", err,
		 err == 1 ? "" : "s", ctx->nmods, ctx->nmods == 1 ? "" : "s");
	names = em_calloc(ctx->nmods + 1, sizeof(*names));
	if (!names)
		return -ENOMEM;
	for (size_t m = 0; m < ctx->nmods; m++)
		names[m] = ctx->mods[m].name;
	err = em_btf_vmlinux_core_calc_modules(in, names, ctx->nmods, out);
	free(names);
	return err;
}
