/* test_reloc.c - unit tests of em_reloc_program (reloc.c): linked programs checked instruction by instruction */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "open_fixture.h"

#define FD_BASE 100

/* Map fds handed to relocation, as the load would: base + map index. */
static int fds[64];
static const struct em_reloc_input fake_in = { .map_fds = fds };

static void fake_fds(struct em_model *obj, int base)
{
	assert_true(obj->nmaps <= EM_ARRAY_SIZE(fds));
	for (size_t i = 0; i < obj->nmaps; i++)
		fds[i] = base + (int)i;
}

static const struct em_code_sec *code_of(const struct em_model *obj, uint32_t sec_index)
{
	for (size_t i = 0; i < obj->ncode; i++)
		if (obj->code[i].sec_index == sec_index)
			return &obj->code[i];
	fail_msg("no code section %u", sec_index);
	return NULL;
}

static const struct em_reloc *reloc_at_insn(const struct em_code_sec *c, uint32_t idx)
{
	for (size_t i = 0; i < c->nrelos; i++)
		if (c->relos[i].insn_idx == idx)
			return &c->relos[i];
	return NULL;
}

/*
 * Generic check of one unit of a linked program: linked[base, base + cnt) is
 * a copy of c's instructions [off, off + cnt) where only relocated fields
 * differ, and each relocation was applied as its kind says. Calls and
 * function addresses are followed: their target must be an appended copy of
 * the callee function, checked the same way. Each visited unit is recorded.
 */
struct seen {
	uint32_t sec, off, cnt;
	size_t base;
};

struct verify {
	const struct em_model *obj;
	const struct ebpfmini_program *prog;
	int fd_base;
	struct seen units[16];
	size_t nunits;
};

static void verify_unit(struct verify *v, const struct em_code_sec *c, uint32_t off, uint32_t cnt,
			size_t base)
{
	const struct bpf_insn *linked = v->prog->insns;

	for (size_t i = 0; i < v->nunits; i++) {
		if (v->units[i].sec == c->sec_index && v->units[i].off == off) {
			assert_int_equal(v->units[i].base, base); /* appended once */
			return;
		}
	}
	assert_true(v->nunits < EM_ARRAY_SIZE(v->units));
	v->units[v->nunits++] = (struct seen){ c->sec_index, off, cnt, base };
	assert_true(base + cnt <= v->prog->insn_cnt);

	for (uint32_t k = 0; k < cnt; k++) {
		const struct bpf_insn *orig = &c->insns[off + k];
		const struct bpf_insn *got = &linked[base + k];
		const struct em_reloc *r = reloc_at_insn(c, off + k);
		size_t pos = base + k, target;

		assert_int_equal(got->code, orig->code);
		assert_int_equal(got->dst_reg, orig->dst_reg);
		assert_int_equal(got->off, orig->off);
		if (!r) {
			assert_int_equal(got->src_reg, orig->src_reg);
			assert_int_equal(got->imm, orig->imm);
			continue;
		}
		switch (r->kind) {
		case EM_RELO_MAP_FD:
			assert_int_equal(got->src_reg, BPF_PSEUDO_MAP_FD);
			assert_int_equal(got->imm, v->fd_base + (int)r->map_idx);
			assert_int_equal(linked[pos + 1].imm, orig[1].imm);
			break;
		case EM_RELO_MAP_VALUE:
		case EM_RELO_KCONFIG:
			assert_int_equal(got->src_reg, BPF_PSEUDO_MAP_VALUE);
			assert_int_equal(got->imm, v->fd_base + (int)r->map_idx);
			assert_int_equal(linked[pos + 1].imm, r->value_off);
			break;
		case EM_RELO_CALL:
		case EM_RELO_FUNC_PTR: {
			const struct em_code_sec *tc = code_of(v->obj, r->target_sec);
			const struct em_func *f = em_objfile_func_at(tc, r->target_insn);

			assert_int_equal(got->src_reg, r->kind == EM_RELO_CALL ? BPF_PSEUDO_CALL :
										 BPF_PSEUDO_FUNC);
			if (r->kind == EM_RELO_FUNC_PTR)
				assert_int_equal(linked[pos + 1].imm, 0);
			assert_true((int64_t)pos + got->imm + 1 >= 0);
			target = pos + (size_t)((int64_t)got->imm + 1);
			assert_true(target < v->prog->insn_cnt);
			assert_non_null(f);
			if (tc == c && r->target_insn >= off && r->target_insn < off + cnt) {
				/* inside this very unit: nothing appended */
				assert_int_equal(target, base + (r->target_insn - off));
			} else {
				verify_unit(v, tc, f->insn_off, f->insn_cnt,
					    target - (r->target_insn - f->insn_off));
			}
			break;
		}
		case EM_RELO_EXTERN:
			fail_msg("extern relocated");
		}
		if (r->kind != EM_RELO_CALL)
			k++; /* second half of ld_imm64 checked above */
	}
}

