/* sys_cmds.c - one typed function per bpf() command: zeroed attr, exact size, fd/0/-errno (L3) */
#include "internal.h"
#include "sys.h"
#include "uapi_compat.h"

#include "ebpfmini/sys.h"

/*
 * Every function fills a zeroed union em_bpf_attr (as large as the 6.18
 * attr, so fields newer than the build's header fit at their ABI offsets)
 * and passes the size that ends with the last field the command uses here.
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
	union bpf_attr *attr = &u.attr;

	OPTS_CHECK(opts, BPF_MAP_CREATE);
	memset(&u, 0, sizeof(u));
	attr->map_type = map_type;
	attr->key_size = key_size;
	attr->value_size = value_size;
	attr->max_entries = max_entries;
	attr->map_flags = EM_OPT(opts, map_flags, 0);
	attr->inner_map_fd = EM_OPT(opts, inner_map_fd, 0);
	attr->numa_node = EM_OPT(opts, numa_node, 0);
	put_name(attr->map_name, EM_OPT(opts, name, NULL));
	attr->map_ifindex = EM_OPT(opts, map_ifindex, 0);
	attr->btf_fd = EM_OPT(opts, btf_fd, 0);
	attr->btf_key_type_id = EM_OPT(opts, btf_key_type_id, 0);
	attr->btf_value_type_id = EM_OPT(opts, btf_value_type_id, 0);
	attr->btf_vmlinux_value_type_id = EM_OPT(opts, btf_vmlinux_value_type_id, 0);
	attr->map_extra = EM_OPT(opts, map_extra, 0);
	return em_sys_bpf(BPF_MAP_CREATE, attr, EM_ATTR_END(map_extra));
}

/* The BPF_MAP_*_ELEM commands: map_fd, key, value (or next_key), flags. */
static int elem_cmd(int cmd, int map_fd, const void *key, const void *value, uint64_t flags,
		    unsigned int size)
{
	union em_bpf_attr u;
	union bpf_attr *attr = &u.attr;

	memset(&u, 0, sizeof(u));
	attr->map_fd = (uint32_t)map_fd;
	attr->key = EM_PTR_U64(key);
	attr->value = EM_PTR_U64(value);
	attr->flags = flags;
	return em_sys_bpf(cmd, attr, size);
}

EM_EXPORT int ebpfmini_sys_map_lookup(int map_fd, const void *key, void *value, uint64_t flags)
{
	if (!value)
		return -EINVAL;
	return elem_cmd(BPF_MAP_LOOKUP_ELEM, map_fd, key, value, flags, EM_ATTR_END(flags));
}

EM_EXPORT int ebpfmini_sys_map_update(int map_fd, const void *key, const void *value,
				      uint64_t flags)
{
	if (!value)
		return -EINVAL;
	return elem_cmd(BPF_MAP_UPDATE_ELEM, map_fd, key, value, flags, EM_ATTR_END(flags));
}

EM_EXPORT int ebpfmini_sys_map_delete(int map_fd, const void *key, uint64_t flags)
{
	if (!key)
		return -EINVAL;
	return elem_cmd(BPF_MAP_DELETE_ELEM, map_fd, key, NULL, flags, EM_ATTR_END(flags));
}

EM_EXPORT int ebpfmini_sys_map_next_key(int map_fd, const void *key, void *next_key)
{
	if (!next_key)
		return -EINVAL;
	return elem_cmd(BPF_MAP_GET_NEXT_KEY, map_fd, key, next_key, 0, EM_ATTR_END(next_key));
}

EM_EXPORT int ebpfmini_sys_map_lookup_and_delete(int map_fd, const void *key, void *value,
						 uint64_t flags)
{
	if (!value)
		return -EINVAL;
	return elem_cmd(BPF_MAP_LOOKUP_AND_DELETE_ELEM, map_fd, key, value, flags,
			EM_ATTR_END(flags));
}

