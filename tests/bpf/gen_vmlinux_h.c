/* gen_vmlinux_h.c - build-time helper: BTF file -> C header with ebpfmini's own BTF-to-C dump (the vmlinux.h of core_vmlinux.bpf.c) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

/* Larger than any kernel's BTF. */
#define BTF_MAX (64u << 20)

/* A header that says there was no kernel BTF to dump: core_vmlinux.bpf.c then builds empty. */
static int write_stub(const char *out, const char *why)
{
	FILE *f = fopen(out, "w");

	if (!f)
		return 1;
	fprintf(f, "/* no vmlinux.h: %s */\n#define EBPFMINI_NO_VMLINUX_H 1\n", why);
	return fclose(f) ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct ebpfmini_btf *btf = NULL;
	size_t size = 0;
	char *buf;
	FILE *in;
	int fd, err;

	if (argc != 3) {
		fprintf(stderr, "usage: gen_vmlinux_h BTF_FILE OUT_HEADER\n");
		return 2;
	}
	in = fopen(argv[1], "rb");
	if (!in) {
		fprintf(stderr, "gen_vmlinux_h: %s: %s: writing a stub header\n", argv[1],
			strerror(errno));
		return write_stub(argv[2], "the build machine's kernel has no BTF");
	}
	buf = malloc(BTF_MAX);
	if (!buf)
		return 1;
	size = fread(buf, 1, BTF_MAX, in);
	fclose(in);
	err = ebpfmini_btf_new(buf, size, &btf);
	free(buf);
	if (err) {
		fprintf(stderr, "gen_vmlinux_h: %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "gen_vmlinux_h: %s: %s\n", argv[2], strerror(errno));
		ebpfmini_btf_free(btf);
		return 1;
	}
	err = ebpfmini_btf_dump_fd(btf, EBPFMINI_BTF_DUMP_C, fd);
	ebpfmini_btf_free(btf);
	if (close(fd) || err) {
		fprintf(stderr, "gen_vmlinux_h: dump: %s\n", strerror(err ? -err : errno));
		unlink(argv[2]);
		return 1;
	}
	return 0;
}
