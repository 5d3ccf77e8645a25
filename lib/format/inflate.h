/* inflate.h - private DEFLATE/gzip decoder for /proc/config.gz (L1 format, pure) */
#ifndef EBPFMINI_INFLATE_H
#define EBPFMINI_INFLATE_H

#include <stddef.h>

/*
 * Decode a gzip file (RFC 1952: header, raw DEFLATE stream per RFC 1951,
 * CRC-32 and size trailer, both checked). The output is malloc'd, with a
 * terminating NUL not counted in *out_len. Errors: -EBADMSG (damaged or not
 * gzip), -E2BIG (output would exceed max_out), -ENOMEM. Never reads outside
 * [in, in + in_len).
 */
int em_inflate_gzip(const void *in, size_t in_len, size_t max_out, void **out, size_t *out_len);

/* Decode a raw DEFLATE stream (no header); same errors. */
int em_inflate_raw(const void *in, size_t in_len, size_t max_out, void **out, size_t *out_len);

#endif /* EBPFMINI_INFLATE_H */
