/* core_target_ambig.c - two flavors of struct core_s that disagree on where a lives (target BTF for unit-core) */

struct core_s___one {
	long b;
	int a;
};

struct core_s___two {
	int a;
	long b;
};

struct core_s___one core_target_ambig_one;
struct core_s___two core_target_ambig_two;
