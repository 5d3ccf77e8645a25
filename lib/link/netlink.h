/* netlink.h - rtnetlink messages of the TC and XDP fallbacks: built and parsed without I/O (L4 link) */
#ifndef EBPFMINI_NETLINK_H
#define EBPFMINI_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* <linux/rtnetlink.h>, <linux/pkt_sched.h>, <linux/if_link.h> values (their headers clash with <net/if.h>) */
#define EM_RTM_NEWLINK 16
#define EM_RTM_GETLINK 18
#define EM_RTM_SETLINK 19
#define EM_RTM_NEWQDISC 36
#define EM_RTM_DELQDISC 37
#define EM_RTM_NEWTFILTER 44
#define EM_RTM_DELTFILTER 45
#define EM_RTM_GETTFILTER 46

#define EM_NLM_F_REQUEST 0x1
#define EM_NLM_F_ACK 0x4
#define EM_NLM_F_DUMP 0x300
#define EM_NLM_F_EXCL 0x200
#define EM_NLM_F_CREATE 0x400

#define EM_TC_H_CLSACT 0xfffffff1U   /* the clsact qdisc's parent (= TC_H_INGRESS) */
#define EM_TC_H_CLSACT_QDISC 0xffff0000U /* its handle: ffff: */
#define EM_TC_H_INGRESS 0xfffffff2U  /* filters at ingress: ffff:fff2 */
#define EM_TC_H_EGRESS 0xfffffff3U   /* filters at egress: ffff:fff3 */
#define EM_ETH_P_ALL 0x0003

#define EM_XDP_FLAGS_UPDATE_IF_NOEXIST (1U << 0)
#define EM_XDP_FLAGS_SKB_MODE (1U << 1)
#define EM_XDP_FLAGS_DRV_MODE (1U << 2)
#define EM_XDP_FLAGS_HW_MODE (1U << 3)
#define EM_XDP_FLAGS_REPLACE (1U << 4)

/* A message under construction in a caller's buffer. */
struct em_netlink_msg {
	unsigned char *buf;
	size_t cap, len;
	bool overflow; /* something did not fit: em_netlink_end() says -E2BIG */
};

/* Start a request of type with flags (NLM_F_REQUEST added) and seq in buf. */
void em_netlink_begin(struct em_netlink_msg *m, void *buf, size_t cap, uint16_t type,
		      uint16_t flags, uint32_t seq);
/* Append an attribute (type, then len bytes of data, padded to 4). */
void em_netlink_put(struct em_netlink_msg *m, uint16_t type, const void *data, size_t len);
void em_netlink_put_u32(struct em_netlink_msg *m, uint16_t type, uint32_t v);
void em_netlink_put_str(struct em_netlink_msg *m, uint16_t type, const char *s);
/* Open a nested attribute: the offset to hand to em_netlink_nest_end(). */
size_t em_netlink_nest(struct em_netlink_msg *m, uint16_t type);
void em_netlink_nest_end(struct em_netlink_msg *m, size_t off);
/* Finish the message: its length, or -E2BIG when it did not fit. */
int em_netlink_end(struct em_netlink_msg *m);

/* ---- the requests of the fallbacks ---------------------------------------------------------- */

/* RTM_NEWQDISC (create, NLM_F_EXCL: EEXIST when one is there) or RTM_DELQDISC of clsact. */
int em_netlink_clsact(void *buf, size_t cap, uint32_t seq, int ifindex, bool create);

/* What identifies one cls_bpf filter on a clsact hook. */
struct em_tc_filter {
	int ifindex;
	uint32_t parent;   /* EM_TC_H_INGRESS or EM_TC_H_EGRESS */
	uint16_t prio;     /* 1..0xffff */
	uint16_t protocol; /* host order: EM_ETH_P_ALL */
	uint32_t handle;
	/* from a dump (em_netlink_parse_filter): */
	char kind[16];     /* "bpf" for cls_bpf */
	uint32_t prog_id;  /* TCA_BPF_ID */
	char name[64];     /* TCA_BPF_NAME */
	bool direct_action;
};

/* RTM_NEWTFILTER (NLM_F_CREATE | NLM_F_EXCL) of a direct-action cls_bpf
 * filter running prog_fd, named name. */
int em_netlink_filter_add(void *buf, size_t cap, uint32_t seq, const struct em_tc_filter *f,
			  int prog_fd, const char *name);
/* RTM_DELTFILTER of exactly f (parent, prio, protocol, handle, kind bpf). */
int em_netlink_filter_del(void *buf, size_t cap, uint32_t seq, const struct em_tc_filter *f);
/* RTM_GETTFILTER dump of every filter on parent of ifindex. */
int em_netlink_filter_dump(void *buf, size_t cap, uint32_t seq, int ifindex, uint32_t parent);

/* RTM_SETLINK with IFLA_XDP: attach prog_fd (-1: detach) with XDP_FLAGS_*
 * flags; expected_fd >= 0 adds IFLA_XDP_EXPECTED_FD (with XDP_FLAGS_REPLACE). */
int em_netlink_xdp(void *buf, size_t cap, uint32_t seq, int ifindex, int prog_fd, uint32_t flags,
		   int expected_fd);

/* ---- replies ----------------------------------------------------------------------------------- */

/*
 * The messages of one recv (len bytes) for request seq: each data message
 * goes to fn (when not NULL). Return: 1 when the exchange ended (an ack,
 * NLMSG_DONE, or an error: *err is then 0 or the negative errno, and ext
 * (ext_len bytes) the kernel's extended ack text, or ""); 0 when more is to
 * come; -EBADMSG for malformed replies. Messages of other seqs are skipped.
 */
int em_netlink_parse(const void *data, size_t len, uint32_t seq,
		     void (*fn)(void *ctx, uint16_t type, const void *msg, size_t len), void *ctx,
		     int *err, char *ext, size_t ext_len);

/* One RTM_NEWTFILTER message of a dump (the nlmsghdr's payload: tcmsg and
 * attributes) into *f. Return: 0, or -EBADMSG. */
int em_netlink_parse_filter(const void *msg, size_t len, struct em_tc_filter *f);

#endif /* EBPFMINI_NETLINK_H */
