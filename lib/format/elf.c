/* elf.c - ELF64 little-endian reader over an untrusted memory buffer (L1 format, pure) */
/*
 * What this file does
 * -------------------
 * It turns the bytes of an ELF64 little-endian file, held in memory by the
 * caller, into a table of sections (with names), a table of program headers,
 * and bounds-checked accessors for symbols and relocations. It serves two
 * users: the object loader, which reads clang's eBPF relocatable objects
 * (em_elf_parse_bpf), and uprobe attachment, which needs to turn a function
 * name in an ordinary x86-64 executable or shared library into a file offset
 * (em_elf_symbol_file_offset). It does no I/O, opens nothing and never
 * copies the file: section data and names point into the caller's buffer.
 *
 * Trust model
 * -----------
 * Every byte of the buffer is untrusted. All reads go through struct
 * em_reader or after an em_range_ok() check, so no offset, size, count or
 * index taken from the file is used before it has been checked against the
 * buffer. Tables are only allocated after the file has been shown to hold
 * them (e.g. e_shnum * e_shentsize bytes at e_shoff lie inside the file), so
 * a forged count cannot make us allocate more than a small multiple of the
 * file size. String tables must end in a NUL byte (the ELF rule), which makes
 * "offset < table size" enough to know a name is terminated inside its table,
 * in O(1) and without scanning.
 *
 * What is checked when
 * --------------------
 * em_elf_parse() checks the structure: header, section header table (with
 * the SHN_XINDEX / PN_XNUM escapes through section 0), every section's file
 * range, sh_link of every section, section names, program headers, and the
 * shape of every symbol and relocation table (entry size, size a multiple of
 * it, linked string / symbol table of the right type). Individual symbols
 * and relocations are checked when read (em_elf_symbol, em_elf_rel), so a
 * large executable is not walked in full just to look up one function.
 * em_elf_parse_bpf() additionally requires ET_REL + EM_BPF and reads every
 * symbol and relocation once, so that the loader gets a fully checked object
 * and damage is reported at open time, with its location.
 *
 * Errors: -EINVAL for a caller bug, -EBADMSG for damage, -ENOEXEC for a sane
 * ELF file that is not what was asked for (ELF32, big-endian, or for
 * em_elf_parse_bpf not an eBPF relocatable object), -ENOMEM, -ENOENT for a
 * look-up that finds nothing. Each error is logged once, here, with the
 * subject "elf" and the place at fault (section index and name, offsets).
 */
#include <endian.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "elf.h"
#include "internal.h"

/* Sizes of the on-disk ELF64 structures. */
#define EHDR_SIZE 64u
#define SHDR_SIZE 64u
#define PHDR_SIZE 56u
#define SYM_SIZE 24u
#define REL_SIZE 16u
#define RELA_SIZE 24u
#define SHNDX_SIZE 4u

