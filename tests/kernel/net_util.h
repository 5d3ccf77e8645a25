/* net_util.h - a private network namespace, loopback UDP/TCP and a bpffs for the attach tests */
#ifndef EBPFMINI_TEST_NET_UTIL_H
#define EBPFMINI_TEST_NET_UTIL_H

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SO_NO_CHECK
#define SO_NO_CHECK 11
#endif

/* Set when the group cannot run; each test then skips with it. */
static char net_skip_reason[256];

/* Bring lo of the current network namespace up (a new namespace has it down). */
static inline int net_lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		err = -errno;
	} else {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			err = -errno;
	}
	close(fd);
	return err;
}

/*
 * Move this process into a network namespace of its own with lo up, and, when
 * private_mounts, a mount namespace whose mounts do not propagate back (for a
 * bpffs of the test's own). Nothing is left behind: both go with the process.
 * Fills net_skip_reason when it cannot.
 */
static inline void net_enter_private_ns(bool private_mounts)
{
	if (geteuid() != 0) {
		snprintf(net_skip_reason, sizeof(net_skip_reason),
			 "needs root (CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN)");
		return;
	}
	if (unshare(CLONE_NEWNET | (private_mounts ? CLONE_NEWNS : 0)) ||
	    (private_mounts && mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL))) {
		snprintf(net_skip_reason, sizeof(net_skip_reason),
			 "cannot make a private network namespace: %s", strerror(errno));
		return;
	}
	if (net_lo_up() < 0)
		snprintf(net_skip_reason, sizeof(net_skip_reason), "cannot bring lo up");
}

static inline int net_skip_setup(void **state)
{
	(void)state;
	if (net_skip_reason[0]) {
		print_message("skipped: %s\n", net_skip_reason);
		skip();
	}
	return 0;
}

static inline struct sockaddr_in net_addr(const char *ip, uint16_t port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, ip, &a.sin_addr), 1);
	return a;
}

static inline uint16_t net_local_port(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	return ntohs(a.sin_port);
}

/* A socket of type bound to 127.0.0.1:port (0: any free port, see net_local_port). */
static inline int net_bound(int type, uint16_t port)
{
	struct sockaddr_in a = net_addr("127.0.0.1", port);
	int one = 1, fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 8), 0);
	return fd;
}

/* Send count UDP datagrams of text to ip:port, without UDP checksum (so a rewrite keeps them valid). */
static inline void net_udp_send(const char *ip, uint16_t port, const char *text, int count)
{
	struct sockaddr_in a = net_addr(ip, port);
	int one = 1, fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_NO_CHECK, &one, sizeof(one)), 0);
	for (int i = 0; i < count; i++)
		assert_int_equal(sendto(fd, text, strlen(text), 0, (struct sockaddr *)&a, sizeof(a)),
				 (ssize_t)strlen(text));
	close(fd);
}

/* Receive one datagram into buf within timeout_ms: its length, or -1 on timeout. */
static inline int net_recv(int fd, char *buf, size_t size, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, timeout_ms) != 1)
		return -1;
	n = recv(fd, buf, size - 1, MSG_DONTWAIT);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

/* How many datagrams arrive before timeout_ms of silence. */
static inline int net_drain(int fd, int timeout_ms)
{
	char buf[2048];
	int n = 0;

	while (net_recv(fd, buf, sizeof(buf), timeout_ms) >= 0)
		n++;
	return n;
}

/* ---- a bpffs of the test's own (needs the private mount namespace) ---- */

static char net_bpffs[64];

static inline int net_mount_bpffs(void)
{
	strcpy(net_bpffs, "/tmp/ebpfmini-bpffs-XXXXXX");
	if (!mkdtemp(net_bpffs))
		return -errno;
	if (mount("bpf", net_bpffs, "bpf", 0, NULL)) {
		int err = -errno;

		rmdir(net_bpffs);
		net_bpffs[0] = '\0';
		return err;
	}
	return 0;
}

static inline void net_umount_bpffs(void)
{
	if (!net_bpffs[0])
		return;
	umount2(net_bpffs, MNT_DETACH);
	rmdir(net_bpffs);
	net_bpffs[0] = '\0';
}

#endif /* EBPFMINI_TEST_NET_UTIL_H */
