/* fuzz_object.c - libFuzzer harness: open (objfile.c, objmaps.c, objextern.c) and relocation (reloc.c) (tests) */
#include "fuzz_common.h"
#ifdef FUZZ_LIBFUZZER
#include "fuzz_mutate.h" /* structure-aware mutations of the ELF, BTF and .BTF.ext */
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_init_log();
	fuzz_object_image(data, size, NULL);
	return 0;
}
