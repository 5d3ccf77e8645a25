/* program.c - one program of an object: getters/setters, verifier log, test run, pinning, disassembly (L4 object) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpfmini/btf.h"
#include "ebpfmini/insn.h"
#include "ebpfmini/map.h"
#include "ebpfmini/program.h"
#include "ebpfmini/sys.h"
#include "internal.h"
#include "objapi.h"

/* Verifier log levels and flags the kernel knows: BPF_LOG_LEVEL1, BPF_LOG_LEVEL2, BPF_LOG_STATS. */
#define LOG_LEVEL_KNOWN 0x7u

static int check_settable(const struct ebpfmini_program *prog)
{
	if (!prog)
		return -EINVAL;
	return em_object_of(prog->obj)->load_attempted ? -EBUSY : 0;
}

EM_EXPORT const char *ebpfmini_program_name(const struct ebpfmini_program *prog)
{
	return prog->name;
}

EM_EXPORT const char *ebpfmini_program_section(const struct ebpfmini_program *prog)
{
	return prog->sec_name;
}

EM_EXPORT struct ebpfmini_object *ebpfmini_program_object(const struct ebpfmini_program *prog)
{
	return em_object_of(prog->obj);
}

EM_EXPORT int ebpfmini_program_fd(const struct ebpfmini_program *prog)
{
	return prog && em_prog_state(prog)->fd >= 0 ? em_prog_state(prog)->fd : -EBUSY;
}

EM_EXPORT uint32_t ebpfmini_program_type(const struct ebpfmini_program *prog)
{
	return prog->type;
}

EM_EXPORT int ebpfmini_program_set_type(struct ebpfmini_program *prog, uint32_t type)
{
	int err = check_settable(prog);

	if (err)
		return err;
	prog->type = type;
	return 0;
}

EM_EXPORT uint32_t ebpfmini_program_expected_attach_type(const struct ebpfmini_program *prog)
{
	return prog->expected_attach_type;
}

EM_EXPORT int ebpfmini_program_set_expected_attach_type(struct ebpfmini_program *prog,
							uint32_t type)
{
	int err = check_settable(prog);

	if (err)
		return err;
	prog->expected_attach_type = type;
	return 0;
}

EM_EXPORT bool ebpfmini_program_autoload(const struct ebpfmini_program *prog)
{
	return prog->autoload;
}

EM_EXPORT int ebpfmini_program_set_autoload(struct ebpfmini_program *prog, bool autoload)
{
	int err = check_settable(prog);

	if (err)
		return err;
	prog->autoload = autoload;
	return 0;
}

EM_EXPORT int ebpfmini_program_set_log_level(struct ebpfmini_program *prog, uint32_t level)
{
	int err = check_settable(prog);

	if (err)
		return err;
	if (level & ~LOG_LEVEL_KNOWN)
		return -EINVAL;
	prog->log_level = level;
	return 0;
}

EM_EXPORT size_t ebpfmini_program_insn_count(const struct ebpfmini_program *prog)
{
	return prog->insns ? prog->insn_cnt : prog->sec_insn_cnt;
}

EM_EXPORT const void *ebpfmini_program_insns(const struct ebpfmini_program *prog)
{
	const struct em_code_sec *code;

	if (prog->insns)
		return prog->insns;
	if (prog->code_idx >= prog->obj->ncode)
		return NULL;
	code = &prog->obj->code[prog->code_idx];
	return code->insns ? code->insns + prog->sec_insn_off : NULL;
}

EM_EXPORT const char *ebpfmini_program_log(const struct ebpfmini_program *prog)
{
	return em_prog_state(prog)->log;
}

EM_EXPORT uint32_t ebpfmini_program_id(const struct ebpfmini_program *prog)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	if (!prog || em_prog_state(prog)->fd < 0)
		return 0;
	memset(&info, 0, sizeof(info));
	if (ebpfmini_sys_obj_get_info(em_prog_state(prog)->fd, &info, &len) < 0)
		return 0;
	return info.id;
}

EM_EXPORT int ebpfmini_program_pin(struct ebpfmini_program *prog, const char *path)
{
	if (!prog || !path)
		return -EINVAL;
	if (em_prog_state(prog)->fd < 0)
		return -EBUSY;
	return em_pin_fd(em_prog_state(prog)->fd, path);
}

EM_EXPORT int ebpfmini_program_unpin(struct ebpfmini_program *prog, const char *path)
{
	if (!prog || !path)
		return -EINVAL;
	return em_pin_remove(path);
}

EM_EXPORT int ebpfmini_program_test_run(struct ebpfmini_program *prog,
					struct ebpfmini_program_test_run_opts *opts)
{
	struct ebpfmini_sys_test_run_opts run = { .sz = sizeof(run) };
	int err;

