#!/bin/sh
# test_tool_hooks.sh - kernel-tool-hooks: ebpfmini net, cgroup, perf, iter and feature commands,
# checked against the kernel's state read through the library (tool_check), every -j output parsed.
# Runs in a network namespace of its own, a cgroup it creates and a bpffs it mounts.
# usage: test_tool_hooks.sh EBPFMINI_BINARY BPF_OBJ_DIR TOOL_CHECK   (as root; exit 77 = skip)
set -u
if [ "$(id -u)" != 0 ]; then
	echo "skipped: needs root (CAP_BPF)"
	exit 77
fi
[ -n "${TOOL_HOOKS_NETNS:-}" ] || exec env TOOL_HOOKS_NETNS=1 unshare -n sh "$0" "$@"
TOOL=$1
OBJDIR=$2
CHECK=$3
tmp=$(mktemp -d /tmp/ebpfmini-tool-hooks-XXXXXX) || exit 1
fs=
cg=
cgmnt=
holder=
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	[ -n "$cg" ] && rmdir "$cg" 2>/dev/null
	[ -n "$cgmnt" ] && umount "$cgmnt" 2>/dev/null
	[ -n "$fs" ] && umount "$fs" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	for f in "$tmp"/out "$tmp"/err; do
		[ -s "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }
	done
	exit 1
}
run() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
ok() {
	run "$@"
	[ $rc = 0 ] || fail "$*: exit $rc"
}
json() { # -p, then -j (left in $tmp/out): each one JSON document
	ok "$TOOL" -p "$@"
	"$CHECK" json <"$tmp/out" 2>"$tmp/err" || fail "-p $*: not one JSON document"
	ok "$TOOL" -j "$@"
	"$CHECK" json <"$tmp/out" 2>"$tmp/err" || fail "-j $*: not one JSON document"
}
has() {
	for word in "$@"; do
		grep -qF -- "$word" "$tmp/out" || fail "'$word' missing from the output"
	done
}
lacks() {
	for word in "$@"; do
		grep -qF -- "$word" "$tmp/out" && fail "'$word' still in the output"
	done
	return 0
}

fs=$tmp/fs
mkdir "$fs" && mount -t bpf bpf "$fs" || fail "cannot mount bpffs at $fs"
ip link set lo up 2>/dev/null || "$TOOL" version >/dev/null

# --- feature probe: the library's answers, as text and JSON
ok "$TOOL" feature probe nohelpers
has "kernel features:" "program types:" "map types:" "attach types"
grep -Eq "^  socket_filter +yes$" "$tmp/out" || fail "feature probe: socket_filter"
grep -Eq "^  bpffs +yes$" "$tmp/out" || fail "feature probe: bpffs"
! grep -Eq " no$" "$tmp/out" || fail "feature probe: a no without its reason"
# every row of the library's feature table is listed, the last one included
grep -Eq "^  uprobe.session links +(yes|no)" "$tmp/out" || fail "feature probe: last feature row"
tcx=no
grep -Eq "^  tcx links +yes$" "$tmp/out" && tcx=yes
json feature probe nohelpers
has '"have_hash_map_type":true' '"bpffs":{"available":true'
# each false comes with its reason
n_false=$(grep -o '_type":false' "$tmp/out" | wc -l)
n_reason=$(grep -o '_type_reason":"[^"]' "$tmp/out" | wc -l)
[ "$n_false" = "$n_reason" ] || fail "feature probe -j: $n_false no, $n_reason reasons"

