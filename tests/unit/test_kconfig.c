/* test_kconfig.c - .kconfig extern values: encodings, errors, kernel version, gzip'd config */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ebpfmini/ebpfmini.h"
#include "kernel.h"
#include "log_capture.h"
#include "objstate.h"
#include "objapi.h"
#include "sys.h"

#define OBJ(name) BPF_OBJ_DIR "/" name ".bpf.o"

static int setup(void **state)
{
	struct ebpfmini_object *obj = NULL;

	assert_int_equal(ebpfmini_object_open(OBJ("load_kconfig"), NULL, &obj), 0);
	*state = obj;
	log_capture_reset();
	ebpfmini_log_set(log_capture_line, EBPFMINI_LOG_DEBUG, NULL);
	return 0;
}

static int teardown(void **state)
{
	em_sys_set_hook_ex(NULL, NULL);
	ebpfmini_log_set(NULL, EBPFMINI_LOG_WARN, NULL);
	ebpfmini_object_close(*state);
	return 0;
}

static const struct em_extern *ext_of(const struct ebpfmini_object *obj, const char *name)
{
	for (size_t i = 0; i < obj->model.nexterns; i++)
		if (strcmp(obj->model.externs[i].name, name) == 0)
			return &obj->model.externs[i];
	fail_msg("no extern %s", name);
	return NULL;
}

static const struct ebpfmini_map *kconfig_map(const struct ebpfmini_object *obj)
{
	for (size_t i = 0; i < obj->model.nmaps; i++)
		if (obj->model.maps[i].kind == EM_MAP_KCONFIG)
			return &obj->model.maps[i];
	fail_msg("no .kconfig map");
	return NULL;
}

static uint64_t value_of(const struct ebpfmini_object *obj, const uint8_t *image, const char *name)
{
	const struct em_extern *ext = ext_of(obj, name);
	uint64_t v = 0;

	assert_true(ext->size <= 8);
	memcpy(&v, image + ext->offset, ext->size);
	return v;
}

#define FULL_CONFIG                                                                                \
	"CONFIG_EM_BOOL=y\n"                                                                       \
	"CONFIG_EM_TRI=m\n"                                                                        \
	"CONFIG_EM_CHAR=n\n"                                                                       \
	"CONFIG_EM_NUM=-7\n"                                                                       \
	"CONFIG_EM_HEX=0xfffffffffffffff0\n"                                                       \
	"CONFIG_EM_STR=\"hi \\\"x\\\"\"\n"                                                         \
	"# CONFIG_EM_OFF is not set\n"

static void test_encodings(void **state)
{
	struct ebpfmini_object *obj = *state;
	const struct ebpfmini_map *map = kconfig_map(obj);
	uint8_t *image = calloc(1, map->data_size);
	const struct em_extern *str;

	memset(image, 0xaa, map->data_size);
	assert_int_equal(em_kconfig_apply(&obj->model, "6.18.44-fc", FULL_CONFIG, "test", image,
					  map->data_size),
			 0);
	assert_int_equal(value_of(obj, image, "LINUX_KERNEL_VERSION"),
			 (6u << 16) | (18u << 8) | 44u);
	assert_int_equal(value_of(obj, image, "CONFIG_EM_BOOL"), 1);
	assert_int_equal(value_of(obj, image, "CONFIG_EM_TRI"), 2); /* m */
	assert_int_equal(value_of(obj, image, "CONFIG_EM_CHAR"), 'n');
	assert_int_equal((int32_t)value_of(obj, image, "CONFIG_EM_NUM"), -7);
	assert_int_equal(value_of(obj, image, "CONFIG_EM_HEX"), 0xfffffffffffffff0ull);
	assert_int_equal(value_of(obj, image, "CONFIG_EM_OFF"), 0);
	assert_int_equal(value_of(obj, image, "CONFIG_EM_MISSING"), 0); /* weak, cleared */
	str = ext_of(obj, "CONFIG_EM_STR");
	assert_int_equal(str->size, 8);
	assert_string_equal((char *)image + str->offset, "hi \"x\"");
	free(image);
}

static int apply(struct ebpfmini_object *obj, const char *release, const char *config)
{
	const struct ebpfmini_map *map = kconfig_map(obj);
	uint8_t *image = calloc(1, map->data_size);
	int err;

	log_capture_reset();
	err = em_kconfig_apply(&obj->model, release, config, "test-config", image, map->data_size);
	free(image);
	return err;
}

