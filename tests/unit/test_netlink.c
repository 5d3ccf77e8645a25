/* test_netlink.c - unit tests of the rtnetlink messages of the TC and XDP fallbacks (lib/link/netlink.c) */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netlink.h"

/* Wire layouts, written out again here so that the test checks the library's */
struct hdr {
	uint32_t len;
	uint16_t type, flags;
	uint32_t seq, pid;
};
struct tcm {
	uint8_t family, pad1;
	uint16_t pad2;
	int32_t ifindex;
	uint32_t handle, parent, info;
};

static uint32_t u32_at(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t u16_at(const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

/* The attribute at p: checks its length and type, returns its data. */
static const unsigned char *attr(const unsigned char *p, uint16_t len, uint16_t type)
{
	assert_int_equal(u16_at(p), len);
	assert_int_equal(u16_at(p + 2), type);
	return p + 4;
}

static void test_clsact(void **state)
{
	unsigned char buf[128];
	struct hdr h;
	struct tcm t;
	int len;

	(void)state;
	len = em_netlink_clsact(buf, sizeof(buf), 5, 3, true);
	assert_int_equal(len, 16 + 20 + 12); /* header, tcmsg, "clsact\0" padded */
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.len, len);
	assert_int_equal(h.type, 36); /* RTM_NEWQDISC */
	assert_int_equal(h.flags, 0x1 | 0x4 | 0x400 | 0x200);
	assert_int_equal(h.seq, 5);
	memcpy(&t, buf + 16, sizeof(t));
	assert_int_equal(t.ifindex, 3);
	assert_int_equal(t.handle, 0xffff0000);
	assert_int_equal(t.parent, 0xfffffff1);
	assert_string_equal((const char *)attr(buf + 36, 11, 1), "clsact");
	len = em_netlink_clsact(buf, sizeof(buf), 6, 3, false);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.type, 37); /* RTM_DELQDISC */
	assert_int_equal(h.flags, 0x1 | 0x4);
}

static void test_filter_add(void **state)
{
	const struct em_tc_filter f = { .ifindex = 2, .parent = EM_TC_H_EGRESS, .prio = 7,
					.protocol = EM_ETH_P_ALL, .handle = 1 };
	unsigned char buf[256];
	const unsigned char *o;
	struct hdr h;
	struct tcm t;
	int len;

	(void)state;
	len = em_netlink_filter_add(buf, sizeof(buf), 9, &f, 42, "snat");
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.len, len);
	assert_int_equal(h.type, 44); /* RTM_NEWTFILTER */
	assert_int_equal(h.flags, 0x1 | 0x4 | 0x400 | 0x200);
	memcpy(&t, buf + 16, sizeof(t));
	assert_int_equal(t.ifindex, 2);
	assert_int_equal(t.parent, 0xfffffff3);
	assert_int_equal(t.handle, 1);
	assert_int_equal(t.info, (7u << 16) | htons(0x0003));
	assert_string_equal((const char *)attr(buf + 36, 8, 1), "bpf");
	/* TCA_OPTIONS, nested: TCA_BPF_FD, TCA_BPF_NAME, TCA_BPF_FLAGS (direct action) */
	o = attr(buf + 44, 4 + 8 + 12 + 8, 2 | 0x8000);
	assert_int_equal(u32_at(attr(o, 8, 6)), 42);
	assert_string_equal((const char *)attr(o + 8, 9, 7), "snat");
	assert_int_equal(u32_at(attr(o + 20, 8, 8)), 1);
	assert_int_equal(len, 44 + 4 + 8 + 12 + 8);

	len = em_netlink_filter_del(buf, sizeof(buf), 10, &f);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.type, 45);
	assert_int_equal(h.flags, 0x1 | 0x4);
	assert_int_equal(len, 44);
	len = em_netlink_filter_dump(buf, sizeof(buf), 11, 2, EM_TC_H_INGRESS);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.type, 46);
	assert_int_equal(h.flags, 0x1 | 0x300);
	memcpy(&t, buf + 16, sizeof(t));
	assert_int_equal(t.parent, 0xfffffff2);
	assert_int_equal(len, 36);
}

