#!/bin/sh
# test_xdp_ping.sh - example-xdp-ping: pings on loopback (in a network namespace of the test's own) counted, then dropped
. "$(dirname "$0")/lib.sh"
check_cli
enter_netns
check_not_root -d 1
# the ping socket (no raw socket, no setuid ping) is open to the groups in this range
echo "0 2147483647" >/proc/sys/net/ipv4/ping_group_range || fail "ping_group_range"
"$EX" -i no-such-if0 -d 1 >"$tmp/noif.out" 2>"$tmp/noif.err" && fail "no such interface: exit 0"
grep -q "no interface 'no-such-if0'" "$tmp/noif.err" || fail "no such interface: no message"
"$EXNET" ping 127.0.0.1 1 >/dev/null || fail "ping does not work without the example"

# counting: every echo request is answered, and counted
"$EX" -i lo -d 3 >"$tmp/count.out" 2>"$tmp/count.err" &
pid=$!
wait_for "$tmp/count.out" "^attached to lo: counting echo requests$" $pid
"$EXNET" ping 127.0.0.1 4 >"$tmp/ping.out" || fail "pings not answered: $(cat "$tmp/ping.out")"
wait $pid || fail "exit $?"
n=$(last_number "$tmp/count.out" 's/^127\.0\.0\.1: \([0-9]*\) echo requests$/\1/p')
[ -n "$n" ] && [ "$n" -ge 4 ] || fail "127.0.0.1 counted '${n:-no line}', want >= 4"

# dropping: no answer, and still counted
"$EX" -i lo --drop -d 3 >"$tmp/drop.out" 2>"$tmp/drop.err" &
pid=$!
wait_for "$tmp/drop.out" "^attached to lo: dropping echo requests$" $pid
"$EXNET" ping 127.0.0.1 2 >"$tmp/ping.out" && fail "pings answered although dropped"
grep -q "^sent 2 echo requests, 0 answered$" "$tmp/ping.out" || fail "some pings were answered"
wait $pid || fail "exit $?"
n=$(last_number "$tmp/drop.out" 's/^127\.0\.0\.1: \([0-9]*\) echo requests (dropped)$/\1/p')
[ -n "$n" ] && [ "$n" -ge 2 ] || fail "dropped pings counted '${n:-no line}', want >= 2"
# and once the example is gone, pings go through again (the link went with it)
"$EXNET" ping 127.0.0.1 1 >/dev/null || fail "pings still dropped after the example exited"
echo "ok"
