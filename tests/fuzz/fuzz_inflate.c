/* fuzz_inflate.c - libFuzzer harness: the gzip and raw DEFLATE decoder (lib/inflate.c) (tests) */
#include "fuzz_common.h"
#include "inflate.h"

/* Output cap: large enough for any real config, small enough to keep RSS low. */
#define MAX_OUT (4u << 20)

/* The first byte picks the decoder (even: gzip, odd: raw DEFLATE); the rest is its input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *out = NULL;
	size_t out_len = 0;
	int err;

	fuzz_init_log();
	if (size < 1)
		return 0;
	if (data[0] & 1)
		err = em_inflate_raw(data + 1, size - 1, MAX_OUT, &out, &out_len);
	else
		err = em_inflate_gzip(data + 1, size - 1, MAX_OUT, &out, &out_len);
	if (err == 0) {
		/* promised: out_len bytes and a terminating NUL, within the cap */
		if (out_len > MAX_OUT || ((const char *)out)[out_len] != '\0')
			abort();
		fuzz_touch(out, out_len + 1);
	}
	free(out);
	return 0;
}
