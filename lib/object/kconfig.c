/* kconfig.c - values of .kconfig externs from the kernel release and the kernel config (L4 object) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernel.h"
#include "objapi.h"
#include "sys.h"

/* How an extern's C type takes a config value (the encodings libbpf users know). */
enum kcfg_type {
	KCFG_UNKNOWN,
	KCFG_BOOL,     /* bool: y -> true, n -> false */
	KCFG_CHAR,     /* char/u8: 'y', 'm', 'n' stored as characters, or a small number */
	KCFG_INT,      /* 2-, 4- or 8-byte integer: a decimal or hex number */
	KCFG_TRISTATE, /* an enum (enum libbpf_tristate): n -> 0, y -> 1, m -> 2 */
	KCFG_CHAR_ARR, /* char[N]: a quoted string */
};

static enum kcfg_type classify(const struct ebpfmini_btf *btf, uint32_t type_id, bool *is_signed)
{
	const struct btf_type *t;
	int id;

	*is_signed = false;
	if (!btf)
		return KCFG_UNKNOWN;
	id = em_btf_skip_mods(btf, type_id);
	if (id <= 0)
		return KCFG_UNKNOWN;
	t = em_btf_type(btf, (uint32_t)id);
	if (!t)
		return KCFG_UNKNOWN;
	switch (em_btf_kind(t)) {
	case BTF_KIND_INT: {
		uint32_t enc = BTF_INT_ENCODING(*(const uint32_t *)em_btf_tail(t));

		if (enc & BTF_INT_BOOL)
			return t->size == 1 ? KCFG_BOOL : KCFG_UNKNOWN;
		*is_signed = enc & BTF_INT_SIGNED;
		if (t->size == 1)
			return KCFG_CHAR;
		if (t->size == 2 || t->size == 4 || t->size == 8)
			return KCFG_INT;
		return KCFG_UNKNOWN;
	}
	case BTF_KIND_ENUM:
#ifdef BTF_KIND_ENUM64
	case BTF_KIND_ENUM64:
#endif
		return t->size == 4 || t->size == 8 ? KCFG_TRISTATE : KCFG_UNKNOWN;
	case BTF_KIND_ARRAY: {
		const struct btf_array *arr = em_btf_tail(t);
		bool dummy;

		if (arr->nelems == 0 || classify(btf, arr->type, &dummy) != KCFG_CHAR)
			return KCFG_UNKNOWN;
		return KCFG_CHAR_ARR;
	}
	default:
		return KCFG_UNKNOWN;
	}
}

/*
 * What the .config text says of each CONFIG_ extern, found in one pass over
 * its lines: a line's name is looked up by bisection among the externs'
 * names, sorted once. A scan of the whole text per extern made an object with
 * many .kconfig externs cost externs x config lines (1,000 externs against a
 * 210,000-line config: 14 s; bench/scale); the memory is per extern.
 */
struct kopt {
	const char *name; /* the extern's */
	size_t nlen;
	const char *val; /* of the first "NAME=value" line (not terminated), or NULL */
	size_t vlen;
	bool not_set; /* a "# NAME is not set" line */
};

struct kopts {
	struct kopt *v;
	size_t n;
};

static int cmp_kopt(const void *a, const void *b)
{
	const struct kopt *x = a, *y = b;
	int c = memcmp(x->name, y->name, EM_MIN(x->nlen, y->nlen));

	if (c)
		return c;
	return x->nlen < y->nlen ? -1 : x->nlen > y->nlen;
}

