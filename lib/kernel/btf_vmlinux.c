/* btf_vmlinux.c - the running kernel's BTF (vmlinux, modules) read once per process, and CO-RE against it (L3' kernel) */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "core.h"
#include "kbtf.h"
#include "elf.h"
#include "internal.h"
#include "sys.h"

#define SYSFS_BTF_DIR "/sys/kernel/btf/"
#define VMLINUX_PATH SYSFS_BTF_DIR "vmlinux"
/* Larger than any kernel's BTF (vmlinux holds ~6 MiB), small enough to refuse nonsense. */
#define BTF_FILE_MAX (1u << 30)

/*
 * Parsed kernel BTF stays for the life of the process: a list, since a
 * process sees one vmlinux, a few modules and, in tests, a few override
 * files. The lock covers the list and each entry's candidate index.
 */
struct kbtf {
	struct kbtf *next;
	char *key; /* path of vmlinux or of an override file; module name */
	bool module;
	struct ebpfmini_btf *btf;  /* never freed */
	struct em_core_index *idx; /* CO-RE candidates learnt so far, or NULL */
	struct em_core_index *sym; /* functions, variables, typedefs looked up by name, or NULL */
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kbtf *cache;

/*
 * BTF inside data: raw BTF, or the .BTF section of an ELF file (vmlinux
 * image, object). The kernel's own (sysfs) BTF has each type checked when a
 * load first reaches it (em_btf_parse_kernel); any other file, named by a
 * caller, is checked whole. Parsed in place: data stays mapped (or allocated) for the
 * life of the process, so nothing is copied; bytes not 4-aligned (a .BTF
 * section at an odd file offset) are copied instead.
 */
static int parse_blob(const char *path, const void *data, size_t size,
		      const struct ebpfmini_btf *base, const struct em_btf_visitor *v,
		      struct ebpfmini_btf **out)
{
	const struct em_elf_section *s;
	struct em_elf *elf;
	int err;