# --- net: XDP through netlink, tcx, in this test's network namespace
ok "$TOOL" prog loadall "$OBJDIR/net_xdp.bpf.o" "$fs/nx"
set -- $("$CHECK" prog "$fs/nx/xdp_count")
xdp_id=$1
ok "$TOOL" net attach xdpgeneric pinned "$fs/nx/xdp_count" dev lo
ok "$TOOL" net list
grep -q "^lo(1) xdpgeneric xdp_count prog_id $xdp_id$" "$tmp/out" || fail "net list: no XDP line"
json net list dev lo
has "\"devname\":\"lo\",\"ifindex\":1,\"mode\":\"generic\",\"id\":$xdp_id,"
run "$TOOL" net attach xdpgeneric pinned "$fs/nx/xdp_second" dev lo
[ $rc = 1 ] && grep -q "has an XDP program already" "$tmp/err" || fail "net attach over XDP: exit $rc"
ok "$TOOL" net attach xdpgeneric pinned "$fs/nx/xdp_second" dev lo overwrite
set -- $("$CHECK" prog "$fs/nx/xdp_second")
ok "$TOOL" net list dev lo
grep -q "^lo(1) xdpgeneric xdp_second prog_id $1$" "$tmp/out" || fail "net attach overwrite"
ok "$TOOL" net detach xdpgeneric dev lo
ok "$TOOL" net list dev lo
lacks "xdpgeneric"
run "$TOOL" net attach xdp pinned "$fs/nx/xdp_count" dev no-such-if
[ $rc != 0 ] && grep -q "no interface 'no-such-if'" "$tmp/err" || fail "net attach to no interface"
if [ $tcx = yes ]; then
	set -- $("$CHECK" prog "$fs/nx/tc_count")
	ok "$TOOL" net attach tcx_ingress pinned "$fs/nx/tc_count" dev lo
	ok "$TOOL" net list dev lo
	grep -q "^lo(1) tcx/ingress tc_count prog_id $1$" "$tmp/out" || fail "net list: no tcx line"
	ok "$TOOL" net detach tcx_ingress dev lo
	ok "$TOOL" net list dev lo
	lacks "tcx/ingress"
else
	echo "skipped part: tcx: kernel lacks tcx links"
fi

# --- cgroup: attach, show, tree, detach in a cgroup of our own
root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
if [ -z "$root" ]; then
	cgmnt=$tmp/cgroup2
	mkdir "$cgmnt" && mount -t cgroup2 none "$cgmnt" || fail "cannot mount cgroup2"
	root=$cgmnt
fi
cg=$root/ebpfmini-tool-hooks-$$
mkdir "$cg" || fail "cannot create $cg"
ok "$TOOL" prog loadall "$OBJDIR/net_cgroup.bpf.o" "$fs/cg"
set -- $("$CHECK" prog "$fs/cg/skb_egress")
ok "$TOOL" cgroup attach "$cg" egress pinned "$fs/cg/skb_egress" multi
ok "$TOOL" cgroup show "$cg"
grep -Eq "^$1 +egress +multi +skb_egress$" "$tmp/out" || fail "cgroup show: no line"
json cgroup show "$cg"
has "{\"id\":$1,\"attach_type\":\"egress\",\"attach_flags\":\"multi\",\"name\":\"skb_egress\"}"
ok "$TOOL" cgroup tree "$root"
grep -qx "$cg" "$tmp/out" || fail "cgroup tree: no $cg"
json cgroup tree "$root"
ok "$TOOL" cgroup detach "$cg" egress pinned "$fs/cg/skb_egress"
ok "$TOOL" cgroup show "$cg"
lacks skb_egress
run "$TOOL" cgroup attach "$cg" nonsense pinned "$fs/cg/skb_egress"
[ $rc = 2 ] && grep -q "'nonsense' is not a cgroup attach type" "$tmp/err" || fail "cgroup attach nonsense"
run "$TOOL" cgroup show "$fs"
[ $rc = 1 ] && grep -q "not a cgroup v2 directory" "$tmp/err" || fail "cgroup show of a bpffs"

# --- perf list: the tracepoint links a process holds
"$TOOL" object load "$OBJDIR/tp_count.bpf.o" --attach -d 5 >"$tmp/hold" 2>&1 &
holder=$!
for i in 1 2 3 4 5 6 7 8 9 10; do
	grep -q "^holding" "$tmp/hold" && break
	sleep 0.2
done
grep -q "^holding 2 links" "$tmp/hold" || fail "tp_count: not attached: $(cat "$tmp/hold")"
ok "$TOOL" perf list
grep -Eq "^pid $holder  fd [0-9]+: prog_id [0-9]+ \(count_getpid\)  tracepoint  sys_enter_getpid$" "$tmp/out" ||
	fail "perf list: no line for the holder's getpid tracepoint"
json perf list
has "\"pid\":$holder," '"fd_type":"tracepoint","tracepoint":"sys_enter_getppid"'
kill "$holder"
wait "$holder" 2>/dev/null
holder=

# --- iter pin: each read of the pin runs the iterator
ok "$TOOL" iter pin "$OBJDIR/attach_iter.bpf.o" "$fs/tasks"
head -1 "$fs/tasks" >"$tmp/out"
has "tgid comm"
grep -q "^$$ " "$fs/tasks" || fail "iter pin: no line for this shell, pid $$"
echo "ok"
