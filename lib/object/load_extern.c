/* load_extern.c - the load phase that asks BTF by name: ksym and kfunc externs, attach targets in kernel BTF or a target program's (L4 object) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "internal.h"
#include "kernel.h"
#include "ksym.h"
#include "objapi.h"
#include "secdef.h"

/*
 * Helper id written into a call of a __weak kfunc the kernel lacks: no helper
 * has it, so the verifier fails with "invalid func unknown#<id>" only if that
 * call is reached (code guarded by bpf_ksym_exists() is not). The extern's
 * index is added, so the id names the extern.
 */
#define KFUNC_POISON_BASE 0xbad3000

/* What the load asks: one query per kernel-symbol extern and per BTF attach target. */
struct resolve {
	struct ebpfmini_object *obj;
	struct em_kbtf_query *q;
	size_t nq;
	int *ext_q;  /* per extern: its query, or -1 */
	int *prog_q; /* per program: its query, or -1 */
	char **owned; /* names built here ("btf_trace_<tp>"), one per program */
};

/* ---- externs ---------------------------------------------------------------------------- */

/* How the code uses each extern: called (a kfunc) and/or loaded (ld_imm64). */
static void extern_uses(const struct ebpfmini_object *obj, bool *called, bool *loaded)
{
	for (size_t c = 0; c < obj->model.ncode; c++) {
		const struct em_code_sec *sec = &obj->model.code[c];

		for (size_t r = 0; r < sec->nrelos; r++) {
			const struct em_reloc *relo = &sec->relos[r];

			if (relo->kind != EM_RELO_EXTERN || relo->ext_idx < 0 ||
			    (size_t)relo->ext_idx >= obj->model.nexterns)
				continue;
			if (em_insn_is_call(&sec->insns[relo->insn_idx]))
				called[relo->ext_idx] = true;
			else
				loaded[relo->ext_idx] = true;
		}
	}
}

static const char *kind_word(int kind)
{
	return kind == BTF_KIND_FUNC ? "function" : kind == BTF_KIND_VAR ? "variable" : "type";
}

/* Essential names of two named types are equal. */
static bool same_name(const struct ebpfmini_btf *lb, const struct btf_type *l,
		      const struct ebpfmini_btf *tb, const struct btf_type *t)
{
	const char *ln = em_btf_type_name(lb, l), *tn = em_btf_type_name(tb, t);
	size_t ll = em_core_essential_len(ln), tl = em_core_essential_len(tn);

	return ll && ll == tl && memcmp(ln, tn, ll) == 0;
}

/*
 * Whether a declaration in the object fits the kernel's type: CO-RE's loose
 * compatibility, plus what declarations written without vmlinux.h need: a
 * struct the object only declares (`struct task_struct;`) fits the kernel's
 * struct of that name, and for prototypes a pointer fits any pointer.
 */
static int decl_compat(const struct ebpfmini_btf *lb, uint32_t lid, const struct ebpfmini_btf *tb,
		       uint32_t tid, int depth)
{
	const struct btf_type *l, *t;
	int li, ti, r;

	r = em_core_types_compat(lb, lid, tb, tid);
	if (r != 0)
		return r;
	li = em_btf_skip_mods(lb, lid);
	ti = em_btf_skip_mods(tb, tid);
	if (li < 0 || ti < 0)
		return -EBADMSG;
	l = em_btf_type(lb, (uint32_t)li);
	t = em_btf_type(tb, (uint32_t)ti);
	if (!l || !t)
		return 0;
	if (em_btf_kind(l) == BTF_KIND_FWD)
		return (em_btf_kind(t) == BTF_KIND_STRUCT || em_btf_kind(t) == BTF_KIND_UNION ||
			em_btf_kind(t) == BTF_KIND_FWD) &&
		       same_name(lb, l, tb, t);
	if (em_btf_kind(l) == BTF_KIND_PTR && em_btf_kind(t) == BTF_KIND_PTR)
		return depth > 0; /* inside a prototype */
	if (em_btf_kind(l) == BTF_KIND_FUNC_PROTO && em_btf_kind(t) == BTF_KIND_FUNC_PROTO &&
	    em_btf_vlen(l) == em_btf_vlen(t) && depth == 0) {
		const struct btf_param *lp = em_btf_tail(l), *tp = em_btf_tail(t);

		for (uint16_t i = 0; i < em_btf_vlen(l); i++) {
			r = decl_compat(lb, lp[i].type, tb, tp[i].type, 1);
			if (r <= 0)
				return r;
		}
		if (!l->type || !t->type) /* void return */
			return l->type == t->type;
		return decl_compat(lb, l->type, tb, t->type, 1);
	}
	return 0;
}

