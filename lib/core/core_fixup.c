/* core_fixup.c - CO-RE patch: fixup lists applied to code, and printed (L2 transform, pure) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "core.h"
#include "internal.h"

void em_core_fixups_free(struct em_core_fixups *fx)
{
	if (!fx)
		return;
	for (size_t i = 0; i < fx->n; i++)
		free(fx->v[i].what);
	free(fx->v);
	free(fx);
}

/* The change, after "(what): ". */
static int format_change(const struct em_core_fixup *f, char *buf, size_t size)
{
	const char *target =
		f->targ_id || f->kind == BPF_CORE_TYPE_ID_LOCAL ? "" : " (no target type)";
	char tid[96] = "";

	if (f->targ_id)
		snprintf(tid, sizeof(tid), " (target [%u]%s%.64s)", f->targ_id,
			 f->targ_name ? " in " : "", f->targ_name ? f->targ_name : "");
	switch (f->op) {
	case EM_CORE_FIX_IMM:
		return snprintf(buf, size, "imm %" PRId64 " -> %" PRIu64 "%s%s",
				(int64_t)f->old_val, f->new_val, tid, target);
	case EM_CORE_FIX_OFF:
		if (f->old_size != f->new_size)
			return snprintf(buf, size,
					"off %" PRId64 " -> %" PRIu64 ", size %u -> %u%s%s",
					(int64_t)f->old_val, f->new_val, f->old_size, f->new_size,
					tid, target);
		return snprintf(buf, size, "off %" PRId64 " -> %" PRIu64 "%s%s",
				(int64_t)f->old_val, f->new_val, tid, target);
	case EM_CORE_FIX_IMM64:
		return snprintf(buf, size, "imm64 %" PRIu64 " -> %" PRIu64 "%s%s", f->old_val,
				f->new_val, tid, target);
	case EM_CORE_FIX_POISON:
		return snprintf(buf, size, "%s: instruction poisoned",
				f->why ? f->why : "unsatisfiable");
	}
	return snprintf(buf, size, "unknown fixup %d", (int)f->op);
}

int em_core_fixup_format(const struct em_core_fixup *f, char *buf, size_t size)
{
	int n, m;

	if (!f || (!buf && size))
		return -EINVAL;
	n = snprintf(buf, size,
		     "prog section '%s' insn %u: relocation #%u (%s): ", f->sec ? f->sec : "?",
		     f->insn, f->rec, f->what ? f->what : "?");
	if (n < 0)
		return n;
	m = format_change(f, (size_t)n < size ? buf + n : NULL,
			  (size_t)n < size ? size - (size_t)n : 0);
	return m < 0 ? m : n + m;
}

void em_core_fixups_log(const struct em_core_fixups *fx, enum ebpfmini_log_level poison_level)
{
	char line[512];

	for (size_t i = 0; fx && i < fx->n; i++) {
		const struct em_core_fixup *f = &fx->v[i];
		enum ebpfmini_log_level level =
			f->op == EM_CORE_FIX_POISON ? poison_level : EBPFMINI_LOG_DEBUG;

		if (!em_log_enabled(level))
			continue;
		em_core_fixup_format(f, line, sizeof(line));
		em_log(level, "core: %s", line);
	}
}

/* The fixup's instructions exist in code. */
static bool in_range(const struct em_core_fixup *f, const struct em_code_sec *code, size_t ncode)
{
	return f->code < ncode && (f->ninsns == 1 || f->ninsns == 2) &&
	       f->insn < code[f->code].insn_cnt && f->ninsns <= code[f->code].insn_cnt - f->insn;
}

int em_core_patch(const struct em_core_fixups *fx, struct em_code_sec *code, size_t ncode)
{
	size_t i;

	if (!fx || (ncode && !code))
		return -EINVAL;
	for (i = 0; i < fx->n; i++) {
		const struct em_core_fixup *f = &fx->v[i];
		struct bpf_insn *insn;
		char line[512];

		if (!in_range(f, code, ncode)) {
			em_core_fixup_format(f, line, sizeof(line));
			em_err("core: %s: no such instruction to patch", line);
			break;
		}
		insn = &code[f->code].insns[f->insn];
		if (memcmp(insn, f->before, f->ninsns * sizeof(*insn)) != 0) {
			em_core_fixup_format(f, line, sizeof(line));
			em_err("core: %s: the instruction changed since the fixup was computed",
			       line);
			break;
		}
		memcpy(insn, f->after, f->ninsns * sizeof(*insn));
	}
	if (i == fx->n)
		return (int)(fx->n > INT32_MAX ? INT32_MAX : fx->n);
	/* undo, newest first, so that two fixups of one instruction restore the first's before */
	while (i--) {
		const struct em_core_fixup *f = &fx->v[i];

		memcpy(&code[f->code].insns[f->insn], f->before,
		       f->ninsns * sizeof(struct bpf_insn));
	}
	return -EBADMSG;
}
