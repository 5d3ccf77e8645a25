/* auto_attach.c - auto-attach by SEC name: the attach function of each kind of the section table; above every attach_*.c (L4 link) */
#include <string.h>

#include "ebpfmini/link.h"

#include "internal.h"
#include "link.h"
#include "objapi.h"
#include "secdef.h"

/* ---- auto-attach by SEC name ------------------------------------------------- */

/*
 * The attach function of each auto-attach kind of the section table
 * (obj/secdef.c says which kind a SEC name is; this is the one place that
 * maps kinds to code). Each takes its kind and the rest of the SEC name
 * ("cat/name" for "tp/cat/name").
 */
static const em_auto_attach_fn auto_attach_fns[] = {
	[EM_ATTACH_NONE] = NULL,
	[EM_ATTACH_TRACEPOINT] = em_attach_tracepoint_auto,
	[EM_ATTACH_RAW_TRACEPOINT] = em_attach_trace_auto,
	[EM_ATTACH_TRACE] = em_attach_trace_auto,
	[EM_ATTACH_KPROBE] = em_attach_kprobe_auto,
	[EM_ATTACH_KRETPROBE] = em_attach_kprobe_auto,
	[EM_ATTACH_KSYSCALL] = em_attach_kprobe_auto,
	[EM_ATTACH_KRETSYSCALL] = em_attach_kprobe_auto,
	[EM_ATTACH_UPROBE] = em_attach_uprobe_auto,
	[EM_ATTACH_URETPROBE] = em_attach_uprobe_auto,
	[EM_ATTACH_USDT] = em_attach_usdt_auto,
	[EM_ATTACH_ITER] = em_attach_iter_auto,
	[EM_ATTACH_NETNS] = em_attach_net_auto,
	[EM_ATTACH_KPROBE_MULTI] = em_attach_multi_auto,
	[EM_ATTACH_KRETPROBE_MULTI] = em_attach_multi_auto,
	[EM_ATTACH_UPROBE_MULTI] = em_attach_multi_auto,
	[EM_ATTACH_URETPROBE_MULTI] = em_attach_multi_auto,
};
_Static_assert(EM_ARRAY_SIZE(auto_attach_fns) == EM_ATTACH_KIND_COUNT,
	       "every auto-attach kind of secdef.h needs its attach function here");

em_auto_attach_fn em_link_auto_attach_fn(enum em_attach_kind kind)
{
	return (unsigned)kind < EM_ARRAY_SIZE(auto_attach_fns) ? auto_attach_fns[kind] : NULL;
}

/*
 * The attach function for SEC sec and, in *target, what it attaches to (""
 * when the name ends in '/'), or NULL when the name does not say where to
 * attach: no auto-attach kind, or a name that could take a target but has
 * none ("kprobe"). func, when not NULL, is the function that
 * ebpfmini_program_set_attach_target() named: then a bare "fentry",
 * "freplace", ... is attachable (its target was resolved at load).
 */
static em_auto_attach_fn auto_attach_of(const char *sec, const char *func, const char **target,
					enum em_attach_kind *kind)
{
	const struct em_secdef *d = em_secdef_find(sec, target);

	if (!d)
		return NULL;
	if (d->attach == EM_ATTACH_TRACE && func)
		*target = func;
	else if (d->takes_target && sec[strlen(d->prefix)] != '/')
		return NULL;
	if (!*target)
		*target = "";
	*kind = d->attach;
	return em_link_auto_attach_fn(d->attach);
}

bool em_link_auto_attachable(const char *sec)
{
	enum em_attach_kind kind;
	const char *target;

	return auto_attach_of(sec, NULL, &target, &kind) != NULL;
}

bool em_link_prog_attachable(const struct ebpfmini_program *prog)
{
	enum em_attach_kind kind;
	const char *target;

	return auto_attach_of(ebpfmini_program_section(prog), em_prog_state(prog)->target_func,
			      &target, &kind) != NULL;
}

EM_EXPORT int ebpfmini_program_attach(struct ebpfmini_program *prog, struct ebpfmini_link **out)
{
	enum em_attach_kind kind;
	em_auto_attach_fn fn;
	const char *sec, *target;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog)
		return -EINVAL;
	sec = ebpfmini_program_section(prog);
	fn = auto_attach_of(sec, em_prog_state(prog)->target_func, &target, &kind);
	if (fn) {
		uint64_t t = em_report_now();
		int err = fn(prog, kind, target, out);
		struct ebpfmini_load_step *s =
			em_report_add(em_object_of(prog->obj), EBPFMINI_STEP_ATTACH, t, err, "prog",
				      prog->name, "%s %s%s%s", err ? "attach:" : "attached to",
				      target && *target ? target : sec, err ? ": " : "",
				      err ? strerror(-err) : "");

		if (s && *out)
			s->id = ebpfmini_link_id(*out);
		return err;
	}
	if (ebpfmini_program_type(prog) == BPF_PROG_TYPE_STRUCT_OPS)
		em_err("prog '%s': attach: a struct_ops program runs once the struct_ops map that "
		       "names it is registered: ebpfmini_map_attach_struct_ops()",
		       ebpfmini_program_name(prog));
	else
		em_err("prog '%s': attach: SEC '%s' does not say where to attach: use the attach "
		       "function of its hook with an explicit target",
		       ebpfmini_program_name(prog), sec);
	return -EOPNOTSUPP;
}
