# lib.sh - sourced by the example tests: root check, a temporary directory, failure reports, waiting
# Each test is run as: sh test_<name>.sh EXAMPLE_BINARY EXNET_BINARY (exit 77 = skipped).
set -u
EX=$1
EXNET=$2
NAME=$(basename "$EX")

if [ "$(id -u)" != 0 ]; then
	echo "skipped: needs root (CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN)"
	exit 77
fi

tmp=$(mktemp -d /tmp/ebpfmini-example-XXXXXX) || exit 1
# more cleanup steps are added to this list by the tests (cgroups, mounts)
cleanup_steps='rm -rf "$tmp"'
trap 'eval "$cleanup_steps"' EXIT
on_exit() { cleanup_steps="$1; $cleanup_steps"; }

# Print why, with what the example printed, and fail.
fail() {
	echo "FAIL: $NAME: $*" >&2
	for f in "$tmp"/*.out "$tmp"/*.err; do
		[ -s "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }
	done
	exit 1
}

# wait_for FILE PATTERN PID: until FILE has a line matching PATTERN (grep -E), for up to 30 s.
wait_for() {
	i=0
	until grep -Eq "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 300 ] && fail "no '$2' in $1 within 30 s"
		kill -0 "$3" 2>/dev/null || { sleep 0.2; grep -Eq "$2" "$1" && return 0;
			fail "exited before printing '$2'"; }
		sleep 0.1
	done
}

# The number in the last line of FILE that matches the sed expression (which prints it).
last_number() {
	sed -n "$2" "$1" | tail -n 1
}

# --help prints the usage and exits 0; a bad argument exits 2 with the usage on stderr.
check_cli() {
	"$EX" --help >"$tmp/help.out" 2>&1 || fail "--help: exit $?"
	grep -q "^usage: $NAME" "$tmp/help.out" || fail "--help: no usage line"
	"$EX" --no-such-option >"$tmp/bad.out" 2>"$tmp/bad.err"
	[ $? = 2 ] || fail "a bad argument: exit status is not 2"
	grep -q "usage: $NAME" "$tmp/bad.err" || fail "a bad argument: no usage on stderr"
	"$EX" -d nonsense >/dev/null 2>&1 && fail "-d nonsense: exit 0"
	rm -f "$tmp/help.out" "$tmp/bad.out" "$tmp/bad.err"
}

# Run as nobody without capabilities: it must fail and name CAP_BPF.
check_not_root() {
	command -v setpriv >/dev/null 2>&1 || return 0
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$EX" "$@" \
		>"$tmp/nobody.out" 2>"$tmp/nobody.err" && fail "as nobody: exit 0"
	grep -q "CAP_BPF" "$tmp/nobody.err" || fail "as nobody: the message does not name CAP_BPF"
	rm -f "$tmp/nobody.out" "$tmp/nobody.err"
}

# Tracepoints need tracefs: when it is not mounted, rerun in a private mount namespace and mount
# it there (nothing is left behind).
need_tracefs() {
	if [ -d /sys/kernel/tracing/events ] || [ -d /sys/kernel/debug/tracing/events ]; then
		return 0
	fi
	if [ -z "${EBPFMINI_EXAMPLE_MNTNS:-}" ]; then
		rm -rf "$tmp"
		EBPFMINI_EXAMPLE_MNTNS=1 exec unshare --mount --propagation private sh "$0" "$EX" "$EXNET"
	fi
	mount -t tracefs tracefs /sys/kernel/tracing || fail "cannot mount tracefs"
}

# With tracefs hidden in a private mount namespace, the example must say how to mount it.
check_without_tracefs() {
	unshare --mount --propagation private sh -c '
		umount -l /sys/kernel/debug 2>/dev/null
		while umount -l /sys/kernel/tracing 2>/dev/null; do :; done
		exec "$@"' sh "$EX" "$@" >"$tmp/notracefs.out" 2>"$tmp/notracefs.err" &&
		fail "without tracefs: exit 0"
	grep -q "mount -t tracefs" "$tmp/notracefs.err" || fail "without tracefs: no hint how to mount it"
	rm -f "$tmp/notracefs.out" "$tmp/notracefs.err"
}

# Run the rest of the test in a network namespace of its own, loopback up.
enter_netns() {
	if [ -z "${EBPFMINI_EXAMPLE_NETNS:-}" ]; then
		rm -rf "$tmp"
		EBPFMINI_EXAMPLE_NETNS=1 exec unshare --net sh "$0" "$EX" "$EXNET"
	fi
	"$EXNET" lo-up || fail "cannot bring lo up"
}
