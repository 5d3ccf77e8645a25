/* cmd_net.c - ebpfmini net list/attach/detach: XDP, tcx and cls_bpf programs per interface */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ebpfmini/ebpfmini.h>

#include "attach_net.h"  /* the rtnetlink round trip */
#include "netlink.h"     /* XDP requests, filter dumps */
#include "uapi_compat.h" /* BPF_TCX_* on old headers */
#include "tool.h"

/* <linux/rtnetlink.h> and <linux/if_link.h> values (those headers clash with <net/if.h>) */
#define IFLA_IFNAME 3
#define IFLA_XDP 43
#define IFLA_XDP_ATTACHED 2
#define IFLA_XDP_PROG_ID 4
#define IFLA_XDP_DRV_PROG_ID 5
#define IFLA_XDP_SKB_PROG_ID 6
#define IFLA_XDP_HW_PROG_ID 7
#define NLMSG_HDRLEN 16
#define IFINFO_LEN 16

struct xdp_prog {
	int ifindex;
	char dev[IF_NAMESIZE];
	const char *mode;
	uint32_t id;
};

struct xdp_list {
	struct xdp_prog items[256];
	size_t n;
};

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* The attributes of [p, p + len): fn(type, data, data length) for each. */
static void attrs(const unsigned char *p, size_t len,
		  void (*fn)(void *ctx, uint16_t type, const unsigned char *d, size_t n), void *ctx)
{
	while (len >= 4) {
		uint16_t alen, type;

		memcpy(&alen, p, 2);
		memcpy(&type, p + 2, 2);
		if (alen < 4 || alen > len)
			return;
		fn(ctx, type & 0x3fff, p + 4, alen - 4u);
		alen = (uint16_t)((alen + 3u) & ~3u);
		if (alen >= len)
			return;
		p += alen;
		len -= alen;
	}
}

struct link_msg {
	struct xdp_list *l;
	int ifindex;
	char dev[IF_NAMESIZE];
	uint8_t attached;
	uint32_t ids[4]; /* any, drv, skb, hw */
};

static void xdp_attr(void *ctx, uint16_t type, const unsigned char *d, size_t n)
{
	struct link_msg *m = ctx;

	if (type == IFLA_XDP_ATTACHED && n >= 1)
		m->attached = d[0];
	else if (type >= IFLA_XDP_PROG_ID && type <= IFLA_XDP_HW_PROG_ID && n >= 4)
		m->ids[type - IFLA_XDP_PROG_ID] = get32(d);
}

static void link_attr(void *ctx, uint16_t type, const unsigned char *d, size_t n)
{
	struct link_msg *m = ctx;

	if (type == IFLA_IFNAME)
		snprintf(m->dev, sizeof(m->dev), "%.*s", (int)n, (const char *)d);
	else if (type == IFLA_XDP)
		attrs(d, n, xdp_attr, m);
}

/* One RTM_NEWLINK of the dump: the XDP programs of its interface. */
static void collect_link(void *ctx, uint16_t type, const void *msg, size_t len)
{
	static const char *const modes[] = { "xdp", "xdpdrv", "xdpgeneric", "xdpoffload" };
	struct link_msg m = { .l = ctx };

	if (type != EM_RTM_NEWLINK || len < IFINFO_LEN)
		return;
	memcpy(&m.ifindex, (const unsigned char *)msg + 4, 4);
	attrs((const unsigned char *)msg + IFINFO_LEN, len - IFINFO_LEN, link_attr, &m);
	if (!m.attached)
		return;
	/* XDP_ATTACHED_MULTI (4): one id per mode; else the one id, in the attached mode */
	for (int i = 0; i < 4; i++) {
		struct xdp_prog *x;
		uint32_t id = m.attached == 4 ? (i ? m.ids[i] : 0) : (i ? 0 : m.ids[0]);

		if (!id || m.l->n == sizeof(m.l->items) / sizeof(m.l->items[0]))
			continue;
		x = &m.l->items[m.l->n++];
		x->ifindex = m.ifindex;
		snprintf(x->dev, sizeof(x->dev), "%s", m.dev);
		x->id = id;
		x->mode = m.attached == 4 ? modes[i] :
			  m.attached == 1 ? "xdpdrv" :
			  m.attached == 2 ? "xdpgeneric" :
					    "xdpoffload";
	}
}

static int xdp_dump(int fd, struct xdp_list *l, char *ext, size_t ext_len)
{
	unsigned char req[NLMSG_HDRLEN + IFINFO_LEN] = { 0 };
	struct em_netlink_msg m;
	uint32_t seq = em_attach_tc_seq();

	em_netlink_begin(&m, req, sizeof(req), EM_RTM_GETLINK, EM_NLM_F_DUMP, seq);
	m.len += IFINFO_LEN; /* struct ifinfomsg, all zero: every interface */
	return em_attach_tc_nl_talk(fd, seq, req, em_netlink_end(&m), collect_link, l, ext,
				    ext_len);
}

