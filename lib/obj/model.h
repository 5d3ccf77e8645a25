/* model.h - the object model: what open builds from ELF+BTF and load consumes (L2 transform, pure) */
#ifndef EBPFMINI_MODEL_H
#define EBPFMINI_MODEL_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btf.h"
#include "elf.h"
#include "ebpfmini/object.h"

/*
 * The model holds only what open produces and the configuration a user may
 * change before load: open (objfile.c, pure) fills everything below;
 * relocation (reloc.c, pure) turns a program's code plus the map fds it is
 * given into final instructions. No kernel state lives here: the fds, mmaps,
 * verifier logs and the kernel's answers for externs that load creates are
 * kept by the object layer (object/objstate.h: struct em_model embeds
 * a struct em_model and holds the state per map, program and extern in
 * arrays parallel to the model's). struct ebpfmini_map and ebpfmini_program,
 * the API's handles, are the model's elements. Arrays of programs and maps are
 * allocated once at open and never reallocated afterwards, so pointers to
 * their elements stay valid for the object's lifetime.
 */

struct em_model;

enum em_map_kind {
	EM_MAP_USER,    /* from .maps (BTF-defined) or the legacy "maps" section */
	EM_MAP_DATA,    /* .data, .data.* */
	EM_MAP_RODATA,  /* .rodata, .rodata.* (frozen after load) */
	EM_MAP_BSS,     /* .bss, .bss.* (zero image) */
	EM_MAP_KCONFIG, /* .kconfig externs (read-only, filled at load) */
	EM_MAP_STRUCT_OPS, /* a variable of .struct_ops or .struct_ops.link: a kernel ops struct */
};

/* Pinning values of the BTF map definition (same numbers as libbpf's). */
enum em_pinning {
	EM_PIN_NONE = 0,
	EM_PIN_BY_NAME = 1,
};

/* An initial slot value of a prog array or map-in-map, from .rel.maps. */
struct em_map_init_slot {
	uint32_t slot;      /* index in the outer map */
	char *target;       /* name of a program (prog array) or map (map-in-map) */
};

/* One extern of the object: a .kconfig variable, or a kernel symbol (__ksym). */
struct em_extern {
	char *name;         /* e.g. "LINUX_KERNEL_VERSION", "CONFIG_HZ", "bpf_task_acquire" */
	uint32_t btf_id;    /* its VAR (or FUNC, for a kfunc) in the object BTF, 0 without BTF */
	uint32_t type_id;   /* resolved (modifiers skipped) type of the variable; a kfunc's
			     * FUNC_PROTO; 0 for a typeless ksym */
	uint32_t size;      /* byte size of the variable (.kconfig) */
	uint32_t offset;    /* offset inside the .kconfig map image */
	bool is_weak;       /* __weak: missing resolves to zero instead of failing */
	bool is_kconfig;
	int sym_idx;        /* ELF symbol index */
	/* kernel symbols (not .kconfig), classified at open */
	bool is_func;       /* a kfunc: `extern int f(...) __ksym` */
	bool is_typeless;   /* `extern const void x __ksym`: an address from /proc/kallsyms */
	/* the kernel's answer (found, BTF id, address) is load state: struct em_extern_state */
};

/*
 * A struct_ops map (structops.c): one variable of the DATASEC .struct_ops or
 * .struct_ops.link, whose BTF type is the kernel's ops struct as the object
 * declares it (a subset of the members, matched by name at load). The
 * variable's bytes are the map's data image; its function pointer members
 * are programs, named by the ELF relocations of the section.
 */
struct em_st_ops {
	uint32_t type_id;      /* the ops struct in the object BTF */
	const char *type_name; /* its name ("tcp_congestion_ops"), in the object BTF */
	uint16_t nmembers;     /* members of that struct */
	int *progs;            /* per member: index into obj->progs, or -1 */
};

struct ebpfmini_map {
	struct em_model *obj;   /* the model this map belongs to */
	char *name;             /* map name; ".data", ".rodata", ".bss", ".kconfig" ... for data */
	size_t index;           /* position in obj->maps */
	enum em_map_kind kind;
	/* definition (settable until load) */
	uint32_t type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	uint32_t numa_node;
	uint64_t map_extra;
	enum em_pinning pinning;
	char *pin_path;          /* explicit or derived (pin_root/name) pin path, or NULL */
	uint32_t btf_key_type_id;   /* 0 when the map has no BTF key/value */
	uint32_t btf_value_type_id;
	/* where the definition came from */
	int sec_index;           /* ELF section (.maps, maps, .data, ...) */
	uint32_t sec_offset;     /* offset of the map's symbol in that section (user maps) */
	/* map-in-map: template of the inner map (owned, never created on its own) */
	struct ebpfmini_map *inner;
	struct em_map_init_slot *init_slots;
	size_t n_init_slots;
	/* struct_ops: the ops struct and its programs (owned), NULL for other maps */
	struct em_st_ops *st_ops;
	/* global data and struct_ops: initial image (owned; zeroes for .bss) */
	uint8_t *data;
	size_t data_size;
};

