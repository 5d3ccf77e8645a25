/* open_fixture.h - helpers of the open/relocation unit tests: objects parsed without object.c, ELF patching */
#ifndef OPEN_FIXTURE_H
#define OPEN_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"
#include "internal.h"
#include "log_capture.h"
#include "model.h"

#define OPEN_OBJECTS BPF_OBJ_DIR "/open_objects.bpf.o"
#define OPEN_LEGACY BPF_OBJ_DIR "/open_legacy.bpf.o"
#define OPEN_KSYM BPF_OBJ_DIR "/open_ksym.bpf.o"

static inline int fixture_setup(void **state)
{
	(void)state;
	log_capture_start(EBPFMINI_LOG_DEBUG);
	return 0;
}

/* Whole file in an exactly sized heap buffer (so ASan sees any over-read). */
static inline uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*size = (size_t)n;
	}
	fclose(f);
	return buf;
}

/* An object as object.c would set it up before em_objfile_parse: image owned, name, pin root. */
static inline struct em_model *obj_new(uint8_t *image, size_t size, const char *name)
{
	struct em_model *obj = calloc(1, sizeof(*obj));

	assert_non_null(obj);
	obj->image = image;
	obj->image_size = size;
	obj->name = strdup(name);
	obj->pin_root = strdup("/sys/fs/bpf");
	return obj;
}

static inline void obj_free(struct em_model *obj)
{
	if (!obj)
		return;
	em_objfile_free(obj);
	free(obj->image);
	free(obj->name);
	free(obj->pin_root);
	free(obj);
}

/* Parse a copy of image; returns em_objfile_parse's result, *out the object (freed on error). */
static inline int parse_copy(const uint8_t *image, size_t size, struct em_model **out)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct em_model *obj;
	int err;

	assert_non_null(copy);
	memcpy(copy, image, size);
	obj = obj_new(copy, size, "open_objects");
	err = em_objfile_parse(obj);
	if (err) {
		obj_free(obj);
		obj = NULL;
	}
	*out = obj;
	return err;
}

static inline struct em_model *open_path(const char *path, const char *name)
{
	size_t size = 0;
	uint8_t *image = read_file(path, &size);
	struct em_model *obj;
	int err;

	assert_non_null(image);
	obj = obj_new(image, size, name);
	err = em_objfile_parse(obj);
	if (err)
		fprintf(stderr, "open %s: %d (%s)\n", path, err, logcap.last);
	assert_int_equal(err, 0);
	return obj;
}

static inline struct ebpfmini_program *prog_by_name(struct em_model *obj, const char *name)
{
	for (size_t i = 0; i < obj->nprogs; i++)
		if (!strcmp(obj->progs[i].name, name))
			return &obj->progs[i];
	fail_msg("no program '%s'", name);
	return NULL;
}

static inline struct ebpfmini_map *map_by_name(struct em_model *obj, const char *name)
{
	for (size_t i = 0; i < obj->nmaps; i++)
		if (!strcmp(obj->maps[i].name, name))
			return &obj->maps[i];
	fail_msg("no map '%s'", name);
	return NULL;
}

static inline struct em_code_sec *code_by_name(struct em_model *obj, const char *name)
{
	for (size_t i = 0; i < obj->ncode; i++)
		if (!strcmp(obj->code[i].name, name))
			return &obj->code[i];
	fail_msg("no code section '%s'", name);
	return NULL;
}

static inline const struct em_func *func_by_name(const struct em_code_sec *c, const char *name)
{
	for (size_t i = 0; i < c->nfuncs; i++)
		if (!strcmp(c->funcs[i].name, name))
			return &c->funcs[i];
	fail_msg("no function '%s' in '%s'", name, c->name);
	return NULL;
}

static inline struct em_extern *extern_by_name(struct em_model *obj, const char *name)
{
	for (size_t i = 0; i < obj->nexterns; i++)
		if (!strcmp(obj->externs[i].name, name))
			return &obj->externs[i];
	fail_msg("no extern '%s'", name);
	return NULL;
}

