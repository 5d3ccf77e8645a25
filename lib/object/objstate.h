/* objstate.h - the object handle: the pure model plus the kernel state that load creates (L4 object) */
#ifndef EBPFMINI_OBJSTATE_H
#define EBPFMINI_OBJSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "structops.h"

/*
 * What open produces is a struct em_model (obj/model.h, pure). Everything the
 * load creates in the kernel lives here, beside it, in arrays parallel to the
 * model's maps, programs and externs: the pure layers never see an fd. The
 * API's map and program handles are the model's elements; em_map_state() and
 * em_prog_state() find their kernel state.
 */

/* Kernel state of one map: obj->map_state[map->index]. */
struct em_map_state {
	int fd;       /* -1 until created */
	bool reused;  /* opened from an existing pin instead of created */
	void *mmaped; /* global data mapped after load, or NULL */
	size_t mmap_size;
	/* struct_ops maps (load_structops.c) */
	struct em_st_ops_kern st_ops_kern; /* the kernel's types, found at load */
	void *st_ops_value; /* the value registration writes (after the programs load), or NULL */
	bool st_ops_link;   /* created with BPF_F_LINK: registered by a struct_ops link */
};

/* Kernel state of one program: obj->prog_state[prog->index]. */
struct em_prog_state {
	int fd;                 /* -1 until loaded */
	char *log;              /* verifier log of the last attempt, or NULL */
	uint32_t attach_btf_id; /* attach target in kernel BTF (tp_btf, fentry, lsm, iter), or
				 * in the target program's BTF, found at load (load_extern.c),
				 * else 0 */
	int attach_btf_obj_fd;  /* the target's module BTF fd during the load, 0 for vmlinux */
	char attach_btf_name[64]; /* the BTF attach_btf_id lies in: "vmlinux", a module's
				   * name (the load report), "" without target */
	/* ebpfmini_program_set_attach_target(): the target program (freplace, fentry, fexit,
	 * fmod_ret on a BPF program), or the kernel when 0 */
	int target_prog_fd;     /* the library's duplicate of the caller's fd (O_CLOEXEC), or 0;
				 * kept until close: attaching freplace names it again */
	char *target_func;      /* the function given (malloc'd), or NULL: the SEC name's */
	uint64_t load_ns[2];    /* when the load's BPF_PROG_LOAD attempts began and ended (the
				 * report: em_report_now()) */
};

/* The kernel's answer for one ksym/kfunc extern, set at load (load_extern.c): obj->ext_state[i]. */
struct em_extern_state {
	bool resolved;          /* the code sections hold the value (0 for a missing weak one) */
	bool found;             /* the kernel has it */
	uint32_t kernel_btf_id; /* its FUNC or VAR in vmlinux or module BTF */
	int kernel_btf_fd;      /* the module's BTF fd during the load, 0 for vmlinux */
	uint32_t fd_array_idx;  /* a kfunc of a module: its slot in the load's fd_array, else 0 */
	uint64_t addr;          /* typeless: the kernel address */
};

/* One global variable, from the DATASEC of its global data map (var.c). */
struct ebpfmini_var {
	struct ebpfmini_map *map;
	const char *name;  /* in the object BTF's strings */
	uint32_t offset;   /* inside the map's value */
	uint32_t size;
	uint32_t type_id;  /* the VAR's type */
};

struct em_core_fixups;

struct ebpfmini_object {
	struct em_model model;             /* what open parsed; settable until load */
	struct em_map_state *map_state;    /* model.nmaps entries */
	struct em_prog_state *prog_state;  /* model.nprogs entries */
	struct em_extern_state *ext_state; /* model.nexterns entries */
	int load_threads; /* from the open options: 0 as many as the CPUs, 1 one at a time */
	struct ebpfmini_var *vars;         /* the global variables, built at open (var.c) */
	size_t nvars;
	bool load_attempted;
	bool loaded;
	bool standalone; /* wraps one map or program opened by id or pin (kobj.c) */
	bool core_done; /* CO-RE relocations applied to model.code[] (never twice) */
	struct em_core_fixups *core_fixups; /* what CO-RE changed (core.h), or NULL */
	uint64_t t0;                        /* when open began: the report's clock start */
	struct ebpfmini_load_step *steps;   /* the load report (report.c), nsteps entries */
	size_t nsteps;
};

/* The object whose model is model (every model of the library is embedded in an object). */
static inline struct ebpfmini_object *em_object_of(const struct em_model *model)
{
	return (struct ebpfmini_object *)((uintptr_t)model -
					  offsetof(struct ebpfmini_object, model));
}

static inline struct em_map_state *em_map_state(const struct ebpfmini_map *map)
{
	return &em_object_of(map->obj)->map_state[map->index];
}

static inline struct em_prog_state *em_prog_state(const struct ebpfmini_program *prog)
{
	return &em_object_of(prog->obj)->prog_state[prog->index];
}

#endif /* EBPFMINI_OBJSTATE_H */
