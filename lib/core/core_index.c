/* core_index.c - CO-RE candidates: target BTF types indexed by essential name (L2 core, pure) */
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "core.h"
#include "internal.h"

struct ix_entry {
	char *name; /* essential name, owned, NUL-terminated */
	size_t len;
	uint64_t hash;
	uint32_t *ids; /* owned; cands.ids points here */
	size_t cap;
	struct em_core_cands cands;
};

struct em_core_index {
	const struct ebpfmini_btf *btf;
	uint32_t kinds; /* bit k: types of BTF kind k are candidates */
	struct ix_entry *ents;
	size_t nents, cap;
	uint32_t *slots; /* open addressing: entry index + 1, 0 = empty */
	size_t nslots;   /* power of two, at least twice nents */
	uint8_t *filter; /* while a scan is open: prefix keys of the entries from first on */
	size_t first;
};

/*
 * The hash is keyed (FNV-1a from a per-process random start, then mixed so
 * that the slot bits depend on every byte): names an object chooses cannot be
 * made to share one slot chain (bench/scale's collide objects did, for the
 * unkeyed FNV-1a: each name then walked past all the earlier ones).
 */
static uint64_t hash_key(void)
{
	static uint64_t key; /* 0 until set; every thread computes the same value */
	uint64_t k = __atomic_load_n(&key, __ATOMIC_RELAXED);
	const uint8_t *rnd;

	if (k)
		return k;
	rnd = (const uint8_t *)(uintptr_t)getauxval(AT_RANDOM); /* 16 bytes from the kernel */
	k = 0x9e3779b97f4a7c15ull;
	if (rnd)
		memcpy(&k, rnd + 8, sizeof(k));
	k |= 1;
	__atomic_store_n(&key, k, __ATOMIC_RELAXED);
	return k;
}

static uint64_t name_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull ^ hash_key(); /* FNV-1a, keyed */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 0x100000001b3ull;
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	return h ^ h >> 32;
}

static struct ix_entry *ix_find(const struct em_core_index *idx, const char *name, size_t len,
				uint64_t hash)
{
	if (!idx->nslots)
		return NULL;
	for (size_t i = hash & (idx->nslots - 1);; i = (i + 1) & (idx->nslots - 1)) {
		struct ix_entry *e;

		if (!idx->slots[i])
			return NULL;
		e = &idx->ents[idx->slots[i] - 1];
		if (e->hash == hash && e->len == len && memcmp(e->name, name, len) == 0)
			return e;
	}
}

/* Puts entry e in the first free slot of its probe sequence. */
static void ix_place(uint32_t *slots, size_t nslots, uint64_t hash, size_t e)
{
	size_t i = hash & (nslots - 1);

	while (slots[i])
		i = (i + 1) & (nslots - 1);
	slots[i] = (uint32_t)e + 1;
}

