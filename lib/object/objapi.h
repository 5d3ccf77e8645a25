/* objapi.h - private glue between the object API files: object, load, map, program, pin, kconfig (L4 object) */
#ifndef EBPFMINI_OBJAPI_H
#define EBPFMINI_OBJAPI_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "objstate.h"

/* ---- report.c: the load report -------------------------------------------------- */

/* CLOCK_MONOTONIC in ns: the clock of the report's steps. */
uint64_t em_report_now(void);
/*
 * Append a step to obj's report (ebpfmini_object_load_step()): begun at start
 * (em_report_now()), ended now, about subject ("btf") or subject 'name'
 * ("map 'rb'") when name is not NULL, with err (< 0 when the step failed)
 * and fmt as its text. Returns the step for the caller to add the fields of
 * its kind, or NULL (out of memory: the step is left out; never fatal).
 */
struct ebpfmini_load_step *em_report_add(struct ebpfmini_object *obj, enum ebpfmini_step_kind kind,
					 uint64_t start, int err, const char *subject,
					 const char *name, const char *fmt, ...) EM_PRINTF(7, 8);
/* A BTF step: the kernel's read (KERNEL_BTF, fd: 0 or the error; what: its path, NULL for
 * vmlinux's) or the object's loaded (BTF_LOAD, fd: what ebpfmini_btf_load() returned; the
 * id is asked from the kernel). */
void em_report_btf(struct ebpfmini_object *obj, enum ebpfmini_step_kind kind, uint64_t start,
		   int fd, const char *what, const struct ebpfmini_btf *btf);
/* The steps of a CO-RE pass begun at start: one for the pass, one per fixup of fx (may be NULL). */
struct em_core_fixups;
void em_report_core(struct ebpfmini_object *obj, uint64_t start, int err,
		    const struct em_core_fixups *fx);
/* The step of a map's creation (err: create's result), with its id. */
void em_report_map(const struct ebpfmini_map *map, uint64_t start, int err);
/* The step of a program's load (its time from em_prog_state's load_ns), with its id and
 * verified instructions from the kernel, or the verifier's verdict (em_report_verdict)
 * when it failed. Called in section order on the loading thread. */
void em_report_prog(const struct ebpfmini_program *prog, int err);
void em_report_free(struct ebpfmini_object *obj);
/* The verifier's verdict in log (may be NULL): its last line that is neither empty nor a
 * summary ("processed ...", "verification time ..."), into buf; "" when there is none. */
const char *em_report_verdict(const char *log, char *buf, size_t size);

/* ---- program.c: disassembly -------------------------------------------------- */

struct ebpfmini_insn_fmt_opts;
/*
 * ebpfmini_program_disasm() of cnt instructions of code section code_idx from
 * instruction off, named from the section's relocations and functions (what
 * `ebpfmini object show --disasm` prints for sections without programs).
 * Errors: those of ebpfmini_insn_dump(); -EINVAL for a range outside the section.
 */
int em_program_code_disasm(const struct em_model *obj, size_t code_idx, uint32_t off, uint32_t cnt,
		   const struct ebpfmini_insn_fmt_opts *opts, char **text);

/* ---- pin.c: bpffs paths ---------------------------------------------------- */

/*
 * Pin fd at path. The directory holding path must be on bpffs: the nearest
 * existing ancestor is checked with statfs (not bpffs: -ENODEV, logged with
 * the mount hint) and the missing directories below it are created (0700).
 * Errors: -EINVAL (empty or overlong path), -ENODEV, the errno of mkdir or of
 * BPF_OBJ_PIN (-EEXIST when something is pinned there already). Logged with
 * the subject "pin 'path'".
 */
int em_pin_fd(int fd, const char *path);
/* Remove a pin (unlink). -ENOENT is returned but not logged; others are logged. */
int em_pin_remove(const char *path);
/*
 * "dir/name" with the dots of name replaced by '_' (bpffs refuses names with
 * dots, so ".data" is pinned as "_data"). malloc'd, NULL on ENOMEM.
 */
char *em_pin_join(const char *dir, const char *name);

/* ---- kconfig.c: .kconfig externs -------------------------------------------- */

/*
 * Fill the .kconfig map image (map->data) from the running kernel: uname for
 * LINUX_KERNEL_VERSION, and obj->kconfig_path, /proc/config.gz or
 * /boot/config-$(uname -r) for CONFIG_* (read only when such externs exist).
 * Errors: -ENOENT (a non-weak extern has no value, or the config cannot be
 * read while one is needed), -EINVAL (a value does not fit the extern's type),
 * -EBADMSG, -ENOMEM. Logged with the subject "kconfig".
 */
int em_kconfig_fill(struct em_model *obj, struct ebpfmini_map *map);
/*
 * The pure part of em_kconfig_fill: write every kconfig extern of obj into
 * image (size bytes) from release (uname -r, may be NULL) and config (the
 * text of a kernel .config, may be NULL when unreadable; config_src names it
 * in messages). Same errors.
 */
