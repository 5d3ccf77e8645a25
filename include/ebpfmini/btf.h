/* ebpfmini/btf.h - BPF Type Format: parse, query, load into the kernel */
#ifndef EBPFMINI_BTF_H
#define EBPFMINI_BTF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpfmini_btf;

/**
 * ebpfmini_btf_new() - parse and validate raw BTF (the .BTF section, or a
 * file such as /sys/kernel/btf/vmlinux). The bytes are copied.
 * Return: 0, -EINVAL (NULL arguments), -EBADMSG (malformed), -ENOMEM.
 */
int ebpfmini_btf_new(const void *data, size_t size, struct ebpfmini_btf **out);
/** ebpfmini_btf_free() - free a BTF made by ebpfmini_btf_new(), closing its fd. NULL is a no-op. */
void ebpfmini_btf_free(struct ebpfmini_btf *btf);
/** ebpfmini_btf_type_count() - number of types, void excluded (ids run 1..count). */
uint32_t ebpfmini_btf_type_count(const struct ebpfmini_btf *btf);
/** ebpfmini_btf_find() - id of the type called name of kind (BTF_KIND_*, or -1 for any); -ENOENT. */
int ebpfmini_btf_find(const struct ebpfmini_btf *btf, const char *name, int kind);
/** ebpfmini_btf_type_name() - name of type id ("" for anonymous), NULL for a bad id. */
const char *ebpfmini_btf_type_name(const struct ebpfmini_btf *btf, uint32_t id);
/** ebpfmini_btf_type_kind() - BTF_KIND_* of type id, or -ENOENT for a bad id (0 is void: BTF_KIND_UNKN). */
int ebpfmini_btf_type_kind(const struct ebpfmini_btf *btf, uint32_t id);
/** ebpfmini_btf_type_size() - resolved byte size of type id; -ENOENT, -EINVAL (sizeless), -ELOOP. */
int ebpfmini_btf_type_size(const struct ebpfmini_btf *btf, uint32_t id);
/** ebpfmini_btf_raw() - the raw bytes (after any fix-ups); *size receives the length. */
const void *ebpfmini_btf_raw(const struct ebpfmini_btf *btf, size_t *size);
/**
 * ebpfmini_btf_load() - BPF_BTF_LOAD the BTF into the kernel (once).
 * Return: the fd (also kept by the btf), or the kernel's errno; the kernel's
 * BTF log is passed to the log callback on failure.
 */
int ebpfmini_btf_load(struct ebpfmini_btf *btf);
/** ebpfmini_btf_fd() - fd after ebpfmini_btf_load(), -EBUSY before. */
int ebpfmini_btf_fd(const struct ebpfmini_btf *btf);

#ifdef __cplusplus
}
#endif

#endif /* EBPFMINI_BTF_H */
