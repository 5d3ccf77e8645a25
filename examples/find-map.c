/* find-map.c - find a map among all the kernel's maps by name, or by its pin in bpffs, and dump it */
#include <fcntl.h>

#include "common.h"
#include "find-map.bpf.o.h" /* find_map_bpf_o[]: find-map.bpf.c, embedded */

static const char usage[] =
	"usage: find-map [-n NAME | -p PATH] [--bpffs DIR] [-d SECONDS]\n"
	"Finds BPF maps by name among all maps loaded in the system (MAP_GET_NEXT_ID,\n"
	"MAP_GET_FD_BY_ID, OBJ_GET_INFO_BY_FD) or by its pinned path (OBJ_GET), and prints its\n"
	"definition and contents. Without -n or -p it loads its own map 'find_me', pinned by\n"
	"name under DIR, counts execve per uid in it for SECONDS, finds it both ways, unpins it.\n"
	"  -n NAME      find the maps called NAME\n"
	"  -p PATH      open the map pinned at PATH\n"
	"  --bpffs DIR  where the demo pins its map (default /sys/fs/bpf)\n"
	"  -d SECONDS   how long the demo counts (default 1; 0: until Ctrl-C)\n"
	"  -h, --help   show this help\n";

static const char *by_name, *by_path, *bpffs = "/sys/fs/bpf";

static int option(int argc, char **argv, int i)
{
	const char **dst = strcmp(argv[i], "-n") == 0      ? &by_name :
			   strcmp(argv[i], "-p") == 0      ? &by_path :
			   strcmp(argv[i], "--bpffs") == 0 ? &bpffs :
							     NULL;

	if (!dst || i + 1 >= argc)
		return 0;
	*dst = argv[i + 1];
	return 2;
}

/* A key or value: as a number when it has the size of one, else as bytes. */
static void print_bytes(const unsigned char *p, uint32_t size)
{
	uint64_t v = 0;

	if (size == 1 || size == 2 || size == 4 || size == 8) {
		memcpy(&v, p, size); /* little-endian host assumed for the number */
		printf("%llu", (unsigned long long)v);
		return;
	}
	for (uint32_t i = 0; i < size; i++)
		printf("%02x", p[i]);
}

/* The sum over the CPUs of a per-CPU value of 8 bytes or less (a counter), as a number. */
static void print_percpu_sum(struct ebpfmini_map *map, const void *key, uint32_t value_size)
{
	int ncpus = ebpfmini_num_possible_cpus(), n;
	unsigned char *values = ncpus > 0 ? calloc((size_t)ncpus, value_size) : NULL;
	uint64_t sum = 0;

	/* one value per possible CPU, each value_size bytes (the library undoes the kernel's
	 * 8-byte rounding) */
	n = values ? ebpfmini_map_lookup_percpu(map, key, values, (size_t)ncpus * value_size, 0) :
		     -ENOMEM;
	for (int cpu = 0; cpu < n; cpu++) {
		uint64_t v = 0;

		memcpy(&v, values + (size_t)cpu * value_size, value_size);
		sum += v;
	}
	if (n > 0)
		printf("%llu (sum over %d CPUs)", (unsigned long long)sum, n);
	free(values);
}

/* Print a map: what the kernel says about it, then every element. */
static int dump_map(struct ebpfmini_map *map)
{
	struct ebpfmini_map_info info = { .sz = sizeof(info) };
	uint32_t n = 0;
	const char *type;
	unsigned char *key, *next, *value;
	int err = ebpfmini_map_info(map, &info);
	bool percpu;

	if (err)
		return err;
	type = ebpfmini_sys_map_type_name(info.type);
	printf("map id %u name '%s' type %s key_size %u value_size %u max_entries %u flags %#x\n",
	       info.id, info.name, type ? type : "?", info.key_size, info.value_size,
	       info.max_entries, info.flags);
	percpu = ebpfmini_map_value_buf_size(map) != (int)info.value_size;
	key = calloc(1, info.key_size + 1);
	next = calloc(1, info.key_size + 1);
	value = calloc(1, info.value_size + 1);
	/* walk the keys: next_key from NULL gives the first (hash maps; arrays have indexes) */
	for (void *prev = NULL;
	     key && next && value && ebpfmini_map_next_key(map, prev, next) == 0 && n < 1000;
	     prev = key, n++) {
		memcpy(key, next, info.key_size);
		if (!percpu && ebpfmini_map_lookup(map, key, value, 0) != 0)
			continue; /* deleted meanwhile */
		printf("  key ");
		print_bytes(key, info.key_size);
		printf(" value ");
		if (percpu && info.value_size <= 8)
			print_percpu_sum(map, key, info.value_size);
		else if (!percpu)
			print_bytes(value, info.value_size);
		printf("\n");
	}
	printf("  (%u elements)\n", n);
	free(key);
	free(next);
	free(value);
	return (int)info.id;
}