	if (size < 4 || memcmp(data, "\177ELF", 4) != 0)
		return strncmp(path, SYSFS_BTF_DIR, strlen(SYSFS_BTF_DIR)) == 0
			       ? em_btf_parse_kernel_visit(data, size, base, v, out)
			       : em_btf_parse_borrowed(data, size, base, out);
	err = em_elf_parse(data, size, &elf);
	if (err)
		return err;
	s = em_elf_section_by_name(elf, ".BTF");
	if (!s || !s->data) {
		em_warn("btf: %s: ELF file without a .BTF section", path);
		em_elf_free(elf);
		return -ENOENT;
	}
	if ((uintptr_t)s->data % 4)
		err = em_btf_parse(s->data, s->size, base, out);
	else
		err = em_btf_parse_borrowed(s->data, s->size, base, out);
	em_elf_free(elf);
	return err;
}

/*
 * Where the kernel refuses to map its BTF (before 6.16), it is read into an
 * anonymous mapping, 2 MiB-aligned and marked for transparent huge pages
 * (a hint: with THP off it is plain pages): touching each of the ~1,350
 * 4 KiB pages of malloc'd memory costs more than the copy on a nested
 * guest (a cold read of this host's 5.5 MB: 6.7-10 ms into malloc'd memory,
 * 2.3-2.9 ms into huge pages). *map and *maplen are what to unmap; 0 or -errno.
 */
#define HUGE_PAGE (2ul << 20)

static int read_huge(int fd, size_t size, void **map, size_t *maplen)
{
	size_t len = (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE, got = 0;
	uint8_t *p, *start;
	void *m;
	int err;

	err = em_sys_mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &m);
	if (err)
		return err;
	p = m;
	start = (uint8_t *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	if (start > p)
		em_sys_munmap(p, (size_t)(start - p));
	if (start + len < p + len + HUGE_PAGE)
		em_sys_munmap(start + len, (size_t)(p + len + HUGE_PAGE - (start + len)));
	(void)em_sys_madvise(start, len, MADV_HUGEPAGE);
	while (got < size) {
		long n = em_sys_read(fd, start + got, size - got);

		if (n <= 0) {
			err = n < 0 ? (int)n : -EIO; /* shorter than fstat said */
			break;
		}
		got += (size_t)n;
	}
	if (err) {
		em_sys_munmap(start, len);
		return err;
	}
	*map = start;
	*maplen = len;
	return 0;
}

/*
 * Map the kernel's own BTF files (sysfs allows it on recent kernels: the
 * kernel's read-only BTF section, not page cache, so nothing to the resident
 * set, and nobody can truncate or rewrite it), else read the file: a file the
 * caller names is read into private memory, since a mapped one could be
 * truncated (SIGBUS on the next lookup) or rewritten after validation. The
 * mapping or buffer is kept for the life of the process: the parsed BTF
 * points into it.
 */
static int read_btf_file(const char *path, const struct ebpfmini_btf *base,
			 const struct em_btf_visitor *v, struct ebpfmini_btf **out)
{
	struct stat st;
	void *map = NULL;
	size_t size = 0, maplen = 0;
	int fd, err;

	fd = strncmp(path, SYSFS_BTF_DIR, strlen(SYSFS_BTF_DIR)) || strstr(path, "/..")
		     ? -EPERM
		     : em_sys_open(path, O_RDONLY, 0);
	if (fd >= 0) {
		if (em_sys_fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
		    (uint64_t)st.st_size <= BTF_FILE_MAX) {
			size = maplen = (size_t)st.st_size;
			if (em_sys_mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0, &map) < 0 &&
			    read_huge(fd, size, &map, &maplen) < 0)
				map = NULL;
		}
		em_sys_close(fd);
	}
	if (map) {
		err = parse_blob(path, map, size, base, v, out);
		if (err || !(*out)->borrowed)
			em_sys_munmap(map, maplen);
		return err;
	}
	/* no mmap (older kernels), not a sysfs file, or no open: read() says why if it fails too */
	err = em_sys_read_file(path, BTF_FILE_MAX, &map, &size);
	if (err)
		return err;
	err = parse_blob(path, map, size, base, v, out);
	if (err || !(*out)->borrowed)
		free(map);
	return err;
}

static struct kbtf *find(const char *key, bool module)
{
	for (struct kbtf *k = cache; k; k = k->next)
		if (k->module == module && strcmp(k->key, key) == 0)
			return k;
	return NULL;
}

/*
 * The cached entry for key, reading path on first use; a first read of the
 * kernel's own BTF offers its records to the CO-RE index idx (when not NULL:
 * names asked with em_core_want_names), which the entry then keeps. Called
 * with the lock held.
 */
static int get_locked(const char *key, bool module, const char *path,
		      const struct ebpfmini_btf *base, struct em_core_index *idx,
		      struct kbtf **out)
{
	struct em_btf_visitor v = { EM_CORE_ROOT_KINDS, em_core_index_visit, idx };
	struct kbtf *k = find(key, module);
	int err;

