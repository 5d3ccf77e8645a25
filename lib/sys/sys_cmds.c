/* sys_cmds.c - one typed function per bpf() command: zeroed attr, exact size, fd/0/-errno (L3 sys) */
#include "internal.h"
#include "sys.h"
#include "sys_attr.h"
#include "uapi_compat.h"

#include "ebpfmini/sys.h"

/*
 * Every function fills a zeroed union em_bpf_attr (sys_attr.h: the 6.18
 * layout, so fields newer than the build's header have names) and passes the
 * size that ends with the last field the command uses here (EM_ATTR_END).
 * A kernel older than a field we pass zero for accepts it (it checks only
 * that unknown trailing bytes are zero); one older than a field we set
 * answers E2BIG, which is the honest answer.
 */

#define OPTS_CHECK(opts, cmd)                                                                      \
	do {                                                                                       \
		int _e = em_opts_check((opts), sizeof(*(opts)), "bpf(" #cmd ")");                    \
		if (_e)                                                                            \
			return _e;                                                                 \
	} while (0)

/* Copies a name into a char[BPF_OBJ_NAME_LEN], truncated, NUL-terminated. */
static void put_name(char *dst, const char *name)
{
	size_t n;

	if (!name)
		return;
	n = strnlen(name, BPF_OBJ_NAME_LEN - 1);
	memcpy(dst, name, n);
	dst[n] = '\0';
}

/* ---- maps ---------------------------------------------------------------------------- */

EM_EXPORT int ebpfmini_sys_map_create(uint32_t map_type, uint32_t key_size, uint32_t value_size,
				      uint32_t max_entries,
				      const struct ebpfmini_sys_map_create_opts *opts)
{
	union em_bpf_attr u;

	OPTS_CHECK(opts, BPF_MAP_CREATE);
	memset(&u, 0, sizeof(u));
	u.map_create.map_type = map_type;
	u.map_create.key_size = key_size;
	u.map_create.value_size = value_size;
	u.map_create.max_entries = max_entries;
	u.map_create.map_flags = EM_OPT(opts, map_flags, 0);
	u.map_create.inner_map_fd = EM_OPT(opts, inner_map_fd, 0);
	u.map_create.numa_node = EM_OPT(opts, numa_node, 0);
	put_name(u.map_create.map_name, EM_OPT(opts, name, NULL));
	u.map_create.map_ifindex = EM_OPT(opts, map_ifindex, 0);
	u.map_create.btf_fd = EM_OPT(opts, btf_fd, 0);
	u.map_create.btf_key_type_id = EM_OPT(opts, btf_key_type_id, 0);
	u.map_create.btf_value_type_id = EM_OPT(opts, btf_value_type_id, 0);
	u.map_create.btf_vmlinux_value_type_id = EM_OPT(opts, btf_vmlinux_value_type_id, 0);
	u.map_create.map_extra = EM_OPT(opts, map_extra, 0);
	return em_sys_bpf(BPF_MAP_CREATE, &u.attr, EM_ATTR_END(map_create.map_extra));
}

/* The BPF_MAP_*_ELEM commands: map_fd, key, value (or next_key), flags. */
static int elem_cmd(int cmd, int map_fd, const void *key, const void *value, uint64_t flags,
		    unsigned int size)
{
	union em_bpf_attr u;

	memset(&u, 0, sizeof(u));
	u.elem.map_fd = (uint32_t)map_fd;
	u.elem.key = EM_PTR_U64(key);
	u.elem.value = EM_PTR_U64(value); /* or next_key */
	u.elem.flags = flags;
	return em_sys_bpf(cmd, &u.attr, size);
}

EM_EXPORT int ebpfmini_sys_map_lookup(int map_fd, const void *key, void *value, uint64_t flags)
{
	if (!value)
		return -EINVAL;
	return elem_cmd(BPF_MAP_LOOKUP_ELEM, map_fd, key, value, flags, EM_ATTR_END(elem.flags));
}

EM_EXPORT int ebpfmini_sys_map_update(int map_fd, const void *key, const void *value,
				      uint64_t flags)
{
	if (!value)
		return -EINVAL;
	return elem_cmd(BPF_MAP_UPDATE_ELEM, map_fd, key, value, flags, EM_ATTR_END(elem.flags));
}

EM_EXPORT int ebpfmini_sys_map_delete(int map_fd, const void *key, uint64_t flags)
{
	if (!key)
		return -EINVAL;
	return elem_cmd(BPF_MAP_DELETE_ELEM, map_fd, key, NULL, flags, EM_ATTR_END(elem.flags));
}

EM_EXPORT int ebpfmini_sys_map_next_key(int map_fd, const void *key, void *next_key)
{
	if (!next_key)
		return -EINVAL;
	return elem_cmd(BPF_MAP_GET_NEXT_KEY, map_fd, key, next_key, 0, EM_ATTR_END(elem.next_key));
}

EM_EXPORT int ebpfmini_sys_map_lookup_and_delete(int map_fd, const void *key, void *value,
						 uint64_t flags)
{
	if (!value)
		return -EINVAL;
	return elem_cmd(BPF_MAP_LOOKUP_AND_DELETE_ELEM, map_fd, key, value, flags,
			EM_ATTR_END(elem.flags));
}

EM_EXPORT int ebpfmini_sys_map_freeze(int map_fd)
{
	union em_bpf_attr u;

	memset(&u, 0, sizeof(u));
	u.elem.map_fd = (uint32_t)map_fd;
	return em_sys_bpf(BPF_MAP_FREEZE, &u.attr, EM_ATTR_END(elem.map_fd));
}

/* The four BPF_MAP_*_BATCH commands; *count is written back even on error. */
static int batch_cmd(int cmd, int map_fd, void *in_batch, void *out_batch, const void *keys,
		     const void *values, uint32_t *count, const struct ebpfmini_sys_batch_opts *opts)
{
	union em_bpf_attr u;
	int ret;

	memset(&u, 0, sizeof(u));
	u.batch.in_batch = EM_PTR_U64(in_batch);
	u.batch.out_batch = EM_PTR_U64(out_batch);
	u.batch.keys = EM_PTR_U64(keys);
	u.batch.values = EM_PTR_U64(values);
	u.batch.count = *count;
	u.batch.map_fd = (uint32_t)map_fd;
	u.batch.elem_flags = EM_OPT(opts, elem_flags, 0);
	u.batch.flags = EM_OPT(opts, flags, 0);
	ret = em_sys_bpf(cmd, &u.attr, EM_ATTR_END(batch));
	*count = u.batch.count;
	return ret;
}

EM_EXPORT int ebpfmini_sys_map_lookup_batch(int map_fd, void *in_batch, void *out_batch,
					    void *keys, void *values, uint32_t *count,
					    const struct ebpfmini_sys_batch_opts *opts)
{
	OPTS_CHECK(opts, BPF_MAP_LOOKUP_BATCH);
	if (!out_batch || !keys || !values || !count)
		return -EINVAL;
	return batch_cmd(BPF_MAP_LOOKUP_BATCH, map_fd, in_batch, out_batch, keys, values, count,
			 opts);
}

EM_EXPORT int ebpfmini_sys_map_lookup_and_delete_batch(int map_fd, void *in_batch,
						       void *out_batch, void *keys, void *values,
						       uint32_t *count,
						       const struct ebpfmini_sys_batch_opts *opts)
{
	OPTS_CHECK(opts, BPF_MAP_LOOKUP_AND_DELETE_BATCH);
	if (!out_batch || !keys || !values || !count)
		return -EINVAL;
	return batch_cmd(BPF_MAP_LOOKUP_AND_DELETE_BATCH, map_fd, in_batch, out_batch, keys,
			 values, count, opts);
}

EM_EXPORT int ebpfmini_sys_map_update_batch(int map_fd, const void *keys, const void *values,
					    uint32_t *count,
					    const struct ebpfmini_sys_batch_opts *opts)
{
	OPTS_CHECK(opts, BPF_MAP_UPDATE_BATCH);
	if (!keys || !values || !count)
		return -EINVAL;
	return batch_cmd(BPF_MAP_UPDATE_BATCH, map_fd, NULL, NULL, keys, values, count, opts);
}

EM_EXPORT int ebpfmini_sys_map_delete_batch(int map_fd, const void *keys, uint32_t *count,
					    const struct ebpfmini_sys_batch_opts *opts)
{
	OPTS_CHECK(opts, BPF_MAP_DELETE_BATCH);
	if (!keys || !count)
		return -EINVAL;
	return batch_cmd(BPF_MAP_DELETE_BATCH, map_fd, NULL, NULL, keys, NULL, count, opts);
}

/* ---- programs -------------------------------------------------------------------------- */

EM_EXPORT int ebpfmini_sys_prog_load(uint32_t prog_type, const char *license,
				     const struct bpf_insn *insns, size_t insn_cnt,
				     struct ebpfmini_sys_prog_load_opts *opts)
{
	union em_bpf_attr u;
	uint32_t attach_prog_fd, attach_btf_obj_fd;
	int ret;

	OPTS_CHECK(opts, BPF_PROG_LOAD);
	if (!insns || !insn_cnt)
		return -EINVAL;
	if (insn_cnt > UINT32_MAX)
		return -E2BIG;
	/* attach_prog_fd and attach_btf_obj_fd share one field */
	attach_prog_fd = EM_OPT(opts, attach_prog_fd, 0);
	attach_btf_obj_fd = EM_OPT(opts, attach_btf_obj_fd, 0);
	if (attach_prog_fd && attach_btf_obj_fd)
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	u.prog_load.prog_type = prog_type;
	u.prog_load.insn_cnt = (uint32_t)insn_cnt;
	u.prog_load.insns = EM_PTR_U64(insns);
	u.prog_load.license = EM_PTR_U64(license ? license : "");
	u.prog_load.log_level = EM_OPT(opts, log_level, 0);
	u.prog_load.log_size = EM_OPT(opts, log_size, 0);
	u.prog_load.log_buf = EM_PTR_U64(EM_OPT(opts, log_buf, NULL));
	u.prog_load.kern_version = EM_OPT(opts, kern_version, 0);
	u.prog_load.prog_flags = EM_OPT(opts, prog_flags, 0);
	put_name(u.prog_load.prog_name, EM_OPT(opts, name, NULL));
	u.prog_load.prog_ifindex = EM_OPT(opts, prog_ifindex, 0);
	u.prog_load.expected_attach_type = EM_OPT(opts, expected_attach_type, 0);
	u.prog_load.prog_btf_fd = EM_OPT(opts, prog_btf_fd, 0);
	u.prog_load.func_info_rec_size = EM_OPT(opts, func_info_rec_size, 0);
	u.prog_load.func_info = EM_PTR_U64(EM_OPT(opts, func_info, NULL));
	u.prog_load.func_info_cnt = EM_OPT(opts, func_info_cnt, 0);
	u.prog_load.line_info_rec_size = EM_OPT(opts, line_info_rec_size, 0);
	u.prog_load.line_info = EM_PTR_U64(EM_OPT(opts, line_info, NULL));
	u.prog_load.line_info_cnt = EM_OPT(opts, line_info_cnt, 0);
	u.prog_load.attach_btf_id = EM_OPT(opts, attach_btf_id, 0);
	u.prog_load.attach_prog_fd = attach_prog_fd ? attach_prog_fd : attach_btf_obj_fd;
	u.prog_load.fd_array = EM_PTR_U64(EM_OPT(opts, fd_array, NULL));
	/* up to log_true_size (6.4), which the kernel writes back when it fits */
	ret = em_sys_bpf(BPF_PROG_LOAD, &u.attr, EM_ATTR_END(prog_load.log_true_size));
	EM_OPT_SET(opts, log_true_size, u.prog_load.log_true_size);
	return ret;
}

EM_EXPORT int ebpfmini_sys_prog_test_run(int prog_fd, struct ebpfmini_sys_test_run_opts *opts)
{
	union em_bpf_attr u;
	int ret;

	OPTS_CHECK(opts, BPF_PROG_TEST_RUN);
	memset(&u, 0, sizeof(u));
	u.test.prog_fd = (uint32_t)prog_fd;
	u.test.data_in = EM_PTR_U64(EM_OPT(opts, data_in, NULL));
	u.test.data_size_in = EM_OPT(opts, data_size_in, 0);
	u.test.data_out = EM_PTR_U64(EM_OPT(opts, data_out, NULL));
	u.test.data_size_out = EM_OPT(opts, data_size_out, 0);
	u.test.ctx_in = EM_PTR_U64(EM_OPT(opts, ctx_in, NULL));
	u.test.ctx_size_in = EM_OPT(opts, ctx_size_in, 0);
	u.test.ctx_out = EM_PTR_U64(EM_OPT(opts, ctx_out, NULL));
	u.test.ctx_size_out = EM_OPT(opts, ctx_size_out, 0);
	u.test.repeat = EM_OPT(opts, repeat, 0);
	u.test.flags = EM_OPT(opts, flags, 0);
	u.test.cpu = EM_OPT(opts, cpu, 0);
	u.test.batch_size = EM_OPT(opts, batch_size, 0);
	ret = em_sys_bpf(BPF_PROG_TEST_RUN, &u.attr, EM_ATTR_END(test.batch_size));
	EM_OPT_SET(opts, data_size_out, u.test.data_size_out);
	EM_OPT_SET(opts, ctx_size_out, u.test.ctx_size_out);
	EM_OPT_SET(opts, retval, u.test.retval);
	EM_OPT_SET(opts, duration, u.test.duration);
	return ret;
}

EM_EXPORT int ebpfmini_sys_prog_attach(int prog_fd, int target_fd, uint32_t attach_type,
				       const struct ebpfmini_sys_prog_attach_opts *opts)
{
	union em_bpf_attr u;
	uint32_t rel_fd = EM_OPT(opts, relative_fd, 0), rel_id = EM_OPT(opts, relative_id, 0);
	uint64_t revision = EM_OPT(opts, expected_revision, 0);
	unsigned int size = EM_ATTR_END(attach.attach_flags);

	OPTS_CHECK(opts, BPF_PROG_ATTACH);
	if (rel_fd && rel_id)
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	u.attach.target_fd = (uint32_t)target_fd;
	u.attach.attach_bpf_fd = (uint32_t)prog_fd;
	u.attach.attach_type = attach_type;
	u.attach.attach_flags = EM_OPT(opts, flags, 0);
	if (EM_OPT(opts, replace_prog_fd, 0)) {
		u.attach.replace_bpf_fd = (uint32_t)opts->replace_prog_fd;
		size = EM_ATTR_END(attach.replace_bpf_fd);
	}
	if (rel_fd || rel_id) {
		u.attach.relative_fd = rel_fd ? rel_fd : rel_id; /* or relative_id */
		size = EM_ATTR_END(attach.relative_fd);
	}
	if (revision) {
		u.attach.expected_revision = revision;
		size = EM_ATTR_END(attach.expected_revision);
	}
	return em_sys_bpf(BPF_PROG_ATTACH, &u.attr, size);
}

EM_EXPORT int ebpfmini_sys_prog_detach(int prog_fd, int target_fd, uint32_t attach_type)
{
	union em_bpf_attr u;

	memset(&u, 0, sizeof(u));
	u.attach.target_fd = (uint32_t)target_fd;
	u.attach.attach_bpf_fd = (uint32_t)prog_fd;
	u.attach.attach_type = attach_type;
	return em_sys_bpf(BPF_PROG_DETACH, &u.attr, EM_ATTR_END(attach.attach_type));
}

EM_EXPORT int ebpfmini_sys_prog_query(int target_fd, uint32_t attach_type,
				      struct ebpfmini_sys_prog_query_opts *opts)
{
	union em_bpf_attr u;
	int ret;

	OPTS_CHECK(opts, BPF_PROG_QUERY);
	memset(&u, 0, sizeof(u));
	u.query.target_fd = (uint32_t)target_fd;
	u.query.attach_type = attach_type;
	u.query.query_flags = EM_OPT(opts, query_flags, 0);
	u.query.prog_ids = EM_PTR_U64(EM_OPT(opts, prog_ids, NULL));
	u.query.prog_cnt = EM_OPT(opts, prog_cnt, 0);
	u.query.prog_attach_flags = EM_PTR_U64(EM_OPT(opts, prog_attach_flags, NULL));
	/* up to revision (6.6), written back by the kernel */
	ret = em_sys_bpf(BPF_PROG_QUERY, &u.attr, EM_ATTR_END(query.revision));
	EM_OPT_SET(opts, attach_flags, u.query.attach_flags);
	EM_OPT_SET(opts, prog_cnt, u.query.prog_cnt);
	EM_OPT_SET(opts, revision, u.query.revision);
	return ret;
}

EM_EXPORT int ebpfmini_sys_prog_bind_map(int prog_fd, int map_fd, uint32_t flags)
{
	union em_bpf_attr u;

	memset(&u, 0, sizeof(u));
	u.prog_bind_map.prog_fd = (uint32_t)prog_fd;
	u.prog_bind_map.map_fd = (uint32_t)map_fd;
	u.prog_bind_map.flags = flags;
	return em_sys_bpf(BPF_PROG_BIND_MAP, &u.attr, EM_ATTR_END(prog_bind_map));
}

/* ---- pinning ----------------------------------------------------------------------------- */

EM_EXPORT int ebpfmini_sys_obj_pin(int fd, const char *path)
{
	union em_bpf_attr u;

	if (!path)
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	u.obj.pathname = EM_PTR_U64(path);
	u.obj.bpf_fd = (uint32_t)fd;
	return em_sys_bpf(BPF_OBJ_PIN, &u.attr, EM_ATTR_END(obj.file_flags));
}

EM_EXPORT int ebpfmini_sys_obj_get(const char *path, uint32_t file_flags)
{
	union em_bpf_attr u;

	if (!path)
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	u.obj.pathname = EM_PTR_U64(path);
	u.obj.file_flags = file_flags;
	return em_sys_bpf(BPF_OBJ_GET, &u.attr, EM_ATTR_END(obj.file_flags));
}

/* ---- ids and info ---------------------------------------------------------------------------- */

static int get_next_id(int cmd, uint32_t start_id, uint32_t *next_id)
{
	union em_bpf_attr u;
	int ret;

	if (!next_id)
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	u.by_id.start_id = start_id;
	ret = em_sys_bpf(cmd, &u.attr, EM_ATTR_END(by_id.next_id));
	if (ret == 0)
		*next_id = u.by_id.next_id;
	return ret;
}

EM_EXPORT int ebpfmini_sys_prog_get_next_id(uint32_t start_id, uint32_t *next_id)
{
	return get_next_id(BPF_PROG_GET_NEXT_ID, start_id, next_id);
}

EM_EXPORT int ebpfmini_sys_map_get_next_id(uint32_t start_id, uint32_t *next_id)
{
	return get_next_id(BPF_MAP_GET_NEXT_ID, start_id, next_id);
}

EM_EXPORT int ebpfmini_sys_btf_get_next_id(uint32_t start_id, uint32_t *next_id)
{
	return get_next_id(BPF_BTF_GET_NEXT_ID, start_id, next_id);
}

EM_EXPORT int ebpfmini_sys_link_get_next_id(uint32_t start_id, uint32_t *next_id)
{
	return get_next_id(BPF_LINK_GET_NEXT_ID, start_id, next_id);
}

static int get_fd_by_id(int cmd, uint32_t id)
{
	union em_bpf_attr u;

	memset(&u, 0, sizeof(u));
	u.by_id.start_id = id; /* prog_id, map_id, btf_id, link_id: one field */
	return em_sys_bpf(cmd, &u.attr, EM_ATTR_END(by_id.start_id));
}

EM_EXPORT int ebpfmini_sys_prog_get_fd_by_id(uint32_t id)
{
	return get_fd_by_id(BPF_PROG_GET_FD_BY_ID, id);
}

EM_EXPORT int ebpfmini_sys_map_get_fd_by_id(uint32_t id)
{
	return get_fd_by_id(BPF_MAP_GET_FD_BY_ID, id);
}

EM_EXPORT int ebpfmini_sys_btf_get_fd_by_id(uint32_t id)
{
	return get_fd_by_id(BPF_BTF_GET_FD_BY_ID, id);
}

EM_EXPORT int ebpfmini_sys_link_get_fd_by_id(uint32_t id)
{
	return get_fd_by_id(BPF_LINK_GET_FD_BY_ID, id);
}

EM_EXPORT int ebpfmini_sys_obj_get_info(int fd, void *info, uint32_t *info_len)
{
	union em_bpf_attr u;
	int ret;

	if (!info || !info_len)
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	u.info.bpf_fd = (uint32_t)fd;
	u.info.info_len = *info_len;
	u.info.info = EM_PTR_U64(info);
	ret = em_sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &u.attr, EM_ATTR_END(info));
	if (ret == 0)
		*info_len = u.info.info_len;
	return ret;
}

