/* attach_trace.c - raw tracepoints and BTF-typed tracing programs (tp_btf, fentry, fexit, fmod_ret, lsm, freplace) (L4 link) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpfmini/sys.h"
#include "internal.h"
#include "link.h"
#include "objapi.h"
#include "sys.h"

/* ---- raw tracepoints: raw_tp/<name> ------------------------------------------- */

EM_EXPORT int ebpfmini_program_attach_raw_tracepoint(struct ebpfmini_program *prog,
						     const char *name, struct ebpfmini_link **out)
{
	char subject[320], target[300];
	int prog_fd, fd;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog || !name)
		return -EINVAL;
	snprintf(subject, sizeof(subject), "prog '%s': attach raw tracepoint '%s'",
		 ebpfmini_program_name(prog), name);
	if (!*name || strlen(name) > 255) {
		em_err("%s: the tracepoint name is empty or too long", subject);
		return -EINVAL;
	}
	prog_fd = em_link_prog_fd(prog, subject);
	if (prog_fd < 0)
		return prog_fd;

	fd = ebpfmini_sys_raw_tracepoint_open(name, prog_fd);
	if (fd < 0) {
		if (fd == -ENOENT)
			em_err("%s: the kernel has no tracepoint of that name (see "
			       "/sys/kernel/tracing/available_events: the part after ':')",
			       subject);
		else
			em_err("%s: BPF_RAW_TRACEPOINT_OPEN: %s%s", subject, strerror(-fd),
			       fd == -EINVAL ? " (is it a raw_tp program? a raw_tp.w program "
					       "needs a writable tracepoint)" :
					       "");
		return fd;
	}
	snprintf(target, sizeof(target), "raw_tracepoint %s", name);
	return em_link_new(EM_LINK_BPF, fd, -1, target, out);
}

/* ---- tracing links: tp_btf, fentry, fexit, fmod_ret, lsm ----------------------- */

/* The attach types a tracing link takes; NULL for the rest. */
static const char *trace_kind(uint32_t prog_type, uint32_t attach_type)
{
	if (prog_type == BPF_PROG_TYPE_EXT)
		return "freplace";
	if (prog_type == BPF_PROG_TYPE_LSM)
		return attach_type == BPF_LSM_MAC ? "lsm" : NULL;
	if (prog_type != BPF_PROG_TYPE_TRACING)
		return NULL;
	switch (attach_type) {
	case BPF_TRACE_RAW_TP:
		return "tp_btf";
	case BPF_TRACE_FENTRY:
		return "fentry";
	case BPF_TRACE_FEXIT:
		return "fexit";
	case BPF_MODIFY_RETURN:
		return "fmod_ret";
	default:
		return NULL;
	}
}

EM_EXPORT int ebpfmini_program_attach_trace(struct ebpfmini_program *prog,
					    const struct ebpfmini_program_attach_trace_opts *opts,
					    struct ebpfmini_link **out)
{
	struct ebpfmini_sys_link_create_opts lopts = { .sz = sizeof(lopts) };
	const struct em_prog_state *ps;
	uint32_t type, attach_type;
	char subject[320], target[300];
	const char *kind;
	uint64_t cookie;
	int prog_fd, fd;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog)
		return -EINVAL;
	ps = em_prog_state(prog);
	snprintf(subject, sizeof(subject), "prog '%s': attach '%s'", ebpfmini_program_name(prog),
		 ebpfmini_program_section(prog));
	if (em_opts_check(opts, sizeof(*opts), subject))
		return -EINVAL;
	cookie = EM_OPT(opts, cookie, 0);
	type = ebpfmini_program_type(prog);
	attach_type = ebpfmini_program_expected_attach_type(prog);
	kind = trace_kind(type, attach_type);
	if (!kind) {
		em_err("%s: not a tp_btf, fentry, fexit, fmod_ret, lsm or freplace program (type %s, "
		       "attach type %s)%s",
		       subject, ebpfmini_sys_prog_type_name(type) ?: "?",
		       ebpfmini_sys_attach_type_name(attach_type) ?: "?",
		       attach_type == BPF_TRACE_ITER ? ": iterators attach with "
						       "ebpfmini_program_attach_iter()" :
						       "");
		return -EINVAL;
	}
	prog_fd = em_link_prog_fd(prog, subject);
	if (prog_fd < 0)
		return prog_fd;

	if (type == BPF_PROG_TYPE_EXT && cookie) {
		em_err("%s: freplace programs take no bpf cookie", subject);
		return -EINVAL;
	}
	/* 1. a tracing link: the attach point is the program's attach_btf_id (freplace:
	 * named again, in the target program the library keeps, so it can attach again) */
	lopts.tracing_cookie = cookie;
	if (type == BPF_PROG_TYPE_EXT && ps->target_prog_fd > 0 && ps->attach_btf_id)
		fd = em_sys_link_create_freplace(prog_fd, ps->target_prog_fd, ps->attach_btf_id);
	else
		fd = ebpfmini_sys_link_create(prog_fd, 0, attach_type, &lopts);
	if (fd < 0 && (fd == -EINVAL || fd == -EOPNOTSUPP || fd == -EM_ENOTSUPP)) {
		/* 2. kernels whose LINK_CREATE takes no tracing programs (or no
		 * tp_btf ones, before 6.10): RAW_TRACEPOINT_OPEN without a name */
		if (cookie) {
			em_err("%s: a bpf cookie needs a tracing link, which this kernel lacks (%s)",
			       subject, em_errno_name(-fd));
			return -EOPNOTSUPP;
		}
		em_debug("%s: BPF_LINK_CREATE: %s: trying BPF_RAW_TRACEPOINT_OPEN", subject,
			 em_errno_name(-fd));
		fd = ebpfmini_sys_raw_tracepoint_open(NULL, prog_fd);
	}
	if (fd < 0) {
		em_err("%s: %s%s", subject, strerror(-fd),
		       fd == -EPERM ? " (kernel lockdown forbids BPF trampolines?)" :
		       fd == -EBUSY ? " (another program is attached there exclusively? freplace "
				      "excludes fentry and fexit on the function it replaces)" :
				      "");
		return fd;
	}
	snprintf(target, sizeof(target), "%s %s", kind, em_link_sec_target(prog));
	return em_link_new(EM_LINK_BPF, fd, -1, target, out);
}

int em_attach_trace_auto(struct ebpfmini_program *prog, enum em_attach_kind kind,
			 const char *target, struct ebpfmini_link **out)
{
	if (kind == EM_ATTACH_TRACE) /* target resolved to attach_btf_id at load */
		return ebpfmini_program_attach_trace(prog, NULL, out);
	if (!*target || strchr(target, '/')) {
		em_err("prog '%s': attach: SEC '%s' is not raw_tp/<tracepoint>",
		       ebpfmini_program_name(prog), ebpfmini_program_section(prog));
		return -EINVAL;
	}
	return ebpfmini_program_attach_raw_tracepoint(prog, target, out);
}
