#!/bin/sh
# test_hello_func.sh - example-hello-func: the listing shows the BPF-to-BPF call and its target, then it runs
. "$(dirname "$0")/lib.sh"
check_cli
check_not_root -d 1

"$EX" -d 1 >"$tmp/run.out" 2>"$tmp/run.err" || fail "exit $?"
call=$(sed -n 's/^ *\([0-9]*\): call pc+\([0-9]*\) *; BPF-to-BPF call: to instruction \([0-9]*\)$/\1 \2 \3/p' "$tmp/run.out" | head -n 1)
[ -n "$call" ] || fail "no BPF-to-BPF call in the listing"
set -- $call
[ $(($1 + 1 + $2)) = "$3" ] || fail "call at $1 with offset $2 does not lead to $3"
# the target exists, comes after the marker of the appended function, and the listing has two exits
grep -Eq "^ +$3: r0 = \*\(u64 \*\)\(r1 \+8\)$" "$tmp/run.out" ||
	fail "instruction $3 is not the function's load of ctx->args[1]"
grep -q "the called function (get_opcode), appended by the loader" "$tmp/run.out" || fail "no marker"
[ "$(grep -c ': exit$' "$tmp/run.out")" = 2 ] || fail "want two exit instructions"
grep -q "map_value(fd [0-9]*) + [0-9]* ll" "$tmp/run.out" || fail "no relocated .bss access"
grep -Eq "^syscalls seen: [1-9][0-9]*, of them execve: [1-9][0-9]*$" "$tmp/run.out" ||
	fail "the counters did not move"
echo "ok"