/* ---- BTF, tracing, links, iterators, stats ---------------------------------------------------- */

EM_EXPORT int ebpfmini_sys_btf_load(const void *btf, size_t size,
				    struct ebpfmini_sys_btf_load_opts *opts)
{
	union em_bpf_attr u;
	int ret;

	OPTS_CHECK(opts, BPF_BTF_LOAD);
	if (!btf || !size)
		return -EINVAL;
	if (size > UINT32_MAX)
		return -E2BIG;
	memset(&u, 0, sizeof(u));
	u.btf_load.btf = EM_PTR_U64(btf);
	u.btf_load.btf_size = (uint32_t)size;
	u.btf_load.btf_log_buf = EM_PTR_U64(EM_OPT(opts, log_buf, NULL));
	u.btf_load.btf_log_size = EM_OPT(opts, log_size, 0);
	u.btf_load.btf_log_level = EM_OPT(opts, log_level, 0);
	/* up to btf_log_true_size (6.4), written back by the kernel */
	ret = em_sys_bpf(BPF_BTF_LOAD, &u.attr, EM_ATTR_END(btf_load.btf_log_true_size));
	EM_OPT_SET(opts, log_true_size, u.btf_load.btf_log_true_size);
	return ret;
}

EM_EXPORT int ebpfmini_sys_raw_tracepoint_open(const char *name, int prog_fd)
{
	union em_bpf_attr u;

	memset(&u, 0, sizeof(u));
	u.raw_tp.name = EM_PTR_U64(name);
	u.raw_tp.prog_fd = (uint32_t)prog_fd;
	return em_sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &u.attr, EM_ATTR_END(raw_tp.prog_fd));
}

