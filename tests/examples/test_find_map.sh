#!/bin/sh
# test_find_map.sh - example-find-map: its map found by pinned path and by name, in a bpffs of the test's own
. "$(dirname "$0")/lib.sh"
need_tracefs
check_cli
check_not_root -d 1

# a bpffs in a temporary directory, in a private mount namespace (gone with it)
if [ -z "${EBPFMINI_EXAMPLE_BPFNS:-}" ]; then
	rm -rf "$tmp"
	EBPFMINI_EXAMPLE_BPFNS=1 exec unshare --mount --propagation private sh "$0" "$EX" "$EXNET"
fi
mkdir "$tmp/bpffs" "$tmp/plain" || fail "mkdir"
mount -t bpf bpf "$tmp/bpffs" || fail "cannot mount a bpffs"
on_exit 'umount "$tmp/bpffs" 2>/dev/null'

"$EX" --bpffs "$tmp/bpffs" -d 1 >"$tmp/run.out" 2>"$tmp/run.err" || fail "exit $?"
id=$(sed -n "s/^loaded map 'find_me' (id \([0-9]*\)), pinned at .*/\1/p" "$tmp/run.out")
[ -n "$id" ] || fail "no 'loaded map' line"
grep -q "^found by path '$tmp/bpffs/find_me': map id $id name 'find_me' type BPF_MAP_TYPE_HASH key_size 4 value_size 8 max_entries 64 flags 0$" "$tmp/run.out" ||
	fail "not found by path with the right definition"
grep -q "^found by name 'find_me': map id $id name 'find_me' type BPF_MAP_TYPE_HASH" "$tmp/run.out" ||
	fail "map $id not found by name"
# its contents: execve counts per uid, uid 0 included (the example runs /bin/true)
grep -Eq "^  key 0 value [1-9][0-9]*$" "$tmp/run.out" || fail "no count for uid 0 in the contents"
grep -q "^the pin leads to map id $id; maps named 'find_me' include it$" "$tmp/run.out" ||
	fail "no conclusion line"
[ -e "$tmp/bpffs/find_me" ] && fail "the pin was left behind"

# looking only: a name nobody uses, a path with nothing pinned
"$EX" -n no_such_map_xyz >"$tmp/none.out" 2>"$tmp/none.err" && fail "-n no_such_map_xyz: exit 0"
grep -q "no map named 'no_such_map_xyz'" "$tmp/none.err" || fail "-n: no message"
"$EX" -p "$tmp/bpffs/nothing" >"$tmp/none.out" 2>"$tmp/none.err" && fail "-p nothing: exit 0"
grep -q "nothing pinned at" "$tmp/none.err" || fail "-p: no message"
# a directory that is not a bpffs
"$EX" --bpffs "$tmp/plain" -d 1 >"$tmp/plain.out" 2>"$tmp/plain.err" && fail "not a bpffs: exit 0"
grep -q "mount -t bpf bpf $tmp/plain" "$tmp/plain.err" || fail "not a bpffs: no hint"
echo "ok"
