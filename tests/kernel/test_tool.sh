#!/bin/sh
# test_tool.sh - kernel-tool: `ebpfmini object show` and `ebpfmini object load` on real objects
# usage: test_tool.sh EBPFMINI_BINARY BPF_OBJ_DIR TOOL_CHECK   (run by meson as root; exit 77 = skip)
set -u
TOOL=$1
OBJDIR=$2
CHECK=$3
TOOL_TEST=tool
. "$(dirname "$0")/tool_lib.sh"

# --- global commands
run "$TOOL" version
[ $rc = 0 ] || fail "version: exit $rc"
grep -Eq '^ebpfmini [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out" || fail "version: unexpected output"
run "$TOOL" help
[ $rc = 0 ] || fail "help: exit $rc"
expect_out "ebpfmini object show OBJ" "ebpfmini object load OBJ"
run "$TOOL" no-such-command
[ $rc = 2 ] || fail "unknown command: exit $rc, want 2"
grep -q "unknown command 'no-such-command'" "$tmp/err" || fail "unknown command: no message"
run "$TOOL" object
[ $rc = 2 ] || fail "noun without verb: exit $rc, want 2"

# --- object show: sections, programs (section, type, insns), maps, relocations
run "$TOOL" object show "$OBJDIR/tp_count.bpf.o"
[ $rc = 0 ] || fail "object show: exit $rc"
expect_out "sections:" "programs:" "maps:" "relocations:" \
	"tp/syscalls/sys_enter_getpid" "tracepoint/syscalls/sys_enter_getppid" "license \"GPL\""
grep -Eq '^ +count_getpid +tp/syscalls/sys_enter_getpid +tracepoint +[1-9][0-9]*$' "$tmp/out" ||
	fail "object show: no program line for count_getpid"
grep -Eq '^ +not_auto +xdp +xdp +[1-9]' "$tmp/out" || fail "object show: no line for not_auto"
grep -Eq '^ +\.bss +array +4 +16 +1 +0x400 \(mmapable\)' "$tmp/out" ||
	fail "object show: no map line for .bss"
grep -Eq '^ +\.rodata +array +4 +4 +1 +0x4[08]0 \(' "$tmp/out" ||
	fail "object show: no map line for .rodata"
grep -Eq "^ +insn +7 +map value +'\.bss' \+ 0" "$tmp/out" || fail "object show: no .bss relocation"
grep -Eq "^ +insn +1 +map value +'\.rodata' \+ 0" "$tmp/out" || fail "object show: no .rodata relocation"
grep -q "section 'tracepoint/syscalls/sys_enter_getppid' (2):" "$tmp/out" ||
	fail "object show: no relocations listed for the getppid section"
grep -Eq "^ +[0-9]+ +\.BTF +PROGBITS" "$tmp/out" || fail "object show: no .BTF section"

run "$TOOL" object show "$OBJDIR/bad_verifier.bpf.o"
[ $rc = 0 ] || fail "object show bad_verifier: exit $rc"
grep -Eq '^ +values +hash +4 +8 +4 +0 +none' "$tmp/out" || fail "object show: no line for map values"
grep -Eq "map fd +map 'values'" "$tmp/out" || fail "object show: no map fd relocation"

echo "not an ELF file" >"$tmp/notelf"
run "$TOOL" object show "$tmp/notelf"
[ $rc != 0 ] || fail "object show of a text file succeeded"
run "$TOOL" object show "$tmp/does-not-exist.o"
[ $rc != 0 ] || fail "object show of a missing file succeeded"
grep -q "does-not-exist.o: No such file or directory" "$tmp/err" || fail "missing file: no file error"
[ "$(wc -l <"$tmp/err")" = 1 ] || fail "missing file: more than one line"
run "$TOOL" object load /dev/zero
[ $rc = 1 ] && grep -q "/dev/zero: not a regular file" "$tmp/err" || fail "object load /dev/zero"
! grep -q "E2BIG" "$tmp/err" || fail "object load /dev/zero: a kernel explanation"

