#!/bin/sh
# test_connect4.sh - example-connect4: a connect() to the service address from the cgroup reaches the backend
. "$(dirname "$0")/lib.sh"
check_cli
enter_netns
check_not_root --backend 127.0.0.1:1 -d 1
"$EX" -d 1 >/dev/null 2>&1 && fail "without --backend: exit 0"

# a cgroup of the test's own, on the cgroup v2 mount (removed at the end)
# mountinfo: the file system type is the field after the "-" separator (the optional fields
# before it vary in number)
cgroot=$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' /proc/self/mountinfo)
[ -n "$cgroot" ] || { echo "skipped: no cgroup v2 mount in /proc/self/mountinfo"; exit 77; }
cg="$cgroot/ebpfmini-example-connect4-$$"
mkdir "$cg" || fail "mkdir $cg"
on_exit 'rmdir "$cg" 2>/dev/null'

# the backend, on a free port of loopback
"$EXNET" serve 127.0.0.1 0 >"$tmp/backend.out" 2>"$tmp/backend.err" &
backend=$!
wait_for "$tmp/backend.out" "^listening on 127.0.0.1:[0-9]+$" $backend
port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$tmp/backend.out")

"$EX" --cgroup "$cg" --service 10.7.111.132:80 --backend "127.0.0.1:$port" -d 3 \
	>"$tmp/run.out" 2>"$tmp/run.err" &
pid=$!
wait_for "$tmp/run.out" "^attached to cgroup $cg" $pid
# outside the cgroup the service address goes nowhere (this namespace has only lo)
"$EXNET" connect 10.7.111.132 80 >"$tmp/outside.out" 2>&1 && fail "connected from outside the cgroup"
# inside: join the cgroup, then connect
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" connect 10.7.111.132 80' sh "$cg" "$EXNET" \
	>"$tmp/client.out" 2>&1 || fail "the client in the cgroup could not connect"
grep -q "^hello from the backend on 127.0.0.1:$port$" "$tmp/client.out" || fail "no answer from the backend"
wait $backend || fail "the backend saw no connection"
grep -q "^peer 127.0.0.1:" "$tmp/backend.out" || fail "the backend saw no peer"
wait $pid || fail "exit $?"
grep -q "^redirected 1 connect() calls$" "$tmp/run.out" || fail "the counter does not say 1"
echo "ok"
