/* cmd_feature.c - ebpfmini feature probe: what the running kernel supports, and why not */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ebpfmini/ebpfmini.h>

#include "btf.h"         /* the enumerators of the kernel's enum bpf_func_id: helper names */
#include "feature.h"     /* em_feature_btf_enum_knows */
#include "sys.h"         /* em_sys_read_file */
#include "uapi_compat.h" /* EM_BPF_*_COUNT */
#include "tool.h"

/* The program type of each attach type (the kernel's attach_type_to_prog_type). */
static const uint8_t attach_prog[EM_BPF_ATTACH_TYPE_COUNT] = {
	8, 8, 9, 13, 14, 14, 15, 16, 18, 18, 18, 18, 9,  9,  18, 18, 20, 22, 23, 18,
	18, 25, 25, 26, 26, 26, 26, 29, 26, 18, 18, 18, 18, 6, 9,  6,  30, 6,  14, 21,
	21, 7,  2,  29, 27, 32, 3,  3,  2,  18, 18, 18, 18, 18, 3, 3,  2,  2,
};

/* Which kernel feature explains a program type the kernel did not load. */
static enum ebpfmini_feature feature_of(uint32_t prog_type)
{
	switch (prog_type) {
	case BPF_PROG_TYPE_LSM:
		return EBPFMINI_FEATURE_BPF_LSM;
	case BPF_PROG_TYPE_TRACING:
	case BPF_PROG_TYPE_EXT:
		return EBPFMINI_FEATURE_TRAMPOLINES;
	case BPF_PROG_TYPE_NETFILTER:
		return EBPFMINI_FEATURE_NETFILTER_LINK;
	default:
		return 0;
	}
}

/* The reason for a "no": what the library found. */
static void reason(int answer, const char *enum_name, uint32_t v, enum ebpfmini_feature f,
		   char *buf, size_t size)
{
	int known;

	if (answer < 0) {
		snprintf(buf, size, "the probe failed: %s", strerror(-answer));
		return;
	}
	if (f && ebpfmini_sys_probe_feature(f, buf, size) == 0)
		return;
	known = em_feature_btf_enum_knows(enum_name, v);
	if (known == 0)
		snprintf(buf, size, "this kernel does not know it (not in its enum %s)", enum_name);
	else if (known > 0)
		snprintf(buf, size, "the kernel knows it but refused the probe (a kernel config "
				    "option, or a module that is not loaded)");
	else
		snprintf(buf, size, "the kernel refused the probe (no kernel BTF to say whether "
				    "it knows the type)");
}

static void answer(struct json *j, const char *key, int yes, const char *why)
{
	if (j) {
		char reason_key[224];

		json_bool(j, key, yes > 0);
		snprintf(reason_key, sizeof(reason_key), "%s_reason", key);
		if (yes <= 0)
			json_str(j, reason_key, why); /* as the text's parentheses */
		return;
	}
	printf("  %-34s %s%s%s%s\n", key, yes > 0 ? "yes" : "no", yes > 0 ? "" : " (",
	       yes > 0 ? "" : why, yes > 0 ? "" : ")");
}

/* The kernel's helper names (enum bpf_func_id in its BTF), or NULL. */
static struct ebpfmini_btf *kernel_btf(void)
{
	struct ebpfmini_btf *btf = NULL;
	void *data;
	size_t size;

	if (em_sys_read_file("/sys/kernel/btf/vmlinux", 1u << 30, &data, &size))
		return NULL;
	em_btf_parse(data, size, NULL, &btf);
	free(data);
	return btf;
}

static void helpers(struct json *j, uint32_t prog_type, const char *type,
		    const struct ebpfmini_btf *btf, int id)
{
	const struct btf_type *t = id > 0 ? em_btf_type(btf, (uint32_t)id) : NULL;
	char key[96];
	int n = 0;

	snprintf(key, sizeof(key), "%s_available_helpers", type);
	if (j)
		json_open_array(j, key);
	else
		printf("\nhelpers of program type %s:\n ", type);
	for (uint32_t i = 0; t && i < em_btf_vlen(t); i++) {
		uint32_t name_off;
		uint64_t func = em_btf_enum_val(t, i, &name_off);
		const char *name = em_btf_str(btf, name_off);

		if (!func || !name || strncmp(name, "BPF_FUNC_", 9) ||
		    ebpfmini_sys_probe_helper(prog_type, (uint32_t)func) != 1)
			continue;
		snprintf(key, sizeof(key), "bpf_%s", name + 9);
		if (j)
			json_str(j, NULL, key);
		else
			printf("%s %s", n % 4 || !n ? "" : "\n ", key);
		n++;
	}
	if (j)
		json_close_array(j);
	else
		printf("\n");
}