EM_EXPORT int ebpfmini_sys_map_freeze(int map_fd)
{
	union em_bpf_attr u;

	memset(&u, 0, sizeof(u));
	u.attr.map_fd = (uint32_t)map_fd;
	return em_sys_bpf(BPF_MAP_FREEZE, &u.attr, EM_ATTR_END(map_fd));
}

/* The four BPF_MAP_*_BATCH commands; *count is written back even on error. */
static int batch_cmd(int cmd, int map_fd, void *in_batch, void *out_batch, const void *keys,
		     const void *values, uint32_t *count, const struct ebpfmini_sys_batch_opts *opts)
{
	union em_bpf_attr u;
	union bpf_attr *attr = &u.attr;
	int ret;

	memset(&u, 0, sizeof(u));
	attr->batch.in_batch = EM_PTR_U64(in_batch);
	attr->batch.out_batch = EM_PTR_U64(out_batch);
	attr->batch.keys = EM_PTR_U64(keys);
	attr->batch.values = EM_PTR_U64(values);
	attr->batch.count = *count;
	attr->batch.map_fd = (uint32_t)map_fd;
	attr->batch.elem_flags = EM_OPT(opts, elem_flags, 0);
	attr->batch.flags = EM_OPT(opts, flags, 0);
	ret = em_sys_bpf(cmd, attr, EM_ATTR_END(batch));
	*count = attr->batch.count;
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
	union bpf_attr *attr = &u.attr;
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
	attr->prog_type = prog_type;
	attr->insn_cnt = (uint32_t)insn_cnt;
	attr->insns = EM_PTR_U64(insns);
	attr->license = EM_PTR_U64(license ? license : "");
	attr->log_level = EM_OPT(opts, log_level, 0);
	attr->log_size = EM_OPT(opts, log_size, 0);
	attr->log_buf = EM_PTR_U64(EM_OPT(opts, log_buf, NULL));
	attr->kern_version = EM_OPT(opts, kern_version, 0);
	attr->prog_flags = EM_OPT(opts, prog_flags, 0);
	put_name(attr->prog_name, EM_OPT(opts, name, NULL));
	attr->prog_ifindex = EM_OPT(opts, prog_ifindex, 0);
	attr->expected_attach_type = EM_OPT(opts, expected_attach_type, 0);
	attr->prog_btf_fd = EM_OPT(opts, prog_btf_fd, 0);
	attr->func_info_rec_size = EM_OPT(opts, func_info_rec_size, 0);
	attr->func_info = EM_PTR_U64(EM_OPT(opts, func_info, NULL));
	attr->func_info_cnt = EM_OPT(opts, func_info_cnt, 0);
	attr->line_info_rec_size = EM_OPT(opts, line_info_rec_size, 0);
	attr->line_info = EM_PTR_U64(EM_OPT(opts, line_info, NULL));
	attr->line_info_cnt = EM_OPT(opts, line_info_cnt, 0);
	attr->attach_btf_id = EM_OPT(opts, attach_btf_id, 0);
	attr->attach_prog_fd = attach_prog_fd ? attach_prog_fd : attach_btf_obj_fd;
	attr->fd_array = EM_PTR_U64(EM_OPT(opts, fd_array, NULL));
	/* up to log_true_size (6.4), which the kernel writes back when it fits */
	ret = em_sys_bpf(BPF_PROG_LOAD, attr, EM_ATTR_PROG_LOG_TRUE_SIZE + 4);
	if (EM_OPT_HAS(opts, log_true_size))
		opts->log_true_size = em_attr_get32(&u, EM_ATTR_PROG_LOG_TRUE_SIZE);
	return ret;
}

