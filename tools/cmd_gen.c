/* cmd_gen.c - ebpfmini gen skeleton: a C/C++ header that embeds an object and gives typed access to it */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ebpfmini/ebpfmini.h>

#include "btf.h"      /* DATASEC look-up */
#include "btf_dump.h" /* em_btf_dump_c_datasecs: the section structs */
#include "link.h"     /* em_link_prog_attachable: what NAME__attach attaches */
#include "sys.h"      /* em_sys_read_file */
#include "tool.h"

#define OBJ_FILE_MAX (256u << 20)

/* One map, program or data section as the skeleton names it. */
struct ident {
	const char *name; /* the library's name */
	char id[64];      /* a C identifier */
};

struct gen {
	const char *name; /* NAME of NAME__open() */
	struct ebpfmini_object *obj;
	struct ident *maps, *progs;
	size_t nmaps, nprogs;
	uint32_t secs[64];    /* DATASECs of the global data maps */
	const char *tags[64]; /* their struct tags: NAME__<ident> */
	size_t sec_map[64];   /* their map, an index into maps */
	uint32_t nsecs;
};

/* A C identifier from s: the leading dot dropped, other characters not allowed become '_'. */
static void to_ident(const char *s, char *out, size_t size)
{
	size_t n = 0;

	if (*s == '.')
		s++;
	if (isdigit((unsigned char)*s) && n + 1 < size)
		out[n++] = '_';
	for (; *s && n + 1 < size; s++)
		out[n++] = isalnum((unsigned char)*s) ? *s : '_';
	out[n] = '\0';
}

static int write_stdout(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	return fwrite(data, 1, len, stdout) == len ? 0 : -EIO;
}

static int collect(struct gen *g)
{
	const struct ebpfmini_btf *btf = ebpfmini_object_btf(g->obj);
	struct ebpfmini_program *p = NULL;
	struct ebpfmini_map *m = NULL;

	while ((m = ebpfmini_object_next_map(g->obj, m)))
		g->nmaps++;
	while ((p = ebpfmini_object_next_program(g->obj, p)))
		g->nprogs++;
	g->maps = calloc(g->nmaps + 1, sizeof(*g->maps));
	g->progs = calloc(g->nprogs + 1, sizeof(*g->progs));
	if (!g->maps || !g->progs)
		return -ENOMEM;
	g->nmaps = g->nprogs = 0;
	while ((m = ebpfmini_object_next_map(g->obj, m))) {
		struct ident *id = &g->maps[g->nmaps++];
		int sec = -1;

		id->name = ebpfmini_map_name(m);
		to_ident(id->name, id->id, sizeof(id->id));
		if (btf && ebpfmini_map_is_global_data(m))
			sec = ebpfmini_btf_find(btf, id->name, BTF_KIND_DATASEC);
		if (sec > 0 && g->nsecs < EM_ARRAY_SIZE(g->secs)) {
			char *tag = malloc(strlen(g->name) + strlen(id->id) + 3);

			if (!tag)
				return -ENOMEM;
			sprintf(tag, "%s__%s", g->name, id->id);
			g->tags[g->nsecs] = tag;
			g->sec_map[g->nsecs] = g->nmaps - 1;
			g->secs[g->nsecs++] = (uint32_t)sec;
		}
	}
	while ((p = ebpfmini_object_next_program(g->obj, p))) {
		struct ident *id = &g->progs[g->nprogs++];

		id->name = ebpfmini_program_name(p);
		to_ident(id->name, id->id, sizeof(id->id));
	}
	return 0;
}

static const char prologue[] = "#include <errno.h>\n"
			       "#include <stddef.h>\n"
			       "#include <stdlib.h>\n"
			       "#include <string.h>\n"
			       "\n"
			       "#include <ebpfmini/ebpfmini.h>\n"
			       "\n"
			       "#ifndef EBPFMINI_SKEL_ASSERT\n"
			       "#ifdef __cplusplus\n"
			       "#define EBPFMINI_SKEL_ASSERT(c, m) static_assert(c, m)\n"
			       "#else\n"
			       "#define EBPFMINI_SKEL_ASSERT(c, m) _Static_assert(c, m)\n"
			       "#endif\n"
			       "#endif\n"
			       "\n";