static void test_xdp(void **state)
{
	unsigned char buf[128];
	const unsigned char *x;
	struct hdr h;
	int len;

	(void)state;
	/* attach: fd and flags */
	len = em_netlink_xdp(buf, sizeof(buf), 1, 4, 33, EM_XDP_FLAGS_SKB_MODE | EM_XDP_FLAGS_UPDATE_IF_NOEXIST, -1);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.type, 19); /* RTM_SETLINK */
	assert_int_equal(u32_at(buf + 16 + 4), 4); /* ifinfomsg.ifi_index */
	x = attr(buf + 32, 4 + 8 + 8, 43 | 0x8000);
	assert_int_equal(u32_at(attr(x, 8, 1)), 33);
	assert_int_equal(u32_at(attr(x + 8, 8, 3)), 3);
	assert_int_equal(len, 32 + 20);
	/* detach of exactly our program: fd -1, REPLACE and the expected fd */
	len = em_netlink_xdp(buf, sizeof(buf), 2, 4, -1, EM_XDP_FLAGS_DRV_MODE, 33);
	x = attr(buf + 32, 4 + 8 + 8 + 8, 43 | 0x8000);
	assert_int_equal((int32_t)u32_at(attr(x, 8, 1)), -1);
	assert_int_equal(u32_at(attr(x + 8, 8, 8)), 33);
	assert_int_equal(u32_at(attr(x + 16, 8, 3)), EM_XDP_FLAGS_DRV_MODE | EM_XDP_FLAGS_REPLACE);
	assert_int_equal(len, 32 + 28);
}

static void test_too_small(void **state)
{
	const struct em_tc_filter f = { .prio = 1, .handle = 1 };
	unsigned char buf[64];

	(void)state;
	assert_int_equal(em_netlink_filter_add(buf, sizeof(buf), 1, &f, 3, "x"), -E2BIG);
	assert_int_equal(em_netlink_clsact(buf, 20, 1, 1, true), -E2BIG);
	assert_int_equal(em_netlink_xdp(buf, 10, 1, 1, 3, 0, -1), -E2BIG);
}

/* ---- replies ---- */

/* An NLMSG_ERROR for seq: err, the request's header (capped) or the whole
 * request, and an extended ack text when ext is not NULL. Its length. */
static size_t error_reply(unsigned char *buf, uint32_t seq, int32_t err, bool capped,
			  const char *ext)
{
	unsigned char req[64];
	int req_len = em_netlink_clsact(req, sizeof(req), seq, 1, true);
	struct hdr h = { .type = 2, .seq = seq };
	size_t off = 16;

	memcpy(buf + off, &err, 4);
	off += 4;
	memcpy(buf + off, req, capped ? 16 : (size_t)req_len);
	off += capped ? 16 : (size_t)req_len;
	if (ext) {
		uint16_t alen = (uint16_t)(4 + strlen(ext) + 1), type = 1;

		memcpy(buf + off, &alen, 2);
		memcpy(buf + off + 2, &type, 2);
		memcpy(buf + off + 4, ext, strlen(ext) + 1);
		off += (alen + 3u) & ~3u;
		h.flags |= 0x200; /* NLM_F_ACK_TLVS */
	}
	if (capped)
		h.flags |= 0x100;
	h.len = (uint32_t)off;
	memcpy(buf, &h, sizeof(h));
	return off;
}

static void test_parse_errors(void **state)
{
	unsigned char buf[512];
	char ext[64];
	size_t len;
	int err = 1;

	(void)state;
	/* an ack */
	len = error_reply(buf, 3, 0, true, NULL);
	assert_int_equal(em_netlink_parse(buf, len, 3, NULL, NULL, &err, ext, sizeof(ext)), 1);
	assert_int_equal(err, 0);
	assert_string_equal(ext, "");
	/* an error with the kernel's reason, capped and not */
	len = error_reply(buf, 4, -EBUSY, true, "XDP program already attached.");
	assert_int_equal(em_netlink_parse(buf, len, 4, NULL, NULL, &err, ext, sizeof(ext)), 1);
	assert_int_equal(err, -EBUSY);
	assert_string_equal(ext, "XDP program already attached.");
	len = error_reply(buf, 5, -ENOENT, false, "Specified qdisc kind is unknown");
	assert_int_equal(em_netlink_parse(buf, len, 5, NULL, NULL, &err, ext, sizeof(ext)), 1);
	assert_int_equal(err, -ENOENT);
	assert_string_equal(ext, "Specified qdisc kind is unknown");
	/* a long text is cut to the buffer */
	assert_int_equal(em_netlink_parse(buf, len, 5, NULL, NULL, &err, ext, 8), 1);
	assert_string_equal(ext, "Specifi");
	/* another request's reply is not ours */
	assert_int_equal(em_netlink_parse(buf, len, 6, NULL, NULL, &err, ext, sizeof(ext)), 0);
	/* malformed: longer than what arrived, or an error too short for its header */
	assert_int_equal(em_netlink_parse(buf, len - 4, 5, NULL, NULL, &err, ext, sizeof(ext)),
			 -EBADMSG);
	len = error_reply(buf, 7, -EPERM, true, NULL);
	((struct hdr *)buf)->len = 24;
	assert_int_equal(em_netlink_parse(buf, 24, 7, NULL, NULL, &err, ext, sizeof(ext)), -EBADMSG);
	/* NLM_F_ACK_TLVS whose request length points past the message */
	len = error_reply(buf, 8, -EPERM, false, "x");
	memcpy(buf + 20, &(uint32_t){ 400 }, 4);
	assert_int_equal(em_netlink_parse(buf, len, 8, NULL, NULL, &err, ext, sizeof(ext)), -EBADMSG);
}

