/* btf_test_obj.h - test-only: read a clang-built BPF object with em_elf and find its
 * .BTF/.BTF.ext bytes, section sizes and symbol offsets (what a loader hands to
 * em_btf_fixup_datasecs()). */
#ifndef EBPFMINI_TEST_BTF_TEST_OBJ_H
#define EBPFMINI_TEST_BTF_TEST_OBJ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h" /* lib/elf.h: the library's ELF reader */

struct tobj {
	unsigned char *data;
	size_t size;
	struct em_elf *elf;
};

/* Reads and parses path into obj; 0 or -1. */
static inline int tobj_read(const char *path, struct tobj *obj)
{
	FILE *f = fopen(path, "rb");
	long n;

	memset(obj, 0, sizeof(*obj));
	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -1;
	}
	obj->data = malloc((size_t)n);
	if (!obj->data || fread(obj->data, 1, (size_t)n, f) != (size_t)n) {
		free(obj->data);
		obj->data = NULL;
		fclose(f);
		return -1;
	}
	obj->size = (size_t)n;
	fclose(f);
	if (em_elf_parse_bpf(obj->data, obj->size, &obj->elf)) {
		free(obj->data);
		obj->data = NULL;
		return -1;
	}
	return 0;
}

static inline void tobj_free(struct tobj *obj)
{
	em_elf_free(obj->elf);
	free(obj->data);
	memset(obj, 0, sizeof(*obj));
}

/* Section called name: its index (or -1), bytes (NULL for NOBITS) and size. */
static inline int tobj_section(const struct tobj *obj, const char *name, const void **data,
			       size_t *size)
{
	const struct em_elf_section *s = em_elf_section_by_name(obj->elf, name);

	if (!s)
		return -1;
	if (data)
		*data = s->data;
	if (size)
		*size = s->size;
	return (int)s->index;
}

/* Number of bytes of a section (instructions for a program section). */
static inline size_t tobj_section_size(const struct tobj *obj, const char *name)
{
	size_t size = 0;

	return tobj_section(obj, name, NULL, &size) < 0 ? 0 : size;
}

/* st_value of the symbol called sym defined in section sec; 0 or -1. */
static inline int tobj_symbol(const struct tobj *obj, const char *sec, const char *sym,
			      unsigned long long *value)
{
	int secidx = tobj_section(obj, sec, NULL, NULL);
	size_t n = em_elf_symbol_count(obj->elf, obj->elf->symtab);

	if (secidx < 0)
		return -1;
	for (size_t i = 1; i < n; i++) {
		struct em_elf_symbol s;

		if (em_elf_symbol(obj->elf, obj->elf->symtab, i, &s))
			return -1;
		if (s.shndx == (unsigned)secidx && strcmp(s.name, sym) == 0) {
			*value = s.value;
			return 0;
		}
	}
	return -1;
}

#endif /* EBPFMINI_TEST_BTF_TEST_OBJ_H */