/*
 * Walk every map id in the system and print each map called name (names are
 * not unique: every loaded copy of a program has its own). Return how many
 * matched; *saw_want tells whether one of them had the id want_id.
 */
static int find_by_name(const char *name, uint32_t want_id, bool *saw_want)
{
	uint32_t id = 0;
	int found = 0;

	while (ebpfmini_sys_map_get_next_id(id, &id) == 0) {
		struct ebpfmini_map *map = NULL;

		if (ebpfmini_map_open_id(id, &map) != 0)
			continue; /* freed since we got its id */
		if (strcmp(ebpfmini_map_name(map), name) == 0) {
			printf("found by name '%s': ", name);
			if (dump_map(map) > 0)
				found++;
			*saw_want |= id == want_id;
		}
		ebpfmini_map_close(map);
	}
	if (!found)
		fprintf(stderr, "find-map: no map named '%s' is loaded\n", name);
	return found;
}

/* Open the map pinned at path and print it; return its id or a negative errno. */
static int find_by_path(const char *path)
{
	struct ebpfmini_map *map = NULL;
	int err = ebpfmini_map_open_pinned(path, &map), id;

	if (err) {
		fprintf(stderr, "find-map: nothing pinned at '%s': %s\n", path, strerror(-err));
		return err;
	}
	printf("found by path '%s': ", path);
	id = dump_map(map);
	ebpfmini_map_close(map);
	return id;
}

int main(int argc, char **argv)
{
	struct ebpfmini_object *obj = NULL;
	struct ebpfmini_link *link = NULL;
	struct ebpfmini_map *map;
	char pin[4096];
	bool same = false;
	int err, id_path, ret = 0;

	ex_seconds = 1;
	ex_start(argc, argv, "find-map", usage, option);
	if (by_name) /* looking only: nothing to load */
		return find_by_name(by_name, 0, &same) > 0 ? 0 : 1;
	if (by_path)
		return find_by_path(by_path) > 0 ? 0 : 1;

	/* open: parse the object; its map asks to be pinned by name */
	err = ebpfmini_object_open_mem(find_map_bpf_o, sizeof(find_map_bpf_o), NULL, &obj);
	if (err)
		return ex_fail("open", err, NULL);

	/* configure: pin under --bpffs instead of /sys/fs/bpf */
	err = ebpfmini_object_set_pin_root(obj, bpffs);
	if (err) {
		ret = ex_fail("configure", err, NULL);
		goto cleanup;
	}

	/* load: creates find_me and pins it at <bpffs>/find_me */
	err = ebpfmini_object_load(obj);
	if (err == -ENODEV) {
		fprintf(stderr, "find-map: %s is not a bpffs: mount -t bpf bpf %s\n", bpffs, bpffs);
		ret = 1;
		goto cleanup;
	}
	if (err) {
		ret = ex_fail("load", err, NULL);
		goto cleanup;
	}
	map = ebpfmini_object_find_map(obj, "find_me");
	snprintf(pin, sizeof(pin), "%s", ebpfmini_map_pin_path(map));
	printf("loaded map 'find_me' (id %u), pinned at %s\n", ebpfmini_map_id(map), pin);

	/* attach, and loop: count some execs so that the map has contents */
	err = ebpfmini_program_attach(ebpfmini_object_find_program(obj, "count_execs"), &link);
	if (err) {
		ret = ex_fail("attach", err, NULL);
		goto unpin;
	}
	while (ex_running()) {
		ex_exec("/bin/true");
		usleep((useconds_t)(ex_timeout_ms(200) * 1000));
	}

	/* find it again the way another process would: by pinned path, then by name */
	id_path = find_by_path(pin);
	if (id_path > 0 && find_by_name("find_me", (uint32_t)id_path, &same) > 0 && same)
		printf("the pin leads to map id %d; maps named 'find_me' include it\n", id_path);
	else
		ret = 1;

unpin:
	/* clean up: remove the pin (the map would outlive us otherwise), detach, close */
	ebpfmini_map_unpin(map, NULL);
cleanup:
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
	return ret;
}
