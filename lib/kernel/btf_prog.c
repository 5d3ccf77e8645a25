/* btf_prog.c - the BTF of a loaded BPF program: the id of one of its functions, for freplace and fentry/fexit on programs (L3' kernel) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpfmini/sys.h"
#include "internal.h"
#include "kbtf.h"
#include "sys.h"

/* More functions than any program has (the verifier's limit on subprograms is 256). */
#define FUNC_INFO_MAX 65536
/* Larger than any program's BTF the kernel keeps (BTF_MAX_SIZE is 16 MiB). */
#define PROG_BTF_MAX (64u << 20)

/* The program's info, then its func_info records (the BTF ids of its functions). */
static int read_prog(int prog_fd, const char *subject, struct bpf_prog_info *info,
		     uint32_t **func_ids)
{
	uint32_t len = sizeof(*info), n, rec;
	uint8_t *recs = NULL;
	int err;

	*func_ids = NULL;
	memset(info, 0, sizeof(*info));
	err = ebpfmini_sys_obj_get_info(prog_fd, info, &len);
	if (err < 0) {
		em_err("%s: read the target program's info (BPF_OBJ_GET_INFO_BY_FD of fd %d): %s",
		       subject, prog_fd, strerror(-err));
		return err;
	}
	n = info->nr_func_info;
	rec = info->func_info_rec_size;
	if (!info->btf_id || !n)
		return 0;
	if (n > FUNC_INFO_MAX || rec < sizeof(struct bpf_func_info) || rec > 256) {
		em_err("%s: the target program's info gives %u functions of %u bytes: not "
		       "believable",
		       subject, n, rec);
		return -EBADMSG;
	}
	recs = em_calloc(n, rec);
	*func_ids = em_calloc(n, sizeof(**func_ids));
	if (!recs || !*func_ids) {
		free(recs);
		return -ENOMEM;
	}
	memset(info, 0, sizeof(*info));
	info->nr_func_info = n;
	info->func_info_rec_size = rec;
	info->func_info = (uint64_t)(uintptr_t)recs;
	len = sizeof(*info);
	err = ebpfmini_sys_obj_get_info(prog_fd, info, &len);
	if (err >= 0 && (info->nr_func_info > n || info->func_info_rec_size != rec))
		err = -EAGAIN; /* the kernel changed its mind between two calls */
	if (err < 0) {
		em_err("%s: read the target program's functions (func_info): %s", subject,
		       strerror(-err));
		free(recs);
		return err;
	}
	for (uint32_t i = 0; i < info->nr_func_info; i++) {
		struct bpf_func_info fi;

		memcpy(&fi, recs + (size_t)i * rec, sizeof(fi));
		(*func_ids)[i] = fi.type_id;
	}
	free(recs);
	return 0;
}

int em_btf_prog_read_btf(uint32_t btf_id, void **data, size_t *size)
{
	struct bpf_btf_info info;
	uint32_t len = sizeof(info), want;
	int fd, err;

	*data = NULL;
	*size = 0;
	fd = ebpfmini_sys_btf_get_fd_by_id(btf_id);
	if (fd < 0)
		return fd;
	memset(&info, 0, sizeof(info));
	err = ebpfmini_sys_obj_get_info(fd, &info, &len);
	want = info.btf_size;
	if (err >= 0 && (!want || want > PROG_BTF_MAX))
		err = -EBADMSG;
	if (err >= 0) {
		*data = malloc(want);
		err = *data ? 0 : -ENOMEM;
	}
	if (!err) {
		memset(&info, 0, sizeof(info));
		info.btf = (uint64_t)(uintptr_t)*data;
		info.btf_size = want;
		len = sizeof(info);
		err = ebpfmini_sys_obj_get_info(fd, &info, &len);
		if (err >= 0 && info.btf_size != want)
			err = -EAGAIN; /* never for a loaded BTF, which does not change */
	}
	em_sys_close(fd);
	if (err < 0) {
		free(*data);
		*data = NULL;
		return err;
	}
	*size = want;
	return 0;
}

