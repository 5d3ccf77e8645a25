#!/bin/bash
# setup.sh - set up a fresh Debian machine, build ebpfmini, run the hello example or the tests
#
# usage (as root, from anywhere in the tree):
#   scripts/setup.sh hello   install the build dependencies when missing, build,
#                            and run the hello example (build/examples/hello)
#   scripts/setup.sh test    install the test dependencies when missing, build, and run
#                            the whole test suite in a normal build (build/) and in an
#                            AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/),
#                            then the tsan suite in a ThreadSanitizer build (build-tsan/, only
#                            what that suite needs is built there)
#   scripts/setup.sh vm      install qemu and busybox-static when missing, build (build/), and
#                            run the kernel and examples suites on Debian 12's own kernels
#                            (6.1 and 6.12) under qemu: scripts/vm.sh
#
# Environment:
#   BUILDDIR          normal build directory (default: build)
#   ASAN_BUILDDIR     sanitizer build directory (default: build-asan)
#   TSAN_BUILDDIR     ThreadSanitizer build directory (default: build-tsan)
#   MESON_TEST_ARGS   extra arguments for `meson test`, e.g. "--suite unit"
#   SKIP_ASAN=1       test: run the normal build only (no ASan, no TSan build)
#   SKIP_TSAN=1       test: no ThreadSanitizer build
#   VM_KERNELS        vm: the kernels (default: "6.1 6.12"; see scripts/vm.sh for the rest)
#
# apt-get waits (up to 10 minutes) for another apt or dpkg to release its lock, as happens on a
# fresh cloud machine during its first boot. A failing build stops the script; `test` runs the
# tests of both builds even when those of the first fail, prints the result of each at the end,
# and exits non-zero when either failed.
set -euo pipefail

# Packages (Debian 12 names). The build needs a C compiler, clang for the BPF side, meson and
# ninja, pkg-config, and the kernel UAPI headers (linux/bpf.h). The tests add cmocka, groff
# and mandoc (the man pages are linted), binutils (nm, readelf) for the packaging tests, and
# libbpf's run-time library, which kernel-libbpf-compat dlopen()s to check that objects built
# with our BPF headers load with libbpf too (only the library: no libbpf headers), and g++
# (clang brings clang++): generated skeletons and the public headers must compile as C++.
# llvm brings llvm-objdump, which unit-insn-objdump compares the disassembler with (clang only
# recommends it, and recommendations are not installed).
BUILD_PKGS=(meson ninja-build clang pkg-config gcc libc6-dev linux-libc-dev python3)
TEST_PKGS=("${BUILD_PKGS[@]}" g++ libcmocka-dev groff-base mandoc binutils libbpf1 llvm)
# scripts/vm.sh: qemu, a static busybox for the VM's userland, cpio for its initramfs, kmod
# (depmod, modprobe) for its modules, util-linux (unshare, setpriv, flock) for the test scripts,
# xz-utils for compressed modules; apt (apt-get download) fetches the kernels.
VM_PKGS=("${TEST_PKGS[@]}" qemu-system-x86 busybox-static cpio kmod util-linux xz-utils)

SAN_OPTS=("-Db_sanitize=address,undefined" -Db_lundef=false)
TSAN_OPTS=(-Db_sanitize=thread -Db_lundef=false -Dbench=false)

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
  apt_wait update
  apt_wait install -y --no-install-recommends "${missing[@]}"
}

# apt-get as root, waiting for the apt/dpkg locks instead of failing at once: on a fresh cloud
# machine, unattended-upgrades or cloud-init hold them for minutes after the first boot.
apt_wait() {
  local i rc log

  log=$(mktemp)
  for ((i = 0; i < 120; i++)); do
    # env: sudo would drop DEBIAN_FRONTEND from the environment
    rc=0
    as_root env DEBIAN_FRONTEND=noninteractive \
      apt-get -o DPkg::Lock::Timeout=5 "$@" </dev/null 2>"$log" || rc=$?
    if [[ $rc == 0 ]] || ! grep -q 'Could not get lock\|Unable to acquire\|Unable to lock' "$log"; then
      cat "$log" >&2
      rm -f "$log"
      return "$rc"
    fi
    ((i == 0)) && step "apt-get $1: waiting for the apt/dpkg lock ($(grep -m1 'lock' "$log"))"
    sleep 5
  done
  cat "$log" >&2
  rm -f "$log"
  die "apt-get $1: the apt/dpkg lock was not released within 10 minutes"
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

  local plain=0 asan=0 tsan=0

  configure "$BUILDDIR" -Dtests=true
  build "$BUILDDIR"
  run_tests "$BUILDDIR" || plain=$?

  if [[ ${SKIP_ASAN:-0} == 1 ]]; then
    return "$plain"
  fi
  # the sanitizer build's tests run even when the plain build's failed: both results count
  configure "$ASAN_BUILDDIR" -Dtests=true "${SAN_OPTS[@]}"
  build "$ASAN_BUILDDIR"
  # any sanitizer report fails the test that triggered it
  export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:print_stacktrace=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
  run_tests "$ASAN_BUILDDIR" --timeout-multiplier 3 || asan=$?
  if [[ ${SKIP_TSAN:-0} != 1 ]]; then
    # only the tsan suite (the thread-safety contract): its test and objects are all it builds
    configure "$TSAN_BUILDDIR" -Dtests=true "${TSAN_OPTS[@]}"
    step "meson compile -C $TSAN_BUILDDIR tsan-tests"
    meson compile -C "$TSAN_BUILDDIR" tsan-tests
    step "meson test -C $TSAN_BUILDDIR --no-rebuild --suite tsan"
    meson test -C "$TSAN_BUILDDIR" --print-errorlogs --no-rebuild --suite tsan \
      --timeout-multiplier 3 || tsan=$?
    step "tests of $TSAN_BUILDDIR (TSan): $( ((tsan == 0)) && echo passed || echo "FAILED (exit $tsan)")"
  fi
  step "tests of $BUILDDIR: $( ((plain == 0)) && echo passed || echo "FAILED (exit $plain)")"
  step "tests of $ASAN_BUILDDIR (ASan+UBSan): $( ((asan == 0)) && echo passed || echo "FAILED (exit $asan)")"
  ((plain == 0 && asan == 0 && tsan == 0))
}

cmd_vm() {
  local kernels

  ensure_packages "${VM_PKGS[@]}"
  configure "$BUILDDIR" -Dtests=true
  build "$BUILDDIR"
  # word splitting of VM_KERNELS is intended
  read -r -a kernels <<<"${VM_KERNELS:-6.1 6.12}"
  step "scripts/vm.sh ${kernels[*]}"
  BUILDDIR=$BUILDDIR bash scripts/vm.sh "${kernels[@]}"
}

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$SELF"
  exit "${1:-0}"
}

SELF=$(realpath "${BASH_SOURCE[0]}")
cd "$(dirname "$SELF")/.."
BUILDDIR=${BUILDDIR:-build}
ASAN_BUILDDIR=${ASAN_BUILDDIR:-build-asan}
TSAN_BUILDDIR=${TSAN_BUILDDIR:-build-tsan}

case "${1:-}" in
  hello) cmd_hello ;;
  test) cmd_test ;;
  vm) cmd_vm ;;
  -h | --help | help) usage 0 ;;
  *) usage 1 >&2 ;;
esac
