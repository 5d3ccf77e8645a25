/* secdef.h - the one SEC("...") table: program type, attach type, load target and auto-attach per section name (L2 obj, pure) */
#ifndef EBPFMINI_SECDEF_H
#define EBPFMINI_SECDEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What load resolves a program's attach target ("do_unlinkat" in
 * "fentry/do_unlinkat") to: the kernel BTF id the program is loaded against
 * (attach_btf_id). It depends on the program type and expected attach type
 * only, which the table's rows give (em_secdef_btf_target()). FUNC and PROG
 * targets may instead be a function of a loaded BPF program given before
 * load (ebpfmini_program_set_attach_target()).
 */
enum em_btf_target {
	EM_BTF_TARGET_NONE,   /* the program is loaded without attach_btf_id */
	EM_BTF_TARGET_FUNC,   /* kernel FUNC "<target>": fentry, fexit, fmod_ret */
	EM_BTF_TARGET_RAW_TP, /* kernel TYPEDEF "btf_trace_<target>": tp_btf */
	EM_BTF_TARGET_LSM,    /* kernel FUNC "bpf_lsm_<target>": lsm, lsm_cgroup */
	EM_BTF_TARGET_ITER,   /* kernel FUNC "bpf_iter_<target>": iter */
	EM_BTF_TARGET_PROG,   /* a global function of a loaded BPF program: freplace (the program
			       * given by ebpfmini_program_set_attach_target()) */
};

/*
 * What ebpfmini_program_attach() does with the section: which attach
 * function of link/ takes the target (link.c maps each kind to its function,
 * in one array). EM_ATTACH_NONE: the name does not say where to attach (xdp,
 * cgroup/..., socket, ...): the caller uses the attach function of the hook.
 */
enum em_attach_kind {
	EM_ATTACH_NONE,
	EM_ATTACH_TRACEPOINT,     /* tp/<category>/<name>, tracepoint/... */
	EM_ATTACH_RAW_TRACEPOINT, /* raw_tp[.w]/<name>, raw_tracepoint[.w]/<name> */
	EM_ATTACH_TRACE,          /* tp_btf, fentry, fexit, fmod_ret, lsm, freplace: target
				   * resolved at load */
	EM_ATTACH_KPROBE,         /* kprobe/<function>[+<offset>] */
	EM_ATTACH_KRETPROBE,      /* kretprobe/<function> */
	EM_ATTACH_KSYSCALL,       /* ksyscall/<syscall> */
	EM_ATTACH_KRETSYSCALL,    /* kretsyscall/<syscall> */
	EM_ATTACH_UPROBE,         /* uprobe/<path>:<symbol>[+<offset>] */
	EM_ATTACH_URETPROBE,      /* uretprobe/<path>:<symbol> */
	EM_ATTACH_USDT,           /* usdt/<path>:<provider>:<name> */
	EM_ATTACH_ITER,           /* iter/<name>: target resolved at load */
	EM_ATTACH_NETNS,          /* sk_lookup, flow_dissector: the caller's network namespace */
	EM_ATTACH_KPROBE_MULTI,   /* kprobe.multi/<glob>, kprobe.session/<glob> */
	EM_ATTACH_KRETPROBE_MULTI, /* kretprobe.multi/<glob> */
	EM_ATTACH_UPROBE_MULTI,   /* uprobe.multi/<path>:<glob>, uprobe.session/... (and ".s") */
	EM_ATTACH_URETPROBE_MULTI, /* uretprobe.multi/<path>:<glob> (and ".s") */
	EM_ATTACH_KIND_COUNT
};

/* One row of the table (secdef.c). */
struct em_secdef {
	const char *prefix;         /* "tp", "xdp", "cgroup/connect4", ... */
	uint32_t prog_type;
	uint32_t expected_attach_type;
	uint32_t prog_flags;        /* BPF_F_SLEEPABLE (".s"), BPF_F_XDP_HAS_FRAGS (".frags") */
	bool takes_target;          /* the name may go on with "/<target>" ("kprobe/do_sys_open");
				     * otherwise it must equal prefix ("xdp", "cgroup/connect4") */
	enum em_btf_target btf_target;
	enum em_attach_kind attach;
};

/*
 * em_secdef_find() - the row of section name sec_name (first match in table
 * order, so the longer names come first), or NULL when none fits. With
 * attach_target non-NULL, *attach_target is set to the part after
 * "<prefix>/" (pointing into sec_name), or NULL when nothing follows.
 */
const struct em_secdef *em_secdef_find(const char *sec_name, const char **attach_target);

/*
 * em_secdef_btf_target() - how load resolves the attach target of a program of
 * this type and expected attach type (the first row that has both; every row
 * with the same pair says the same). EM_BTF_TARGET_NONE when no row has them.
 * Programs whose type the caller changed after open are covered too.
 */
enum em_btf_target em_secdef_btf_target(uint32_t prog_type, uint32_t expected_attach_type);

/*
 * em_secdef_btf_name() - the prefix of the kernel BTF name a target of kind
 * t is looked up by ("btf_trace_", "bpf_lsm_", "bpf_iter_", "") and the BTF
 * kind of that name in *btf_kind; NULL for EM_BTF_TARGET_NONE and _PROG.
 */
const char *em_secdef_btf_name(enum em_btf_target t, int *btf_kind);

/* em_secdef_count(), em_secdef_at() - the rows, in match order (for tests and tools). */
size_t em_secdef_count(void);
const struct em_secdef *em_secdef_at(size_t i);

#endif /* EBPFMINI_SECDEF_H */
