/* attach_sock.c - socket hooks: filters on a socket, sk_msg/sk_skb programs on a sockmap (L4 link) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "attach_net.h"
#include "ebpfmini/sys.h"
#include "internal.h"
#include "link.h"
#include "sys.h"
#include "uapi_compat.h"

/* <asm-generic/socket.h>, for libc headers that lack the newer ones */
#ifndef SO_ATTACH_BPF
#define SO_ATTACH_BPF 50
#endif
#ifndef SO_DETACH_BPF
#define SO_DETACH_BPF 27 /* SO_DETACH_FILTER */
#endif
#ifndef SO_ATTACH_REUSEPORT_EBPF
#define SO_ATTACH_REUSEPORT_EBPF 52
#endif
#ifndef SO_DETACH_REUSEPORT_BPF
#define SO_DETACH_REUSEPORT_BPF 68
#endif

/*
 * What an attachment without a kernel link keeps in link->priv so that
 * close can undo it: a socket option on fd_a (a duplicate of the socket),
 * or BPF_PROG_DETACH of prog fd_b from map fd_a (duplicates too: the
 * caller may close its own fds first).
 */
struct sock_attachment {
	int fd_a;
	int fd_b;
	int detach; /* the socket option, or the attach type for PROG_DETACH */
	bool prog_detach;
};

static void release_attachment(struct ebpfmini_link *link)
{
	struct sock_attachment *a = link->priv;
	int err, zero = 0;

	if (!a)
		return;
	if (a->prog_detach)
		err = ebpfmini_sys_prog_detach(a->fd_b, a->fd_a, (uint32_t)a->detach);
	else
		err = em_sys_setsockopt(a->fd_a, SOL_SOCKET, a->detach, &zero, sizeof(zero));
	/* -ENOENT: nothing attached any more (another program replaced it) */
	if (err < 0 && err != -ENOENT)
		em_warn("link: detach %s: %s", ebpfmini_link_target(link), strerror(-err));
	em_sys_close(a->fd_a);
	if (a->fd_b >= 0)
		em_sys_close(a->fd_b);
	free(a);
	link->priv = NULL;
}

/*
 * A link object for an attachment the kernel keeps no link for: no fds of
 * its own, only the release hook that undoes a. On -ENOMEM the attachment
 * is undone and a freed.
 */
static int attachment_link(struct sock_attachment *a, const char *target,
			   struct ebpfmini_link **out)
{
	struct ebpfmini_link tmp = { .priv = a };
	int err = em_link_new(EM_LINK_BPF, -1, -1, target, out);

	if (err) {
		tmp.target = (char *)target;
		release_attachment(&tmp);
		return err;
	}
	(*out)->release = release_attachment;
	(*out)->priv = a;
	return 0;
}

/* ---- socket filters ------------------------------------------------------------------ */

EM_EXPORT int ebpfmini_program_attach_socket(struct ebpfmini_program *prog, int sock_fd,
					     struct ebpfmini_link **out)
{
	static const uint32_t types[] = { BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_SK_REUSEPORT };
	struct sock_attachment *a;
	char subject[256], target[64];
	bool reuseport;
	int prog_fd, err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog || sock_fd < 0)
		return -EINVAL;
	reuseport = ebpfmini_program_type(prog) == BPF_PROG_TYPE_SK_REUSEPORT;
	snprintf(target, sizeof(target), "%s socket fd %d",
		 reuseport ? "reuseport group of" : "filter on", sock_fd);
	snprintf(subject, sizeof(subject), "prog '%s': attach as %s", ebpfmini_program_name(prog),
		 target);
	prog_fd = em_attach_net_prog_fd(prog, subject, "a socket", types, 2);
	if (prog_fd < 0)
		return prog_fd;

	a = em_calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->fd_b = -1;
	a->detach = reuseport ? SO_DETACH_REUSEPORT_BPF : SO_DETACH_BPF;
	/* our own reference to the socket, to detach from at close */
	a->fd_a = em_sys_dup(sock_fd);
	if (a->fd_a < 0) {
		err = a->fd_a;
		em_err("%s: %s", subject, strerror(-err));
		free(a);
		return err;
	}
	err = em_sys_setsockopt(a->fd_a, SOL_SOCKET,
				reuseport ? SO_ATTACH_REUSEPORT_EBPF : SO_ATTACH_BPF, &prog_fd,
				sizeof(prog_fd));
	if (err < 0) {
		em_err("%s: setsockopt %s: %s%s", subject,
		       reuseport ? "SO_ATTACH_REUSEPORT_EBPF" : "SO_ATTACH_BPF", strerror(-err),
		       err == -ENOTSOCK		   ? " (the fd is not a socket)" :
		       err == -EINVAL && reuseport ? " (the socket needs SO_REUSEPORT set before bind)" :
						     "");
		em_sys_close(a->fd_a);
		free(a);
		return err;
	}
	return attachment_link(a, target, out);
}

/* ---- sockmap and sockhash ------------------------------------------------------------------ */