	if (!prog)
		return -EINVAL;
	err = em_opts_check(opts, sizeof(*opts), "prog test_run");
	if (err)
		return err;
	if (em_prog_state(prog)->fd < 0)
		return -EBUSY;
	if (opts) {
		run.data_in = EM_OPT(opts, data_in, NULL);
		run.data_size_in = EM_OPT(opts, data_size_in, 0);
		run.data_out = EM_OPT(opts, data_out, NULL);
		run.data_size_out = EM_OPT(opts, data_size_out, 0);
		run.ctx_in = EM_OPT(opts, ctx_in, NULL);
		run.ctx_size_in = EM_OPT(opts, ctx_size_in, 0);
		run.ctx_out = EM_OPT(opts, ctx_out, NULL);
		run.ctx_size_out = EM_OPT(opts, ctx_size_out, 0);
		run.repeat = EM_OPT(opts, repeat, 0);
		run.flags = EM_OPT(opts, flags, 0);
		run.cpu = EM_OPT(opts, cpu, 0);
	}
	err = ebpfmini_sys_prog_test_run(em_prog_state(prog)->fd, &run);
	if (err < 0)
		return err;
	EM_OPT_SET(opts, data_size_out, run.data_size_out);
	EM_OPT_SET(opts, ctx_size_out, run.ctx_size_out);
	EM_OPT_SET(opts, retval, run.retval);
	EM_OPT_SET(opts, duration, run.duration);
	return 0;
}

/* ---- look-up by name (object.c and load.c use it) ---------------------------------- */

EM_EXPORT struct ebpfmini_program *ebpfmini_object_find_program(const struct ebpfmini_object *obj,
								const char *name)
{
	if (!obj || !name)
		return NULL;
	for (size_t i = 0; i < obj->model.nprogs; i++)
		if (strcmp(obj->model.progs[i].name, name) == 0)
			return &obj->model.progs[i];
	return NULL;
}

/* ---- ebpfmini_program_disasm(): the object's names for the disassembler ------------- */

struct disasm {
	const struct em_model *obj;
	const struct ebpfmini_program *prog; /* after load: the program, else NULL */
	const struct em_code_sec *code;      /* before load: the section, else NULL */
	uint32_t base;                       /* before load: index of insns[0] in the section */
	const struct ebpfmini_insn_fmt_opts *user;
};

static const struct em_reloc *reloc_at(const struct em_code_sec *code, uint32_t insn)
{
	for (size_t i = 0; i < code->nrelos; i++)
		if (code->relos[i].insn_idx == insn)
			return &code->relos[i];
	return NULL;
}

static const char *func_name(const struct em_model *obj, uint32_t sec, uint32_t insn)
{
	for (size_t i = 0; i < obj->ncode; i++) {
		const struct em_func *f = obj->code[i].sec_index == sec ?
						  em_objfile_func_at(&obj->code[i], insn) :
						  NULL;

		if (f && f->insn_off == insn)
			return f->name;
	}
	return NULL;
}

/* Before load: what the relocation of the instruction names. */
static const char *name_before(const struct disasm *d, const struct bpf_insn *in, size_t idx,
			       char *buf, size_t size)
{
	const struct em_model *obj = d->obj;
	const struct em_reloc *r = reloc_at(d->code, d->base + (uint32_t)idx);
	const char *name = NULL;

	if (!r)
		return NULL;
	switch (r->kind) {
	case EM_RELO_MAP_FD:
		if (r->map_idx < obj->nmaps)
			snprintf(buf, size, "map[%s]", obj->maps[r->map_idx].name);
		return r->map_idx < obj->nmaps ? buf : NULL;
	case EM_RELO_MAP_VALUE:
	case EM_RELO_KCONFIG:
		if (r->map_idx < obj->nmaps)
			snprintf(buf, size, "map[%s][0]+%u", obj->maps[r->map_idx].name,
				 r->value_off);
		return r->map_idx < obj->nmaps ? buf : NULL;
	case EM_RELO_CALL:
	case EM_RELO_FUNC_PTR:
		name = func_name(obj, r->target_sec, r->target_insn);
		if (name && r->kind == EM_RELO_FUNC_PTR)
			snprintf(buf, size, "subprog[%s]", name);
		else if (name)
			snprintf(buf, size, "%s", name);
		return name ? buf : NULL;
	case EM_RELO_EXTERN:
		if (r->ext_idx < 0 || (size_t)r->ext_idx >= obj->nexterns)
			return NULL;
		/* clang writes a kfunc call as "call pc-1" that the load turns into one */
		snprintf(buf, size, em_insn_is_call(in) ? "%s (kfunc)" : "%s",
			 obj->externs[r->ext_idx].name);
		return em_insn_is_ld_imm64(in) || em_insn_is_call(in) ? buf : NULL;
	}
	return NULL;
}

/* The function that the linked program's func_info starts at instruction idx, or NULL. */
static const char *func_info_name(const struct ebpfmini_program *prog, size_t idx)
{
	for (uint32_t i = 0; prog->obj->btf && i < prog->func_info_cnt; i++) {
		const struct bpf_func_info *fi = (const void *)((const char *)prog->func_info +
								i * prog->func_info_rec_size);

		if (fi->insn_off == idx)
			return ebpfmini_btf_type_name(prog->obj->btf, fi->type_id);
	}
	return NULL;
}

