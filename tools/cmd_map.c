/* cmd_map.c - ebpfmini map show/list, dump, lookup, update, delete, getnext, pin, create, freeze, queue ops */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

#include "kernel.h" /* em_cpus_possible */
#include "tool.h"

/* One map opened for a command, with its BTF when it has one. */
struct mapref {
	int fd;
	struct bpf_map_info info;
	struct tool_btf btf;
	int ncpus;            /* > 1 for a per-CPU map: its value is one per possible CPU */
	uint32_t value_size;  /* bytes a lookup writes */
};

static bool percpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

static bool keyless(uint32_t type)
{
	return type == BPF_MAP_TYPE_QUEUE || type == BPF_MAP_TYPE_STACK ||
	       type == BPF_MAP_TYPE_BLOOM_FILTER;
}

static void map_put(struct mapref *m)
{
	tool_btf_put(&m->btf);
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
}

/* After tool_select_one: the map's info, BTF and value size. */
static int map_get(struct mapref *m, int fd)
{
	memset(m, 0, sizeof(*m));
	m->fd = fd;
	m->ncpus = 1;
	if (tool_info(fd, &m->info, sizeof(m->info)))
		goto fail;
	m->value_size = m->info.value_size;
	if (percpu(m->info.type)) {
		m->ncpus = em_cpus_possible();
		if (m->ncpus <= 0) {
			tool_error("cannot read the number of possible CPUs: %s",
				   strerror(-m->ncpus));
			goto fail;
		}
		m->value_size = ((m->info.value_size + 7) & ~7u) * (uint32_t)m->ncpus;
	}
	/* without its BTF the map is still shown, in hex */
	if (m->info.btf_id && (m->info.btf_key_type_id || m->info.btf_value_type_id) &&
	    tool_btf_by_id(m->info.btf_id, &m->btf))
		memset(&m->btf, 0, sizeof(m->btf));
	return 0;
fail:
	map_put(m);
	return -1;
}

static int map_open(int argc, char **argv, int *used, struct mapref *m)
{
	int fd = tool_select_one(TOOL_MAP, argc, argv, used);

	m->fd = -1;
	return fd < 0 ? -1 : map_get(m, fd);
}

/*
 * Bytes from the words at argv[*i]: "0x2a 1 0" (each a byte, decimal or 0x hex), or
 * "hex 2a 01 00"; for the values of program and map arrays also "id ID" or
 * "pinned PATH" (what the kernel wants there is an fd). n bytes are wanted.
 */
static int parse_bytes(int argc, char **argv, int *i, unsigned char *buf, uint32_t n,
		       const char *what, int fd_kind)
{
	bool hex = false;

	if (*i < argc && fd_kind >= 0 && (!strcmp(argv[*i], "id") || !strcmp(argv[*i], "pinned"))) {
		int used, fd = tool_select_one((enum tool_kind)fd_kind, argc - *i, argv + *i, &used);

		if (fd < 0)
			return -1;
		*i += used;
		memcpy(buf, &fd, 4); /* left open: the kernel reads it at update */
		return 0;
	}
	if (*i < argc && !strcmp(argv[*i], "hex")) {
		hex = true;
		(*i)++;
	}
	for (uint32_t k = 0; k < n; k++, (*i)++) {
		unsigned long long v;
		char *end;

		if (*i >= argc)
			return tool_error("%s: %u bytes wanted, %u given", what, n, k), -1;
		errno = 0;
		v = strtoull(argv[*i], &end, hex ? 16 : 0);
		if (errno || end == argv[*i] || *end || v > 255 || argv[*i][0] == '-')
			return tool_error("%s: '%s' is not a byte (0..255, or 0x00..0xff)", what,
					  argv[*i]),
			       -1;
		buf[k] = (unsigned char)v;
	}
	return 0;
}

static void hex_line(const unsigned char *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		printf("%s%02x", i ? " " : "", p[i]);
}

