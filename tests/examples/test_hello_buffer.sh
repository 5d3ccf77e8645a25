#!/bin/sh
# test_hello_buffer.sh - example-hello-buffer and example-hello-ring-buffer: one event line per exec, ours included
. "$(dirname "$0")/lib.sh"
need_tracefs
check_cli
check_not_root -d 1
check_without_tracefs -d 1

# an exec by a name nobody else uses
prog="$tmp/exec-$$-$NAME"
ln -s /bin/true "$prog" || fail "ln"
"$EX" -d 3 >"$tmp/run.out" 2>"$tmp/run.err" &
pid=$!
wait_for "$tmp/run.out" "run a command, or wait" $pid
"$prog" || fail "exec of $prog"
setpriv --reuid=4242 --regid=4242 --clear-groups "$prog" || fail "setpriv"
wait $pid || fail "exit $?"
# "[cpu N ]pid N uid 0 COMMAND Hello World PATH": a line for each of our execs, with the right uid
grep -Eq "pid [0-9]+ uid 0 .* Hello World $prog\$" "$tmp/run.out" || fail "no line for our exec"
grep -Eq "pid [0-9]+ uid 4242 .* Hello World $prog\$" "$tmp/run.out" ||
	fail "no line for our exec as uid 4242"
# and the example's own execs of /bin/true
grep -Eq "uid 0 $NAME.* Hello World /bin/true\$" "$tmp/run.out" ||
	grep -Eq "uid 0 .* Hello World /bin/true\$" "$tmp/run.out" || fail "no line for its own execs"
echo "ok"
