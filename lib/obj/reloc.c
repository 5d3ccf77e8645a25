/* reloc.c - link one program: append subprograms, patch calls, map fds and data offsets (L2 obj, pure) */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "model.h"

/*
 * A program is linked from "units": its own instruction range first, then
 * every function it reaches through calls or function addresses, each once,
 * in the order they are first referenced. A unit is a range of one code
 * section and the position where its copy starts in the linked program.
 */
struct unit {
	size_t code_idx;
	uint32_t start, cnt; /* instruction range inside the code section */
	size_t linked;       /* first instruction in the linked program */
};

struct link {
	struct em_model *obj;
	struct ebpfmini_program *prog;
	const struct em_reloc_input *in;
	struct unit *units;
	size_t nunits;
	struct bpf_insn *insns;
	size_t len;
	/*
	 * Where each function of the object starts in the linked program, + 1
	 * (0: not linked yet), at func_base[code_idx] + its index in that
	 * section's funcs[]: resolving a call is then a binary search, not a
	 * scan of the units (which made linking cubic in the number of functions).
	 */
	size_t *func_base;
	size_t *linked_at;
};

static int add_unit(struct link *l, size_t code_idx, uint32_t start, uint32_t cnt)
{
	const struct em_code_sec *c = &l->obj->code[code_idx];
	struct bpf_insn *insns;
	struct unit *units;

	if (!em_range_ok(c->insn_cnt, start, cnt) || !cnt) {
		em_warn("prog '%s': instructions [%u, +%u) outside section '%s' (%zu instructions)",
			l->prog->name, start, cnt, c->name, c->insn_cnt);
		return -EBADMSG;
	}
	if (l->len + cnt > EM_RELOC_MAX_INSNS) {
		em_warn("prog '%s': linked program larger than the kernel's %u instructions",
			l->prog->name, EM_RELOC_MAX_INSNS);
		return -E2BIG;
	}
	units = em_array_grow(l->units, l->nunits, sizeof(*units));
	if (!units)
		return -ENOMEM;
	l->units = units;
	insns = em_reallocarray(l->insns, l->len + cnt, sizeof(*insns));
	if (!insns)
		return -ENOMEM;
	l->insns = insns;
	memcpy(insns + l->len, c->insns + start, cnt * sizeof(*insns));
	units[l->nunits++] = (struct unit){ code_idx, start, cnt, l->len };
	l->len += cnt;
	return 0;
}

/*
 * objfile.c builds obj->code in section order, so a binary search finds the
 * section (a scan per call made linking quadratic); a model built in another
 * order still works through the scan that follows a miss.
 */
static int code_index(const struct em_model *obj, uint32_t sec_index, size_t *out)
{
	size_t lo = 0, hi = obj->ncode;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (obj->code[mid].sec_index < sec_index)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < obj->ncode && obj->code[lo].sec_index == sec_index) {
		*out = lo;
		return 0;
	}
	for (size_t i = 0; i < obj->ncode; i++) {
		if (obj->code[i].sec_index == sec_index) {
			*out = i;
			return 0;
		}
	}
	return -ENOENT;
}

/* Per-function bookkeeping of the link (see struct link). */
static int index_funcs(struct link *l)
{
	size_t total = 0;

	l->func_base = em_calloc(l->obj->ncode + 1, sizeof(*l->func_base));
	if (!l->func_base)
		return -ENOMEM;
	for (size_t i = 0; i < l->obj->ncode; i++) {
		l->func_base[i] = total;
		total += l->obj->code[i].nfuncs;
	}
	l->func_base[l->obj->ncode] = total; /* linked_at: allocated by the first call out */
	return 0;
}

/* Linked position of instruction insn of code section code_idx, appending its function if needed. */
static int resolve_target(struct link *l, size_t code_idx, uint32_t insn, size_t *pos)
{
	const struct em_code_sec *c = &l->obj->code[code_idx];
	const struct unit *own = &l->units[0]; /* the program's own range */
	const struct em_func *f;
	size_t *at;
	int err;

	if (own->code_idx == code_idx && insn >= own->start && insn - own->start < own->cnt) {
		*pos = own->linked + (insn - own->start);
		return 0;
	}
	/* every other unit is one whole function: look it up by the function */
	f = em_objfile_func_at(c, insn);
	if (!f) {
		em_warn("prog '%s': call target: instruction %u of section '%s' is in no function",
			l->prog->name, insn, c->name);
		return -EBADMSG;
	}
	if (!l->linked_at &&
	    !(l->linked_at = em_calloc(l->func_base[l->obj->ncode], sizeof(*l->linked_at))))
		return -ENOMEM;
	at = &l->linked_at[l->func_base[code_idx] + (size_t)(f - c->funcs)];
	if (!*at) {
		err = add_unit(l, code_idx, f->insn_off, f->insn_cnt);
		if (err)
			return err;
		*at = l->units[l->nunits - 1].linked + 1;
	}
	*pos = *at - 1 + (insn - f->insn_off);
	return 0;
}

