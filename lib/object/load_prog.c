/* load_prog.c - the load's program phase: BPF_PROG_LOAD of each program, side by side on threads when verifying takes long, and why one failed (L4 object) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "ebpfmini/log.h"
#include "ebpfmini/sys.h"
#include "internal.h"
#include "kernel.h"
#include "objapi.h"
#include "sys.h"

/* Verifier log buffer: start here, grow x4 (or to log_true_size) on ENOSPC, stop here. */
#define LOG_MIN (64u << 10)
#define LOG_MAX (16u << 20)
/* Threads verifying programs at once, at most. */
#define EM_LOAD_THREADS_MAX 64
/* A program whose load took this long (us) has the rest verified side by side. */
#define EM_LOAD_SIDE_BY_SIDE_US 500
/* Bytes of a failed program's verifier log handed to the log callback (its tail). */
#define LOG_CALLBACK_TAIL 900

/* What the program phase takes from the load. */
struct prog_load {
	struct ebpfmini_object *obj;
	int btf_fd;    /* object BTF in the kernel, or -1 */
	int *fd_array; /* module BTF fds by kfunc slot, or NULL */
};

/* fentry, fexit, fmod_ret, lsm, freplace and struct_ops programs run through BPF trampolines. */
static bool is_trampoline(const struct ebpfmini_program *prog)
{
	if (prog->type == BPF_PROG_TYPE_LSM || prog->type == BPF_PROG_TYPE_EXT ||
	    prog->type == BPF_PROG_TYPE_STRUCT_OPS)
		return true;
	return prog->type == BPF_PROG_TYPE_TRACING &&
	       (prog->expected_attach_type == BPF_TRACE_FENTRY ||
		prog->expected_attach_type == BPF_TRACE_FEXIT ||
		prog->expected_attach_type == BPF_MODIFY_RETURN);
}

/*
 * A privileged process gets EPERM for a trampoline program from kernel
 * lockdown: integrity mode (and confidentiality, which includes it) forbids
 * trampolines. Says so when lockdown is on or its mode cannot be read.
 */
static void lockdown_note(const struct ebpfmini_program *prog, char *buf, size_t size)
{
	char mode[32];
	bool known = em_lockdown_mode(mode, sizeof(mode)) == 0;

	buf[0] = '\0';
	if (known && strcmp(mode, "none") == 0)
		return;
	snprintf(buf, size,
		 "kernel lockdown (%s) forbids BPF trampolines (fentry, fexit, fmod_ret, lsm, "
		 "freplace and struct_ops programs, '%s' is one)%s; load a tracepoint, raw "
		 "tracepoint or tp_btf program instead",
		 known ? mode : "integrity", prog->sec_name,
		 known ? "" : ", the likely cause for a privileged process (the mode cannot be "
			      "read: securityfs is not mounted on /sys/kernel/security)");
}

/* Whether prog's instructions may include code section c: its own, or one without programs. */
static bool may_include(const struct ebpfmini_program *prog, size_t c)
{
	if (c == prog->code_idx)
		return true;
	for (size_t i = 0; i < prog->obj->nprogs; i++)
		if (prog->obj->progs[i].code_idx == c)
			return false;
	return true;
}

/*
 * The verifier reached a poisoned CO-RE instruction (a call of helper
 * EM_CORE_POISON_HELPER, "unknown#195896080" in its log): name the
 * relocations that the kernel could not satisfy.
 */
static void report_poisoned(const struct ebpfmini_program *prog)
{
	const struct em_core_fixups *fx = em_object_of(prog->obj)->core_fixups;
	const char *log = em_prog_state(prog)->log;
	char helper[32], line[512];

	snprintf(helper, sizeof(helper), "unknown#%d", EM_CORE_POISON_HELPER);
	if (!fx || !log || !strstr(log, helper))
		return;
	for (size_t i = 0; i < fx->n; i++) {
		const struct em_core_fixup *f = &fx->v[i];

		if (f->op != EM_CORE_FIX_POISON || !may_include(prog, f->code))
			continue;
		em_core_fixup_format(f, line, sizeof(line));
		em_warn("prog '%s': the verifier reached a CO-RE relocation this kernel cannot "
			"satisfy: %s",
			prog->name, line);
	}
}

