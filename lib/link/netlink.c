/* netlink.c - rtnetlink messages of the TC and XDP fallbacks: built and parsed without I/O (L4 link) */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "netlink.h"

/* Wire layouts (<linux/netlink.h>, <linux/rtnetlink.h>), all host-endian. */
struct nl_hdr {
	uint32_t len;
	uint16_t type, flags;
	uint32_t seq, pid;
};
struct nl_attr {
	uint16_t len, type;
};
struct tc_msg {
	uint8_t family, pad1;
	uint16_t pad2;
	int32_t ifindex;
	uint32_t handle, parent, info;
};
struct ifinfo_msg {
	uint8_t family, pad;
	uint16_t type;
	int32_t index;
	uint32_t flags, change;
};

#define NLMSG_NOOP 1
#define NLMSG_ERROR 2
#define NLMSG_DONE 3
#define NLM_F_MULTI 0x2
#define NLM_F_CAPPED 0x100  /* on NLMSG_ERROR: the request's payload is left out */
#define NLM_F_ACK_TLVS 0x200 /* on NLMSG_ERROR: extended ack attributes follow */
#define NLMSGERR_ATTR_MSG 1
#define NLA_F_NESTED 0x8000
#define NLA_TYPE_MASK 0x3fff

#define TCA_KIND 1
#define TCA_OPTIONS 2
#define TCA_BPF_FD 6
#define TCA_BPF_NAME 7
#define TCA_BPF_FLAGS 8
#define TCA_BPF_ID 11
#define TCA_BPF_FLAG_ACT_DIRECT 1
#define IFLA_XDP 43
#define IFLA_XDP_FD 1
#define IFLA_XDP_FLAGS 3
#define IFLA_XDP_EXPECTED_FD 8

#define ALIGN4(n) (((n) + 3) & ~(size_t)3)

/* ---- building ----------------------------------------------------------------------------------- */

/* Room for n more bytes (zeroed), or NULL with m->overflow set. */
static void *reserve(struct em_netlink_msg *m, size_t n)
{
	void *p;

	if (m->overflow || n > m->cap - m->len) {
		m->overflow = true;
		return NULL;
	}
	p = m->buf + m->len;
	memset(p, 0, n);
	m->len += n;
	return p;
}

void em_netlink_begin(struct em_netlink_msg *m, void *buf, size_t cap, uint16_t type,
		      uint16_t flags, uint32_t seq)
{
	struct nl_hdr *h;

	m->buf = buf;
	m->cap = cap;
	m->len = 0;
	m->overflow = false;
	h = reserve(m, sizeof(*h));
	if (h) {
		h->type = type;
		h->flags = flags | EM_NLM_F_REQUEST;
		h->seq = seq;
	}
}

void em_netlink_put(struct em_netlink_msg *m, uint16_t type, const void *data, size_t len)
{
	struct nl_attr *a;

	if (len > 0xffff - sizeof(*a)) {
		m->overflow = true;
		return;
	}
	a = reserve(m, ALIGN4(sizeof(*a) + len));
	if (!a)
		return;
	a->len = (uint16_t)(sizeof(*a) + len);
	a->type = type;
	if (len)
		memcpy(a + 1, data, len);
}

void em_netlink_put_u32(struct em_netlink_msg *m, uint16_t type, uint32_t v)
{
	em_netlink_put(m, type, &v, sizeof(v));
}

void em_netlink_put_str(struct em_netlink_msg *m, uint16_t type, const char *s)
{
	em_netlink_put(m, type, s, strlen(s) + 1);
}

size_t em_netlink_nest(struct em_netlink_msg *m, uint16_t type)
{
	size_t off = m->len;

	em_netlink_put(m, type | NLA_F_NESTED, NULL, 0);
	return off;
}

void em_netlink_nest_end(struct em_netlink_msg *m, size_t off)
{
	struct nl_attr *a = (struct nl_attr *)(m->buf + off);

	if (m->overflow || m->len - off > 0xffff) {
		m->overflow = true;
		return;
	}
	a->len = (uint16_t)(m->len - off);
}

int em_netlink_end(struct em_netlink_msg *m)
{
	if (m->overflow || m->len > INT32_MAX)
		return -E2BIG;
	((struct nl_hdr *)m->buf)->len = (uint32_t)m->len;
	return (int)m->len;
}

/* ---- the requests ----------------------------------------------------------------------------------- */

static void put_tcmsg(struct em_netlink_msg *m, int ifindex, uint32_t handle, uint32_t parent,
		      uint32_t info)
{
	struct tc_msg *t = reserve(m, sizeof(*t));

	if (!t)
		return;
	t->family = 0; /* AF_UNSPEC */
	t->ifindex = ifindex;
	t->handle = handle;
	t->parent = parent;
	t->info = info;
}