/* After load: maps by kernel id, subprograms by func_info, kfuncs and ksyms by extern. */
static const char *name_after(const struct disasm *d, const struct bpf_insn *in, size_t idx,
			      char *buf, size_t size)
{
	const struct ebpfmini_object *obj = em_object_of(d->prog->obj);
	const char *name = NULL;

	if (em_insn_is_ld_imm64(in) &&
	    (in->src_reg == BPF_PSEUDO_MAP_FD || in->src_reg == BPF_PSEUDO_MAP_VALUE)) {
		for (size_t i = 0; i < obj->model.nmaps; i++) {
			uint32_t id;

			if (obj->map_state[i].fd != in->imm || in->imm < 0)
				continue;
			id = ebpfmini_map_id(&obj->model.maps[i]);
			if (in->src_reg == BPF_PSEUDO_MAP_FD)
				snprintf(buf, size, "map[id:%u]", id);
			else
				snprintf(buf, size, "map[id:%u][0]+%u", id, (uint32_t)in[1].imm);
			return buf;
		}
		return NULL;
	}
	if (em_insn_is_pseudo_call(in) ||
	    (em_insn_is_ld_imm64(in) && in->src_reg == BPF_PSEUDO_FUNC))
		name = func_info_name(d->prog, idx + 1 + (size_t)(ptrdiff_t)in->imm);
	else if ((em_insn_is_call(in) && in->src_reg == BPF_PSEUDO_KFUNC_CALL) ||
		 (em_insn_is_ld_imm64(in) && in->src_reg == BPF_PSEUDO_BTF_ID))
		for (size_t i = 0; i < obj->model.nexterns && !name; i++)
			if (obj->ext_state[i].found &&
			    obj->ext_state[i].kernel_btf_id == (uint32_t)in->imm)
				name = obj->model.externs[i].name;
	if (!name || !*name)
		return NULL;
	snprintf(buf, size,
		 em_insn_is_ld_imm64(in) && in->src_reg == BPF_PSEUDO_FUNC ? "subprog[%s]" : "%s",
		 name);
	return buf;
}

static const char *disasm_name(void *ctx, const void *insns, size_t cnt, size_t idx, char *buf,
			       size_t size)
{
	const struct disasm *d = ctx;
	const struct bpf_insn *in = (const struct bpf_insn *)insns + idx;
	const char *name = NULL;

	if (EM_OPT(d->user, name, NULL))
		name = d->user->name(d->user->ctx, insns, cnt, idx, buf, size);
	if (!name)
		name = d->code ? name_before(d, in, idx, buf, size) :
				 name_after(d, in, idx, buf, size);
	return name;
}

static const char *disasm_label(void *ctx, size_t idx)
{
	const struct disasm *d = ctx;
	const char *name = NULL;

	if (EM_OPT(d->user, label, NULL))
		name = d->user->label(d->user->ctx, idx);
	if (!name && d->code)
		name = func_name(d->obj, d->code->sec_index, d->base + (uint32_t)idx);
	else if (!name)
		name = func_info_name(d->prog, idx);
	return name;
}

static int disasm(struct disasm *d, const void *insns, size_t cnt,
		  const struct ebpfmini_insn_fmt_opts *opts, char **text)
{
	struct ebpfmini_insn_fmt_opts o = {
		.sz = sizeof(o),
		.opcode = EM_OPT(opts, opcode, false),
		.name = disasm_name,
		.label = disasm_label,
		.ctx = d,
	};

	if (text)
		*text = NULL;
	if (!text || em_opts_check(opts, sizeof(*opts), "ebpfmini_insn_fmt_opts"))
		return -EINVAL;
	if (!insns || !cnt)
		return -ENOENT;
	return ebpfmini_insn_dump(insns, cnt, &o, text);
}

int em_program_code_disasm(const struct em_model *obj, size_t code_idx, uint32_t off, uint32_t cnt,
		   const struct ebpfmini_insn_fmt_opts *opts, char **text)
{
	const struct em_code_sec *code = code_idx < obj->ncode ? &obj->code[code_idx] : NULL;
	struct disasm d = { .obj = obj, .code = code, .base = off, .user = opts };

	if (!code || off > code->insn_cnt || cnt > code->insn_cnt - off)
		return -EINVAL;
	return disasm(&d, code->insns ? code->insns + off : NULL, cnt, opts, text);
}

EM_EXPORT int ebpfmini_program_disasm(const struct ebpfmini_program *prog,
				      const struct ebpfmini_insn_fmt_opts *opts, char **text)
{
	struct disasm d = { .prog = prog, .user = opts };

	if (!prog) {
		if (text)
			*text = NULL;
		return -EINVAL;
	}
	if (!prog->insns)
		return em_program_code_disasm(prog->obj, prog->code_idx, prog->sec_insn_off,
				      prog->sec_insn_cnt, opts, text);
	d.obj = prog->obj;
	return disasm(&d, prog->insns, prog->insn_cnt, opts, text);
}
