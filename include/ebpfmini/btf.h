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
/**
 * ebpfmini_btf_free() - free a BTF made by ebpfmini_btf_new(), closing the fd
 * ebpfmini_btf_load() gave it (if any). NULL is a no-op. Cannot fail.
 */
void ebpfmini_btf_free(struct ebpfmini_btf *btf);
/** ebpfmini_btf_type_count() - number of types, void excluded (ids run 1..count); 0 for NULL. */
uint32_t ebpfmini_btf_type_count(const struct ebpfmini_btf *btf);
/**
 * ebpfmini_btf_find() - id of the first type called name of kind (BTF_KIND_*,
 * or -1 for any kind).
 * Return: the id (> 0), -ENOENT (no such type), -EINVAL (NULL btf or name).
 */
int ebpfmini_btf_find(const struct ebpfmini_btf *btf, const char *name, int kind);
/**
 * ebpfmini_btf_type_name() - name of type id ("" for anonymous types and for
 * void, id 0); NULL for a bad id or a NULL btf. Valid as long as the btf.
 */
const char *ebpfmini_btf_type_name(const struct ebpfmini_btf *btf, uint32_t id);
/**
 * ebpfmini_btf_type_kind() - BTF_KIND_* of type id (0 is void: BTF_KIND_UNKN).
 * Return: the kind, -ENOENT (no type id), -EINVAL (NULL btf).
 */
int ebpfmini_btf_type_kind(const struct ebpfmini_btf *btf, uint32_t id);
/**
 * ebpfmini_btf_type_size() - byte size of type id, through typedefs, modifiers
 * and arrays (pointers are 8 bytes).
 * Return: the size, -ENOENT (no type id), -EINVAL (NULL btf, or a sizeless
 * type: void, function, prototype, forward declaration, decl tag), -ELOOP (the
 * types refer to each other in a loop), -E2BIG (larger than INT_MAX).
 */
int ebpfmini_btf_type_size(const struct ebpfmini_btf *btf, uint32_t id);
/**
 * ebpfmini_btf_raw() - the raw bytes (after any fix-ups), owned by the btf;
 * *size (if size is not NULL) receives the length. NULL (and 0) for a NULL btf.
 */
const void *ebpfmini_btf_raw(const struct ebpfmini_btf *btf, size_t *size);
/**
 * ebpfmini_btf_load() - BPF_BTF_LOAD the BTF into the kernel (once; later
 * calls return the same fd). The btf owns the fd: ebpfmini_btf_free() closes it.
 * Return: the fd (>= 3, O_CLOEXEC), -EINVAL (NULL btf), -E2BIG (over 4 GiB), or
 * the kernel's errno unchanged (EINVAL for BTF it rejects, EPERM without
 * CAP_BPF, ...). On failure the last lines of the kernel's BTF log and the
 * error go to the log callback (subject "btf").
 */
int ebpfmini_btf_load(struct ebpfmini_btf *btf);
/** ebpfmini_btf_fd() - the fd after ebpfmini_btf_load(); -EBUSY before it, -EINVAL for NULL. */
int ebpfmini_btf_fd(const struct ebpfmini_btf *btf);

/**
 * ebpfmini_btf_write_fn - where ebpfmini_btf_dump() sends its text: len bytes
 * at data (not NUL-terminated; one call per chunk of up to 64 KiB, in order).
 * Return 0 to go on, or a negative errno to stop the dump, which then returns
 * that value.
 */
typedef int (*ebpfmini_btf_write_fn)(void *ctx, const char *data, size_t len);

/** enum ebpfmini_btf_dump_format - what ebpfmini_btf_dump() writes. */
enum ebpfmini_btf_dump_format {
	/**
	 * A C header that clang accepts (what `bpftool btf dump ... format c`
	 * makes, a "vmlinux.h"): a guard (__VMLINUX_H__), every struct and union
	 * under preserve_access_index, types in dependency order with forward
	 * declarations where pointers make cycles, anonymous types inline,
	 * bitfields, padding and __attribute__((packed)) where the BTF layout
	 * needs them, enums (of any size, signed or not), typedefs and function
	 * prototypes. Types with the same name but different definitions get a
	 * ___2, ___3 ... suffix, which CO-RE ignores. Functions, variables and
	 * data sections are not written.
	 */
	EBPFMINI_BTF_DUMP_C = 0,
	/**
	 * One line per type, in id order, in the style of bpftool's raw format:
	 * `[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED`, with
	 * members, parameters, enumerators and section variables on the lines
	 * that follow, each starting with a tab.
	 */
	EBPFMINI_BTF_DUMP_RAW = 1,
};

/**
 * ebpfmini_btf_dump() - write btf as text in format fmt through write(ctx, ...).
 * For a BTF made with a base (kernel module BTF) only the types it adds are
 * listed; the C header also holds what those need from the base.
 * Pure: no I/O but the callback, no memory kept after the call. The C format
 * takes well under a second for a kernel's BTF (~130,000 types).
 * Return: 0, -EINVAL (NULL btf or write, unknown fmt), -ENOMEM, -ELOOP (a
 * struct contains itself by value, or types refer to each other in a loop
 * that C cannot express), -EBADMSG (BTF that C cannot express: a member of
 * function or incomplete type, a name that is not a C identifier, a bitfield
 * wider than its type; logged with subject "btf" and the type id), or what
 * write returned. After an error the text written so far is incomplete.
 */
int ebpfmini_btf_dump(const struct ebpfmini_btf *btf, enum ebpfmini_btf_dump_format fmt,
		      ebpfmini_btf_write_fn write, void *ctx);

/**
 * ebpfmini_btf_dump_fd() - ebpfmini_btf_dump() into the open file descriptor
 * fd (a file, pipe or terminal the caller owns and keeps open), with write(2)
 * retried on partial writes and EINTR.
 * Return: as ebpfmini_btf_dump(); -EBADF for a negative fd, and write(2)'s
 * errno negated (-EPIPE, -ENOSPC, ...) when writing fails.
 */
int ebpfmini_btf_dump_fd(const struct ebpfmini_btf *btf, enum ebpfmini_btf_dump_format fmt,
			 int fd);

#ifdef __cplusplus
}
#endif

#endif /* EBPFMINI_BTF_H */
