/* attach_tc.c - TC and XDP over rtnetlink for kernels without tcx (6.6) or XDP links (5.9) (L4 link) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "attach_net.h"
#include "internal.h"
#include "link.h"
#include "netlink.h"
#include "sys.h"

#ifndef AF_NETLINK
#define AF_NETLINK 16
#endif
#define NETLINK_ROUTE 0
#define SOL_NETLINK 270
#define NETLINK_CAP_ACK 10
#define NETLINK_EXT_ACK 11

#define REPLY_MAX (64u << 10)

/* ---- one rtnetlink socket --------------------------------------------------------------- */

/* A NETLINK_ROUTE socket of the calling thread's network namespace, asking
 * for extended acks (the kernel's reason as text) and capped error replies. */
int em_attach_tc_nl_open(const char *subject)
{
	int one = 1, fd = em_sys_socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);

	if (fd < 0) {
		em_err("%s: rtnetlink socket: %s", subject, strerror(-fd));
		return fd;
	}
	/* both are optional: older kernels answer without them */
	em_sys_setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	em_sys_setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return fd;
}

uint32_t em_attach_tc_seq(void)
{
	static uint32_t seq;

	return __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED);
}

/*
 * Send the request req (len bytes, sequence number seq) and read replies
 * until the kernel acks it or ends the dump; data messages go to fn.
 * Return: 0 or the kernel's errno, its extended ack text in ext (or "").
 */
int em_attach_tc_nl_talk(int fd, uint32_t seq, const void *req, int len,
		   void (*fn)(void *ctx, uint16_t type, const void *msg, size_t len), void *ctx,
		   char *ext, size_t ext_len)
{
	struct iovec iov = { .iov_base = (void *)req, .iov_len = (size_t)len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	void *buf;
	long n;
	int err = 0, done = 0;

	ext[0] = '\0';
	if (len < 0)
		return len;
	n = em_sys_sendmsg(fd, &msg, 0);
	if (n < 0)
		return (int)n;
	buf = malloc(REPLY_MAX);
	if (!buf)
		return -ENOMEM;
	while (!done) {
		iov.iov_base = buf;
		iov.iov_len = REPLY_MAX;
		n = em_sys_recvmsg(fd, &msg, 0);
		if (n < 0) {
			err = (int)n;
			break;
		}
		if (n == 0 || (msg.msg_flags & MSG_TRUNC)) {
			err = -EBADMSG;
			break;
		}
		done = em_netlink_parse(buf, (size_t)n, seq, fn, ctx, &err, ext, ext_len);
		if (done < 0) {
			err = done;
			break;
		}
	}
	free(buf);
	return err;
}

/* ": <extended ack>" when the kernel gave one, else "" (for log lines) */
static const char *ext_text(const char *ext, char *buf, size_t size)
{
	if (!ext[0])
		return "";
	snprintf(buf, size, " (kernel: %s)", ext);
	return buf;
}

/* ---- TC: a clsact qdisc and a direct-action cls_bpf filter ----------------------------------------- */

/* What a TC attachment keeps to remove exactly its filter. */
struct tc_attachment {
	int nl_fd; /* in the network namespace of the interface */
	struct em_tc_filter filter;
	uint32_t prog_id;
};

static void collect_filter(void *ctx, uint16_t type, const void *msg, size_t len)
{
	struct em_tc_filter_list *l = ctx;
	struct em_tc_filter f;

	/* handle 0: the entry of a priority itself, before its filters */
	if (type != EM_RTM_NEWTFILTER || em_netlink_parse_filter(msg, len, &f) < 0 || !f.handle)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct em_tc_filter *grown = realloc(l->items, cap * sizeof(*grown));

		if (!grown) {
			l->err = -ENOMEM;
			return;
		}
		l->items = grown;
		l->cap = cap;
	}
	l->items[l->n++] = f;
}

/* Every filter on parent of ifindex (none when there is no clsact qdisc). */
int em_attach_tc_filters(int fd, int ifindex, uint32_t parent, struct em_tc_filter_list *l, char *ext,
			size_t ext_len)
{
	unsigned char req[128];
	uint32_t seq = em_attach_tc_seq();
	int err;

	memset(l, 0, sizeof(*l));
	err = em_attach_tc_nl_talk(fd, seq, req, em_netlink_filter_dump(req, sizeof(req), seq, ifindex, parent),
		      collect_filter, l, ext, ext_len);
	if (!err)
		err = l->err;
	if (err) {
		free(l->items);
		l->items = NULL;
		l->n = 0;
	}
	return err;
}

