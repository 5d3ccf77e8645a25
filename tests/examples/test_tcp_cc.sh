#!/bin/sh
# test_tcp_cc.sh - example-tcp-cc: "bpf_reno" registered, used on loopback connections (its counters rise), unregistered at exit
. "$(dirname "$0")/lib.sh"
check_cli
enter_netns
check_not_root -d 1

"$EX" -d 2 >"$tmp/run.out" 2>"$tmp/run.err"
rc=$?
if [ $rc != 0 ] && grep -qF "forbids BPF trampolines" "$tmp/run.err"; then
	echo "skipped: struct_ops (BPF trampolines): $(cat "$tmp/run.err")"
	exit 77
fi
[ $rc = 0 ] || fail "exit $rc"
grep -Eq '^registered TCP congestion control "bpf_reno" \((struct_ops link|map update)\)$' "$tmp/run.out" ||
	fail "no registration line"
lines=$(grep -Ec '^connections [1-9][0-9]*, acks [1-9][0-9]*, last cwnd [1-9][0-9]*$' "$tmp/run.out")
[ "$lines" -ge 2 ] || fail "want two rounds with the counters moving, got $lines"
# one connection per round
[ "$(last_number "$tmp/run.out" 's/^connections \([0-9]*\),.*/\1/p')" = "$lines" ] ||
	fail "connections do not match the rounds"
# the link is gone with the example: the kernel no longer knows the name
grep -qw bpf_reno /proc/sys/net/ipv4/tcp_available_congestion_control &&
	fail "bpf_reno still registered after exit"
echo "ok"
