/* objfile.h - private glue between objfile.c, objextern.c and objmaps.c, the parts of open (L1 format, pure) */
#ifndef EBPFMINI_OBJFILE_H
#define EBPFMINI_OBJFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Parse state shared by the two halves of em_objfile_parse. */
struct em_objparse {
	struct ebpfmini_object *obj;
	const struct em_elf *elf;
	const struct em_elf_section *symtab;
	size_t nsyms;
	int btf_maps_shndx;    /* ".maps", or -1 */
	int legacy_maps_shndx; /* "maps", or -1 */
	int *code_of_sec;      /* per ELF section: index into obj->code, or -1 */
	int *map_of_sec;       /* per ELF section: index of its global data map, or -1 */
	int kconfig_map;       /* index of the .kconfig map, or -1 */
	uint32_t
		kconfig_size; /* bytes of the .kconfig image; 0 when there are no kconfig externs */
	size_t nmaps_alloc;   /* entries allocated in obj->maps */
	struct em_objname *sym_names; /* named symbols sorted for em_objfile_find_symbol() */
	size_t nsym_names;
	struct em_objname *sec_names; /* every section, sorted by name */
	struct em_objmapkey *map_keys; /* user maps sorted by place, for code relocations */
	size_t nmap_keys;
	struct em_objname *datasec_names; /* DATASECs of the object BTF by name (for the maps) */
	size_t ndatasec_names;
};

/* Find the non-section symbol called name defined in section shndx (the first one
 * in the symbol table when there are several; a binary search). -ENOENT if none. */
int em_objfile_find_symbol(const struct em_objparse *p, uint32_t shndx, const char *name,
			   struct em_elf_symbol *sym);

/* Id of the object BTF's first DATASEC called name (em_btf_find() as a binary
 * search; valid while the maps are built). -ENOENT if none. */
int em_objfile_datasec(const struct em_objparse *p, const char *name);

/* Kind of global data map a section makes (.data*, .rodata*, .bss*); false for others. */
bool em_objfile_data_kind(const struct em_elf_section *s, enum em_map_kind *kind);

/* Build obj->externs from the undefined symbols; place the .kconfig ones
 * (p->kconfig_size) and write that layout into the object BTF's DATASEC. */
int em_objextern_read(struct em_objparse *p);

/* Number of maps the object defines: .maps, "maps", global data, .kconfig. */
int em_objmaps_count(const struct em_objparse *p, size_t *count);
/* Fill obj->maps (allocated by the caller with em_objmaps_count() entries,
 * zeroed) and p->map_of_sec / p->kconfig_map; read initial slots from .rel.maps. */
int em_objmaps_build(struct em_objparse *p);
/* Free one map's open-time allocations (name, pin path, image, inner template, slots). */
void em_objmaps_free_map(struct ebpfmini_map *map);

#endif /* EBPFMINI_OBJFILE_H */