static int map_fd(const struct link *l, const struct em_reloc *r, int *fd)
{
	const struct ebpfmini_map *m;

	if (r->map_idx >= l->obj->nmaps) {
		em_warn("prog '%s': relocation names map %zu of %zu", l->prog->name, r->map_idx,
			l->obj->nmaps);
		return -EBADMSG;
	}
	m = &l->obj->maps[r->map_idx];
	if (!l->in || !l->in->map_fds || l->in->map_fds[r->map_idx] < 0) {
		em_warn("prog '%s': map '%s' has no fd (not created)", l->prog->name, m->name);
		return -ENOENT;
	}
	*fd = l->in->map_fds[r->map_idx];
	return 0;
}

static int apply(struct link *l, size_t ui, const struct em_reloc *r)
{
	const struct unit u = l->units[ui]; /* copy: add_unit may move the array */
	size_t pos = u.linked + (r->insn_idx - u.start);
	bool wide = r->kind != EM_RELO_CALL;
	size_t code_idx, target;
	int fd, err;

	if (wide && r->insn_idx + 1 - u.start >= u.cnt) {
		em_warn("prog '%s': ld_imm64 at instruction %u is cut off by the end of the function",
			l->prog->name, r->insn_idx);
		return -EBADMSG;
	}
	switch (r->kind) {
	case EM_RELO_MAP_FD:
		err = map_fd(l, r, &fd);
		if (err)
			return err;
		l->insns[pos].src_reg = BPF_PSEUDO_MAP_FD;
		l->insns[pos].imm = fd;
		return 0;
	case EM_RELO_MAP_VALUE:
	case EM_RELO_KCONFIG:
		err = map_fd(l, r, &fd);
		if (err)
			return err;
		l->insns[pos].src_reg = BPF_PSEUDO_MAP_VALUE;
		l->insns[pos].imm = fd;
		l->insns[pos + 1].imm = (int32_t)r->value_off;
		return 0;
	case EM_RELO_CALL:
	case EM_RELO_FUNC_PTR:
		if (code_index(l->obj, r->target_sec, &code_idx)) {
			em_warn("prog '%s': call target section %u holds no code", l->prog->name,
				r->target_sec);
			return -EBADMSG;
		}
		err = resolve_target(l, code_idx, r->target_insn, &target);
		if (err)
			return err;
		l->insns[pos].imm = (int32_t)((int64_t)target - (int64_t)(pos + 1));
		if (r->kind == EM_RELO_FUNC_PTR) {
			l->insns[pos].src_reg = BPF_PSEUDO_FUNC;
			l->insns[pos + 1].imm = 0;
		}
		return 0;
	case EM_RELO_EXTERN:
		/* load_extern.c wrote the kernel's answer into the code section already */
		if (r->ext_idx >= 0 && (size_t)r->ext_idx < l->obj->nexterns && l->in &&
		    l->in->ext_resolved && l->in->ext_resolved[r->ext_idx])
			return 0;
		em_warn("prog '%s': extern '%s': only .kconfig externs are supported (ksyms and "
			"kfuncs are not yet; a .kconfig extern needs the object's BTF)",
			l->prog->name,
			r->ext_idx >= 0 && (size_t)r->ext_idx < l->obj->nexterns ?
				l->obj->externs[r->ext_idx].name :
				r->sym_name);
		return -EOPNOTSUPP;
	}
	return -EBADMSG;
}

