/* elf.h - private ELF64 little-endian reader over an untrusted memory buffer (L1 format, pure) */
#ifndef EBPFMINI_ELF_H
#define EBPFMINI_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * ELF ABI constants. Because lib/ and tests/ are on the include path, any
 * "#include <elf.h>" there finds this header, not the C library's, so the
 * values the project needs are defined here under their standard names
 * (spelled exactly as glibc spells them, so that both headers may meet).
 */
#ifndef _ELF_H
#define EI_NIDENT (16)
#define EI_CLASS	4
#define EI_DATA		5
#define EI_VERSION	6
#define ELFCLASSNONE	0
#define ELFCLASS32	1
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define ELFDATA2MSB	2
#define EV_CURRENT	1
#define ET_NONE		0
#define ET_REL		1
#define ET_EXEC		2
#define ET_DYN		3
#define ET_CORE		4
#define EM_X86_64	62
#define EM_BPF		247
#define SHN_UNDEF	0
#define SHN_LORESERVE	0xff00
#define SHN_ABS		0xfff1
#define SHN_COMMON	0xfff2
#define SHN_XINDEX	0xffff
#define SHT_NULL	  0
#define SHT_PROGBITS	  1
#define SHT_SYMTAB	  2
#define SHT_STRTAB	  3
#define SHT_RELA	  4
#define SHT_HASH	  5
#define SHT_DYNAMIC	  6
#define SHT_NOTE	  7
#define SHT_NOBITS	  8
#define SHT_REL		  9
#define SHT_DYNSYM	  11
#define SHT_SYMTAB_SHNDX  18
#define SHF_WRITE	     (1 << 0)
#define SHF_ALLOC	     (1 << 1)
#define SHF_EXECINSTR	     (1 << 2)
#define STB_LOCAL	0
#define STB_GLOBAL	1
#define STB_WEAK	2
#define STT_NOTYPE	0
#define STT_OBJECT	1
#define STT_FUNC	2
#define STT_SECTION	3
#define STT_FILE	4
#define STT_GNU_IFUNC	10
#define STV_DEFAULT	0
#define STV_INTERNAL	1
#define STV_HIDDEN	2
#define STV_PROTECTED	3
#define PN_XNUM		0xffff
#define PT_NULL		0
#define PT_LOAD		1
#define PT_DYNAMIC	2
#define PT_INTERP	3
#define PT_NOTE		4
#define PT_PHDR		6
#define PF_X		(1 << 0)
#define PF_W		(1 << 1)
#define PF_R		(1 << 2)
#define R_BPF_NONE		0
#define R_BPF_64_64		1
#define R_BPF_64_32		10
#endif /* _ELF_H */
/* BPF relocation types glibc's <elf.h> lacks (values from LLVM's BPF backend). */
#ifndef R_BPF_64_ABS64
#define R_BPF_64_ABS64 2
#define R_BPF_64_ABS32 3
#define R_BPF_64_NODYLD32 4
#endif

/*
 * The reader never copies or owns the file bytes: the caller keeps the buffer
 * alive for as long as the em_elf (and every pointer obtained from it) is used.
 * Every offset, size, count and index taken from the file is checked against
 * the buffer before use. Errors: -EBADMSG for damage, -ENOEXEC for a valid ELF
 * that is not what was asked for, -ENOMEM; each logged once with the subject
 * "elf" and the section index/name and offset at fault.
 */

struct em_elf_section {
	uint32_t index;     /* section header index */
	const char *name;   /* from .shstrtab; "" when the section has no name */
	uint32_t type;      /* SHT_* */
	uint64_t flags;     /* SHF_* */
	uint64_t addr;      /* sh_addr (virtual address in executables) */
	uint64_t offset;    /* sh_offset in the file */
	uint64_t size;      /* sh_size */
	uint32_t link;      /* sh_link (already checked < section count) */
	uint32_t info;      /* sh_info (raw; meaning depends on type) */
	uint64_t addralign; /* sh_addralign */
	uint64_t entsize;   /* sh_entsize */
	const uint8_t *data; /* size bytes inside the buffer, or NULL for SHT_NOBITS / empty */
};