static void group(const char *what, const char *type, const struct ident *ids, size_t n)
{
	if (!n)
		return;
	printf("\tstruct {\n");
	for (size_t i = 0; i < n; i++)
		printf("\t\tstruct %s *%s;\n", type, ids[i].id);
	printf("\t} %s;\n", what);
}

/* The section structs' layout as the compiler sees it, checked against BTF's. */
static void asserts(const struct gen *g)
{
	struct ebpfmini_var *v = NULL;
	const struct ebpfmini_map *last = NULL;
	uint64_t cur = 0;

	while ((v = ebpfmini_object_next_var(g->obj, v))) {
		const char *tag = NULL;

		for (uint32_t i = 0; i < g->nsecs; i++)
			if (!strcmp(g->maps[g->sec_map[i]].name, ebpfmini_var_section(v)))
				tag = g->tags[i];
		if (ebpfmini_var_map(v) != last)
			cur = 0;
		last = ebpfmini_var_map(v);
		if (!tag || ebpfmini_var_offset(v) < cur ||
		    !em_btf_dump_c_is_ident(ebpfmini_var_name(v)))
			continue; /* as em_btf_dump_c_datasecs: overlapping or not a C name */
		cur = (uint64_t)ebpfmini_var_offset(v) + ebpfmini_var_size(v);
		printf("EBPFMINI_SKEL_ASSERT(offsetof(struct %s, %s) == %u, \"offset of %s\");\n",
		       tag, ebpfmini_var_name(v), ebpfmini_var_offset(v), ebpfmini_var_name(v));
		printf("EBPFMINI_SKEL_ASSERT(sizeof(((struct %s *)0)->%s) == %u, \"size of %s\");\n",
		       tag, ebpfmini_var_name(v), ebpfmini_var_size(v), ebpfmini_var_name(v));
	}
	printf("\n");
}

static void elf_bytes(const struct gen *g, const uint8_t *data, size_t size)
{
	printf("/* the object file, %zu bytes */\n"
	       "static inline const void *%s__elf_bytes(size_t *sz)\n"
	       "{\n"
	       "\tstatic const unsigned char data[] = {",
	       size, g->name);
	for (size_t i = 0; i < size; i++)
		printf("%s0x%02x,", i % 16 ? " " : "\n\t\t", data[i]);
	printf("\n\t};\n\n\t*sz = sizeof(data);\n\treturn data;\n}\n\n");
}