static int ix_rehash(struct em_core_index *idx, size_t want)
{
	size_t n = 16;
	uint32_t *slots;

	while (n < want * 2)
		n *= 2;
	if (n <= idx->nslots)
		return 0;
	slots = em_calloc(n, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (size_t e = 0; e < idx->nents; e++)
		ix_place(slots, n, idx->ents[e].hash, e);
	free(idx->slots);
	idx->slots = slots;
	idx->nslots = n;
	return 0;
}

int em_core_index_new_kinds(const struct ebpfmini_btf *target, uint32_t kinds,
			    struct em_core_index **out)
{
	struct em_core_index *idx;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!kinds)
		return -EINVAL;
	idx = calloc(1, sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	idx->btf = target;
	idx->kinds = kinds;
	*out = idx;
	return 0;
}

int em_core_index_new(const struct ebpfmini_btf *target, struct em_core_index **out)
{
	return em_core_index_new_kinds(target, EM_CORE_ROOT_KINDS, out);
}

void em_core_index_free(struct em_core_index *idx)
{
	if (!idx)
		return;
	for (size_t i = 0; i < idx->nents; i++) {
		free(idx->ents[i].name);
		free(idx->ents[i].ids);
	}
	free(idx->ents);
	free(idx->slots);
	free(idx->filter);
	free(idx);
}

const struct ebpfmini_btf *em_core_index_target(const struct em_core_index *idx)
{
	return idx ? idx->btf : NULL;
}

const struct em_core_cands *em_core_index_get(const struct em_core_index *idx, const char *name,
					      size_t len)
{
	static const struct em_core_cands none;
	const struct ix_entry *e;

	if (!idx || !name)
		return NULL;
	e = ix_find(idx, name, len, name_hash(name, len));
	if (!e)
		return NULL;
	return e->cands.n ? &e->cands : &none;
}

/*
 * Prefix filter: a 64 Ki-bit set of hashed 4-byte name prefixes (shorter
 * names: the whole name). A target name whose essential part is a name asked
 * for starts with that name, so it has the name's prefix key, or, for a
 * name shorter than 4 bytes followed by "___flavor", the key of the name
 * padded with '_'. Almost every other name fails the filter after reading
 * its first bytes, so only candidates pay for hashing.
 */
#define FILTER_BITS 16

static inline unsigned int prefix_key(const char *s)
{
	uint32_t k = 0;

	for (unsigned int i = 0; i < 4 && s[i]; i++)
		k |= (uint32_t)(uint8_t)s[i] << (8 * i);
	return (k * 0x9e3779b1u) >> (32 - FILTER_BITS);
}

static void filter_add(uint8_t *filter, const char *name, size_t len)
{
	char padded[5] = "____";
	unsigned int k = prefix_key(name);

	filter[k >> 3] |= (uint8_t)(1u << (k & 7));
	if (len < 4) { /* "rq" may be "rq___flavor": key of "rq__" */
		memcpy(padded, name, len);
		k = prefix_key(padded);
		filter[k >> 3] |= (uint8_t)(1u << (k & 7));
	}
}

static int ix_push(struct ix_entry *e, uint32_t id)
{
	if (e->cands.n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 4;
		uint32_t *ids = em_reallocarray(e->ids, cap, sizeof(*ids));

		if (!ids)
			return -ENOMEM;
		e->ids = ids;
		e->cap = cap;
		e->cands.ids = ids;
	}
	e->ids[e->cands.n++] = id;
	return 0;
}

/* Forgets the entries from first on (a scan that failed or never ran), so a retry asks again. */
static void ix_drop(struct em_core_index *idx, size_t first)
{
	if (first == idx->nents)
		return;
	for (size_t i = first; i < idx->nents; i++) {
		free(idx->ents[i].name);
		free(idx->ents[i].ids);
	}
	idx->nents = first;
	memset(idx->slots, 0, idx->nslots * sizeof(*idx->slots));
	for (size_t e = 0; e < idx->nents; e++)
		ix_place(idx->slots, idx->nslots, idx->ents[e].hash, e);
}

int em_core_index_want(struct em_core_index *idx, const char *const *name, const size_t *len,
		       size_t n)
{
	size_t first;
	int err = 0;

	if (!idx || (n && (!name || !len)) || idx->filter)
		return -EINVAL;
	first = idx->nents;
	for (size_t i = 0; i < n && !err; i++) {
		uint64_t h = name_hash(name[i], len[i]);
		struct ix_entry *e;

		if (!len[i] || ix_find(idx, name[i], len[i], h))
			continue;
		if (idx->nents == idx->cap) {
			size_t cap = idx->cap ? idx->cap * 2 : 16;
			struct ix_entry *ents = em_reallocarray(idx->ents, cap, sizeof(*ents));

			if (!ents) {
				err = -ENOMEM;
				break;
			}
			idx->ents = ents;
			idx->cap = cap;
		}
		err = ix_rehash(idx, idx->nents + 1);
		if (err)
			break;
		e = &idx->ents[idx->nents];
		memset(e, 0, sizeof(*e));
		e->name = em_strndup(name[i], len[i]);
		if (!e->name) {
			err = -ENOMEM;
			break;
		}
		e->len = len[i];
		e->hash = h;
		ix_place(idx->slots, idx->nslots, h, idx->nents++);
	}
	idx->first = first;
	if (!err && first < idx->nents && !(idx->filter = calloc(1, (1u << FILTER_BITS) / 8)))
		err = -ENOMEM;
	if (err) {
		ix_drop(idx, first);
		return err;
	}
	for (size_t i = first; idx->filter && i < idx->nents; i++)
		filter_add(idx->filter, idx->ents[i].name, idx->ents[i].len);
	return 0;
}

/* Record t (named, of a kind indexed) of btf, type id, against the open scan. */
static inline int ix_visit(struct em_core_index *idx, const struct ebpfmini_btf *btf, uint32_t id,
			   const struct btf_type *t)
{
	uint32_t off = t->name_off;
	const char *name;
	struct ix_entry *e;
	unsigned int k;
	size_t len;

	if (off >= btf->start_str_off && off - btf->start_str_off < btf->str_len)
		name = btf->strs + (off - btf->start_str_off);
	else if (!(name = em_btf_str(btf, off))) /* a base string, for split BTF */
		return 0;
	k = prefix_key(name);
	if (!(idx->filter[k >> 3] & (1u << (k & 7))))
		return 0;
	len = em_core_essential_len(name);
	e = ix_find(idx, name, len, name_hash(name, len));
	return e && (size_t)(e - idx->ents) >= idx->first ? ix_push(e, id) : 0;
}

int em_core_index_visit(void *ctx, const struct ebpfmini_btf *btf, uint32_t id,
			const struct btf_type *t)
{
	struct em_core_index *idx = ctx;

	if (!idx->filter || !(idx->kinds >> em_btf_kind(t) & 1) || !t->name_off)
		return 0;
	if (idx->btf != btf) {
		if (idx->btf)
			return -EINVAL;
		idx->btf = btf;
	}
	return ix_visit(idx, btf, id, t);
}

int em_core_index_visit_end(struct em_core_index *idx, const struct ebpfmini_btf *btf, int err)
{
	if (!idx)
		return err ? err : -EINVAL;
	if (!err && btf && idx->btf && idx->btf != btf)
		err = -EINVAL;
	if (!err && !idx->btf)
		idx->btf = btf;
	free(idx->filter);
	idx->filter = NULL;
	if (err)
		ix_drop(idx, idx->first);
	idx->first = idx->nents;
	return err;
}

/*
 * One pass over the target's own types for the entries of the open scan. The
 * records are walked in order, their headers only (the hot loop of a first
 * load: ~130,000 kernel types, unless the parse made this pass: em_btf_vmlinux).
 */
static int ix_scan(struct em_core_index *idx)
{
	const struct ebpfmini_btf *btf = idx->btf;
	const uint8_t *rec = btf->raw + btf->hdr_len + btf->type_off;
	int err = 0;

	for (uint32_t i = 0; i < btf->nr_types && !err;
	     i++, rec += em_btf_record_size((const struct btf_type *)rec)) {
		const struct btf_type *t = (const struct btf_type *)rec;

		if (t->name_off && (idx->kinds >> em_btf_kind(t) & 1))
			err = ix_visit(idx, btf, btf->start_id + i, t);
	}
	return err;
}

int em_core_index_add(struct em_core_index *idx, const char *const *name, const size_t *len,
		      size_t n)
{
	int err;

	if (!idx || !idx->btf)
		return -EINVAL;
	err = em_core_index_want(idx, name, len, n);
	if (err)
		return err;
	if (!idx->filter) /* every name known already */
		return 0;
	return em_core_index_visit_end(idx, idx->btf, ix_scan(idx));
}
