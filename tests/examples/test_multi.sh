#!/bin/sh
# test_multi.sh - example-multi: uprobe.multi (cookies), kprobe.multi and sessions count exactly, or are skipped with the library's reason
. "$(dirname "$0")/lib.sh"
check_cli
check_not_root

"$EX" >"$tmp/run.out" 2>"$tmp/run.err"
rc=$?
# each hook: its exact counts, or skipped with a reason that names the kernel's lack
hook() { # $1 hook, $2 the line it prints when attached (grep -F)
	if grep -q "^$1 *skipped: " "$tmp/run.out"; then
		grep -Eq "^$1 *skipped: .*(Linux|CONFIG_|kernel)" "$tmp/run.out" ||
			fail "$1 skipped without a reason"
		return 1
	fi
	grep -qF "$2" "$tmp/run.out" || fail "$1: no line '$2'"
}
up=0 kp=0
hook uprobe.multi "uprobe.multi   one link, 3 functions: getpid 3, getppid 2, getuid 1 calls" && up=1
hook kprobe.multi "kprobe.multi   do_unlinka*: 4 calls" && kp=1
hook uprobe.session "uprobe.session getuid: 2 runs (entry and return)"
hook kprobe.session "kprobe.session do_unlinkat: 8 runs (entry and return)"
if [ $up = 0 ] && [ $kp = 0 ]; then
	[ $rc = 1 ] || fail "nothing attached, but exit $rc"
	echo "skipped: kernel lacks uprobe.multi and kprobe.multi links: $(grep skipped "$tmp/run.out" | head -n 2 | tr '\n' ' ')"
	exit 77
fi
[ $rc = 0 ] || fail "exit $rc"
echo "ok"
