/* btf_value.c - the ebpfmini tool: BTF objects of the kernel by id, and map keys and values as typed JSON */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

#include "btf.h" /* the types' records: members, enumerators, array shapes */
#include "sys.h" /* em_sys_read_file */
#include "tool.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

int tool_btf_get(int fd, struct tool_btf *out)
{
	struct bpf_btf_info info;
	char name[128] = "";
	uint32_t len = sizeof(info);
	void *raw = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	memset(&info, 0, sizeof(info));
	err = ebpfmini_sys_obj_get_info(fd, &info, &len);
	if (err)
		return tool_explain("BPF_OBJ_GET_INFO_BY_FD", err, BPF_OBJ_GET_INFO_BY_FD, NULL);
	raw = malloc(info.btf_size ? info.btf_size : 1);
	if (!raw)
		return tool_error("out of memory");
	out->id = info.id;
	out->size = info.btf_size;
	memset(&info, 0, sizeof(info));
	info.btf = (uint64_t)(uintptr_t)raw;
	info.btf_size = out->size;
	info.name = (uint64_t)(uintptr_t)name;
	info.name_len = sizeof(name);
	len = sizeof(info);
	err = ebpfmini_sys_obj_get_info(fd, &info, &len);
	if (err) {
		free(raw);
		return tool_explain("BPF_OBJ_GET_INFO_BY_FD", err, BPF_OBJ_GET_INFO_BY_FD, NULL);
	}
	out->kernel = info.kernel_btf;
	snprintf(out->name, sizeof(out->name), "%s", name);
	if (out->kernel && strcmp(name, "vmlinux")) {
		/* a module's BTF is split BTF on top of vmlinux's */
		void *base;
		size_t size;

		err = em_sys_read_file(VMLINUX_BTF, 1u << 30, &base, &size);
		if (!err) {
			err = em_btf_parse(base, size, NULL, &out->base);
			free(base);
		}
		if (err) {
			free(raw);
			return tool_error("%s: %s", VMLINUX_BTF, strerror(-err));
		}
	}
	err = em_btf_parse(raw, out->size, out->base, &out->btf);
	free(raw);
	if (err) {
		tool_btf_put(out);
		return tool_error("btf id %u: not valid BTF: %s", out->id, strerror(-err));
	}
	return 0;
}

int tool_btf_by_id(uint32_t id, struct tool_btf *out)
{
	int fd = ebpfmini_sys_btf_get_fd_by_id(id), err;

	memset(out, 0, sizeof(*out));
	if (fd == -ENOENT)
		return tool_error("btf: no BTF object with id %u", id);
	if (fd < 0)
		return tool_explain("BPF_BTF_GET_FD_BY_ID", fd, BPF_BTF_GET_FD_BY_ID, NULL);
	err = tool_btf_get(fd, out);
	close(fd);
	return err;
}

void tool_btf_put(struct tool_btf *b)
{
	em_btf_free(b->btf);
	em_btf_free(b->base);
	memset(b, 0, sizeof(*b));
}

static uint64_t load_uint(const unsigned char *p, uint32_t size)
{
	uint64_t v = 0;

	memcpy(&v, p, size > 8 ? 8 : size); /* little-endian host */
	return v;
}

static void value(struct json *j, const char *key, const struct ebpfmini_btf *btf, uint32_t id,
		  const unsigned char *p, size_t size, int depth);

/* A bitfield of bits at bit offset off from p. */
static uint64_t bits_at(const unsigned char *p, size_t size, uint32_t off, uint32_t bits)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < bits; i++) {
		uint32_t b = off + i;

		if (b / 8 < size && (p[b / 8] >> (b % 8)) & 1)
			v |= 1ull << i;
	}
	return v;
}

static void integer(struct json *j, const char *key, const struct btf_type *t,
		    const unsigned char *p, size_t size)
{
	uint32_t enc = *(const uint32_t *)em_btf_tail(t), bits = BTF_INT_BITS(enc);
	bool is_signed = BTF_INT_ENCODING(enc) & BTF_INT_SIGNED;
	uint64_t v;

	if (BTF_INT_ENCODING(enc) & BTF_INT_BOOL) {
		json_bool(j, key, load_uint(p, t->size) != 0);
		return;
	}
	if (t->size > 8) {
		/* __int128: hex, most significant byte first */
		char hex[2 * 16 + 3] = "0x";

		for (uint32_t i = 0; i < t->size && i < 16; i++)
			snprintf(hex + 2 + 2 * i, 3, "%02x", p[t->size - 1 - i]);
		json_str(j, key, hex);
		return;
	}
	v = bits_at(p, size, BTF_INT_OFFSET(enc), bits);
	if (is_signed && bits && bits < 64 && (v >> (bits - 1)) & 1)
		v |= ~0ull << bits;
	if (is_signed)
		json_int(j, key, (int64_t)v);
	else
		json_uint(j, key, v);
}

static void enumerator(struct json *j, const char *key, const struct ebpfmini_btf *btf,
		       const struct btf_type *t, uint64_t v)
{
	for (uint32_t i = 0; i < em_btf_vlen(t); i++) {
		uint32_t name_off;

		if (em_btf_enum_val(t, i, &name_off) == v) {
			json_str(j, key, em_btf_str(btf, name_off));
			return;
		}
	}
	if (em_btf_kflag(t))
		json_int(j, key, (int64_t)v);
	else
		json_uint(j, key, v);
}

