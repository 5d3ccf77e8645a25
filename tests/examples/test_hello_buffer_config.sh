#!/bin/sh
# test_hello_buffer_config.sh - example-hello-buffer-config: per-uid messages, and the parent pid read with CO-RE
. "$(dirname "$0")/lib.sh"
need_tracefs
check_cli
check_not_root -d 1
check_without_tracefs -d 1
"$EX" --uid 1 -d 1 >/dev/null 2>&1 && fail "--uid without --message: exit 0"

prog="$tmp/exec-$$-config"
ln -s /bin/true "$prog" || fail "ln"
"$EX" --uid 0 --message "Hi root" --uid 4242 --message "Hi 4242" -d 3 \
	>"$tmp/run.out" 2>"$tmp/run.err" &
pid=$!
wait_for "$tmp/run.out" "^2 message\(s\) configured" $pid
"$prog" || fail "exec of $prog"
setpriv --reuid=4242 --regid=4242 --clear-groups "$prog" || fail "setpriv"
setpriv --reuid=4243 --regid=4243 --clear-groups "$prog" || fail "setpriv"
wait $pid || fail "exit $?"
# this shell ($$) is the parent of each process that exec'ed $prog: CO-RE read real_parent->tgid
grep -Eq "^pid [0-9]+ ppid $$ uid 0 .* Hi root +$prog\$" "$tmp/run.out" ||
	fail "no 'Hi root' line with ppid $$ for our exec"
grep -Eq "^pid [0-9]+ ppid $$ uid 4242 .* Hi 4242 +$prog\$" "$tmp/run.out" ||
	fail "no 'Hi 4242' line for the exec as uid 4242"
grep -Eq "^pid [0-9]+ ppid $$ uid 4243 .* Hello World +$prog\$" "$tmp/run.out" ||
	fail "no default message for uid 4243"
echo "ok"