/* The first entry named name (nlen bytes), or NULL. */
static struct kopt *lookup(const struct kopts *o, const char *name, size_t nlen)
{
	struct kopt key = { .name = name, .nlen = nlen };
	size_t lo = 0, hi = o->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_kopt(&o->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < o->n && cmp_kopt(&o->v[lo], &key) == 0 ? &o->v[lo] : NULL;
}

static int index_config(const struct em_model *obj, const char *config, struct kopts *o)
{
	o->n = 0;
	o->v = em_calloc(obj->nexterns, sizeof(*o->v));
	if (!o->v)
		return -ENOMEM;
	for (size_t i = 0; i < obj->nexterns; i++) {
		const struct em_extern *ext = &obj->externs[i];

		if (ext->is_kconfig && strncmp(ext->name, "CONFIG_", 7) == 0) {
			o->v[o->n].name = ext->name;
			o->v[o->n++].nlen = strlen(ext->name);
		}
	}
	qsort(o->v, o->n, sizeof(*o->v), cmp_kopt);
	for (const char *line = config; o->n && line && *line;) {
		const char *end = strchr(line, '\n');
		size_t llen = end ? (size_t)(end - line) : strlen(line);
		const char *eq = memchr(line, '=', llen);
		struct kopt *k;

		if (eq && strncmp(line, "CONFIG_", 7) == 0) {
			k = lookup(o, line, (size_t)(eq - line));
			if (k && !k->val) {
				k->val = eq + 1;
				k->vlen = llen - k->nlen - 1;
				if (k->vlen && k->val[k->vlen - 1] == '\r')
					k->vlen--;
			}
		} else if (llen > 13 + 7 && strncmp(line, "# CONFIG_", 9) == 0 &&
			   strncmp(line + llen - 11, " is not set", 11) == 0 &&
			   (k = lookup(o, line + 2, llen - 13))) {
			k->not_set = true;
		}
		line = end ? end + 1 : NULL;
	}
	return 0;
}

/*
 * The value of the first "NAME=value" line (not terminated; *len receives its
 * length), or NULL; *not_set is true when the text holds "# NAME is not set".
 */
static const char *find_option(const struct kopts *o, const char *name, size_t *len,
			       bool *not_set)
{
	const struct kopt *k = lookup(o, name, strlen(name));

	*not_set = k && k->not_set;
	if (!k || !k->val)
		return NULL;
	*len = k->vlen;
	return k->val;
}

static void store_uint(uint8_t *dst, uint32_t size, uint64_t v)
{
	/* the BPF target and the host share byte order (little-endian x86-64/arm64) */
	switch (size) {
	case 1: {
		uint8_t x = (uint8_t)v;
		memcpy(dst, &x, 1);
		break;
	}
	case 2: {
		uint16_t x = (uint16_t)v;
		memcpy(dst, &x, 2);
		break;
	}
	case 4: {
		uint32_t x = (uint32_t)v;
		memcpy(dst, &x, 4);
		break;
	}
	default:
		memcpy(dst, &v, 8);
		break;
	}
}

static bool fits(uint64_t v, bool negative, uint32_t size, bool is_signed)
{
	unsigned bits = size * 8;

	if (bits >= 64)
		return !negative || is_signed;
	if (negative) {
		int64_t s = (int64_t)v;
		return is_signed && s >= -((int64_t)1 << (bits - 1));
	}
	return v <= (is_signed ? ((uint64_t)1 << (bits - 1)) - 1 : ((uint64_t)1 << bits) - 1);
}

/* Copy a Kconfig quoted string ("a \"b\" c") into a char array, unescaping. */
static int set_string(const struct em_extern *ext, const char *val, size_t len, uint8_t *dst)
{
	size_t o = 0;
	bool truncated = false;

	if (len < 2 || val[len - 1] != '"') {
		em_err("kconfig: extern '%s': unterminated string value", ext->name);
		return -EINVAL;
	}
	for (size_t i = 1; i + 1 < len; i++) {
		char ch = val[i];

		if (ch == '\\' && i + 2 < len)
			ch = val[++i];
		if (o + 1 >= ext->size) {
			truncated = true;
			break;
		}
		dst[o++] = (uint8_t)ch;
	}
	dst[o] = '\0';
	if (truncated)
		em_warn("kconfig: extern '%s': value truncated to %u bytes", ext->name, ext->size);
	return 0;
}

static int set_tristate(const struct em_extern *ext, enum kcfg_type kt, char ch, uint8_t *dst)
{
	uint64_t v;

	switch (kt) {
	case KCFG_CHAR:
		*dst = (uint8_t)ch;
		return 0;
	case KCFG_BOOL:
		if (ch == 'm') {
			em_err("kconfig: extern '%s': value 'm' (module) does not fit a bool: "
			       "declare it as enum libbpf_tristate or char",
			       ext->name);
			return -EINVAL;
		}
		*dst = ch == 'y';
		return 0;
	case KCFG_TRISTATE:
		v = ch == 'y' ? 1 : ch == 'm' ? 2 : 0;
		store_uint(dst, ext->size, v);
		return 0;
	default:
		em_err("kconfig: extern '%s': value '%c' needs a bool, tristate or char extern",
		       ext->name, ch);
		return -EINVAL;
	}
}

static int set_number(const struct em_extern *ext, enum kcfg_type kt, bool is_signed,
		      const char *val, size_t len, uint8_t *dst)
{
	char buf[32], *end;
	bool negative;
	uint64_t v;

	if (kt != KCFG_INT && kt != KCFG_CHAR) {
		em_err("kconfig: extern '%s': numeric value '%.*s' needs an integer extern",
		       ext->name, (int)EM_MIN(len, 40u), val);
		return -EINVAL;
	}
	if (len == 0 || len >= sizeof(buf))
		goto bad;
	memcpy(buf, val, len);
	buf[len] = '\0';
	negative = buf[0] == '-';
	errno = 0;
	v = negative ? (uint64_t)strtoll(buf, &end, 0) : strtoull(buf, &end, 0);
	if (errno || *end)
		goto bad;
	if (!fits(v, negative, ext->size, is_signed)) {
		em_err("kconfig: extern '%s': value %s does not fit in %u bytes", ext->name, buf,
		       ext->size);
		return -EINVAL;
	}
	store_uint(dst, ext->size, v);
	return 0;
bad:
	em_err("kconfig: extern '%s': cannot parse value '%.*s'", ext->name, (int)EM_MIN(len, 40u),
	       val);
	return -EINVAL;
}

/* Write one config value (text as in .config) into the extern's slot. */
static int set_value(const struct em_model *obj, const struct em_extern *ext, const char *val,
		     size_t len, uint8_t *dst)
{
	bool is_signed;
	enum kcfg_type kt = classify(obj->btf, ext->type_id, &is_signed);

	if (kt == KCFG_UNKNOWN) {
		em_err("kconfig: extern '%s': unsupported type (use bool, char, an integer, "
		       "enum libbpf_tristate or char[N])",
		       ext->name);
		return -EINVAL;
	}
	if (len == 1 && (val[0] == 'y' || val[0] == 'n' || val[0] == 'm'))
		return set_tristate(ext, kt, val[0], dst);
	if (len && val[0] == '"') {
		if (kt != KCFG_CHAR_ARR) {
			em_err("kconfig: extern '%s': string value needs a char array extern",
			       ext->name);
			return -EINVAL;
		}
		return set_string(ext, val, len, dst);
	}
	return set_number(ext, kt, is_signed, val, len, dst);
}

/* Values ebpfmini computes itself, for the LINUX_* names libbpf also provides. */
static bool builtin_value(const char *name, uint32_t kver, char *buf, size_t size)
{
	if (strcmp(name, "LINUX_KERNEL_VERSION") == 0) {
		snprintf(buf, size, "%u", kver);
		return true;
	}
	if (strcmp(name, "LINUX_HAS_BPF_COOKIE") == 0) {
		/* bpf_get_attach_cookie() came with 5.15 */
		snprintf(buf, size, "%c", kver >= ((5u << 16) | (15u << 8)) ? 'y' : 'n');
		return true;
	}
	if (strcmp(name, "LINUX_HAS_SYSCALL_WRAPPER") == 0) {
		/* x86-64 and arm64 wrap syscalls (pt_regs entry points) since 4.17/4.19 */
#if defined(__x86_64__) || defined(__aarch64__)
		snprintf(buf, size, "%c", kver >= ((4u << 16) | (19u << 8)) ? 'y' : 'n');
#else
		snprintf(buf, size, "n");
#endif
		return true;
	}
	return false;
}

int em_kconfig_apply(const struct em_model *obj, const char *release, const char *config,
		     const char *config_src, uint8_t *image, size_t size)
{
	uint32_t kver = em_kernel_version_code(release);
	struct kopts opts = { NULL, 0 };
	bool indexed = false;
	int err = 0;

	for (size_t i = 0; i < obj->nexterns && !err; i++) {
		const struct em_extern *ext = &obj->externs[i];
		const char *val = NULL;
		size_t len = 0;
		bool not_set = false;
		char builtin[32];

		if (!ext->is_kconfig)
			continue;
		if (!em_range_ok(size, ext->offset, ext->size) || ext->size == 0) {
			em_err("kconfig: extern '%s': offset %u size %u outside .kconfig (%zu bytes)",
			       ext->name, ext->offset, ext->size, size);
			err = -EBADMSG;
			break;
		}
		memset(image + ext->offset, 0, ext->size);
		if (builtin_value(ext->name, kver, builtin, sizeof(builtin))) {
			if (strcmp(ext->name, "LINUX_KERNEL_VERSION") == 0 && !kver) {
				em_err("kconfig: extern '%s': cannot parse kernel release '%s'",
				       ext->name, release ? release : "(unknown)");
				err = -EINVAL;
				break;
			}
			val = builtin;
			len = strlen(builtin);
		} else if (strncmp(ext->name, "CONFIG_", 7) == 0 && config) {
			if (!indexed && (err = index_config(obj, config, &opts)))
				break;
			indexed = true;
			val = find_option(&opts, ext->name, &len, &not_set);
			if (!val && not_set) {
				val = "n";
				len = 1;
			}
		}
		if (!val) {
			if (ext->is_weak)
				continue; /* a missing __weak extern reads as zero */
			if (strncmp(ext->name, "CONFIG_", 7) == 0 && !config)
				em_err("kconfig: extern '%s': the kernel config is not readable (%s): "
				       "set kconfig_path in the open options, or declare it __weak",
				       ext->name, config_src ? config_src : "no config");
			else
				em_err("kconfig: extern '%s': not found in %s (declare it __weak to "
				       "default to 0)",
				       ext->name, config ? config_src : "the known LINUX_* values");
			err = -ENOENT;
			break;
		}
		err = set_value(obj, ext, val, len, image + ext->offset);
		if (!err)
			em_debug("kconfig: extern '%s' = %.*s", ext->name, (int)EM_MIN(len, 64u),
				 val);
	}
	free(opts.v);
	return err;
}

int em_kconfig_fill(struct em_model *obj, struct ebpfmini_map *map)
{
	const char *release = em_kernel_release(); /* "" when uname fails */
	char src[4096] = "";
	char *config = NULL;
	bool need_config = false;
	int err;

	for (size_t i = 0; i < obj->nexterns; i++)
		if (obj->externs[i].is_kconfig && strncmp(obj->externs[i].name, "CONFIG_", 7) == 0)
			need_config = true;

	if (need_config) {
		err = em_kernel_config(obj->kconfig_path, &config, src, sizeof(src));
		if (err && obj->kconfig_path) {
			em_err("kconfig: cannot read %s: %s", src, strerror(-err));
			return err;
		}
	}
	if (!map->data || map->data_size == 0) {
		free(config);
		em_err("map '%s': no image for %zu kconfig externs", map->name, obj->nexterns);
		return -EBADMSG;
	}
	err = em_kconfig_apply(obj, release, config, need_config ? src : NULL, map->data,
			       map->data_size);
	free(config);
	return err;
}
