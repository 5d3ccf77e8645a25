/* fuzz_elf.c - libFuzzer harness: the ELF reader (lib/elf.c) on arbitrary bytes (tests) */
#include "fuzz_common.h"

/* Look-ups that scan every symbol run for a few names only, to stay linear per input. */
#define LOOKUPS_MAX 8

static void walk(const struct em_elf *elf)
{
	size_t lookups = 0;
	uint64_t off;

	for (size_t i = 0; i < elf->nsections; i++) {
		const struct em_elf_section *s = em_elf_section(elf, i);
		size_t nsyms = em_elf_symbol_count(elf, s), nrels = em_elf_rel_count(elf, s);
		struct em_elf_symbol sym;
		struct em_elf_rel rel;

		fuzz_touch(s->name, strlen(s->name) + 1);
		fuzz_touch(s->data, s->data ? s->size : 0);
		if (i < LOOKUPS_MAX)
			em_elf_section_by_name(elf, s->name);
		for (size_t j = 0; j <= nsyms && nsyms; j++) {
			/* j == nsyms asks for one past the end: -ENOENT */
			if (em_elf_symbol(elf, s, j, &sym) != 0)
				continue;
			fuzz_touch(sym.name, strlen(sym.name) + 1);
			if (sym.type == STT_FUNC && *sym.name && lookups < LOOKUPS_MAX) {
				lookups++;
				em_elf_symbol_file_offset(elf, sym.name, &off);
				em_elf_vaddr_to_offset(elf, sym.value, &off);
			}
		}
		for (size_t j = 0; j <= nrels && nrels; j++)
			em_elf_rel(elf, s, j, &rel);
	}
	for (size_t i = 0; i < elf->nphdrs; i++) {
		const struct em_elf_phdr *ph = &elf->phdrs[i];

		em_elf_vaddr_to_offset(elf, ph->vaddr, &off);
		em_elf_vaddr_to_offset(elf, ph->vaddr + ph->memsz - 1, &off);
		em_elf_vaddr_to_offset(elf, ph->vaddr + ph->filesz, &off);
	}
	em_elf_symbol_file_offset(elf, "main", &off);
	em_elf_symbol_file_offset(elf, "malloc@GLIBC_2.2.5", &off);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct em_elf *elf = NULL;

	fuzz_init_log();
	if (em_elf_parse(data, size, &elf) == 0) {
		walk(elf);
		em_elf_free(elf);
	}
	if (em_elf_parse_bpf(data, size, &elf) == 0)
		em_elf_free(elf);
	return 0;
}
