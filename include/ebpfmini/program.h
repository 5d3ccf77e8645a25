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

/** ebpfmini_program_name() - the program's function name. Never NULL. */
const char *ebpfmini_program_name(const struct ebpfmini_program *prog);
/** ebpfmini_program_section() - the ELF section (SEC name) it came from. Never NULL. */
const char *ebpfmini_program_section(const struct ebpfmini_program *prog);
/** ebpfmini_program_object() - the object that owns the program. */
struct ebpfmini_object *ebpfmini_program_object(const struct ebpfmini_program *prog);
/** ebpfmini_program_fd() - the program fd: >= 3 after load, -EBUSY before load or when not loaded. */
int ebpfmini_program_fd(const struct ebpfmini_program *prog);

/** ebpfmini_program_type() - enum bpf_prog_type, guessed from the SEC name at open. */
uint32_t ebpfmini_program_type(const struct ebpfmini_program *prog);
/** ebpfmini_program_set_type() - override the program type. Return: 0, -EBUSY after load. */
int ebpfmini_program_set_type(struct ebpfmini_program *prog, uint32_t type);
/** ebpfmini_program_expected_attach_type() - enum bpf_attach_type passed at load. */
uint32_t ebpfmini_program_expected_attach_type(const struct ebpfmini_program *prog);
/** ebpfmini_program_set_expected_attach_type() - Return: 0, -EBUSY after load. */
int ebpfmini_program_set_expected_attach_type(struct ebpfmini_program *prog, uint32_t type);
/** ebpfmini_program_autoload() - whether ebpfmini_object_load() loads this program. */
bool ebpfmini_program_autoload(const struct ebpfmini_program *prog);
/** ebpfmini_program_set_autoload() - Return: 0, -EBUSY after load. */
int ebpfmini_program_set_autoload(struct ebpfmini_program *prog, bool autoload);

/**
 * ebpfmini_program_set_log_level() - verifier log level for the load (0: a log
 * is requested only to explain a failure; 1 or 2: always, with that level).
 * Return: 0, -EINVAL (level > 2 and not a flag combination the kernel knows), -EBUSY after load.
 */
int ebpfmini_program_set_log_level(struct ebpfmini_program *prog, uint32_t level);

/** ebpfmini_program_insn_count() - instructions (struct bpf_insn, 8 bytes each),
 *  subprograms included, after relocation once loaded. */
size_t ebpfmini_program_insn_count(const struct ebpfmini_program *prog);
/** ebpfmini_program_insns() - the instructions (struct bpf_insn array). */
const void *ebpfmini_program_insns(const struct ebpfmini_program *prog);

/**
 * ebpfmini_program_log() - the verifier log of the last load attempt, or NULL
 * when none was kept. Owned by the program.
 */
const char *ebpfmini_program_log(const struct ebpfmini_program *prog);

/** ebpfmini_program_id() - kernel id after load (OBJ_GET_INFO_BY_FD), or 0. */
uint32_t ebpfmini_program_id(const struct ebpfmini_program *prog);

/**
 * ebpfmini_program_pin() - pin the loaded program at path (on bpffs; missing
 * parent directories under a bpffs mount are created).
 * Return: 0, -EBUSY (not loaded), -EINVAL, -ENOTDIR... and the kernel's errno;
 * a path outside bpffs gives -EINVAL with the mount hint in the log.
 */
int ebpfmini_program_pin(struct ebpfmini_program *prog, const char *path);
/** ebpfmini_program_unpin() - remove the pin at path. Return: 0 or -errno of unlink. */
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
 * on the given input in the kernel. Return: 0, -EBUSY (not loaded), -EINVAL,
 * or the kernel's errno (e.g. -ENOTSUPP for a type without test_run).
 */
int ebpfmini_program_test_run(struct ebpfmini_program *prog,
			      struct ebpfmini_program_test_run_opts *opts);

#ifdef __cplusplus
}
#endif

#endif /* EBPFMINI_PROGRAM_H */