static void release_tc(struct ebpfmini_link *link)
{
	struct tc_attachment *a = link->priv;
	struct em_tc_filter_list l;
	char ext[256], eb[300];
	unsigned char req[128];
	bool ours = false;
	int err;

	if (!a)
		return;
	/* only our program at our place: the filter may be gone or replaced meanwhile */
	err = em_attach_tc_filters(a->nl_fd, a->filter.ifindex, a->filter.parent, &l, ext, sizeof(ext));
	for (size_t i = 0; !err && i < l.n; i++)
		ours |= l.items[i].prio == a->filter.prio && l.items[i].handle == a->filter.handle &&
			strcmp(l.items[i].kind, "bpf") == 0 && l.items[i].prog_id == a->prog_id;
	free(l.items);
	if (!err && ours) {
		uint32_t seq = em_attach_tc_seq();

		err = em_attach_tc_nl_talk(a->nl_fd, seq, req,
			      em_netlink_filter_del(req, sizeof(req), seq, &a->filter), NULL, NULL,
			      ext, sizeof(ext));
	} else if (!err) {
		em_debug("link: detach %s: the filter is gone already", ebpfmini_link_target(link));
	}
	if (err && err != -ENOENT && err != -EINVAL)
		em_warn("link: detach %s: %s%s", ebpfmini_link_target(link), strerror(-err),
			ext_text(ext, eb, sizeof(eb)));
	em_sys_close(a->nl_fd);
	free(a);
	link->priv = NULL;
}

/* Make sure ifindex has a clsact qdisc: 1 when we created it, 0 when it was there. */
static int ensure_clsact(int fd, int ifindex, const char *subject)
{
	unsigned char req[128];
	char ext[256], eb[300];
	uint32_t seq = em_attach_tc_seq();
	int err;

	err = em_attach_tc_nl_talk(fd, seq, req, em_netlink_clsact(req, sizeof(req), seq, ifindex, true), NULL,
		      NULL, ext, sizeof(ext));
	if (err == -EEXIST)
		return 0; /* there already (ours of an earlier attach, or someone's): shared */
	if (err) {
		em_err("%s: creating the clsact qdisc: %s%s%s", subject, strerror(-err),
		       ext_text(ext, eb, sizeof(eb)),
		       err == -ENOENT || err == -EOPNOTSUPP ?
			       " (a kernel without sch_ingress: CONFIG_NET_SCH_INGRESS, modprobe "
			       "sch_ingress)" :
			       "");
		return err;
	}
	em_info("%s: created a clsact qdisc (it stays when the filters go)", subject);
	return 1;
}

int em_attach_tc_netlink(int prog_fd, uint32_t prog_id, const char *prog_name, int ifindex,
			 bool ingress, const char *subject, const char *target,
			 struct ebpfmini_link **out)
{
	struct tc_attachment *a;
	struct em_tc_filter_list l;
	char ext[256], eb[300], full[192];
	unsigned char req[256];
	int fd, err = -EEXIST;

	*out = NULL;
	fd = em_attach_tc_nl_open(subject);
	if (fd < 0)
		return fd;
	a = em_calloc(1, sizeof(*a));
	if (!a) {
		em_sys_close(fd);
		return -ENOMEM;
	}
	a->nl_fd = fd;
	a->prog_id = prog_id;
	a->filter = (struct em_tc_filter){ .ifindex = ifindex,
					   .parent = ingress ? EM_TC_H_INGRESS : EM_TC_H_EGRESS,
					   .protocol = EM_ETH_P_ALL,
					   .handle = 1 };
	err = ensure_clsact(fd, ifindex, subject);
	/* a priority of its own after every filter there (tcx appends too); a
	 * race for it makes the kernel say EEXIST: try the next one */
	for (int tries = 0; err >= 0 && tries < 4; tries++) {
		uint32_t seq = em_attach_tc_seq(), max = 0;

		err = em_attach_tc_filters(fd, ifindex, a->filter.parent, &l, ext, sizeof(ext));
		if (err) {
			em_err("%s: listing the filters: %s%s", subject, strerror(-err),
			       ext_text(ext, eb, sizeof(eb)));
			break;
		}
		for (size_t i = 0; i < l.n; i++)
			max = l.items[i].prio > max ? l.items[i].prio : max;
		free(l.items);
		if (max >= 0xffff) {
			em_err("%s: the hook has a filter at the last priority (65535): no place "
			       "after it",
			       subject);
			err = -EBUSY;
			break;
		}
		a->filter.prio = (uint16_t)(max + 1);
		err = em_attach_tc_nl_talk(fd, seq, req,
			      em_netlink_filter_add(req, sizeof(req), seq, &a->filter, prog_fd,
						    prog_name),
			      NULL, NULL, ext, sizeof(ext));
		if (err != -EEXIST)
			break;
	}
	if (err < 0) {
		if (err != -EBUSY && err != -ENOMEM)
			em_err("%s: adding the cls_bpf filter: %s%s%s", subject, strerror(-err),
			       ext_text(ext, eb, sizeof(eb)),
			       err == -ENOENT || err == -EOPNOTSUPP ?
				       " (a kernel without cls_bpf: CONFIG_NET_CLS_BPF, modprobe "
				       "cls_bpf)" :
				       "");
		em_sys_close(fd);
		free(a);
		return err;
	}
	em_debug("%s: cls_bpf filter prio %u handle %u", subject, a->filter.prio,
		 a->filter.handle);
	snprintf(full, sizeof(full), "%s (cls_bpf prio %u)", target, a->filter.prio);
	err = em_link_new(EM_LINK_BPF, -1, -1, full, out);
	if (err) {
		struct ebpfmini_link tmp = { .priv = a, .target = full };

		release_tc(&tmp);
		return err;
	}
	(*out)->release = release_tc;
	(*out)->priv = a;
	return 0;
}

