/* test_core_module.c - kernel module BTF: CO-RE against types only modules define, fentry on a module's function (kernel tests; Debian's 6.1 and 6.12 in the VMs have module BTF, the host has none) */
#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "load_util.h"

#include "btf.h"
#include "kbtf.h"

#define MODULE_BTF_DIR "/sys/kernel/btf/"

/* The module's BTF (skipping, with the feature's name, when the kernel has none for it). */
static const struct ebpfmini_btf *module_btf(const char *module)
{
	const struct ebpfmini_btf *btf = NULL;
	char path[128];

	snprintf(path, sizeof(path), MODULE_BTF_DIR "%s", module);
	if (access(path, R_OK) != 0) {
		print_message("skipped: module BTF: no %s (module '%s' not loaded, or a kernel "
			      "without CONFIG_DEBUG_INFO_BTF_MODULES)\n",
			      path, module);
		skip();
	}
	assert_int_equal(em_btf_vmlinux_module_get(module, &btf), 0);
	return btf;
}

/* Byte offset of member name of the struct called sname in the module's own types. */
static uint32_t member_offset(const struct ebpfmini_btf *mod, const char *sname, const char *name)
{
	for (uint32_t id = mod->start_id; id < em_btf_type_end(mod); id++) {
		const struct btf_type *t = em_btf_type(mod, id);
		const struct btf_member *m;

		if (!t || em_btf_kind(t) != BTF_KIND_STRUCT ||
		    strcmp(em_btf_type_name(mod, t), sname) != 0)
			continue;
		m = em_btf_tail(t);
		for (uint32_t i = 0; i < em_btf_vlen(t); i++, m++)
			if (strcmp(em_btf_str(mod, m->name_off), name) == 0)
				return (em_btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m->offset) :
							  m->offset) /
				       8;
	}
	fail_msg("module BTF has no struct %s with member %s", sname, name);
	return 0;
}

/* The load report's steps of kind whose text holds needle. */
static int steps_with(const struct ebpfmini_object *obj, enum ebpfmini_step_kind kind,
		      const char *needle)
{
	const struct ebpfmini_load_step *s;
	int n = 0;

	for (size_t i = 0; (s = ebpfmini_object_load_step(obj, i)); i++)
		n += s->kind == kind && strstr(s->text, needle) != NULL;
	return n;
}

static struct ebpfmini_object *load_only(const char *prog_name)
{
	struct ebpfmini_object *obj = open_obj(OBJ("core_module"));
	struct ebpfmini_program *p = NULL;
	int err;

	while ((p = ebpfmini_object_next_program(obj, p)))
		ebpfmini_program_set_autoload(p, strcmp(ebpfmini_program_name(p), prog_name) == 0);
	err = ebpfmini_object_load(obj);
	if (err)
		fail_msg("load core_module (%s): %d (%s)\n%s", prog_name, err, strerror(-err),
			 logcap.text);
	return obj;
}

/* CO-RE reads of struct veth_priv and struct cls_bpf_prog, which vmlinux lacks. */
static void test_core_module_types(void **state)
{
	const struct ebpfmini_btf *veth = module_btf("veth"), *cls = module_btf("cls_bpf");
	unsigned char pkt[64] = { 0 };
	struct ebpfmini_program_test_run_opts run = { .sz = sizeof(run),
						      .data_in = pkt,
						      .data_size_in = sizeof(pkt) };
	const struct ebpfmini_btf *vmlinux = NULL;
	struct ebpfmini_object *obj;

	(void)state;
	SKIP_UNLESS_ROOT();
	assert_int_equal(em_btf_vmlinux_get(NULL, &vmlinux), 0);
	assert_int_equal(em_btf_find(vmlinux, "veth_priv", BTF_KIND_STRUCT), -ENOENT);
	obj = load_only("core_offsets");
	assert_int_equal(
		ebpfmini_program_test_run(ebpfmini_object_find_program(obj, "core_offsets"), &run),
		0);
	assert_int_equal(*(unsigned int *)var_ptr(obj, ".bss", "runs"), 1);
	assert_int_equal(*(unsigned int *)var_ptr(obj, ".bss", "veth_priv_exists"), 1);
	assert_int_equal(*(unsigned int *)var_ptr(obj, ".bss", "headroom_off"),
			 member_offset(veth, "veth_priv", "requested_headroom"));
	assert_int_equal(*(unsigned int *)var_ptr(obj, ".bss", "handle_off"),
			 member_offset(cls, "cls_bpf_prog", "handle"));
	assert_int_equal(*(unsigned int *)var_ptr(obj, ".bss", "skb_len_off"),
			 member_offset(vmlinux, "sk_buff", "len"));
	/* the report names the module each fixup's type came from; vmlinux's name none */
	assert_true(steps_with(obj, EBPFMINI_STEP_CORE_FIXUP, " in veth)") >= 2);
	assert_int_equal(steps_with(obj, EBPFMINI_STEP_CORE_FIXUP, " in cls_bpf)"), 1);
	assert_int_equal(steps_with(obj, EBPFMINI_STEP_CORE_FIXUP, "sk_buff.len)"), 1);
	assert_int_equal(steps_with(obj, EBPFMINI_STEP_CORE_FIXUP, " in vmlinux)"), 0);
	ebpfmini_object_close(obj);
}

