/* exnet.c - small network tools the example tests drive: lo up, ping socket, TCP server/client, HTTP GET, SNAT check */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"usage: exnet lo-up\n"
	"       exnet ping ADDR COUNT          echo requests through a ping socket; exit 0 if all answered\n"
	"       exnet serve ADDR PORT [N]      accept N connections (default 1), print each peer, answer\n"
	"       exnet connect ADDR PORT        connect, send a line, print the answer\n"
	"       exnet http-get ADDR PORT PATH  print the response body; exit 0 for status 200\n"
	"       exnet snat-check ADDR PORT     server and client on ADDR:PORT; print the peer the server\n"
	"                                      sees and the checksums of the packets it receives\n";

static int die(const char *what)
{
	fprintf(stderr, "exnet: %s: %s\n", what, strerror(errno));
	return 1;
}

static bool parse_addr(const char *addr, const char *port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)atoi(port));
	return inet_pton(AF_INET, addr, &sa->sin_addr) == 1;
}

/* Wait for fd to become readable, up to ms; false on timeout. */
static bool wait_in(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

static int lo_up(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
		return die("SIOCGIFFLAGS lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
		return die("SIOCSIFFLAGS lo");
	close(fd);
	return 0;
}

/* Echo requests through socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP): no raw socket, no setuid. */
static int ping(const char *addr, int count)
{
	struct sockaddr_in sa;
	int fd, answered = 0;

	if (!parse_addr(addr, "0", &sa))
		return die("bad address");
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0)
		return die("ping socket (is net.ipv4.ping_group_range set?)");
	for (int i = 0; i < count; i++) {
		struct icmphdr req = { .type = ICMP_ECHO }, rep;

		req.un.echo.sequence = htons((uint16_t)(i + 1));
		if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			return die("sendto");
		/* the kernel fills in the id and the checksum; wait 300 ms for the answer */
		if (wait_in(fd, 300) && recv(fd, &rep, sizeof(rep), 0) >= (ssize_t)sizeof(rep) &&
		    rep.type == ICMP_ECHOREPLY)
			answered++;
	}
	printf("sent %d echo requests, %d answered\n", count, answered);
	close(fd);
	return answered == count ? 0 : 1;
}

static int listen_on(struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)sa, sizeof(*sa)) || listen(fd, 8) ||
	    getsockname(fd, (struct sockaddr *)sa, &len))
		return -1;
	return fd;
}

static void print_peer(const char *what, const struct sockaddr_in *sa)
{
	char text[INET_ADDRSTRLEN];

	printf("%s %s:%u\n", what, inet_ntop(AF_INET, &sa->sin_addr, text, sizeof(text)),
	       ntohs(sa->sin_port));
}

static int serve(const char *addr, const char *port, int n)
{
	struct sockaddr_in sa;
	int lfd;

	if (!parse_addr(addr, port, &sa))
		return die("bad address");
	lfd = listen_on(&sa);
	if (lfd < 0)
		return die("listen");
	print_peer("listening on", &sa);
	fflush(stdout);
	for (int i = 0; i < n; i++) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		char buf[256], answer[128];
		int fd;

		if (!wait_in(lfd, 20000)) {
			fprintf(stderr, "exnet: no connection within 20 s\n");
			return 1;
		}
		fd = accept4(lfd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
		if (fd < 0)
			return die("accept");
		print_peer("peer", &peer);
		fflush(stdout);
		if (wait_in(fd, 2000))
			(void)!read(fd, buf, sizeof(buf));
		snprintf(answer, sizeof(answer), "hello from the backend on %s:%u\n", addr,
			 ntohs(sa.sin_port));
		(void)!write(fd, answer, strlen(answer));
		close(fd);
	}
	close(lfd);
	return 0;
}

