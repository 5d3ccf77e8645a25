/* exporter.c - serve BPF map contents as Prometheus metrics (text format 0.0.4) over HTTP */
#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "common.h"
#include "exporter.bpf.o.h" /* exporter_bpf_o[]: exporter.bpf.c, embedded */

static const char usage[] =
	"usage: exporter [-p PORT] [-d SECONDS]\n"
	"Counts every system call by number with a raw tracepoint program and serves the counts\n"
	"at http://127.0.0.1:PORT/metrics in the Prometheus text exposition format 0.0.4.\n"
	"  -p PORT     TCP port on 127.0.0.1 (default 9435; 0: any free port)\n"
	"  -d SECONDS  run for SECONDS (default 3; 0: until Ctrl-C)\n"
	"  -h, --help  show this help\n";

static int port = 9435;

static int option(int argc, char **argv, int i)
{
	char *end;

	if (strcmp(argv[i], "-p") != 0 || i + 1 >= argc)
		return 0;
	port = (int)strtol(argv[i + 1], &end, 10);
	return *end || port < 0 || port > 65535 ? 0 : 2;
}

/* Names for the label; other numbers get only nr. */
static const struct {
	int nr;
	const char *name;
} names[] = {
	{ SYS_read, "read" },       { SYS_write, "write" }, { SYS_openat, "openat" },
	{ SYS_close, "close" },     { SYS_mmap, "mmap" },   { SYS_ioctl, "ioctl" },
	{ SYS_execve, "execve" },   { SYS_clone, "clone" }, { SYS_futex, "futex" },
	{ SYS_accept4, "accept4" }, { SYS_bpf, "bpf" },     { SYS_getpid, "getpid" },
};

/* The page: one sample per syscall number seen, from the BPF array. */
static char *metrics(struct ebpfmini_map *syscalls, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f)
		return NULL;
	fprintf(f, "# HELP ebpfmini_syscalls_total System calls entered, counted by a BPF raw "
		   "tracepoint on sys_enter.\n# TYPE ebpfmini_syscalls_total counter\n");
	for (uint32_t nr = 0; nr < ebpfmini_map_max_entries(syscalls); nr++) {
		uint64_t count = 0;
		const char *name = NULL;

		if (ebpfmini_map_lookup(syscalls, &nr, &count, 0) != 0 || count == 0)
			continue;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (names[i].nr == (int)nr)
				name = names[i].name;
		fprintf(f, "ebpfmini_syscalls_total{nr=\"%u\"", nr);
		if (name)
			fprintf(f, ",name=\"%s\"", name);
		fprintf(f, "} %llu\n", (unsigned long long)count);
	}
	fclose(f);
	return text;
}

/* Answer one HTTP request on fd: GET /metrics, or 404. */
static void serve(int fd, struct ebpfmini_map *syscalls)
{
	char req[2048], head[256];
	ssize_t n = read(fd, req, sizeof(req) - 1); /* a request fits one read on loopback */
	size_t len = 0;
	char *body = NULL;

	req[n > 0 ? n : 0] = '\0';
	if (strncmp(req, "GET /metrics ", 13) == 0)
		body = metrics(syscalls, &len);
	snprintf(head, sizeof(head),
		 "HTTP/1.0 %s\r\nContent-Type: text/plain; version=0.0.4; "
		 "charset=utf-8\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
		 body ? "200 OK" : "404 Not Found", len);
	if (write(fd, head, strlen(head)) > 0 && body)
		(void)!write(fd, body, len);
	free(body);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t salen = sizeof(sa);
	struct ebpfmini_object *obj = NULL;
	struct ebpfmini_program *prog;
	struct ebpfmini_link *link = NULL;
	struct ebpfmini_map *syscalls;
	int err, ret = 0, one = 1, lfd = -1;

	ex_start(argc, argv, "exporter", usage, option);

	/* open */
	err = ebpfmini_object_open_mem(exporter_bpf_o, sizeof(exporter_bpf_o), NULL, &obj);
	if (err)
		return ex_fail("open", err, NULL);
	prog = ebpfmini_object_find_program(obj, "count_syscalls");
	syscalls = ebpfmini_object_find_map(obj, "syscalls");

	/* load */
	err = ebpfmini_object_load(obj);
	if (err) {
		ret = ex_fail("load", err, ebpfmini_program_log(prog));
		goto cleanup;
	}

	/* attach: raw tracepoint sys_enter, from the SEC name */
	err = ebpfmini_program_attach(prog, &link);
	if (err) {
		ret = ex_fail("attach", err, NULL);
		goto cleanup;
	}

	/* configure the HTTP side: listen on 127.0.0.1:port */
	sa.sin_port = htons((uint16_t)port);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 16) ||
	    getsockname(lfd, (struct sockaddr *)&sa, &salen)) {
		ret = ex_fail("listen", -errno, NULL);
		goto cleanup;
	}
	printf("serving http://127.0.0.1:%d/metrics\n", ntohs(sa.sin_port));

	/* loop: answer scrapes until the time is up */
	while (ex_running()) {
		struct pollfd pfd = { .fd = lfd, .events = POLLIN };
		int fd;

		if (poll(&pfd, 1, ex_timeout_ms(500)) <= 0)
			continue;
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0) {
			serve(fd, syscalls);
			close(fd);
		}
	}

cleanup:
	/* clean up */
	if (lfd >= 0)
		close(lfd);
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
	return ret;
}