/* The kernel's FUNC or VAR fits the extern's declaration (when the object has BTF for it). */
static int check_decl(const struct ebpfmini_object *obj, const struct em_extern *e,
		      const struct em_kbtf_query *q)
{
	const struct btf_type *kt = em_btf_type(q->btf, q->id);
	uint32_t ktype;
	int r;

	if (!obj->model.btf || !e->btf_id || !e->type_id || !kt)
		return 0;
	ktype = kt->type; /* a FUNC's prototype, a VAR's type */
	r = decl_compat(obj->model.btf, e->type_id, q->btf, ktype, 0);
	if (r > 0)
		return 0;
	em_err("btf: extern '%s': the kernel's %s ([%u] in %s) does not match its declaration "
	       "(local type [%u])%s",
	       e->name, kind_word(q->kind), q->id, q->module, e->type_id,
	       r < 0 ? ": malformed BTF" : "");
	return r < 0 ? r : -EINVAL;
}

/* Queries for the externs; typeless ones are looked up in /proc/kallsyms instead. */
static int ask_externs(struct resolve *rs, const bool *called, const bool *loaded)
{
	struct ebpfmini_object *obj = rs->obj;

	for (size_t i = 0; i < obj->model.nexterns; i++) {
		struct em_extern *e = &obj->model.externs[i];

		rs->ext_q[i] = -1;
		if (e->is_kconfig || (!called[i] && !loaded[i]))
			continue;
		if (!e->btf_id) { /* no BTF for it: the instruction says what it is */
			e->is_func = called[i];
			e->is_typeless = !called[i];
		}
		if (called[i] && !e->is_func) {
			em_err("elf: extern '%s' is called but declared as a variable", e->name);
			return -EBADMSG;
		}
		if (e->is_typeless)
			continue;
		rs->ext_q[i] = (int)rs->nq;
		rs->q[rs->nq++] = (struct em_kbtf_query){
			.name = e->name,
			.kind = e->is_func ? BTF_KIND_FUNC : BTF_KIND_VAR,
		};
	}
	return 0;
}

/* Addresses of the typeless externs from /proc/kallsyms. */
static int resolve_typeless(struct ebpfmini_object *obj, const bool *called, const bool *loaded)
{
	struct em_kallsyms_query *q;
	size_t *which, n = 0, bad = SIZE_MAX;
	bool hidden = false;
	int err = 0;

	q = em_calloc(obj->model.nexterns, sizeof(*q));
	which = em_calloc(obj->model.nexterns, sizeof(*which));
	if (!q || !which) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < obj->model.nexterns; i++) {
		const struct em_extern *e = &obj->model.externs[i];

		if (!e->is_kconfig && e->is_typeless && (called[i] || loaded[i])) {
			q[n].name = e->name;
			which[n++] = i;
		}
	}
	err = em_kallsyms_lookup(q, n, &hidden, &bad);
	if (err == -EINVAL && bad < n)
		em_err("btf: extern '%s': two different addresses in " EM_KALLSYMS ": ambiguous",
		       q[bad].name);
	else if (err)
		em_err("btf: read " EM_KALLSYMS " for typeless ksyms: %s", strerror(-err));
	for (size_t k = 0; !err && k < n; k++) {
		const struct em_extern *e = &obj->model.externs[which[k]];
		struct em_extern_state *es = &obj->ext_state[which[k]];

		es->addr = q[k].addr;
		es->found = q[k].found && !hidden;
		if (q[k].found && hidden) {
			em_err("btf: extern '%s': " EM_KALLSYMS " lists it but kptr_restrict hides "
			       "addresses (every address shows as 0: kernel.kptr_restrict, or no "
			       "CAP_SYSLOG)",
			       e->name);
			err = -EPERM;
		} else if (!q[k].found && !e->is_weak) {
			em_err("btf: extern '%s': not in " EM_KALLSYMS " (mark it __weak to run "
			       "without it)",
			       e->name);
			err = -ENOENT;
		}
	}