int em_netlink_clsact(void *buf, size_t cap, uint32_t seq, int ifindex, bool create)
{
	struct em_netlink_msg m;

	em_netlink_begin(&m, buf, cap, create ? EM_RTM_NEWQDISC : EM_RTM_DELQDISC,
			 EM_NLM_F_ACK | (create ? EM_NLM_F_CREATE | EM_NLM_F_EXCL : 0), seq);
	put_tcmsg(&m, ifindex, EM_TC_H_CLSACT_QDISC, EM_TC_H_CLSACT, 0);
	em_netlink_put_str(&m, TCA_KIND, "clsact");
	return em_netlink_end(&m);
}

/* tcm_info of a filter: the priority above, the protocol (network order) below */
static uint32_t filter_info(const struct em_tc_filter *f)
{
	return ((uint32_t)f->prio << 16) | htons(f->protocol);
}

int em_netlink_filter_add(void *buf, size_t cap, uint32_t seq, const struct em_tc_filter *f,
			  int prog_fd, const char *name)
{
	struct em_netlink_msg m;
	size_t opts;

	em_netlink_begin(&m, buf, cap, EM_RTM_NEWTFILTER,
			 EM_NLM_F_ACK | EM_NLM_F_CREATE | EM_NLM_F_EXCL, seq);
	put_tcmsg(&m, f->ifindex, f->handle, f->parent, filter_info(f));
	em_netlink_put_str(&m, TCA_KIND, "bpf");
	opts = em_netlink_nest(&m, TCA_OPTIONS);
	em_netlink_put_u32(&m, TCA_BPF_FD, (uint32_t)prog_fd);
	em_netlink_put_str(&m, TCA_BPF_NAME, name);
	em_netlink_put_u32(&m, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
	em_netlink_nest_end(&m, opts);
	return em_netlink_end(&m);
}

int em_netlink_filter_del(void *buf, size_t cap, uint32_t seq, const struct em_tc_filter *f)
{
	struct em_netlink_msg m;

	em_netlink_begin(&m, buf, cap, EM_RTM_DELTFILTER, EM_NLM_F_ACK, seq);
	put_tcmsg(&m, f->ifindex, f->handle, f->parent, filter_info(f));
	em_netlink_put_str(&m, TCA_KIND, "bpf");
	return em_netlink_end(&m);
}

int em_netlink_filter_dump(void *buf, size_t cap, uint32_t seq, int ifindex, uint32_t parent)
{
	struct em_netlink_msg m;

	em_netlink_begin(&m, buf, cap, EM_RTM_GETTFILTER, EM_NLM_F_DUMP, seq);
	put_tcmsg(&m, ifindex, 0, parent, 0);
	return em_netlink_end(&m);
}

int em_netlink_xdp(void *buf, size_t cap, uint32_t seq, int ifindex, int prog_fd, uint32_t flags,
		   int expected_fd)
{
	struct em_netlink_msg m;
	struct ifinfo_msg *ifi;
	size_t xdp;

	em_netlink_begin(&m, buf, cap, EM_RTM_SETLINK, EM_NLM_F_ACK, seq);
	ifi = reserve(&m, sizeof(*ifi));
	if (ifi)
		ifi->index = ifindex;
	xdp = em_netlink_nest(&m, IFLA_XDP);
	em_netlink_put_u32(&m, IFLA_XDP_FD, (uint32_t)prog_fd);
	if (expected_fd >= 0) {
		flags |= EM_XDP_FLAGS_REPLACE;
		em_netlink_put_u32(&m, IFLA_XDP_EXPECTED_FD, (uint32_t)expected_fd);
	}
	if (flags)
		em_netlink_put_u32(&m, IFLA_XDP_FLAGS, flags);
	em_netlink_nest_end(&m, xdp);
	return em_netlink_end(&m);
}

/* ---- replies ------------------------------------------------------------------------------------------ */

/* The first attribute of type in [p, p + len) (its data and length), or NULL. */
static const void *find_attr(const unsigned char *p, size_t len, uint16_t type, size_t *out_len)
{
	while (len >= sizeof(struct nl_attr)) {
		struct nl_attr a;

		memcpy(&a, p, sizeof(a));
		if (a.len < sizeof(a) || a.len > len)
			return NULL;
		if ((a.type & NLA_TYPE_MASK) == type) {
			*out_len = a.len - sizeof(a);
			return p + sizeof(a);
		}
		if (ALIGN4(a.len) >= len)
			break;
		p += ALIGN4(a.len);
		len -= ALIGN4(a.len);
	}
	return NULL;
}

/* A string attribute into buf (size bytes, NUL-terminated); false when absent. */
static bool attr_str(const unsigned char *p, size_t len, uint16_t type, char *buf, size_t size)
{
	size_t n;
	const char *s = find_attr(p, len, type, &n);

	if (!s || !size)
		return false;
	n = strnlen(s, n);
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

static bool attr_u32(const unsigned char *p, size_t len, uint16_t type, uint32_t *v)
{
	size_t n;
	const void *d = find_attr(p, len, type, &n);

	if (!d || n < sizeof(*v))
		return false;
	memcpy(v, d, sizeof(*v));
	return true;
}

/* NLMSG_ERROR: the errno (0 for an ack) and the extended ack text. */
static int parse_error(const struct nl_hdr *h, const unsigned char *payload, size_t len,
		       int *err, char *ext, size_t ext_len)
{
	struct nl_hdr orig;
	int32_t code;
	size_t skip;

	if (len < sizeof(code) + sizeof(orig))
		return -EBADMSG;
	memcpy(&code, payload, sizeof(code));
	memcpy(&orig, payload + sizeof(code), sizeof(orig));
	*err = code > 0 ? -code : code;
	if (!(h->flags & NLM_F_ACK_TLVS))
		return 1;
	/* the TLVs follow the request: its header only when capped, else all of it */
	skip = sizeof(code) + ((h->flags & NLM_F_CAPPED) ? sizeof(orig) : ALIGN4(orig.len));
	if (skip > len || skip < sizeof(code) + sizeof(orig))
		return -EBADMSG;
	attr_str(payload + skip, len - skip, NLMSGERR_ATTR_MSG, ext, ext_len);
	return 1;
}

int em_netlink_parse(const void *data, size_t len, uint32_t seq,
		     void (*fn)(void *ctx, uint16_t type, const void *msg, size_t len), void *ctx,
		     int *err, char *ext, size_t ext_len)
{
	const unsigned char *p = data;

	*err = 0;
	if (ext && ext_len)
		ext[0] = '\0';
	while (len >= sizeof(struct nl_hdr)) {
		struct nl_hdr h;
		size_t body;

		memcpy(&h, p, sizeof(h));
		if (h.len < sizeof(h) || h.len > len)
			return -EBADMSG;
		body = h.len - sizeof(h);
		if (h.seq == seq) {
			if (h.type == NLMSG_ERROR)
				return parse_error(&h, p + sizeof(h), body, err, ext, ext_len);
			if (h.type == NLMSG_DONE) {
				/* a dump that failed midway says so with an errno here */
				int32_t code = 0;

				if (body >= sizeof(code))
					memcpy(&code, p + sizeof(h), sizeof(code));
				*err = code > 0 ? -code : code;
				return 1;
			}
			if (h.type != NLMSG_NOOP && fn)
				fn(ctx, h.type, p + sizeof(h), body);
			if (!(h.flags & NLM_F_MULTI))
				return 1; /* a single answer (with NLM_F_ECHO, say) */
		}
		if (ALIGN4(h.len) >= len)
			break;
		p += ALIGN4(h.len);
		len -= ALIGN4(h.len);
	}
	return 0;
}

int em_netlink_parse_filter(const void *msg, size_t len, struct em_tc_filter *f)
{
	const unsigned char *p = msg;
	const unsigned char *opts;
	struct tc_msg t;
	uint32_t flags = 0;
	size_t olen;

	memset(f, 0, sizeof(*f));
	if (len < sizeof(t))
		return -EBADMSG;
	memcpy(&t, p, sizeof(t));
	f->ifindex = t.ifindex;
	f->parent = t.parent;
	f->handle = t.handle;
	f->prio = (uint16_t)(t.info >> 16);
	f->protocol = ntohs((uint16_t)(t.info & 0xffff));
	p += sizeof(t);
	len -= sizeof(t);
	attr_str(p, len, TCA_KIND, f->kind, sizeof(f->kind));
	opts = find_attr(p, len, TCA_OPTIONS, &olen);
	if (opts) {
		attr_u32(opts, olen, TCA_BPF_ID, &f->prog_id);
		attr_str(opts, olen, TCA_BPF_NAME, f->name, sizeof(f->name));
		attr_u32(opts, olen, TCA_BPF_FLAGS, &flags);
		f->direct_action = flags & TCA_BPF_FLAG_ACT_DIRECT;
	}
	return 0;
}
