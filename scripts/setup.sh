#!/bin/bash
# setup.sh - set up a fresh Debian machine, build ebpfmini, run the hello example or the tests
#
# usage (as root, from anywhere in the tree):
#   scripts/setup.sh hello   install the build dependencies when missing, build,
#                            and run the hello example (build/examples/hello)
#   scripts/setup.sh test    install the test dependencies when missing, build, and run
#                            the whole test suite in a normal build (build/) and in an
#                            AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/)
#
# Environment:
#   BUILDDIR          normal build directory (default: build)
#   ASAN_BUILDDIR     sanitizer build directory (default: build-asan)
#   MESON_TEST_ARGS   extra arguments for `meson test`, e.g. "--suite unit"
#   SKIP_ASAN=1       test: run the normal build only
#
# The script stops at the first failure and exits non-zero; the last thing `test` prints is
# the summary of the last `meson test` it ran.
set -euo pipefail

# Packages (Debian 12 names). The build needs a C compiler, clang for the BPF side, meson and
# ninja, pkg-config, and the kernel UAPI headers (linux/bpf.h). The tests add cmocka, groff
# and mandoc (the man pages are linted), binutils (nm, readelf) for the packaging tests, and
# libbpf's run-time library, which kernel-libbpf-compat dlopen()s to check that objects built
# with our BPF headers load with libbpf too (only the library: no libbpf headers).
BUILD_PKGS=(meson ninja-build clang pkg-config gcc libc6-dev linux-libc-dev python3)
TEST_PKGS=("${BUILD_PKGS[@]}" libcmocka-dev groff-base mandoc binutils libbpf1)

SAN_OPTS=("-Db_sanitize=address,undefined" -Db_lundef=false)

die() {
  echo "setup.sh: $*" >&2
  exit 1
}

step() {
  echo "==> $*"
}

# Run a command as root: directly when we are root, else through sudo when there is one.
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "'$*' needs root; run this script as root"
  fi
}

# Install the packages that are not installed yet (apt-get update only when one is missing).
ensure_packages() {
  local pkg missing=()

  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "setup.sh: no dpkg here; make sure these are installed: $*" >&2
    return 0
  fi
  for pkg in "$@"; do
    if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != installed ]]; then
      missing+=("$pkg")
    fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    step "packages: all present"
    return 0
  fi
  step "packages: installing ${missing[*]}"
  # env: sudo would drop DEBIAN_FRONTEND from the environment
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update </dev/null
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
}

# Mount a pseudo file system at dir unless something is mounted there already.
ensure_mount() {
  local fstype=$1 dir=$2

  if mountpoint -q "$dir" 2>/dev/null; then
    return 0
  fi
  [[ -d $dir ]] || die "$dir does not exist: this kernel lacks $fstype"
  step "mount -t $fstype $fstype $dir"
  as_root mount -t "$fstype" "$fstype" "$dir" || die "cannot mount $fstype at $dir"
}

ensure_mounts() {
  ensure_mount tracefs /sys/kernel/tracing
  ensure_mount bpf /sys/fs/bpf
}

# Configure a build directory: set it up when missing, else reconfigure with the options given.
configure() {
  local dir=$1
  shift

  if [[ -f $dir/meson-private/coredata.dat ]]; then
    step "meson setup --reconfigure $dir $*"
    # a build directory made by another meson version cannot be reconfigured: start afresh
    meson setup --reconfigure "$dir" "$@" || meson setup --wipe "$dir" "$@"
  else
    step "meson setup $dir $*"
    meson setup "$dir" "$@"
  fi
}

build() {
  step "meson compile -C $1"
  meson compile -C "$1"
}

run_tests() {
  local dir=$1
  shift
  local args=()

  # word splitting of MESON_TEST_ARGS is intended
  # shellcheck disable=SC2206
  [[ -n ${MESON_TEST_ARGS:-} ]] && args=(${MESON_TEST_ARGS})
  step "meson test -C $dir --print-errorlogs $* ${args[*]}"
  meson test -C "$dir" --print-errorlogs "$@" "${args[@]}"
}

cmd_hello() {
  local tests=false

  ensure_packages "${BUILD_PKGS[@]}"
  ensure_mounts
  # build the tests too when cmocka is there (it is once `setup.sh test` ran)
  pkg-config --exists cmocka 2>/dev/null && tests=true
  configure "$BUILDDIR" "-Dtests=$tests"
  build "$BUILDDIR"
  step "$BUILDDIR/examples/hello"
  "$BUILDDIR/examples/hello"
}

cmd_test() {
  ensure_packages "${TEST_PKGS[@]}"
  ensure_mounts

  configure "$BUILDDIR" -Dtests=true
  build "$BUILDDIR"
  run_tests "$BUILDDIR"

  if [[ ${SKIP_ASAN:-0} == 1 ]]; then
    return 0
  fi
  configure "$ASAN_BUILDDIR" -Dtests=true "${SAN_OPTS[@]}"
  build "$ASAN_BUILDDIR"
  # any sanitizer report fails the test that triggered it
  export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:print_stacktrace=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
  run_tests "$ASAN_BUILDDIR" --timeout-multiplier 3
}

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$SELF"
  exit "${1:-0}"
}

SELF=$(realpath "${BASH_SOURCE[0]}")
cd "$(dirname "$SELF")/.."
BUILDDIR=${BUILDDIR:-build}
ASAN_BUILDDIR=${ASAN_BUILDDIR:-build-asan}

case "${1:-}" in
  hello) cmd_hello ;;
  test) cmd_test ;;
  -h | --help | help) usage 0 ;;
  *) usage 1 >&2 ;;
esac
