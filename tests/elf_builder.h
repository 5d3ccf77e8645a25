/* elf_builder.h - crafted eBPF ELF objects for tests and fuzz mutators: sections by name, type and bytes */
#ifndef EBPFMINI_TEST_ELF_BUILDER_H
#define EBPFMINI_TEST_ELF_BUILDER_H

/*
 * eb_init() starts an object with the null section, a .strtab (section and
 * symbol names) and a .symtab holding the null symbol; eb_section() adds a
 * section (data NULL: zeroes, or none for SHT_NOBITS) and returns its index;
 * eb_symbol() adds a symbol; eb_write() lays the object out as clang would
 * (ET_REL, EM_BPF, little endian) into a malloc'd buffer. Header-only.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h" /* the project's ELF constants */

#define EB_MAX_SECS 8192

/* The ELF64 layouts (the C library's <elf.h> is hidden by the project's elf.h). */
typedef struct {
	uint32_t st_name;
	unsigned char st_info, st_other;
	uint16_t st_shndx;
	uint64_t st_value, st_size;
} eb_sym;

typedef struct {
	unsigned char e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} eb_ehdr;

typedef struct {
	uint32_t sh_name, sh_type;
	uint64_t sh_flags, sh_addr, sh_offset, sh_size;
	uint32_t sh_link, sh_info;
	uint64_t sh_addralign, sh_entsize;
} eb_shdr;

struct eb_sec {
	uint32_t name, type, link, info;
	uint64_t flags, size, entsize, align;
	const void *data;
};

struct elf_builder {
	struct eb_sec sec[EB_MAX_SECS];
	uint32_t nsec;
	char *strtab;
	size_t strtab_len;
	eb_sym *syms;
	size_t nsyms;
};

/* p (len bytes used) with room for n more: capacities are powers of two (from 64), so
 * appending one at a time costs linear time, not a copy per append. */
static inline void *eb_grow(void *p, size_t len, size_t n)
{
	size_t have = 64, want = 64;

	while (have < len)
		have *= 2;
	while (want < len + n)
		want *= 2;
	return !p || want > have ? realloc(p, want) : p;
}

static inline uint32_t eb_str(struct elf_builder *b, const char *s)
{
	size_t n = strlen(s) + 1, at = b->strtab_len;

	b->strtab = eb_grow(b->strtab, at, n);
	memcpy(b->strtab + at, s, n);
	b->strtab_len += n;
	return (uint32_t)at;
}

static inline uint32_t eb_section(struct elf_builder *b, const char *name, uint32_t type,
				  uint64_t flags, const void *data, uint64_t size)
{
	struct eb_sec *s = &b->sec[b->nsec];

	if (b->nsec >= EB_MAX_SECS)
		abort();
	memset(s, 0, sizeof(*s));
	s->name = eb_str(b, name);
	s->type = type;
	s->flags = flags;
	s->data = data;
	s->size = size;
	s->align = 8;
	return b->nsec++;
}

static inline void eb_symbol(struct elf_builder *b, const char *name, uint32_t shndx,
			     unsigned char info, uint64_t value, uint64_t size)
{
	b->syms = eb_grow(b->syms, b->nsyms * sizeof(*b->syms), sizeof(*b->syms));
	b->syms[b->nsyms++] = (eb_sym){ .st_name = eb_str(b, name), .st_info = info,
					   .st_shndx = (uint16_t)shndx, .st_value = value,
					   .st_size = size };
}

static inline void eb_init(struct elf_builder *b)
{
	memset(b, 0, sizeof(*b));
	eb_str(b, "");
	b->nsec = 1;
	eb_section(b, ".strtab", SHT_STRTAB, 0, NULL, 0);
	eb_section(b, ".symtab", SHT_SYMTAB, 0, NULL, 0);
	b->sec[2].link = 1;
	b->sec[2].entsize = sizeof(eb_sym);
	b->syms = eb_grow(NULL, 0, sizeof(*b->syms));
	memset(b->syms, 0, sizeof(*b->syms));
	b->nsyms = 1;
}

static inline uint8_t *eb_write(struct elf_builder *b, size_t *size)
{
	size_t off = sizeof(eb_ehdr), shoff;
	eb_shdr *sh;
	uint8_t *img;

	b->sec[1].data = b->strtab;
	b->sec[1].size = b->strtab_len;
	b->sec[2].data = b->syms;
	b->sec[2].size = b->nsyms * sizeof(eb_sym);
	b->sec[2].info = 1;
	for (uint32_t i = 1; i < b->nsec; i++)
		if (b->sec[i].type != SHT_NOBITS)
			off = ((off + 7) & ~(size_t)7) + b->sec[i].size;
	shoff = (off + 7) & ~(size_t)7;
	*size = shoff + b->nsec * sizeof(eb_shdr);
	img = calloc(1, *size);
	*(eb_ehdr *)img = (eb_ehdr){ .e_ident = { 0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB,
						  EV_CURRENT },
				     .e_type = ET_REL, .e_machine = EM_BPF, .e_version = EV_CURRENT,
				     .e_shoff = shoff, .e_ehsize = sizeof(eb_ehdr),
				     .e_shentsize = sizeof(eb_shdr), .e_shnum = (uint16_t)b->nsec,
				     .e_shstrndx = 1 };
	sh = (eb_shdr *)(img + shoff);
	off = sizeof(eb_ehdr);
	for (uint32_t i = 1; i < b->nsec; i++) {
		const struct eb_sec *s = &b->sec[i];

		off = (off + 7) & ~(size_t)7;
		sh[i] = (eb_shdr){ .sh_name = s->name, .sh_type = s->type, .sh_flags = s->flags,
				      .sh_offset = off, .sh_size = s->size, .sh_link = s->link,
				      .sh_info = s->info, .sh_addralign = s->align,
				      .sh_entsize = s->entsize };
		if (s->type == SHT_NOBITS)
			continue;
		if (s->data)
			memcpy(img + off, s->data, s->size);
		off += s->size;
	}
	return img;
}

static inline void eb_free(struct elf_builder *b)
{
	free(b->strtab);
	free(b->syms);
}

#endif
