# tool_lib.sh - what the ebpfmini tool's shell tests share, sourced after TOOL and OBJDIR are set:
# a temporary directory $tmp (removed at exit, with the bpffs mounted at $bpffs if any),
# fail MESSAGE (prints the last output and exits 1), run CMD... (stdout to $tmp/out, stderr to
# $tmp/err, status in $rc), expect_out WORD..., expect_json (the output is one JSON document, by
# tool_check: $CHECK) and the root check (exit 77 = skip)
tmp=$(mktemp -d "/tmp/ebpfmini-${TOOL_TEST:-tool}-XXXXXX") || exit 1
bpffs=
cleanup() {
	[ -n "$bpffs" ] && umount "$bpffs" 2>/dev/null
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
expect_out() {
	for word in "$@"; do
		grep -qF -- "$word" "$tmp/out" || fail "'$word' missing from the output"
	done
}
expect_json() {
	"$CHECK" json <"$tmp/out" || fail "the output is not one JSON document"
}

if [ "$(id -u)" != 0 ]; then
	echo "skipped: needs root (CAP_BPF)"
	exit 77
fi
