/* btf_fixture.h - shared by the BTF unit tests (test_btf.c, test_btf_damage.c): the log
 * capture (errors are reported once, as "btf: ..."), and the clang-built btf_sample.bpf.o's
 * .BTF read once per group */
#ifndef EBPFMINI_TEST_BTF_FIXTURE_H
#define EBPFMINI_TEST_BTF_FIXTURE_H

#include <stdio.h>

#include "btf_test_obj.h"
#include "log_capture.h"

/* ---- the clang-built sample ------------------------------------------------ */

static struct tobj sample;
static const void *sample_btf;
static size_t sample_btf_size;

static int group_setup(void **state)
{
	(void)state;
	ebpfmini_log_set(log_capture_line, EBPFMINI_LOG_DEBUG, NULL);
	if (tobj_read(BPF_OBJ_DIR "/btf_sample.bpf.o", &sample)) {
		fprintf(stderr, "cannot read %s/btf_sample.bpf.o\n", BPF_OBJ_DIR);
		return -1;
	}
	if (tobj_section(&sample, ".BTF", &sample_btf, &sample_btf_size) < 0) {
		fprintf(stderr, "btf_sample.bpf.o has no .BTF\n");
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	tobj_free(&sample);
	return 0;
}

#endif /* EBPFMINI_TEST_BTF_FIXTURE_H */