/* the typed form of key or value, on one line */
static void typed_text(const struct mapref *m, uint32_t type_id, const void *p, uint32_t n)
{
	struct json j;

	json_init(&j, stdout, false);
	j.depth = 1; /* a value inside a line: no final newline */
	j.first[1] = true;
	tool_btf_value(&j, NULL, m->btf.btf, type_id, p, n);
}

static void per_cpu_json(struct json *j, const char *key, const struct mapref *m,
			 const unsigned char *value, bool typed)
{
	uint32_t stride = (m->info.value_size + 7) & ~7u;

	json_open_array(j, key);
	for (int c = 0; c < m->ncpus; c++) {
		json_open(j, NULL);
		json_int(j, "cpu", c);
		if (typed)
			tool_btf_value(j, "value", m->btf.btf, m->info.btf_value_type_id,
				       value + (size_t)c * stride, m->info.value_size);
		else
			json_hex_array(j, "value", value + (size_t)c * stride, m->info.value_size);
		json_close(j);
	}
	json_close_array(j);
}

/* One element: key (NULL for queue values) and value, as text or a JSON object. */
static void print_elem(const struct mapref *m, const unsigned char *key, const unsigned char *value)
{
	bool btf = m->btf.btf != NULL;
	uint32_t stride = (m->info.value_size + 7) & ~7u;

	if (tool_json) {
		struct json *j = tool_json;

		json_open(j, NULL);
		if (key)
			json_hex_array(j, "key", key, m->info.key_size);
		if (m->ncpus > 1)
			per_cpu_json(j, "values", m, value, false);
		else
			json_hex_array(j, "value", value, m->info.value_size);
		if (btf) {
			json_open(j, "formatted");
			if (key && m->info.btf_key_type_id)
				tool_btf_value(j, "key", m->btf.btf, m->info.btf_key_type_id, key,
					       m->info.key_size);
			if (m->ncpus > 1)
				per_cpu_json(j, "values", m, value, true);
			else
				tool_btf_value(j, "value", m->btf.btf, m->info.btf_value_type_id,
					       value, m->info.value_size);
			json_close(j);
		}
		json_close(j);
		return;
	}
	if (key) {
		printf("key: ");
		if (btf && m->info.btf_key_type_id)
			typed_text(m, m->info.btf_key_type_id, key, m->info.key_size);
		else
			hex_line(key, m->info.key_size);
		printf("  ");
	}
	for (int c = 0; c < m->ncpus; c++) {
		const unsigned char *v = value + (size_t)c * stride;

		if (m->ncpus > 1)
			printf("%svalue (CPU %02d): ", c ? "\n\t" : "", c);
		else
			printf("value: ");
		if (btf && m->info.btf_value_type_id)
			typed_text(m, m->info.btf_value_type_id, v, m->info.value_size);
		else
			hex_line(v, m->info.value_size);
	}
	printf("\n");
}

static void show_one(int fd)
{
	struct bpf_map_info info;
	char type[64];
	long long memlock = tool_fdinfo(fd, "memlock"), frozen = tool_fdinfo(fd, "frozen");

	if (tool_info(fd, &info, sizeof(info)))
		return;
	tool_map_type(info.type, type, sizeof(type));
	if (tool_json) {
		struct json *j = tool_json;

		json_open(j, NULL);
		json_uint(j, "id", info.id);
		json_str(j, "type", type);
		if (info.name[0])
			json_str(j, "name", info.name);
		json_uint(j, "flags", info.map_flags);
		json_uint(j, "bytes_key", info.key_size);
		json_uint(j, "bytes_value", info.value_size);
		json_uint(j, "max_entries", info.max_entries);
		if (memlock >= 0)
			json_int(j, "bytes_memlock", memlock);
		if (frozen >= 0)
			json_int(j, "frozen", frozen);
		if (info.btf_id)
			json_uint(j, "btf_id", info.btf_id);
		json_close(j);
		return;
	}
	printf("%u: %s  ", info.id, type);
	if (info.name[0])
		printf("name %s  ", info.name);
	printf("flags 0x%x\n\tkey %uB  value %uB  max_entries %u", info.map_flags, info.key_size,
	       info.value_size, info.max_entries);
	if (memlock >= 0)
		printf("  memlock %lldB", memlock);
	printf("\n");
	if (info.btf_id || frozen > 0) {
		printf("\t");
		if (info.btf_id)
			printf("btf_id %u", info.btf_id);
		if (frozen > 0)
			printf("%sfrozen", info.btf_id ? "  " : "");
		printf("\n");
	}
}