# --- as a user without CAP_BPF: the error once, no BTF warnings before it
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$TOOL" object load "$OBJDIR/tp_count.bpf.o" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc = 1 ] || fail "object load without privileges: exit $rc"
	[ "$(grep -c EPERM "$tmp/err")" = 1 ] || fail "without privileges: EPERM not explained once"
	! grep -q "btf:" "$tmp/err" || fail "without privileges: BTF warnings before the error"
	# the listings: the error, explained, and no table header before it
	for cmd in "link list" "prog list" "map list" "btf list" "cgroup tree" "perf list" "net list"; do
		# shellcheck disable=SC2086
		setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
			"$TOOL" $cmd >"$tmp/out" 2>"$tmp/err"
		rc=$?
		[ $rc = 1 ] || fail "$cmd without privileges: exit $rc"
		grep -q "EPERM.*CAP_BPF" "$tmp/err" || fail "$cmd without privileges: EPERM not explained"
		[ ! -s "$tmp/out" ] || fail "$cmd without privileges: output before the error"
	done
fi

# --- usage errors name the word rejected; file errors are a file's
usage_error() { # WORD CMD...: exit 2, and WORD named
	word=$1
	shift
	run "$TOOL" "$@"
	[ $rc = 2 ] || fail "$*: exit $rc, want 2"
	grep -qF "$word" "$tmp/err" || fail "$*: '$word' is not named"
}
usage_error "unexpected 'b'" btf dump "$OBJDIR/tp_count.bpf.o" b
usage_error "unexpected '--bogus'" object load "$OBJDIR/tp_count.bpf.o" --bogus
usage_error "'--pin-maps' wants a value" object load "$OBJDIR/tp_count.bpf.o" --pin-maps
usage_error "unexpected '--nope'" btf dump --nope
usage_error "unexpected 'b'" gen skeleton "$OBJDIR/tp_count.bpf.o" b
usage_error "iter pin: missing arguments" iter pin "$OBJDIR/tp_count.bpf.o"
run "$TOOL" btf dump id 1 format x
[ $rc = 2 ] && grep -q "format wants c or raw, not 'x'" "$tmp/err" || fail "btf dump format x"
for cmd in "btf dump file" "gen skeleton"; do
	# shellcheck disable=SC2086
	run "$TOOL" $cmd /dev/zero
	[ $rc = 1 ] && grep -q "/dev/zero: not a regular file" "$tmp/err" || fail "$cmd /dev/zero"
	# shellcheck disable=SC2086
	run "$TOOL" $cmd "$tmp/does-not-exist"
	[ $rc = 1 ] && grep -q "does-not-exist: No such file or directory" "$tmp/err" ||
		fail "$cmd of a missing file"
done

# --- object load: ids of every map and program, exit 0
run "$TOOL" object load "$OBJDIR/tp_count.bpf.o"
[ $rc = 0 ] || fail "object load: exit $rc"
grep -Eq "^prog 'count_getpid': id [1-9][0-9]*, tracepoint" "$tmp/out" || fail "object load: no prog id"
grep -Eq "^prog 'count_getppid': id [1-9][0-9]*, tracepoint" "$tmp/out" || fail "object load: no prog id"
grep -Eq "^map  '\.bss': id [1-9][0-9]*, array" "$tmp/out" || fail "object load: no map id"

# --- object load of an object the verifier rejects: non-zero, the error and the log
run "$TOOL" object load "$OBJDIR/bad_verifier.bpf.o"
[ $rc != 0 ] || fail "object load of bad_verifier succeeded"
grep -q "load failed: prog 'no_null_check'" "$tmp/err" || fail "object load: the error does not name the program"
grep -q "Permission denied" "$tmp/err" || fail "object load: no error text"
grep -q "verifier log of prog 'no_null_check'" "$tmp/err" || fail "object load: no verifier log"
grep -q "map_value_or_null" "$tmp/err" || fail "object load: the log lacks the verifier's complaint"

# --- object load --pin-maps / --pin-progs in a bpffs of our own
bpffs=$tmp/bpffs
mkdir "$bpffs" && mount -t bpf bpf "$bpffs" || fail "cannot mount bpffs at $bpffs"
run "$TOOL" object load "$OBJDIR/tp_count.bpf.o" --pin-maps "$bpffs/maps" --pin-progs "$bpffs/progs"
[ $rc = 0 ] || fail "object load --pin-maps --pin-progs: exit $rc"
expect_out "maps pinned under $bpffs/maps" "programs pinned under $bpffs/progs"
for pin in progs/count_getpid progs/count_getppid progs/not_auto maps/_bss maps/_rodata; do
	[ -e "$bpffs/$pin" ] || fail "object load: $pin is not pinned"
