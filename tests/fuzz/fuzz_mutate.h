/* fuzz_mutate.h - structure-aware libFuzzer mutator for eBPF objects: ELF section and symbol fields, BTF and .BTF.ext header and record fields (tests) */
#ifndef EBPFMINI_FUZZ_MUTATE_H
#define EBPFMINI_FUZZ_MUTATE_H

/*
 * Byte flips rarely get past the ELF reader's checks to the code behind
 * them. This mutator edits one field where a parser reads it: a section
 * header (type, flags, offset, size, link, info, entsize), a symbol (info,
 * section, value, size), the BTF header or a field of a BTF type record
 * (name, info, size/type, a member's type or offset), or the .BTF.ext header
 * and the record size and count of its first func/line/CO-RE block; each new
 * value is one that sits at a boundary (0, 1, a neighbour of the old value,
 * a power of two, all ones, another section's index or size). Half of the
 * calls leave the bytes to libFuzzer's own mutations. Little-endian ELF64
 * only: anything else goes to libFuzzer unchanged.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

static uint64_t mut_rand(unsigned int *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 8) ^ ((uint64_t)(*seed * 2654435761u) << 16);
}

static uint64_t rd(const uint8_t *p, int w)
{
	uint64_t v = 0;

	memcpy(&v, p, (size_t)w);
	return v;
}

static void wr(uint8_t *p, int w, uint64_t v)
{
	memcpy(p, &v, (size_t)w);
}

/* A boundary value for a field of w bytes that holds old; hint: a related number. */
static uint64_t boundary(unsigned int *seed, uint64_t old, uint64_t hint, int w)
{
	uint64_t ones = w == 8 ? ~0ull : (1ull << (8 * w)) - 1;

	switch (mut_rand(seed) % 9) {
	case 0: return 0;
	case 1: return 1;
	case 2: return old + 1;
	case 3: return old - 1;
	case 4: return ones;
	case 5: return ones >> 1;
	case 6: return 1ull << (mut_rand(seed) % (8 * (unsigned)w));
	case 7: return hint;
	default: return old ^ (1ull << (mut_rand(seed) % (8 * (unsigned)w)));
	}
}

/* Section i's header offset, or 0 when the header table does not fit. */
static size_t shdr_at(const uint8_t *d, size_t size, size_t i)
{
	uint64_t shoff = rd(d + 0x28, 8), shnum = rd(d + 0x3c, 2);

	if (i >= shnum || shoff > size || (size - shoff) / 64 < shnum)
		return 0;
	return (size_t)shoff + 64 * i;
}

/* The data of the section named name (via e_shstrndx), or NULL. */
static uint8_t *section_named(uint8_t *d, size_t size, const char *name, size_t *len)
{
	uint64_t shnum = rd(d + 0x3c, 2), strndx = rd(d + 0x3e, 2);
	size_t strh = shdr_at(d, size, strndx);
	uint64_t stroff, strsz;

	if (!strh)
		return NULL;
	stroff = rd(d + strh + 0x18, 8);
	strsz = rd(d + strh + 0x20, 8);
	if (stroff > size || strsz > size - stroff)
		return NULL;
	for (size_t i = 1; i < shnum; i++) {
		size_t h = shdr_at(d, size, i);
		uint64_t nm = rd(d + h + 0, 4), off = rd(d + h + 0x18, 8), sz = rd(d + h + 0x20, 8);

		if (!h || nm >= strsz || strnlen((const char *)d + stroff + nm, strsz - nm) >= strsz - nm)
			continue;
		if (strcmp((const char *)d + stroff + nm, name) == 0 && off <= size &&
		    sz <= size - off) {
			*len = (size_t)sz;
			return d + off;
		}
	}
	return NULL;
}

static bool mutate_section_header(uint8_t *d, size_t size, unsigned int *seed)
{
	static const struct { uint8_t off, w; } fields[] = {
		{ 0x04, 4 }, { 0x08, 8 }, { 0x18, 8 }, { 0x20, 8 }, { 0x28, 4 }, { 0x2c, 4 }, { 0x38, 8 },
	};
	uint64_t shnum = rd(d + 0x3c, 2);
	size_t h, other;
	int f;

	if (shnum < 2 || !(h = shdr_at(d, size, 1 + mut_rand(seed) % (shnum - 1))))
		return false;
	f = (int)(mut_rand(seed) % (sizeof(fields) / sizeof(fields[0])));
	other = shdr_at(d, size, mut_rand(seed) % shnum);
	wr(d + h + fields[f].off, fields[f].w,
	   boundary(seed, rd(d + h + fields[f].off, fields[f].w),
		    fields[f].off == 0x28 || fields[f].off == 0x2c ? mut_rand(seed) % shnum :
		    other ? rd(d + other + fields[f].off, fields[f].w) : 0, fields[f].w));
	return true;
}

