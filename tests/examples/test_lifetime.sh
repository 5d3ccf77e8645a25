#!/bin/sh
# test_lifetime.sh - example-lifetime: objects outlive their process while pinned, and go when unpinned
. "$(dirname "$0")/lib.sh"
check_cli
check_not_root -d 1

# a private mount namespace: the bpffs the example mounts goes with it, whatever happens
if [ -z "${EBPFMINI_EXAMPLE_BPFNS:-}" ]; then
	rm -rf "$tmp"
	EBPFMINI_EXAMPLE_BPFNS=1 exec unshare --mount --propagation private sh "$0" "$EX" "$EXNET"
fi
mkdir "$tmp/bpffs" || fail "mkdir"
on_exit 'umount "$tmp/bpffs" 2>/dev/null'

"$EX" --bpffs "$tmp/bpffs" -d 1 >"$tmp/run.out" 2>"$tmp/run.err" || fail "exit $?"
o="$tmp/run.out"
grep -q "^mounted a bpffs at $tmp/bpffs$" "$o" || fail "it did not mount a bpffs"
ids=$(sed -n 's/^step 1 (process \([0-9]*\)): loaded prog \([0-9]*\) and map \([0-9]*\), attached link \([0-9]*\), pinned at$/\1 \2 \3 \4/p' "$o")
[ -n "$ids" ] || fail "no step 1 line"
set -- $ids
child=$1 prog=$2 map=$3 link=$4
grep -q "^step 2: process $child exited" "$o" || fail "step 2: the child did not exit"
grep -q "^  prog $prog 'count_execs': alive$" "$o" || fail "step 2: prog not alive"
grep -q "^  map $map 'exec_count': alive$" "$o" || fail "step 2: map not alive"
grep -q "^  link $link: alive, BPF_LINK_TYPE_RAW_TRACEPOINT, program $prog attached$" "$o" ||
	fail "step 2: link not alive with the program"
grep -Eq "^  the orphaned program still runs: exec events [0-9]+ -> [1-9][0-9]*$" "$o" ||
	fail "step 2: the program did not run"
grep -q "^  link $link: gone" "$o" || fail "step 3: the link is not gone"
grep -Eq "^  the program is detached: exec events ([0-9]+) -> \1$" "$o" ||
	fail "step 3: the program still runs"
grep -q "^  prog $prog: gone" "$o" || fail "step 4: prog not gone"
grep -q "^  map $map: gone" "$o" || fail "step 4: map not gone"
grep -q "^unmounted $tmp/bpffs$" "$o" || fail "the bpffs was not unmounted"
grep -q " $tmp/bpffs " /proc/self/mountinfo && fail "the bpffs is still mounted"
echo "ok"
