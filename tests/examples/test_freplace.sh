#!/bin/sh
# test_freplace.sh - example-freplace: fentry/fexit count the firewall's calls of verdict(), freplace changes its verdict
. "$(dirname "$0")/lib.sh"
check_cli
check_not_root

"$EX" >"$tmp/run.out" 2>"$tmp/run.err"
rc=$?
# kernel lockdown forbids BPF trampolines on some kernels (this project's CI machine among them):
# the example must say so and fail
if [ $rc != 0 ] && grep -Eq "^freplace: cannot run here: .*trampolines" "$tmp/run.err"; then
	echo "skipped: kernel lacks BPF trampolines: $(sed -n 's/^freplace: cannot run here: //p' "$tmp/run.err")"
	exit 77
fi
[ $rc = 0 ] || fail "exit $rc"
grep -q "^firewall alone: *XDP_PASS$" "$tmp/run.out" || fail "the firewall alone does not pass"
grep -q "^with fentry and fexit: XDP_PASS; verdict() ran 10 times, returned XDP_PASS$" "$tmp/run.out" ||
	fail "fentry/fexit did not count 10 calls returning XDP_PASS"
grep -q "^verdict() replaced: *XDP_DROP$" "$tmp/run.out" || fail "freplace did not change the verdict"
grep -q "^replacement detached: *XDP_PASS$" "$tmp/run.out" || fail "detaching did not restore it"
echo "ok"
