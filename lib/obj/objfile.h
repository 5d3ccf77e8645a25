/* objfile.h - private glue between objfile.c, objextern.c, objmaps.c and objindex.c, the parts of open (L2 obj, pure) */
#ifndef EBPFMINI_OBJFILE_H
#define EBPFMINI_OBJFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Parse state shared by the two halves of em_objfile_parse. */
struct em_objparse {
	struct em_model *obj;
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
	uint64_t data_total;  /* bytes of the global data sections so far */
	/* sorted tables of objindex.c (em_objindex_free() releases them) */
	struct em_objname *sym_names; /* named symbols, by (section, name, index) */
	size_t nsym_names;
	struct em_objname *sec_names; /* every section, by name */
	struct em_objmapkey *map_keys; /* user maps, by (section, offset) */
	size_t nmap_keys;
	struct em_objname *datasec_names; /* DATASECs of the object BTF, by name */
	size_t ndatasec_names;
};

/* ---- objindex.c: look-ups by bisection (each table built once, after what it indexes) ---- */

/* Index the symbols and sections (after the ELF parse). -ENOMEM. */
int em_objindex_names(struct em_objparse *p);
/* Find the non-section symbol called name defined in section shndx (the first one
 * in the symbol table when there are several). -ENOENT if none. */
int em_objindex_symbol(const struct em_objparse *p, uint32_t shndx, const char *name,
		       struct em_elf_symbol *sym);
/* em_elf_section_by_name(): the section with the lowest index called name, or NULL. */
const struct em_elf_section *em_objindex_section(const struct em_objparse *p, const char *name);
/* Index the DATASECs of the object BTF (after the extern pass, which rewrites some). -ENOMEM. */
int em_objindex_datasecs(struct em_objparse *p);
/* em_btf_find(name, BTF_KIND_DATASEC) on the object BTF: the lowest id, or -ENOENT. */
int em_objindex_datasec(const struct em_objparse *p, const char *name);
/* Index the user maps (.maps, "maps") by place (after they are built). -ENOMEM. */
int em_objindex_user_maps(struct em_objparse *p);
/* The lowest-index user map defined at offset off of section sec: 0 and *idx, or -ENOENT. */
int em_objindex_user_map(const struct em_objparse *p, uint32_t sec, uint64_t off, size_t *idx);
/* Index of the extern made from symbol sym_idx, or -1 (externs are in symbol order). */
int em_objindex_extern(const struct em_model *obj, uint32_t sym_idx);
/* Free the tables; NULL fields are fine. */
void em_objindex_free(struct em_objparse *p);

/* Build obj->externs from the undefined symbols; place the .kconfig ones
 * (p->kconfig_size) and write that layout into the object BTF's DATASEC. */
int em_objextern_read(struct em_objparse *p);

/* A BTF map definition as read from the struct of one .maps variable. */
struct em_objmapdef {
	uint32_t type, key_size, value_size, max_entries, map_flags, numa_node, pinning;
	uint64_t map_extra;
	uint32_t key_type_id, value_type_id;
	bool has_values;     /* __array(values, ...) member present */
	uint32_t values_off; /* its byte offset in the struct */
	uint32_t inner_id;   /* map-in-map: struct of the inner definition */
};
/* Read the definition of map (its name, for messages) from struct struct_id of btf
 * (inner: the inner template of a map of maps, which may not hold values). 0, or
 * -EBADMSG (logged) for a member that is not a definition's. */
int em_objmapdef_parse(const struct ebpfmini_btf *btf, const char *map, uint32_t struct_id,
		       bool inner, struct em_objmapdef *d);

/* Number of maps the object defines: .maps, "maps", global data, .kconfig. */
int em_objmaps_count(const struct em_objparse *p, size_t *count);
/* Fill obj->maps (allocated by the caller with em_objmaps_count() entries,
 * zeroed) and p->map_of_sec / p->kconfig_map; read initial slots from .rel.maps. */
int em_objmaps_build(struct em_objparse *p);
/* Free one map's open-time allocations (name, pin path, image, inner template, slots). */
void em_objmaps_free_map(struct ebpfmini_map *map);

#endif /* EBPFMINI_OBJFILE_H */