EM_EXPORT int ebpfmini_sys_prog_test_run(int prog_fd, struct ebpfmini_sys_test_run_opts *opts)
{
	union em_bpf_attr u;
	union bpf_attr *attr = &u.attr;
	int ret;

	OPTS_CHECK(opts, BPF_PROG_TEST_RUN);
	memset(&u, 0, sizeof(u));
	attr->test.prog_fd = (uint32_t)prog_fd;
	attr->test.data_in = EM_PTR_U64(EM_OPT(opts, data_in, NULL));
	attr->test.data_size_in = EM_OPT(opts, data_size_in, 0);
	attr->test.data_out = EM_PTR_U64(EM_OPT(opts, data_out, NULL));
	attr->test.data_size_out = EM_OPT(opts, data_size_out, 0);
	attr->test.ctx_in = EM_PTR_U64(EM_OPT(opts, ctx_in, NULL));
	attr->test.ctx_size_in = EM_OPT(opts, ctx_size_in, 0);
	attr->test.ctx_out = EM_PTR_U64(EM_OPT(opts, ctx_out, NULL));
	attr->test.ctx_size_out = EM_OPT(opts, ctx_size_out, 0);
	attr->test.repeat = EM_OPT(opts, repeat, 0);
	attr->test.flags = EM_OPT(opts, flags, 0);
	attr->test.cpu = EM_OPT(opts, cpu, 0);
	attr->test.batch_size = EM_OPT(opts, batch_size, 0);
	ret = em_sys_bpf(BPF_PROG_TEST_RUN, attr, EM_ATTR_END(test.batch_size));
	if (EM_OPT_HAS(opts, data_size_out))
		opts->data_size_out = attr->test.data_size_out;
	if (EM_OPT_HAS(opts, ctx_size_out))
		opts->ctx_size_out = attr->test.ctx_size_out;
	if (EM_OPT_HAS(opts, retval))
		opts->retval = attr->test.retval;
	if (EM_OPT_HAS(opts, duration))
		opts->duration = attr->test.duration;
	return ret;
}

EM_EXPORT int ebpfmini_sys_prog_attach(int prog_fd, int target_fd, uint32_t attach_type,
				       const struct ebpfmini_sys_prog_attach_opts *opts)
{
	union em_bpf_attr u;
	union bpf_attr *attr = &u.attr;
	uint32_t rel_fd = EM_OPT(opts, relative_fd, 0), rel_id = EM_OPT(opts, relative_id, 0);
	uint64_t revision = EM_OPT(opts, expected_revision, 0);
	unsigned int size = EM_ATTR_END(attach_flags);

	OPTS_CHECK(opts, BPF_PROG_ATTACH);
	if (rel_fd && rel_id)
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	attr->target_fd = (uint32_t)target_fd;
	attr->attach_bpf_fd = (uint32_t)prog_fd;
	attr->attach_type = attach_type;
	attr->attach_flags = EM_OPT(opts, flags, 0);
	if (EM_OPT(opts, replace_prog_fd, 0)) {
		attr->replace_bpf_fd = (uint32_t)opts->replace_prog_fd;
		size = EM_ATTR_END(replace_bpf_fd);
	}
	if (rel_fd || rel_id) {
		em_attr_put32(&u, EM_ATTR_ATTACH_RELATIVE, rel_fd ? rel_fd : rel_id);
		size = EM_ATTR_ATTACH_RELATIVE + 4;
	}
	if (revision) {
		em_attr_put64(&u, EM_ATTR_ATTACH_EXPECTED_REVISION, revision);
		size = EM_ATTR_ATTACH_EXPECTED_REVISION + 8;
	}
	return em_sys_bpf(BPF_PROG_ATTACH, attr, size);
}

EM_EXPORT int ebpfmini_sys_prog_detach(int prog_fd, int target_fd, uint32_t attach_type)
{
	union em_bpf_attr u;

	memset(&u, 0, sizeof(u));
	u.attr.target_fd = (uint32_t)target_fd;
	u.attr.attach_bpf_fd = (uint32_t)prog_fd;
	u.attr.attach_type = attach_type;
	return em_sys_bpf(BPF_PROG_DETACH, &u.attr, EM_ATTR_END(attach_type));
}

