/* core_target_none.c - a "kernel" without any of core_reads.bpf.c's types, for unit-core (target BTF) */

struct unrelated {
	int core_s; /* a member, not a type, with a wanted name */
};

struct unrelated core_target_none_anchor;
