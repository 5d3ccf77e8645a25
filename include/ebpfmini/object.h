/* ebpfmini/object.h - an eBPF object file: open, configure, load, close */
#ifndef EBPFMINI_OBJECT_H
#define EBPFMINI_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpfmini_object;
struct ebpfmini_program;
struct ebpfmini_map;
struct ebpfmini_btf;

/** Options for ebpfmini_object_open() and ebpfmini_object_open_mem(). */
struct ebpfmini_object_open_opts {
	size_t sz;            /* sizeof(struct ebpfmini_object_open_opts) */
	const char *name;     /* object name; default: file name without ".o"/".bpf.o", or "mem" */
	const char *pin_root; /* directory for maps pinned by name; default "/sys/fs/bpf" */
	const char *kconfig_path; /* kernel config to read for .kconfig externs;
				     default: /proc/config.gz, then /boot/config-$(uname -r) */
	const char *btf_custom_path; /* kernel BTF to relocate against (CO-RE, ksyms,
					kfuncs, attach targets): raw BTF or an ELF file
					with a .BTF section; default /sys/kernel/btf/vmlinux
					(then module BTF is not searched) */
	int load_threads; /* programs ebpfmini_object_load() has the kernel verify at
			     once: 0 (default) one after another until one takes
			     the verifier 0.5 ms, then as many as the CPUs the
			     process may run on; 1 one after another; n > 1 up to
			     n from the first */
};

/**
 * ebpfmini_object_open() - parse an eBPF ELF object file; touches no kernel state.
 * @path: file compiled by clang -target bpf
 * @opts: may be NULL
 * @out:  receives the object; set to NULL on error
 *
 * Maps pinned by name get the pin path "<pin_root>/<map name>" (see
 * ebpfmini_map_pin_path()). No fd is open after this call.
 *
 * Return: 0, or -EINVAL (NULL path/out, bad opts: sz too small or unknown
 * non-zero fields, a negative load_threads), -ENOENT/-EACCES (cannot read the file), -E2BIG (file
 * over 256 MiB, or global data sections declaring over 256 MiB together), -EBADMSG (damaged
 * ELF or BTF), -ENOEXEC (not an eBPF
 * object), -EOPNOTSUPP (a construct not supported yet), -ENOMEM.
 */
int ebpfmini_object_open(const char *path, const struct ebpfmini_object_open_opts *opts,
			 struct ebpfmini_object **out);

/**
 * ebpfmini_object_open_mem() - like ebpfmini_object_open() from a memory buffer.
 * The buffer is copied; the caller may free it after the call. The default
 * name is "mem".
 * Return: as ebpfmini_object_open(); -EINVAL also for NULL data or size 0.
 */
int ebpfmini_object_open_mem(const void *data, size_t size,
			     const struct ebpfmini_object_open_opts *opts,
			     struct ebpfmini_object **out);

/**
 * ebpfmini_object_load() - create the maps and load the programs into the kernel.
 *
 * Phases: checks (unknown program types) → kernel BTF (/sys/kernel/btf/vmlinux
 * or btf_custom_path, read once per process and only when needed): CO-RE
 * relocations, then ksym and kfunc externs and the attach targets of
 * tp_btf/fentry/fexit/fmod_ret/lsm/iter programs, looked up by name (module
 * BTF too when vmlinux lacks a name; typeless ksyms in /proc/kallsyms; a
 * __weak extern the kernel lacks is 0) → object BTF
 * (BPF_BTF_LOAD; a BTF the kernel refuses is dropped with a warning) →
 * .kconfig values → maps (reused from pins when compatible, otherwise
 * created and pinned when a pin path is set) → global data (initial image
 * copied in, .rodata/.kconfig frozen, mmap'ed) → relocations → programs
 * (those with autoload; verified side by side, see load_threads) → initial
 * slots of prog arrays and maps of maps.
 *
 * Only one load per object: after a failure every fd the load opened is
 * closed, the pins it made are removed, and the object can only be closed; a
 * failed program keeps its verifier log (ebpfmini_program_log()). The error
 * is logged once with its subject and, for a program, the verifier's last
 * line, followed by an explanation (ebpfmini_log_explain()).
 *
 * Return: 0, or -EINVAL (NULL obj; CO-RE candidates that disagree; a ksym
 * or kfunc declared with a type unlike the kernel's; a tp_btf/fentry/...
 * section without target), -EBUSY (load already attempted), -EOPNOTSUPP (a
 * program whose section names no known type, freplace programs, an unknown
 * CO-RE relocation kind), -EEXIST (a pinned map is incompatible: the
 * message names the field), -ENOENT (no kernel BTF, a non-weak .kconfig,
 * ksym or kfunc extern or an attach target the kernel lacks), -EBADMSG
 * (malformed BTF or CO-RE records), -ENODEV (a pin path outside bpffs),
 * -EPERM (kallsyms hides the addresses typeless ksyms need), -E2BIG (a
 * program linked to over 1,000,000 instructions, or the object's programs to
 * over 4,000,000 together), -ENOMEM, or the kernel's errno,
 * unchanged (-EPERM, -EACCES from the verifier, -EINVAL, -E2BIG, ...); for a
 * program the errno of its first load attempt.
 */
