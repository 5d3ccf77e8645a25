/* core_target_flavors.c - two flavors of struct core_s that agree on a and b, and a union of the same name (target BTF for unit-core) */

struct core_s___one {
	long b;
	int a;
	int extra1;
};

struct core_s___two {
	long b;
	int a;
	char extra2[16];
};

/* same essential name but a union: never a candidate for a struct */
union core_s___u {
	int a;
	long b;
};

struct core_s___one core_target_flavors_one;
struct core_s___two core_target_flavors_two;
union core_s___u core_target_flavors_u;
