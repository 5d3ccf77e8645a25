/* test_skel_vars.c - the skeleton of tests/bpf/skel_vars.bpf.c end to end, compiled as C and as
 * C++: typed sections at the offsets BTF gives, set before load, seen by the program, read and
 * written through the mapping after load */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "skel_vars.skel.h"

static int failures;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

/* a field's offset in its typed section is the variable's offset in BTF */
#define CHECK_VAR(skel, sec, name)                                                                 \
	do {                                                                                       \
		struct ebpfmini_var *v_ = ebpfmini_object_find_var((skel)->obj, #name);           \
		CHECK(v_ != NULL);                                                                 \
		if (v_) {                                                                          \
			CHECK((size_t)((const char *)&(skel)->sec->name - (const char *)(skel)->sec) == \
			      ebpfmini_var_offset(v_));                                            \
			CHECK(sizeof((skel)->sec->name) == ebpfmini_var_size(v_));                \
		}                                                                                  \
	} while (0)

static void check_layout(struct skel_vars *s)
{
	CHECK_VAR(s, rodata, ro_small);
	CHECK_VAR(s, rodata, ro_wide);
	CHECK_VAR(s, rodata, ro_cfg);
	CHECK_VAR(s, rodata, ro_arr);
	CHECK_VAR(s, rodata, ro_anon);
	CHECK_VAR(s, rodata, ro_mode);
	CHECK_VAR(s, data, data_counter);
	CHECK_VAR(s, data, data_name);
	CHECK_VAR(s, data, data_static);
	CHECK_VAR(s, bss, bss_sum);
	CHECK_VAR(s, bss, bss_byte);
	CHECK_VAR(s, bss, bss_hits);
	CHECK_VAR(s, bss, bss_cfg);
	CHECK_VAR(s, data_custom, custom_val);
	CHECK_VAR(s, rodata_custom, custom_ro);
	CHECK_VAR(s, kconfig, LINUX_KERNEL_VERSION);
	CHECK(s->rodata == ebpfmini_map_data(s->maps.rodata, NULL));
	CHECK(s->bss == ebpfmini_map_data(s->maps.bss, NULL));
	CHECK(s->data_custom == ebpfmini_map_data(s->maps.data_custom, NULL));
}

static uint32_t run(struct ebpfmini_program *prog)
{
	unsigned char pkt[64] = { 0 };
	struct ebpfmini_program_test_run_opts opts;

	memset(&opts, 0, sizeof(opts));
	opts.sz = sizeof(opts);
	opts.data_in = pkt;
	opts.data_size_in = sizeof(pkt);
	CHECK(ebpfmini_program_test_run(prog, &opts) == 0);
	return opts.retval;
}

int main(void)
{
	struct skel_vars *s;

	s = skel_vars__open();
	CHECK(s != NULL);
	if (!s)
		return 1;
	/* the initial values, through the typed image */
	CHECK(s->rodata->ro_small == 1);
	CHECK(s->rodata->ro_wide == 0x1122334455667788ULL);
	CHECK(s->rodata->ro_cfg.inner.lo == 4 && s->rodata->ro_cfg.inner.wide == 5);
	CHECK(s->rodata->ro_arr[2] == 30);
	CHECK(s->rodata->ro_anon.port == 80 && s->rodata->ro_anon.on == 1);
	CHECK(s->rodata->ro_mode == MODE_ON);
	CHECK(strcmp(s->data->data_name, "skel") == 0 && s->data->data_static == 9);
	CHECK(s->rodata_custom->custom_ro == 12);
	check_layout(s);
	if (geteuid() != 0) {
		printf("skipped: the load needs root\n");
		skel_vars__destroy(s);
		return failures ? 1 : 77;
	}
	/* configure before load */
	s->rodata->ro_wide = 1000;
	s->rodata->ro_cfg.inner.wide = 6;
	s->rodata->ro_arr[2] = 31;
	s->rodata->ro_anon.port = 81;
	s->rodata->ro_cfg.flag = 9;
	CHECK(skel_vars__load(s) == 0);
	check_layout(s); /* now the mappings */
	CHECK(s->links.skel_copy == NULL);
	CHECK(skel_vars__attach(s) == 0); /* xdp: nothing attaches by SEC name */
	CHECK(s->links.skel_copy == NULL);
	CHECK(run(s->progs.skel_copy) == XDP_PASS);
	CHECK(s->bss->bss_sum == 1 + 1000 + 3 + 6 + 31 + 81 + 7 + 12 + 9);
	CHECK(s->bss->bss_byte == 9);
	CHECK(s->bss->bss_hits[0] == 1 && s->bss->bss_hits[3] == 1);
	CHECK(s->bss->bss_cfg.limit == 3);
	CHECK(s->kconfig->LINUX_KERNEL_VERSION > 0);
	/* written through the mapping, seen by the next run */
	s->data->data_counter = 1;
	s->data_custom->custom_val = 0;
	CHECK(run(s->progs.skel_copy) == XDP_PASS);
	CHECK(s->data_custom->custom_val == 1 + 's');
	CHECK(s->bss->bss_hits[0] == 2);
	skel_vars__detach(s);
	skel_vars__destroy(s);
	skel_vars__destroy(NULL);
	/* open_and_load, and the errno convention */
	s = skel_vars__open_and_load();
	CHECK(s != NULL);
	skel_vars__destroy(s);
	printf("%d failures\n", failures);
	return failures ? 1 : 0;
}
