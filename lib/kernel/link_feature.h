/* link_feature.h - which kinds of bpf link the running kernel has, for the attach fallbacks (L3' kernel) */
#ifndef EBPFMINI_LINK_FEATURE_H
#define EBPFMINI_LINK_FEATURE_H

#include <stddef.h>

/* Link kinds whose absence makes an attach take an older road. */
enum em_link_feature {
	EM_LINK_FEATURE_CGROUP, /* cgroup links (Linux 5.7); else BPF_PROG_ATTACH, ALLOW_MULTI */
	EM_LINK_FEATURE_XDP,    /* XDP links (Linux 5.9); else netlink IFLA_XDP */
	EM_LINK_FEATURE_TCX,    /* tcx links (Linux 6.6); else clsact + cls_bpf over netlink */
	EM_LINK_FEATURE_COUNT,
};

/*
 * em_link_feature_has() - whether the running kernel has link kind f,
 * asked once (the answer is kept for the life of the process). When reason
 * is not NULL it receives what the probe saw (len bytes, NUL-terminated).
 * Return: 1 (present), 0 (absent), or a negative errno when the kernel
 * could not be asked (-EPERM without privileges; not kept).
 */
int em_link_feature_has(enum em_link_feature f, char *reason, size_t len);

/* "XDP links (Linux 5.9)": the feature and the release that added it. */
const char *em_link_feature_name(enum em_link_feature f);

/*
 * Tests: forget every kept answer, so that the next attach asks again (a
 * fault-injection hook can then make a link kind look absent).
 */
void em_link_feature_reset(void);

#endif /* EBPFMINI_LINK_FEATURE_H */