/* The ELF header fields this reader uses, in host byte order. */
struct ehdr {
	uint16_t type, machine;
	uint32_t version;
	uint64_t phoff, shoff;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

/* Little-endian field reads; the em_reader does the bounds checking. */
static uint16_t rd16(struct em_reader *r)
{
	return le16toh(em_reader_u16(r));
}

static uint32_t rd32(struct em_reader *r)
{
	return le32toh(em_reader_u32(r));
}

static uint64_t rd64(struct em_reader *r)
{
	return le64toh(em_reader_u64(r));
}

/* Logs one damage report "elf: <what>" and returns -EBADMSG. */
EM_PRINTF(1, 2) static int damaged(const char *fmt, ...)
{
	char line[768];
	va_list ap;

	if (em_log_enabled(EBPFMINI_LOG_WARN)) {
		va_start(ap, fmt);
		vsnprintf(line, sizeof(line), fmt, ap);
		va_end(ap);
		em_warn("elf: %s", line);
	}
	return -EBADMSG;
}

/* True when s is one of elf's own section entries (not a stray pointer). */
static bool own_section(const struct em_elf *elf, const struct em_elf_section *s)
{
	return elf && s && s->index < elf->nsections && s == &elf->sections[s->index];
}

/* A string table is usable when empty or when its last byte is NUL: then
 * every offset below its size starts a string terminated inside the table. */
static bool strtab_ok(const struct em_elf_section *st)
{
	return st->type == SHT_STRTAB &&
	       (st->size == 0 || (st->data && st->data[st->size - 1] == '\0'));
}

/* String at off in a table that passed strtab_ok(), or NULL when outside. An
 * empty table still answers "" for offset 0 (the ELF "no name"). */
static const char *strtab_str(const struct em_elf_section *st, uint64_t off)
{
	if (st->size == 0)
		return off == 0 ? "" : NULL;
	if (off >= st->size)
		return NULL;
	return (const char *)st->data + off;
}

/* ---- ELF header ----------------------------------------------------------------- */

/*
 * e_ident: magic, class, byte order, version. ELF32 and big-endian files are
 * well-formed ELF that this reader does not handle: -ENOEXEC. Anything else
 * that is off means the file is not ELF or is damaged: -EBADMSG.
 */
static int check_ident(const uint8_t *p, size_t size)
{
	if (size < EI_NIDENT || memcmp(p, "\177ELF", 4) != 0)
		return damaged("not an ELF file: %s",
			       size < EI_NIDENT ? "shorter than the 16-byte ELF identification" :
						  "no \\177ELF magic at offset 0");
	if (p[EI_CLASS] == ELFCLASS32) {
		em_warn("elf: 32-bit ELF (ELFCLASS32) is not supported: only ELF64 is");
		return -ENOEXEC;
	}
	if (p[EI_CLASS] != ELFCLASS64)
		return damaged("ELF header: invalid class %u at offset 0x%x", p[EI_CLASS],
			       EI_CLASS);
	if (p[EI_DATA] == ELFDATA2MSB) {
		em_warn("elf: big-endian ELF (ELFDATA2MSB) is not supported: only little-endian is"
			" (for BPF, compile with -target bpf or bpfel, not bpfeb)");
		return -ENOEXEC;
	}
	if (p[EI_DATA] != ELFDATA2LSB)
		return damaged("ELF header: invalid byte order %u at offset 0x%x", p[EI_DATA],
			       EI_DATA);
	if (p[EI_VERSION] != EV_CURRENT)
		return damaged("ELF header: invalid version %u at offset 0x%x", p[EI_VERSION],
			       EI_VERSION);
	return 0;
}

static int read_ehdr(const uint8_t *p, size_t size, struct ehdr *eh)
{
	struct em_reader r;

	if (size < EHDR_SIZE)
		return damaged("ELF header: file size 0x%zx is smaller than the 64-byte header",
			       size);
	em_reader_init(&r, p, size);
	em_reader_seek(&r, EI_NIDENT);
	eh->type = rd16(&r);
	eh->machine = rd16(&r);
	eh->version = rd32(&r);
	(void)rd64(&r); /* e_entry */
	eh->phoff = rd64(&r);
	eh->shoff = rd64(&r);
	(void)rd32(&r); /* e_flags */
	eh->ehsize = rd16(&r);
	eh->phentsize = rd16(&r);
	eh->phnum = rd16(&r);
	eh->shentsize = rd16(&r);
	eh->shnum = rd16(&r);
	eh->shstrndx = rd16(&r); /* all inside the 64 bytes checked above */
	if (eh->version != EV_CURRENT)
		return damaged("ELF header: e_version %" PRIu32 " at offset 0x14, expected 1",
			       eh->version);
	if (eh->ehsize < EHDR_SIZE || eh->ehsize > size)
		return damaged("ELF header: e_ehsize %u at offset 0x34, expected 64", eh->ehsize);
	return 0;
}

/* ---- section headers -------------------------------------------------------------- */

/* Reads one 64-byte section header at off (already known to be in range). */
static void read_shdr(const struct em_elf *elf, uint64_t off, uint32_t index,
		      struct em_elf_section *s)
{
	struct em_reader r;