/* The sockmap hook of prog (its expected attach type), or -EINVAL logged. */
static int sockmap_attach_type(const struct ebpfmini_program *prog, const char *subject,
			       const char **name)
{
	uint32_t eat = ebpfmini_program_expected_attach_type(prog);

	if (ebpfmini_program_type(prog) == BPF_PROG_TYPE_SK_MSG) {
		*name = "sk_msg";
		return BPF_SK_MSG_VERDICT;
	}
	switch (eat) {
	case BPF_SK_SKB_STREAM_PARSER:
		*name = "sk_skb/stream_parser";
		return (int)eat;
	case BPF_SK_SKB_STREAM_VERDICT:
		*name = "sk_skb/stream_verdict";
		return (int)eat;
	case BPF_SK_SKB_VERDICT:
		*name = "sk_skb/verdict";
		return (int)eat;
	default:
		em_err("%s: SEC '%s' does not say which sk_skb hook: name it sk_skb/stream_parser, "
		       "sk_skb/stream_verdict or sk_skb/verdict, or set the expected attach type "
		       "before load",
		       subject, ebpfmini_program_section(prog));
		return -EINVAL;
	}
}

static const char *sockmap_hint(int err)
{
	return err == -EBUSY ? " (the map has a program on this hook already)" : "";
}

EM_EXPORT int ebpfmini_program_attach_sockmap(struct ebpfmini_program *prog, int map_fd,
					      struct ebpfmini_link **out)
{
	static const uint32_t types[] = { BPF_PROG_TYPE_SK_MSG, BPF_PROG_TYPE_SK_SKB };
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	char subject[256], target[128];
	const char *hook = "", *kind;
	int prog_fd, type, fd, err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!prog || map_fd < 0)
		return -EINVAL;
	snprintf(subject, sizeof(subject), "prog '%s': attach to map fd %d",
		 ebpfmini_program_name(prog), map_fd);
	memset(&info, 0, sizeof(info));
	err = ebpfmini_sys_obj_get_info(map_fd, &info, &len);
	if (err < 0) {
		em_err("%s: not a map: %s", subject, strerror(-err));
		return err == -EBADF ? -EBADF : -EINVAL;
	}
	if (info.type != BPF_MAP_TYPE_SOCKMAP && info.type != BPF_MAP_TYPE_SOCKHASH) {
		const char *mt = ebpfmini_sys_map_type_name(info.type);

		em_err("%s: map '%s' is a %s, not a sockmap or sockhash", subject, info.name,
		       mt ? mt : "map of an unknown type");
		return -EINVAL;
	}
	kind = info.type == BPF_MAP_TYPE_SOCKMAP ? "sockmap" : "sockhash";
	snprintf(subject, sizeof(subject), "prog '%s': attach to %s '%s'",
		 ebpfmini_program_name(prog), kind, info.name);
	prog_fd = em_attach_net_prog_fd(prog, subject, "a sockmap", types, 2);
	if (prog_fd < 0)
		return prog_fd;
	type = sockmap_attach_type(prog, subject, &hook);
	if (type < 0)
		return type;
	snprintf(target, sizeof(target), "%s %s '%s'", hook, kind, info.name);
	snprintf(subject, sizeof(subject), "prog '%s': attach %s", ebpfmini_program_name(prog),
		 target);

	/* kernels >= 6.10: a sockmap link */
	fd = ebpfmini_sys_link_create(prog_fd, map_fd, (uint32_t)type, NULL);
	if (fd >= 0)
		return em_link_new(EM_LINK_BPF, fd, -1, target, out);
	if (fd != -EINVAL && fd != -EOPNOTSUPP && fd != -EM_ENOTSUPP) {
		em_err("%s: BPF_LINK_CREATE: %s%s", subject, strerror(-fd), sockmap_hint(fd));
		return fd;
	}
	/* older kernels: attach to the map itself */
	em_debug("%s: no sockmap link (%s): using BPF_PROG_ATTACH", subject, em_errno_name(-fd));
	return em_attach_sock_prog_attach(prog_fd, map_fd, (uint32_t)type, 0, subject, target,
					  sockmap_hint, out);
}

int em_attach_sock_prog_attach(int prog_fd, int target_fd, uint32_t attach_type, uint32_t flags,
			       const char *subject, const char *target,
			       const char *(*hint)(int err), struct ebpfmini_link **out)
{
	struct ebpfmini_sys_prog_attach_opts ao = { .sz = sizeof(ao), .flags = flags };
	struct sock_attachment *a;
	int err;

	*out = NULL;
	a = em_calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->prog_detach = true;
	a->detach = (int)attach_type;
	/* our own references: the caller may close its fds before the link */
	a->fd_a = em_sys_dup(target_fd);
	a->fd_b = a->fd_a < 0 ? -1 : em_sys_dup(prog_fd);
	if (a->fd_a < 0 || a->fd_b < 0) {
		err = a->fd_a < 0 ? a->fd_a : a->fd_b;
		em_err("%s: duplicating an fd: %s", subject, strerror(-err));
		goto fail;
	}
	err = ebpfmini_sys_prog_attach(prog_fd, target_fd, attach_type, &ao);
	if (err < 0) {
		em_err("%s: BPF_PROG_ATTACH: %s%s", subject, strerror(-err), hint ? hint(err) : "");
		goto fail;
	}
	return attachment_link(a, target, out);
fail:
	if (a->fd_a >= 0)
		em_sys_close(a->fd_a);
	if (a->fd_b >= 0)
		em_sys_close(a->fd_b);
	free(a);
	return err;
}
