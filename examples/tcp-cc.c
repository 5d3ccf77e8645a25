/* tcp-cc.c - register tcp-cc.bpf.c as TCP congestion control "bpf_reno" and use it on a loopback connection */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>

#include "common.h"
#include "tcp-cc.skel.h" /* struct tcp_cc: tcp-cc.bpf.c embedded, typed (ebpfmini gen skeleton) */

static const char usage[] =
	"usage: tcp-cc [-d SECONDS]\n"
	"Registers a TCP congestion control written in BPF (\"bpf_reno\"), then sends data over\n"
	"loopback with it every second and prints what its programs counted. Other programs may\n"
	"choose it meanwhile: setsockopt(TCP_CONGESTION, \"bpf_reno\").\n"
	"  -d SECONDS  run for SECONDS (default 3; 0: until Ctrl-C)\n"
	"  -h, --help  show this help\n";

static void *drain(void *arg)
{
	char buf[65536];
	int fd = accept(*(int *)arg, NULL, NULL);

	while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
		;
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* One loopback TCP connection with congestion control cc, 4 MiB sent. */
static int send_with(const char *cc)
{
	static char chunk[65536];
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int srv = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), cli = -1, err = 0;
	pthread_t t;

	if (srv < 0 || bind(srv, (struct sockaddr *)&a, sizeof(a)) || listen(srv, 1) ||
	    getsockname(srv, (struct sockaddr *)&a, &len))
		err = -errno;
	if (!err && pthread_create(&t, NULL, drain, &srv) == 0) {
		cli = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		/* the step that matters: this socket uses the BPF congestion control */
		if (cli < 0 || setsockopt(cli, IPPROTO_TCP, TCP_CONGESTION, cc, strlen(cc)) ||
		    connect(cli, (struct sockaddr *)&a, sizeof(a)))
			err = -errno;
		for (int i = 0; !err && i < 64; i++)
			if (write(cli, chunk, sizeof(chunk)) < 0)
				err = -errno;
		if (cli >= 0)
			close(cli);
		shutdown(srv, SHUT_RDWR); /* wakes the accept when the connect failed */
		pthread_join(t, NULL);
	}
	if (srv >= 0)
		close(srv);
	return err;
}

int main(int argc, char **argv)
{
	struct ebpfmini_link *link = NULL;
	struct tcp_cc *skel;
	int err;

	ex_start(argc, argv, "tcp-cc", usage, NULL);
	/* open and load: the programs are verified against the members of the kernel's
	 * struct tcp_congestion_ops, the struct_ops map made with its value type */
	skel = tcp_cc__open();
	if (!skel)
		return ex_fail("open", -errno, NULL);
	err = tcp_cc__load(skel);
	if (err)
		return tcp_cc__destroy(skel), ex_fail("load", err, NULL);
	/* attach: register the ops with TCP; closing the link unregisters them */
	err = ebpfmini_map_attach_struct_ops(skel->maps.bpf_reno, &link);
	if (err)
		return tcp_cc__destroy(skel), ex_fail("register bpf_reno", err, NULL);
	printf("registered TCP congestion control \"bpf_reno\" (%s)\n",
	       ebpfmini_link_fd(link) >= 0 ? "struct_ops link" : "map update");
	/* loop: use it, and read what the BPF side counted */
	while (ex_running() && !err) {
		err = send_with("bpf_reno");
		printf("connections %llu, acks %llu, last cwnd %u\n",
		       (unsigned long long)skel->bss->connections, (unsigned long long)skel->bss->acks,
		       skel->bss->last_cwnd);
		if (!err && ex_running())
			usleep(ex_timeout_ms(1000) * 1000);
	}
	/* clean up */
	ebpfmini_link_close(link);
	tcp_cc__destroy(skel);
	return err ? ex_fail("send over loopback", err, NULL) : 0;
}
