/* fuzz_btf_ext.c - libFuzzer harness: .BTF.ext parsing (lib/btf_ext.c) against a real object's BTF (tests) */
#include "btf.h"
#include "fuzz_common.h"

/*
 * The object whose .BTF the input's section names, types and access strings
 * refer to; the input is also put in it as its .BTF.ext, and the object is
 * opened, CO-RE relocated against the target and linked (func_info and
 * line_info rebased, CO-RE records applied).
 */
#define FIXED_OBJ BPF_OBJ_DIR "/core_reads.bpf.o"
#define TARGET_OBJ CORE_TARGET_DIR "/core_target_a.o"

static const struct ebpfmini_btf *parse_btf_of(const char *path)
{
	struct ebpfmini_btf *btf;
	size_t size;
	uint8_t *raw = fuzz_read_section(path, ".BTF", &size);

	if (em_btf_parse(raw, size, NULL, &btf) != 0) {
		fprintf(stderr, "fuzz: %s: .BTF does not parse\n", path);
		abort();
	}
	free(raw);
	return btf;
}

static void in_object(const uint8_t *data, size_t size)
{
	static const struct ebpfmini_btf *target;
	static uint8_t *image;
	static size_t image_size;

	if (!image) {
		image = fuzz_read_file(FIXED_OBJ, &image_size);
		target = parse_btf_of(TARGET_OBJ);
	}
	static const char *const hide[] = { ".rel.BTF.ext", NULL };
	uint8_t *obj;
	size_t obj_size;

	obj = fuzz_splice_section(image, image_size, ".BTF.ext", data, size, hide, &obj_size);
	if (obj)
		fuzz_object_image(obj, obj_size, target);
	free(obj);
}

static void walk(const struct em_btf_ext_info *info)
{
	for (size_t i = 0; i < info->nsecs; i++) {
		const struct em_btf_ext_sec *sec = &info->secs[i];

		fuzz_touch(sec->sec_name, strlen(sec->sec_name) + 1);
		fuzz_touch(sec->data, (size_t)sec->num_info * info->rec_size);
		if (i < 8)
			em_btf_ext_find(info, sec->sec_name);
	}
	em_btf_ext_find(info, "no such section");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ebpfmini_btf *btf;
	struct em_btf_ext *ext = NULL;

	fuzz_init_log();
	if (!btf)
		btf = parse_btf_of(FIXED_OBJ);
	if (em_btf_ext_parse(data, size, btf, &ext) != 0)
		return 0;
	in_object(data, size);
	walk(&ext->func_info);
	walk(&ext->line_info);
	walk(&ext->core_relo);
	em_btf_ext_free(ext);
	return 0;
}