	em_reader_init(&r, elf->data, elf->size);
	em_reader_seek(&r, off);
	s->index = index;
	s->name = "";
	(void)rd32(&r); /* sh_name: resolved once the name table is known */
	s->type = rd32(&r);
	s->flags = rd64(&r);
	s->addr = rd64(&r);
	s->offset = rd64(&r);
	s->size = rd64(&r);
	s->link = rd32(&r);
	s->info = rd32(&r);
	s->addralign = rd64(&r);
	s->entsize = rd64(&r);
	s->data = NULL;
}

/* Checks a section's file range and points ->data at its bytes; what names
 * the section's role in the message instead of its name when given. */
static int map_section_data(struct em_elf *elf, struct em_elf_section *s, const char *what)
{
	if (s->type == SHT_NULL || s->type == SHT_NOBITS || s->size == 0)
		return 0;
	if (!em_range_ok(elf->size, s->offset, s->size)) {
		/* the name table is checked before names exist: it is named by role */
		return damaged("section %" PRIu32 " %s%s%s: offset 0x%" PRIx64 " + size 0x%" PRIx64
			       " beyond end of file (size 0x%zx)",
			       s->index, what ? "(" : "'", what ? what : s->name, what ? ")" : "'",
			       s->offset, s->size, elf->size);
	}
	s->data = elf->data + s->offset;
	return 0;
}

/*
 * The section header table. e_shnum and e_shstrndx are 16-bit; a file with
 * more sections puts 0 / SHN_XINDEX there and the real values in section 0's
 * sh_size / sh_link. The count is checked against the bytes the file holds
 * at e_shoff before anything is allocated.
 */
static int read_sections(struct em_elf *elf, const struct ehdr *eh)
{
	struct em_elf_section s0, *shstr = NULL;
	uint64_t count, strndx;
	int err;

	if (eh->shoff == 0) {
		if (eh->shnum != 0)
			return damaged("ELF header: e_shnum %u but e_shoff is 0", eh->shnum);
		return 0; /* no sections: allowed for executables */
	}
	if (eh->shentsize != SHDR_SIZE)
		return damaged("ELF header: e_shentsize %u at offset 0x3a, expected %u",
			       eh->shentsize, SHDR_SIZE);
	if (!em_range_ok(elf->size, eh->shoff, SHDR_SIZE))
		return damaged("section header table: offset 0x%" PRIx64
			       " beyond end of file (size 0x%zx)",
			       eh->shoff, elf->size);
	read_shdr(elf, eh->shoff, 0, &s0);
	count = eh->shnum ? eh->shnum : s0.size;
	strndx = eh->shstrndx == SHN_XINDEX ? s0.link : eh->shstrndx;
	/* count * 64 bytes at shoff must lie in the file; written to never overflow */
	if (count == 0 || count > (elf->size - eh->shoff) / SHDR_SIZE)
		return damaged("section header table: %" PRIu64
			       " headers of %u bytes at offset 0x%" PRIx64 " %s (file size 0x%zx)",
			       count, SHDR_SIZE, eh->shoff,
			       count ? "beyond end of file" : "is empty", elf->size);
	if (strndx >= count)
		return damaged("ELF header: section name table index %" PRIu64
			       " out of range (%" PRIu64 " sections)",
			       strndx, count);
	elf->sections = em_calloc(count, sizeof(*elf->sections));
	if (!elf->sections) {
		em_err("elf: %" PRIu64 " section headers: %s", count, strerror(ENOMEM));
		return -ENOMEM;
	}
	elf->nsections = count;
	for (uint64_t i = 0; i < count; i++)
		read_shdr(elf, eh->shoff + i * SHDR_SIZE, (uint32_t)i, &elf->sections[i]);

	/* names first (from .shstrtab, itself checked before use), so later messages can
	 * say which section is at fault */
	if (strndx != SHN_UNDEF) {
		shstr = &elf->sections[strndx];
		err = map_section_data(elf, shstr, "section name table");
		if (err)
			return err;
		if (!strtab_ok(shstr))
			return damaged("section %" PRIu64 " (section name table): %s", strndx,
				       shstr->type != SHT_STRTAB ? "not of type SHT_STRTAB" :
								   "not terminated by a NUL byte");
	}
	for (size_t i = 0; shstr && i < elf->nsections; i++) {
		struct em_reader r;
		uint32_t name_off;

		em_reader_init(&r, elf->data, elf->size);
		em_reader_seek(&r, eh->shoff + i * SHDR_SIZE); /* sh_name, in range */
		name_off = rd32(&r);
		elf->sections[i].name = strtab_str(shstr, name_off);
		if (!elf->sections[i].name)
			return damaged("section %zu: name offset 0x%" PRIx32
				       " outside the section name table (section %" PRIu64
				       ", size 0x%" PRIx64 ")",
				       i, name_off, strndx, shstr->size);
	}
	for (size_t i = 0; i < elf->nsections; i++) {
		struct em_elf_section *s = &elf->sections[i];

		err = map_section_data(elf, s, NULL);
		if (err)
			return err;
		/* (section 0's sh_link may carry the extended e_shstrndx: still < count) */
		if (s->link >= elf->nsections)
			return damaged("section %zu '%s': sh_link %" PRIu32
				       " out of range (%zu sections)",
				       i, s->name, s->link, elf->nsections);
	}
	return 0;
}

/* ---- program headers -------------------------------------------------------------- */

static int read_phdrs(struct em_elf *elf, const struct ehdr *eh)
{
	struct em_reader r;
	uint64_t count = eh->phnum;

	/* PN_XNUM: the real count is in section 0's sh_info */
	if (count == PN_XNUM) {
		if (elf->nsections == 0)
			return damaged("ELF header: e_phnum is PN_XNUM but there is no section 0");
		count = elf->sections[0].info;
	}
	if (count == 0)
		return 0;
	if (eh->phentsize != PHDR_SIZE)
		return damaged("ELF header: e_phentsize %u at offset 0x36, expected %u",
			       eh->phentsize, PHDR_SIZE);
	if (eh->phoff > elf->size || count > (elf->size - eh->phoff) / PHDR_SIZE)
		return damaged("program header table: %" PRIu64
			       " headers of %u bytes at offset 0x%" PRIx64
			       " beyond end of file (size 0x%zx)",
			       count, PHDR_SIZE, eh->phoff, elf->size);
	elf->phdrs = em_calloc(count, sizeof(*elf->phdrs));
	if (!elf->phdrs) {
		em_err("elf: %" PRIu64 " program headers: %s", count, strerror(ENOMEM));
		return -ENOMEM;
	}
	elf->nphdrs = count;
	em_reader_init(&r, elf->data, elf->size);
	em_reader_seek(&r, eh->phoff);
	for (size_t i = 0; i < elf->nphdrs; i++) {
		struct em_elf_phdr *p = &elf->phdrs[i];

		p->type = rd32(&r);
		p->flags = rd32(&r);
		p->offset = rd64(&r);
		p->vaddr = rd64(&r);
		(void)rd64(&r); /* p_paddr */
		p->filesz = rd64(&r);
		p->memsz = rd64(&r);
		p->align = rd64(&r);
		if (p->filesz && !em_range_ok(elf->size, p->offset, p->filesz))
			return damaged("program header %zu (type 0x%" PRIx32 "): offset 0x%" PRIx64
				       " + filesz 0x%" PRIx64 " beyond end of file (size 0x%zx)",
				       i, p->type, p->offset, p->filesz, elf->size);
		if (p->type == PT_LOAD && (p->filesz > p->memsz || p->vaddr + p->memsz < p->vaddr))
			return damaged("program header %zu (PT_LOAD): vaddr 0x%" PRIx64
				       " filesz 0x%" PRIx64 " memsz 0x%" PRIx64 ": %s",
				       i, p->vaddr, p->filesz, p->memsz,
				       p->filesz > p->memsz ? "filesz larger than memsz" :
							      "address range wraps around");
	}
	return r.err ? -EBADMSG : 0;
}

/* ---- symbol and relocation tables ----------------------------------------------------- */

/*
 * The shape of every table the accessors read: entry size, whole number of
 * entries, and the type of the linked table (a string table that ends in NUL
 * for symbols, a symbol table for relocations and extended indices).
 */
static int check_tables(struct em_elf *elf)
{
	for (size_t i = 0; i < elf->nsections; i++) {
		struct em_elf_section *s = &elf->sections[i];
		const struct em_elf_section *l = &elf->sections[s->link];
		uint64_t want;

		switch (s->type) {
		case SHT_SYMTAB:
		case SHT_DYNSYM:
			want = SYM_SIZE;
			break;
		case SHT_REL:
			want = REL_SIZE;
			break;
		case SHT_RELA:
			want = RELA_SIZE;
			break;
		case SHT_SYMTAB_SHNDX:
			want = SHNDX_SIZE;
			break;
		default:
			continue;
		}
		if (s->entsize != want || s->size % want)
			return damaged("section %zu '%s': sh_entsize %" PRIu64 " / size 0x%" PRIx64
				       ": expected entries of %" PRIu64 " bytes",
				       i, s->name, s->entsize, s->size, want);
		if (s->type == SHT_SYMTAB || s->type == SHT_DYNSYM) {
			if (!strtab_ok(l))
				return damaged("section %zu '%s': linked string table %" PRIu32
					       " '%s' is %s",
					       i, s->name, s->link, l->name,
					       l->type != SHT_STRTAB ?
						       "not of type SHT_STRTAB" :
						       "not terminated by a NUL byte");
			if (s->type == SHT_SYMTAB && !elf->symtab)
				elf->symtab = s;
			if (s->type == SHT_DYNSYM && !elf->dynsym)
				elf->dynsym = s;
			continue;
		}
		/* relocations in executables may have sh_link 0 (no symbols) */
		if ((s->link != 0 || s->type == SHT_SYMTAB_SHNDX) && l->type != SHT_SYMTAB &&
		    l->type != SHT_DYNSYM)
			return damaged("section %zu '%s': sh_link %" PRIu32
				       " '%s' is not a symbol table",
				       i, s->name, s->link, l->name);
		if (s->type != SHT_SYMTAB_SHNDX && s->info >= elf->nsections)
			return damaged("section %zu '%s': sh_info %" PRIu32
				       " (section to relocate) out of range (%zu sections)",
				       i, s->name, s->info, elf->nsections);
	}
	return 0;
}

size_t em_elf_symbol_count(const struct em_elf *elf, const struct em_elf_section *symtab)
{
	if (!own_section(elf, symtab) || (symtab->type != SHT_SYMTAB && symtab->type != SHT_DYNSYM))
		return 0;
	return symtab->size / SYM_SIZE; /* entsize and size checked at parse */
}

/* The extended section index of symbol idx from the SHT_SYMTAB_SHNDX table
 * that belongs to symtab; -EBADMSG when there is none or it is too short. */
static int xindex(const struct em_elf *elf, const struct em_elf_section *symtab, size_t idx,
		  uint32_t *out)
{
	for (size_t i = 0; i < elf->nsections; i++) {
		const struct em_elf_section *x = &elf->sections[i];
		struct em_reader r;

		if (x->type != SHT_SYMTAB_SHNDX || x->link != symtab->index)
			continue;
		em_reader_init(&r, x->data, x->size);
		if (!em_reader_seek(&r, (uint64_t)idx * SHNDX_SIZE))
			break;
		*out = rd32(&r);
		if (r.err)
			break;
		return 0;
	}
	return damaged("section %" PRIu32 " '%s': symbol %zu: SHN_XINDEX without an entry in a"
		       " SHT_SYMTAB_SHNDX section",
		       symtab->index, symtab->name, idx);
}

int em_elf_symbol(const struct em_elf *elf, const struct em_elf_section *symtab, size_t idx,
		  struct em_elf_symbol *out)
{
	const struct em_elf_section *strtab;
	struct em_reader r;
	uint32_t name_off, ext;
	uint8_t info, other;
	uint16_t shndx;
	int err;

