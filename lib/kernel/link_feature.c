/* link_feature.c - probes for the kinds of bpf link the attach code falls back from (L3' kernel) */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "ebpfmini/sys.h"
#include "internal.h"
#include "link_feature.h"
#include "feature.h"
#include "sys.h"
#include "uapi_compat.h"

static const char *const names[EM_LINK_FEATURE_COUNT] = {
	[EM_LINK_FEATURE_CGROUP] = "cgroup links (Linux 5.7)",
	[EM_LINK_FEATURE_XDP] = "XDP links (Linux 5.9)",
	[EM_LINK_FEATURE_TCX] = "tcx links (Linux 6.6)",
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int answers[EM_LINK_FEATURE_COUNT]; /* 0: not asked; else 1 + answer */
static char reasons[EM_LINK_FEATURE_COUNT][160];

void em_link_feature_reset(void)
{
	pthread_mutex_lock(&lock);
	memset(answers, 0, sizeof(answers));
	pthread_mutex_unlock(&lock);
	em_feature_probe_reset(); /* the tcx answer comes from the public feature probe */
}

const char *em_link_feature_name(enum em_link_feature f)
{
	return (unsigned)f < EM_LINK_FEATURE_COUNT ? names[f] : "?";
}

/*
 * BPF_LINK_CREATE with no program (fd -1) for attach_type: a kernel that
 * knows the attach type for links looks for the program and answers EBADF;
 * one without BPF_LINK_CREATE (< 5.7), or without links of this attach type,
 * refuses the command or the type first with EINVAL. (Kernels from 5.10 look
 * the program up before the attach type; all of them have cgroup and XDP
 * links. This does not tell tcx apart: 6.1 also says EBADF.)
 */
static int link_create_knows(uint32_t attach_type, char *why, size_t len)
{
	int err = ebpfmini_sys_link_create(-1, -1, attach_type, NULL);
	const char *name;

	if (err >= 0) { /* cannot happen without a program; count it as known */
		em_sys_close(err);
		err = -EBADF;
	}
	name = ebpfmini_sys_attach_type_name(attach_type);
	snprintf(why, len, "BPF_LINK_CREATE (%s) without a program: %s", name ? name : "?",
		 em_errno_name(err));
	if (err == -EBADF)
		return 1;
	if (err == -EINVAL || err == -EOPNOTSUPP || err == -EM_ENOTSUPP)
		return 0;
	return err;
}

static int probe(enum em_link_feature f, char *why, size_t len)
{
	int v;

	switch (f) {
	case EM_LINK_FEATURE_CGROUP:
		return link_create_knows(BPF_CGROUP_INET_INGRESS, why, len);
	case EM_LINK_FEATURE_XDP:
		return link_create_knows(BPF_XDP, why, len);
	case EM_LINK_FEATURE_TCX:
		v = ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TCX, why, len);
		return v;
	default:
		snprintf(why, len, "unknown link feature %d", (int)f);
		return -EINVAL;
	}
}

int em_link_feature_has(enum em_link_feature f, char *reason, size_t len)
{
	char why[sizeof(reasons[0])] = "";
	int v;

	if ((unsigned)f >= EM_LINK_FEATURE_COUNT)
		return -EINVAL;
	pthread_mutex_lock(&lock);
	v = answers[f] ? answers[f] - 1 : -1;
	if (v >= 0)
		memcpy(why, reasons[f], sizeof(why));
	pthread_mutex_unlock(&lock);
	if (v < 0) {
		v = probe(f, why, sizeof(why));
		if (v >= 0) {
			pthread_mutex_lock(&lock);
			answers[f] = v + 1;
			memcpy(reasons[f], why, sizeof(why));
			pthread_mutex_unlock(&lock);
		}
		em_debug("link: %s: %s (%s)", names[f],
			 v > 0 ? "present" : v == 0 ? "absent" : "cannot tell", why);
	}
	if (reason && len)
		snprintf(reason, len, "%s", why);
	return v;
}
