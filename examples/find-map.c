/* find-map.c - find a map among all the kernel's maps by name, or by its pin in bpffs, and dump it */
#include "common.h"
#include "find-map.bpf.o.h" /* find_map_bpf_o[]: find-map.bpf.c, embedded */

static const char usage[] =
	"usage: find-map [-n NAME | -p PATH] [--bpffs DIR] [-d SECONDS]\n"
	"Finds maps by name among all the system's maps (MAP_GET_NEXT_ID, MAP_GET_FD_BY_ID,\n"
	"OBJ_GET_INFO_BY_FD) or by pinned path (OBJ_GET) and prints them with their contents.\n"
	"Without -n or -p it loads its map 'find_me', pinned by name under DIR (--bpffs,\n"
	"default /sys/fs/bpf), counts execve per uid in it for SECONDS (default 1), then\n"
	"finds it both ways and unpins it.\n";

static const char *by_name, *by_path, *bpffs = "/sys/fs/bpf";

static int option(int argc, char **argv, int i)
{
	const char **dst = !strcmp(argv[i], "-n")      ? &by_name :
			   !strcmp(argv[i], "-p")      ? &by_path :
			   !strcmp(argv[i], "--bpffs") ? &bpffs : NULL;

	if (!dst || i + 1 >= argc)
		return 0;
	*dst = argv[i + 1];
	return 2;
}

/* Every map called name (names are not unique): how many; *saw: one of them is map want. */
static int find_by_name(const char *name, uint32_t want, bool *saw)
{
	int found = 0;

	for (uint32_t id = 0; ebpfmini_sys_map_get_next_id(id, &id) == 0;) {
		struct ebpfmini_map *map = NULL;

		if (ebpfmini_map_open_id(id, &map) != 0)
			continue; /* freed since we got its id */
		if (strcmp(ebpfmini_map_name(map), name) == 0 && ex_print_map("name", name, map)) {
			found++;
			*saw |= id == want;
		}
		ebpfmini_map_close(map);
	}
	if (!found)
		fprintf(stderr, "find-map: no map named '%s' is loaded\n", name);
	return found;
}

/* The map pinned at path: its id, or 0. */
static uint32_t find_by_path(const char *path)
{
	struct ebpfmini_map *map = NULL;
	int err = ebpfmini_map_open_pinned(path, &map);
	uint32_t id;

	if (err) {
		fprintf(stderr, "find-map: nothing pinned at '%s': %s\n", path, strerror(-err));
		return 0;
	}
	id = ex_print_map("path", path, map);
	ebpfmini_map_close(map);
	return id;
}

int main(int argc, char **argv)
{
	struct ebpfmini_object *obj = NULL;
	struct ebpfmini_link *link = NULL;
	struct ebpfmini_map *map;
	bool same = false;
	uint32_t id = 0;
	int err;

	ex_seconds = 1;
	ex_start(argc, argv, "find-map", usage, option);
	if (by_name) /* looking only: nothing to load */
		return find_by_name(by_name, 0, &same) ? 0 : 1;
	if (by_path)
		return find_by_path(by_path) ? 0 : 1;

	/* open: parse the object; its map asks to be pinned by name */
	err = ebpfmini_object_open_mem(find_map_bpf_o, sizeof(find_map_bpf_o), NULL, &obj);
	/* configure: pin under --bpffs instead of /sys/fs/bpf */
	if (!err)
		err = ebpfmini_object_set_pin_root(obj, bpffs);
	/* load: creates find_me and pins it at <bpffs>/find_me */
	if (!err)
		err = ebpfmini_object_load(obj);
	if (err == -ENODEV)
		fprintf(stderr, "find-map: %s is not a bpffs: mount -t bpf bpf %s\n", bpffs, bpffs);
	else if (err)
		ex_fail("load", err, NULL);
	if (err)
		goto cleanup;
	map = ebpfmini_object_find_map(obj, "find_me");
	printf("loaded map 'find_me' (id %u), pinned at %s\n", ebpfmini_map_id(map),
	       ebpfmini_map_pin_path(map));

	/* attach, and loop: count some execs so that the map has contents */
	err = ebpfmini_program_attach(ebpfmini_object_find_program(obj, "count_execs"), &link);
	if (err)
		ex_fail("attach", err, NULL);
	while (!err && ex_running()) {
		ex_exec("/bin/true");
		usleep((useconds_t)(ex_timeout_ms(200) * 1000));
	}

	/* find it again the way another process would: by pinned path, then by name */
	id = err ? 0 : find_by_path(ebpfmini_map_pin_path(map));
	if (id && find_by_name("find_me", id, &same) && same)
		printf("the pin leads to map id %u; maps named 'find_me' include it\n", id);

	/* clean up: remove the pin (the map would outlive us otherwise), detach, close */
	ebpfmini_map_unpin(map, NULL);
cleanup:
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
	return same ? 0 : 1;
}
