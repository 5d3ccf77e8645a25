/* ebpfmini/program.h - one eBPF program of an object */
#ifndef EBPFMINI_PROGRAM_H
#define EBPFMINI_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpfmini_object;
struct ebpfmini_program;
struct ebpfmini_insn_fmt_opts; /* ebpfmini/insn.h */

/** ebpfmini_program_name() - the program's function name. Never NULL. */
const char *ebpfmini_program_name(const struct ebpfmini_program *prog);
/** ebpfmini_program_section() - the ELF section (SEC name) it came from. Never NULL. */
const char *ebpfmini_program_section(const struct ebpfmini_program *prog);
/** ebpfmini_program_object() - the object that owns the program. */
struct ebpfmini_object *ebpfmini_program_object(const struct ebpfmini_program *prog);
/** ebpfmini_program_fd() - the program fd: >= 3 after load, -EBUSY before load or when not loaded. */
int ebpfmini_program_fd(const struct ebpfmini_program *prog);

/** ebpfmini_program_type() - enum bpf_prog_type, guessed from the SEC name at open
 *  (BPF_PROG_TYPE_UNSPEC for an unknown section: load refuses it unless set). */
uint32_t ebpfmini_program_type(const struct ebpfmini_program *prog);
/** ebpfmini_program_set_type() - override the program type.
 *  Return: 0, -EINVAL (NULL prog), -EBUSY after load (or a failed load). */
int ebpfmini_program_set_type(struct ebpfmini_program *prog, uint32_t type);
/** ebpfmini_program_expected_attach_type() - enum bpf_attach_type passed at load. */
uint32_t ebpfmini_program_expected_attach_type(const struct ebpfmini_program *prog);
/** ebpfmini_program_set_expected_attach_type() - set the enum bpf_attach_type
 *  passed to BPF_PROG_LOAD. Return: 0, -EINVAL (NULL prog), -EBUSY after load. */
int ebpfmini_program_set_expected_attach_type(struct ebpfmini_program *prog, uint32_t type);
/** ebpfmini_program_autoload() - whether ebpfmini_object_load() loads this program. */
bool ebpfmini_program_autoload(const struct ebpfmini_program *prog);
/** ebpfmini_program_set_autoload() - whether ebpfmini_object_load() loads the
 *  program (default true). Return: 0, -EINVAL (NULL prog), -EBUSY after load. */
int ebpfmini_program_set_autoload(struct ebpfmini_program *prog, bool autoload);

/**
 * ebpfmini_program_set_attach_target() - what a freplace, fentry, fexit or
 * fmod_ret program attaches to, before load. target_prog_fd 0: a kernel
 * function (vmlinux or a module) as the SEC name would name it; > 0: a
 * loaded BPF program, in whose BTF func is looked up (the program must have
 * been loaded with BTF: clang -g). func NULL keeps the function of the SEC
 * name ("freplace/func", "fentry/func"), so a bare SEC("freplace") or
 * SEC("fentry") needs one here. A freplace program needs a target program
 * (its load fails with -EINVAL without one) and replaces only a global
 * function. The library keeps its own duplicate of target_prog_fd until the
 * object is closed (freplace names it again at each attach): the caller's
 * fd may be closed afterwards. A second call replaces the first. The
 * function is looked up at load: a missing one fails the load with -ENOENT,
 * a target without BTF or a static function to replace with -EINVAL, each
 * logged with the functions the target has. ebpfmini_program_attach() then
 * attaches it there.
 * Return: 0, -EINVAL (NULL prog, a negative fd, an empty func, an fd that is
 * not a BPF program), -EBUSY after load (or a failed load), -ENOMEM, or the
 * errno of duplicating the fd (-EMFILE).
 */
int ebpfmini_program_set_attach_target(struct ebpfmini_program *prog, int target_prog_fd,
				       const char *func);

/**
 * ebpfmini_program_set_log_level() - verifier log level for the load (0: a log
 * is requested only to explain a failure; 1 or 2: always, with that level,
 * and kept after a successful load too). 4 (BPF_LOG_STATS) may be or'ed in.
 * Return: 0, -EINVAL (NULL prog, or bits other than 1, 2 and 4), -EBUSY after load.
 */