static void tc_entry(const char *dev, int ifindex, const char *kind, uint32_t id,
		     const char *name, const struct em_tc_filter *f)
{
	char pname[32];

	if (!name)
		name = tool_prog_name(id, pname, sizeof(pname));
	if (tool_json) {
		json_open(tool_json, NULL);
		json_str(tool_json, "devname", dev);
		json_int(tool_json, "ifindex", ifindex);
		json_str(tool_json, "kind", kind);
		json_str(tool_json, "name", name);
		json_uint(tool_json, "prog_id", id);
		if (f) {
			json_uint(tool_json, "prio", f->prio);
			json_uint(tool_json, "handle", f->handle);
			json_bool(tool_json, "direct_action", f->direct_action);
		}
		json_close(tool_json);
		return;
	}
	printf("%s(%d) %s %s prog_id %u", dev, ifindex, kind, name, id);
	if (f)
		printf(" prio %u handle 0x%x%s", f->prio, f->handle, f->direct_action ? " da" : "");
	printf("\n");
}

/* The tcx programs and cls_bpf filters of one interface. */
static void tc_list(int nl, const char *dev, int ifindex)
{
	for (int egress = 0; egress < 2; egress++) {
		struct ebpfmini_sys_prog_query_opts q = { .sz = sizeof(q) };
		struct em_tc_filter_list l;
		uint32_t ids[64];
		char kind[32], ext[256];

		q.prog_ids = ids;
		q.prog_cnt = 64;
		snprintf(kind, sizeof(kind), "tcx/%s", egress ? "egress" : "ingress");
		/* a kernel without tcx (< 6.6) answers EINVAL: nothing there */
		if (!ebpfmini_sys_prog_query(ifindex, egress ? BPF_TCX_EGRESS : BPF_TCX_INGRESS, &q))
			for (uint32_t i = 0; i < q.prog_cnt && i < 64; i++)
				tc_entry(dev, ifindex, kind, ids[i], NULL, NULL);
		snprintf(kind, sizeof(kind), "clsact/%s", egress ? "egress" : "ingress");
		if (nl < 0 || em_attach_tc_filters(nl, ifindex, egress ? EM_TC_H_EGRESS : EM_TC_H_INGRESS,
						   &l, ext, sizeof(ext)))
			continue;
		for (size_t i = 0; i < l.n; i++)
			if (!strcmp(l.items[i].kind, "bpf"))
				tc_entry(dev, ifindex, kind, l.items[i].prog_id, l.items[i].name,
					 &l.items[i]);
		free(l.items);
	}
}

/* net list [dev IF] */
int cmd_net_list(int argc, char **argv)
{
	struct xdp_list *xdp;
	struct if_nameindex *ifs;
	char ext[256];
	int only = 0, nl, err;

	if (tool_help(argc, argv, "net"))
		return 0;
	if (argc == 3 && !strcmp(argv[1], "dev")) {
		only = (int)if_nametoindex(argv[2]);
		if (!only)
			return tool_error("net list: no interface '%s' here", argv[2]);
	} else if (argc != 1) {
		return tool_bad_args("net", argv[1]);
	}
	if (tool_need_bpf("net list"))
		return 1;
	nl = em_attach_tc_nl_open("net list");
	if (nl < 0)
		return tool_explain("rtnetlink", nl, -1, NULL);
	xdp = calloc(1, sizeof(*xdp));
	ifs = if_nameindex();
	if (!xdp || !ifs) {
		free(xdp);
		close(nl);
		return tool_error("out of memory");
	}
	err = xdp_dump(nl, xdp, ext, sizeof(ext));
	if (err)
		tool_error("net list: RTM_GETLINK: %s%s%s", strerror(-err), ext[0] ? ": " : "", ext);
	if (tool_json) {
		json_open_array(tool_json, NULL);
		json_open(tool_json, NULL);
		json_open_array(tool_json, "xdp");
	} else {
		printf("xdp:\n");
	}
	for (size_t i = 0; i < xdp->n; i++) {
		struct xdp_prog *x = &xdp->items[i];
		char pname[32];

		if (only && x->ifindex != only)
			continue;
		tool_prog_name(x->id, pname, sizeof(pname));
		if (tool_json) {
			json_open(tool_json, NULL);
			json_str(tool_json, "devname", x->dev);
			json_int(tool_json, "ifindex", x->ifindex);
			json_str(tool_json, "mode", x->mode + 3);
			json_uint(tool_json, "id", x->id);
			json_str(tool_json, "name", pname);
			json_close(tool_json);
		} else {
			printf("%s(%d) %s %s prog_id %u\n", x->dev, x->ifindex, x->mode, pname,
			       x->id);
		}
	}
	if (tool_json) {
		json_close_array(tool_json);
		json_open_array(tool_json, "tc");
	} else {
		printf("\ntc:\n");
	}
	for (struct if_nameindex *i = ifs; i->if_index; i++)
		if (!only || (int)i->if_index == only)
			tc_list(nl, i->if_name, (int)i->if_index);
	if (tool_json) {
		json_close_array(tool_json);
		json_close(tool_json);
		json_close_array(tool_json);
	}
	if_freenameindex(ifs);
	free(xdp);
	close(nl);
	return err ? 1 : 0;
}