/* Verify a linked program from its own range; the units must tile it exactly. */
static size_t verify_prog(const struct em_model *obj, const struct ebpfmini_program *prog,
			  int fd_base, struct verify *v)
{
	size_t total = 0;

	memset(v, 0, sizeof(*v));
	v->obj = obj;
	v->prog = prog;
	v->fd_base = fd_base;
	assert_non_null(prog->insns);
	verify_unit(v, &obj->code[prog->code_idx], prog->sec_insn_off, prog->sec_insn_cnt, 0);
	for (size_t i = 0; i < v->nunits; i++)
		total += v->units[i].cnt;
	assert_int_equal(total, prog->insn_cnt);
	for (size_t i = 0; i < v->nunits; i++)
		for (size_t j = 0; j < v->nunits; j++)
			if (i != j)
				assert_true(v->units[i].base + v->units[i].cnt <=
						    v->units[j].base ||
					    v->units[j].base + v->units[j].cnt <= v->units[i].base);
	return v->nunits;
}

/* Linked position of the relocation of own instruction for symbol sym (nth occurrence). */
static size_t own_pos(const struct em_model *obj, const struct ebpfmini_program *prog,
		      const char *sym, int nth)
{
	const struct em_code_sec *c = &obj->code[prog->code_idx];

	for (size_t i = 0; i < c->nrelos; i++) {
		const struct em_reloc *r = &c->relos[i];

		if (r->insn_idx < prog->sec_insn_off ||
		    r->insn_idx >= prog->sec_insn_off + prog->sec_insn_cnt)
			continue;
		if (!strcmp(r->sym_name, sym) && nth-- == 0)
			return r->insn_idx - prog->sec_insn_off;
	}
	fail_msg("prog '%s': no relocation for '%s'", prog->name, sym);
	return 0;
}

/* ---- a clang object ------------------------------------------------------------------ */

