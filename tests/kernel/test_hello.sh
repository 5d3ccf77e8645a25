#!/bin/sh
# test_hello.sh - kernel-hello: the hello example prints "Hello World" lines for execs, ours included
# usage: test_hello.sh HELLO_BINARY   (run by meson as root; exit 77 = skip)
set -u
HELLO=$1

if [ "$(id -u)" != 0 ]; then
	echo "skipped: needs root (CAP_BPF, CAP_PERFMON)"
	exit 77
fi
tracefs_mounted() {
	[ -d /sys/kernel/tracing/events ] || [ -d /sys/kernel/debug/tracing/events ]
}
# Without tracefs, run in a private mount namespace and mount it there (nothing left behind).
if ! tracefs_mounted && [ -z "${EBPFMINI_HELLO_NS:-}" ]; then
	EBPFMINI_HELLO_NS=1 exec unshare --mount --propagation private sh "$0" "$@"
fi
if ! tracefs_mounted; then
	mount -t tracefs tracefs /sys/kernel/tracing || { echo "FAIL: cannot mount tracefs"; exit 1; }
fi

# trace_pipe has one reader at a time: when builds of this tree run their tests at the same
# time, the second hello could not open it. Take turns (the lock is on this script).
if command -v flock >/dev/null 2>&1; then
	exec 9<"$0"
	flock -w 120 9 || echo "warning: waited 120 s for another reader of trace_pipe" >&2
fi

tmp=$(mktemp -d /tmp/ebpfmini-hello-XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() {
	echo "FAIL: $*" >&2
	for f in "$tmp"/out "$tmp"/err; do
		[ -s "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }
	done
	exit 1
}

"$HELLO" --help >"$tmp/out" 2>"$tmp/err" || fail "--help: exit $?"
grep -q "usage: hello" "$tmp/out" || fail "--help: no usage"
"$HELLO" -d nonsense >"$tmp/out" 2>"$tmp/err" && fail "-d nonsense: exit 0"

# 0. when it cannot run it says why, and exits non-zero: tracefs hidden in a mount namespace
unshare --mount --propagation private sh -c '
	umount -l /sys/kernel/debug 2>/dev/null
	while umount -l /sys/kernel/tracing 2>/dev/null; do :; done
	exec "$0" -d 1' "$HELLO" >"$tmp/out" 2>"$tmp/err" && fail "without tracefs: exit 0"
grep -q "mount -t tracefs tracefs /sys/kernel/tracing" "$tmp/err" || fail "without tracefs: no hint"
# and not root (no CAP_BPF)
if command -v setpriv >/dev/null 2>&1; then
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$HELLO" -d 1 \
		>"$tmp/out" 2>"$tmp/err" && fail "as nobody: exit 0"
	grep -q "CAP_BPF" "$tmp/err" || fail "as nobody: the message does not name CAP_BPF"
fi

# Another reader of trace_pipe (a test of some other tree, a person) makes hello fail to open
# it (kernels >= 6.6 allow one reader), so each check gets three tries; a broken hello fails
# all three.

# 1. two seconds on its own: hello runs commands itself, so lines appear on an idle machine
check_alone() {
	"$HELLO" -d 2 >"$tmp/out" 2>"$tmp/err" || fail "hello -d 2: exit $?"
	grep -q "Hello World! pid [0-9]* exec /bin/true" "$tmp/out"
}
check_alone || check_alone || check_alone || fail "hello -d 2: no Hello World line for its own exec"

# 2. an exec of ours, by a name nobody else uses, shows up
ln -s /bin/true "$tmp/hello-test-exec-$$" || fail "ln"
check_ours() {
	rm -f "$tmp/out" # no stale "attached" line from the run before
	"$HELLO" -d 4 >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	i=0
	until grep -q "attached to tracepoint syscalls/sys_enter_execve" "$tmp/out" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 300 ] && fail "hello did not attach within 30 s"
		kill -0 $pid 2>/dev/null || fail "hello exited before attaching"
		sleep 0.1
	done
	"$tmp/hello-test-exec-$$" || fail "exec of our command failed"
	wait $pid || fail "hello -d 4: exit $?"
	grep -q "Hello World! pid [0-9]* exec $tmp/hello-test-exec-$$" "$tmp/out"
}
check_ours || check_ours || check_ours ||
	fail "hello -d 4: no line for our exec of $tmp/hello-test-exec-$$"
echo "ok"