static const struct {
	const char *name;
	uint32_t xdp_flags; /* 0: a tcx attach type */
	uint32_t attach_type;
} hooks[] = {
	{ "xdp", EM_XDP_FLAGS_UPDATE_IF_NOEXIST, 0 },
	{ "xdpgeneric", EM_XDP_FLAGS_UPDATE_IF_NOEXIST | EM_XDP_FLAGS_SKB_MODE, 0 },
	{ "xdpdrv", EM_XDP_FLAGS_UPDATE_IF_NOEXIST | EM_XDP_FLAGS_DRV_MODE, 0 },
	{ "xdpoffload", EM_XDP_FLAGS_UPDATE_IF_NOEXIST | EM_XDP_FLAGS_HW_MODE, 0 },
	{ "tcx_ingress", 0, BPF_TCX_INGRESS },
	{ "tcx_egress", 0, BPF_TCX_EGRESS },
};

static int xdp_set(int ifindex, int prog_fd, uint32_t flags)
{
	unsigned char req[256];
	char ext[256];
	uint32_t seq = em_attach_tc_seq();
	int nl = em_attach_tc_nl_open("net"), err;

	if (nl < 0)
		return tool_explain("rtnetlink", nl, -1, NULL);
	err = em_attach_tc_nl_talk(nl, seq, req,
				   em_netlink_xdp(req, sizeof(req), seq, ifindex, prog_fd, flags, -1),
				   NULL, NULL, ext, sizeof(ext));
	close(nl);
	if (err == -EBUSY || err == -EEXIST)
		return tool_error("net attach: the interface has an XDP program already (net "
				  "detach, or add overwrite)");
	if (err)
		return tool_error("net %s: %s%s%s", prog_fd < 0 ? "detach" : "attach",
				  strerror(-err), ext[0] ? ": " : "", ext);
	return 0;
}

/* net attach HOOK PROG dev IF [overwrite], net detach HOOK dev IF [PROG: tcx] */
int cmd_net_attach(int argc, char **argv)
{
	bool attach = !strcmp(argv[0], "attach"), overwrite = false;
	int hook = -1, prog = -1, used = 0, i = 2, ifindex = 0, err;

	if (tool_help(argc, argv, "net"))
		return 0;
	if (argc < 2)
		return tool_bad_args("net", NULL);
	for (size_t h = 0; h < sizeof(hooks) / sizeof(hooks[0]); h++)
		if (!strcmp(argv[1], hooks[h].name))
			hook = (int)h;
	if (hook < 0)
		return tool_error("net %s: '%s' is not xdp, xdpgeneric, xdpdrv, xdpoffload, "
				  "tcx_ingress or tcx_egress",
				  argv[0], argv[1]) + 1;
	while (i < argc) {
		if (!strcmp(argv[i], "dev") && i + 1 < argc) {
			ifindex = (int)if_nametoindex(argv[i + 1]);
			if (!ifindex) {
				err = tool_error("net %s: no interface '%s' here", argv[0], argv[i + 1]);
				goto out;
			}
			i += 2;
		} else if (attach && !strcmp(argv[i], "overwrite")) {
			overwrite = true;
			i++;
		} else if (prog < 0 && (attach || !hooks[hook].xdp_flags)) {
			prog = tool_select_one(TOOL_PROG, argc - i, argv + i, &used);
			if (prog < 0)
				return 1;
			i += used;
		} else {
			err = tool_bad_args("net", argv[i]);
			goto out;
		}
	}
	if (!ifindex || (attach && prog < 0)) {
		err = tool_bad_args("net", NULL);
		goto out;
	}
	if (hooks[hook].xdp_flags) {
		uint32_t flags = hooks[hook].xdp_flags;

		if (overwrite || !attach)
			flags &= ~EM_XDP_FLAGS_UPDATE_IF_NOEXIST;
		err = xdp_set(ifindex, attach ? prog : -1, flags);
	} else if (attach) {
		err = ebpfmini_sys_prog_attach(prog, ifindex, hooks[hook].attach_type, NULL);
		if (err)
			err = tool_explain("net attach", err, BPF_PROG_ATTACH, NULL);
	} else {
		/* without PROG: every program attached there (not those of links) */
		struct ebpfmini_sys_prog_query_opts q = { .sz = sizeof(q) };
		uint32_t ids[64];

		q.prog_ids = ids;
		q.prog_cnt = 64;
		err = prog >= 0 ? 0 : ebpfmini_sys_prog_query(ifindex, hooks[hook].attach_type, &q);
		for (uint32_t k = 0; !err && k < (prog >= 0 ? 1 : q.prog_cnt); k++) {
			int fd = prog >= 0 ? prog : ebpfmini_sys_prog_get_fd_by_id(ids[k]);

			err = fd < 0 ? fd : ebpfmini_sys_prog_detach(fd, ifindex,
								    hooks[hook].attach_type);
			if (fd >= 0 && fd != prog)
				close(fd);
		}
		if (err)
			err = tool_explain("net detach", err, BPF_PROG_DETACH, NULL);
	}
	if (!err && tool_json)
		printf("null\n");
out:
	if (prog >= 0)
		close(prog);
	return err;
}