int ebpfmini_object_load(struct ebpfmini_object *obj);

/**
 * ebpfmini_object_close() - unmap global data, close every fd of the object
 * (each exactly once) and free it, including all its programs and maps.
 * Pins stay in bpffs. NULL is a no-op. Cannot fail.
 */
void ebpfmini_object_close(struct ebpfmini_object *obj);

/** ebpfmini_object_name() - the object's name. Never NULL. */
const char *ebpfmini_object_name(const struct ebpfmini_object *obj);
/** ebpfmini_object_license() - contents of the "license" section, or "" when absent. */
const char *ebpfmini_object_license(const struct ebpfmini_object *obj);
/** ebpfmini_object_kversion() - contents of the "version" section, or 0. */
uint32_t ebpfmini_object_kversion(const struct ebpfmini_object *obj);
/** ebpfmini_object_btf() - the object's BTF (owned by the object), or NULL when it has none. */
const struct ebpfmini_btf *ebpfmini_object_btf(const struct ebpfmini_object *obj);

/**
 * ebpfmini_object_set_pin_root() - directory for maps whose definition asks
 * for pinning by name. Pin paths derived from the old root follow; paths set
 * with ebpfmini_map_set_pin_path() stay.
 * Return: 0, -EINVAL (NULL or empty), -EBUSY (after load), -ENOMEM.
 */
int ebpfmini_object_set_pin_root(struct ebpfmini_object *obj, const char *dir);
/** ebpfmini_object_pin_root() - the current pin root. Never NULL. */
const char *ebpfmini_object_pin_root(const struct ebpfmini_object *obj);

/** ebpfmini_object_find_program() - program by its function name, or NULL. */
struct ebpfmini_program *ebpfmini_object_find_program(const struct ebpfmini_object *obj,
						      const char *name);
/** ebpfmini_object_find_map() - map by name (".data", ".rodata", ... for global data), or NULL. */
struct ebpfmini_map *ebpfmini_object_find_map(const struct ebpfmini_object *obj,
					      const char *name);
/** ebpfmini_object_next_program() - iterate: prev NULL gives the first; NULL after the last. */
struct ebpfmini_program *ebpfmini_object_next_program(const struct ebpfmini_object *obj,
						      const struct ebpfmini_program *prev);
/** ebpfmini_object_next_map() - iterate maps as ebpfmini_object_next_program(). */
struct ebpfmini_map *ebpfmini_object_next_map(const struct ebpfmini_object *obj,
					      const struct ebpfmini_map *prev);

/**
 * ebpfmini_object_pin_maps() - pin every map as dir/<map name>, creating dir
 * (on bpffs) as needed. bpffs refuses dots in names, so the dots of a name
 * become '_' (".data" is pinned as "_data"), and so do '/' and control
 * characters; no symlink inside bpffs is followed. A map the load pinned at that
 * very path already counts as pinned.
 * Return: 0, -EINVAL (NULL obj or dir), -EBUSY (not loaded), -ENODEV (dir
 * is not on bpffs), or the errno of the first pin that failed (-EEXIST when
 * the name is taken); the pins this call made before it are removed again.
 */