done
run "$TOOL" object load "$OBJDIR/tp_count.bpf.o" --pin-progs "$tmp/not-bpffs"
[ $rc != 0 ] || fail "object load --pin-progs outside bpffs succeeded"
grep -q "mount -t bpf bpf" "$tmp/err" || fail "--pin-progs outside bpffs: no mount hint"
run "$TOOL" object load
[ $rc = 2 ] || fail "object load without OBJ: exit $rc, want 2"

# --- object load -j: one document with the ids the kernel has (the pins lead to them)
run "$TOOL" -j object load "$OBJDIR/tp_count.bpf.o" --pin-maps "$bpffs/jmaps" --pin-progs "$bpffs/jprogs"
[ $rc = 0 ] || fail "-j object load: exit $rc"
expect_json
set -- $("$CHECK" prog "$bpffs/jprogs/count_getpid")
grep -q "\"programs\":\[{\"id\":$1,\"name\":\"count_getpid\",\"type\":\"tracepoint\",\"loaded\":true" "$tmp/out" ||
	fail "-j object load: no program id $1"
set -- $("$CHECK" map "$bpffs/jmaps/_bss")
grep -q "{\"id\":$1,\"name\":\".bss\",\"type\":\"array\"}" "$tmp/out" || fail "-j object load: no map id $1"
expect_out "\"pinned_maps\":\"$bpffs/jmaps\"" "\"pinned_programs\":\"$bpffs/jprogs\""
run "$TOOL" -p object load "$OBJDIR/tp_count.bpf.o" --prog count_getppid
[ $rc = 0 ] || fail "-p object load --prog: exit $rc"
expect_json
expect_out '"name": "count_getpid",' '"loaded": false'

# --- --trace: the tracepoint's id read from tracefs is the perf event's config
run "$TOOL" --trace object load "$OBJDIR/tp_count.bpf.o" --attach -d 0 --prog count_getpid
[ $rc = 0 ] || fail "--trace object load --attach: exit $rc"
id=$(sed -n 's/^read([0-9]*, "\([0-9]*\)\\n", [0-9]*) = [0-9]*$/\1/p' "$tmp/err" | head -1)
[ -n "$id" ] || fail "--trace: the read of the tracepoint id is not shown: $(grep -m3 'read(\|openat(' "$tmp/err")"
grep -q "^perf_event_open({type=PERF_TYPE_TRACEPOINT, size=[0-9]*, config=$id," "$tmp/err" ||
	fail "--trace: perf_event_open's config is not the id $id read before"
grep -q '^openat(".*/events/syscalls/sys_enter_getpid/id", O_RDONLY|O_CLOEXEC) = ' "$tmp/err" ||
	fail "--trace: no openat of the id file"

# --- prog tracelog: the lines of trace_pipe (written here through trace_marker)
# tracelog [-j] MARKER: runs prog tracelog while MARKER is written, its output in $tmp/out
tracelog() {
	# shellcheck disable=SC2086
	"$TOOL" ${2:-} prog tracelog >"$tmp/out" 2>"$tmp/err" &
	reader=$!
	sleep 0.5
	echo "$1" >$tr/trace_marker
	sleep 0.5
	kill -TERM $reader
	wait $reader
	rc=$?
	[ $rc = 0 ] || fail "prog tracelog ${2:-}: exit $rc"
}
tr=/sys/kernel/tracing
[ -w $tr/trace_marker ] || tr=/sys/kernel/debug/tracing
if [ -w $tr/trace_marker ] && [ -r $tr/trace_pipe ]; then
	tracelog "ebpfmini-tracelog-$$"
	grep -q "tracing_mark_write: ebpfmini-tracelog-$$\$" "$tmp/out" ||
		fail "prog tracelog: the marker line is missing"
	# -j: one array of strings, the marker line one of them
	tracelog "ebpfmini-tracelog-json-$$" -j
	expect_json
	grep -q '^\[.*"[^"]*tracing_mark_write: ebpfmini-tracelog-json-'$$'"' "$tmp/out" ||
		fail "prog tracelog -j: the marker is not a string of the array"
else
	echo "skipped part: prog tracelog: tracefs is not mounted"
fi
echo "ok"