EM_EXPORT int ebpfmini_sys_prog_query(int target_fd, uint32_t attach_type,
				      struct ebpfmini_sys_prog_query_opts *opts)
{
	union em_bpf_attr u;
	union bpf_attr *attr = &u.attr;
	int ret;

	OPTS_CHECK(opts, BPF_PROG_QUERY);
	memset(&u, 0, sizeof(u));
	attr->query.target_fd = (uint32_t)target_fd;
	attr->query.attach_type = attach_type;
	attr->query.query_flags = EM_OPT(opts, query_flags, 0);
	attr->query.prog_ids = EM_PTR_U64(EM_OPT(opts, prog_ids, NULL));
	attr->query.prog_cnt = EM_OPT(opts, prog_cnt, 0);
	attr->query.prog_attach_flags = EM_PTR_U64(EM_OPT(opts, prog_attach_flags, NULL));
	/* up to revision (6.6), written back by the kernel */
	ret = em_sys_bpf(BPF_PROG_QUERY, attr, EM_ATTR_QUERY_REVISION + 8);
	if (EM_OPT_HAS(opts, attach_flags))
		opts->attach_flags = attr->query.attach_flags;
	if (EM_OPT_HAS(opts, prog_cnt))
		opts->prog_cnt = attr->query.prog_cnt;
	if (EM_OPT_HAS(opts, revision))
		opts->revision = em_attr_get64(&u, EM_ATTR_QUERY_REVISION);
	return ret;
}

EM_EXPORT int ebpfmini_sys_prog_bind_map(int prog_fd, int map_fd, uint32_t flags)
{
	union em_bpf_attr u;

	memset(&u, 0, sizeof(u));
	u.attr.prog_bind_map.prog_fd = (uint32_t)prog_fd;
	u.attr.prog_bind_map.map_fd = (uint32_t)map_fd;
	u.attr.prog_bind_map.flags = flags;
	return em_sys_bpf(BPF_PROG_BIND_MAP, &u.attr, EM_ATTR_END(prog_bind_map));
}

/* ---- pinning ----------------------------------------------------------------------------- */

EM_EXPORT int ebpfmini_sys_obj_pin(int fd, const char *path)
{
	union em_bpf_attr u;

	if (!path)
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	u.attr.pathname = EM_PTR_U64(path);
	u.attr.bpf_fd = (uint32_t)fd;
	return em_sys_bpf(BPF_OBJ_PIN, &u.attr, EM_ATTR_END(file_flags));
}

EM_EXPORT int ebpfmini_sys_obj_get(const char *path, uint32_t file_flags)
{
	union em_bpf_attr u;

	if (!path)
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	u.attr.pathname = EM_PTR_U64(path);
	u.attr.file_flags = file_flags;
	return em_sys_bpf(BPF_OBJ_GET, &u.attr, EM_ATTR_END(file_flags));
}

/* ---- ids and info ---------------------------------------------------------------------------- */

static int get_next_id(int cmd, uint32_t start_id, uint32_t *next_id)
{
	union em_bpf_attr u;
	int ret;

	if (!next_id)
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	u.attr.start_id = start_id;
	ret = em_sys_bpf(cmd, &u.attr, EM_ATTR_END(next_id));
	if (ret == 0)
		*next_id = u.attr.next_id;
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
	u.attr.start_id = id; /* prog_id, map_id, btf_id, link_id: one field */
	return em_sys_bpf(cmd, &u.attr, EM_ATTR_END(start_id));
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
	u.attr.info.bpf_fd = (uint32_t)fd;
	u.attr.info.info_len = *info_len;
	u.attr.info.info = EM_PTR_U64(info);
	ret = em_sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &u.attr, EM_ATTR_END(info));
	if (ret == 0)
		*info_len = u.attr.info.info_len;
	return ret;
}

/* ---- BTF, tracing, links, iterators, stats ---------------------------------------------------- */