static void functions(const struct gen *g)
{
	const char *n = g->name;

	printf("/* the object, for the library's functions (negative errno convention) */\n"
	       "static inline struct ebpfmini_object *%s__obj(const struct %s *skel)\n"
	       "{\n\treturn skel->obj;\n}\n\n",
	       n, n);
	/* the typed pointers follow the data: the image before load, the mapping after */
	printf("static inline void %s__point(struct %s *skel)\n{\n", n, n);
	if (!g->nsecs)
		printf("\t(void)skel;\n");
	for (uint32_t i = 0; i < g->nsecs; i++) {
		const struct ident *m = &g->maps[g->sec_map[i]];

		printf("\tskel->%s = (struct %s *)ebpfmini_map_data(skel->maps.%s, NULL);\n", m->id,
		       g->tags[i], m->id);
	}
	printf("}\n\n");

	printf("static inline void %s__detach(struct %s *skel)\n{\n", n, n);
	if (!g->nprogs)
		printf("\t(void)skel;\n");
	for (size_t i = 0; i < g->nprogs; i++)
		printf("\tebpfmini_link_close(skel->links.%s);\n\tskel->links.%s = NULL;\n",
		       g->progs[i].id, g->progs[i].id);
	printf("}\n\n");

	printf("static inline void %s__destroy(struct %s *skel)\n"
	       "{\n"
	       "\tif (!skel)\n\t\treturn;\n"
	       "\t%s__detach(skel);\n"
	       "\tebpfmini_object_close(skel->obj);\n"
	       "\tfree(skel);\n"
	       "}\n\n",
	       n, n, n);

	printf("/* NULL with errno set on failure */\n"
	       "static inline struct %s *%s__open_opts(const struct ebpfmini_object_open_opts *opts)\n"
	       "{\n"
	       "\tstruct ebpfmini_object_open_opts o;\n"
	       "\tstruct %s *skel;\n"
	       "\tconst void *elf;\n"
	       "\tsize_t sz;\n"
	       "\tint err;\n"
	       "\n"
	       "\tmemset(&o, 0, sizeof(o));\n"
	       "\tif (opts)\n"
	       "\t\tmemcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));\n"
	       "\to.sz = sizeof(o);\n"
	       "\tif (!o.name)\n"
	       "\t\to.name = \"%s\";\n"
	       "\tskel = (struct %s *)calloc(1, sizeof(*skel));\n"
	       "\tif (!skel) {\n\t\terrno = ENOMEM;\n\t\treturn NULL;\n\t}\n"
	       "\telf = %s__elf_bytes(&sz);\n"
	       "\terr = ebpfmini_object_open_mem(elf, sz, &o, &skel->obj);\n"
	       "\tif (err)\n\t\tgoto fail;\n"
	       "\terr = -ENOENT;\n",
	       n, n, n, n, n, n);
	for (size_t i = 0; i < g->nmaps; i++)
		printf("\tif (!(skel->maps.%s = ebpfmini_object_find_map(skel->obj, \"%s\")))\n"
		       "\t\tgoto fail;\n",
		       g->maps[i].id, g->maps[i].name);
	for (size_t i = 0; i < g->nprogs; i++)
		printf("\tif (!(skel->progs.%s = ebpfmini_object_find_program(skel->obj, \"%s\")))\n"
		       "\t\tgoto fail;\n",
		       g->progs[i].id, g->progs[i].name);
	printf("\t%s__point(skel);\n"
	       "\treturn skel;\n"
	       "fail:\n"
	       "\t%s__destroy(skel);\n"
	       "\terrno = -err;\n"
	       "\treturn NULL;\n"
	       "}\n\n",
	       n, n);

	printf("static inline struct %s *%s__open(void)\n{\n\treturn %s__open_opts(NULL);\n}\n\n",
	       n, n, n);

	printf("/* 0, or a negative errno (errno set too) */\n"
	       "static inline int %s__load(struct %s *skel)\n"
	       "{\n"
	       "\tint err = ebpfmini_object_load(skel->obj);\n"
	       "\n"
	       "\t%s__point(skel);\n"
	       "\tif (err)\n\t\terrno = -err;\n"
	       "\treturn err;\n"
	       "}\n\n",
	       n, n, n);

	printf("static inline struct %s *%s__open_and_load(void)\n"
	       "{\n"
	       "\tstruct %s *skel = %s__open();\n"
	       "\tint err;\n"
	       "\n"
	       "\tif (!skel)\n\t\treturn NULL;\n"
	       "\terr = %s__load(skel);\n"
	       "\tif (err) {\n\t\t%s__destroy(skel);\n\t\terrno = -err;\n\t\treturn NULL;\n\t}\n"
	       "\treturn skel;\n"
	       "}\n\n",
	       n, n, n, n, n, n);

	printf("/* attaches every loaded program whose SEC name says where; 0 or a negative errno */\n"
	       "static inline int %s__attach(struct %s *skel)\n{\n",
	       n, n);
	printf("\tint err = 0;\n\n\t(void)skel;\n");
	for (size_t i = 0; i < g->nprogs; i++) {
		const struct ebpfmini_program *p =
			ebpfmini_object_find_program(g->obj, g->progs[i].name);

		if (!em_link_prog_attachable(p))
			continue;
		printf("\tif (!err && !skel->links.%s && ebpfmini_program_fd(skel->progs.%s) >= 0)\n"
		       "\t\terr = ebpfmini_program_attach(skel->progs.%s, &skel->links.%s);\n",
		       g->progs[i].id, g->progs[i].id, g->progs[i].id, g->progs[i].id);
	}
	printf("\tif (err)\n\t\terrno = -err;\n\treturn err;\n}\n\n");
}

