#!/bin/sh
# test_tool_cmds.sh - kernel-tool-cmds: ebpfmini prog, map, link and btf commands, each checked
# against the kernel's state read through the library (tool_check), every -j output parsed
# usage: test_tool_cmds.sh EBPFMINI_BINARY BPF_OBJ_DIR TOOL_CHECK   (as root; exit 77 = skip)
set -u
TOOL=$1
OBJDIR=$2
CHECK=$3
tmp=$(mktemp -d /tmp/ebpfmini-tool-cmds-XXXXXX) || exit 1
fs=
cleanup() {
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
# json CMD...: runs the tool with -j, the output must be one valid JSON document
# (the compact one is left in $tmp/out)
json() {
	ok "$TOOL" -p "$@"
	"$CHECK" json <"$tmp/out" 2>"$tmp/err" || fail "-p $*: not one JSON document"
	ok "$TOOL" -j "$@"
	"$CHECK" json <"$tmp/out" 2>"$tmp/err" || fail "-j $*: not one JSON document"
}
json1() { # for a command that changes something: -j only, once
	ok "$TOOL" -j "$@"
	"$CHECK" json <"$tmp/out" 2>"$tmp/err" || fail "-j $*: not one JSON document"
}
has() {
	for word in "$@"; do
		grep -qF -- "$word" "$tmp/out" || fail "'$word' missing from the output"
	done
}
field() { # the value of "$1": in the compact JSON of $tmp/out (the first one)
	sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p" "$tmp/out" | head -1
}

if [ "$(id -u)" != 0 ]; then
	echo "skipped: needs root (CAP_BPF)"
	exit 77
fi
fs=$tmp/fs
mkdir "$fs" && mount -t bpf bpf "$fs" || fail "cannot mount bpffs at $fs"

# --- object show -j: the object's tables as JSON
json object show "$OBJDIR/tool_maps.bpf.o"
has '"name":"count_xdp","section":"xdp","type":"xdp"' \
	'"name":"records","type":"hash","bytes_key":4,"bytes_value":40,"max_entries":8' \
	'"kind":"map_value","map":".bss"'

# --- prog loadall / load: every program and map pinned
ok "$TOOL" prog loadall "$OBJDIR/tool_maps.bpf.o" "$fs/p" pinmaps "$fs/m"
for pin in p/count_xdp m/records m/fifo m/_bss; do
	[ -e "$fs/$pin" ] || fail "prog loadall: $pin is not pinned"
done
ok "$TOOL" prog load "$OBJDIR/tp_count.bpf.o" "$fs/first"
set -- $("$CHECK" prog "$fs/first")
[ "$2" = count_getpid ] || fail "prog load pinned '$2', not the first program"

# --- prog show / list: id, name, type and maps as the kernel has them
set -- $("$CHECK" prog "$fs/p/count_xdp")
id=$1
ok "$TOOL" prog show pinned "$fs/p/count_xdp"
grep -Eq "^$id: xdp  name count_xdp  tag [0-9a-f]{16}  gpl" "$tmp/out" || fail "prog show: first line"
has "xlated" "map_ids"
json prog show id "$id"
[ "$(field id)" = "$id" ] || fail "prog show -j: id $(field id), want $id"
[ "$(field name)" = '"count_xdp"' ] || fail "prog show -j: name"
[ "$(field type)" = '"xdp"' ] || fail "prog show -j: type"
json prog list
grep -q "\"id\":$id," "$tmp/out" || fail "prog list -j: no id $id"
ok "$TOOL" prog show name count_xdp
grep -q "^$id: xdp" "$tmp/out" || fail "prog show name: not found"
json1 prog pin id "$id" "$fs/again"
set -- $("$CHECK" prog "$fs/again")
[ "$1" = "$id" ] || fail "prog pin: pinned id $1, want $id"

# --- prog run: the program's verdict, and its count in .bss as the kernel holds it
head -c 64 /dev/zero >"$tmp/pkt"
ok "$TOOL" prog run pinned "$fs/p/count_xdp" data_in "$tmp/pkt" repeat 3
grep -Eq "^Return value: 2, duration \(average\): [0-9]+ns" "$tmp/out" || fail "prog run: verdict"
json prog run id "$id" data_in "$tmp/pkt"
[ "$(field retval)" = 2 ] || fail "prog run -j: retval"
want=$("$CHECK" map-value "$fs/m/_bss" 0 0 0 0) # 3 runs, then one each for -p and -j
[ "$want" = "05 00 00 00 00 00 00 00" ] || fail "after 5 runs .bss holds $want"
ok "$TOOL" map dump pinned "$fs/m/_bss"
has 'value: {"packets":5}' "Found 1 element"

# --- map update / lookup / dump with a BTF-typed value
rec="5 0 0 0  2 0 0 0  0x68 0x65 0x6c 0x6c 0x6f 0 0 0  1 0 2 0 3 0  0xff 0xff 4 0  0x0d 0 0 0 0 0  0xfe 0xff 0xff 0xff 0xff 0xff 0xff 0xff"
ok "$TOOL" map update pinned "$fs/m/records" key 1 0 0 0 value $rec
[ "$("$CHECK" map-value "$fs/m/records" 1 0 0 0)" = "05 00 00 00 02 00 00 00 68 65 6c 6c 6f 00 00 00 01 00 02 00 03 00 ff ff 04 00 0d 00 00 00 00 00 fe ff ff ff ff ff ff ff" ] ||
	fail "map update: the kernel holds $("$CHECK" map-value "$fs/m/records" 1 0 0 0)"
ok "$TOOL" map lookup pinned "$fs/m/records" key hex 01 00 00 00
has 'key: 1  value: {"count":5,"color":"GREEN","label":"hello","samples":[1,2,3],"where":{"x":-1,"y":4},"small":5,"flag":1,"delta":-2}'
json map dump pinned "$fs/m/records"
has '"key":["0x01","0x00","0x00","0x00"]' '"formatted":{"key":1,"value":{"count":5,"color":"GREEN"'
run "$TOOL" map update pinned "$fs/m/records" key 1 0 0 0 value $rec noexist
[ $rc = 1 ] && grep -q EEXIST "$tmp/err" || fail "map update noexist over a key: exit $rc"
ok "$TOOL" map update pinned "$fs/m/records" key 2 0 0 0 value $rec
[ "$("$CHECK" map-count "$fs/m/records")" = 2 ] || fail "map update: not 2 keys"
ok "$TOOL" map getnext pinned "$fs/m/records"
first=$(sed -n 's/^next key: //p' "$tmp/out")
ok "$TOOL" map getnext pinned "$fs/m/records" key hex $first
second=$(sed -n 's/^next key: //p' "$tmp/out")
[ "$first,$second" = "01 00 00 00,02 00 00 00" ] || [ "$first,$second" = "02 00 00 00,01 00 00 00" ] ||
	fail "map getnext: keys '$first', '$second'"
json map getnext pinned "$fs/m/records"
ok "$TOOL" map delete pinned "$fs/m/records" key 2 0 0 0
[ "$("$CHECK" map-count "$fs/m/records")" = 1 ] || fail "map delete: not 1 key left"
run "$TOOL" map lookup pinned "$fs/m/records" key 2 0 0 0
[ $rc = 1 ] && grep -q "no element with that key" "$tmp/err" || fail "map lookup of a deleted key"
run "$TOOL" map lookup pinned "$fs/m/records" key 2 0 0
[ $rc != 0 ] && grep -q "4 bytes wanted, 3 given" "$tmp/err" || fail "map lookup of a short key"
run "$TOOL" map lookup pinned "$fs/m/records" key 2 0 0 0 bogus
[ $rc = 2 ] && grep -q "unexpected 'bogus'" "$tmp/err" || fail "a bad word is not named"

# --- map show / list
set -- $("$CHECK" map "$fs/m/records")
ok "$TOOL" map show pinned "$fs/m/records"
grep -q "^$1: hash  name records  flags 0x0" "$tmp/out" || fail "map show: first line"
has "key 4B  value 40B  max_entries 8"
json map show id "$1"
[ "$(field bytes_value)" = 40 ] || fail "map show -j: bytes_value"
json map list
grep -q "\"id\":$1," "$tmp/out" || fail "map list -j: no id $1"

# --- queue: push, peek, pop
ok "$TOOL" map push pinned "$fs/m/fifo" value 7 0 0 0
ok "$TOOL" map enqueue pinned "$fs/m/fifo" value 8 0 0 0
ok "$TOOL" map peek pinned "$fs/m/fifo"
has "value: 07 00 00 00"
json1 map pop pinned "$fs/m/fifo"
has '"value":["0x07","0x00","0x00","0x00"]'
ok "$TOOL" map dequeue pinned "$fs/m/fifo"
has "value: 08 00 00 00"
run "$TOOL" map pop pinned "$fs/m/fifo"
[ $rc = 1 ] && grep -q "the map is empty" "$tmp/err" || fail "map pop of an empty queue"

# --- map create, pin, freeze
ok "$TOOL" map create "$fs/made" type hash key 4 value 2 entries 3 name made
set -- $("$CHECK" map "$fs/made")
[ "$2 $3 $4 $5" = "made 4 2 3" ] || fail "map create: the kernel has $*"
ok "$TOOL" map pin pinned "$fs/made" "$fs/made2"
[ "$("$CHECK" map "$fs/made2")" = "$*" ] || fail "map pin: another map"
ok "$TOOL" map freeze pinned "$fs/made"
run "$TOOL" map update pinned "$fs/made" key 1 0 0 0 value 1 0
[ $rc = 1 ] && grep -q EPERM "$tmp/err" || fail "map update of a frozen map: exit $rc"
json map show pinned "$fs/made"
[ "$(field frozen)" = 1 ] || fail "map show -j: not frozen"
run "$TOOL" map create "$fs/x" type no_such key 4 value 4 entries 1
[ $rc != 0 ] && grep -q "unknown map type 'no_such'" "$tmp/err" || fail "map create: bad type"

# --- link show / pin / list: the links of prog loadall ... autoattach
ok "$TOOL" prog loadall "$OBJDIR/tp_count.bpf.o" "$fs/l" autoattach
set -- $("$CHECK" link "$fs/l/count_getpid")
ok "$TOOL" link show pinned "$fs/l/count_getpid"
# kernels before 6.6 do not describe perf_event links
grep -Eq "^ +$1 +perf_event +$2 +count_getpid +(tracepoint sys_enter_getpid|\? \(the kernel)" \
	"$tmp/out" || fail "link show: no line for link $1"
json link show id "$1"
[ "$(field prog_id)" = "$2" ] || fail "link show -j: prog_id"
json link list
grep -q "\"id\":$1," "$tmp/out" || fail "link list -j: no id $1"
ok "$TOOL" link pin id "$1" "$fs/link2"
[ "$("$CHECK" link "$fs/link2")" = "$1 $2" ] || fail "link pin: another link"

# --- btf list / show / dump
set -- $("$CHECK" prog "$fs/p/count_xdp")
json prog show pinned "$fs/p/count_xdp"
btf=$(field btf_id)
[ -n "$btf" ] || fail "prog show -j: no btf_id"
ok "$TOOL" btf show "$btf"
grep -q "^$btf: name <anon>  size [0-9]*B  prog_ids $1" "$tmp/out" || fail "btf show: line"
json btf list
grep -q "\"id\":$btf," "$tmp/out" || fail "btf list -j: no id $btf"
ok "$TOOL" btf dump map pinned "$fs/m/records"
has "struct record {" "enum color {" "char label[8];"
ok "$TOOL" btf dump prog pinned "$fs/p/count_xdp" format raw
has "STRUCT 'record' size=40" "ENUM 'color'"
ok "$TOOL" btf dump file "$OBJDIR/tool_maps.bpf.o" format raw
has "STRUCT 'point' size=4"
ok "$TOOL" btf dump id 1 format raw
has "[1] "
# -j: bpftool's raw format as JSON, the same types as the text
json btf dump file "$OBJDIR/tool_maps.bpf.o" format raw
has '"kind":"STRUCT","name":"point","size":4,"vlen":2,"members":[{"name":"x","type_id":'
n=$("$TOOL" btf dump file "$OBJDIR/tool_maps.bpf.o" format raw | grep -c '^\[')
[ "$(grep -o '{"id":[0-9]*,"kind"' "$tmp/out" | wc -l)" = "$n" ] || fail "btf dump -j: not $n types"
run "$TOOL" -j btf dump file "$OBJDIR/tool_maps.bpf.o"
[ $rc = 1 ] && grep -q "format raw" "$tmp/err" || fail "btf dump -j format c: exit $rc"

# --- prog dump -j: every instruction, the map ids the kernel gave
set -- $("$CHECK" prog "$fs/p/count_xdp")
json prog dump xlated id "$1" opcodes
has '{"pc":0,"func":"count_xdp",' '"opcodes":{"code":"0x'
bss=$("$CHECK" map "$fs/m/_bss" | cut -d' ' -f1)
grep -q "\"disasm\":\"(18) r[0-9] = map\[id:$bss\]\[0\]+0\"" "$tmp/out" || fail "prog dump -j: no .bss id $bss"
json prog dump jited id "$1"
has '"opcodes":["0x'

echo "ok"
