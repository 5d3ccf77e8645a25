/* attach-types.c - attach one exec counter through every kind of hook the kernel allows */
#include "common.h"
#include "attach-types.skel.h" /* struct attach_types: attach-types.bpf.c embedded, typed */

static const char usage[] =
	"usage: attach-types [-d SECONDS]\n"
	"Counts exec events through a tracepoint, a raw tracepoint, a BTF tracepoint, fentry,\n"
	"a kprobe, a ksyscall and a uprobe on libc's execve(); attaches what the running\n"
	"kernel allows, and says for each hook it skipped why.\n"
	"  -d SECONDS  run for SECONDS (default 2; 0: until Ctrl-C)\n"
	"  -h, --help  show this help\n";

/* The hooks, in the order of hits[] in attach-types.bpf.c. */
static struct hook {
	const char *kind, *prog;
	enum ebpfmini_feature needs; /* 0: nothing to probe first */
	struct attach_types *skel;
	struct ebpfmini_link *link;
	char why[512]; /* why it was skipped */
} hooks[] = {
	{ "tracepoint", "on_tracepoint", EBPFMINI_FEATURE_TRACEFS },
	{ "raw_tp", "on_raw_tp", 0 },
	{ "tp_btf", "on_tp_btf", EBPFMINI_FEATURE_KERNEL_BTF },
	{ "fentry", "on_fentry", EBPFMINI_FEATURE_TRAMPOLINES },
	{ "kprobe", "on_kprobe", EBPFMINI_FEATURE_KPROBES },
	{ "ksyscall", "on_ksyscall", EBPFMINI_FEATURE_KPROBES },
	{ "uprobe", "on_uprobe", EBPFMINI_FEATURE_UPROBES },
};
#define NHOOKS (sizeof(hooks) / sizeof(hooks[0]))

/* The library's log lines land here, so that each failure can be told with its hook. */
static char last_error[512];

static void keep_line(enum ebpfmini_log_level level, const char *line, void *ctx)
{
	(void)ctx;
	if (level <= EBPFMINI_LOG_WARN)
		snprintf(last_error, sizeof(last_error), "%s", line);
}

/* Probe, open, load and attach the one program of h; on failure fill h->why. */
static void try_hook(struct hook *h)
{
	struct ebpfmini_program *p = NULL;
	int err;

	if (h->needs && ebpfmini_sys_probe_feature(h->needs, h->why, sizeof(h->why)) != 1)
		return; /* the probe's reason says what is missing */
	/* open: each hook gets its own object, so that one refusal cannot fail the others */
	h->skel = attach_types__open();
	err = h->skel ? 0 : -errno;
	while (!err && (p = ebpfmini_object_next_program(h->skel->obj, p)))
		ebpfmini_program_set_autoload(p, strcmp(ebpfmini_program_name(p), h->prog) == 0);
	/* load, then attach by the SEC name */
	last_error[0] = '\0';
	if (!err)
		err = attach_types__load(h->skel);
	if (!err)
		err = ebpfmini_program_attach(ebpfmini_object_find_program(h->skel->obj, h->prog),
					      &h->link);
	if (err) {
		if (last_error[0])
			snprintf(h->why, sizeof(h->why), "%s", last_error);
		else
			ebpfmini_log_explain(err, -1, NULL, h->why, sizeof(h->why));
		attach_types__destroy(h->skel);
		h->skel = NULL;
	}
}

int main(int argc, char **argv)
{
	unsigned attached = 0;

	ex_seconds = 2;
	ex_start(argc, argv, "attach-types", usage, NULL);
	ebpfmini_log_set(keep_line, EBPFMINI_LOG_WARN, NULL);

	/* open, load, attach: hook by hook */
	for (size_t i = 0; i < NHOOKS; i++) {
		try_hook(&hooks[i]);
		if (hooks[i].link) {
			attached++;
			printf("%-10s attached: %s\n", hooks[i].kind,
			       ebpfmini_link_target(hooks[i].link));
		} else {
			printf("%-10s skipped: %s\n", hooks[i].kind, hooks[i].why);
		}
	}
	if (!attached) {
		/* raw_tp needs nothing but bpf(): its reason is the one that stops everything */
		fprintf(stderr, "attach-types: no hook could be attached: %s\n", hooks[1].why);
		return 1;
	}

	/* loop: exec a command a few times a second */
	while (ex_running()) {
		ex_exec("/bin/true");
		usleep((useconds_t)(ex_timeout_ms(300) * 1000));
	}

	/* report, and clean up: each link and object */
	for (size_t i = 0; i < NHOOKS; i++) {
		if (!hooks[i].link)
			continue;
		printf("%-10s fired %llu times\n", hooks[i].kind,
		       (unsigned long long)hooks[i].skel->bss->hits[i]);
		ebpfmini_link_close(hooks[i].link);
		attach_types__destroy(hooks[i].skel);
	}
	return 0;
}