EM_EXPORT int ebpfmini_sys_btf_load(const void *btf, size_t size,
				    struct ebpfmini_sys_btf_load_opts *opts)
{
	union em_bpf_attr u;
	union bpf_attr *attr = &u.attr;
	int ret;

	OPTS_CHECK(opts, BPF_BTF_LOAD);
	if (!btf || !size)
		return -EINVAL;
	if (size > UINT32_MAX)
		return -E2BIG;
	memset(&u, 0, sizeof(u));
	attr->btf = EM_PTR_U64(btf);
	attr->btf_size = (uint32_t)size;
	attr->btf_log_buf = EM_PTR_U64(EM_OPT(opts, log_buf, NULL));
	attr->btf_log_size = EM_OPT(opts, log_size, 0);
	attr->btf_log_level = EM_OPT(opts, log_level, 0);
	/* up to btf_log_true_size (6.4), written back by the kernel */
	ret = em_sys_bpf(BPF_BTF_LOAD, attr, EM_ATTR_BTF_LOG_TRUE_SIZE + 4);
	if (EM_OPT_HAS(opts, log_true_size))
		opts->log_true_size = em_attr_get32(&u, EM_ATTR_BTF_LOG_TRUE_SIZE);
	return ret;
}

EM_EXPORT int ebpfmini_sys_raw_tracepoint_open(const char *name, int prog_fd)
{
	union em_bpf_attr u;

	memset(&u, 0, sizeof(u));
	u.attr.raw_tracepoint.name = EM_PTR_U64(name);
	u.attr.raw_tracepoint.prog_fd = (uint32_t)prog_fd;
	return em_sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &u.attr, EM_ATTR_END(raw_tracepoint.prog_fd));
}

EM_EXPORT int ebpfmini_sys_task_fd_query(int pid, int fd, uint32_t flags, char *buf,
					 uint32_t *buf_len, uint32_t *prog_id, uint32_t *fd_type,
					 uint64_t *probe_offset, uint64_t *probe_addr)
{
	union em_bpf_attr u;
	union bpf_attr *attr = &u.attr;
	int ret;

	if (buf && !buf_len)
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	attr->task_fd_query.pid = (uint32_t)pid;
	attr->task_fd_query.fd = (uint32_t)fd;
	attr->task_fd_query.flags = flags;
	attr->task_fd_query.buf = EM_PTR_U64(buf);
	attr->task_fd_query.buf_len = buf_len ? *buf_len : 0;
	ret = em_sys_bpf(BPF_TASK_FD_QUERY, attr, EM_ATTR_END(task_fd_query));
	if (buf_len)
		*buf_len = attr->task_fd_query.buf_len;
	if (ret == 0) {
		if (prog_id)
			*prog_id = attr->task_fd_query.prog_id;
		if (fd_type)
			*fd_type = attr->task_fd_query.fd_type;
		if (probe_offset)
			*probe_offset = attr->task_fd_query.probe_offset;
		if (probe_addr)
			*probe_addr = attr->task_fd_query.probe_addr;
	}
	return ret;
}

/* Which member of LINK_CREATE's union at offset 16 an attach type uses. */
enum link_variant { LV_TRACING, LV_ITER, LV_PERF, LV_NETFILTER, LV_MPROG };

