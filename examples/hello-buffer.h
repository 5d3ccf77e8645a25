/* hello-buffer.h - the event that hello-buffer and hello-ring-buffer send from BPF to user space */
#ifndef HELLO_BUFFER_H
#define HELLO_BUFFER_H

/* Both sides compile this: the BPF program fills it, user space reads the same bytes. */
struct hello_event {
	int pid;
	int uid;
	char command[16]; /* the process calling execve (TASK_COMM_LEN) */
	char message[12];
	char path[64]; /* the file it executes */
};

#endif /* HELLO_BUFFER_H */