int ebpfmini_program_set_log_level(struct ebpfmini_program *prog, uint32_t level);

/** ebpfmini_program_insn_count() - instructions (struct bpf_insn, 8 bytes each):
 *  before load the program's own, after load the relocated code with its
 *  subprograms appended. */
size_t ebpfmini_program_insn_count(const struct ebpfmini_program *prog);
/** ebpfmini_program_insns() - the instructions (struct bpf_insn array), owned by
 *  the object; ebpfmini_program_insn_count() of them. */
const void *ebpfmini_program_insns(const struct ebpfmini_program *prog);

/**
 * ebpfmini_program_log() - the verifier log of the last load attempt, or NULL
 * when none was kept: after a failed load the log of the retry that asked
 * for one (level 1, buffer grown up to 16 MiB), after a success only when a
 * log level was set. Owned by the program, valid until the object is closed.
 */
const char *ebpfmini_program_log(const struct ebpfmini_program *prog);

/** ebpfmini_program_id() - kernel id after load (OBJ_GET_INFO_BY_FD), or 0. */
uint32_t ebpfmini_program_id(const struct ebpfmini_program *prog);

/**
 * ebpfmini_program_pin() - pin the loaded program at path (on bpffs; missing
 * parent directories under a bpffs mount are created, mode 0700).
 * Return: 0, -EINVAL (NULL prog or path, empty path), -EBUSY (not loaded),
 * -ENODEV (the directory is not on bpffs: the log says
 * "mount -t bpf bpf /sys/fs/bpf"), the errno of mkdir, or the kernel's errno
 * of BPF_OBJ_PIN (-EEXIST: the name is taken).
 */
int ebpfmini_program_pin(struct ebpfmini_program *prog, const char *path);
/** ebpfmini_program_unpin() - remove the pin at path.
 *  Return: 0, -EINVAL (NULL prog or path), or -errno of unlink (-ENOENT). */
int ebpfmini_program_unpin(struct ebpfmini_program *prog, const char *path);

/** Input and output of ebpfmini_program_test_run() (BPF_PROG_TEST_RUN). */
struct ebpfmini_program_test_run_opts {
	size_t sz;
	const void *data_in;     /* packet or input data */
	uint32_t data_size_in;
	void *data_out;          /* buffer for the output data, may be NULL */
	uint32_t data_size_out;  /* in: buffer size; out: bytes the program produced */
	const void *ctx_in;
	uint32_t ctx_size_in;
	void *ctx_out;
	uint32_t ctx_size_out;   /* in: buffer size; out: bytes written */
	uint32_t repeat;         /* run this many times (0 = once) */
	uint32_t flags;          /* BPF_F_TEST_* */
	uint32_t cpu;            /* with BPF_F_TEST_RUN_ON_CPU */
	uint32_t retval;         /* out: the program's return value */
	uint32_t duration;       /* out: mean run time in ns */
};

/**
 * ebpfmini_program_test_run() - run the loaded program once (or repeat times)
 * on the given input in the kernel (BPF_PROG_TEST_RUN); the out fields of
 * opts are filled in. opts may be NULL (no input).
 * Return: 0, -EINVAL (NULL prog, bad opts sz), -EBUSY (not loaded), or the
 * kernel's errno (e.g. -ENOTSUPP (524) for a type without test_run).
 */
int ebpfmini_program_test_run(struct ebpfmini_program *prog,
			      struct ebpfmini_program_test_run_opts *opts);

/**
 * ebpfmini_program_disasm() - ebpfmini_insn_dump() of a program of an object,
 * with the names the object knows. Before load: the program's own
 * instructions as the ELF file holds them, each map reference by map name
 * (`r1 = map[events]`, `r1 = map[.rodata][0]+16`), calls of subprograms by
 * function name (`call pc+5#helper_fn`), kfuncs and ksyms by extern name,
 * with a label at each function. After load: the instructions sent to the
 * kernel (subprograms appended), maps by kernel id (`r1 = map[id:5]`).
 * Helpers are named as by ebpfmini_insn_format(). opts may be NULL; its
 * opcode field is used, and its name and label callbacks, when set, are asked
 * before the object's names.
 * Return: as ebpfmini_insn_dump(); -EINVAL also for a NULL prog, -ENOENT when
 * the program has no instructions.
 */
