/* util.c - checked allocation, options-struct validation, the page size (L0 base) */
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

void *em_calloc(size_t n, size_t size)
{
	size_t total;

	if (em_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return calloc(n ? n : 1, size ? size : 1);
}

void *em_reallocarray(void *ptr, size_t n, size_t size)
{
	size_t total;

	if (em_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(ptr, total ? total : 1);
}

void *em_array_grow(void *ptr, size_t n, size_t size)
{
	return n & (n - 1) ? ptr : em_reallocarray(ptr, n ? 2 * n : 1, size);
}

char *em_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *em_strndup(const char *s, size_t n)
{
	return s ? strndup(s, n) : NULL;
}

int em_opts_check(const void *opts, size_t known_size, const char *what)
{
	const uint8_t *p = opts;
	size_t sz;

	if (!opts)
		return 0;
	sz = *(const size_t *)opts;
	if (sz < sizeof(size_t)) {
		em_warn("%s: options struct: sz=%zu is too small (set .sz = sizeof(struct))", what,
			sz);
		return -EINVAL;
	}
	for (size_t i = known_size; i < sz; i++) {
		if (p[i]) {
			em_warn("%s: options struct: unknown non-zero field at byte %zu "
				"(built against a newer ebpfmini?)",
				what, i);
			return -EINVAL;
		}
	}
	return 0;
}

size_t em_page_size(void)
{
	static size_t cached;
	size_t size = __atomic_load_n(&cached, __ATOMIC_RELAXED);

	if (!size) {
		long page = sysconf(_SC_PAGESIZE);

		size = page > 0 ? (size_t)page : 4096;
		__atomic_store_n(&cached, size, __ATOMIC_RELAXED);
	}
	return size;
}