out:
	free(q);
	free(which);
	return err;
}

/* Slot of a module BTF fd in fd_array (kfunc calls name their module by slot); 0 is vmlinux. */
static int fd_slot(int **fd_array, size_t *cnt, int fd, uint32_t *slot)
{
	int *arr;

	for (size_t i = 1; i < *cnt; i++) {
		if ((*fd_array)[i] == fd) {
			*slot = (uint32_t)i;
			return 0;
		}
	}
	if (*cnt >= INT16_MAX) /* the call's off field holds the slot */
		return -E2BIG;
	arr = em_reallocarray(*fd_array, *cnt ? *cnt + 1 : 2, sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	if (!*cnt)
		arr[(*cnt)++] = 0; /* slot 0 stands for vmlinux and is never read */
	arr[*cnt] = fd;
	*slot = (uint32_t)*cnt;
	(*cnt)++;
	*fd_array = arr;
	return 0;
}

/* Take the answers for the externs: found, weak and missing, or an error. */
static int take_externs(struct resolve *rs, int **fd_array, size_t *fd_cnt)
{
	struct ebpfmini_object *obj = rs->obj;

	for (size_t i = 0; i < obj->model.nexterns; i++) {
		const struct em_extern *e = &obj->model.externs[i];
		struct em_extern_state *es = &obj->ext_state[i];
		const struct em_kbtf_query *q;
		int err;

		if (rs->ext_q[i] < 0)
			continue;
		q = &rs->q[rs->ext_q[i]];
		es->found = q->id != 0;
		es->kernel_btf_id = q->id;
		es->kernel_btf_fd = q->btf_fd;
		es->fd_array_idx = 0;
		if (!es->found) {
			if (e->is_weak) {
				em_info("btf: extern '%s': the kernel has no such %s: __weak, so it "
					"is 0%s",
					e->name, kind_word(q->kind),
					e->is_func ? " and its calls must be dead code" : "");
				continue;
			}
			em_err("btf: extern '%s': the kernel has no %s of that name in its BTF "
			       "(vmlinux%s)%s",
			       e->name, kind_word(q->kind),
			       rs->obj->model.btf_custom_path ? ", from the given BTF file" :
								" and modules",
			       " (mark it __weak to run without it)");
			return -ENOENT;
		}
		err = check_decl(obj, e, q);
		if (err)
			return err;
		if (e->is_func && q->btf_fd > 0) {
			err = fd_slot(fd_array, fd_cnt, q->btf_fd, &es->fd_array_idx);
			if (err)
				return err;
		}
		em_debug("btf: extern '%s': %s [%u] in %s", e->name, kind_word(q->kind), q->id,
			 q->module);
	}
	return 0;
}

/* Write every extern's value into the instructions that use it. */
static void patch_externs(struct ebpfmini_object *obj)
{
	for (size_t c = 0; c < obj->model.ncode; c++) {
		struct em_code_sec *sec = &obj->model.code[c];

		for (size_t r = 0; r < sec->nrelos; r++) {
			const struct em_reloc *relo = &sec->relos[r];
			struct bpf_insn *insn = &sec->insns[relo->insn_idx];
			struct em_extern_state *es;

			if (relo->kind != EM_RELO_EXTERN || relo->ext_idx < 0 ||
			    (size_t)relo->ext_idx >= obj->model.nexterns)
				continue;
			es = &obj->ext_state[relo->ext_idx];
			if (em_insn_is_call(insn)) {
				insn->src_reg = es->found ? BPF_PSEUDO_KFUNC_CALL : 0;
				insn->off = (int16_t)es->fd_array_idx;
				insn->imm = es->found ? (int32_t)es->kernel_btf_id :
							KFUNC_POISON_BASE + relo->ext_idx;
			} else if (es->found && !obj->model.externs[relo->ext_idx].is_typeless) {
				/* the verifier takes a kernel type: a VAR (typed ksym) or a FUNC */
				insn[0].src_reg = BPF_PSEUDO_BTF_ID;
				insn[0].imm = (int32_t)es->kernel_btf_id;
				insn[1].imm = es->kernel_btf_fd;
			} else { /* an address, or 0 for a missing weak one */
				insn[0].src_reg = 0;
				insn[0].imm = (int32_t)(uint32_t)es->addr;
				insn[1].imm = (int32_t)(uint32_t)(es->addr >> 32);
			}
			es->resolved = true;
		}
	}
}

/* ---- attach targets: in kernel BTF, or in a loaded program's ------------------------------ */

/* The function given to ebpfmini_program_set_attach_target(), else the SEC name's target. */
static const char *target_name(const struct ebpfmini_object *obj, size_t i)
{
	const char *func = obj->prog_state[i].target_func;

	return func ? func : obj->model.progs[i].attach_target;
}

/*
 * A target in a loaded BPF program (ebpfmini_program_set_attach_target()):
 * freplace, fentry, fexit, fmod_ret. Its BTF id comes from that program's
 * BTF, not the kernel's.
 */
static int prog_target(struct ebpfmini_object *obj, size_t i, enum em_btf_target t)
{
	struct ebpfmini_program *prog = &obj->model.progs[i];
	struct em_prog_state *ps = &obj->prog_state[i];
	const char *func = target_name(obj, i);
	char subject[320];

	if (t != EM_BTF_TARGET_FUNC && t != EM_BTF_TARGET_PROG) {
		em_err("prog '%s': section '%s': a target program was given, but only freplace, "
		       "fentry, fexit and fmod_ret programs attach to a function of a BPF program",
		       prog->name, prog->sec_name);
		return -EINVAL;
	}
	if (!func || !*func) {
		em_err("prog '%s': section '%s' names no function of the target program (write "
		       "SEC(\"%s/<function>\") or name it in ebpfmini_program_set_attach_target())",
		       prog->name, prog->sec_name, prog->sec_name);
		return -EINVAL;
	}
	snprintf(subject, sizeof(subject), "prog '%s': attach target '%s'", prog->name, func);
	return em_btf_prog_find(ps->target_prog_fd, func, t == EM_BTF_TARGET_PROG, subject,
				&ps->attach_btf_id);
}

static int ask_targets(struct resolve *rs)
{
	struct ebpfmini_object *obj = rs->obj;

	for (size_t i = 0; i < obj->model.nprogs; i++) {
		struct ebpfmini_program *prog = &obj->model.progs[i];
		const char *prefix, *target = target_name(obj, i);
		enum em_btf_target t;
		int kind, err;

		rs->prog_q[i] = -1;
		if (!prog->autoload || obj->prog_state[i].attach_btf_id)
			continue;
		t = em_secdef_btf_target(prog->type, prog->expected_attach_type);
		if (obj->prog_state[i].target_prog_fd > 0) {
			err = prog_target(obj, i, t);
			if (err)
				return err;
			continue;
		}
		if (t == EM_BTF_TARGET_PROG) {
			em_err("prog '%s': section '%s': freplace replaces a function of a loaded BPF "
			       "program: give that program (and the function, when the SEC name "
			       "has none) with ebpfmini_program_set_attach_target() before load",
			       prog->name, prog->sec_name);
			return -EINVAL;
		}
		prefix = em_secdef_btf_name(t, &kind);
		if (!prefix && obj->prog_state[i].target_func) {
			em_err("prog '%s': section '%s': an attach target '%s' was set, but programs "
			       "of this section attach to no kernel function",
			       prog->name, prog->sec_name, target);
			return -EINVAL;
		}
		if (!prefix)
			continue;
		if (!target || !*target) {
			em_err("prog '%s': section '%s' names no attach target (write "
			       "SEC(\"%s/<name>\") or name it in "
			       "ebpfmini_program_set_attach_target())",
			       prog->name, prog->sec_name, prog->sec_name);
			return -EINVAL;
		}
		rs->owned[i] = malloc(strlen(prefix) + strlen(target) + 1);
		if (!rs->owned[i])
			return -ENOMEM;
		strcpy(rs->owned[i], prefix);
		strcat(rs->owned[i], target);
		rs->prog_q[i] = (int)rs->nq;
		rs->q[rs->nq++] = (struct em_kbtf_query){ .name = rs->owned[i], .kind = kind };
	}
	return 0;
}

static int take_targets(struct resolve *rs)
{
	struct ebpfmini_object *obj = rs->obj;

	for (size_t i = 0; i < obj->model.nprogs; i++) {
		struct ebpfmini_program *prog = &obj->model.progs[i];
		const struct em_kbtf_query *q;

		if (rs->prog_q[i] < 0)
			continue;
		q = &rs->q[rs->prog_q[i]];
		if (!q->id) {
			em_err("prog '%s': attach target '%s': the kernel has no %s '%s' in its BTF "
			       "(vmlinux%s)",
			       prog->name, target_name(obj, i),
			       q->kind == BTF_KIND_TYPEDEF ? "tracepoint type" : "function",
			       q->name,
			       obj->model.btf_custom_path ? ", from the given BTF file" :
							    " and modules");
			return -ENOENT;
		}
		obj->prog_state[i].attach_btf_id = q->id;
		obj->prog_state[i].attach_btf_obj_fd = q->btf_fd;
		snprintf(obj->prog_state[i].attach_btf_name,
			 sizeof(obj->prog_state[i].attach_btf_name), "%s",
			 q->module ? q->module : "vmlinux");
		em_debug("prog '%s': attach target %s [%u] in %s", prog->name, q->name, q->id,
			 q->module);
	}
	return 0;
}

/* ---- the phase -------------------------------------------------------------------------- */

int em_load_extern_resolve(struct ebpfmini_object *obj, struct em_ksym_ctx *kc, int **fd_array)
{
	struct resolve rs = { .obj = obj };
	bool *called = NULL, *loaded = NULL, any = false;
	size_t fd_cnt = 0;
	int err = -ENOMEM;

	*fd_array = NULL;
	for (size_t i = 0; i < obj->model.nexterns && !any; i++)
		any = !obj->model.externs[i].is_kconfig;
	for (size_t i = 0; i < obj->model.nprogs && !any; i++) {
		const struct ebpfmini_program *p = &obj->model.progs[i];

		any = p->autoload &&
		      em_secdef_btf_target(p->type, p->expected_attach_type) != EM_BTF_TARGET_NONE;
	}
	if (!any)
		return 0; /* nothing to ask: kernel BTF is not even read */
	rs.q = em_calloc(obj->model.nexterns + obj->model.nprogs, sizeof(*rs.q));
	rs.ext_q = em_calloc(obj->model.nexterns + 1, sizeof(*rs.ext_q));
	rs.prog_q = em_calloc(obj->model.nprogs + 1, sizeof(*rs.prog_q));
	rs.owned = em_calloc(obj->model.nprogs + 1, sizeof(*rs.owned));
	called = em_calloc(obj->model.nexterns + 1, sizeof(*called));
	loaded = em_calloc(obj->model.nexterns + 1, sizeof(*loaded));
	if ((obj->model.nexterns + obj->model.nprogs && !rs.q) || !rs.ext_q || !rs.prog_q ||
	    !rs.owned || !called || !loaded)
		goto out;
	extern_uses(obj, called, loaded);
	err = ask_externs(&rs, called, loaded);
	if (!err)
		err = ask_targets(&rs);
	if (!err && rs.nq) {
		err = em_ksym_find(kc, rs.q, rs.nq);
		if (err)
			em_err("btf: cannot read kernel BTF to resolve %zu name%s: %s", rs.nq,
			       rs.nq == 1 ? "" : "s", strerror(-err));
	}
	if (!err)
		err = take_targets(&rs);
	if (!err)
		err = take_externs(&rs, fd_array, &fd_cnt);
	if (!err)
		err = resolve_typeless(obj, called, loaded);
	if (!err)
		patch_externs(obj);
out:
	for (size_t i = 0; rs.owned && i < obj->model.nprogs; i++)
		free(rs.owned[i]);
	free(rs.owned);
	free(rs.q);
	free(rs.ext_q);
	free(rs.prog_q);
	free(called);
	free(loaded);
	if (err) {
		free(*fd_array);
		*fd_array = NULL;
	}
	return err;
}