struct em_elf_symbol {
	const char *name; /* "" when unnamed */
	uint64_t value;
	uint64_t size;
	uint8_t bind;       /* STB_* */
	uint8_t type;       /* STT_* */
	uint8_t visibility; /* STV_* */
	uint16_t shndx;     /* SHN_* or a section index (checked < count unless special) */
};

struct em_elf_rel {
	uint64_t offset; /* r_offset */
	uint32_t sym;    /* symbol index (checked < symbol count of the linked symtab) */
	uint32_t type;   /* relocation type (R_BPF_* / R_X86_64_*) */
	int64_t addend;  /* 0 for SHT_REL */
};

struct em_elf_phdr {
	uint32_t type; /* PT_* */
	uint32_t flags;
	uint64_t offset, vaddr, filesz, memsz, align;
};

struct em_elf {
	const uint8_t *data; /* the caller's buffer */
	size_t size;
	uint16_t type;    /* ET_REL, ET_EXEC, ET_DYN, ... */
	uint16_t machine; /* EM_BPF, EM_X86_64, ... */
	struct em_elf_section *sections; /* nsections entries, index 0 is the null section */
	size_t nsections;
	struct em_elf_phdr *phdrs; /* program headers (executables / shared objects) */
	size_t nphdrs;
	const struct em_elf_section *symtab; /* .symtab (SHT_SYMTAB) or NULL */
	const struct em_elf_section *dynsym; /* .dynsym (SHT_DYNSYM) or NULL */
};

/* Parse an ELF64 little-endian image of any type and machine. */
int em_elf_parse(const void *data, size_t size, struct em_elf **out);
/* Parse and require an eBPF relocatable object (ET_REL, EM_BPF); -ENOEXEC otherwise. */
int em_elf_parse_bpf(const void *data, size_t size, struct em_elf **out);
void em_elf_free(struct em_elf *elf);

const struct em_elf_section *em_elf_section(const struct em_elf *elf, size_t index);
const struct em_elf_section *em_elf_section_by_name(const struct em_elf *elf, const char *name);

/* Number of symbols in a SHT_SYMTAB / SHT_DYNSYM section (0 for anything else). */
size_t em_elf_symbol_count(const struct em_elf *elf, const struct em_elf_section *symtab);
/* Read symbol idx of symtab; -EBADMSG when damaged, -ENOENT when idx is out of range. */
int em_elf_symbol(const struct em_elf *elf, const struct em_elf_section *symtab, size_t idx,
		  struct em_elf_symbol *out);

/* Number of entries in a SHT_REL / SHT_RELA section. */
size_t em_elf_rel_count(const struct em_elf *elf, const struct em_elf_section *relsec);
/* Read entry idx of a SHT_REL / SHT_RELA section; sym is checked against the
 * symbol count of the symtab named by relsec->link. */
int em_elf_rel(const struct em_elf *elf, const struct em_elf_section *relsec, size_t idx,
	       struct em_elf_rel *out);

/*
 * Uprobe support: find a function symbol by name in .symtab, then .dynsym
 * (ignoring undefined symbols and "@VERSION" suffixes in the query), and turn
 * its virtual address into a file offset through the PT_LOAD program headers
 * (falling back to the containing section for ET_REL). -ENOENT when absent.
 */
int em_elf_symbol_file_offset(const struct em_elf *elf, const char *name, uint64_t *offset);
/* Convert a virtual address to a file offset through PT_LOAD segments; -ENOENT if unmapped. */
int em_elf_vaddr_to_offset(const struct em_elf *elf, uint64_t vaddr, uint64_t *offset);

#endif /* EBPFMINI_ELF_H */