	if (!out || !own_section(elf, symtab) ||
	    (symtab->type != SHT_SYMTAB && symtab->type != SHT_DYNSYM))
		return -EINVAL;
	if (idx >= em_elf_symbol_count(elf, symtab))
		return -ENOENT;
	em_reader_init(&r, symtab->data, symtab->size);
	em_reader_seek(&r, (uint64_t)idx * SYM_SIZE);
	name_off = rd32(&r);
	info = em_reader_u8(&r);
	other = em_reader_u8(&r);
	shndx = rd16(&r);
	out->value = rd64(&r);
	out->size = rd64(&r);
	if (r.err)
		return -EBADMSG; /* unreachable: count derives from the checked size */
	out->bind = info >> 4;
	out->type = info & 0xf;
	out->visibility = other & 0x3;

	strtab = &elf->sections[symtab->link]; /* link and strtab_ok() checked at parse */
	out->name = strtab_str(strtab, name_off);
	if (!out->name) {
		out->name = "";
		return damaged("section %" PRIu32 " '%s': symbol %zu: name offset 0x%" PRIx32
			       " outside string table section %" PRIu32 " '%s' (size 0x%" PRIx64
			       ")",
			       symtab->index, symtab->name, idx, name_off, strtab->index,
			       strtab->name, strtab->size);
	}
	if (shndx == SHN_XINDEX) {
		err = xindex(elf, symtab, idx, &ext);
		if (err)
			return err;
		if (ext == SHN_UNDEF || ext >= elf->nsections)
			goto bad_index;
		/* an index that does not fit 16 bits stays SHN_XINDEX (only reachable
		 * with more than 65280 sections) */
		shndx = ext < SHN_LORESERVE ? (uint16_t)ext : SHN_XINDEX;
	} else if (shndx != SHN_UNDEF && shndx < SHN_LORESERVE && shndx >= elf->nsections) {
		ext = shndx;
		goto bad_index;
	}
	out->shndx = shndx;
	return 0;

bad_index:
	return damaged("section %" PRIu32 " '%s': symbol %zu '%s': section index %" PRIu32
		       " out of range (%zu sections)",
		       symtab->index, symtab->name, idx, out->name, ext, elf->nsections);
}

size_t em_elf_rel_count(const struct em_elf *elf, const struct em_elf_section *relsec)
{
	if (!own_section(elf, relsec))
		return 0;
	if (relsec->type == SHT_REL)
		return relsec->size / REL_SIZE;
	if (relsec->type == SHT_RELA)
		return relsec->size / RELA_SIZE;
	return 0;
}

int em_elf_rel(const struct em_elf *elf, const struct em_elf_section *relsec, size_t idx,
	       struct em_elf_rel *out)
{
	const struct em_elf_section *symtab, *target;
	bool rela;
	struct em_reader r;
	uint64_t r_info;
	size_t nsyms;

