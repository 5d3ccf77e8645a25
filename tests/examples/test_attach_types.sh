#!/bin/sh
# test_attach_types.sh - example-attach-types: every hook attaches and fires, or is skipped with the library's reason
. "$(dirname "$0")/lib.sh"
need_tracefs
check_cli
check_not_root -d 1

"$EX" -d 2 >"$tmp/run.out" 2>"$tmp/run.err" || fail "exit $?"
fired() { # the hook attached and counted execs (the example runs /bin/true a few times a second)
	grep -q "^$1 *attached: " "$tmp/run.out" || fail "$1 was not attached"
	grep -Eq "^$1 *fired [1-9][0-9]* times$" "$tmp/run.out" || fail "$1 attached but never fired"
}
skipped() { # the hook was skipped, and the reason names what is missing ($2, a grep -E pattern)
	grep -Eq "^$1 *skipped: .*($2)" "$tmp/run.out" || fail "$1: not attached, and no reason matching '$2'"
}
# every kernel this project supports has these
fired tracepoint
fired raw_tp
# the others depend on the kernel: they must work where the kernel has what they need
if [ -e /sys/kernel/btf/vmlinux ]; then fired tp_btf; else skipped tp_btf "BTF"; fi
if [ -d /sys/bus/event_source/devices/uprobe ]; then fired uprobe; else skipped uprobe "uprobe"; fi
if [ -d /sys/bus/event_source/devices/kprobe ]; then
	fired kprobe
	fired ksyscall
else
	skipped kprobe "CONFIG_KPROBES|kprobe"
	skipped ksyscall "CONFIG_KPROBES|kprobe"
fi
# fentry: lockdown forbids trampolines on some kernels (this project's CI machine among them)
grep -q "^fentry *attached: " "$tmp/run.out" && fired fentry || skipped fentry "lockdown|trampoline"
echo "ok"