struct seen {
	struct em_tc_filter f[4];
	int n;
};

static void on_msg(void *ctx, uint16_t type, const void *msg, size_t len)
{
	struct seen *s = ctx;

	assert_int_equal(type, EM_RTM_NEWTFILTER);
	assert_int_equal(em_netlink_parse_filter(msg, len, &s->f[s->n++]), 0);
}

/* One dump entry as the kernel sends it: NEWTFILTER, NLM_F_MULTI, tcmsg, kind, options. */
static size_t dump_entry(unsigned char *buf, uint32_t seq, uint16_t prio, uint32_t handle,
			 uint32_t id, const char *name)
{
	const struct em_tc_filter f = { .ifindex = 1, .parent = EM_TC_H_EGRESS, .prio = prio,
					.protocol = EM_ETH_P_ALL, .handle = handle };
	struct em_netlink_msg m;
	unsigned char tmp[256];
	size_t opts;
	int len = em_netlink_filter_del(tmp, sizeof(tmp), seq, &f); /* header, tcmsg, kind */

	assert_true(len > 0);
	em_netlink_begin(&m, buf, 256, EM_RTM_NEWTFILTER, 0x2, seq);
	memcpy(buf + 16, tmp + 16, (size_t)len - 16);
	m.len = (size_t)len;
	opts = em_netlink_nest(&m, 2);
	em_netlink_put_u32(&m, 11, id);
	em_netlink_put_str(&m, 7, name);
	em_netlink_put_u32(&m, 8, 1);
	em_netlink_nest_end(&m, opts);
	len = em_netlink_end(&m);
	assert_true(len > 0);
	((struct hdr *)buf)->flags = 0x2; /* a reply: NLM_F_MULTI, no NLM_F_REQUEST */
	return (size_t)len;
}

static void test_parse_dump(void **state)
{
	unsigned char buf[1024];
	struct seen s = { .n = 0 };
	struct hdr done = { .len = 20, .type = 3, .flags = 0x2, .seq = 12 };
	size_t len = 0;
	int err = 1;

	(void)state;
	len += dump_entry(buf + len, 12, 1, 1, 77, "tc_count");
	len += dump_entry(buf + len, 99, 5, 1, 78, "someone_else"); /* another request's */
	len += dump_entry(buf + len, 12, 2, 1, 79, "tc_rewrite");
	/* more to come: the dump is not done yet */
	assert_int_equal(em_netlink_parse(buf, len, 12, on_msg, &s, &err, NULL, 0), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.f[0].prio, 1);
	assert_int_equal(s.f[0].handle, 1);
	assert_int_equal(s.f[0].protocol, EM_ETH_P_ALL);
	assert_int_equal(s.f[0].parent, EM_TC_H_EGRESS);
	assert_string_equal(s.f[0].kind, "bpf");
	assert_int_equal(s.f[0].prog_id, 77);
	assert_string_equal(s.f[0].name, "tc_count");
	assert_true(s.f[0].direct_action);
	assert_int_equal(s.f[1].prio, 2);
	assert_int_equal(s.f[1].prog_id, 79);
	/* NLMSG_DONE ends it (with the errno of a dump that failed midway) */
	memcpy(buf, &done, 16);
	memset(buf + 16, 0, 4);
	assert_int_equal(em_netlink_parse(buf, 20, 12, on_msg, &s, &err, NULL, 0), 1);
	assert_int_equal(err, 0);
	memcpy(buf + 16, &(int32_t){ -EINTR }, 4);
	assert_int_equal(em_netlink_parse(buf, 20, 12, on_msg, &s, &err, NULL, 0), 1);
	assert_int_equal(err, -EINTR);
	/* a filter entry too short for its tcmsg */
	assert_int_equal(em_netlink_parse_filter(buf, 10, &s.f[3]), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clsact),       cmocka_unit_test(test_filter_add),
		cmocka_unit_test(test_xdp),          cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_parse_errors), cmocka_unit_test(test_parse_dump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