int cmd_feature(int argc, char **argv)
{
	struct json *j = tool_json;
	struct ebpfmini_btf *btf = NULL;
	char name[64], why[512], key[192];
	bool with_helpers = true;
	int yes, func_enum = -ENOENT;
	bool prog_ok[EM_BPF_PROG_TYPE_COUNT] = { false };

	if (tool_help(argc, argv, "feature"))
		return 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "kernel"))
			continue;
		if (!strcmp(argv[i], "nohelpers"))
			with_helpers = false;
		else
			return tool_bad_args("feature", argv[i]);
	}
	yes = ebpfmini_sys_probe_prog_type(BPF_PROG_TYPE_SOCKET_FILTER);
	if (yes < 0)
		return tool_explain("feature probe", yes, BPF_PROG_LOAD, NULL);

	if (j)
		json_open(j, NULL);
	if (j)
		json_open(j, "kernel_features");
	else
		printf("kernel features:\n");
	for (int f = EBPFMINI_FEATURE_KPROBES; ebpfmini_sys_feature_name((enum ebpfmini_feature)f); f++) {
		yes = ebpfmini_sys_probe_feature((enum ebpfmini_feature)f, why, sizeof(why));
		if (j) {
			json_open(j, ebpfmini_sys_feature_name((enum ebpfmini_feature)f));
			json_bool(j, "available", yes > 0);
			json_str(j, "reason", why);
			json_close(j);
		} else {
			answer(NULL, ebpfmini_sys_feature_name((enum ebpfmini_feature)f), yes, why);
		}
	}
	if (j)
		json_close(j);

	if (j)
		json_open(j, "program_types");
	else
		printf("\nprogram types:\n");
	for (uint32_t t = 1; t < EM_BPF_PROG_TYPE_COUNT; t++) {
		if (!ebpfmini_sys_prog_type_name(t))
			continue;
		tool_prog_type(t, name, sizeof(name));
		yes = ebpfmini_sys_probe_prog_type(t);
		prog_ok[t] = yes > 0;
		if (yes <= 0)
			reason(yes, "bpf_prog_type", t, feature_of(t), why, sizeof(why));
		snprintf(key, sizeof(key), j ? "have_%s_prog_type" : "%s", name);
		answer(j, key, yes, why);
	}
	if (j)
		json_close(j);

	if (j)
		json_open(j, "map_types");
	else
		printf("\nmap types:\n");
	for (uint32_t t = 1; t < EM_BPF_MAP_TYPE_COUNT; t++) {
		if (!ebpfmini_sys_map_type_name(t))
			continue;
		tool_map_type(t, name, sizeof(name));
		yes = ebpfmini_sys_probe_map_type(t);
		if (yes <= 0)
			reason(yes, "bpf_map_type", t, 0, why, sizeof(why));
		snprintf(key, sizeof(key), j ? "have_%s_map_type" : "%s", name);
		answer(j, key, yes, why);
	}
	if (j)
		json_close(j);

	if (j)
		json_open(j, "attach_types");
	else
		printf("\nattach types (with the program type that declares them):\n");
	for (uint32_t a = 0; a < EM_BPF_ATTACH_TYPE_COUNT; a++) {
		char prog[64];

		if (!ebpfmini_sys_attach_type_name(a))
			continue;
		tool_attach_type(a, name, sizeof(name));
		tool_prog_type(attach_prog[a], prog, sizeof(prog));
		yes = ebpfmini_sys_probe_attach_type(attach_prog[a], a);
		if (yes <= 0)
			reason(yes, "bpf_attach_type", a,
			       prog_ok[attach_prog[a]] ? 0 : feature_of(attach_prog[a]), why,
			       sizeof(why));
		snprintf(key, sizeof(key), j ? "have_%s_attach_type" : "%s (%s)", name, prog);
		answer(j, key, yes, why);
	}
	if (j)
		json_close(j);

	if (with_helpers) {
		btf = kernel_btf();
		if (btf)
			func_enum = em_btf_find(btf, "bpf_func_id", BTF_KIND_ENUM);
		if (func_enum < 0 && !j)
			printf("\n(helpers: no kernel BTF to name them)\n");
		if (j)
			json_open(j, "helpers");
		for (uint32_t t = 1; func_enum > 0 && t < EM_BPF_PROG_TYPE_COUNT; t++) {
			if (!prog_ok[t] || t == BPF_PROG_TYPE_EXT || t == BPF_PROG_TYPE_STRUCT_OPS)
				continue;
			helpers(j, t, tool_prog_type(t, name, sizeof(name)), btf, func_enum);
		}
		if (j)
			json_close(j);
		em_btf_free(btf);
	}
	if (j)
		json_close(j);
	return 0;
}
