/* fuzz_common.h - helpers shared by the libFuzzer harnesses and their corpus replay (tests) */
#ifndef EBPFMINI_FUZZ_COMMON_H
#define EBPFMINI_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "core_relocate.h"
#include "ebpfmini/log.h"
#include "ebpfmini/map.h"
#include "ebpfmini/object.h"
#include "ebpfmini/program.h"
#include "elf.h"
#include "internal.h"
#include "log_capture.h"
#include "objstate.h"
#include "objapi.h"

/* The libFuzzer entry point: libFuzzer's main calls it, or replay.c's. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keeps the compiler from dropping a read whose only purpose is to be checked by ASan. */
static inline void fuzz_touch(const void *p, size_t len)
{
	volatile uint8_t sink;

	if (p && len) {
		sink = ((const volatile uint8_t *)p)[0];
		sink = ((const volatile uint8_t *)p)[len - 1];
	}
	(void)sink;
}

/*
 * Every message down to debug is formatted (so that the logging paths, with
 * their file-derived arguments, run under the sanitizers too) and captured,
 * which reads each line to its end; every input starts with an empty capture.
 * FUZZ_LOG=1 in the environment prints them instead, to see why an input fails.
 */
static inline void fuzz_init_log(void)
{
	static bool done;

	log_capture_reset();
	if (done)
		return;
	done = true;
	if (getenv("FUZZ_LOG"))
		ebpfmini_log_set(NULL, EBPFMINI_LOG_DEBUG, NULL);
	else
		log_capture_start(EBPFMINI_LOG_DEBUG);
}

/* Whole file into malloc'd memory; a missing fixed input is a broken setup: abort. */
static inline uint8_t *fuzz_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || !(buf = malloc((size_t)len + 1)) ||
	    fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "fuzz: cannot read %s\n", path);
		abort();
	}
	fclose(f);
	*size = (size_t)len;
	return buf;
}

/* Copy of section name of the ELF file at path (malloc'd); aborts when absent. */
static inline uint8_t *fuzz_read_section(const char *path, const char *name, size_t *size)
{
	size_t file_size;
	uint8_t *file = fuzz_read_file(path, &file_size), *copy;
	const struct em_elf_section *s;
	struct em_elf *elf;

	if (em_elf_parse(file, file_size, &elf) != 0 || !(s = em_elf_section_by_name(elf, name)) ||
	    !s->data || !(copy = malloc(s->size))) {
		fprintf(stderr, "fuzz: no section %s in %s\n", name, path);
		abort();
	}
	memcpy(copy, s->data, s->size);
	*size = s->size;
	em_elf_free(elf);
	free(file);
	return copy;
}

/*
 * A copy of the ELF object image with the contents of section name replaced
 * by data (appended at the end, the section header pointed at it), so that a
 * harness can put fuzzed bytes into an otherwise valid object. Sections named
 * in hide (NULL-terminated, may be NULL) become nameless SHT_NULL sections
 * that no parser looks at (the relocations of the replaced section, say).
 * Returns the malloc'd image, or NULL when the image has no such section.
 */
static inline uint8_t *fuzz_splice_section(const uint8_t *image, size_t size, const char *name,
					   const uint8_t *data, size_t len,
					   const char *const *hide, size_t *out_size)
{
	const struct em_elf_section *s;
	struct em_elf *elf;
	uint64_t shoff, at = (size + 7) & ~(uint64_t)7;
	uint8_t *out = NULL;

	if (em_elf_parse(image, size, &elf) != 0)
		return NULL;
	s = em_elf_section_by_name(elf, name);
	if (s && (out = calloc(1, at + len + 1))) {
		memcpy(out, image, size);
		memcpy(out + at, data, len);
		memcpy(&shoff, image + 0x28, sizeof(shoff)); /* e_shoff */
		/* sh_offset and sh_size of section s (64-byte headers, checked by the parse) */
		memcpy(out + shoff + 64 * s->index + 0x18, &at, sizeof(at));
		memcpy(out + shoff + 64 * s->index + 0x20, &(uint64_t){ len }, sizeof(uint64_t));
		for (size_t i = 0; hide && hide[i]; i++) {
			const struct em_elf_section *h = em_elf_section_by_name(elf, hide[i]);

			if (h) /* sh_name "" and sh_type SHT_NULL */
				memset(out + shoff + 64 * h->index, 0, 8);
		}
		*out_size = at + len;
	}
	em_elf_free(elf);
	return out;
}

