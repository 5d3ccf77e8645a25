/* core_index.c - CO-RE candidates: target BTF types indexed by essential name (L2 core, pure) */
#include <stdlib.h>
#include <string.h>

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
};

static uint64_t name_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 0x100000001b3ull;
	return h;
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
	if (!target || !kinds)
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

/*
 * One pass over the target's own types for the entries from first on. The
 * records are walked in order, their headers only (the hot loop of a first
 * load: ~130,000 kernel types).
 */
static int ix_scan(struct em_core_index *idx, size_t first)
{
	const struct ebpfmini_btf *btf = idx->btf;
	const uint8_t *rec = btf->raw + btf->hdr_len + btf->type_off;
	uint8_t *filter = calloc(1, (1u << FILTER_BITS) / 8);
	int err = 0;

	if (!filter)
		return -ENOMEM;
	for (size_t i = first; i < idx->nents; i++)
		filter_add(filter, idx->ents[i].name, idx->ents[i].len);
	for (uint32_t i = 0; i < btf->nr_types && !err;
	     i++, rec += em_btf_record_size((const struct btf_type *)rec)) {
		const struct btf_type *t = (const struct btf_type *)rec;
		uint32_t off = t->name_off;
		const char *name;
		struct ix_entry *e;
		unsigned int k;
		size_t len;

		if (!off || !(idx->kinds >> em_btf_kind(t) & 1))
			continue;
		if (off >= btf->start_str_off && off - btf->start_str_off < btf->str_len)
			name = btf->strs + (off - btf->start_str_off);
		else if (!(name = em_btf_str(btf, off))) /* a base string, for split BTF */
			continue;
		k = prefix_key(name);
		if (!(filter[k >> 3] & (1u << (k & 7))))
			continue;
		len = em_core_essential_len(name);
		e = ix_find(idx, name, len, name_hash(name, len));
		if (e && (size_t)(e - idx->ents) >= first)
			err = ix_push(e, btf->start_id + i);
	}
	free(filter);
	return err;
}

int em_core_index_add(struct em_core_index *idx, const char *const *name, const size_t *len,
		      size_t n)
{
	size_t first;
	int err;

	if (!idx || (n && (!name || !len)))
		return -EINVAL;
	first = idx->nents;
	for (size_t i = 0; i < n; i++) {
		uint64_t h = name_hash(name[i], len[i]);
		struct ix_entry *e;

		if (!len[i] || ix_find(idx, name[i], len[i], h))
			continue;
		if (idx->nents == idx->cap) {
			size_t cap = idx->cap ? idx->cap * 2 : 16;
			struct ix_entry *ents = em_reallocarray(idx->ents, cap, sizeof(*ents));

			if (!ents)
				return -ENOMEM;
			idx->ents = ents;
			idx->cap = cap;
		}
		err = ix_rehash(idx, idx->nents + 1);
		if (err)
			return err;
		e = &idx->ents[idx->nents];
		memset(e, 0, sizeof(*e));
		e->name = em_strndup(name[i], len[i]);
		if (!e->name)
			return -ENOMEM;
		e->len = len[i];
		e->hash = h;
		ix_place(idx->slots, idx->nslots, h, idx->nents++);
	}
	if (first == idx->nents)
		return 0;
	err = ix_scan(idx, first);
	if (err) { /* forget the half-scanned names so a retry scans them again */
		for (size_t i = first; i < idx->nents; i++) {
			free(idx->ents[i].name);
			free(idx->ents[i].ids);
		}
		idx->nents = first;
		memset(idx->slots, 0, idx->nslots * sizeof(*idx->slots));
		for (size_t e = 0; e < idx->nents; e++)
			ix_place(idx->slots, idx->nslots, idx->ents[e].hash, e);
	}
	return err;
}