static void test_xdp_main(void **state)
{
	struct em_model *obj = open_path(OPEN_OBJECTS, "open_objects");
	struct ebpfmini_program *prog = prog_by_name(obj, "xdp_main");
	struct em_code_sec *text = code_by_name(obj, ".text");
	const struct em_func *cb = func_by_name(text, "loop_cb");
	const struct em_func *ss = func_by_name(text, "static_sub");
	const struct em_func *gs = func_by_name(text, "global_sub");
	size_t own = prog->sec_insn_cnt;
	size_t b_cb = own, b_ss = b_cb + cb->insn_cnt, b_gs = b_ss + ss->insn_cnt, pos;
	struct verify v;

	(void)state;
	fake_fds(obj, FD_BASE);
	assert_int_equal(em_reloc_program(obj, prog, &fake_in), 0);
	assert_int_equal(verify_prog(obj, prog, FD_BASE, &v), 4);

	/* appended in order of first reference: callback, static_sub, global_sub */
	assert_int_equal(prog->insn_cnt, own + cb->insn_cnt + ss->insn_cnt + gs->insn_cnt);
	pos = own_pos(obj, prog, ".text", 0); /* ld_imm64 of the bpf_loop callback */
	assert_int_equal(prog->insns[pos].src_reg, BPF_PSEUDO_FUNC);
	assert_int_equal(prog->insns[pos].imm, (int32_t)(b_cb - (pos + 1)));
	assert_memory_equal(&prog->insns[b_cb + 2], &text->insns[cb->insn_off + 2],
			    (cb->insn_cnt - 2) * sizeof(struct bpf_insn));
	pos = own_pos(obj, prog, ".text", 1); /* call static_sub */
	assert_int_equal(prog->insns[pos].src_reg, BPF_PSEUDO_CALL);
	assert_int_equal(prog->insns[pos].imm, (int32_t)(b_ss - (pos + 1)));
	pos = own_pos(obj, prog, "global_sub", 0);
	assert_int_equal(prog->insns[pos].imm, (int32_t)(b_gs - (pos + 1)));

	/* map fd and global data in the program's own code */
	pos = own_pos(obj, prog, "hash_map", 0);
	assert_int_equal(prog->insns[pos].src_reg, BPF_PSEUDO_MAP_FD);
	assert_int_equal(prog->insns[pos].imm, FD_BASE + map_by_name(obj, "hash_map")->index);
	assert_int_equal(prog->insns[pos + 1].imm, 0);
	pos = own_pos(obj, prog, "bss_hits", 0);
	assert_int_equal(prog->insns[pos].src_reg, BPF_PSEUDO_MAP_VALUE);
	assert_int_equal(prog->insns[pos].imm, FD_BASE + map_by_name(obj, ".bss")->index);
	{
		struct em_elf_symbol sym;

		sym_index(obj->elf, "bss_hits", &sym);
		assert_int_equal(prog->insns[pos + 1].imm, sym.value);
	}
	pos = own_pos(obj, prog, "LINUX_KERNEL_VERSION", 0);
	assert_int_equal(prog->insns[pos].src_reg, BPF_PSEUDO_MAP_VALUE);
	assert_int_equal(prog->insns[pos].imm, FD_BASE + map_by_name(obj, ".kconfig")->index);
	assert_int_equal(prog->insns[pos + 1].imm,
			 extern_by_name(obj, "LINUX_KERNEL_VERSION")->offset);

	/* the static variable inside static_sub: .data section symbol + 4 */
	{
		const struct em_reloc *r = NULL;
		struct em_elf_symbol sym;

		for (size_t i = 0; i < text->nrelos; i++)
			if (!strcmp(text->relos[i].sym_name, ".data"))
				r = &text->relos[i];
		assert_non_null(r);
		pos = b_ss + (r->insn_idx - ss->insn_off);
		sym_index(obj->elf, "data_static", &sym);
		assert_int_equal(prog->insns[pos].imm, FD_BASE + map_by_name(obj, ".data")->index);
		assert_int_equal(prog->insns[pos + 1].imm, sym.value);
	}

	/* helper calls keep their ids */
	for (size_t i = 0; i < prog->insn_cnt; i++)
		if (em_insn_is_call(&prog->insns[i]) && prog->insns[i].src_reg == 0)
			assert_true(prog->insns[i].imm == 1 || prog->insns[i].imm == 181);
	obj_free(obj);
}

