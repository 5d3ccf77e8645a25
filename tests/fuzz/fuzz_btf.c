/* fuzz_btf.c - libFuzzer harness: BTF parsing, queries and DATASEC fix-ups (lib/btf.c) (tests) */
#include "btf.h"
#include "fuzz_common.h"

/* Name look-ups scan every type: only a few per input, to stay linear. */
#define FINDS_MAX 8

/*
 * Objects the input is also tried in as their .BTF (their .BTF.ext hidden:
 * it names the strings of the real BTF), so that the BTF reaches the map
 * definitions, externs and fix-ups of open: BTF-defined maps, global data and
 * subprograms; .kconfig externs of every type.
 */
static const char *const host_objs[] = {
	BPF_OBJ_DIR "/open_objects.bpf.o",
	BPF_OBJ_DIR "/load_kconfig.bpf.o",
};

static void in_objects(const uint8_t *data, size_t size)
{
	static const char *const hide[] = { ".BTF.ext", ".rel.BTF", ".rel.BTF.ext", NULL };
	static uint8_t *image[EM_ARRAY_SIZE(host_objs)];
	static size_t image_size[EM_ARRAY_SIZE(host_objs)];

	for (size_t i = 0; i < EM_ARRAY_SIZE(host_objs); i++) {
		uint8_t *obj;
		size_t obj_size;

		if (!image[i])
			image[i] = fuzz_read_file(host_objs[i], &image_size[i]);
		obj = fuzz_splice_section(image[i], image_size[i], ".BTF", data, size, hide,
					  &obj_size);
		if (obj)
			fuzz_object_image(obj, obj_size, NULL);
		free(obj);
	}
}

/* Stand-ins for the ELF section sizes and symbol offsets, derived from the names. */
static int fake_section_size(void *ctx, const char *sec_name, uint32_t *size)
{
	(void)ctx;
	if (!*sec_name)
		return -ENOENT;
	*size = (uint32_t)strlen(sec_name) * 16;
	return 0;
}

static int fake_symbol_offset(void *ctx, const char *sec_name, const char *sym_name, uint32_t *off)
{
	(void)ctx;
	(void)sec_name;
	if (!*sym_name)
		return -ENOENT;
	*off = (uint32_t)(strlen(sym_name) - 1) * 4;
	return 0;
}

static void query(const struct ebpfmini_btf *btf)
{
	uint32_t end = em_btf_type_end(btf), finds = 0, size;

	for (uint32_t id = 0; id <= end; id++) {
		const struct btf_type *t = em_btf_type(btf, id);
		const char *name = ebpfmini_btf_type_name(btf, id);

		if (name)
			fuzz_touch(name, strlen(name) + 1);
		ebpfmini_btf_type_kind(btf, id);
		ebpfmini_btf_type_size(btf, id);
		em_btf_skip_mods(btf, id);
		em_btf_resolve_size(btf, id, &size);
		if (t && name && *name && finds < FINDS_MAX) {
			finds++;
			em_btf_find(btf, name, em_btf_kind(t));
		}
	}
	em_btf_find(btf, "no such type", -1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct em_btf_fixup_ops ops = {
		.section_size = fake_section_size,
		.symbol_offset = fake_symbol_offset,
	};
	struct ebpfmini_btf *btf = NULL, *split = NULL;

	fuzz_init_log();
	/* as the kernel's own BTF: each type checked only when reached */
	if (em_btf_parse_kernel(data, size, NULL, &btf) == 0) {
		query(btf);
		em_btf_free(btf);
	}
	if (ebpfmini_btf_new(data, size, &btf) != 0)
		return 0;
	in_objects(data, size);
	query(btf);
	/* the same bytes as split BTF on top of themselves: ids and strings shifted */
	if (em_btf_parse(data, size, btf, &split) == 0) {
		query(split);
		em_btf_fixup_datasecs(split, &ops);
		em_btf_free(split);
	}
	if (em_btf_fixup_datasecs(btf, &ops) == 0) {
		em_btf_fixup_datasecs(btf, &ops); /* idempotent: runs again on its own output */
		query(btf);
	}
	ebpfmini_btf_free(btf);
	return 0;
}
