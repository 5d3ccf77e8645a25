#!/bin/sh
# test_tc_snat.sh - example-tc-snat: the receiving side sees the rewritten source, with valid checksums
. "$(dirname "$0")/lib.sh"
check_cli
enter_netns
check_not_root -d 1
"$EX" --from 1.2.3 -d 1 >/dev/null 2>&1 && fail "a bad address: exit 0"

# without the example: the server sees the client's own address
"$EXNET" snat-check 127.0.0.1 8080 >"$tmp/before.out" 2>&1 || fail "snat-check without the example"
grep -q "^server sees peer 127.0.0.1:" "$tmp/before.out" || fail "baseline: unexpected peer"

"$EX" -i lo --from 127.0.0.1 --to 127.0.0.2 --port 8080 -d 3 >"$tmp/run.out" 2>"$tmp/run.err" &
pid=$!
wait_for "$tmp/run.out" "^attached to lo egress" $pid
"$EXNET" snat-check 127.0.0.1 8080 >"$tmp/check.out" 2>&1 || fail "snat-check failed"
wait $pid || fail "exit $?"
grep -q "^server sees peer 127.0.0.2:[0-9]*$" "$tmp/check.out" || fail "the server does not see 127.0.0.2"
# the replies were translated back, or the client would never have connected and got an answer
grep -q "^client got an answer$" "$tmp/check.out" || fail "the client got no answer"
# every packet to the server, as received: source rewritten, IP and TCP checksums valid
grep -q "^packet 127.0.0.2:[0-9]* > 127.0.0.1:8080: ip checksum ok, tcp checksum ok" "$tmp/check.out" ||
	fail "no received packet from 127.0.0.2 with valid checksums"
grep -q "BAD" "$tmp/check.out" && fail "a received packet has a bad checksum"
grep -q "^packet 127.0.0.1:" "$tmp/check.out" && fail "a packet kept its original source"
grep -Eq "^rewritten: [1-9][0-9]* packets out, [1-9][0-9]* replies back$" "$tmp/run.out" ||
	fail "the counters did not move"
echo "ok"