EM_EXPORT int ebpfmini_sys_task_fd_query(int pid, int fd, uint32_t flags, char *buf,
					 uint32_t *buf_len, uint32_t *prog_id, uint32_t *fd_type,
					 uint64_t *probe_offset, uint64_t *probe_addr)
{
	union em_bpf_attr u;
	int ret;

	if (buf && !buf_len)
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	u.task_fd_query.pid = (uint32_t)pid;
	u.task_fd_query.fd = (uint32_t)fd;
	u.task_fd_query.flags = flags;
	u.task_fd_query.buf = EM_PTR_U64(buf);
	u.task_fd_query.buf_len = buf_len ? *buf_len : 0;
	ret = em_sys_bpf(BPF_TASK_FD_QUERY, &u.attr, EM_ATTR_END(task_fd_query));
	if (buf_len)
		*buf_len = u.task_fd_query.buf_len;
	if (ret == 0) {
		if (prog_id)
			*prog_id = u.task_fd_query.prog_id;
		if (fd_type)
			*fd_type = u.task_fd_query.fd_type;
		if (probe_offset)
			*probe_offset = u.task_fd_query.probe_offset;
		if (probe_addr)
			*probe_addr = u.task_fd_query.probe_addr;
	}
	return ret;
}

EM_EXPORT int ebpfmini_sys_link_create(int prog_fd, int target_fd, uint32_t attach_type,
				       const struct ebpfmini_sys_link_create_opts *opts)
{
	const struct ebpfmini_sys_link_create_opts *o = opts;
	union em_bpf_attr u;
	enum em_link_variant lv = em_sys_link_variant(attach_type);
	bool set[EM_LINK_NONE + 1] = { false };
	unsigned int size = EM_ATTR_END(link_create.flags);
	uint32_t rel;

	OPTS_CHECK(opts, BPF_LINK_CREATE);
	/* the multi-probe kinds and BPF_XDP take the tracing options */
	if (lv == EM_LINK_KPROBE_MULTI || lv == EM_LINK_UPROBE_MULTI || lv == EM_LINK_NONE)
		lv = EM_LINK_TRACING;
	/* which union members the caller filled: only the attach type's may be */
	set[EM_LINK_TRACING] = EM_OPT(o, target_btf_id, 0) || EM_OPT(o, tracing_cookie, 0);
	set[EM_LINK_ITER] = EM_OPT(o, iter_info, NULL) || EM_OPT(o, iter_info_len, 0);
	set[EM_LINK_PERF] = EM_OPT(o, perf_event_bpf_cookie, 0) != 0;
	set[EM_LINK_NETFILTER] = EM_OPT(o, netfilter_pf, 0) || EM_OPT(o, netfilter_hooknum, 0) ||
			    EM_OPT(o, netfilter_priority, 0) || EM_OPT(o, netfilter_flags, 0);
	set[EM_LINK_MPROG] = EM_OPT(o, relative_fd, 0) || EM_OPT(o, relative_id, 0) ||
			EM_OPT(o, expected_revision, 0);
	for (int v = EM_LINK_TRACING; v <= EM_LINK_NONE; v++)
		if (set[v] && v != (int)lv)
			return -EINVAL;
	if (EM_OPT(o, relative_fd, 0) && EM_OPT(o, relative_id, 0))
		return -EINVAL;

	memset(&u, 0, sizeof(u));
	u.link_create.prog_fd = (uint32_t)prog_fd;
	u.link_create.target_fd = (uint32_t)target_fd; /* or target_ifindex */
	u.link_create.attach_type = attach_type;
	u.link_create.flags = EM_OPT(o, flags, 0);
	switch (lv) {
	case EM_LINK_ITER:
		if (set[EM_LINK_ITER]) {
			u.link_create.iter_info = EM_PTR_U64(o->iter_info);
			u.link_create.iter_info_len = EM_OPT(o, iter_info_len, 0);
			size = EM_ATTR_END(link_create.iter_info_len);
		}
		break;
	case EM_LINK_PERF:
		if (set[EM_LINK_PERF]) {
			u.link_create.perf_event.bpf_cookie = o->perf_event_bpf_cookie;
			size = EM_ATTR_END(link_create.perf_event.bpf_cookie);
		}
		break;
	case EM_LINK_NETFILTER: /* hooknum 0 is a real hook: always pass all four */
		u.link_create.netfilter.pf = EM_OPT(o, netfilter_pf, 0);
		u.link_create.netfilter.hooknum = EM_OPT(o, netfilter_hooknum, 0);
		u.link_create.netfilter.priority = EM_OPT(o, netfilter_priority, 0);
		u.link_create.netfilter.flags = EM_OPT(o, netfilter_flags, 0);
		size = EM_ATTR_END(link_create.netfilter.flags);
		break;
	case EM_LINK_MPROG:
		rel = EM_OPT(o, relative_fd, 0) ? o->relative_fd : EM_OPT(o, relative_id, 0);
		if (rel) {
			u.link_create.mprog.relative_fd = rel; /* or relative_id */
			size = EM_ATTR_END(link_create.mprog.relative_fd);
		}
		if (EM_OPT(o, expected_revision, 0)) {
			u.link_create.mprog.expected_revision = o->expected_revision;
			size = EM_ATTR_END(link_create.mprog.expected_revision);
		}
		break;
	default: /* EM_LINK_TRACING */
		if (EM_OPT(o, target_btf_id, 0)) {
			u.link_create.target_btf_id = o->target_btf_id;
			size = EM_ATTR_END(link_create.target_btf_id);
		}
		if (EM_OPT(o, tracing_cookie, 0)) {
			u.link_create.tracing.cookie = o->tracing_cookie;
			size = EM_ATTR_END(link_create.tracing.cookie);
		}
		break;
	}
	return em_sys_bpf(BPF_LINK_CREATE, &u.attr, size);
}

