#!/bin/sh
# test_hello_tail.sh - example-hello-tail: every tail-call target runs, and the fall-through is counted
. "$(dirname "$0")/lib.sh"
check_cli
check_not_root -d 1

"$EX" -d 2 >"$tmp/run.out" 2>"$tmp/run.err" || fail "exit $?"
grep -q "^attached to raw tracepoint sys_enter" "$tmp/run.out" || fail "no attach line"
line=$(grep "^tail calls:" "$tmp/run.out" | tail -n 1)
[ -n "$line" ] || fail "no counters printed"
# "tail calls: execve E, timer T, ignored (read/write) I; no program: O" (it makes execs and
# timer syscalls of its own, and every process reads and writes)
echo "$line" | grep -Eq "^tail calls: execve [1-9][0-9]*, timer [1-9][0-9]*, ignored \(read/write\) [1-9][0-9]*; no program: [1-9][0-9]*$" ||
	fail "a counter is zero: $line"
echo "ok"