static void test_func_line_info(void **state)
{
	struct em_model *obj = open_path(OPEN_OBJECTS, "open_objects");
	struct ebpfmini_program *prog = prog_by_name(obj, "xdp_main");
	const struct bpf_func_info *fi;
	const struct bpf_line_info *li;
	struct verify v;
	size_t expect_lines = 0;

	(void)state;
	fake_fds(obj, FD_BASE);
	assert_int_equal(em_reloc_program(obj, prog, &fake_in), 0);
	verify_prog(obj, prog, FD_BASE, &v);

	/* one func_info per unit, at its start, naming its function */
	assert_int_equal(prog->func_info_rec_size, sizeof(struct bpf_func_info));
	assert_int_equal(prog->func_info_cnt, v.nunits);
	fi = prog->func_info;
	assert_int_equal(fi[0].insn_off, 0);
	for (size_t i = 0; i < prog->func_info_cnt; i++) {
		const struct btf_type *t = em_btf_type(obj->btf, fi[i].type_id);
		const struct em_func *f = NULL;

		if (i)
			assert_true(fi[i - 1].insn_off < fi[i].insn_off);
		for (size_t u = 0; u < v.nunits; u++) {
			if (v.units[u].base == fi[i].insn_off)
				f = em_objfile_func_at(code_of(obj, v.units[u].sec),
							v.units[u].off);
		}
		assert_non_null(f);
		assert_non_null(t);
		assert_int_equal(em_btf_kind(t), BTF_KIND_FUNC);
		assert_string_equal(em_btf_type_name(obj->btf, t), f->name);
	}

	/* line_info: every record of the units, rebased, in order */
	for (size_t u = 0; u < v.nunits; u++) {
		const struct em_code_sec *c = code_of(obj, v.units[u].sec);
		const struct em_btf_ext_sec *s = em_btf_ext_find(&obj->btf_ext->line_info, c->name);

		for (uint32_t k = 0; s && k < s->num_info; k++) {
			uint32_t off;

			memcpy(&off, s->data + (size_t)k * obj->btf_ext->line_info.rec_size, 4);
			if (off / 8 >= v.units[u].off && off / 8 < v.units[u].off + v.units[u].cnt)
				expect_lines++;
		}
	}
	assert_true(expect_lines > 0);
	assert_int_equal(prog->line_info_cnt, expect_lines);
	assert_int_equal(prog->line_info_rec_size, sizeof(struct bpf_line_info));
	li = prog->line_info;
	assert_int_equal(li[0].insn_off, 0);
	for (size_t i = 1; i < prog->line_info_cnt; i++) {
		assert_true(li[i - 1].insn_off <= li[i].insn_off);
		assert_true(li[i].insn_off < prog->insn_cnt);
	}
	obj_free(obj);
}

static void test_other_programs(void **state)
{
	struct em_model *obj = open_path(OPEN_OBJECTS, "open_objects");
	struct em_code_sec *text = code_by_name(obj, ".text");
	struct ebpfmini_program *prog;
	struct verify v;
	size_t pos;

	(void)state;
	fake_fds(obj, FD_BASE);
	/* xdp_tail: tail call map and a static call through the .text section symbol */
	prog = prog_by_name(obj, "xdp_tail");
	assert_int_equal(em_reloc_program(obj, prog, &fake_in), 0);
	assert_int_equal(verify_prog(obj, prog, FD_BASE, &v), 2);
	assert_int_equal(prog->insn_cnt,
			 prog->sec_insn_cnt + func_by_name(text, "static_sub")->insn_cnt);
	pos = own_pos(obj, prog, "jump_table", 0);
	assert_int_equal(prog->insns[pos].imm, FD_BASE + map_by_name(obj, "jump_table")->index);
	pos = own_pos(obj, prog, ".text", 0);
	assert_int_equal(prog->insns[pos].imm, (int32_t)(prog->sec_insn_cnt - (pos + 1)));

	/* tp_exec: its own section, a call into .text */
	prog = prog_by_name(obj, "tp_exec");
	assert_int_equal(em_reloc_program(obj, prog, &fake_in), 0);
	assert_int_equal(verify_prog(obj, prog, FD_BASE, &v), 2);
	assert_int_equal(prog->insn_cnt,
			 prog->sec_insn_cnt + func_by_name(text, "global_sub")->insn_cnt);

	/* programs without relocations are copied as they are */
	prog = prog_by_name(obj, "up_sleepable");
	assert_int_equal(em_reloc_program(obj, prog, &fake_in), 0);
	assert_int_equal(prog->insn_cnt, prog->sec_insn_cnt);
	assert_memory_equal(prog->insns, obj->code[prog->code_idx].insns + prog->sec_insn_off,
			    prog->insn_cnt * sizeof(struct bpf_insn));
	obj_free(obj);
}

