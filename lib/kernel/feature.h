/* feature.h - private side of the feature probes (feature.c, feature_probe.c; L3' kernel) */
#ifndef EBPFMINI_FEATURE_H
#define EBPFMINI_FEATURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * em_feature_load() - BPF_PROG_LOAD of a tiny program of prog_type ("r0 = 0;
 * exit", or "call helper; r0 = 0; exit" when helper is not 0), with what the
 * type needs to load at all (an expected attach type for cgroup sock_addr,
 * sockopt, sk_lookup, netfilter; a BTF target for tracing and lsm; the
 * kernel version for kprobes). attach_type, unless EM_FEATURE_NO_ATTACH,
 * replaces the expected attach type. log/log_size may be NULL/0.
 * Return: the program fd (the caller closes it) or the kernel's errno;
 * -ENOENT when the type needs a BTF target that kernel BTF lacks.
 */
#define EM_FEATURE_NO_ATTACH UINT32_MAX
int em_feature_load(uint32_t prog_type, uint32_t attach_type, uint32_t helper, char *log,
		    size_t log_size);

/* The answer of a probe load from its result: 1 for a loaded program (its
 * fd closed), 0 for "this kernel cannot" (EINVAL, E2BIG, EOPNOTSUPP, ENOTSUPP,
 * ENOENT, EACCES, and EPERM while a socket filter loads), or the error. */
int em_feature_verdict(int fd);

/* 1 when the kernel's BTF enum enum_name holds an enumerator of value v
 * below its "__MAX_..." one, 0 when not, -ENOENT without kernel BTF. */
int em_feature_btf_enum_knows(const char *enum_name, uint32_t v);

/* The verdict of a helper probe whose load failed, from its verifier log:
 * 0 when the log says the helper does not exist for the program type, 1
 * when the load failed for another reason (the helper is there). Pure. */
int em_feature_helper_verdict(const char *log);

/* Forget every cached answer (tests). */
void em_feature_reset(void);
void em_feature_probe_reset(void);

#endif /* EBPFMINI_FEATURE_H */
