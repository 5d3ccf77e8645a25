/* core_relocate.h - test-only: CO-RE of a whole opened object in one call (calc, log, patch), as the load does it */
#ifndef EBPFMINI_TEST_CORE_RELOCATE_H
#define EBPFMINI_TEST_CORE_RELOCATE_H

#include <errno.h>

#include "core.h"
#include "kbtf.h"
#include "model.h"

/*
 * Patch obj's code with the fixups of calc against target (idx: a candidate
 * index over target, or NULL), or of the kernel BTF (or the file btf_path)
 * when target is NULL. The fixups are logged first, poisoned ones at WARN.
 * Returns the number of fixups applied or the error of calc or patch; the
 * list is kept in *keep when keep is not NULL (free it), else freed.
 */
static inline int core_relocate_keep(struct em_model *obj, const struct ebpfmini_btf *target,
				     const char *btf_path, struct em_core_fixups **keep)
{
	struct em_core_input in;
	struct em_core_fixups *fx = NULL;
	int err;

	if (keep)
		*keep = NULL;
	if (!obj)
		return -EINVAL;
	in = em_core_input_of(obj);
	err = target ? em_core_calc(&in, target, NULL, &fx) :
		       em_btf_vmlinux_core_calc(&in, btf_path, &fx);
	if (err < 0)
		return err;
	em_core_fixups_log(fx, EBPFMINI_LOG_WARN);
	err = em_core_patch(fx, obj->code, obj->ncode);
	if (keep && err >= 0)
		*keep = fx;
	else
		em_core_fixups_free(fx);
	return err;
}

/* CO-RE of obj against target. */
static inline int core_relocate(struct em_model *obj, const struct ebpfmini_btf *target)
{
	return target ? core_relocate_keep(obj, target, NULL, NULL) : -EINVAL;
}

/* CO-RE of obj against the kernel BTF (or the BTF file btf_path), with the shared index. */
static inline int core_relocate_kernel(struct em_model *obj, const char *btf_path)
{
	return core_relocate_keep(obj, NULL, btf_path, NULL);
}

#endif /* EBPFMINI_TEST_CORE_RELOCATE_H */
