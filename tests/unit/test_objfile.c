/* test_objfile.c - unit tests of open (objfile.c, objmaps.c, objextern.c): clang objects and damaged copies */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "open_fixture.h"

/* ---- license, version, programs -------------------------------------------------- */

static void test_license_version(void **state)
{
	struct em_model *obj = open_path(OPEN_OBJECTS, "open_objects");

	(void)state;
	assert_string_equal(obj->license, "Dual BSD/GPL");
	assert_int_equal(obj->kversion, 0x060c00);
	assert_non_null(obj->btf);
	assert_non_null(obj->btf_ext);
	assert_false(obj->has_core_relos);
	obj_free(obj);
}

static void check_prog(struct em_model *obj, const char *name, const char *sec, uint32_t type,
		       uint32_t eat, uint32_t flags, const char *target)
{
	struct ebpfmini_program *p = prog_by_name(obj, name);
	struct em_elf_symbol sym;

	sym_index(obj->elf, name, &sym);
	assert_string_equal(p->sec_name, sec);
	assert_string_equal(obj->code[p->code_idx].name, sec);
	assert_int_equal(obj->code[p->code_idx].sec_index, sym.shndx);
	assert_int_equal(p->sec_insn_off, sym.value / 8);
	assert_int_equal(p->sec_insn_cnt, sym.size / 8);
	assert_int_equal(p->type, type);
	assert_int_equal(p->expected_attach_type, eat);
	assert_int_equal(p->prog_flags, flags);
	if (target)
		assert_string_equal(p->attach_target, target);
	else
		assert_null(p->attach_target);
	assert_true(p->autoload);
	assert_ptr_equal(p->obj, obj);
	assert_ptr_equal(&obj->progs[p->index], p);
	assert_null(p->insns);
}