static enum link_variant link_variant(uint32_t attach_type)
{
	switch (attach_type) {
	case BPF_TRACE_ITER: return LV_ITER;
	case BPF_PERF_EVENT: return LV_PERF;
	case BPF_NETFILTER: return LV_NETFILTER;
	case BPF_TCX_INGRESS:
	case BPF_TCX_EGRESS:
	case BPF_NETKIT_PRIMARY:
	case BPF_NETKIT_PEER: return LV_MPROG;
	case BPF_CGROUP_INET_INGRESS: case BPF_CGROUP_INET_EGRESS:
	case BPF_CGROUP_INET_SOCK_CREATE: case BPF_CGROUP_SOCK_OPS: case BPF_CGROUP_DEVICE:
	case BPF_CGROUP_INET4_BIND: case BPF_CGROUP_INET6_BIND: case BPF_CGROUP_INET4_CONNECT:
	case BPF_CGROUP_INET6_CONNECT: case BPF_CGROUP_INET4_POST_BIND:
	case BPF_CGROUP_INET6_POST_BIND: case BPF_CGROUP_UDP4_SENDMSG: case BPF_CGROUP_UDP6_SENDMSG:
	case BPF_CGROUP_SYSCTL: case BPF_CGROUP_UDP4_RECVMSG: case BPF_CGROUP_UDP6_RECVMSG:
	case BPF_CGROUP_GETSOCKOPT: case BPF_CGROUP_SETSOCKOPT: case BPF_CGROUP_INET4_GETPEERNAME:
	case BPF_CGROUP_INET6_GETPEERNAME: case BPF_CGROUP_INET4_GETSOCKNAME:
	case BPF_CGROUP_INET6_GETSOCKNAME: case BPF_CGROUP_INET_SOCK_RELEASE:
	case BPF_CGROUP_UNIX_CONNECT: case BPF_CGROUP_UNIX_SENDMSG: case BPF_CGROUP_UNIX_RECVMSG:
	case BPF_CGROUP_UNIX_GETPEERNAME: case BPF_CGROUP_UNIX_GETSOCKNAME: return LV_MPROG;
	default: return LV_TRACING;
	}
}

EM_EXPORT int ebpfmini_sys_link_create(int prog_fd, int target_fd, uint32_t attach_type,
				       const struct ebpfmini_sys_link_create_opts *opts)
{
	const struct ebpfmini_sys_link_create_opts *o = opts;
	union em_bpf_attr u;
	union bpf_attr *attr = &u.attr;
	enum link_variant lv = link_variant(attach_type);
	bool set[LV_MPROG + 1];
	unsigned int size = EM_ATTR_END(link_create.flags);
	uint32_t rel;

	OPTS_CHECK(opts, BPF_LINK_CREATE);
	/* which union members the caller filled: only the attach type's may be */
	set[LV_TRACING] = EM_OPT(o, target_btf_id, 0) || EM_OPT(o, tracing_cookie, 0);
	set[LV_ITER] = EM_OPT(o, iter_info, NULL) || EM_OPT(o, iter_info_len, 0);
	set[LV_PERF] = EM_OPT(o, perf_event_bpf_cookie, 0) != 0;
	set[LV_NETFILTER] = EM_OPT(o, netfilter_pf, 0) || EM_OPT(o, netfilter_hooknum, 0) ||
			    EM_OPT(o, netfilter_priority, 0) || EM_OPT(o, netfilter_flags, 0);
	set[LV_MPROG] = EM_OPT(o, relative_fd, 0) || EM_OPT(o, relative_id, 0) ||
			EM_OPT(o, expected_revision, 0);
	for (int v = LV_TRACING; v <= LV_MPROG; v++)
		if (set[v] && v != (int)lv)
			return -EINVAL;
	if (EM_OPT(o, relative_fd, 0) && EM_OPT(o, relative_id, 0))
		return -EINVAL;

	memset(&u, 0, sizeof(u));
	attr->link_create.prog_fd = (uint32_t)prog_fd;
	attr->link_create.target_fd = (uint32_t)target_fd; /* or target_ifindex */
	attr->link_create.attach_type = attach_type;
	attr->link_create.flags = EM_OPT(o, flags, 0);
	switch (lv) {
	case LV_ITER:
		if (set[LV_ITER]) {
			attr->link_create.iter_info = EM_PTR_U64(o->iter_info);
			attr->link_create.iter_info_len = EM_OPT(o, iter_info_len, 0);
			size = EM_ATTR_END(link_create.iter_info_len);
		}
		break;
	case LV_PERF:
		if (set[LV_PERF]) {
			attr->link_create.perf_event.bpf_cookie = o->perf_event_bpf_cookie;
			size = EM_ATTR_END(link_create.perf_event.bpf_cookie);
		}
		break;
	case LV_NETFILTER: /* hooknum 0 is a real hook: always pass all four */
		em_attr_put32(&u, EM_ATTR_LINK_NETFILTER_PF, EM_OPT(o, netfilter_pf, 0));
		em_attr_put32(&u, EM_ATTR_LINK_NETFILTER_HOOKNUM, EM_OPT(o, netfilter_hooknum, 0));
		em_attr_put32(&u, EM_ATTR_LINK_NETFILTER_PRIORITY,
			      (uint32_t)EM_OPT(o, netfilter_priority, 0));
		em_attr_put32(&u, EM_ATTR_LINK_NETFILTER_FLAGS, EM_OPT(o, netfilter_flags, 0));
		size = EM_ATTR_LINK_NETFILTER_FLAGS + 4;
		break;
	case LV_MPROG:
		rel = EM_OPT(o, relative_fd, 0) ? o->relative_fd : EM_OPT(o, relative_id, 0);
		if (rel) {
			em_attr_put32(&u, EM_ATTR_LINK_MPROG_RELATIVE, rel);
			size = EM_ATTR_LINK_MPROG_RELATIVE + 4;
		}
		if (EM_OPT(o, expected_revision, 0)) {
			em_attr_put64(&u, EM_ATTR_LINK_MPROG_EXPECTED_REVISION, o->expected_revision);
			size = EM_ATTR_LINK_MPROG_EXPECTED_REVISION + 8;
		}
		break;
	case LV_TRACING:
		if (EM_OPT(o, target_btf_id, 0)) {
			attr->link_create.target_btf_id = o->target_btf_id;
			size = EM_ATTR_END(link_create.target_btf_id);
		}
		if (EM_OPT(o, tracing_cookie, 0)) {
			attr->link_create.tracing.cookie = o->tracing_cookie;
			size = EM_ATTR_END(link_create.tracing.cookie);
		}
		break;
	}
	return em_sys_bpf(BPF_LINK_CREATE, attr, size);
}