/* Connect to addr:port and return the fd, or -1. */
static int connect_to(const char *addr, const char *port)
{
	struct sockaddr_in sa;
	int fd;

	if (!parse_addr(addr, port, &sa)) {
		errno = EINVAL;
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read everything until EOF (or 2 s of silence) into buf; return the length. */
static size_t read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len + 1 < size && wait_in(fd, 2000) && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	return len;
}

static int client(const char *addr, const char *port)
{
	char buf[1024];
	int fd = connect_to(addr, port);

	if (fd < 0)
		return die("connect");
	(void)!write(fd, "hi\n", 3);
	read_all(fd, buf, sizeof(buf));
	printf("%s", buf);
	close(fd);
	return buf[0] ? 0 : 1;
}

static int http_get(const char *addr, const char *port, const char *path)
{
	static char buf[1 << 20];
	char req[512];
	char *body;
	int fd = connect_to(addr, port);

	if (fd < 0)
		return die("connect");
	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: %s:%s\r\n\r\n", path, addr, port);
	(void)!write(fd, req, strlen(req));
	read_all(fd, buf, sizeof(buf));
	close(fd);
	body = strstr(buf, "\r\n\r\n");
	if (!body) {
		fprintf(stderr, "exnet: no HTTP response\n");
		return 1;
	}
	*body = '\0';
	fprintf(stderr, "%s\n", buf); /* the head, for the test's log */
	printf("%s", body + 4);
	return strncmp(buf, "HTTP/1.0 200", 12) == 0 || strncmp(buf, "HTTP/1.1 200", 12) == 0 ? 0 :
												1;
}

/* Ones' complement sum of big-endian 16-bit words. */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * Check one captured IPv4/TCP packet. The IP header checksum is always
 * complete. The TCP checksum is complete unless the kernel left it to the
 * device (TP_STATUS_CSUMNOTREADY, as loopback does): then the field holds the
 * sum of the pseudo header only, which must match the addresses the packet
 * now carries.
 */
static void check_packet(const uint8_t *pkt, size_t len, bool partial, int port)
{
	const struct iphdr *ip = (const void *)pkt;
	const struct tcphdr *tcp;
	size_t ihl, tcp_len;
	uint8_t pseudo[12];
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
	bool ip_ok, tcp_ok;

	if (len < sizeof(*ip) || ip->version != 4 || ip->protocol != IPPROTO_TCP)
		return;
	ihl = ip->ihl * 4u;
	if (ihl < sizeof(*ip) || len < ihl + sizeof(*tcp) || ntohs(ip->tot_len) > len)
		return;
	tcp = (const void *)(pkt + ihl);
	if (ntohs(tcp->dest) != port)
		return; /* only the packets to the server: the ones whose source was rewritten */
	tcp_len = ntohs(ip->tot_len) - ihl;
	ip_ok = fold(sum16(pkt, ihl, 0)) == 0xffff;
	memcpy(pseudo, &ip->saddr, 4);
	memcpy(pseudo + 4, &ip->daddr, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	pseudo[10] = (uint8_t)(tcp_len >> 8);
	pseudo[11] = (uint8_t)tcp_len;
	if (partial) /* the field holds the folded pseudo header sum */
		tcp_ok = fold(sum16(pseudo, 12, 0)) == ntohs(tcp->check);
	else
		tcp_ok = fold(sum16(pkt + ihl, tcp_len, sum16(pseudo, 12, 0))) == 0xffff;
	printf("packet %s:%u > %s:%u: ip checksum %s, tcp checksum %s (%s)\n",
	       inet_ntop(AF_INET, &ip->saddr, src, sizeof(src)), ntohs(tcp->source),
	       inet_ntop(AF_INET, &ip->daddr, dst, sizeof(dst)), ntohs(tcp->dest),
	       ip_ok ? "ok" : "BAD", tcp_ok ? "ok" : "BAD", partial ? "pseudo header" : "full");
}

static int snat_check(const char *addr, const char *port)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	struct sockaddr_in sa, peer;
	socklen_t len = sizeof(peer);
	int one = 1, pfd, lfd, cfd, sfd;
	char buf[256];

	if (!parse_addr(addr, port, &sa))
		return die("bad address");
	/* capture IPv4 on lo, with the checksum status of each packet */
	ll.sll_ifindex = (int)if_nametoindex("lo");
	pfd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
	if (pfd < 0 || bind(pfd, (struct sockaddr *)&ll, sizeof(ll)) ||
	    setsockopt(pfd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)))
		return die("packet socket");
	lfd = listen_on(&sa);
	if (lfd < 0)
		return die("listen");
	cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return die("connect");
	if (!wait_in(lfd, 5000) || (sfd = accept4(lfd, (struct sockaddr *)&peer, &len, 0)) < 0)
		return die("accept");
	print_peer("server sees peer", &peer);
	(void)!write(cfd, "ping\n", 5);
	if (wait_in(sfd, 2000) && read(sfd, buf, sizeof(buf)) > 0)
		(void)!write(sfd, "pong\n", 5);
	if (wait_in(cfd, 2000) && read(cfd, buf, sizeof(buf)) > 0)
		printf("client got an answer\n");
	close(sfd);
	close(cfd);
	close(lfd);
	/* the packets the receiving side got (PACKET_HOST), with their checksum state */
	while (wait_in(pfd, 200)) {
		uint8_t pkt[2048];
		char control[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		struct iovec iov = { pkt, sizeof(pkt) };
		struct sockaddr_ll from;
		struct msghdr msg = { .msg_name = &from,
				      .msg_namelen = sizeof(from),
				      .msg_iov = &iov,
				      .msg_iovlen = 1,
				      .msg_control = control,
				      .msg_controllen = sizeof(control) };
		ssize_t n = recvmsg(pfd, &msg, 0);
		bool partial = false;

		if (n <= 0)
			break;
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue; /* lo shows each packet twice: leaving, and arriving */
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			struct tpacket_auxdata aux;

			if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA)
				continue;
			memcpy(&aux, CMSG_DATA(c), sizeof(aux));
			partial = aux.tp_status & TP_STATUS_CSUMNOTREADY;
		}
		check_packet(pkt, (size_t)n, partial, ntohs(sa.sin_port));
	}
	close(pfd);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "lo-up") == 0)
		return lo_up();
	if (argc == 4 && strcmp(argv[1], "ping") == 0)
		return ping(argv[2], atoi(argv[3]));
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "serve") == 0)
		return serve(argv[2], argv[3], argc == 5 ? atoi(argv[4]) : 1);
	if (argc == 4 && strcmp(argv[1], "connect") == 0)
		return client(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "http-get") == 0)
		return http_get(argv[2], argv[3], argv[4]);
	if (argc == 4 && strcmp(argv[1], "snat-check") == 0)
		return snat_check(argv[2], argv[3]);
	fputs(usage, stderr);
	return 2;
}