static int generate(struct gen *g, const char *path, const uint8_t *data, size_t size)
{
	struct em_dump_out *o;
	const char *base;
	char guard[128];
	int err;

	to_ident(g->name, guard, sizeof(guard));
	for (char *c = guard; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	base = strrchr(path, '/');
	printf("/* %s.skel.h - generated by `ebpfmini gen skeleton` from %s: do not edit */\n"
	       "#ifndef EBPFMINI_SKEL_%s_H\n#define EBPFMINI_SKEL_%s_H\n\n%s",
	       g->name, base ? base + 1 : path, guard, guard, prologue);
	if (g->nsecs) {
		o = calloc(1, sizeof(*o));
		if (!o)
			return -ENOMEM;
		o->write = write_stdout;
		err = em_btf_dump_c_datasecs(ebpfmini_object_btf(g->obj), o, g->secs, g->tags,
					     g->nsecs);
		if (!err)
			em_btf_dump_flush(o);
		err = err ? err : o->err;
		free(o);
		if (err)
			return err;
		asserts(g);
	}
	printf("struct %s {\n\tstruct ebpfmini_object *obj;\n", g->name);
	group("maps", "ebpfmini_map", g->maps, g->nmaps);
	group("progs", "ebpfmini_program", g->progs, g->nprogs);
	group("links", "ebpfmini_link", g->progs, g->nprogs);
	for (uint32_t i = 0; i < g->nsecs; i++)
		printf("\tstruct %s *%s;\n", g->tags[i], g->maps[g->sec_map[i]].id);
	printf("};\n\n");
	elf_bytes(g, data, size);
	functions(g);
	printf("#endif /* EBPFMINI_SKEL_%s_H */\n", guard);
	return fflush(stdout) ? -EIO : 0;
}

int cmd_gen_skeleton(int argc, char **argv)
{
	static const struct option opts[] = { { "name", required_argument, NULL, 'n' },
					      { NULL, 0, NULL, 0 } };
	struct ebpfmini_object_open_opts oo = { .sz = sizeof(oo) };
	struct gen g = { 0 };
	const char *name = NULL;
	char ident[64];
	void *data = NULL;
	size_t size = 0;
	struct stat st;
	int c, err, ret = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":n:", opts, NULL)) != -1) {
		if (c != 'n')
			return tool_opt_error("gen", argv, c);
		name = optarg;
	}
	if (optind + 1 != argc)
		return tool_bad_args("gen", optind + 1 < argc ? argv[optind + 1] : NULL);
	if (stat(argv[optind], &st) || !S_ISREG(st.st_mode))
		return tool_file_error(argv[optind], -EINVAL);
	err = em_sys_read_file(argv[optind], OBJ_FILE_MAX, &data, &size);
	if (err)
		return tool_file_error(argv[optind], err);
	oo.name = name;
	err = ebpfmini_object_open(argv[optind], &oo, &g.obj);
	if (!err) {
		to_ident(ebpfmini_object_name(g.obj), ident, sizeof(ident));
		if (name && strcmp(ident, name))
			err = -EINVAL;
	}
	if (err) {
		ret = tool_error("%s: %s", argv[optind],
				 err == -EINVAL && name ? "--name must be a C identifier" :
							  strerror(-err));
		goto out;
	}
	g.name = ident;
	err = collect(&g);
	if (!err)
		err = generate(&g, argv[optind], data, size);
	if (err)
		ret = tool_error("%s: gen skeleton: %s", argv[optind], strerror(-err));
	else
		ret = 0;
out:
	for (uint32_t i = 0; i < g.nsecs; i++)
		free((void *)g.tags[i]);
	free(g.maps);
	free(g.progs);
	ebpfmini_object_close(g.obj);
	free(data);
	return ret;
}