static void test_errors(void **state)
{
	struct ebpfmini_object *obj = *state;

	/* a strong extern the config lacks, named in the message */
	assert_int_equal(apply(obj, "6.1.0", "CONFIG_EM_BOOL=y\n"), -ENOENT);
	assert_non_null(strstr(logcap.text, "kconfig: extern '"));
	assert_non_null(strstr(logcap.text, "not found in test-config"));
	/* no readable config at all */
	assert_int_equal(apply(obj, "6.1.0", NULL), -ENOENT);
	assert_non_null(strstr(logcap.text, "the kernel config is not readable"));
	/* values that do not fit their extern */
	assert_int_equal(apply(obj, "6.1.0", "CONFIG_EM_BOOL=m\n" FULL_CONFIG), -EINVAL);
	assert_non_null(strstr(logcap.text, "'CONFIG_EM_BOOL': value 'm'"));
	assert_int_equal(apply(obj, "6.1.0", "CONFIG_EM_NUM=y\n" FULL_CONFIG), -EINVAL);
	assert_int_equal(apply(obj, "6.1.0", "CONFIG_EM_NUM=\"s\"\n" FULL_CONFIG), -EINVAL);
	assert_int_equal(apply(obj, "6.1.0", "CONFIG_EM_NUM=2147483648\n" FULL_CONFIG), -EINVAL);
	assert_non_null(strstr(logcap.text, "does not fit in 4 bytes"));
	assert_int_equal(apply(obj, "6.1.0", "CONFIG_EM_NUM=12abc\n" FULL_CONFIG), -EINVAL);
	assert_int_equal(apply(obj, "6.1.0", "CONFIG_EM_STR=\"open\n" FULL_CONFIG), -EINVAL);
	assert_int_equal(apply(obj, "6.1.0", "CONFIG_EM_STR=5\n" FULL_CONFIG), -EINVAL);
	/* the first definition of an option counts; an unparsable release is refused */
	assert_int_equal(apply(obj, "6.1.0", "CONFIG_EM_NUM=2147483647\n" FULL_CONFIG), 0);
	assert_int_equal(apply(obj, "bogus", FULL_CONFIG), -EINVAL);
	assert_non_null(strstr(logcap.text, "LINUX_KERNEL_VERSION"));
}

/* ---- em_kconfig_fill: a gzip'd config served through the read-file hook ---- */

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

/* A gzip member holding text in one stored (uncompressed) DEFLATE block. */
static size_t make_gzip(const char *text, uint8_t *out)
{
	size_t n = strlen(text), o = 0;
	uint32_t crc = crc32_of((const uint8_t *)text, n);
	static const uint8_t hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };

	memcpy(out, hdr, sizeof(hdr));
	o = sizeof(hdr);
	out[o++] = 1; /* BFINAL, stored */
	out[o++] = n & 0xff;
	out[o++] = (n >> 8) & 0xff;
	out[o++] = ~n & 0xff;
	out[o++] = (~n >> 8) & 0xff;
	memcpy(out + o, text, n);
	o += n;
	for (int i = 0; i < 4; i++)
		out[o++] = (crc >> (8 * i)) & 0xff;
	for (int i = 0; i < 4; i++)
		out[o++] = (n >> (8 * i)) & 0xff;
	return o;
}

static uint8_t gz[4096];
static size_t gz_len;
static char served_path[256];

static long serve_gzip(void *ctx, struct em_sys_call *call)
{
	(void)ctx;
	if (call->nr != EM_SYS_READ_FILE)
		return 0;
	snprintf(served_path, sizeof(served_path), "%s", (const char *)call->args[0]);
	call->data = gz;
	call->data_len = gz_len;
	return 1;
}

static void test_fill_from_gzip(void **state)
{
	struct ebpfmini_object *obj = *state;
	struct ebpfmini_map *map = NULL;

	for (size_t i = 0; i < obj->model.nmaps; i++)
		if (obj->model.maps[i].kind == EM_MAP_KCONFIG)
			map = &obj->model.maps[i];
	assert_non_null(map);
	gz_len = make_gzip(FULL_CONFIG, gz);
	em_sys_set_hook_ex(serve_gzip, NULL);
	assert_int_equal(em_kconfig_fill(&obj->model, map), 0);
	em_sys_set_hook_ex(NULL, NULL);
	assert_string_equal(served_path, "/proc/config.gz");
	assert_int_equal(value_of(obj, map->data, "CONFIG_EM_TRI"), 2);
	assert_int_equal((int32_t)value_of(obj, map->data, "CONFIG_EM_NUM"), -7);
	assert_true(value_of(obj, map->data, "LINUX_KERNEL_VERSION") > (4u << 16));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_encodings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fill_from_gzip, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