int ebpfmini_object_pin_maps(struct ebpfmini_object *obj, const char *dir);
/**
 * ebpfmini_object_unpin_maps() - remove dir/<map name> for every map (names
 * as for pin_maps). A missing pin is not an error.
 * Return: 0, -EINVAL (NULL obj or dir), or the first other unlink error.
 */
int ebpfmini_object_unpin_maps(struct ebpfmini_object *obj, const char *dir);
/** ebpfmini_object_pin_programs() - pin every loaded program as dir/<prog name>.
 *  Programs not loaded (autoload off) are skipped. Return: as pin_maps. */
int ebpfmini_object_pin_programs(struct ebpfmini_object *obj, const char *dir);
/** ebpfmini_object_unpin_programs() - remove dir/<prog name> for every program.
 *  Return: as unpin_maps. */
int ebpfmini_object_unpin_programs(struct ebpfmini_object *obj, const char *dir);

/** enum ebpfmini_step_kind - what one step of ebpfmini_object_load_step() did. */
enum ebpfmini_step_kind {
	EBPFMINI_STEP_PARSE = 0,      /* open: the ELF file, its BTF and .BTF.ext parsed */
	EBPFMINI_STEP_KERNEL_BTF = 1, /* the running kernel's BTF read (once per process) */
	EBPFMINI_STEP_CORE = 2,       /* the CO-RE relocations computed and patched */
	EBPFMINI_STEP_CORE_FIXUP = 3, /* one CO-RE relocation: instruction, old and new value */
	EBPFMINI_STEP_BTF_LOAD = 4,   /* the object's BTF loaded (BPF_BTF_LOAD) */
	EBPFMINI_STEP_MAP_CREATE = 5, /* one map created, or reused from its pin */
	EBPFMINI_STEP_PROG_LOAD = 6,  /* one program verified and loaded (BPF_PROG_LOAD) */
	EBPFMINI_STEP_ATTACH = 7,     /* one program attached (ebpfmini_program_attach()) */
};

/**
 * struct ebpfmini_load_step - one step of the open, load and attach of an
 * object, as ebpfmini_object_load_step() gives it. Owned by the object.
 * @kind:        what the step was
 * @subject:     what it was about: "elf", "btf", "core", "map 'rb'", "prog 'handle_exec'"
 * @text:        what it did, one line: "created: ringbuf, max_entries 262144, id 12"
 * @err:         0, or the negative errno the step failed with
 * @start_ns:    when it began, in ns since the object was opened (CLOCK_MONOTONIC)
 * @duration_ns: how long it took (0 for the fixups of a CO-RE step)
 * @id:          the kernel id of the map, program, BTF or link made; else 0
 * @insn:        CORE_FIXUP: the instruction patched (index in its ELF section);
 *               PROG_LOAD: the instructions sent to the kernel
 * @old_val:     CORE_FIXUP: the value before (immediate or offset, sign-extended)
 * @new_val:     CORE_FIXUP: the value after (0 for a poisoned instruction)
 * @verified_insns: PROG_LOAD: the instructions the verifier processed, from the
 *               kernel's prog info (0 when the kernel does not tell, before 5.16)
 */
struct ebpfmini_load_step {
	enum ebpfmini_step_kind kind;
	const char *subject;
	const char *text;
	int err;
	uint64_t start_ns;
	uint64_t duration_ns;
	uint32_t id;
	uint32_t insn;
	uint64_t old_val;
	uint64_t new_val;
	uint32_t verified_insns;
};

/**
 * ebpfmini_object_load_step() - step i (from 0) of the load report: what
 * open, ebpfmini_object_load() and ebpfmini_program_attach() did, in order,
 * each with its time: the parse, the kernel BTF read, the CO-RE relocations
 * and each fixup, the BTF load, each map created, each program's
 * verification (with the kernel's count of verified instructions) and each
 * attach, the failed step included. An embedding program logs the report
 * by walking i up from 0 until NULL. A step whose memory could not be
 * allocated is left out. Valid until the object is closed.
 * Return: the step, or NULL (NULL obj, i past the last step).
 */
const struct ebpfmini_load_step *ebpfmini_object_load_step(const struct ebpfmini_object *obj,
							   size_t i);

#ifdef __cplusplus
}
#endif

#endif /* EBPFMINI_OBJECT_H */