EM_EXPORT int ebpfmini_sys_link_update(int link_fd, int new_prog_fd,
				       const struct ebpfmini_sys_link_update_opts *opts)
{
	union em_bpf_attr u;

	OPTS_CHECK(opts, BPF_LINK_UPDATE);
	memset(&u, 0, sizeof(u));
	u.attr.link_update.link_fd = (uint32_t)link_fd;
	u.attr.link_update.new_prog_fd = (uint32_t)new_prog_fd;
	u.attr.link_update.flags = EM_OPT(opts, flags, 0);
	u.attr.link_update.old_prog_fd = EM_OPT(opts, old_prog_fd, 0);
	return em_sys_bpf(BPF_LINK_UPDATE, &u.attr, EM_ATTR_END(link_update));
}

EM_EXPORT int ebpfmini_sys_link_detach(int link_fd)
{
	union em_bpf_attr u;

	memset(&u, 0, sizeof(u));
	u.attr.link_detach.link_fd = (uint32_t)link_fd;
	return em_sys_bpf(BPF_LINK_DETACH, &u.attr, EM_ATTR_END(link_detach));
}

EM_EXPORT int ebpfmini_sys_iter_create(int link_fd, uint32_t flags)
{
	union em_bpf_attr u;

	memset(&u, 0, sizeof(u));
	u.attr.iter_create.link_fd = (uint32_t)link_fd;
	u.attr.iter_create.flags = flags;
	return em_sys_bpf(BPF_ITER_CREATE, &u.attr, EM_ATTR_END(iter_create));
}

EM_EXPORT int ebpfmini_sys_enable_stats(uint32_t type)
{
	union em_bpf_attr u;

	memset(&u, 0, sizeof(u));
	u.attr.enable_stats.type = type;
	return em_sys_bpf(BPF_ENABLE_STATS, &u.attr, EM_ATTR_END(enable_stats));
}