int ebpfmini_program_disasm(const struct ebpfmini_program *prog,
			    const struct ebpfmini_insn_fmt_opts *opts, char **text);

/*
 * Programs already in the kernel as handles that the program functions take
 * (test_run, the attach functions of link.h, pin, info). Their section name
 * is "" (so ebpfmini_program_attach() does not know where to attach them);
 * free them with ebpfmini_program_close().
 */
/**
 * ebpfmini_program_open_id() - open the program with kernel id id
 * (BPF_PROG_GET_FD_BY_ID); its name and type come from the kernel.
 * Return: 0, -EINVAL (NULL out, or the id is not a program), -ENOENT (no such
 * program), -EPERM (needs CAP_SYS_ADMIN), -ENOMEM, or the kernel's errno. Logged.
 */
int ebpfmini_program_open_id(uint32_t id, struct ebpfmini_program **out);
/**
 * ebpfmini_program_open_pinned() - open the program pinned at path (BPF_OBJ_GET).
 * Return: 0, -EINVAL (NULL path or out, or what is pinned there is not a
 * program), -ENOENT (nothing pinned there), -ENOMEM, or the kernel's errno.
 */
int ebpfmini_program_open_pinned(const char *path, struct ebpfmini_program **out);
/** ebpfmini_program_close() - close a program from ebpfmini_program_open_id() or
 *  _open_pinned() and free it. NULL, and a program of an object, are no-ops. */
void ebpfmini_program_close(struct ebpfmini_program *prog);

/** What the kernel says about a loaded program: ebpfmini_program_info(). */
struct ebpfmini_program_info {
	size_t sz;               /* sizeof(struct ebpfmini_program_info), set by the caller */
	char name[16];           /* the kernel's name (BPF_OBJ_NAME_LEN) */
	uint8_t tag[8];          /* hash of the instructions (BPF_TAG_SIZE) */
	uint32_t type;           /* enum bpf_prog_type */
	uint32_t id;
	uint32_t btf_id;         /* the program's BTF object, 0 without */
	uint32_t verified_insns; /* instructions the verifier processed (5.16+) */
	uint32_t nr_map_ids;     /* maps it uses: ebpfmini_program_map_ids() */
	uint32_t xlated_len;     /* bytes of translated instructions */
	uint32_t jited_len;      /* bytes of JITed code */
	uint32_t created_by_uid;
	uint32_t gpl_compatible; /* 1 when its license is GPL-compatible */
	uint64_t load_time_ns;   /* CLOCK_BOOTTIME of the load, in ns */
	uint64_t run_cnt;        /* runs and their total time, counted while */
	uint64_t run_time_ns;    /*   ebpfmini_sys_enable_stats() (or the sysctl) is on */
};
/**
 * ebpfmini_program_info() - fill info (up to info->sz bytes) from
 * BPF_OBJ_GET_INFO_BY_FD.
 * Return: 0, -EINVAL (NULL prog or info, info->sz too small), -EBUSY (not
 * loaded), or the kernel's errno.
 */
int ebpfmini_program_info(const struct ebpfmini_program *prog,
			  struct ebpfmini_program_info *info);
/**
 * ebpfmini_program_map_ids() - the kernel ids of the maps the program uses,
 * at most n of them into ids.
 * Return: how many maps it uses (more than n: call again with a larger
 * array), -EINVAL (NULL prog, NULL ids with n > 0), -EBUSY (not loaded), or
 * the kernel's errno.
 */
int ebpfmini_program_map_ids(const struct ebpfmini_program *prog, uint32_t *ids, size_t n);
/**
 * ebpfmini_program_xlated_insns() - the program as the kernel translated it
 * (struct bpf_insn, 8 bytes each; map fds replaced by addresses), at most size
 * bytes into buf (NULL with size 0: just the size).
 * Return: its size in bytes (more than size: call again with a larger
 * buffer; 0 when the kernel hides it: kernel.kptr_restrict), -EINVAL, -EBUSY
 * (not loaded), or the kernel's errno.
 */
int ebpfmini_program_xlated_insns(const struct ebpfmini_program *prog, void *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* EBPFMINI_PROGRAM_H */