/* Symbol called name in elf's .symtab: its index (and contents). */
static inline size_t sym_index(const struct em_elf *elf, const char *name,
			       struct em_elf_symbol *out)
{
	size_t n = em_elf_symbol_count(elf, elf->symtab);

	if (out)
		memset(out, 0, sizeof(*out));
	for (size_t i = 1; i < n; i++) {
		struct em_elf_symbol sym;

		if (em_elf_symbol(elf, elf->symtab, i, &sym) == 0 && !strcmp(sym.name, name)) {
			if (out)
				*out = sym;
			return i;
		}
	}
	fail_msg("no symbol '%s'", name);
	return 0;
}

/* ---- patching a copy of an object at offsets found through em_elf ----------------- */

/* ELF64 layout facts ("elf.h" here is the project's reader, not glibc's structs). */
#define EHDR_MACHINE 0x12   /* e_machine, u16 */
#define EHDR_SHOFF 0x28     /* e_shoff, u64 */
#define EHDR_SHENTSIZE 0x3a /* e_shentsize, u16 */
#define EHDR_SHSTRNDX 0x3e  /* e_shstrndx, u16 */
#define SHDR_SIZE 0x20      /* sh_size, u64 */
#define REL_ENTRY 16        /* Elf64_Rel */
#define SYM_ENTRY 24        /* Elf64_Sym */

static inline void put32(uint8_t *image, uint64_t off, uint32_t v)
{
	memcpy(image + off, &v, sizeof(v));
}

static inline void put64(uint8_t *image, uint64_t off, uint64_t v)
{
	memcpy(image + off, &v, sizeof(v));
}

static inline uint64_t get64(const uint8_t *image, uint64_t off)
{
	uint64_t v;

	memcpy(&v, image + off, sizeof(v));
	return v;
}

/* File offset of section index's header. */
static inline uint64_t shdr_off(const uint8_t *image, uint32_t index)
{
	uint16_t entsize;

	memcpy(&entsize, image + EHDR_SHENTSIZE, sizeof(entsize));
	return get64(image, EHDR_SHOFF) + (uint64_t)index * entsize;
}

/* File offset of relocation idx of section name (SHT_REL). */
static inline uint64_t rel_off(const struct em_elf *elf, const char *relsec, size_t idx)
{
	const struct em_elf_section *s = em_elf_section_by_name(elf, relsec);

	assert_non_null(s);
	assert_true(idx < em_elf_rel_count(elf, s));
	return s->offset + idx * REL_ENTRY;
}

/* Index of the first relocation of relsec whose symbol is called sym (and, if at >= 0, at that offset). */
static inline size_t rel_find(const struct em_elf *elf, const char *relsec, const char *sym,
			      int64_t at)
{
	const struct em_elf_section *s = em_elf_section_by_name(elf, relsec);

	assert_non_null(s);
	for (size_t i = 0; i < em_elf_rel_count(elf, s); i++) {
		struct em_elf_rel r;
		struct em_elf_symbol es;

		assert_int_equal(em_elf_rel(elf, s, i, &r), 0);
		assert_int_equal(em_elf_symbol(elf, elf->symtab, r.sym, &es), 0);
		if (es.type == STT_SECTION && es.shndx < elf->nsections)
			es.name = elf->sections[es.shndx].name;
		if (!strcmp(es.name, sym) && (at < 0 || (uint64_t)at == r.offset))
			return i;
	}
	fail_msg("no relocation for '%s' in '%s'", sym, relsec);
	return 0;
}

/* File offset of symbol idx of .symtab. */
static inline uint64_t sym_off(const struct em_elf *elf, size_t idx)
{
	return elf->symtab->offset + idx * SYM_ENTRY;
}

#endif /* OPEN_FIXTURE_H */