	if (k) {
		*out = k;
		return 0;
	}
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->key = em_strdup(key);
	k->module = module;
	if (!k->key) {
		free(k);
		return -ENOMEM;
	}
	err = read_btf_file(path, base, idx ? &v : NULL, &k->btf);
	if (idx) { /* the index keeps what it learnt if the parse walked it (kernel BTF) */
		bool seen = !err && k->btf->checked;

		(void)em_core_index_visit_end(idx, seen ? k->btf : NULL, seen ? 0 : -ECANCELED);
	}
	if (err) {
		if (err == -ENOENT && !module && strcmp(path, VMLINUX_PATH) == 0)
			em_warn("btf: %s: no such file: the kernel has no BTF "
				"(CONFIG_DEBUG_INFO_BTF); give a BTF file path instead",
				path);
		else
			em_warn("btf: %s: cannot read kernel BTF: %s", path, strerror(-err));
		free(k->key);
		free(k);
		return err;
	}
	em_debug("btf: %s: %u types", path, ebpfmini_btf_type_count(k->btf));
	k->next = cache;
	cache = k;
	*out = k;
	return 0;
}

static int vmlinux_locked(const char *path_override, struct kbtf **out)
{
	const char *path = path_override ? path_override : VMLINUX_PATH;

	return get_locked(path, false, path, NULL, NULL, out);
}

int em_btf_vmlinux_get_core(const struct em_core_input *in, const char *path_override,
			    const struct ebpfmini_btf **out)
{
	const char *path = path_override ? path_override : VMLINUX_PATH;
	struct em_core_index *idx = NULL;
	struct kbtf *k;
	int err = 0;

	if (!out || !in)
		return -EINVAL;
	*out = NULL;
	pthread_mutex_lock(&cache_lock);
	if (!find(path, false)) {
		err = em_core_index_new(NULL, &idx);
		if (!err)
			err = em_core_want_names(in, idx);
	}
	if (!err)
		err = get_locked(path, false, path, NULL, idx, &k);
	if (!err && idx) {
		if (em_core_index_target(idx) == k->btf && !k->idx)
			k->idx = idx; /* the names the parse learnt */
		else
			em_core_index_free(idx); /* a file checked whole: no visitor ran */
		idx = NULL;
	}
	pthread_mutex_unlock(&cache_lock);
	em_core_index_free(idx);
	if (!err)
		*out = k->btf;
	return err;
}

/* The cached entry of a module's split BTF, reading it on first use. Called with the lock held. */
static int module_locked(const char *module, struct kbtf **out)
{
	char path[sizeof(SYSFS_BTF_DIR) + 256];
	struct kbtf *base;
	int err;

	if (!module || !*module || strchr(module, '/') || strlen(module) >= 256 ||
	    strcmp(module, "vmlinux") == 0 || module[0] == '.')
		return -EINVAL;
	snprintf(path, sizeof(path), SYSFS_BTF_DIR "%s", module);
	err = vmlinux_locked(NULL, &base);
	if (!err)
		err = get_locked(module, true, path, base->btf, NULL, out);
	return err;
}

/* The BTF of vmlinux (module NULL) or of a module, read on first use. */
static int get_btf(const char *path_override, const char *module, const struct ebpfmini_btf **out)
{
	struct kbtf *k;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	pthread_mutex_lock(&cache_lock);
	err = module ? module_locked(module, &k) : vmlinux_locked(path_override, &k);
	pthread_mutex_unlock(&cache_lock);
	if (!err)
		*out = k->btf;
	return err;
}

int em_btf_vmlinux_get(const char *path_override, const struct ebpfmini_btf **out)
{
	return get_btf(path_override, NULL, out);
}

int em_btf_vmlinux_module_get(const char *module, const struct ebpfmini_btf **out)
{
	if (!module) {
		if (out)
			*out = NULL;
		return -EINVAL;
	}
	return get_btf(NULL, module, out);
}

/*
 * Answer the queries still open (id 0) from entry k: one em_core_index_add()
 * for all their names (a single pass over types not asked for before), then
 * a candidate of the asked kind whose whole name is the essential name.
 * Called with the lock held.
 */
static int find_locked(struct kbtf *k, struct em_kbtf_query *q, size_t n)
{
	const char **names;
	size_t *lens, m = 0;
	int err = 0;

	if (!k->sym) {
		err = em_core_index_new_kinds(k->btf, EM_CORE_SYMBOL_KINDS, &k->sym);
		if (err)
			return err;
	}
	names = em_calloc(n, sizeof(*names));
	lens = em_calloc(n, sizeof(*lens));
	if (!names || !lens) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (q[i].id || !q[i].name)
			continue;
		names[m] = q[i].name;
		lens[m++] = em_core_essential_len(q[i].name);
	}
	err = em_core_index_add(k->sym, names, lens, m);
	if (err)
		goto out;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const struct em_core_cands *c;

		if (q[i].id || !q[i].name)
			continue;
		len = em_core_essential_len(q[i].name);
		c = em_core_index_get(k->sym, q[i].name, len);
		for (size_t j = 0; c && j < c->n; j++) {
			const struct btf_type *t = em_btf_type(k->btf, c->ids[j]);
			const char *tn = em_btf_type_name(k->btf, t);

			if (em_btf_kind(t) == q[i].kind && strlen(tn) == len) {
				q[i].id = c->ids[j];
				q[i].btf = k->btf;
				break;
			}
		}
	}
