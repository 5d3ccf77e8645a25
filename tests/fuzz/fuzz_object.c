/* fuzz_object.c - libFuzzer harness: open (objfile.c, objmaps.c, objextern.c) and relocation (reloc.c) (tests) */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_init_log();
	fuzz_object_image(data, size, NULL);
	return 0;
}
