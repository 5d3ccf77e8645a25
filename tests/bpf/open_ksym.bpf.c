/* open_ksym.bpf.c - a kfunc extern: open records it, relocation refuses it (open unit tests) */
#include <linux/bpf.h>
#include <ebpfmini/bpf_helpers.h>

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

SEC("tp_btf/sys_enter")
int uses_kfunc(void *ctx)
{
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
	return 0;
}

SEC("tp_btf/sys_exit")
int plain(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