static void report_load_failure(const struct ebpfmini_program *prog, int err)
{
	const char *log = em_prog_state(prog)->log;
	char last[256], hint[512], note[400] = "";

	if (log && *log) {
		size_t len = strlen(log),
		       from = len > LOG_CALLBACK_TAIL ? len - LOG_CALLBACK_TAIL : 0;

		/* the tail is what explains a rejection: start it at a line boundary */
		while (from && from < len && log[from - 1] != '\n')
			from++;
		em_warn("prog '%s': verifier log%s:\n%s", prog->name,
			from ? " (tail; ebpfmini_program_log() has all of it)" : "", log + from);
	}
	em_report_verdict(log, last, sizeof(last));
	if (ebpfmini_log_explain(err, BPF_PROG_LOAD, log, hint, sizeof(hint)) < 0)
		hint[0] = '\0';
	if (err == -EPERM && is_trampoline(prog))
		lockdown_note(prog, note, sizeof(note));
	if (note[0])
		em_err("prog '%s': load: %s: %s", prog->name, strerror(-err), note);
	else
		em_err("prog '%s': load: %s%s%s", prog->name, strerror(-err), last[0] ? ": " : "",
		       last);
	if (hint[0])
		em_err("prog '%s': %s", prog->name, hint);
	report_poisoned(prog);
}

static uint32_t grow_log(uint32_t size, uint32_t true_size)
{
	if (true_size > size)
		return EM_MIN(true_size, LOG_MAX);
	return EM_MIN(size * 4, LOG_MAX);
}

/*
 * BPF_PROG_LOAD with the log the program asked for (none at level 0). On
 * failure, load again with a level-1 log to learn why; a log that does not
 * fit (ENOSPC) is retried in a larger buffer. The first real errno wins.
 * Logs nothing (it may run on a worker thread): returns the fd or the error,
 * the verifier log kept in the program's state.
 */
static int attempt(const struct prog_load *st, struct ebpfmini_program *prog)
{
	struct em_prog_state *ps = em_prog_state(prog);
	const struct ebpfmini_object *obj = st->obj;
	struct ebpfmini_sys_prog_load_opts o = {
		.sz = sizeof(o),
		.name = prog->name,
		.expected_attach_type = prog->expected_attach_type,
		.prog_flags = prog->prog_flags,
		.kern_version = obj->model.kversion,
		.attach_btf_id = ps->attach_btf_id,
		.attach_btf_obj_fd =
			ps->attach_btf_obj_fd > 0 ? (uint32_t)ps->attach_btf_obj_fd : 0,
		/* a function of a BPF program: attach_btf_id is in that program's BTF */
		.attach_prog_fd = ps->target_prog_fd > 0 ? (uint32_t)ps->target_prog_fd : 0,
		.fd_array = st->fd_array,
	};
	uint32_t level = prog->log_level, size = level ? LOG_MIN : 0, cap = 0;
	char *buf = NULL;
	int fd, first_err = 0;

	ps->load_ns[0] = em_report_now(); /* attempt() may run on another thread: no report here */

	if (st->btf_fd >= 0) {
		o.prog_btf_fd = (uint32_t)st->btf_fd;
		if (prog->func_info_cnt) {
			o.func_info = prog->func_info;
			o.func_info_cnt = prog->func_info_cnt;
			o.func_info_rec_size = prog->func_info_rec_size;
		}
		if (prog->line_info_cnt) {
			o.line_info = prog->line_info;
			o.line_info_cnt = prog->line_info_cnt;
			o.line_info_rec_size = prog->line_info_rec_size;
		}
	}
	free(ps->log);
	ps->log = NULL;
	for (;;) {
		if (size) {
			char *bigger = realloc(buf, size);

			if (!bigger) {
				fd = -ENOMEM;
				break;
			}
			buf = bigger;
			cap = size;
			buf[0] = '\0';
		}
		o.log_buf = size ? buf : NULL;
		o.log_size = size;
		o.log_level = size ? level : 0;
		o.log_true_size = 0;
		fd = ebpfmini_sys_prog_load(prog->type, obj->model.license, prog->insns,
					    prog->insn_cnt, &o);
		if (fd >= 0)
			break;
		if (fd == -ENOSPC && size && size < LOG_MAX) {
			size = grow_log(size, o.log_true_size);
			continue;
		}
		if (!first_err)
			first_err = fd;
		if (size)
			break;
		/* the quiet attempt failed: once more with a log, to say why */
		level = 1;
		size = LOG_MIN;
	}
	if (buf && buf[0]) {
		char *fit;

		buf[cap - 1] = '\0';
		fit = realloc(buf, strlen(buf) + 1); /* keep the log, not the whole buffer */
		ps->log = fit ? fit : buf;
		buf = NULL;
	}
	free(buf);
	ps->load_ns[1] = em_report_now();
	return fd >= 0 ? fd : first_err ? first_err : fd;
}