	if (!out || !own_section(elf, relsec) ||
	    (relsec->type != SHT_REL && relsec->type != SHT_RELA))
		return -EINVAL;
	if (idx >= em_elf_rel_count(elf, relsec))
		return -ENOENT;
	rela = relsec->type == SHT_RELA;
	em_reader_init(&r, relsec->data, relsec->size);
	em_reader_seek(&r, (uint64_t)idx * (rela ? RELA_SIZE : REL_SIZE));
	out->offset = rd64(&r);
	r_info = rd64(&r);
	out->addend = rela ? (int64_t)rd64(&r) : 0;
	if (r.err)
		return -EBADMSG; /* unreachable: count derives from the checked size */
	out->sym = (uint32_t)(r_info >> 32);
	out->type = (uint32_t)r_info;

	/* symbol 0 is the null symbol and always allowed */
	symtab = &elf->sections[relsec->link];
	nsyms = relsec->link ? em_elf_symbol_count(elf, symtab) : 0;
	if (out->sym != 0 && out->sym >= nsyms)
		return damaged("section %" PRIu32 " '%s': relocation %zu at 0x%" PRIx64
			       ": symbol index %" PRIu32
			       " out of range (%zu symbols in section %" PRIu32 " '%s')",
			       relsec->index, relsec->name, idx, out->offset, out->sym, nsyms,
			       symtab->index, symtab->name);
	/* in an object file, r_offset is an offset into the section sh_info names;
	 * the width of the patched field is checked by the relocation code */
	target = &elf->sections[relsec->info];
	if (elf->type == ET_REL && relsec->info != 0 && target->type != SHT_NOBITS &&
	    out->offset >= target->size)
		return damaged("section %" PRIu32 " '%s': relocation %zu: offset 0x%" PRIx64
			       " beyond section %" PRIu32 " '%s' (size 0x%" PRIx64 ")",
			       relsec->index, relsec->name, idx, out->offset, target->index,
			       target->name, target->size);
	return 0;
}

/* ---- parse entry points -------------------------------------------------------------- */

/* The extra checks for an eBPF object: type and machine, then every symbol
 * and every relocation read once so that damage shows at open time. */
static int check_bpf(const struct em_elf *elf)
{
	if (elf->type != ET_REL || elf->machine != EM_BPF) {
		em_warn("elf: not an eBPF object: e_type %u, e_machine %u; expected ET_REL (%u) and"
			" EM_BPF (%u), as built by clang -target bpf -c",
			elf->type, elf->machine, ET_REL, EM_BPF);
		return -ENOEXEC;
	}
	for (size_t i = 0; i < elf->nsections; i++) {
		const struct em_elf_section *s = &elf->sections[i];
		size_t nsyms = em_elf_symbol_count(elf, s), nrels = em_elf_rel_count(elf, s);
		struct em_elf_symbol sym;
		struct em_elf_rel rel;
		int err = 0;

		/* (each count is 0 unless the section is of that kind) */
		for (size_t j = 0; !err && j < nsyms; j++)
			err = em_elf_symbol(elf, s, j, &sym);
		for (size_t j = 0; !err && j < nrels; j++)
			err = em_elf_rel(elf, s, j, &rel);
		if (err)
			return err;
	}
	return 0;
}

static int parse(const void *data, size_t size, bool bpf, struct em_elf **out)
{
	struct em_elf *elf;
	struct ehdr eh = { 0 };
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!data && size)
		return -EINVAL;
	err = check_ident(data, size);
	if (err)
		return err;
	err = read_ehdr(data, size, &eh);
	if (err)
		return err;
	elf = calloc(1, sizeof(*elf));
	if (!elf) {
		em_err("elf: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	elf->data = data;
	elf->size = size;
	elf->type = eh.type;
	elf->machine = eh.machine;
	err = read_sections(elf, &eh);
	if (!err)
		err = read_phdrs(elf, &eh);
	if (!err)
		err = check_tables(elf);
	if (!err && bpf)
		err = check_bpf(elf);
	if (err) {
		em_elf_free(elf);
		return err;
	}
	*out = elf;
	return 0;
}

int em_elf_parse(const void *data, size_t size, struct em_elf **out)
{
	return parse(data, size, false, out);
}

int em_elf_parse_bpf(const void *data, size_t size, struct em_elf **out)
{
	return parse(data, size, true, out);
}

void em_elf_free(struct em_elf *elf)
{
	if (!elf)
		return;
	free(elf->sections);
	free(elf->phdrs);
	free(elf);
}

const struct em_elf_section *em_elf_section(const struct em_elf *elf, size_t index)
{
	if (!elf || index >= elf->nsections)
		return NULL;
	return &elf->sections[index];
}

const struct em_elf_section *em_elf_section_by_name(const struct em_elf *elf, const char *name)
{
	if (!elf || !name)
		return NULL;
	for (size_t i = 0; i < elf->nsections; i++)
		if (strcmp(elf->sections[i].name, name) == 0)
			return &elf->sections[i];
	return NULL;
}

/* ---- addresses and uprobe look-ups ------------------------------------------------------ */

int em_elf_vaddr_to_offset(const struct em_elf *elf, uint64_t vaddr, uint64_t *offset)
{
	if (!elf || !offset)
		return -EINVAL;
	/* only the file-backed part of a PT_LOAD segment has a file offset */
	for (size_t i = 0; i < elf->nphdrs; i++) {
		const struct em_elf_phdr *p = &elf->phdrs[i];

		/* the result lies inside the file: offset + filesz was checked at parse */
		if (p->type == PT_LOAD && vaddr >= p->vaddr && vaddr - p->vaddr < p->filesz) {
			*offset = p->offset + (vaddr - p->vaddr);
			return 0;
		}
	}
	return -ENOENT;
}

/* sym is "want" when equal, or when it only adds an "@VERSION" / "@@VERSION". */
static bool name_matches(const char *sym, const char *want, size_t len)
{
	return strncmp(sym, want, len) == 0 && (sym[len] == '\0' || sym[len] == '@');
}

/* File offset of a defined symbol: through PT_LOAD when the file has program
 * headers, else through its section (object files: value is section-relative). */
static int symbol_offset(const struct em_elf *elf, const struct em_elf_symbol *sym,
			 uint64_t *offset)
{
	const struct em_elf_section *s;
	bool has_load = false;

	for (size_t i = 0; i < elf->nphdrs; i++)
		has_load |= elf->phdrs[i].type == PT_LOAD;
	if (has_load && elf->type != ET_REL)
		return em_elf_vaddr_to_offset(elf, sym->value, offset);
	if (sym->shndx == SHN_UNDEF || sym->shndx >= SHN_LORESERVE)
		return -ENOENT;
	s = &elf->sections[sym->shndx]; /* index checked by em_elf_symbol */
	if (!s->data)
		return -ENOENT;
	if (elf->type == ET_REL) {
		if (sym->value >= s->size)
			return -ENOENT;
		*offset = s->offset + sym->value;
		return 0;
	}
	if (sym->value < s->addr || sym->value - s->addr >= s->size)
		return -ENOENT;
	*offset = s->offset + (sym->value - s->addr);
	return 0;
}

/*
 * Function symbol look-up for uprobes. The query may carry a version
 * ("malloc@@GLIBC_2.2.5"): only the part before '@' is compared, and symbol
 * names that carry one match too. Undefined symbols are skipped. Among the
 * matches, a function (STT_FUNC / STT_GNU_IFUNC) beats any other type and a
 * global or weak binding beats a local one; .symtab is searched before
 * .dynsym and the first best match wins.
 */
int em_elf_symbol_file_offset(const struct em_elf *elf, const char *name, uint64_t *offset)
{
	const struct em_elf_section *tables[2];
	struct em_elf_symbol sym, best = { 0 };
	int best_score = -1;
	size_t len;
	int err;

	if (!elf || !name || !offset)
		return -EINVAL;
	len = strcspn(name, "@");
	if (len == 0)
		return -ENOENT;
	tables[0] = elf->symtab;
	tables[1] = elf->dynsym;
	for (size_t t = 0; t < 2 && best_score < 3; t++) {
		size_t n = em_elf_symbol_count(elf, tables[t]);

		for (size_t i = 1; i < n && best_score < 3; i++) {
			int score;

			err = em_elf_symbol(elf, tables[t], i, &sym);
			if (err)
				return err;
			if (sym.shndx == SHN_UNDEF || !name_matches(sym.name, name, len))
				continue;
			score = (sym.type == STT_FUNC || sym.type == STT_GNU_IFUNC) * 2 +
				(sym.bind == STB_GLOBAL || sym.bind == STB_WEAK);
			if (score > best_score) {
				best = sym;
				best_score = score;
			}
		}
	}
	if (best_score < 0)
		return -ENOENT;
	return symbol_offset(elf, &best, offset);
}