int cmd_map_show(int argc, char **argv)
{
	return tool_show(TOOL_MAP, argc, argv, show_one);
}

int cmd_map_dump(int argc, char **argv)
{
	struct mapref m;
	unsigned char *key = NULL, *next = NULL, *value = NULL;
	int used, err, status = 1;
	unsigned long count = 0;

	if (tool_help(argc, argv, "map"))
		return 0;
	if (map_open(argc - 1, argv + 1, &used, &m))
		return 1;
	if (1 + used != argc) {
		map_put(&m);
		return tool_bad_args("map", argv[1 + used]);
	}
	if (keyless(m.info.type) || m.info.type == BPF_MAP_TYPE_RINGBUF ||
	    m.info.type == BPF_MAP_TYPE_USER_RINGBUF) {
		map_put(&m);
		return tool_error("map dump: a map of this type has no keys to walk (queue and "
				  "stack: map peek / map pop)");
	}
	key = calloc(1, m.info.key_size + 1);
	next = calloc(1, m.info.key_size + 1);
	value = calloc(1, m.value_size + 1);
	if (!key || !next || !value) {
		tool_error("out of memory");
		goto out;
	}
	if (tool_json)
		json_open_array(tool_json, NULL);
	for (err = ebpfmini_sys_map_next_key(m.fd, NULL, next); !err;
	     err = ebpfmini_sys_map_next_key(m.fd, key, next)) {
		memcpy(key, next, m.info.key_size);
		err = ebpfmini_sys_map_lookup(m.fd, key, value, 0);
		if (err == -ENOENT)
			continue; /* deleted meanwhile */
		if (err) {
			/* prog arrays and the like: the key is there, its value is not readable */
			if (!tool_json) {
				printf("key: ");
				hex_line(key, m.info.key_size);
				printf("  value: <%s>\n", strerror(-err));
			}
			count++;
			continue;
		}
		print_elem(&m, key, value);
		count++;
	}
	if (tool_json)
		json_close_array(tool_json);
	if (err != -ENOENT) {
		tool_explain("BPF_MAP_GET_NEXT_KEY", err, BPF_MAP_GET_NEXT_KEY, NULL);
		goto out;
	}
	if (!tool_json)
		printf("Found %lu element%s\n", count, count == 1 ? "" : "s");
	status = 0;
out:
	free(key);
	free(next);
	free(value);
	map_put(&m);
	return status;
}

/* the kind of object whose fd a map's values hold, or -1 */
static int fd_kind(uint32_t type)
{
	if (type == BPF_MAP_TYPE_PROG_ARRAY)
		return TOOL_PROG;
	if (type == BPF_MAP_TYPE_ARRAY_OF_MAPS || type == BPF_MAP_TYPE_HASH_OF_MAPS)
		return TOOL_MAP;
	return -1;
}

/*
 * lookup, update, delete, getnext, peek, push, pop, enqueue, dequeue: MAP then
 * [key BYTES] [value BYTES] [any|exist|noexist] as the verb wants.
 */