/* Relocations of units[ui]'s range (the section's list is sorted by instruction). */
static int apply_unit(struct link *l, size_t ui)
{
	const struct em_code_sec *c = &l->obj->code[l->units[ui].code_idx];
	uint32_t start = l->units[ui].start, end = start + l->units[ui].cnt;
	size_t lo = 0, hi = c->nrelos;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->relos[mid].insn_idx < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < c->nrelos && c->relos[i].insn_idx < end; i++) {
		int err = apply(l, ui, &c->relos[i]);

		if (err)
			return err;
	}
	return 0;
}

/*
 * func_info / line_info records of the linked program: those of each unit's
 * section that fall inside the unit, with insn_off turned from bytes in the
 * section into the instruction index in the linked program. Records keep the
 * file's rec_size; insn_off is their first u32.
 */
/* Index of the first record of s (sorted by insn_off) at or after instruction insn. */
static uint32_t first_record(const struct em_btf_ext_info *info, const struct em_btf_ext_sec *s,
			     uint32_t insn)
{
	uint32_t lo = 0, hi = s->num_info;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2, off;

		memcpy(&off, s->data + (size_t)mid * info->rec_size, sizeof(off));
		if (off / 8 < insn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int rebase_info(const struct link *l, const struct em_btf_ext_info *info, void **out,
		       uint32_t *cnt, uint32_t *rec_size)
{
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	*cnt = *rec_size = 0;
	if (!info || !info->nsecs || info->rec_size < sizeof(uint32_t))
		return 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t ui = 0; ui < l->nunits; ui++) {
			const struct unit *u = &l->units[ui];
			const struct em_btf_ext_sec *s =
				em_btf_ext_find(info, l->obj->code[u->code_idx].name);

			for (uint32_t k = s ? first_record(info, s, u->start) : 0;
			     s && k < s->num_info; k++) {
				const uint8_t *rec = s->data + (size_t)k * info->rec_size;
				uint32_t off, idx;

				memcpy(&off, rec, sizeof(off));
				idx = off / 8;
				if (idx < u->start || off % 8)
					continue;
				if (idx - u->start >= u->cnt)
					break; /* sorted by insn_off: the unit's records are behind */
				if (pass == 1) {
					uint8_t *dst = buf + n * info->rec_size;
					uint32_t linked = (uint32_t)(u->linked + (idx - u->start));

					memcpy(dst, rec, info->rec_size);
					memcpy(dst, &linked, sizeof(linked));
				}
				n++;
			}
		}
		if (pass == 0) {
			if (!n)
				return 0;
			if (n > UINT32_MAX)
				return -E2BIG;
			cap = n;
			buf = em_calloc(cap, info->rec_size);
			if (!buf)
				return -ENOMEM;
			n = 0;
		}
	}
	*out = buf;
	*cnt = (uint32_t)n;
	*rec_size = info->rec_size;
	return 0;
}

int em_reloc_program(struct em_model *obj, struct ebpfmini_program *prog,
		     const struct em_reloc_input *in)
{
	struct link l = { .obj = obj, .prog = prog, .in = in };
	const struct em_btf_ext *ext;
	void *fi = NULL, *li = NULL;
	uint32_t fi_cnt = 0, fi_size = 0, li_cnt = 0, li_size = 0;
	int err;

	if (!obj || !prog || prog->obj != obj || prog->code_idx >= obj->ncode)
		return -EINVAL;
	err = index_funcs(&l);
	if (!err)
		err = add_unit(&l, prog->code_idx, prog->sec_insn_off, prog->sec_insn_cnt);
	/* units appended while applying are processed by this same loop */
	for (size_t ui = 0; !err && ui < l.nunits; ui++)
		err = apply_unit(&l, ui);
	ext = obj->btf_ext;
	if (!err && ext)
		err = rebase_info(&l, &ext->func_info, &fi, &fi_cnt, &fi_size);
	if (!err && ext)
		err = rebase_info(&l, &ext->line_info, &li, &li_cnt, &li_size);
	free(l.units);
	free(l.func_base);
	free(l.linked_at);
	if (err) {
		free(l.insns);
		free(fi);
		free(li);
		return err;
	}
	free(prog->insns);
	free(prog->func_info);
	free(prog->line_info);
	prog->insns = l.insns;
	prog->insn_cnt = l.len;
	prog->func_info = fi;
	prog->func_info_cnt = fi_cnt;
	prog->func_info_rec_size = fi_size;
	prog->line_info = li;
	prog->line_info_cnt = li_cnt;
	prog->line_info_rec_size = li_size;
	return 0;
}