/* Fake map fds: relocation takes them as plain ints and never touches the kernel. */
#define FUZZ_FAKE_FD_BASE 100

/*
 * What can be done with an opened object without a kernel: read every map
 * and program through the API, fill the .kconfig image from a made-up
 * config, relocate every program with fake map fds, and (target not NULL)
 * CO-RE relocation first, as the loader orders them.
 */
static inline void fuzz_object_walk(struct ebpfmini_object *obj, const struct ebpfmini_btf *target)
{
	static const char config[] = "CONFIG_BPF=y\n"
				     "CONFIG_HZ=250\n"
				     "CONFIG_EM_BOOL=y\n"
				     "CONFIG_EM_CHAR=m\n"
				     "CONFIG_EM_NUM=-12\n"
				     "CONFIG_EM_HEX=0x1234\n"
				     "CONFIG_EM_STR=\"ab\\\"c\"\n"
				     "CONFIG_EM_TRI=m\n"
				     "# CONFIG_EM_OFF is not set\n";
	struct ebpfmini_program *prog = NULL;
	struct ebpfmini_map *map = NULL;
	struct em_reloc_input in = { 0 };
	int *fds; /* fake map fds: relocation only copies them into instructions */

	fuzz_touch(ebpfmini_object_license(obj), strlen(ebpfmini_object_license(obj)) + 1);
	ebpfmini_object_kversion(obj);
	while ((map = ebpfmini_object_next_map(obj, map))) {
		size_t size = 0;
		void *data = ebpfmini_map_data(map, &size);

		fuzz_touch(ebpfmini_map_name(map), strlen(ebpfmini_map_name(map)) + 1);
		fuzz_touch(data, data ? size : 0);
		ebpfmini_map_value_buf_size(map);
		if (map->kind == EM_MAP_KCONFIG && map->data)
			em_kconfig_apply(&obj->model, "6.18.3-fuzz", config, "fuzz", map->data,
					 map->data_size);
	}
	if (target)
		core_relocate(&obj->model, target);
	fds = calloc(obj->model.nmaps ? obj->model.nmaps : 1, sizeof(*fds));
	if (!fds)
		return;
	for (size_t i = 0; i < obj->model.nmaps; i++)
		fds[i] = FUZZ_FAKE_FD_BASE + (int)i;
	in.map_fds = fds;
	while ((prog = ebpfmini_object_next_program(obj, prog))) {
		fuzz_touch(ebpfmini_program_name(prog), strlen(ebpfmini_program_name(prog)) + 1);
		fuzz_touch(ebpfmini_program_section(prog),
			   strlen(ebpfmini_program_section(prog)) + 1);
		if (em_reloc_program(&obj->model, prog, &in) == 0)
			fuzz_touch(ebpfmini_program_insns(prog),
				   ebpfmini_program_insn_count(prog) * sizeof(struct bpf_insn));
	}
	free(fds);
}

/* Open image, walk it (fuzz_object_walk) and close it. */
static inline void fuzz_object_image(const uint8_t *image, size_t size,
				     const struct ebpfmini_btf *target)
{
	struct ebpfmini_object_open_opts opts = { .sz = sizeof(opts), .pin_root = "/nonexistent" };
	struct ebpfmini_object *obj = NULL;

	if (ebpfmini_object_open_mem(image, size, &opts, &obj) != 0)
		return;
	fuzz_object_walk(obj, target);
	ebpfmini_object_close(obj);
}

#endif /* EBPFMINI_FUZZ_COMMON_H */