int cmd_map_elem(int argc, char **argv)
{
	const char *verb = argv[0];
	bool push = !strcmp(verb, "push") || !strcmp(verb, "enqueue") || !strcmp(verb, "update");
	bool pop = !strcmp(verb, "pop") || !strcmp(verb, "dequeue");
	bool peek = !strcmp(verb, "peek"), queue_op = push || pop || peek;
	bool want_key = !strcmp(verb, "lookup") || !strcmp(verb, "update") ||
			!strcmp(verb, "delete");
	bool have_key = false, have_value = false;
	unsigned char *key = NULL, *value = NULL, *next = NULL;
	uint64_t flags = BPF_ANY;
	struct mapref m;
	int used, i, err = 0, status = 1;

	if (tool_help(argc, argv, "map"))
		return 0;
	if (map_open(argc - 1, argv + 1, &used, &m))
		return 1;
	if (!strcmp(verb, "update") && keyless(m.info.type))
		want_key = false; /* update of a queue is a push */
	if (queue_op && strcmp(verb, "update") && !keyless(m.info.type)) {
		map_put(&m);
		return tool_error("map %s: for queue, stack (and push: bloom filter) maps", verb);
	}
	key = calloc(1, m.info.key_size + 1);
	next = calloc(1, m.info.key_size + 1);
	value = calloc(1, m.value_size + 1);
	if (!key || !next || !value) {
		tool_error("out of memory");
		goto out;
	}
	for (i = 1 + used; i < argc;) {
		if (!strcmp(argv[i], "key") && (want_key || !strcmp(verb, "getnext"))) {
			i++;
			if (parse_bytes(argc, argv, &i, key, m.info.key_size, "key", -1))
				goto out;
			have_key = true;
		} else if (!strcmp(argv[i], "value") && push) {
			i++;
			if (m.ncpus > 1) {
				/* one value, given for every CPU */
				uint32_t stride = (m.info.value_size + 7) & ~7u;

				if (parse_bytes(argc, argv, &i, value, m.info.value_size, "value",
						-1))
					goto out;
				for (int c = 1; c < m.ncpus; c++)
					memcpy(value + (size_t)c * stride, value,
					       m.info.value_size);
			} else if (parse_bytes(argc, argv, &i, value, m.info.value_size, "value",
					       fd_kind(m.info.type))) {
				goto out;
			}
			have_value = true;
		} else if (!strcmp(verb, "update") &&
			   (!strcmp(argv[i], "any") || !strcmp(argv[i], "exist") ||
			    !strcmp(argv[i], "noexist"))) {
			flags = argv[i][0] == 'a' ? BPF_ANY :
				argv[i][0] == 'e' ? BPF_EXIST :
						    BPF_NOEXIST;
			i++;
		} else {
			status = tool_bad_args("map", argv[i]);
			goto out;
		}
	}
	if ((want_key && !have_key) || (push && !have_value)) {
		status = tool_bad_args("map", NULL);
		goto out;
	}
	if (!strcmp(verb, "lookup") || peek) {
		err = ebpfmini_sys_map_lookup(m.fd, peek ? NULL : key, value, 0);
		if (!err)
			print_elem(&m, peek ? NULL : key, value);
	} else if (pop) {
		err = ebpfmini_sys_map_lookup_and_delete(m.fd, NULL, value, 0);
		if (!err)
			print_elem(&m, NULL, value);
	} else if (!strcmp(verb, "delete")) {
		err = ebpfmini_sys_map_delete(m.fd, key, 0);
	} else if (!strcmp(verb, "getnext")) {
		err = ebpfmini_sys_map_next_key(m.fd, have_key ? key : NULL, next);
		if (!err && tool_json) {
			json_open(tool_json, NULL);
			if (have_key)
				json_hex_array(tool_json, "key", key, m.info.key_size);
			else
				json_null(tool_json, "key");
			json_hex_array(tool_json, "next_key", next, m.info.key_size);
			json_close(tool_json);
		} else if (!err) {
			printf("key: ");
			if (have_key)
				hex_line(key, m.info.key_size);
			else
				printf("None");
			printf("\nnext key: ");
			hex_line(next, m.info.key_size);
			printf("\n");
		}
	} else {
		err = ebpfmini_sys_map_update(m.fd, want_key ? key : NULL, value, flags);
	}
	if (err == -ENOENT && (pop || peek))
		tool_error("map %s: the map is empty", verb);
	else if (err == -ENOENT && !strcmp(verb, "getnext"))
		tool_error("map getnext: that was the last key");
	else if (err == -ENOENT)
		tool_error("map %s: no element with that key", verb);
	else if (err)
		tool_explain(verb, err, -1, NULL);
	else
		status = 0;
	if (!status && tool_json && (push || !strcmp(verb, "delete")))
		printf("null\n"); /* one document per call, even when there is nothing to say */
out:
	free(key);
	free(next);
	free(value);
	map_put(&m);
	return status;
}

