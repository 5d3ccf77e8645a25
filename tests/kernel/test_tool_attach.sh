#!/bin/sh
# test_tool_attach.sh - kernel-tool-attach: `ebpfmini object load --attach [-d] [--pin-links] [--target]` and `ebpfmini link list`
# usage: test_tool_attach.sh EBPFMINI_BINARY BPF_OBJ_DIR TOOL_CHECK   (run by meson as root; exit 77 = skip)
set -u
TOOL=$1
OBJDIR=$2
CHECK=$3
tmp=$(mktemp -d /tmp/ebpfmini-tool-attach-XXXXXX) || exit 1
bpffs=
holder=
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	[ -n "$bpffs" ] && { rm -f "$bpffs"/* 2>/dev/null; umount "$bpffs" 2>/dev/null; }
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	for f in "$tmp"/out "$tmp"/err "$tmp"/hold; do
		[ -s "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }
	done
	exit 1
}
run() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
expect_out() {
	for word in "$@"; do
		grep -qF -- "$word" "$tmp/out" || fail "'$word' missing from the output"
	done
}
# the ids of the links held by the tool, from its "(... link, id N)" lines
held_ids() {
	sed -n 's/.*link, id \([0-9]*\))$/\1/p' "$tmp/hold"
}

if [ "$(id -u)" != 0 ]; then
	echo "skipped: needs root (CAP_BPF)"
	exit 77
fi

# --- attach and hold for a while: the links are in `link list` meanwhile, gone after
"$TOOL" object load "$OBJDIR/attach_trace.bpf.o" --attach -d 3 >"$tmp/hold" 2>&1 &
holder=$!
for i in 1 2 3 4 5 6 7 8 9 10; do
	grep -q "^holding 4 links for 3 s" "$tmp/hold" && break
	sleep 0.2
done
grep -q "^holding 4 links for 3 s" "$tmp/hold" || fail "--attach -d 3: no 'holding' line"
grep -qF "link 'raw_sys_enter': raw_tracepoint sys_enter (raw_tracepoint link, id " "$tmp/hold" ||
	fail "--attach: raw_sys_enter's link not printed"
grep -qF "link 'btf_sys_enter': tp_btf sys_enter (" "$tmp/hold" || fail "--attach: tp_btf link not printed"
grep -qF "prog 'xdp_pass': not attached: SEC 'xdp' does not say where" "$tmp/hold" ||
	fail "--attach: xdp_pass should be left alone"
ids=$(held_ids)
[ -n "$ids" ] || fail "--attach: no link ids"
run "$TOOL" link list
[ $rc = 0 ] || fail "link list: exit $rc"
expect_out "type" "prog name" "raw_sys_enter" "tracepoint sys_enter" "tracepoint bpf_test_finish"
for id in $ids; do
	grep -Eq "^ *$id  raw_tracepoint " "$tmp/out" || fail "link list: link $id missing"
done
wait "$holder"
rc=$?
holder=
[ $rc = 0 ] || fail "--attach -d 3: exit $rc"
grep -q "^detaching" "$tmp/hold" || fail "--attach: no 'detaching' line"
run "$TOOL" link list
for id in $ids; do
	grep -Eq "^ *$id " "$tmp/out" && fail "link $id still listed after the tool exited"
done

# --- an iterator prints one run of its output
# Some kernel builds (one 6.18.44) refuse the bpf_map_elem iterator program with EPERM while
# loading other iterators: ask the kernel by loading the object, then skip this part.
skipped=
run "$TOOL" object load "$OBJDIR/attach_iter.bpf.o"
if [ $rc = 1 ] && grep -qF "prog 'dump_squares' was not accepted: Operation not permitted" "$tmp/err"; then
	skipped="the kernel refuses the bpf_map_elem iterator (loading SEC(\"iter/bpf_map_elem\"): EPERM)"
	echo "skipped part: iterator output: $skipped"
else
	[ $rc = 0 ] || fail "load attach_iter.bpf.o: exit $rc"
	# bpf_map_elem needs a map: skipped with the reason, the others attached
	run "$TOOL" object load "$OBJDIR/attach_iter.bpf.o" --attach -d 0
	[ $rc = 0 ] || fail "iter objects: exit $rc (what can attach is attached: want 0)"
	expect_out "link 'list_tasks': iter task (iter link, id " "tgid comm" \
		"skipped 1 program this kernel cannot attach: 'dump_squares'"
	grep -q "^1 \|^2 kthreadd" "$tmp/out" || fail "iter/task output missing"
	grep -qF "does this iterator need options, such as a map?" "$tmp/err" ||
		fail "iter/bpf_map_elem: no explanation"
	# a program asked for by name must attach
	run "$TOOL" object load "$OBJDIR/attach_iter.bpf.o" --attach -d 0 --prog dump_squares
	[ $rc = 1 ] || fail "--prog dump_squares: exit $rc, want 1"
	run "$TOOL" object load "$OBJDIR/attach_iter.bpf.o" --attach -d 0 --prog list_tasks
	[ $rc = 0 ] || fail "--prog list_tasks: exit $rc"
	expect_out "link 'list_tasks': iter task" "prog 'dump_squares': not loaded (not picked by --prog)"
fi

# --- an iterator's output is written as read, NUL bytes included (it was printed as a C string)
run "$TOOL" object load "$OBJDIR/iter_binary.bpf.o"
if [ $rc = 1 ] && grep -qF "prog 'binary_out' was not accepted" "$tmp/err"; then
	why="the kernel refuses the task iterator: $(grep -F "prog 'binary_out'" "$tmp/err" | head -n 1)"
	echo "skipped part: binary iterator output: $why"
	skipped="${skipped:+$skipped; }$why"
else
	[ $rc = 0 ] || fail "load iter_binary.bpf.o: exit $rc"
	run "$TOOL" object load "$OBJDIR/iter_binary.bpf.o" --attach -d 0
	[ $rc = 0 ] || fail "iter_binary: exit $rc"
	printf 'head\000tail\n' >"$tmp/want"
	grep -a -q "^head" "$tmp/out" || fail "iter_binary: no output line"
	# the bytes after "head": a NUL then "tail" (od shows them portably)
	got=$(grep -a "^head" "$tmp/out" | od -An -c | tr -s ' \n' ' ')
	want=$(od -An -c "$tmp/want" | tr -s ' \n' ' ')
	[ "$got" = "$want" ] || fail "iter_binary: output bytes '$got', want '$want'"
fi

# --- pin the links and exit: they stay until the pins go
bpffs="$tmp/bpffs"
mkdir "$bpffs" && mount -t bpf bpf "$bpffs" || fail "cannot mount a bpffs"
"$TOOL" object load "$OBJDIR/tp_count.bpf.o" --attach --pin-links "$bpffs/links" >"$tmp/hold" 2>&1 ||
	fail "--pin-links: exit $?"
grep -qF "link 'count_getpid' pinned at $bpffs/links/count_getpid" "$tmp/hold" ||
	fail "--pin-links: no pin line"
grep -qF "links pinned under $bpffs/links" "$tmp/hold" || fail "--pin-links: no summary"
[ -e "$bpffs/links/count_getpid" ] && [ -e "$bpffs/links/count_getppid" ] || fail "pins missing"
ids=$(held_ids)
run "$TOOL" link list
expect_out "count_getpid" "perf_event"
# what a perf_event link is attached to, when the kernel says (its link info has a perf_event
# member: Linux 6.6); the tool says when it does not
grep -qF "tracepoint sys_enter_getpid" "$tmp/out" ||
	expect_out "? (the kernel does not describe perf_event links)"
rm -f "$bpffs"/links/* && rmdir "$bpffs/links"
run "$TOOL" link list
for id in $ids; do
	grep -Eq "^ *$id " "$tmp/out" && fail "link $id still listed after its pin was removed"
done

# --- -j: one document (maps, programs, links with the pins, what was skipped); the link ids
# are those of the pinned links
run "$TOOL" -j object load "$OBJDIR/tp_count.bpf.o" --attach --pin-links "$bpffs/jl" --report
[ $rc = 0 ] || fail "-j --attach --pin-links: exit $rc"
"$CHECK" json <"$tmp/out" || fail "-j --attach: not one JSON document"
set -- $("$CHECK" link "$bpffs/jl/count_getpid")
grep -qF "{\"prog_name\":\"count_getpid\",\"target\":\"tracepoint syscalls/sys_enter_getpid\",\"type\":\"perf_event\",\"ids\":[$1],\"pinned\":[\"$bpffs/jl/count_getpid\"]}" "$tmp/out" ||
	fail "-j --attach: no element for link $1"
expect_out '"skipped":[{"prog_name":"not_auto","section":"xdp","reason":' '"step":"attach"'
rm -f "$bpffs"/jl/* && rmdir "$bpffs/jl"
# held links: the document is complete before the wait, the wait's lines go to stderr
run "$TOOL" -j object load "$OBJDIR/tp_count.bpf.o" --attach -d 0
[ $rc = 0 ] || fail "-j --attach -d 0: exit $rc"
"$CHECK" json <"$tmp/out" || fail "-j --attach -d 0: not one JSON document"
grep -q "^holding 2 links for 0 s" "$tmp/err" || fail "-j --attach: the holding line is not on stderr"

# --- --target: freplace on a function of a pinned XDP program, then a test run sees it
run "$TOOL" object load "$OBJDIR/freplace_target.bpf.o" --pin-progs "$bpffs/a"
[ $rc = 0 ] || fail "load freplace_target.bpf.o: exit $rc"
dd if=/dev/zero of="$tmp/pkt" bs=64 count=1 2>/dev/null || fail "dd: no packet file"
run "$TOOL" prog run pinned "$bpffs/a/xdp_main" data_in "$tmp/pkt"
expect_out "Return value: 2,"
run "$TOOL" object load "$OBJDIR/freplace_ext.bpf.o" --prog new_verdict
[ $rc = 1 ] || fail "freplace without --target: exit $rc, want 1"
grep -qF "give that program" "$tmp/err" || fail "freplace without --target: no reason"
run "$TOOL" object load "$OBJDIR/tp_count.bpf.o" --target "$bpffs/a/xdp_main"
[ $rc = 1 ] || fail "--target without such programs: exit $rc, want 1"
grep -qF -- "--target: no freplace, fentry, fexit or fmod_ret program" "$tmp/err" ||
	fail "--target without such programs: no reason"
run "$TOOL" object load "$OBJDIR/freplace_ext.bpf.o" --target-func verdict
[ $rc = 2 ] || fail "--target-func without --target: exit $rc, want 2"
"$TOOL" feature probe nohelpers >"$tmp/features" 2>&1
if grep -Eq "^  BPF trampolines +yes" "$tmp/features"; then
	run "$TOOL" object load "$OBJDIR/freplace_ext.bpf.o" --prog new_verdict \
		--target "$bpffs/a/xdp_main" --attach --pin-links "$bpffs/ext"
	[ $rc = 0 ] || fail "--target --attach: exit $rc"
	expect_out "link 'new_verdict': freplace verdict (" "pinned at $bpffs/ext/new_verdict"
	run "$TOOL" prog run pinned "$bpffs/a/xdp_main" data_in "$tmp/pkt"
	expect_out "Return value: 3,"
	# a bare SEC("freplace") with --target-func, the program's id as target
	rm -f "$bpffs/ext/new_verdict"
	run "$TOOL" prog show pinned "$bpffs/a/xdp_main"
	id=$(sed -n 's/^\([0-9][0-9]*\): .*/\1/p' "$tmp/out" | head -n 1)
	[ -n "$id" ] || fail "prog show: no id for xdp_main"
	run "$TOOL" object load "$OBJDIR/freplace_ext.bpf.o" --prog drop_verdict --target "$id" \
		--target-func verdict --attach --pin-links "$bpffs/ext"
	[ $rc = 0 ] || fail "--target ID --target-func --attach: exit $rc"
	run "$TOOL" prog run pinned "$bpffs/a/xdp_main" data_in "$tmp/pkt"
	expect_out "Return value: 1,"
	rm -f "$bpffs"/ext/* && rmdir "$bpffs/ext"
	run "$TOOL" prog run pinned "$bpffs/a/xdp_main" data_in "$tmp/pkt"
	expect_out "Return value: 2,"
else
	why="freplace: $(sed -n 's/^  BPF trampolines *no (\(.*\))$/\1/p' "$tmp/features")"
	echo "skipped part: $why"
	skipped="${skipped:+$skipped; }$why"
fi
rm -f "$bpffs"/a/* && rmdir "$bpffs/a"

# --- not on a bpffs: the mount hint
run "$TOOL" object load "$OBJDIR/tp_count.bpf.o" --attach --pin-links "$tmp/plain"
[ $rc = 1 ] || fail "--pin-links on tmpfs: exit $rc"
grep -qF "mount -t bpf bpf /sys/fs/bpf" "$tmp/err" || fail "--pin-links on tmpfs: no mount hint"

# --- struct_ops maps: --attach registers each (by struct_ops link where the kernel has one,
# by map update otherwise); their programs are not reported as unattached
run "$TOOL" object load "$OBJDIR/struct_ops_cc.bpf.o" --attach -d 0
if [ $rc = 0 ]; then
	expect_out "link 'ebpfmini_cc': struct_ops tcp_congestion_ops 'ebpfmini_cc' (map_update link" \
		"link 'ebpfmini_cc_link': struct_ops tcp_congestion_ops 'ebpfmini_cc_link' ("
	grep -qF "not attached" "$tmp/out" && fail "--attach: a struct_ops program reported as not attached"
elif grep -qF "forbids BPF trampolines" "$tmp/err"; then
	skipped="${skipped:+$skipped, }struct_ops (BPF trampolines)"
else
	fail "--attach of struct_ops maps: exit $rc"
fi

# --- usage errors
run "$TOOL" object load "$OBJDIR/tp_count.bpf.o" --attach -d x
[ $rc = 2 ] || fail "-d x: exit $rc"
run "$TOOL" object load "$OBJDIR/tp_count.bpf.o" --pin-links "$tmp"
[ $rc = 2 ] || fail "--pin-links without --attach: exit $rc"
run "$TOOL" link list extra
[ $rc = 2 ] || fail "link list extra: exit $rc"
run "$TOOL" help link
expect_out "ebpfmini link list"
if [ -n "$skipped" ]; then echo "ok (one part skipped: $skipped)"; else echo "ok"; fi
