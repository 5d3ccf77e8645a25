#!/bin/sh
# test_exporter.sh - example-exporter: /metrics fetched twice is well-formed exposition 0.0.4, counters rising
. "$(dirname "$0")/lib.sh"
check_cli
enter_netns
check_not_root -d 1

"$EX" -p 0 -d 5 >"$tmp/run.out" 2>"$tmp/run.err" &
pid=$!
wait_for "$tmp/run.out" "^serving http://127.0.0.1:[0-9]+/metrics$" $pid
port=$(sed -n 's|^serving http://127.0.0.1:\([0-9]*\)/metrics$|\1|p' "$tmp/run.out")
"$EXNET" http-get 127.0.0.1 "$port" /metrics >"$tmp/m1.txt" 2>"$tmp/h1.txt" || fail "first GET"
sleep 0.3
"$EXNET" http-get 127.0.0.1 "$port" /metrics >"$tmp/m2.txt" 2>"$tmp/h2.txt" || fail "second GET"
"$EXNET" http-get 127.0.0.1 "$port" /nothing-here >/dev/null 2>"$tmp/h404.txt" && fail "/nothing-here: 200"
grep -q "^HTTP/1.0 404" "$tmp/h404.txt" || fail "/nothing-here: not 404"
wait $pid || fail "exit $?"

grep -q "^Content-Type: text/plain; version=0.0.4" "$tmp/h1.txt" || fail "no 0.0.4 content type"
for m in "$tmp/m1.txt" "$tmp/m2.txt"; do
	grep -q "^# HELP ebpfmini_syscalls_total [A-Za-z]" "$m" || fail "no HELP line"
	grep -q "^# TYPE ebpfmini_syscalls_total counter$" "$m" || fail "no TYPE line"
	# every other line a sample: name{labels} value
	grep -v '^#' "$m" | grep -Ev '^ebpfmini_syscalls_total\{nr="[0-9]+"(,name="[a-z0-9_]+")?\} [0-9]+$' &&
		fail "a malformed sample line in $m"
	grep -q '^ebpfmini_syscalls_total{nr="[0-9]*",name="read"} [0-9]*$' "$m" || fail "no read sample"
done
# the exporter read()s every request: the read counter has risen between the two scrapes
r1=$(sed -n 's/^ebpfmini_syscalls_total{nr="[0-9]*",name="read"} \([0-9]*\)$/\1/p' "$tmp/m1.txt")
r2=$(sed -n 's/^ebpfmini_syscalls_total{nr="[0-9]*",name="read"} \([0-9]*\)$/\1/p' "$tmp/m2.txt")
[ "$r2" -gt "$r1" ] || fail "read counter did not increase: $r1 -> $r2"
echo "ok"