/* map pin MAP PATH, map freeze MAP */
int cmd_map_pin(int argc, char **argv)
{
	bool freeze = !strcmp(argv[0], "freeze");
	int used, fd, err;

	if (tool_help(argc, argv, "map"))
		return 0;
	fd = tool_select_one(TOOL_MAP, argc - 1, argv + 1, &used);
	if (fd < 0)
		return 1;
	if (1 + used + !freeze != argc) {
		close(fd);
		return tool_bad_args("map", 1 + used + !freeze < argc ? argv[1 + used + !freeze] :
									NULL);
	}
	err = freeze ? ebpfmini_sys_map_freeze(fd) : ebpfmini_sys_obj_pin(fd, argv[argc - 1]);
	close(fd);
	if (err)
		return tool_explain(freeze ? "map freeze" : argv[argc - 1], err,
				    freeze ? BPF_MAP_FREEZE : BPF_OBJ_PIN, NULL);
	if (tool_json)
		printf("null\n");
	return 0;
}

/* map create PATH type TYPE key KSIZE value VSIZE entries N name NAME [flags F] [inner_map MAP] */
int cmd_map_create(int argc, char **argv)
{
	struct ebpfmini_sys_map_create_opts opts = { .sz = sizeof(opts) };
	unsigned long long key = 0, value = 0, entries = 0, flags = 0, type = ~0ull;
	int fd, err, inner = -1;

	if (tool_help(argc, argv, "map"))
		return 0;
	if (argc < 2)
		return tool_bad_args("map", NULL);
	for (int i = 2; i < argc; i += 2) {
		const char *w = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int used;

		if (!v)
			return tool_error("map create: '%s' wants a value after it", w) + 1;
		if (!strcmp(w, "type")) {
			char name[64];

			for (uint32_t t = 0; t < 256 && type == ~0ull; t++)
				if (ebpfmini_sys_map_type_name(t) &&
				    !strcmp(tool_map_type(t, name, sizeof(name)), v))
					type = t;
			if (type == ~0ull)
				return tool_error("map create: unknown map type '%s' (hash, array, "
						  "ringbuf, ...: see feature probe)",
						  v) + 1;
		} else if (!strcmp(w, "key") || !strcmp(w, "value") || !strcmp(w, "entries") ||
			   !strcmp(w, "flags")) {
			if (tool_number(v, w, UINT32_MAX,
					w[0] == 'k' ? &key :
					w[0] == 'v' ? &value :
					w[0] == 'e' ? &entries :
						      &flags))
				return 2;
		} else if (!strcmp(w, "name")) {
			opts.name = v;
		} else if (!strcmp(w, "inner_map")) {
			if (inner >= 0)
				close(inner);
			inner = tool_select_one(TOOL_MAP, argc - i - 1, argv + i + 1, &used);
			if (inner < 0)
				return 1;
			i += used - 1;
		} else {
			if (inner >= 0)
				close(inner);
			return tool_bad_args("map", w);
		}
	}
	if (type == ~0ull) {
		if (inner >= 0)
			close(inner);
		return tool_error("map create: 'type TYPE' is missing") + 1;
	}
	opts.map_flags = (uint32_t)flags;
	if (inner >= 0)
		opts.inner_map_fd = (uint32_t)inner;
	fd = ebpfmini_sys_map_create((uint32_t)type, (uint32_t)key, (uint32_t)value,
				     (uint32_t)entries, &opts);
	if (inner >= 0)
		close(inner);
	if (fd < 0)
		return tool_explain("map create", fd, BPF_MAP_CREATE, NULL);
	err = ebpfmini_sys_obj_pin(fd, argv[1]);
	close(fd);
	if (err)
		return tool_explain(argv[1], err, BPF_OBJ_PIN, NULL);
	if (tool_json)
		printf("null\n");
	return 0;
}