int em_sys_link_create_multi(int prog_fd, uint32_t attach_type, const struct em_sys_multi *m)
{
	union em_bpf_attr u;

	memset(&u, 0, sizeof(u));
	u.link_create.prog_fd = (uint32_t)prog_fd;
	u.link_create.attach_type = attach_type;
	if (em_sys_link_variant(attach_type) == EM_LINK_KPROBE_MULTI) {
		u.link_create.kprobe_multi.flags = m->flags;
		u.link_create.kprobe_multi.cnt = m->cnt;
		u.link_create.kprobe_multi.syms = EM_PTR_U64(m->syms);
		u.link_create.kprobe_multi.addrs = EM_PTR_U64(m->addrs);
		u.link_create.kprobe_multi.cookies = EM_PTR_U64(m->cookies);
		return em_sys_bpf(BPF_LINK_CREATE, &u.attr, EM_ATTR_END(link_create.kprobe_multi));
	}
	u.link_create.uprobe_multi.path = EM_PTR_U64(m->path);
	u.link_create.uprobe_multi.offsets = EM_PTR_U64(m->offsets);
	u.link_create.uprobe_multi.ref_ctr_offsets = EM_PTR_U64(m->ref_ctr_offsets);
	u.link_create.uprobe_multi.cookies = EM_PTR_U64(m->cookies);
	u.link_create.uprobe_multi.cnt = m->cnt;
	u.link_create.uprobe_multi.flags = m->flags;
	u.link_create.uprobe_multi.pid = (uint32_t)m->pid;
	return em_sys_bpf(BPF_LINK_CREATE, &u.attr, EM_ATTR_END(link_create.uprobe_multi.pid));
}