/* char arrays that hold text are shown as a string */
static bool is_text(const unsigned char *p, size_t n)
{
	size_t len = strnlen((const char *)p, n);

	for (size_t i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] >= 0x7f)
			return false;
	for (size_t i = len; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void members(struct json *j, const char *key, const struct ebpfmini_btf *btf,
		    const struct btf_type *t, const unsigned char *p, size_t size, int depth)
{
	const struct btf_member *m = em_btf_tail(t);

	json_open(j, key);
	for (uint32_t i = 0; i < em_btf_vlen(t); i++, m++) {
		uint32_t off = em_btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
		uint32_t bits = em_btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(m->offset) : 0;
		const char *name = em_btf_str(btf, m->name_off);
		char anon[32];

		if (!name || !*name) {
			snprintf(anon, sizeof(anon), "(anon %u)", i);
			name = anon;
		}
		if (bits) {
			uint64_t v = bits_at(p, size, off, bits);
			int rid = em_btf_skip_mods(btf, m->type);
			const struct btf_type *mt = rid > 0 ? em_btf_type(btf, (uint32_t)rid) : NULL;

			if (mt && (em_btf_kind(mt) == BTF_KIND_ENUM ||
				   em_btf_kind(mt) == BTF_KIND_ENUM64))
				enumerator(j, name, btf, mt, v);
			else
				json_uint(j, name, v);
			continue;
		}
		if (off % 8 || off / 8 > size) {
			json_null(j, name);
			continue;
		}
		value(j, name, btf, m->type, p + off / 8, size - off / 8, depth + 1);
	}
	json_close(j);
}

static void value(struct json *j, const char *key, const struct ebpfmini_btf *btf, uint32_t id,
		  const unsigned char *p, size_t size, int depth)
{
	int rid = em_btf_skip_mods(btf, id);
	const struct btf_type *t = rid > 0 ? em_btf_type(btf, (uint32_t)rid) : NULL;
	uint32_t tsize = 0;

	if (!t || depth > 32 || em_btf_resolve_size(btf, (uint32_t)rid, &tsize) || tsize > size) {
		json_null(j, key); /* no type, or not enough bytes for it */
		return;
	}
	switch (em_btf_kind(t)) {
	case BTF_KIND_INT:
		integer(j, key, t, p, size);
		return;
	case BTF_KIND_PTR:
	{
		char hex[32];

		snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)load_uint(p, 8));
		json_str(j, key, hex);
		return;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	{
		uint64_t v = load_uint(p, t->size);

		if (em_btf_kflag(t) && t->size < 8 && (v >> (t->size * 8 - 1)) & 1)
			v |= ~0ull << (t->size * 8);
		enumerator(j, key, btf, t, v);
		return;
	}
	case BTF_KIND_FLOAT:
		if (t->size == 4) {
			float f;

			memcpy(&f, p, 4);
			json_double(j, key, f);
		} else if (t->size == 8) {
			double d;

			memcpy(&d, p, 8);
			json_double(j, key, d);
		} else {
			json_null(j, key);
		}
		return;
	case BTF_KIND_ARRAY:
	{
		const struct btf_array *a = em_btf_tail(t);
		int eid = em_btf_skip_mods(btf, a->type);
		const struct btf_type *et = eid > 0 ? em_btf_type(btf, (uint32_t)eid) : NULL;
		uint32_t esize = 0;

		if (et && em_btf_kind(et) == BTF_KIND_INT && et->size == 1 &&
		    is_text(p, a->nelems)) {
			json_strn(j, key, (const char *)p, strnlen((const char *)p, a->nelems));
			return;
		}
		em_btf_resolve_size(btf, a->type, &esize);
		json_open_array(j, key);
		for (uint32_t i = 0; i < a->nelems; i++)
			value(j, NULL, btf, a->type, p + (size_t)i * esize,
			      size - (size_t)i * esize, depth + 1);
		json_close_array(j);
		return;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		members(j, key, btf, t, p, size, depth);
		return;
	case BTF_KIND_VAR:
		value(j, key, btf, t->type, p, size, depth + 1);
		return;
	case BTF_KIND_DATASEC:
	{
		/* a global data map (.data, .bss): each variable by name */
		const struct btf_var_secinfo *v = em_btf_tail(t);

		json_open(j, key);
		for (uint32_t i = 0; i < em_btf_vlen(t); i++, v++) {
			const struct btf_type *vt = em_btf_type(btf, v->type);

			if (!vt || v->offset > size)
				continue;
			value(j, em_btf_type_name(btf, vt), btf, v->type, p + v->offset,
			      size - v->offset, depth + 1);
		}
		json_close(j);
		return;
	}
	default:
		json_null(j, key);
	}
}

void tool_btf_value(struct json *j, const char *key, const struct ebpfmini_btf *btf,
		    uint32_t type_id, const void *data, size_t size)
{
	value(j, key, btf, type_id, data, size, 0);
}