int em_kconfig_apply(const struct em_model *obj, const char *release, const char *config,
		     const char *config_src, uint8_t *image, size_t size);

/* ---- map.c ------------------------------------------------------------------ */

/* BPF_OBJ_GET_INFO_BY_FD of a map fd into *info (zeroed first). */
int em_map_info(int fd, struct bpf_map_info *info);
/*
 * Reuse the map pinned at map->pin_path when there is one and it matches the
 * definition (max_entries: the count load creates the map with): its fd in
 * the map's state, reused set. 0 also when nothing is pinned there (create and
 * pin); -EEXIST for an incompatible pinned map, or the errno of opening it.
 */
int em_map_reuse_pinned(struct ebpfmini_map *map, uint32_t max_entries);

/* ---- load_extern.c ------------------------------------------------------------ */

struct em_ksym_ctx;
/*
 * The load phase that asks kernel BTF by name, in one lookup: ksym and kfunc
 * externs (their values written into the code sections, the kernel's answer
 * in obj->ext_state[], each marked resolved; a __weak one the kernel lacks
 * gives 0, its calls a poisoned helper call) and the attach targets of tp_btf,
 * fentry/fexit/fmod_ret, lsm and iter programs (obj->prog_state[]:
 * attach_btf_id, attach_btf_obj_fd); the target of a program given a target
 * program (freplace, fentry/fexit/fmod_ret on a BPF program) is looked up in
 * that program's BTF instead. Does nothing,
 * and reads no kernel BTF, for an object that needs neither. *fd_array gets
 * the BTF fds of the modules whose kfuncs are called (slot 0 unused; NULL
 * when none; the caller frees it); the fds themselves belong to kc.
 * Errors: -ENOENT (a non-weak extern or an attach target the kernel or the
 * target program lacks), -EINVAL (a declaration that does not match the
 * kernel's type, a section without target, freplace without a target
 * program, a target program without BTF, a static function to replace, an
 * ambiguous kallsyms name), -EBADMSG, -EPERM (kallsyms hides addresses),
 * errors reading kernel or program BTF, -ENOMEM. Logged.
 */
int em_load_extern_resolve(struct ebpfmini_object *obj, struct em_ksym_ctx *kc, int **fd_array);

/* ---- load_structops.c ----------------------------------------------------------- */
struct ebpfmini_sys_map_create_opts;
/*
 * Before the programs are relocated: the kernel types of each struct_ops map
 * (map state st_ops_kern; map->value_size becomes the kernel's value size),
 * and each of its programs' attach_btf_id (the ops type) and expected attach
 * type (the kernel's member index). Errors: those of em_btf_vmlinux_get(),
 * em_structops_kern_find() and em_structops_value(); -EINVAL (a program
 * with autoload off, or used for two members). Logged.
 */
int em_load_structops_prepare(struct ebpfmini_object *obj);
/*
 * BPF_MAP_CREATE of a struct_ops map with the object BTF btf_fd (-EOPNOTSUPP,
 * logged, when there is none) and the kernel's value type, opts (name, flags)
 * filled by the caller. A BPF_F_LINK map on a kernel without struct_ops links
 * (EINVAL) is made without the flag, to be registered by map update. Returns
 * the fd or the kernel's errno (not logged).
 */
int em_load_structops_create(struct ebpfmini_map *map, int btf_fd,
			     struct ebpfmini_sys_map_create_opts *opts);
/* After the programs are loaded: each struct_ops map's value (map state
 * st_ops_value), which registration writes. Errors as em_structops_value(). */
int em_load_structops_values(struct ebpfmini_object *obj);

/* ---- var.c ------------------------------------------------------------------ */
/* Build obj->vars from the DATASEC of every global data map (none without BTF);
 * an entry that does not lie inside its map's value is skipped. 0 or -ENOMEM. */
int em_var_index(struct ebpfmini_object *obj);

/* ---- kobj.c ----------------------------------------------------------------- */
/* Whether /proc/self/fdinfo/<fd> holds key ("\nmap_type:", "\nprog_type:",
 * "\nlink_id:"): what kind of BPF object fd is, which its info does not tell. */
bool em_kobj_fdinfo_has(int fd, const char *key);

/* ---- load_prog.c ------------------------------------------------------------ */
/*
 * The load's program phase: BPF_PROG_LOAD of every program with autoload, in
 * section order (btf_fd: the object BTF in the kernel or -1; fd_array: module
 * BTF fds by kfunc slot or NULL). Each program's fd, verifier log and report
 * step are set; the first failure is logged with its explanation and returned
 * (an errno of BPF_PROG_LOAD, -ENOMEM); programs loaded before it keep their
 * fds for the caller's rollback.
 */
int em_load_prog_all(struct ebpfmini_object *obj, int btf_fd, int *fd_array);

/* ---- load.c ----------------------------------------------------------------- */

/* Release every kernel resource of obj: unmap global data, close map, program
 * and BTF fds (each once, then set to -1). Pins stay. Safe on any state. */
void em_load_release(struct ebpfmini_object *obj);

#endif /* EBPFMINI_OBJAPI_H */
