/* hello-buffer-config.h - the event and the per-uid message shared by both sides of hello-buffer-config */
#ifndef HELLO_BUFFER_CONFIG_H
#define HELLO_BUFFER_CONFIG_H

/* A value of the my_config map, which user space fills: uid -> message. */
struct user_msg {
	char message[12];
};

/* What the BPF program sends through the ring buffer for each execve. */
struct config_event {
	int pid;
	int ppid; /* read with CO-RE: current->real_parent->tgid */
	int uid;
	char command[16];
	char message[12];
	char path[64];
};

#endif /* HELLO_BUFFER_CONFIG_H */
