/* usdt_probe.h - USDT probes for the tests: .note.stapsdt notes written by an asm macro (no sys/sdt.h) */
#ifndef EBPFMINI_TEST_USDT_PROBE_H
#define EBPFMINI_TEST_USDT_PROBE_H

/*
 * TEST_USDT(prov, name, "ARGS", operands...) places a nop (the probe) and a
 * stapsdt note naming it; ARGS is the argument string with %0, %1, ... for
 * the asm operands, each with its size ("-4@%0 8@%1 4@%2" with "r"(int),
 * "m"(long), "n"(5)). TEST_USDT_S does the same with the semaphore
 * TEST_USDT_SEMAPHORE(prov, name) declared first.
 */
#define TEST_USDT_SEMA(prov, name) prov##_##name##_semaphore
#define TEST_USDT_SEMAPHORE(prov, name)                                                           \
	__attribute__((section(".probes"), used)) volatile unsigned short TEST_USDT_SEMA(prov, name)

#define TEST_USDT_NOTE(prov, name, sema, args)                                                     \
	"990:	nop\n"                                                                              \
	"	.pushsection .note.stapsdt, \"\", \"note\"\n"                                       \
	"	.balign 4\n"                                                                        \
	"	.4byte 992f-991f, 994f-993f, 3\n"                                                   \
	"991:	.asciz \"stapsdt\"\n"                                                               \
	"992:	.balign 4\n"                                                                        \
	"993:	.8byte 990b\n"                                                                      \
	"	.8byte _.stapsdt.base\n"                                                            \
	"	.8byte " sema "\n"                                                                  \
	"	.asciz \"" #prov "\"\n"                                                             \
	"	.asciz \"" #name "\"\n"                                                             \
	"	.asciz \"" args "\"\n"                                                              \
	"994:	.balign 4\n"                                                                        \
	"	.popsection\n"                                                                      \
	"	.ifndef _.stapsdt.base\n"                                                           \
	"	.pushsection .stapsdt.base, \"aG\", \"progbits\", .stapsdt.base, comdat\n"          \
	"	.weak _.stapsdt.base\n"                                                             \
	"	.hidden _.stapsdt.base\n"                                                           \
	"_.stapsdt.base: .space 1\n"                                                                \
	"	.size _.stapsdt.base, 1\n"                                                          \
	"	.popsection\n"                                                                      \
	"	.endif\n"

#define TEST_USDT(prov, name, args, ...)                                                           \
	__asm__ __volatile__(TEST_USDT_NOTE(prov, name, "0", args) ::__VA_ARGS__)
#define TEST_USDT_S(prov, name, args, ...)                                                         \
	__asm__ __volatile__(TEST_USDT_NOTE(prov, name, #prov "_" #name "_semaphore", args)       \
			     ::__VA_ARGS__)

#endif /* EBPFMINI_TEST_USDT_PROBE_H */