int em_sys_link_create_freplace(int prog_fd, int target_fd, uint32_t target_btf_id)
{
	union em_bpf_attr u;

	memset(&u, 0, sizeof(u));
	u.link_create.prog_fd = (uint32_t)prog_fd;
	u.link_create.target_fd = (uint32_t)target_fd;
	u.link_create.target_btf_id = target_btf_id;
	return em_sys_bpf(BPF_LINK_CREATE, &u.attr, EM_ATTR_END(link_create.target_btf_id));
}

EM_EXPORT int ebpfmini_sys_link_update(int link_fd, int new_prog_fd,
				       const struct ebpfmini_sys_link_update_opts *opts)
{
	union em_bpf_attr u;

	OPTS_CHECK(opts, BPF_LINK_UPDATE);
	memset(&u, 0, sizeof(u));
	u.link_update.link_fd = (uint32_t)link_fd;
	u.link_update.new_prog_fd = (uint32_t)new_prog_fd;
	u.link_update.flags = EM_OPT(opts, flags, 0);
	u.link_update.old_prog_fd = EM_OPT(opts, old_prog_fd, 0);
	return em_sys_bpf(BPF_LINK_UPDATE, &u.attr, EM_ATTR_END(link_update));
}

EM_EXPORT int ebpfmini_sys_link_detach(int link_fd)
{
	union em_bpf_attr u;

	memset(&u, 0, sizeof(u));
	u.link_detach.link_fd = (uint32_t)link_fd;
	return em_sys_bpf(BPF_LINK_DETACH, &u.attr, EM_ATTR_END(link_detach));
}

EM_EXPORT int ebpfmini_sys_iter_create(int link_fd, uint32_t flags)
{
	union em_bpf_attr u;

	memset(&u, 0, sizeof(u));
	u.iter_create.link_fd = (uint32_t)link_fd;
	u.iter_create.flags = flags;
	return em_sys_bpf(BPF_ITER_CREATE, &u.attr, EM_ATTR_END(iter_create));
}

EM_EXPORT int ebpfmini_sys_enable_stats(uint32_t type)
{
	union em_bpf_attr u;

	memset(&u, 0, sizeof(u));
	u.enable_stats.type = type;
	return em_sys_bpf(BPF_ENABLE_STATS, &u.attr, EM_ATTR_END(enable_stats));
}