/* A global data map (.data, .rodata, .bss and kin, .kconfig): one array element the
 * programs address directly, with an image from the object. */
static inline bool em_map_is_data(const struct ebpfmini_map *map)
{
	return map->kind != EM_MAP_USER && map->kind != EM_MAP_STRUCT_OPS;
}

/* Relocation of one instruction of a code section. */
enum em_reloc_kind {
	EM_RELO_MAP_FD,     /* ld_imm64 of a map: src_reg = BPF_PSEUDO_MAP_FD, imm = fd */
	EM_RELO_MAP_VALUE,  /* ld_imm64 of global data: BPF_PSEUDO_MAP_VALUE, imm = fd, imm2 = offset */
	EM_RELO_CALL,       /* bpf-to-bpf call (src_reg BPF_PSEUDO_CALL): target code */
	EM_RELO_FUNC_PTR,   /* ld_imm64 of a function address (BPF_PSEUDO_FUNC, e.g. bpf_loop callback) */
	EM_RELO_KCONFIG,    /* ld_imm64 of a .kconfig extern: BPF_PSEUDO_MAP_VALUE into the kconfig map */
	EM_RELO_EXTERN,     /* other externs (ksyms/kfuncs): recorded at open, written into
			     * the code section at load (load_extern.c); em_reloc_program
			     * refuses one whose extern is not resolved (-EOPNOTSUPP) */
};

struct em_reloc {
	enum em_reloc_kind kind;
	const char *sym_name;   /* the ELF symbol it names, a section symbol by its section's
				 * name (points into the ELF buffer); "" for calls inside one
				 * section that came without an ELF relocation */
	uint32_t insn_idx;      /* instruction index inside the code section */
	size_t map_idx;         /* MAP_FD, MAP_VALUE, KCONFIG: index into obj->maps */
	uint32_t value_off;     /* MAP_VALUE/KCONFIG: byte offset inside the map value */
	uint32_t target_sec;    /* CALL, FUNC_PTR: ELF section index of the callee */
	uint32_t target_insn;   /* CALL, FUNC_PTR: instruction index of the callee inside target_sec */
	int ext_idx;            /* KCONFIG/EXTERN: index into obj->externs, else -1 */
};

/* A function (STT_FUNC symbol) of a code section: a program or a subprogram. */
struct em_func {
	const char *name;       /* points into the ELF buffer */
	uint32_t insn_off;      /* first instruction inside the section */
	uint32_t insn_cnt;      /* symbol size / 8 (checked to lie inside the section) */
	bool global;            /* STB_GLOBAL or STB_WEAK */
};

/* One ELF section with code (SHF_EXECINSTR), programs and subprograms alike. */
struct em_code_sec {
	uint32_t sec_index;
	const char *name;       /* points into the ELF buffer owned by the object */
	struct bpf_insn *insns; /* owned copy of the section's instructions */
	size_t insn_cnt;
	struct em_reloc *relos; /* sorted by insn_idx */
	size_t nrelos;
	struct em_func *funcs;  /* every function of the section, sorted by insn_off, no overlaps */
	size_t nfuncs;
};

struct ebpfmini_program {
	struct em_model *obj;    /* the model this program belongs to */
	char *name;              /* function symbol name */
	char *sec_name;          /* SEC name, e.g. "tp/syscalls/sys_enter_execve" */
	size_t index;            /* position in obj->progs */
	size_t code_idx;         /* index into obj->code */
	uint32_t sec_insn_off;   /* first instruction inside the code section */
	uint32_t sec_insn_cnt;   /* its own instructions (symbol size / 8) */
	/* configuration (settable until load) */
	uint32_t type;           /* enum bpf_prog_type */
	uint32_t expected_attach_type;
	uint32_t prog_flags;     /* BPF_F_SLEEPABLE for ".s" sections, ... */
	const char *attach_target; /* the part of sec_name after the prefix ("syscalls/sys_enter_execve"), or NULL */
	bool autoload;
	uint32_t log_level;
	/* built by relocation (em_reloc_program) */
	struct bpf_insn *insns;  /* own code + appended subprograms, relocated */
	size_t insn_cnt;
	void *func_info;         /* struct bpf_func_info[], insn_off in instructions */
	uint32_t func_info_cnt;
	uint32_t func_info_rec_size;
	void *line_info;         /* struct bpf_line_info[] */
	uint32_t line_info_cnt;
	uint32_t line_info_rec_size;
};