/* ---- XDP: IFLA_XDP of RTM_SETLINK ------------------------------------------------------------------- */

struct xdp_attachment {
	int nl_fd;
	int prog_fd; /* ours, for XDP_FLAGS_REPLACE at detach */
	int ifindex;
	uint32_t mode_flags;
};

static void release_xdp(struct ebpfmini_link *link)
{
	struct xdp_attachment *a = link->priv;
	unsigned char req[128];
	char ext[256], eb[300];
	uint32_t seq;
	int err;

	if (!a)
		return;
	/* -1 replaces the program only while it is ours (expected fd) */
	seq = em_attach_tc_seq();
	err = em_attach_tc_nl_talk(a->nl_fd, seq, req,
		      em_netlink_xdp(req, sizeof(req), seq, a->ifindex, -1, a->mode_flags,
				     a->prog_fd),
		      NULL, NULL, ext, sizeof(ext));
	if (err == -EEXIST)
		em_debug("link: detach %s: another program replaced ours: left alone",
			 ebpfmini_link_target(link));
	else if (err && err != -ENODEV)
		em_warn("link: detach %s: %s%s", ebpfmini_link_target(link), strerror(-err),
			ext_text(ext, eb, sizeof(eb)));
	em_sys_close(a->prog_fd);
	em_sys_close(a->nl_fd);
	free(a);
	link->priv = NULL;
}

int em_attach_tc_xdp_netlink(int prog_fd, int ifindex, uint32_t mode_flags, const char *subject,
			     const char *target, struct ebpfmini_link **out)
{
	struct xdp_attachment *a;
	unsigned char req[128];
	char ext[256], eb[300];
	uint32_t seq = em_attach_tc_seq();
	int err;

	*out = NULL;
	a = em_calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->ifindex = ifindex;
	a->mode_flags = mode_flags;
	a->nl_fd = em_attach_tc_nl_open(subject);
	a->prog_fd = a->nl_fd < 0 ? -1 : em_sys_dup(prog_fd);
	if (a->nl_fd < 0 || a->prog_fd < 0) {
		err = a->nl_fd < 0 ? a->nl_fd : a->prog_fd;
		if (a->nl_fd >= 0) {
			em_err("%s: duplicating the program fd: %s", subject, strerror(-err));
			em_sys_close(a->nl_fd);
		}
		free(a);
		return err;
	}
	/* like a link: never over another program (UPDATE_IF_NOEXIST) */
	err = em_attach_tc_nl_talk(a->nl_fd, seq, req,
		      em_netlink_xdp(req, sizeof(req), seq, ifindex, prog_fd,
				     mode_flags | EM_XDP_FLAGS_UPDATE_IF_NOEXIST, -1),
		      NULL, NULL, ext, sizeof(ext));
	if (err) {
		em_err("%s: netlink IFLA_XDP: %s%s%s", subject, strerror(-err),
		       ext_text(ext, eb, sizeof(eb)),
		       err == -EBUSY || err == -EEXIST ?
			       " (another XDP program is attached in this mode)" :
		       err == -EOPNOTSUPP && (mode_flags & EM_XDP_FLAGS_DRV_MODE) ?
			       " (the interface's driver lacks native XDP: generic mode works on "
			       "every interface)" :
			       "");
		em_sys_close(a->prog_fd);
		em_sys_close(a->nl_fd);
		free(a);
		return err == -EEXIST ? -EBUSY : err;
	}
	err = em_link_new(EM_LINK_BPF, -1, -1, target, out);
	if (err) {
		struct ebpfmini_link tmp = { .priv = a, .target = (char *)target };

		release_xdp(&tmp);
		return err;
	}
	(*out)->release = release_xdp;
	(*out)->priv = a;
	return 0;
}
