/* fuzz_kconfig.c - libFuzzer harness: .kconfig values from a release string and config text (lib/kconfig.c) (tests) */
#include "fuzz_common.h"
#include "kernel.h"
#include "objstate.h"
#include "objapi.h"

/* Holds an extern of every encoding kconfig.c knows (bool, tristate, char, ints, char[8]). */
#define FIXED_OBJ BPF_OBJ_DIR "/load_kconfig.bpf.o"

static struct ebpfmini_object *fixed_obj(struct ebpfmini_map **kmap)
{
	static struct ebpfmini_object *obj;
	static struct ebpfmini_map *map;
	size_t size;
	uint8_t *image;

	if (!obj) {
		image = fuzz_read_file(FIXED_OBJ, &size);
		if (ebpfmini_object_open_mem(image, size, NULL, &obj) != 0) {
			fprintf(stderr, "fuzz: %s does not open\n", FIXED_OBJ);
			abort();
		}
		free(image);
		for (size_t i = 0; i < obj->model.nmaps; i++)
			if (obj->model.maps[i].kind == EM_MAP_KCONFIG)
				map = &obj->model.maps[i];
		if (!map || !map->data) {
			fprintf(stderr, "fuzz: %s has no .kconfig map\n", FIXED_OBJ);
			abort();
		}
	}
	*kmap = map;
	return obj;
}

/*
 * Input: the kernel release (as uname -r gives it) up to the first newline,
 * then the config text. A leading '!' means "no config readable".
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ebpfmini_map *map;
	struct ebpfmini_object *obj;
	const uint8_t *nl;
	char *text, *config;
	bool no_config;

	fuzz_init_log();
	obj = fixed_obj(&map);
	no_config = size && data[0] == '!';
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	nl = memchr(data, '\n', size);
	if (nl) {
		text[nl - data] = '\0';
		config = text + (nl - data) + 1;
	} else {
		config = text + size;
	}
	em_kernel_version_code(text);
	em_kconfig_apply(&obj->model, text, no_config ? NULL : config, "fuzz", map->data,
			 map->data_size);
	free(text);
	return 0;
}