struct em_model {
	char *name;
	uint8_t *image;          /* owned copy of the ELF file */
	size_t image_size;
	struct em_elf *elf;      /* parsed view over image */
	struct ebpfmini_btf *btf;      /* object BTF, or NULL */
	struct em_btf_ext *btf_ext;    /* .BTF.ext, or NULL */
	char license[128];
	uint32_t kversion;
	char *pin_root;
	char *kconfig_path;
	char *btf_custom_path;   /* kernel BTF file instead of /sys/kernel/btf/vmlinux, or NULL */
	struct em_code_sec *code;
	size_t ncode;
	struct ebpfmini_program *progs;
	size_t nprogs;
	struct ebpfmini_map *maps;
	size_t nmaps;
	struct em_extern *externs;
	size_t nexterns;
	bool has_core_relos; /* .BTF.ext holds CO-RE relocations */
};

/* Instruction predicates shared by open and relocation. */
static inline bool em_insn_is_ld_imm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}
static inline bool em_insn_is_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL);
}
/* A bpf-to-bpf call (src_reg BPF_PSEUDO_CALL), not a helper or kfunc call. */
static inline bool em_insn_is_pseudo_call(const struct bpf_insn *insn)
{
	return em_insn_is_call(insn) && insn->src_reg == BPF_PSEUDO_CALL;
}

/* ---- open (objfile.c, pure: no I/O, no fds) ------------------------------------ */

/* Build the model from an ELF image the object already owns (obj->image).
 * Errors: -EBADMSG, -ENOEXEC, -EOPNOTSUPP, -ENOMEM, logged with context. */
int em_objfile_parse(struct em_model *obj);
/* Free everything em_objfile_parse allocated, and what em_reloc_program built
 * (prog->insns, func_info, line_info); not the fields the caller set (image, name, pin_root, kconfig_path). Leaves
 * the model empty, so calling it twice is harmless; a failed
 * em_objfile_parse has already called it. */
void em_objfile_free(struct em_model *obj);

/*
 * Name a map gets in the kernel (BPF_OBJ_NAME_LEN - 1 characters at most,
 * only [A-Za-z0-9_.], anything else becomes '_'):
 * - user maps (.maps, "maps"): the map's name, truncated;
 * - global data and .kconfig: "<prefix><section name>", where prefix is the
 *   object name's first min(8, 15 - strlen(section)) characters, so that the
 *   section name stays whole when it can ("myobj.rodata", "open_ob.kconfig");
 *   a section name with a second dot (".data.custom", ".rodata.str1.1") gets
 *   no prefix and is truncated to 15 characters. The map's user-visible name
 *   stays the section name (".data").
 */
void em_objfile_map_kernel_name(const struct ebpfmini_map *map, char out[BPF_OBJ_NAME_LEN]);

/* Function of code section sec that contains instruction insn_idx, or NULL. */
const struct em_func *em_objfile_func_at(const struct em_code_sec *sec, uint32_t insn_idx);

/* ---- relocation (reloc.c, pure: the kernel's values arrive as input) ---------- */

/* What relocation needs from the load: the values only the kernel can give. */
struct em_reloc_input {
	const int *map_fds;  /* fd of obj->maps[i] (obj->nmaps entries), < 0 when not
			      * created; NULL when no map is created */
	const bool *ext_resolved; /* per extern (obj->nexterns entries): the load wrote
				   * the kernel's value into the code sections; NULL: none */
};

/* The most instructions the kernel loads in one program (BPF_COMPLEXITY_LIMIT_INSNS),
 * so the most a linked program may hold; and the most all the linked programs of
 * one object may hold together (32 MiB of code: each subprogram is copied into
 * every program that calls it, so a small object could otherwise make gigabytes). */
#define EM_RELOC_MAX_INSNS 1000000u
#define EM_RELOC_MAX_OBJECT_INSNS (4 * EM_RELOC_MAX_INSNS)

/* Build prog->insns: its own instructions, then every subprogram it reaches
 * (each once), with calls, function pointers, map fds (from in) and global
 * data offsets patched; and prog->func_info / line_info for the linked
 * program. Errors: -EBADMSG (a relocation that points nowhere), -ENOENT (a
 * referenced map has no fd), -EOPNOTSUPP (a ksym/kfunc extern the load has not
 * resolved), -E2BIG (more than EM_RELOC_MAX_INSNS linked), -ENOMEM. */
int em_reloc_program(struct em_model *obj, struct ebpfmini_program *prog,
		     const struct em_reloc_input *in);

#endif /* EBPFMINI_MODEL_H */
