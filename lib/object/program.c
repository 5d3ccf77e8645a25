/* program.c - one program of an object: getters/setters, verifier log, test run, pinning (L4 object) */
#include <stdlib.h>
#include <string.h>

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