static void test_relink(void **state)
{
	struct em_model *obj = open_path(OPEN_OBJECTS, "open_objects");
	struct ebpfmini_program *prog = prog_by_name(obj, "xdp_main");
	struct ebpfmini_map *hm = map_by_name(obj, "hash_map");
	struct bpf_insn *before;
	struct verify v;
	size_t pos;

	(void)state;
	fake_fds(obj, FD_BASE);
	assert_int_equal(em_reloc_program(obj, prog, &fake_in), 0);
	/* new fds: a second link replaces the first (ASan sees leaks) */
	fake_fds(obj, 200);
	assert_int_equal(em_reloc_program(obj, prog, &fake_in), 0);
	verify_prog(obj, prog, 200, &v);
	pos = own_pos(obj, prog, "hash_map", 0);
	assert_int_equal(prog->insns[pos].imm, 200 + hm->index);

	/* a map without fd: -ENOENT, and the previous result stays */
	before = prog->insns;
	fds[hm->index] = -1;
	log_capture_reset();
	assert_int_equal(em_reloc_program(obj, prog, &fake_in), -ENOENT);
	assert_non_null(strstr(logcap.last, "hash_map"));
	assert_ptr_equal(prog->insns, before);
	obj_free(obj);
}

static void test_legacy_and_ksym(void **state)
{
	struct em_model *obj = open_path(OPEN_LEGACY, "open_legacy");
	struct verify v;

	(void)state;
	fake_fds(obj, FD_BASE);
	assert_int_equal(em_reloc_program(obj, &obj->progs[0], &fake_in), 0);
	verify_prog(obj, &obj->progs[0], FD_BASE, &v);
	assert_int_equal(obj->progs[0].insns[own_pos(obj, &obj->progs[0], "flows", 0)].imm,
			 FD_BASE + map_by_name(obj, "flows")->index);
	obj_free(obj);

	obj = open_path(OPEN_KSYM, "open_ksym");
	log_capture_reset();
	assert_int_equal(em_reloc_program(obj, prog_by_name(obj, "uses_kfunc"), &fake_in),
			 -EOPNOTSUPP);
	assert_non_null(strstr(logcap.last, "bpf_rcu_read_lock"));
	assert_null(prog_by_name(obj, "uses_kfunc")->insns);
	assert_int_equal(em_reloc_program(obj, prog_by_name(obj, "plain"), &fake_in), 0);
	obj_free(obj);
}

/* ---- a model built by hand: edge cases without an ELF --------------------------------- */

#define CALL_INSN                                                                                  \
	((struct bpf_insn){ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_CALL, .imm = -1 })
#define MOV_INSN(v) ((struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .imm = (v) })
#define EXIT_INSN ((struct bpf_insn){ .code = BPF_JMP | BPF_EXIT })
#define LD64_INSN ((struct bpf_insn){ .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 1 })

struct model {
	struct em_model obj;
	struct em_code_sec code[2];
	struct bpf_insn a[10], b[3];
	struct em_func fa[3], fb[1];
	struct em_reloc ra[5], rb[1];
	struct ebpfmini_map map;
	struct ebpfmini_program prog;
	struct em_extern ext;
	int map_fd;
	struct em_reloc_input in;
};

/*
 * Section "xdp" (index 3): P [0,6) program, S [6,8) static, U [8,10) unused.
 *   0 call S          1 call A:4 (inside P)   2-3 ld_imm64 map value +12
 *   4 r0 = 0          5 exit                  6 call T   7 exit   8 r0 = 1   9 exit
 * Section ".text" (index 2): T [0,3): 0 call S (mutual recursion), 1 r0 = 2, 2 exit.
 */