static bool mutate_symbol(uint8_t *d, size_t size, unsigned int *seed)
{
	static const struct { uint8_t off, w; } fields[] = { { 4, 1 }, { 6, 2 }, { 8, 8 }, { 16, 8 } };
	size_t len, n;
	uint8_t *sym = section_named(d, size, ".symtab", &len), *s;
	int f;

	if (!sym || (n = len / 24) < 2)
		return false;
	s = sym + 24 * (1 + mut_rand(seed) % (n - 1));
	f = (int)(mut_rand(seed) % 4);
	wr(s + fields[f].off, fields[f].w,
	   boundary(seed, rd(s + fields[f].off, fields[f].w), rd(d + 0x3c, 2), fields[f].w));
	return true;
}

/* BTF: a header field, or one 4-byte word of the type section (a record's name, info, size/type, trailer). */
static bool mutate_btf(uint8_t *d, size_t size, unsigned int *seed)
{
	size_t len;
	uint8_t *b = section_named(d, size, ".BTF", &len);
	uint32_t hdr, tlen, word;

	if (!b || len < 24)
		return false;
	hdr = (uint32_t)rd(b + 4, 4); /* after magic, version and flags */
	if (mut_rand(seed) % 4 == 0 || hdr < 24 || hdr > len) {
		size_t f = 8 + 4 * (mut_rand(seed) % 4); /* type_off, type_len, str_off, str_len */

		wr(b + f, 4, boundary(seed, rd(b + f, 4), len, 4));
		return true;
	}
	tlen = (uint32_t)rd(b + 12, 4);
	if (tlen < 4 || (uint64_t)hdr + rd(b + 8, 4) + tlen > len)
		return false;
	word = (uint32_t)(mut_rand(seed) % (tlen / 4));
	{
		uint8_t *p = b + hdr + rd(b + 8, 4) + 4 * word;
		uint32_t old = (uint32_t)rd(p, 4);

		/* info words: change the kind or vlen; others: a boundary value */
		if (mut_rand(seed) % 3 == 0)
			wr(p, 4, (old & 0x0000ffff) | ((uint32_t)(mut_rand(seed) % 20) << 24));
		else
			wr(p, 4, boundary(seed, old, tlen / 12, 4));
	}
	return true;
}

/* .BTF.ext: a header field, or the record size / count of the first block of a section. */
static bool mutate_btf_ext(uint8_t *d, size_t size, unsigned int *seed)
{
	size_t len;
	uint8_t *e = section_named(d, size, ".BTF.ext", &len);
	uint32_t hdr;
	size_t f;

	if (!e || len < 32)
		return false;
	hdr = (uint32_t)rd(e + 4, 4);
	if (mut_rand(seed) % 2 || hdr > len) {
		f = 8 + 4 * (mut_rand(seed) % ((hdr >= 32 ? hdr : 32) / 4 - 2));
		if (f + 4 > len)
			return false;
		wr(e + f, 4, boundary(seed, rd(e + f, 4), len, 4));
		return true;
	}
	/* func_info at hdr + func_info_off: rec_size, then sec_name_off, num_info */
	f = hdr + (size_t)rd(e + 8 + 8 * (mut_rand(seed) % 3), 4);
	f += 4 * (mut_rand(seed) % 3);
	if (f + 4 > len)
		return false;
	wr(e + f, 4, boundary(seed, rd(e + f, 4), 0, 4));
	return true;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	bool done = false;

	if (size >= 64 && memcmp(data, "\177ELF\2\1", 6) == 0 && seed % 2) {
		switch (mut_rand(&seed) % 4) {
		case 0: done = mutate_section_header(data, size, &seed); break;
		case 1: done = mutate_symbol(data, size, &seed); break;
		case 2: done = mutate_btf(data, size, &seed); break;
		default: done = mutate_btf_ext(data, size, &seed); break;
		}
	}
	return done ? size : LLVMFuzzerMutate(data, size, max_size);
}

#endif /* EBPFMINI_FUZZ_MUTATE_H */