out:
	free(names);
	free(lens);
	return err;
}

int em_btf_vmlinux_find(const char *btf_path, struct em_kbtf_query *q, size_t n)
{
	struct kbtf *k;
	int err;

	if (n && !q)
		return -EINVAL;
	if (!n)
		return 0;
	pthread_mutex_lock(&cache_lock);
	err = vmlinux_locked(btf_path, &k);
	if (!err)
		err = find_locked(k, q, n);
	pthread_mutex_unlock(&cache_lock);
	return err;
}

int em_btf_vmlinux_module_find(const char *module, struct em_kbtf_query *q, size_t n)
{
	const struct ebpfmini_btf *btf;
	struct kbtf *k;
	int err;

	if (n && !q)
		return -EINVAL;
	if (!n)
		return 0;
	err = em_btf_vmlinux_module_get(module, &btf); /* reads and caches it, or says why not */
	if (err)
		return err;
	pthread_mutex_lock(&cache_lock);
	k = find(module, true);
	err = k ? find_locked(k, q, n) : -ENOENT;
	pthread_mutex_unlock(&cache_lock);
	return err;
}

int em_btf_vmlinux_core_calc(const struct em_core_input *in, const char *btf_path,
			     struct em_core_fixups **out)
{
	struct kbtf *k;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!in)
		return -EINVAL;
	if (!in->btf || !in->relos || !in->relos->nsecs) {
		*out = calloc(1, sizeof(**out));
		return *out ? 0 : -ENOMEM;
	}
	pthread_mutex_lock(&cache_lock);
	err = vmlinux_locked(btf_path, &k);
	if (!err && !k->idx)
		err = em_core_index_new(k->btf, &k->idx);
	if (!err)
		err = em_core_calc(in, k->btf, k->idx, out);
	pthread_mutex_unlock(&cache_lock);
	return err;
}

int em_btf_vmlinux_core_unmatched(const struct em_core_input *in)
{
	struct kbtf *k;
	int err;

	if (!in)
		return -EINVAL;
	if (!in->btf || !in->relos || !in->relos->nsecs)
		return 0;
	pthread_mutex_lock(&cache_lock);
	err = vmlinux_locked(NULL, &k);
	if (!err && !k->idx)
		err = em_core_index_new(k->btf, &k->idx);
	if (!err)
		err = em_core_unmatched(in, k->idx);
	pthread_mutex_unlock(&cache_lock);
	return err;
}

/*
 * The targets of a CO-RE pass over vmlinux and modules: vmlinux first, then
 * each module whose BTF reads (one that does not is left out, warned about by
 * get_locked), each with its candidate index. Called with the lock held.
 */
static int core_targets_locked(const char *const *modules, size_t n, struct em_core_target *t,
			       size_t *nt)
{
	struct kbtf *k;
	int err = vmlinux_locked(NULL, &k);

	*nt = 0;
	if (!err && !k->idx)
		err = em_core_index_new(k->btf, &k->idx);
	if (err)
		return err;
	t[(*nt)++] = (struct em_core_target){ k->btf, k->idx, "vmlinux" };
	for (size_t i = 0; i < n; i++) {
		err = module_locked(modules[i], &k);
		if (err == -ENOMEM)
			return err;
		if (err)
			continue;
		if (!k->idx) {
			err = em_core_index_new(k->btf, &k->idx);
			if (err)
				return err;
		}
		t[(*nt)++] = (struct em_core_target){ k->btf, k->idx, k->key };
	}
	return 0;
}

int em_btf_vmlinux_core_calc_modules(const struct em_core_input *in, const char *const *modules,
				     size_t n, struct em_core_fixups **out)
{
	struct em_core_target *t;
	size_t nt = 0;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!in || (n && !modules))
		return -EINVAL;
	t = em_calloc(n + 1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	pthread_mutex_lock(&cache_lock);
	err = core_targets_locked(modules, n, t, &nt);
	if (!err)
		err = em_core_calc_targets(in, t, nt, out);
	pthread_mutex_unlock(&cache_lock);
	free(t);
	return err;
}
