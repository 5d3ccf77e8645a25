/* fuzz_core.c - libFuzzer harness: CO-RE relocation (core.c, core_match.c) of an object against a target BTF (tests) */
#include "core.h"
#include "core_relocate.h"
#include "ebpfmini/object.h"
#include "fuzz_common.h"

/*
 * The first byte picks what is fuzzed; the rest is the fuzzed input:
 *   0: the target BTF, relocating core_reads.bpf.o (many relocation kinds)
 *   1: the object, relocated against the BTF of core_target_a.o
 *   2: the target BTF, relocating core_flavors.bpf.o (___flavor candidates)
 *   3: the object, relocated against its own BTF (both sides of every type
 *      comparison come from the input)
 */
#define OBJ_READS BPF_OBJ_DIR "/core_reads.bpf.o"
#define OBJ_FLAVORS BPF_OBJ_DIR "/core_flavors.bpf.o"
#define TARGET_OBJ CORE_TARGET_DIR "/core_target_a.o"

struct fixed_file {
	const char *path;
	uint8_t *data;
	size_t size;
};

static struct fixed_file obj_reads = { OBJ_READS }, obj_flavors = { OBJ_FLAVORS };

static const struct fixed_file *fixed(struct fixed_file *f)
{
	if (!f->data)
		f->data = fuzz_read_file(f->path, &f->size);
	return f;
}

static const struct ebpfmini_btf *fixed_target(void)
{
	static struct ebpfmini_btf *btf;
	size_t size;
	uint8_t *raw;

	if (btf)
		return btf;
	raw = fuzz_read_section(TARGET_OBJ, ".BTF", &size);
	if (em_btf_parse(raw, size, NULL, &btf) != 0) {
		fprintf(stderr, "fuzz: %s: .BTF does not parse\n", TARGET_OBJ);
		abort();
	}
	free(raw);
	return btf;
}

/* Open image (a fresh object each time: relocation patches its code in place) and
 * relocate it against target (NULL: the object's own BTF). */
static void relocate(const uint8_t *image, size_t size, const struct ebpfmini_btf *target)
{
	struct ebpfmini_object *obj = NULL;

	if (ebpfmini_object_open_mem(image, size, NULL, &obj) != 0)
		return;
	if (target || obj->model.btf)
		core_relocate(&obj->model, target ? target : obj->model.btf);
	ebpfmini_object_close(obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ebpfmini_btf *target = NULL;
	const struct fixed_file *f;

	fuzz_init_log();
	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 1:
		relocate(data + 1, size - 1, fixed_target());
		return 0;
	case 3:
		relocate(data + 1, size - 1, NULL);
		return 0;
	case 0:
		f = fixed(&obj_reads);
		break;
	default:
		f = fixed(&obj_flavors);
		break;
	}
	if (em_btf_parse(data + 1, size - 1, NULL, &target) != 0)
		return 0;
	relocate(f->data, f->size, target);
	em_btf_free(target);
	return 0;
}