static void test_programs(void **state)
{
	struct em_model *obj = open_path(OPEN_OBJECTS, "open_objects");

	(void)state;
	assert_int_equal(obj->nprogs, 5);
	check_prog(obj, "xdp_main", "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, 0, NULL);
	check_prog(obj, "xdp_tail", "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, 0, NULL);
	check_prog(obj, "tp_exec", "tp/syscalls/sys_enter_execve", BPF_PROG_TYPE_TRACEPOINT, 0, 0,
		   "syscalls/sys_enter_execve");
	check_prog(obj, "up_sleepable", "uprobe.s/libc.so.6:malloc", BPF_PROG_TYPE_KPROBE, 0,
		   BPF_F_SLEEPABLE, "libc.so.6:malloc");
	/* an unknown section opens; load refuses it later */
	check_prog(obj, "odd_section", "open_test/unknown", BPF_PROG_TYPE_UNSPEC, 0, 0, NULL);
	/* programs come in section order, then by offset */
	for (size_t i = 1; i < obj->nprogs; i++) {
		const struct ebpfmini_program *a = &obj->progs[i - 1], *b = &obj->progs[i];

		assert_true(a->code_idx < b->code_idx ||
			    (a->code_idx == b->code_idx && a->sec_insn_off < b->sec_insn_off));
	}
	/* .text functions are subprograms, not programs */
	for (size_t i = 0; i < obj->nprogs; i++)
		assert_string_not_equal(obj->progs[i].sec_name, ".text");
	obj_free(obj);
}

/* A __hidden global function gets static BTF linkage (verified in its caller's context);
 * the program stays global. */
static void test_hidden_func_static(void **state)
{
	struct em_model *obj = open_path(BPF_OBJ_DIR "/load_hidden.bpf.o", "load_hidden");
	struct em_elf_symbol sym;
	int hidden, prog;

	(void)state;
	sym_index(obj->elf, "hidden_read", &sym);
	assert_int_equal(sym.visibility, STV_HIDDEN);
	assert_int_equal(sym.bind, STB_GLOBAL);
	hidden = em_btf_find(obj->btf, "hidden_read", BTF_KIND_FUNC);
	prog = em_btf_find(obj->btf, "call_hidden", BTF_KIND_FUNC);
	assert_true(hidden > 0 && prog > 0);
	assert_int_equal(em_btf_vlen(em_btf_type(obj->btf, (uint32_t)hidden)), BTF_FUNC_STATIC);
	assert_int_equal(em_btf_vlen(em_btf_type(obj->btf, (uint32_t)prog)), BTF_FUNC_GLOBAL);
	assert_int_equal(obj->nprogs, 1);
	assert_true(log_captured("function 'hidden_read' is hidden: its BTF FUNC"));
	obj_free(obj);
}

static void test_code_sections(void **state)
{
	struct em_model *obj = open_path(OPEN_OBJECTS, "open_objects");
	struct em_code_sec *text = code_by_name(obj, ".text");
	const struct em_elf_section *s = em_elf_section_by_name(obj->elf, ".text");
	const struct em_func *f;

	(void)state;
	assert_non_null(s);
	assert_int_equal(text->insn_cnt * 8, s->size);
	assert_memory_equal(text->insns, s->data, s->size);
	assert_int_equal(text->nfuncs, 3);
	f = func_by_name(text, "global_sub");
	assert_true(f->global);
	f = func_by_name(text, "static_sub");
	assert_false(f->global);
	f = func_by_name(text, "loop_cb");
	assert_false(f->global);
	for (size_t i = 1; i < text->nfuncs; i++)
		assert_true(text->funcs[i - 1].insn_off + text->funcs[i - 1].insn_cnt <=
			    text->funcs[i].insn_off);
	/* em_objfile_func_at finds the function holding an instruction */
	f = func_by_name(text, "static_sub");
	assert_ptr_equal(em_objfile_func_at(text, f->insn_off + f->insn_cnt - 1), f);
	assert_null(em_objfile_func_at(text, (uint32_t)text->insn_cnt));
	obj_free(obj);
}

/* ---- maps -------------------------------------------------------------------------- */

static const char *btf_name(struct em_model *obj, uint32_t id)
{
	const struct btf_type *t = em_btf_type(obj->btf, id);

	assert_non_null(t);
	return em_btf_type_name(obj->btf, t);
}

static void test_btf_maps(void **state)
{
	struct em_model *obj = open_path(OPEN_OBJECTS, "open_objects");
	struct ebpfmini_map *m;
	struct em_elf_symbol sym;

	(void)state;
	m = map_by_name(obj, "hash_map");
	assert_int_equal(m->kind, EM_MAP_USER);
	assert_int_equal(m->type, BPF_MAP_TYPE_HASH);
	assert_int_equal(m->key_size, 4);
	assert_int_equal(m->value_size, 16);
	assert_int_equal(m->max_entries, 128);
	assert_int_equal(m->map_flags, BPF_F_NO_PREALLOC);
	assert_int_equal(m->pinning, EM_PIN_BY_NAME);
	assert_string_equal(btf_name(obj, m->btf_key_type_id), "__u32");
	assert_string_equal(btf_name(obj, m->btf_value_type_id), "val");
	sym_index(obj->elf, "hash_map", &sym);
	assert_int_equal(m->sec_offset, sym.value);
	assert_int_equal(m->sec_index, sym.shndx);
	assert_ptr_equal(&obj->maps[m->index], m);

	m = map_by_name(obj, "sized_array");
	assert_int_equal(m->type, BPF_MAP_TYPE_ARRAY);
	assert_int_equal(m->key_size, 4);
	assert_int_equal(m->value_size, 8);
	assert_int_equal(m->max_entries, 4);
	assert_int_equal(m->btf_key_type_id, 0);
	assert_int_equal(m->btf_value_type_id, 0);
	assert_int_equal(m->pinning, EM_PIN_NONE);

	m = map_by_name(obj, "outer");
	assert_int_equal(m->type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	assert_int_equal(m->value_size, 4);
	assert_int_equal(m->max_entries, 4);
	assert_non_null(m->inner);
	assert_string_equal(m->inner->name, "outer.inner");
	assert_int_equal(m->inner->type, BPF_MAP_TYPE_ARRAY);
	assert_int_equal(m->inner->key_size, 4);
	assert_int_equal(m->inner->value_size, 4);
	assert_int_equal(m->inner->max_entries, 1);
	assert_int_equal(m->n_init_slots, 2);
	assert_int_equal(m->init_slots[0].slot, 1);
	assert_string_equal(m->init_slots[0].target, "inner_b");
	assert_int_equal(m->init_slots[1].slot, 3);
	assert_string_equal(m->init_slots[1].target, "inner_a");

	m = map_by_name(obj, "jump_table");
	assert_int_equal(m->type, BPF_MAP_TYPE_PROG_ARRAY);
	assert_int_equal(m->key_size, 4);
	assert_int_equal(m->value_size, 4);
	assert_int_equal(m->max_entries, 3);
	assert_null(m->inner);
	assert_int_equal(m->n_init_slots, 1);
	assert_int_equal(m->init_slots[0].slot, 2);
	assert_string_equal(m->init_slots[0].target, "xdp_tail");

	/* the inner definitions are maps of their own too */
	m = map_by_name(obj, "inner_a");
	assert_int_equal(m->type, BPF_MAP_TYPE_ARRAY);
	assert_int_equal(m->n_init_slots, 0);
	map_by_name(obj, "inner_b");
	obj_free(obj);
}

/* DATASEC sec_name of the object BTF: size and the offset of variable var. */
static void datasec_check(struct em_model *obj, const char *sec_name, uint32_t size,
			  const char *var, uint32_t off)
{
	int id = em_btf_find(obj->btf, sec_name, BTF_KIND_DATASEC);
	const struct btf_type *t;
	const struct btf_var_secinfo *vs;
	bool found = false;

	assert_true(id > 0);
	t = em_btf_type(obj->btf, (uint32_t)id);
	assert_int_equal(t->size, size);
	vs = em_btf_tail(t);
	for (uint16_t i = 0; i < em_btf_vlen(t); i++) {
		if (!strcmp(btf_name(obj, vs[i].type), var)) {
			assert_int_equal(vs[i].offset, off);
			found = true;
		}
		if (i)
			assert_true(vs[i - 1].offset <= vs[i].offset);
	}
	assert_true(found);
}

static void test_data_maps(void **state)
{
	struct em_model *obj = open_path(OPEN_OBJECTS, "open_objects");
	struct em_elf_symbol sym;
	struct ebpfmini_map *m;
	uint32_t u32;
	uint64_t u64;

	(void)state;
	m = map_by_name(obj, ".data");
	assert_int_equal(m->kind, EM_MAP_DATA);
	assert_int_equal(m->type, BPF_MAP_TYPE_ARRAY);
	assert_int_equal(m->key_size, 4);
	assert_int_equal(m->value_size, em_elf_section_by_name(obj->elf, ".data")->size);
	assert_int_equal(m->max_entries, 1);
	assert_int_equal(m->map_flags, BPF_F_MMAPABLE);
	assert_int_equal(m->data_size, m->value_size);
	sym_index(obj->elf, "data_counter", &sym);
	memcpy(&u32, m->data + sym.value, 4);
	assert_int_equal(u32, 5);
	sym_index(obj->elf, "data_static", &sym);
	memcpy(&u32, m->data + sym.value, 4);
	assert_int_equal(u32, 9);
	assert_int_equal(m->btf_key_type_id, 0);
	assert_int_equal(m->btf_value_type_id, em_btf_find(obj->btf, ".data", BTF_KIND_DATASEC));
	datasec_check(obj, ".data", m->value_size, "data_static", (uint32_t)sym.value);

	m = map_by_name(obj, ".rodata");
	assert_int_equal(m->kind, EM_MAP_RODATA);
	assert_int_equal(m->map_flags, BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	sym_index(obj->elf, "ro_wide", &sym);
	memcpy(&u64, m->data + sym.value, 8);
	assert_true(u64 == 0x1122334455667788ULL);
	datasec_check(obj, ".rodata", m->value_size, "ro_wide", (uint32_t)sym.value);

	m = map_by_name(obj, ".bss");
	assert_int_equal(m->kind, EM_MAP_BSS);
	assert_int_equal(m->value_size, em_elf_section_by_name(obj->elf, ".bss")->size);
	for (size_t i = 0; i < m->data_size; i++)
		assert_int_equal(m->data[i], 0);
	sym_index(obj->elf, "bss_hits", &sym);
	datasec_check(obj, ".bss", m->value_size, "bss_hits", (uint32_t)sym.value);

	m = map_by_name(obj, ".data.custom");
	assert_int_equal(m->kind, EM_MAP_DATA);
	assert_int_equal(m->map_flags, BPF_F_MMAPABLE);
	memcpy(&u32, m->data, 4);
	assert_int_equal(u32, 3);

	/* maps never move: 6 user maps, 4 data maps, .kconfig */
	assert_int_equal(obj->nmaps, 6 + 4 + 1);
	for (size_t i = 0; i < obj->nmaps; i++) {
		assert_int_equal(obj->maps[i].index, i);
		assert_ptr_equal(obj->maps[i].obj, obj);
	}
	obj_free(obj);
}

static void test_kconfig(void **state)
{
	struct em_model *obj = open_path(OPEN_OBJECTS, "open_objects");
	struct ebpfmini_map *m = map_by_name(obj, ".kconfig");
	struct em_extern *kv = extern_by_name(obj, "LINUX_KERNEL_VERSION");
	struct em_extern *hz = extern_by_name(obj, "CONFIG_HZ");
	struct em_extern *lv = extern_by_name(obj, "CONFIG_LOCALVERSION");
	struct em_extern *all[] = { kv, hz, lv };
	int ds;

	(void)state;
	assert_int_equal(obj->nexterns, 3);
	assert_int_equal(m->kind, EM_MAP_KCONFIG);
	assert_int_equal(m->map_flags, BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	assert_int_equal(m->max_entries, 1);
	assert_int_equal(m->data_size, m->value_size);
	assert_false(kv->is_weak);
	assert_true(hz->is_weak);
	assert_true(lv->is_weak);
	assert_int_equal(kv->size, 4);
	assert_int_equal(hz->size, 4);
	assert_int_equal(lv->size, 16);
	ds = em_btf_find(obj->btf, ".kconfig", BTF_KIND_DATASEC);
	assert_int_equal(m->btf_value_type_id, ds);
	for (size_t i = 0; i < EM_ARRAY_SIZE(all); i++) {
		const struct btf_type *var = em_btf_type(obj->btf, all[i]->btf_id);

		assert_true(all[i]->is_kconfig);
		assert_int_equal(em_btf_kind(var), BTF_KIND_VAR);
		assert_string_equal(em_btf_type_name(obj->btf, var), all[i]->name);
		/* the kernel refuses extern VARs: open marks them allocated */
		assert_int_equal(((const struct btf_var *)em_btf_tail(var))->linkage,
				 BTF_VAR_GLOBAL_ALLOCATED);
		assert_true(all[i]->offset %
				    (all[i]->size >= 4 && all[i]->size <= 8 ? all[i]->size : 1) ==
			    0);
		assert_true(all[i]->offset + all[i]->size <= m->value_size);
		for (size_t j = 0; j < i; j++)
			assert_true(all[j]->offset + all[j]->size <= all[i]->offset ||
				    all[i]->offset + all[i]->size <= all[j]->offset);
		datasec_check(obj, ".kconfig", m->value_size, all[i]->name, all[i]->offset);
	}
	obj_free(obj);
}

static void test_legacy_maps(void **state)
{
	struct em_model *obj = open_path(OPEN_LEGACY, "open_legacy");
	struct ebpfmini_map *m;
	struct em_elf_symbol sym;

	(void)state;
	assert_int_equal(obj->nmaps, 2);
	m = map_by_name(obj, "counters");
	assert_int_equal(m->kind, EM_MAP_USER);
	assert_int_equal(m->type, BPF_MAP_TYPE_ARRAY);
	assert_int_equal(m->key_size, 4);
	assert_int_equal(m->value_size, 8);
	assert_int_equal(m->max_entries, 16);
	assert_int_equal(m->map_flags, 0);
	sym_index(obj->elf, "counters", &sym);
	assert_int_equal(m->sec_offset, sym.value);
	m = map_by_name(obj, "flows");
	assert_int_equal(m->type, BPF_MAP_TYPE_HASH);
	assert_int_equal(m->key_size, 8);
	assert_int_equal(m->value_size, 16);
	assert_int_equal(m->max_entries, 1024);
	assert_int_equal(m->map_flags, BPF_F_NO_PREALLOC);
	assert_int_equal(obj->nprogs, 1);
	assert_int_equal(obj->progs[0].type, BPF_PROG_TYPE_SOCKET_FILTER);
	assert_string_equal(obj->license, "GPL");
	assert_int_equal(obj->kversion, 0);
	obj_free(obj);
}

/* ---- relocations as recorded at open --------------------------------------------- */

static const struct em_reloc *reloc_for(const struct em_code_sec *c, const char *sym, int nth)
{
	for (size_t i = 0; i < c->nrelos; i++)
		if (!strcmp(c->relos[i].sym_name, sym) && nth-- == 0)
			return &c->relos[i];
	fail_msg("no relocation for '%s' in '%s'", sym, c->name);
	return NULL;
}

static void test_relocations(void **state)
{
	struct em_model *obj = open_path(OPEN_OBJECTS, "open_objects");
	struct em_code_sec *xdp = code_by_name(obj, "xdp");
	struct em_code_sec *text = code_by_name(obj, ".text");
	const struct em_reloc *r;
	struct em_elf_symbol sym;

	(void)state;
	for (size_t i = 1; i < xdp->nrelos; i++)
		assert_true(xdp->relos[i - 1].insn_idx < xdp->relos[i].insn_idx);

	r = reloc_for(xdp, "hash_map", 0);
	assert_int_equal(r->kind, EM_RELO_MAP_FD);
	assert_int_equal(r->map_idx, map_by_name(obj, "hash_map")->index);
	assert_true(em_insn_is_ld_imm64(&xdp->insns[r->insn_idx]));

	r = reloc_for(xdp, "jump_table", 0);
	assert_int_equal(r->kind, EM_RELO_MAP_FD);
	assert_int_equal(r->map_idx, map_by_name(obj, "jump_table")->index);

	/* bpf_loop callback: ld_imm64 of .text + byte offset */
	r = reloc_for(xdp, ".text", 1);
	assert_int_equal(r->kind, EM_RELO_FUNC_PTR);
	assert_int_equal(r->target_sec, text->sec_index);
	assert_int_equal(r->target_insn, func_by_name(text, "loop_cb")->insn_off);

	/* static call: section symbol, imm relative; global call: function symbol, imm -1 */
	r = reloc_for(xdp, ".text", 0);
	assert_int_equal(r->kind, EM_RELO_CALL);
	assert_int_equal(r->target_insn, func_by_name(text, "static_sub")->insn_off);
	r = reloc_for(xdp, "global_sub", 0);
	assert_int_equal(r->kind, EM_RELO_CALL);
	assert_int_equal(r->target_sec, text->sec_index);
	assert_int_equal(r->target_insn, func_by_name(text, "global_sub")->insn_off);

	r = reloc_for(xdp, "bss_hits", 0);
	assert_int_equal(r->kind, EM_RELO_MAP_VALUE);
	assert_int_equal(r->map_idx, map_by_name(obj, ".bss")->index);
	sym_index(obj->elf, "bss_hits", &sym);
	assert_int_equal(r->value_off, sym.value);

	/* static variable: .data section symbol, offset in imm */
	r = reloc_for(text, ".data", 0);
	assert_int_equal(r->kind, EM_RELO_MAP_VALUE);
	assert_int_equal(r->map_idx, map_by_name(obj, ".data")->index);
	sym_index(obj->elf, "data_static", &sym);
	assert_int_equal(r->value_off, sym.value);

	r = reloc_for(xdp, "CONFIG_LOCALVERSION", 0);
	assert_int_equal(r->kind, EM_RELO_KCONFIG);
	assert_int_equal(r->map_idx, map_by_name(obj, ".kconfig")->index);
	assert_int_equal(r->value_off, extern_by_name(obj, "CONFIG_LOCALVERSION")->offset);
	assert_string_equal(obj->externs[r->ext_idx].name, "CONFIG_LOCALVERSION");

	/* helper calls carry no relocation */
	for (size_t i = 0; i < xdp->nrelos; i++) {
		const struct bpf_insn *insn = &xdp->insns[xdp->relos[i].insn_idx];

		assert_false(em_insn_is_call(insn) && insn->src_reg == 0);
	}
	obj_free(obj);
}

static void test_ksym_externs(void **state)
{
	struct em_model *obj = open_path(OPEN_KSYM, "open_ksym");
	struct em_extern *e = extern_by_name(obj, "bpf_rcu_read_lock");
	struct em_code_sec *c = code_by_name(obj, "tp_btf/sys_enter");
	const struct em_reloc *r = reloc_for(c, "bpf_rcu_read_lock", 0);

	(void)state;
	assert_false(e->is_kconfig);
	assert_int_equal(r->kind, EM_RELO_EXTERN);
	assert_string_equal(obj->externs[r->ext_idx].name, "bpf_rcu_read_lock");
	assert_int_equal(prog_by_name(obj, "plain")->type, BPF_PROG_TYPE_TRACING);
	assert_int_equal(prog_by_name(obj, "plain")->expected_attach_type, BPF_TRACE_RAW_TP);
	/* no .kconfig externs: no .kconfig map */
	for (size_t i = 0; i < obj->nmaps; i++)
		assert_int_not_equal(obj->maps[i].kind, EM_MAP_KCONFIG);
	obj_free(obj);
}

/* ---- kernel-side map names ---------------------------------------------------------- */

static void kname(struct em_model *obj, const char *map, enum em_map_kind kind, const char *want)
{
	struct ebpfmini_map m = { .obj = obj, .name = (char *)map, .kind = kind };
	char out[BPF_OBJ_NAME_LEN];

	memset(out, 'x', sizeof(out));
	em_objfile_map_kernel_name(&m, out);
	assert_string_equal(out, want);
}

static void test_kernel_names(void **state)
{
	struct em_model obj = { .name = (char *)"open_objects" };

	(void)state;
	kname(&obj, ".data", EM_MAP_DATA, "open_obj.data");
	kname(&obj, ".rodata", EM_MAP_RODATA, "open_obj.rodata");
	kname(&obj, ".bss", EM_MAP_BSS, "open_obj.bss");
	kname(&obj, ".kconfig", EM_MAP_KCONFIG, "open_ob.kconfig");
	kname(&obj, ".data.custom", EM_MAP_DATA, ".data.custom");
	kname(&obj, ".rodata.str1.1", EM_MAP_RODATA, ".rodata.str1.1");
	kname(&obj, ".data.a_very_long_name", EM_MAP_DATA, ".data.a_very_lo");
	kname(&obj, "hash_map", EM_MAP_USER, "hash_map");
	kname(&obj, "outer.inner", EM_MAP_USER, "outer.inner");
	kname(&obj, "a_map_with_a_long_name", EM_MAP_USER, "a_map_with_a_lo");
	kname(&obj, "bad-name!", EM_MAP_USER, "bad_name_");
	obj.name = (char *)"my-obj";
	kname(&obj, ".data", EM_MAP_DATA, "my_obj.data");
	obj.name = NULL;
	kname(&obj, ".bss", EM_MAP_BSS, ".bss");
}

/* ---- damaged objects: errors, never crashes ----------------------------------------- */

struct image {
	uint8_t *data;
	size_t size;
	struct em_elf *elf; /* parsed view of data, for finding offsets */
};

static void image_load(struct image *im, const char *path)
{
	im->data = read_file(path, &im->size);
	assert_non_null(im->data);
	assert_int_equal(em_elf_parse_bpf(im->data, im->size, &im->elf), 0);
}

static void image_free(struct image *im)
{
	em_elf_free(im->elf);
	free(im->data);
}

/* Parse a patched copy and expect err, with a log line naming what is wrong. */
static void expect_parse(struct image *im, uint8_t *patched, int err, const char *needle)
{
	struct em_model *obj = NULL;

	log_capture_reset();
	assert_int_equal(parse_copy(patched, im->size, &obj), err);
	assert_null(obj);
	assert_true(logcap.count >= 1);
	if (needle && !strstr(logcap.last, needle))
		fail_msg("log line '%s' lacks '%s'", logcap.last, needle);
	free(patched);
}

static uint8_t *dup_image(const struct image *im)
{
	uint8_t *p = malloc(im->size);

	assert_non_null(p);
	memcpy(p, im->data, im->size);
	return p;
}

static void test_damaged_relocations(void **state)
{
	struct image im;
	struct em_elf_symbol sym;
	uint64_t off;
	uint8_t *p;
	size_t ri, si;

	(void)state;
	image_load(&im, OPEN_OBJECTS);

	/* relocation offset past the end of its section */
	p = dup_image(&im);
	ri = rel_find(im.elf, ".relxdp", "hash_map", -1);
	put64(p, rel_off(im.elf, ".relxdp", ri), em_elf_section_by_name(im.elf, "xdp")->size + 8);
	expect_parse(&im, p, -EBADMSG, "xdp");

	/* relocation offset not on an instruction boundary */
	p = dup_image(&im);
	off = rel_off(im.elf, ".relxdp", ri);
	put64(p, off, get64(im.data, off) + 4);
	expect_parse(&im, p, -EBADMSG, "not an instruction");

	/* symbol index out of range */
	p = dup_image(&im);
	off = rel_off(im.elf, ".relxdp", ri);
	put32(p, off + 12, 0xfffff);
	expect_parse(&im, p, -EBADMSG, "symbol index");

	/* a call relocation moved onto a non-call instruction (r3 = 0 right after the ld_imm64) */
	p = dup_image(&im);
	ri = rel_find(im.elf, ".relxdp", "jump_table", -1);
	off = rel_off(im.elf, ".relxdp", ri);
	put64(p, off, get64(im.data, off) + 16);
	expect_parse(&im, p, -EBADMSG, "neither ld_imm64 nor call");

	/* a call relocation on a helper call (src_reg 0) */
	p = dup_image(&im);
	ri = rel_find(im.elf, ".relxdp", "global_sub", -1);
	{
		const struct em_elf_section *xs = em_elf_section_by_name(im.elf, "xdp");
		struct em_elf_rel r;

		assert_int_equal(
			em_elf_rel(im.elf, em_elf_section_by_name(im.elf, ".relxdp"), ri, &r), 0);
		p[xs->offset + r.offset + 1] = 0; /* dst_reg 0, src_reg 0 */
	}
	expect_parse(&im, p, -EBADMSG, "not a bpf-to-bpf call");

	/* a call whose target lies outside the callee's section */
	p = dup_image(&im);
	{
		const struct em_elf_section *xs = em_elf_section_by_name(im.elf, "xdp");
		struct em_elf_rel r;

		ri = rel_find(im.elf, ".relxdp", ".text", -1);
		assert_int_equal(
			em_elf_rel(im.elf, em_elf_section_by_name(im.elf, ".relxdp"), ri, &r), 0);
		put32(p, xs->offset + r.offset + 4, 100000);
	}
	expect_parse(&im, p, -EBADMSG, "outside section");

	/* an ld_imm64 relocation to a symbol in the license section */
	p = dup_image(&im);
	si = sym_index(im.elf, "LICENSE", NULL);
	ri = rel_find(im.elf, ".relxdp", "hash_map", -1);
	off = rel_off(im.elf, ".relxdp", ri);
	put32(p, off + 12, (uint32_t)si);
	expect_parse(&im, p, -EBADMSG, "neither code, a map section nor global data");

	/* global data offset (section symbol + imm) beyond the section */
	p = dup_image(&im);
	{
		const struct em_elf_section *ts = em_elf_section_by_name(im.elf, ".text");
		struct em_elf_rel r;

		ri = rel_find(im.elf, ".rel.text", ".data", -1);
		assert_int_equal(
			em_elf_rel(im.elf, em_elf_section_by_name(im.elf, ".rel.text"), ri, &r), 0);
		put32(p, ts->offset + r.offset + 4, 4096);
	}
	expect_parse(&im, p, -EBADMSG, "outside '.data'");

	/* a relocation type that does not fit the instruction */
	p = dup_image(&im);
	ri = rel_find(im.elf, ".relxdp", "hash_map", -1);
	put32(p, rel_off(im.elf, ".relxdp", ri) + 8, 3);
	expect_parse(&im, p, -EBADMSG, "relocation type 3");

	/* .rel.maps entry that is not inside any values[] */
	p = dup_image(&im);
	si = sym_index(im.elf, "outer", &sym);
	ri = rel_find(im.elf, ".rel.maps", "inner_b", -1);
	put64(p, rel_off(im.elf, ".rel.maps", ri), sym.value);
	expect_parse(&im, p, -EBADMSG, "values");

	/* .rel.maps entry of a prog array naming a map */
	p = dup_image(&im);
	ri = rel_find(im.elf, ".rel.maps", "xdp_tail", -1);
	put32(p, rel_off(im.elf, ".rel.maps", ri) + 12,
	      (uint32_t)sym_index(im.elf, "inner_a", NULL));
	expect_parse(&im, p, -EBADMSG, "not a program");

	image_free(&im);
}

static void test_damaged_code(void **state)
{
	const struct em_elf_section *s;
	struct em_elf_symbol sym;
	struct image im;
	uint8_t *p;
	size_t si;

	(void)state;
	image_load(&im, OPEN_OBJECTS);

	/* program symbol larger than its section */
	p = dup_image(&im);
	si = sym_index(im.elf, "xdp_main", &sym);
	put64(p, sym_off(im.elf, si) + 16, sym.size + 8);
	expect_parse(&im, p, -EBADMSG, "does not fit section");

	/* program symbol value not instruction-aligned */
	p = dup_image(&im);
	put64(p, sym_off(im.elf, si) + 8, sym.value + 3);
	expect_parse(&im, p, -EBADMSG, "does not fit section");

	/* overlapping functions */
	p = dup_image(&im);
	si = sym_index(im.elf, "xdp_tail", &sym);
	put64(p, sym_off(im.elf, si) + 16, sym.size + 8);
	expect_parse(&im, p, -EBADMSG, "overlap");

	/* code section size not a multiple of 8 */
	p = dup_image(&im);
	s = em_elf_section_by_name(im.elf, "uprobe.s/libc.so.6:malloc");
	put64(p, shdr_off(im.data, s->index) + SHDR_SIZE, s->size - 4);
	expect_parse(&im, p, -EBADMSG, "multiple of 8");

	/* "version" of the wrong size */
	p = dup_image(&im);
	s = em_elf_section_by_name(im.elf, "version");
	put64(p, shdr_off(im.data, s->index) + SHDR_SIZE, 2);
	expect_parse(&im, p, -EBADMSG, "version");

	/* an unknown field in a map definition: rename "max_entries" in the BTF strings */
	p = dup_image(&im);
	s = em_elf_section_by_name(im.elf, ".BTF");
	{
		uint8_t *hit = memmem(p + s->offset, s->size, "max_entries", 12);

		assert_non_null(hit);
		hit[0] = 'n';
	}
	expect_parse(&im, p, -EOPNOTSUPP, "unknown field 'nax_entries'");

	/* .maps without BTF: rename the .BTF section */
	p = dup_image(&im);
	{
		uint16_t shstrndx;
		const struct em_elf_section *shstr;

		memcpy(&shstrndx, im.data + EHDR_SHSTRNDX, 2);
		shstr = &im.elf->sections[shstrndx];
		uint8_t *hit = memmem(p + shstr->offset, shstr->size, ".BTF\0", 5);

		assert_non_null(hit);
		hit[1] = 'X';
	}
	expect_parse(&im, p, -EBADMSG, "need the object's BTF");

	/* not an eBPF object */
	p = dup_image(&im);
	p[EHDR_MACHINE] = EM_X86_64;
	p[EHDR_MACHINE + 1] = 0;
	log_capture_reset();
	{
		struct em_model *obj;

		assert_int_equal(parse_copy(p, im.size, &obj), -ENOEXEC);
		free(p);
	}
	image_free(&im);
}

static void test_legacy_damage(void **state)
{
	const struct em_elf_section *s;
	struct image im;
	uint8_t *p;

	(void)state;
	image_load(&im, OPEN_LEGACY);
	/* a section size that two definitions cannot share */
	p = dup_image(&im);
	s = em_elf_section_by_name(im.elf, "maps");
	put64(p, shdr_off(im.data, s->index) + SHDR_SIZE, s->size - 4);
	expect_parse(&im, p, -EBADMSG, "maps");
	image_free(&im);
}

/* Every truncation and every single-byte change of the object: a result, never a crash. */
static void test_fuzz_bytes(void **state)
{
	struct image im;
	size_t ok = 0, bad = 0;

	(void)state;
	ebpfmini_log_set(log_capture_line, EBPFMINI_LOG_ERROR, NULL); /* keep the run quiet and fast */
	image_load(&im, OPEN_OBJECTS);
	for (size_t n = 0; n < im.size; n += 7) {
		struct em_model *obj = NULL;
		int err = parse_copy(im.data, n, &obj);

		assert_true(err < 0);
		assert_null(obj);
	}
	for (size_t i = 0; i < im.size; i++) {
		static const uint8_t flips[] = { 0xff, 0x80, 0x01 };
		uint8_t *p = dup_image(&im);
		struct em_model *obj = NULL;
		int err;

		p[i] ^= flips[i % EM_ARRAY_SIZE(flips)];
		err = parse_copy(p, im.size, &obj);
		if (err == 0) {
			ok++;
			obj_free(obj);
		} else {
			bad++;
			assert_true(err < 0);
		}
		free(p);
	}
	assert_true(ok > 0 && bad > 0);
	image_free(&im);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_license_version, fixture_setup),
		cmocka_unit_test_setup(test_programs, fixture_setup),
		cmocka_unit_test_setup(test_hidden_func_static, fixture_setup),
		cmocka_unit_test_setup(test_code_sections, fixture_setup),
		cmocka_unit_test_setup(test_btf_maps, fixture_setup),
		cmocka_unit_test_setup(test_data_maps, fixture_setup),
		cmocka_unit_test_setup(test_kconfig, fixture_setup),
		cmocka_unit_test_setup(test_legacy_maps, fixture_setup),
		cmocka_unit_test_setup(test_relocations, fixture_setup),
		cmocka_unit_test_setup(test_ksym_externs, fixture_setup),
		cmocka_unit_test_setup(test_kernel_names, fixture_setup),
		cmocka_unit_test_setup(test_damaged_relocations, fixture_setup),
		cmocka_unit_test_setup(test_damaged_code, fixture_setup),
		cmocka_unit_test_setup(test_legacy_damage, fixture_setup),
		cmocka_unit_test_setup(test_fuzz_bytes, fixture_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
