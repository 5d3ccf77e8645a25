#!/bin/sh
# test_hello_kprobe.sh - example-hello-kprobe: hello --kprobe greets execs through a kprobe, or says why it cannot
. "$(dirname "$0")/lib.sh"
need_tracefs
"$EX" --help | grep -q -- "--kprobe" || fail "--help does not mention --kprobe"

if [ ! -d /sys/bus/event_source/devices/kprobe ] && [ ! -e /sys/kernel/tracing/kprobe_events ] &&
	[ ! -e /sys/kernel/debug/tracing/kprobe_events ]; then
	"$EX" --kprobe -d 1 >"$tmp/run.out" 2>"$tmp/run.err" && fail "--kprobe without kprobes: exit 0"
	grep -q "^hello: --kprobe: .*kprobe" "$tmp/run.err" || fail "--kprobe: no reason given"
	echo "skipped: $(sed -n 's/^hello: --kprobe: //p' "$tmp/run.err")"
	exit 77
fi

# trace_pipe has one reader at a time: take turns with tests/kernel/test_hello.sh
if command -v flock >/dev/null 2>&1; then
	exec 9<"$(dirname "$0")/../kernel/test_hello.sh"
	flock -w 120 9 || echo "warning: waited 120 s for another reader of trace_pipe" >&2
fi
"$EX" --kprobe -d 2 >"$tmp/run.out" 2>"$tmp/run.err" || fail "--kprobe: exit $?"
grep -q "Hello World! pid [0-9]* exec /bin/true" "$tmp/run.out" || fail "--kprobe: no Hello World line"
echo "ok"
