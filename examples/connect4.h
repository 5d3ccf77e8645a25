/* connect4.h - a service or backend address, the key and value of connect4's map (both sides) */
#ifndef CONNECT4_H
#define CONNECT4_H

/* Network byte order, as struct bpf_sock_addr holds them (the port in the low 16 bits). */
struct endpoint {
	__u32 addr;
	__u32 port;
};

#endif /* CONNECT4_H */