static void model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
	m->a[0] = CALL_INSN;
	m->a[1] = CALL_INSN;
	m->a[2] = LD64_INSN;
	m->a[4] = MOV_INSN(0);
	m->a[5] = EXIT_INSN;
	m->a[6] = CALL_INSN;
	m->a[7] = EXIT_INSN;
	m->a[8] = MOV_INSN(1);
	m->a[9] = EXIT_INSN;
	m->b[0] = CALL_INSN;
	m->b[1] = MOV_INSN(2);
	m->b[2] = EXIT_INSN;
	m->fa[0] = (struct em_func){ "P", 0, 6, true };
	m->fa[1] = (struct em_func){ "S", 6, 2, false };
	m->fa[2] = (struct em_func){ "U", 8, 2, false };
	m->fb[0] = (struct em_func){ "T", 0, 3, true };
	m->ra[0] = (struct em_reloc){ .kind = EM_RELO_CALL,
				      .sym_name = "",
				      .insn_idx = 0,
				      .target_sec = 3,
				      .target_insn = 6,
				      .ext_idx = -1 };
	m->ra[1] = (struct em_reloc){ .kind = EM_RELO_CALL,
				      .sym_name = "",
				      .insn_idx = 1,
				      .target_sec = 3,
				      .target_insn = 4,
				      .ext_idx = -1 };
	m->ra[2] = (struct em_reloc){ .kind = EM_RELO_MAP_VALUE,
				      .sym_name = ".data",
				      .insn_idx = 2,
				      .map_idx = 0,
				      .value_off = 12,
				      .ext_idx = -1 };
	m->ra[3] = (struct em_reloc){ .kind = EM_RELO_CALL,
				      .sym_name = "T",
				      .insn_idx = 6,
				      .target_sec = 2,
				      .target_insn = 0,
				      .ext_idx = -1 };
	m->rb[0] = (struct em_reloc){ .kind = EM_RELO_CALL,
				      .sym_name = "",
				      .insn_idx = 0,
				      .target_sec = 3,
				      .target_insn = 6,
				      .ext_idx = -1 };
	m->code[0] = (struct em_code_sec){ .sec_index = 3,
					   .name = "xdp",
					   .insns = m->a,
					   .insn_cnt = 10,
					   .relos = m->ra,
					   .nrelos = 4,
					   .funcs = m->fa,
					   .nfuncs = 3 };
	m->code[1] = (struct em_code_sec){ .sec_index = 2,
					   .name = ".text",
					   .insns = m->b,
					   .insn_cnt = 3,
					   .relos = m->rb,
					   .nrelos = 1,
					   .funcs = m->fb,
					   .nfuncs = 1 };
	m->map = (struct ebpfmini_map){ .obj = &m->obj, .name = (char *)".data" };
	m->map_fd = 7;
	m->in = (struct em_reloc_input){ .map_fds = &m->map_fd };
	m->ext = (struct em_extern){ .name = (char *)"bpf_kfunc", .sym_idx = 5 };
	m->obj.code = m->code;
	m->obj.ncode = 2;
	m->obj.maps = &m->map;
	m->obj.nmaps = 1;
	m->obj.externs = &m->ext;
	m->obj.nexterns = 1;
	m->prog = (struct ebpfmini_program){ .obj = &m->obj,
					     .name = (char *)"P",
					     .code_idx = 0,
					     .sec_insn_off = 0,
					     .sec_insn_cnt = 6 };
}

static void model_expect(struct model *m, int err)
{
	log_capture_reset();
	assert_int_equal(em_reloc_program(&m->obj, &m->prog, &m->in), err);
	if (err) {
		assert_null(m->prog.insns);
		assert_true(logcap.count >= 1);
	}
}

