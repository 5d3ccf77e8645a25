#!/bin/sh
# test_hello_verifier.sh - example-hello-verifier: the rejection's log with source lines, explained; then the fix runs
. "$(dirname "$0")/lib.sh"
need_tracefs
check_cli
check_not_root -d 1

"$EX" -d 1 >"$tmp/run.out" 2>"$tmp/run.err" || fail "exit $?"
grep -q "^== load of count_unchecked failed: Permission denied$" "$tmp/run.out" || fail "no failed load"
grep -q "R0 invalid mem access 'map_value_or_null'" "$tmp/run.out" || fail "no verifier complaint"
# line info from .BTF.ext: the verifier prints the source line of the faulting access
grep -q "^; \*count += 1;" "$tmp/run.out" ||
	fail "the log has no source line for the faulting access"
grep -q "^EACCES: the verifier rejected the program" "$tmp/run.out" || fail "no explanation"
grep -Eq "^== count_checked: loaded, verified \(id [1-9][0-9]*, [1-9][0-9]* instructions\)$" \
	"$tmp/run.out" || fail "the corrected program did not load"
grep -Eq "^== count_checked counted [1-9][0-9]* execve calls of uid 0$" "$tmp/run.out" ||
	fail "the corrected program did not count"
echo "ok"
