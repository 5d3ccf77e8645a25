#!/bin/sh
# test_hello_map.sh - example-hello-map: execs of a user id of our own show up in its table
. "$(dirname "$0")/lib.sh"
need_tracefs
check_cli
check_not_root -d 1
check_without_tracefs -d 1

"$EX" -d 3 >"$tmp/run.out" 2>"$tmp/run.err" &
pid=$!
wait_for "$tmp/run.out" "^counting execve per uid" $pid
# three execs as uid 4242, which nothing else on the machine uses
for i in 1 2 3; do
	setpriv --reuid=4242 --regid=4242 --clear-groups /bin/true || fail "setpriv"
done
wait $pid || fail "exit $?"
n=$(last_number "$tmp/run.out" 's/^uid 4242: \([0-9]*\) execve$/\1/p')
[ -n "$n" ] && [ "$n" -ge 3 ] || fail "uid 4242 has '${n:-no line}', want >= 3"
grep -Eq "^uid 0: [1-9][0-9]* execve$" "$tmp/run.out" || fail "no line for uid 0 (its own execs)"
echo "ok"