static void test_model_link(void **state)
{
	struct model m;
	const struct bpf_insn *l;

	(void)state;
	model_init(&m);
	model_expect(&m, 0);
	l = m.prog.insns;
	/* P (6) + S appended at 6 (2) + T appended at 8 (3); U never */
	assert_int_equal(m.prog.insn_cnt, 11);
	assert_int_equal(l[0].imm, 6 - 1); /* call S */
	assert_int_equal(l[1].imm, 4 - 2); /* call inside P: not appended */
	assert_int_equal(l[2].src_reg, BPF_PSEUDO_MAP_VALUE);
	assert_int_equal(l[2].imm, 7);
	assert_int_equal(l[3].imm, 12);
	assert_int_equal(l[6].imm, 8 - 7); /* S calls T */
	assert_int_equal(l[8].imm, 6 - 9); /* T calls S: already there, no second copy */
	assert_int_equal(l[9].imm, 2);     /* T's r0 = 2 */
	assert_int_equal(l[7].code, BPF_JMP | BPF_EXIT);
	assert_null(m.prog.func_info);
	assert_null(m.prog.line_info);
	free(m.prog.insns);
}

static void test_model_errors(void **state)
{
	struct model m;

	(void)state;
	/* a call into a section with no function covering the target */
	model_init(&m);
	m.code[1].nfuncs = 0;
	model_expect(&m, -EBADMSG);

	/* a call into a section that holds no code */
	model_init(&m);
	m.ra[3].target_sec = 9;
	model_expect(&m, -EBADMSG);

	/* ld_imm64 cut by the end of the program's range */
	model_init(&m);
	m.prog.sec_insn_cnt = 3;
	m.fa[0].insn_cnt = 3;
	model_expect(&m, -EBADMSG);

	/* map index out of range, map without fd */
	model_init(&m);
	m.ra[2].map_idx = 4;
	model_expect(&m, -EBADMSG);
	model_init(&m);
	m.map_fd = -1;
	model_expect(&m, -ENOENT);

	/* ksym / kfunc externs are refused */
	model_init(&m);
	m.ra[1] = (struct em_reloc){
		.kind = EM_RELO_EXTERN, .sym_name = "bpf_kfunc", .insn_idx = 1, .ext_idx = 0
	};
	model_expect(&m, -EOPNOTSUPP);
	assert_non_null(strstr(logcap.last, "bpf_kfunc"));

	/* a program range outside its section */
	model_init(&m);
	m.prog.sec_insn_off = 8;
	m.prog.sec_insn_cnt = 4;
	model_expect(&m, -EBADMSG);

	/* bad arguments */
	model_init(&m);
	m.prog.code_idx = 5;
	assert_int_equal(em_reloc_program(&m.obj, &m.prog, &m.in), -EINVAL);
	assert_int_equal(em_reloc_program(NULL, &m.prog, &m.in), -EINVAL);
}

/* A program linked to more instructions than the kernel loads is refused, not built (finding 3). */
static void test_model_too_large(void **state)
{
	struct bpf_insn *big = calloc(EM_RELOC_MAX_INSNS, sizeof(*big));
	struct model m;

	(void)state;
	assert_non_null(big);
	big[0] = CALL_INSN; /* T still calls S first, then its body runs to the end */
	big[EM_RELOC_MAX_INSNS - 1] = EXIT_INSN;
	model_init(&m);
	m.code[1].insns = big;
	m.code[1].insn_cnt = EM_RELOC_MAX_INSNS;
	m.fb[0].insn_cnt = EM_RELOC_MAX_INSNS;
	model_expect(&m, -E2BIG); /* P (6) + S (2) + T (1,000,000) */
	assert_non_null(strstr(logcap.last, "larger than the kernel's 1000000 instructions"));
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_xdp_main, fixture_setup),
		cmocka_unit_test_setup(test_func_line_info, fixture_setup),
		cmocka_unit_test_setup(test_other_programs, fixture_setup),
		cmocka_unit_test_setup(test_relink, fixture_setup),
		cmocka_unit_test_setup(test_legacy_and_ksym, fixture_setup),
		cmocka_unit_test_setup(test_model_link, fixture_setup),
		cmocka_unit_test_setup(test_model_too_large, fixture_setup),
		cmocka_unit_test_setup(test_model_errors, fixture_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