/* ", its functions: a, b, c" (as many as fit), or "" when it has none. */
static void list_funcs(const struct ebpfmini_btf *btf, const uint32_t *ids, uint32_t n, char *buf,
		       size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (uint32_t i = 0; i < n && used + 1 < size; i++) {
		const struct btf_type *t = em_btf_type(btf, ids[i]);
		int w;

		if (!t || em_btf_kind(t) != BTF_KIND_FUNC)
			continue;
		w = snprintf(buf + used, size - used, "%s%s",
			     used ? ", " : " (its functions: ", em_btf_type_name(btf, t));
		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
	if (used && used + 1 < size)
		snprintf(buf + used, size - used, ")");
}

int em_btf_prog_func(const struct ebpfmini_btf *btf, const uint32_t *func_ids, uint32_t n,
		     const char *func, bool global_only, const char *subject)
{
	char funcs[256];
	int any;

	for (uint32_t i = 0; i < n; i++) {
		const struct btf_type *t = em_btf_type(btf, func_ids[i]);

		if (!t || em_btf_kind(t) != BTF_KIND_FUNC ||
		    strcmp(em_btf_type_name(btf, t), func) != 0)
			continue;
		if (global_only && em_btf_vlen(t) != BTF_FUNC_GLOBAL) {
			em_err("%s: '%s' is a static function: freplace replaces only global "
			       "functions (drop 'static' from its definition, keep it "
			       "__attribute__((noinline)))",
			       subject, func);
			return -EINVAL;
		}
		return (int)func_ids[i];
	}
	list_funcs(btf, func_ids, n, funcs, sizeof(funcs));
	any = em_btf_find(btf, func, BTF_KIND_FUNC);
	if (any > 0)
		em_err("%s: '%s' is in the target's BTF but is not one of its functions: another "
		       "program of its object has it%s",
		       subject, func, funcs);
	else
		em_err("%s: the target program has no function '%s'%s", subject, func, funcs);
	return -ENOENT;
}

int em_btf_prog_find(int prog_fd, const char *func, bool global_only, const char *subject,
		     uint32_t *btf_id)
{
	struct bpf_prog_info info;
	struct ebpfmini_btf *btf = NULL;
	uint32_t *func_ids = NULL;
	void *data = NULL;
	size_t size = 0;
	char what[64];
	int err;

	*btf_id = 0;
	err = read_prog(prog_fd, subject, &info, &func_ids);
	if (err)
		return err;
	snprintf(what, sizeof(what), "'%.16s' (id %u)", info.name, info.id);
	if (!info.btf_id || !info.nr_func_info) {
		em_err("%s: the target program %s has no BTF%s: its functions have no names to "
		       "attach to (build it with clang -g and load it with its BTF)",
		       subject, what, info.btf_id ? " function records" : "");
		free(func_ids);
		return -EINVAL;
	}
	err = em_btf_prog_read_btf(info.btf_id, &data, &size);
	if (err)
		em_err("%s: read the BTF of the target program %s (BTF id %u): %s", subject, what,
		       info.btf_id, strerror(-err));
	if (!err) {
		/* a program's BTF stands alone (only module BTF is split) */
		err = em_btf_parse(data, size, NULL, &btf);
		if (err)
			em_err("%s: the BTF of the target program %s (BTF id %u) is malformed: "
			       "%s",
			       subject, what, info.btf_id, strerror(-err));
	}
	if (!err) {
		err = em_btf_prog_func(btf, func_ids, info.nr_func_info, func, global_only,
				       subject);
		if (err > 0) {
			*btf_id = (uint32_t)err;
			err = 0;
			em_debug("%s: function '%s' of program %s is BTF id %u", subject, func,
				 what, *btf_id);
		}
	}
	em_btf_free(btf);
	free(data);
	free(func_ids);
	return err;
}
