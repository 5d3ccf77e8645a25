#!/bin/sh
# test_tool_disasm.sh - kernel-tool-disasm: `ebpfmini object show --disasm` before load,
# `ebpfmini prog dump xlated|jited` after, checked against the ids the load printed, and
# `ebpfmini object load --report` (and with -j): each step of the load, as text and as JSON
# usage: test_tool_disasm.sh EBPFMINI_BINARY BPF_OBJ_DIR TOOL_CHECK   (run by meson as root; exit 77 = skip)
set -u
TOOL=$1
OBJDIR=$2
CHECK=$3
TOOL_TEST=disasm
. "$(dirname "$0")/tool_lib.sh"
obj=$OBJDIR/tp_count.bpf.o

# --- before load: the object's names
run "$TOOL" object show "$obj" --disasm
[ $rc = 0 ] || fail "object show --disasm: exit $rc"
expect_out "disassembly:" "  section 'tp/syscalls/sys_enter_getpid':" "    count_getpid:" \
	"       0: call bpf_get_current_pid_tgid#14" "       1: r1 = map[.rodata][0]+0" \
	"       7: r2 = map[.bss][0]+0" "       9: lock *(u64 *)(r2 +0) += r1" "      11: exit"
run "$TOOL" object show "$obj" --disasm --opcodes
expect_out "       0: (85) call bpf_get_current_pid_tgid#14" "      11: (95) exit"

# --- after load: the kernel's instructions, maps by the ids the load printed
bpffs=$tmp/bpffs
mkdir "$bpffs" && mount -t bpf bpf "$bpffs" || fail "cannot mount bpffs at $bpffs"
run "$TOOL" object load "$obj" --pin-progs "$bpffs"
[ $rc = 0 ] || fail "object load: exit $rc"
bss=$(sed -n "s/^map  '\.bss': id \([0-9]*\),.*/\1/p" "$tmp/out")
prog=$(sed -n "s/^prog 'count_getpid': id \([0-9]*\),.*/\1/p" "$tmp/out")
[ -n "$bss" ] && [ -n "$prog" ] || fail "object load printed no ids"
for sel in "$prog" "id $prog" "pinned $bpffs/count_getpid"; do
	# shellcheck disable=SC2086
	run "$TOOL" prog dump xlated $sel
	[ $rc = 0 ] || fail "prog dump xlated $sel: exit $rc"
	expect_out "count_getpid:" "(18) r2 = map[id:$bss][0]+0" "(95) exit"
	grep -Eq '^   0: \(85\) call bpf_get_current_pid_tgid#-?[0-9]+$' "$tmp/out" ||
		fail "prog dump xlated $sel: the helper call is not named"
done
grep -q '^; .*bpf_get_current_pid_tgid' "$tmp/out" || fail "prog dump xlated: no source line"
run "$TOOL" prog dump xlated "$prog" linum opcodes
[ $rc = 0 ] || fail "prog dump xlated linum opcodes: exit $rc"
grep -q '^; .* @ .*tp_count\.bpf\.c:[0-9]*:[0-9]*$' "$tmp/out" || fail "linum: no file:line"
grep -Eq '^ +95 00 00 00 00 00 00 00$' "$tmp/out" || fail "opcodes: no bytes of exit"
run "$TOOL" prog dump jited "$prog"
[ $rc = 0 ] || fail "prog dump jited: exit $rc"
grep -q '_count_getpid:$' "$tmp/out" || fail "prog dump jited: no symbol"
grep -Eq '^ +0:( [0-9a-f]{2}){16}$' "$tmp/out" || fail "prog dump jited: no bytes"

# --- the load report: every step, the ids the kernel gave, JSON that parses
run "$TOOL" object load "$obj" --report
[ $rc = 0 ] || fail "object load --report: exit $rc"
expect_out "load report of 'tp_count'" " parse " " btf_load " " map_create " " prog_load " "ms in all"
bss=$(sed -n "s/^map  '\.bss': id \([0-9]*\),.*/\1/p" "$tmp/out")
grep -Eq "map_create +map '\.bss' +created array, key 4, value 16, max_entries 1, id $bss\$" "$tmp/out" ||
	fail "report: no .bss line with id $bss"
grep -Eq "prog_load +prog 'count_getpid' +verified: 12 insns, [1-9][0-9]* verified, id [1-9]" "$tmp/out" ||
	fail "report: no verified count for count_getpid"
run "$TOOL" object load "$obj" --attach -d 0 --report
[ $rc = 0 ] || fail "object load --attach --report: exit $rc"
grep -Eq "attach +prog 'count_getpid' +attached to syscalls/sys_enter_getpid, id [1-9]" "$tmp/out" ||
	fail "report: no attach step"
run "$TOOL" object load "$OBJDIR/core_task.bpf.o" --report
[ $rc = 0 ] || fail "object load --report of a CO-RE object: exit $rc"
expect_out " kernel_btf " " core " "  fixup " "relocation #0"
run "$TOOL" object load "$obj" --report --json
[ $rc = 0 ] || fail "object load --report --json: exit $rc"
expect_json
grep -q '^{"object":"tp_count","file":"[^"]*","maps":\[{"id":[1-9]' "$tmp/out" || fail "report JSON: object, maps"
grep -q '"steps":\[{"step":"parse"' "$tmp/out" || fail "report JSON: first step"
grep -q '"step":"btf_load"' "$tmp/out" || fail "report JSON: no btf_load step"
n=$(grep -o '"step":"prog_load"[^}]*"err":0,"id":[1-9][0-9]*,"insns":[0-9]*,"verified_insns":[1-9]' "$tmp/out" | wc -l)
[ "$n" = 3 ] || fail "report JSON: $n verified prog_load steps, want 3"
# the ids of the report are those of the programs the kernel has
for id in $(grep -o '"step":"prog_load"[^}]*"id":[0-9]*' "$tmp/out" | sed 's/.*"id"://'); do
	grep -q "\"programs\":\[.*{\"id\":$id," "$tmp/out" || fail "report JSON: prog id $id is not a program's"
done
run "$TOOL" object load "$OBJDIR/bad_verifier.bpf.o" --report
[ $rc = 1 ] || fail "object load --report of a rejected program: exit $rc"
grep -Eq "prog_load +prog 'no_null_check' +Permission denied: " "$tmp/out" ||
	fail "report: the failed step is missing"
run "$TOOL" -p object load "$obj" --report
[ $rc = 0 ] || fail "-p object load --report: exit $rc"
grep -q '^{' "$tmp/out" || fail "report: -p does not print JSON"
expect_json
run "$TOOL" -j object load "$OBJDIR/bad_verifier.bpf.o" --report
[ $rc = 1 ] || fail "-j object load --report of a rejected program: exit $rc"
expect_json
grep -q '"error":-13,"steps":\[' "$tmp/out" || fail "report JSON of a failed load: no error"

# --- wrong usage
run "$TOOL" prog dump xlated "$prog" bogus
[ $rc = 2 ] || fail "prog dump with a stray word: exit $rc, want 2"
grep -q "unexpected 'bogus'" "$tmp/err" || fail "prog dump: the stray word is not named"
run "$TOOL" prog dump source "$prog"
[ $rc = 2 ] || fail "prog dump source: exit $rc, want 2"
run "$TOOL" prog dump xlated 4294967295
[ $rc = 1 ] || fail "prog dump of a missing id: exit $rc, want 1"
echo "ok"