/* The outcome of attempt() (an fd or an error), kept and logged in section order. */
static int finish(struct ebpfmini_program *prog, int fd)
{
	if (fd >= 0)
		em_prog_state(prog)->fd = fd;
	em_report_prog(prog, fd < 0 ? fd : 0);
	if (fd < 0) {
		report_load_failure(prog, fd);
		return fd;
	}
	em_info("prog '%s': loaded (fd %d, %zu instructions)", prog->name, fd, prog->insn_cnt);
	return 0;
}

/*
 * Threads to verify n programs at once. The kernel's verifier runs privileged
 * loads side by side, so programs that keep it busy load in about the time of
 * the longest when each has a CPU: as many threads as the programs, the CPUs
 * this process may run on and the object's load_threads allow. One (a plain
 * loop) under a fault-injection hook, whose scripts count calls in order.
 */
static size_t threads_for(const struct ebpfmini_object *obj, size_t n)
{
	int cpus;

	if (n < 2 || obj->load_threads == 1 || em_sys_hooked())
		return 1;
	if (obj->load_threads > 1)
		n = EM_MIN(n, (size_t)obj->load_threads);
	cpus = em_sys_cpus_allowed();
	return cpus > 1 ? EM_MIN(EM_MIN(n, (size_t)cpus), (size_t)EM_LOAD_THREADS_MAX) : 1;
}

/* Programs shared by the threads of one load: each takes the next one not taken. */
struct prog_queue {
	const struct prog_load *st;
	struct ebpfmini_program **progs;
	int *result; /* per program: its fd or error */
	size_t n, next;
};

static void *verify_queue(void *arg)
{
	struct prog_queue *q = arg;
	size_t i;

	while ((i = __atomic_fetch_add(&q->next, 1, __ATOMIC_RELAXED)) < q->n)
		q->result[i] = attempt(q->st, q->progs[i]);
	return NULL;
}

/*
 * The programs from q->next on, verified on nthreads threads; then their
 * outcomes in section order, as a plain loop would take them: the first
 * failure is reported and returned, programs loaded after it are left to the
 * rollback unreported, their logs dropped.
 */
static int verify_side_by_side(struct prog_queue *q, size_t nthreads)
{
	pthread_t tids[EM_LOAD_THREADS_MAX];
	size_t first = q->next, started = 0;
	int err = 0;

	/* a thread that does not start leaves its share to the others */
	while (started < nthreads - 1 &&
	       pthread_create(&tids[started], NULL, verify_queue, q) == 0)
		started++;
	verify_queue(q);
	for (size_t i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	em_debug("load: %zu programs verified by %zu threads", q->n - first, started + 1);
	for (size_t i = first; i < q->n; i++) {
		struct em_prog_state *ps = em_prog_state(q->progs[i]);

		if (!err) {
			err = finish(q->progs[i], q->result[i]);
			continue;
		}
		if (q->result[i] >= 0)
			ps->fd = q->result[i]; /* closed by the rollback */
		free(ps->log);
		ps->log = NULL;
	}
	return err;
}

/*
 * With load_threads 0, one after another until one keeps the verifier busy for
 * EM_LOAD_SIDE_BY_SIDE_US, and the rest side by side (starting a thread costs
 * more than verifying a small program); with load_threads above 1, all side by side.
 */
int em_load_prog_all(struct ebpfmini_object *obj, int btf_fd, int *fd_array)
{
	const struct prog_load load = { .obj = obj, .btf_fd = btf_fd, .fd_array = fd_array };
	const struct prog_load *st = &load;
	struct prog_queue q = { .st = st };
	size_t nthreads;
	int err = 0;

	q.progs = em_calloc(obj->model.nprogs + 1, sizeof(*q.progs));
	q.result = em_calloc(obj->model.nprogs + 1, sizeof(*q.result));
	if (!q.progs || !q.result) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < obj->model.nprogs; i++)
		if (obj->model.progs[i].autoload)
			q.progs[q.n++] = &obj->model.progs[i];
	if (obj->load_threads > 1 && (nthreads = threads_for(obj, q.n)) > 1) {
		err = verify_side_by_side(&q, nthreads);
		goto out;
	}
	while (q.next < q.n && !err) {
		uint64_t t0 = em_report_now();

		err = finish(q.progs[q.next], attempt(st, q.progs[q.next]));
		q.next++;
		if (!err && em_report_now() - t0 >= EM_LOAD_SIDE_BY_SIDE_US * 1000 &&
		    (nthreads = threads_for(obj, q.n - q.next)) > 1) {
			err = verify_side_by_side(&q, nthreads);
			break;
		}
	}
out:
	free(q.progs);
	free(q.result);
	return err;
}
