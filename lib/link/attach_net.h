/* attach_net.h - private helpers shared by the network, cgroup and socket attach files (L4 link) */
#ifndef EBPFMINI_ATTACH_NET_H
#define EBPFMINI_ATTACH_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "ebpfmini/link.h"
#include "ebpfmini/program.h"
#include "ebpfmini/sys.h"

/*
 * The fd of prog, checked for a hook: loaded (-EBUSY otherwise) and of one of
 * the n program types in types (-EINVAL otherwise; n == 0 accepts any). Logs
 * with subject ("prog 'x': attach xdp to 'lo'") and names the hook ("XDP")
 * and both program types when they do not fit.
 */
int em_attach_net_prog_fd(const struct ebpfmini_program *prog, const char *subject,
			  const char *hook, const uint32_t *types, unsigned int n);

/* "BPF_PROG_TYPE_XDP" or "program type 99" (into buf for unknown ones). */
const char *em_attach_net_prog_type(uint32_t type, char *buf, unsigned int size);

/*
 * The kernel's mprog placement of a multi-program hook (tcx, cgroup) into lo:
 * LINK_CREATE flags BPF_F_BEFORE/AFTER as given, plus BPF_F_ID for an id and
 * BPF_F_LINK for a link; the relative fd or id; the expected revision.
 * -EINVAL (logged with subject) for unknown flags, both an fd and an id, or a
 * relative program or link without before or after.
 */
int em_attach_net_placement(const char *subject, uint32_t flags, int relative_fd,
			    uint32_t relative_id, bool relative_link, uint64_t expected_revision,
			    struct ebpfmini_sys_link_create_opts *lo);

/*
 * em_attach_sock_prog_attach() (attach_sock.c) - BPF_PROG_ATTACH of prog_fd
 * to target_fd (a map, a cgroup) with flags, held by a link without a kernel
 * link of its own: it keeps duplicates of both fds, and its detach or close
 * is BPF_PROG_DETACH of exactly that program. Logs failures with subject and
 * hint(err) (may be NULL) after the kernel's reason.
 * Return: 0; -ENOMEM; the errno of dup or of BPF_PROG_ATTACH.
 */
int em_attach_sock_prog_attach(int prog_fd, int target_fd, uint32_t attach_type, uint32_t flags,
			       const char *subject, const char *target,
			       const char *(*hint)(int err), struct ebpfmini_link **out);

/*
 * em_attach_tc_netlink() (attach_tc.c) - TC without tcx links: a clsact
 * qdisc on ifindex (created when missing, shared, left in place when our
 * filters go) and a direct-action cls_bpf filter running prog_fd at a
 * priority of its own after every filter there (handle 1). The link removes
 * exactly that filter (still running prog_id) at detach or close. Logs with
 * subject, the kernel's extended ack included.
 * Return: 0, -ENOMEM, -EBUSY (no free priority), or the kernel's errno.
 */
int em_attach_tc_netlink(int prog_fd, uint32_t prog_id, const char *prog_name, int ifindex,
			 bool ingress, const char *subject, const char *target,
			 struct ebpfmini_link **out);

/*
 * em_attach_tc_xdp_netlink() (attach_tc.c) - XDP without XDP links: IFLA_XDP
 * with mode_flags (XDP_FLAGS_*_MODE or 0) and XDP_FLAGS_UPDATE_IF_NOEXIST;
 * the link takes the program off at detach or close only while it is still
 * ours (XDP_FLAGS_REPLACE with the expected fd).
 * Return: 0, -ENOMEM, -EBUSY (another program there), or the kernel's errno.
 */
int em_attach_tc_xdp_netlink(int prog_fd, int ifindex, uint32_t mode_flags, const char *subject,
			     const char *target, struct ebpfmini_link **out);

/* ---- the rtnetlink round trip of attach_tc.c (also the tool's net commands) ---- */

/* A NETLINK_ROUTE socket of the thread's network namespace (extended acks on); logs
 * with subject. Return: the fd or the errno. */
int em_attach_tc_nl_open(const char *subject);
/* A fresh sequence number for a request. */
uint32_t em_attach_tc_seq(void);
/* Send req (len bytes, or a negative errno from its builder) and read the replies until
 * the ack or the end of the dump; data messages go to fn. Return: 0 or the kernel's
 * errno, its extended ack text in ext (or ""). */
int em_attach_tc_nl_talk(int fd, uint32_t seq, const void *req, int len,
			 void (*fn)(void *ctx, uint16_t type, const void *msg, size_t len),
			 void *ctx, char *ext, size_t ext_len);
struct em_tc_filter;
struct em_tc_filter_list {
	struct em_tc_filter *items; /* malloc'd */
	size_t n, cap;
	int err;
};
/* Every filter on parent (EM_TC_H_INGRESS/EGRESS) of ifindex (none without a clsact
 * qdisc). Return: 0 or the errno (nothing to free then). */
int em_attach_tc_filters(int fd, int ifindex, uint32_t parent, struct em_tc_filter_list *l,
			 char *ext, size_t ext_len);

#endif /* EBPFMINI_ATTACH_NET_H */
