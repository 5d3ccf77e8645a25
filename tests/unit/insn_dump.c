/* insn_dump.c - every code section of BPF objects through ebpfmini_insn_format(), for test_insn_objdump.py */
#include <stdio.h>

#include <ebpfmini/ebpfmini.h>

#include "objstate.h" /* the code sections of the model: subprograms without a program too */

/* Prints "section NAME" then "IDX: TEXT" per instruction of each code section of each object. */
int main(int argc, char **argv)
{
	int status = 0;

	for (int a = 1; a < argc; a++) {
		struct ebpfmini_object *obj;
		int err = ebpfmini_object_open(argv[a], NULL, &obj);

		if (err) {
			fprintf(stderr, "%s: open: %d\n", argv[a], err);
			status = 1;
			continue;
		}
		printf("object %s\n", argv[a]);
		for (size_t s = 0; s < obj->model.ncode; s++) {
			const struct em_code_sec *c = &obj->model.code[s];

			printf("section %s\n", c->name);
			for (size_t i = 0; i < c->insn_cnt;) {
				char text[256];
				int n = ebpfmini_insn_format(c->insns, c->insn_cnt, i, text,
							     sizeof(text), NULL);

				printf("%zu: %s\n", i, text);
				if (n < 0)
					status = 1;
				i += n > 0 ? (size_t)n : 1;
			}
		}
		ebpfmini_object_close(obj);
	}
	return status;
}