/* The kernel's id of the module's BTF object, by name. */
static uint32_t module_btf_obj_id(const char *module)
{
	uint32_t id = 0;

	while (ebpfmini_sys_btf_get_next_id(id, &id) == 0) {
		struct bpf_btf_info info = { 0 };
		uint32_t len = sizeof(info);
		char name[64] = "";
		int fd = ebpfmini_sys_btf_get_fd_by_id(id);

		if (fd < 0)
			continue;
		info.name = (uint64_t)(uintptr_t)name;
		info.name_len = sizeof(name);
		if (ebpfmini_sys_obj_get_info(fd, &info, &len) == 0 && info.kernel_btf &&
		    strcmp(name, module) == 0) {
			close(fd);
			return id;
		}
		close(fd);
	}
	fail_msg("no kernel BTF object named '%s'", module);
	return 0;
}

/* Append attribute type with len bytes of data to the message at m (room checked by size). */
static struct rtattr *add_attr(struct nlmsghdr *m, size_t size, int type, const void *data,
			       size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)m + NLMSG_ALIGN(m->nlmsg_len));

	assert_true(NLMSG_ALIGN(m->nlmsg_len) + RTA_SPACE(len) <= size);
	a->rta_type = (unsigned short)type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	m->nlmsg_len = NLMSG_ALIGN(m->nlmsg_len) + RTA_SPACE(len);
	return a;
}

/* A veth pair named name (in this network namespace), brought up: veth_open() runs. */
static void veth_create_up(const char *name)
{
	union {
		struct nlmsghdr m;
		char buf[512];
	} req = { 0 }, ack;
	struct ifinfomsg *ifi;
	struct rtattr *info;
	struct ifreq ifr = { 0 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), s;
	ssize_t n;

	assert_true(fd >= 0);
	req.m.nlmsg_type = RTM_NEWLINK;
	req.m.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	req.m.nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	ifi = NLMSG_DATA(&req.m);
	ifi->ifi_family = AF_UNSPEC;
	add_attr(&req.m, sizeof(req), IFLA_IFNAME, name, strlen(name) + 1);
	info = add_attr(&req.m, sizeof(req), IFLA_LINKINFO, NULL, 0);
	add_attr(&req.m, sizeof(req), IFLA_INFO_KIND, "veth", 5);
	info->rta_len = (unsigned short)((char *)&req.m + req.m.nlmsg_len - (char *)info);
	assert_int_equal(send(fd, &req, req.m.nlmsg_len, 0), (ssize_t)req.m.nlmsg_len);
	n = recv(fd, &ack, sizeof(ack), 0);
	assert_true(n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)));
	assert_int_equal(ack.m.nlmsg_type, NLMSG_ERROR);
	assert_int_equal(((struct nlmsgerr *)NLMSG_DATA(&ack.m))->error, 0);
	close(fd);

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	assert_int_equal(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	assert_int_equal(ioctl(s, SIOCSIFFLAGS, &ifr), 0);
	close(s);
}

/* fentry on veth_open(): the target is found in veth's BTF and loaded with its BTF object. */
static void test_fentry_module_function(void **state)
{
	const struct ebpfmini_btf *veth = module_btf("veth");
	struct ebpfmini_link *link = NULL;
	struct bpf_link_info info = { 0 };
	uint32_t len = sizeof(info);
	struct ebpfmini_object *obj;
	char reason[512], want[96];
	int target;

	(void)state;
	SKIP_UNLESS_ROOT();
	if (ebpfmini_sys_probe_feature(EBPFMINI_FEATURE_TRAMPOLINES, reason, sizeof(reason)) != 1) {
		print_message("skipped: %s\n", reason);
		skip();
	}
	target = em_btf_find(veth, "veth_open", BTF_KIND_FUNC);
	assert_true(target >= (int)veth->start_id);
	obj = load_only("on_veth_open");
	snprintf(want, sizeof(want), "attach target veth_open [%d] in veth", target);
	assert_int_equal(steps_with(obj, EBPFMINI_STEP_PROG_LOAD, want), 1);
	assert_int_equal(
		ebpfmini_program_attach(ebpfmini_object_find_program(obj, "on_veth_open"), &link),
		0);
	assert_int_equal(ebpfmini_sys_obj_get_info(ebpfmini_link_fd(link), &info, &len), 0);
	assert_int_equal(info.type, BPF_LINK_TYPE_TRACING);
	assert_int_equal(info.tracing.target_btf_id, (uint32_t)target);
	assert_int_equal(info.tracing.target_obj_id, module_btf_obj_id("veth"));
	/* it runs: a veth pair brought up in a network namespace of the test's own */
	if (unshare(CLONE_NEWNET) != 0) {
		print_message("note: no network namespace (%s): attach checked, not run\n",
			      strerror(errno));
	} else {
		veth_create_up("emveth0");
		assert_true(*(volatile unsigned long long *)var_ptr(obj, ".bss", "veth_opens") >=
			    1);
	}
	ebpfmini_link_close(link);
	ebpfmini_object_close(obj);
}

static int setup(void **state)
{
	(void)state;
	log_capture_start(EBPFMINI_LOG_DEBUG);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	log_capture_stop();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_core_module_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fentry_module_function, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
