/* test_fuzz_fixes.c - exact outcomes for the fuzzing finds whose old behaviour was wrong output, not a crash (tests) */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core.h"
#include "core_relocate.h"
#include "ebpfmini/ebpfmini.h"
#include "log_capture.h"
#include "objstate.h"

#define CORPUS(target, name) CORPUS_DIR "/" target "/" name

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	buf = malloc((size_t)len);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*size = (size_t)len;
	return buf;
}

static int setup(void **state)
{
	(void)state;
	log_capture_reset();
	ebpfmini_log_set(log_capture_line, EBPFMINI_LOG_WARN, NULL);
	return 0;
}

/*
 * A .kconfig DATASEC entry that is a FUNC named like a kconfig extern: the
 * layout wrote a VAR's linkage past the FUNC record, into the next type.
 */
static void test_kconfig_datasec_func(void **state)
{
	struct ebpfmini_object *obj = NULL;
	size_t size;
	uint8_t *data = read_file(CORPUS("object", "crash-kconfig-datasec-func"), &size);

	(void)state;
	assert_int_equal(ebpfmini_object_open_mem(data, size, NULL, &obj), -EBADMSG);
	assert_null(obj);
	assert_non_null(strstr(logcap.text, "DATASEC '.kconfig': entry 7 (type [7]) is not a VAR"));
	free(data);
}

/* Relocate core_reads.bpf.o against the target BTF of a fuzz_core input (mode byte 0). */
static int relocate_against(const char *target_file)
{
	struct ebpfmini_object *obj = NULL;
	struct ebpfmini_btf *target = NULL;
	size_t size;
	uint8_t *data = read_file(target_file, &size);
	int err;

	assert_int_equal(data[0], 0);
	assert_int_equal(em_btf_parse(data + 1, size - 1, NULL, &target), 0);
	assert_int_equal(ebpfmini_object_open(BPF_OBJ_DIR "/core_reads.bpf.o", NULL, &obj), 0);
	err = core_relocate(&obj->model, target);
	ebpfmini_object_close(obj);
	em_btf_free(target);
	free(data);
	return err;
}

/* Member offsets summing past 4 GiB (nine nested anonymous members near 2^32 bits each)
 * were truncated to 32 bits and patched into the instruction. */
static void test_core_offset_wrap(void **state)
{
	(void)state;
	assert_int_equal(relocate_against(CORPUS("core", "crash-core-offset-wrap")), -EBADMSG);
	assert_non_null(strstr(logcap.text, "core_s.anon_b): the field lies beyond 4 GiB"));
}

/* Two anonymous members per level, 26 levels deep: 2^25 visits per look-up (a hang),
 * then -ELOOP from the step budget; now each anonymous type is searched once per
 * name, so the relocation completes (issue 14, finding 10). */
static void test_core_anon_dag(void **state)
{
	(void)state;
	assert_true(relocate_against(CORPUS("core", "crash-core-anon-dag")) > 0);
	assert_null(strstr(logcap.text, "is malformed"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_kconfig_datasec_func, setup),
		cmocka_unit_test_setup(test_core_offset_wrap, setup),
		cmocka_unit_test_setup(test_core_anon_dag, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
