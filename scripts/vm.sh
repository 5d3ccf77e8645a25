#!/bin/bash
# vm.sh - run the kernel and examples suites of a build tree on Debian's own kernels, under qemu
#
# usage: scripts/vm.sh [KERNEL...]          (as root: apt-get, depmod; default KERNEL: 6.1 6.12)
#
# KERNEL is a Debian 12 kernel series ("6.1", "6.12": the newest linux-image-<series>.*-cloud-amd64-
# unsigned package that apt offers), a package name, or the path of a kernel .deb. For each one:
#  1. the package is fetched with `apt-get download` into the cache unless it is there already
#     (apt-get update first; offline, the newest cached package of the series is used);
#  2. an initramfs is made: busybox-static, dash (/bin/sh), util-linux's unshare/setpriv/flock/nsenter, the build
#     tree's test programs, examples, tool, BPF objects and the test scripts at their own paths,
#     the shared libraries they need (ldd; libbpf.so.1, which kernel-libbpf-compat dlopen()s), and
#     the kernel modules the tests use ($VM_MODULES with what they depend on);
#  3. qemu-system-x86_64 boots it (KVM when /dev/kvm is usable, TCG otherwise); its init mounts
#     proc, sys, devtmpfs, bpffs, tracefs, debugfs, securityfs and cgroup2, loads the modules, sets
#     kptr_restrict to 0, and runs every test of the suites kernel and examples, as
#     `meson introspect --tests` gives them (same commands, arguments, environment and directory;
#     timeouts times $VM_TIMEOUT_MULTIPLIER), then powers off.
# Each test prints OK, SKIP or FAIL (with the skip reasons of its sub-tests, the output of a
# failure), each kernel a summary line, and the run ends with a table. The console log of each
# kernel is kept in BUILDDIR/meson-logs/vm-<kernel release>.txt.
#
# Environment:
#   BUILDDIR               the build tree to test (default: build; it must be built)
#   VM_CACHE               kernel packages and unpacked kernels (default: ~/.cache/ebpfmini-vm)
#   VM_TESTS               only these tests (names as meson test lists them, space-separated)
#   VM_MODULES             modules to load (default: sch_ingress cls_bpf act_bpf veth
#                          nf_defrag_ipv4 nf_defrag_ipv6; a module built into the kernel is fine)
#   VM_MEM, VM_SMP         memory and CPUs of the VM (default: 2G, 2)
#   VM_TIMEOUT_MULTIPLIER  test timeouts times this (default: 2 with KVM, 6 with TCG)
#   VM_OFFLINE=1           no apt-get: use cached packages only
#
# Exit status: 0 when no test failed on any kernel, 1 when one failed or a VM did not finish,
# 2 on a usage or set-up error.
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$SRC"
BUILDDIR=$(cd "${BUILDDIR:-build}" 2>/dev/null && pwd) || {
  echo "vm.sh: no build tree ${BUILDDIR:-build}: build first (meson setup build && ninja -C build)" >&2
  exit 2
}
VM_CACHE=${VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ebpfmini-vm}
VM_MODULES=${VM_MODULES:-sch_ingress cls_bpf act_bpf veth nf_defrag_ipv4 nf_defrag_ipv6}
VM_MEM=${VM_MEM:-2G}
VM_SMP=${VM_SMP:-2}
MARK='@@vm: '
# temporary files and directories of this run, removed however it ends
tmp_paths=()
trap 'rm -rf "${tmp_paths[@]}"' EXIT

die() {
  echo "vm.sh: $*" >&2
  exit 2
}

step() {
  echo "==> $*" >&2
}

for tool in qemu-system-x86_64 busybox cpio depmod modprobe dpkg-deb python3 dash unshare setpriv flock; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing: run scripts/setup.sh vm (it installs it)"
done
busybox_bin=$(command -v busybox)
# a dynamically linked busybox would need its libraries too: Debian's busybox-static is static
file -L "$busybox_bin" 2>/dev/null | grep -q 'statically linked' ||
  ldd "$busybox_bin" 2>&1 | grep -q 'not a dynamic executable' ||
  die "$busybox_bin is not statically linked: install busybox-static"

# The accelerator is chosen once, before the first boot (kvm_probe, below): a /dev/kvm that opens is
# not always one that runs a guest (seen in a nested guest: qemu aborted on an MSR it could not set
# with -cpu host, or paused on "KVM internal error" and hung until the run's time limit).
use_tcg() {
  ACCEL=(-accel tcg -cpu max)
  accel_name="TCG ($1)"
  VM_TIMEOUT_MULTIPLIER=${VM_TIMEOUT_MULTIPLIER:-6}
}
use_kvm() {
  ACCEL=(-accel kvm -cpu host)
  accel_name=KVM
  VM_TIMEOUT_MULTIPLIER=${VM_TIMEOUT_MULTIPLIER:-2}
}

# ---- kernels: find, fetch, unpack ------------------------------------------------------------

apt_updated=false

# apt-get, waiting (up to 10 min) for another apt or dpkg to let go of its lock: a fresh cloud
# machine holds it for a while after its first boot.
apt_wait() {
  local i out

  for ((i = 0; i < 120; i++)); do
    if out=$(apt-get -o DPkg::Lock::Timeout=5 "$@" 2>&1 </dev/null); then
      printf '%s\n' "$out" | grep -v '^W: Download is performed unsandboxed' || true
      return 0
    fi
    if ! grep -q 'Could not get lock\|Unable to acquire\|Unable to lock' <<<"$out"; then
      printf '%s\n' "$out" >&2
      return 1
    fi
    ((i == 0)) && echo "vm.sh: waiting for the apt/dpkg lock (another apt-get or dpkg runs)" >&2
    sleep 5
  done
  printf '%s\n' "$out" >&2
  return 1
}

apt_update_once() {
  [[ ${VM_OFFLINE:-0} == 1 ]] && return 1
  $apt_updated && return 0
  apt_updated=true
  step "apt-get update"
  apt_wait update >/dev/null || {
    echo "vm.sh: apt-get update failed: using what apt knows and what is cached" >&2
    return 0
  }
}

# The package for a series: the newest that apt offers, else the newest cached one.
package_of_series() {
  local series=$1 re pkg

  re="^linux-image-${series//./\\.}(\\.[0-9]+)?(-[0-9]+)?(\\+deb[0-9]+)?-cloud-amd64-unsigned\$"
  apt_update_once || true
  pkg=$(apt-cache search --names-only "^linux-image-${series//./\\.}[.-].*cloud-amd64-unsigned\$" \
    2>/dev/null | awk '{print $1}' | grep -E "$re" | sort -V | tail -n 1) || true
  if [[ -z $pkg ]]; then
    pkg=$(find "$VM_CACHE" -maxdepth 1 -name 'linux-image-*.deb' -printf '%f\n' 2>/dev/null |
      sed 's/_.*//' | grep -E "$re" | sort -V | tail -n 1) || true
  fi
  [[ -n $pkg ]] || die "no Debian kernel package of series $series (apt-cache search linux-image-$series)"
  echo "$pkg"
}

# The cached .deb of a package, fetched when missing.
deb_of_package() {
  local pkg=$1 deb

  deb=$(find "$VM_CACHE" -maxdepth 1 -name "${pkg}_*.deb" 2>/dev/null | sort -V | tail -n 1)
  if [[ -z $deb ]]; then
    apt_update_once || die "$pkg is not cached in $VM_CACHE and VM_OFFLINE=1"
    step "apt-get download $pkg (into $VM_CACHE)"
    (cd "$VM_CACHE" && apt_wait download "$pkg" >&2) || die "apt-get download $pkg failed"
    deb=$(find "$VM_CACHE" -maxdepth 1 -name "${pkg}_*.deb" | sort -V | tail -n 1)
  fi
  [[ -n $deb ]] || die "apt-get download $pkg left no .deb in $VM_CACHE"
  echo "$deb"
}

# Unpack a kernel .deb once (with its modules.dep); prints the directory.
unpack() {
  local deb=$1 dir kver

  dir=$VM_CACHE/unpacked/$(basename "$deb" .deb)
  if [[ ! -f $dir/.done ]]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    dpkg-deb -x "$deb" "$dir" || die "cannot unpack $deb"
    kver=$(ls "$dir/lib/modules")
    depmod -b "$dir" "$kver" || die "depmod of $deb failed"
    touch "$dir/.done"
  fi
  echo "$dir"
}

# ---- the initramfs ---------------------------------------------------------------------------

# Copy a host file (following links) to the same path under the root.
put() {
  local f=$1 root=$2

  [[ -e $root$f ]] && return 0
  mkdir -p "$root$(dirname "$f")"
  cp -L "$f" "$root$f"
}

# The shared libraries an ELF file needs (their paths, the dynamic loader included).
libs_of() {
  { ldd "$1" 2>/dev/null || true; } |
    sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'
}

is_elf() {
  [[ -f $1 ]] && [[ $(head -c 4 "$1" | od -An -c | tr -d ' ') == '177ELF' ]]
}

# The run list (sourced by the VM's init) and the files the tests need, from meson.
make_runlist() {
  local out=$1 files=$2

  meson introspect --tests "$BUILDDIR" >"$out.json" || die "meson introspect --tests $BUILDDIR failed"
  python3 - "$out.json" "$BUILDDIR" "${VM_TESTS:-}" "$VM_TIMEOUT_MULTIPLIER" >"$out" 3>"$files" <<'EOF'
import json, os, shlex, sys

tests = json.load(open(sys.argv[1]))
builddir, only, mult = sys.argv[2], sys.argv[3].split(), float(sys.argv[4])
files = os.fdopen(3, "w")
names = set()
for t in tests:
    suites = {s.split(":")[-1] for s in t["suite"]}
    if not suites & {"kernel", "examples"} or (only and t["name"] not in only):
        continue
    names.add(t["name"])
    workdir = t["workdir"] or builddir
    cmd = list(t["cmd"])
    if os.path.basename(cmd[0]) in ("sh", "dash", "bash"):
        cmd[0] = "/bin/sh"  # the scripts are POSIX sh: dash
    for arg in cmd:
        path = arg if os.path.isabs(arg) else os.path.join(workdir, arg)
        if os.path.isfile(path):
            print(os.path.normpath(path), file=files)
    timeout = int((t["timeout"] or 0) * mult) or 0
    env = [f"{k}={v}" for k, v in sorted(t["env"].items())]
    # absolute paths: busybox (timeout, env) runs a program named like one of its applets as
    # that applet, but a path as what it is
    print("run_test", " ".join(shlex.quote(a) for a in [t["name"], str(timeout), workdir, "/usr/bin/env", *env, *cmd]))
missing = set(only) - names
if missing:
    sys.exit("vm.sh: VM_TESTS names no test of suites kernel or examples: " + " ".join(sorted(missing)))
EOF
}

# The VM's /init: mounts, modules, the tests, the results on the console, power off.
write_init() {
  cat >"$1" <<'EOF'
#!/bin/sh
# init of the ebpfmini test VM (made by scripts/vm.sh)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb
M='@@vm: '
say() { echo "$M$*"; }
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm /run /tmp /root
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
chmod 1777 /tmp
# what a Debian system mounts at boot (systemd): the tests mount nothing of the machine's own
mount -t bpf bpf /sys/fs/bpf || say "note: cannot mount bpffs"
mount -t tracefs tracefs /sys/kernel/tracing || say "note: cannot mount tracefs"
mount -t debugfs debugfs /sys/kernel/debug || say "note: cannot mount debugfs"
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup || say "note: cannot mount cgroup2"
# /proc/kallsyms shows addresses to root only when kptr_restrict allows it
echo 0 >/proc/sys/kernel/kptr_restrict
# the kernel loads modules on demand through busybox's modprobe
echo /sbin/modprobe >/proc/sys/kernel/modprobe
ip link set lo up 2>/dev/null
hostname ebpfmini-vm
for m in $(cat /vm/modules); do
	modprobe "$m" 2>/dev/null || say "note: module $m: not loaded ($(modprobe "$m" 2>&1 | tail -n 1))"
done
read -r up _ </proc/uptime
echo # the firmware's escape sequences end the line before
say "kernel $(uname -r) ($(uname -v | sed -n 's/.*\(Debian [^ ]*\).*/\1/p')), up in ${up}s"

pass=0 skip=0 fail=0
now() { read -r t _ </proc/uptime; echo "$t"; }
run_test() {
	name=$1 limit=$2 dir=$3
	shift 3
	start=$(now)
	if [ "$limit" -gt 0 ]; then
		(cd "$dir" && exec timeout -s KILL "$limit" "$@") >/tmp/out 2>&1 </dev/null
	else
		(cd "$dir" && exec "$@") >/tmp/out 2>&1 </dev/null
	fi
	rc=$?
	secs=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
	case $rc in
	0) st=OK pass=$((pass + 1)) ;;
	77) st=SKIP skip=$((skip + 1)) ;;
	*) st=FAIL fail=$((fail + 1)) ;;
	esac
	[ $rc = 137 ] && [ "$limit" -gt 0 ] && st="FAIL (timeout ${limit}s)"
	say "$(printf '%-5s %-30s %6ss' "$st" "$name" "$secs")"
	# why it (or a part of it) was skipped
	grep -E '^(skip|skipped|skipped part)[:(]|^ok \(' /tmp/out | sort | uniq | while IFS= read -r l; do
		say "        $l"
	done
	if [ $rc != 0 ] && [ $rc != 77 ]; then
		tail -n 80 /tmp/out | while IFS= read -r l; do say "      | $l"; done
	fi
}
. /vm/runlist
say "summary $(uname -r): $pass passed, $skip skipped, $fail failed"
[ $fail = 0 ] || dmesg | tail -n 40 | while IFS= read -r l; do say "      dmesg | $l"; done
say "done"
sync
poweroff -f
EOF
  chmod 755 "$1"
}

make_initramfs() {
  local kdir=$1 out=$2 root kver f m line lib list
  root=$(mktemp -d "${TMPDIR:-/tmp}/ebpfmini-vm-root-XXXXXX")
  tmp_paths+=("$root")
  chmod 755 "$root" # the VM's /: the tests run programs as nobody too
  kver=$(ls "$kdir/lib/modules")

  # the layout of a merged-/usr Debian
  mkdir -p "$root"/{usr/bin,usr/sbin,usr/lib,usr/lib64,proc,sys,dev,tmp,run,etc,vm,root}
  for d in bin sbin lib lib64; do
    ln -s "usr/$d" "$root/$d"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
    >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

  # Debian's /bin/sh (dash) and the util-linux tools the scripts use with options busybox lacks;
  # busybox for the rest. Not busybox's sh: it runs its own applets before those in PATH. A real
  # true: the tests exec it through symlinks of other names, which busybox would not know.
  list=$(mktemp)
  for f in dash unshare setpriv flock nsenter true; do
    type -P "$f" # a path, also for shell builtins (true)
  done >"$list"
  make_runlist "$root/vm/runlist" "$list.tests"
  rm -f "$root/vm/runlist.json"
  # the whole run may take the sum of the test timeouts, plus the boot
  vm_limit=$(awk '$1 == "run_test" { s += $3 } END { print s + 300 }' "$root/vm/runlist")
  {
    cat "$list.tests"
    find "$BUILDDIR/lib" -maxdepth 1 -name '*.so*'
    find "$BUILDDIR/tests/bpf" "$BUILDDIR/examples" "$BUILDDIR/tools" "$BUILDDIR/tests/examples" \
      "$BUILDDIR/tests/kernel" -maxdepth 1 -type f ! -name '*.h' ! -name '*.c'
    find "$SRC/tests/kernel" "$SRC/tests/examples" -maxdepth 1 -type f -name '*.sh'
    # kernel-libbpf-compat dlopen()s libbpf.so.1 (ldd cannot see it)
    ldconfig -p | sed -n 's/.*libbpf\.so\.1 (libc6,x86-64) => //p' | head -n 1
  } >>"$list"
  sort -u "$list" | while IFS= read -r f; do
    [[ -n $f && -f $f ]] || continue
    put "$f" "$root"
    if is_elf "$f"; then
      libs_of "$f" | while IFS= read -r lib; do put "$lib" "$root"; done
    fi
  done
  rm -f "$list" "$list.tests"
  cp "$busybox_bin" "$root/usr/bin/busybox"
  busybox --list-full | while IFS= read -r f; do
    # the util-linux tools copied above win, wherever busybox would put its applet
    [[ -e $root/usr/bin/${f##*/} || -e $root/usr/sbin/${f##*/} || -L $root/$f ]] ||
      ln -s /usr/bin/busybox "$root/$f"
  done
  ln -sf dash "$root/usr/bin/sh"
  # the kernel's configuration, where a Debian system has it (kconfig externs read it)
  mkdir -p "$root/boot"
  cp "$kdir/boot/config-$kver" "$root/boot/"
  # where the dynamic loader finds the libraries (/lib/x86_64-linux-gnu is no default path)
  cp -a /etc/ld.so.conf "$root/etc/" 2>/dev/null || true
  cp -a /etc/ld.so.conf.d "$root/etc/" 2>/dev/null || true
  ldconfig -r "$root" 2>/dev/null || die "ldconfig -r $root failed"

  # the modules and those they need, uncompressed (busybox cannot read .ko.xz), with a modules.dep
  mkdir -p "$root/lib/modules/$kver"
  for f in modules.builtin modules.builtin.modinfo modules.order; do
    [[ -f $kdir/lib/modules/$kver/$f ]] && cp "$kdir/lib/modules/$kver/$f" "$root/lib/modules/$kver/"
  done
  : >"$root/vm/modules"
  for m in $VM_MODULES; do
    line=$(modprobe -d "$kdir" -S "$kver" --show-depends "$m" 2>&1) || {
      echo "vm.sh: $kver has no module $m: not loaded" >&2
      continue
    }
    grep -q '^insmod ' <<<"$line" && echo "$m" >>"$root/vm/modules"
    sed -n 's/^insmod \([^ ]*\).*/\1/p' <<<"$line" | while IFS= read -r f; do
      rel=${f#"$kdir"/lib/modules/"$kver"/}
      dst=$root/lib/modules/$kver/${rel%.xz}
      dst=${dst%.zst}
      dst=${dst%.gz}
      mkdir -p "$(dirname "$dst")"
      case $f in
      *.xz) xz -dc "$f" >"$dst" ;;
      *.zst) zstd -qdc "$f" >"$dst" ;;
      *.gz) gzip -dc "$f" >"$dst" ;;
      *) cp "$f" "$dst" ;;
      esac
    done
  done
  depmod -b "$root" "$kver" || die "depmod in the initramfs failed"

  write_init "$root/init"
  (cd "$root" && find . | cpio -o -H newc --quiet) >"$out" || die "cpio failed"
  rm -rf "$root"
}

# ---- run ---------------------------------------------------------------------------------------

# Boot kernel dir $1 under KVM with an initramfs whose init only prints a marker and powers off;
# use KVM when the marker comes within 60 s, TCG otherwise (or when /dev/kvm cannot be opened).
kvm_probe() {
  local kdir=$1 kver root initrd log pid i verdict="" why
  if [[ ! -r /dev/kvm || ! -w /dev/kvm ]]; then
    use_tcg "no usable /dev/kvm"
    return 0
  fi
  use_kvm
  kver=$(ls "$kdir/lib/modules")
  root=$(mktemp -d "${TMPDIR:-/tmp}/ebpfmini-vm-probe-XXXXXX")
  initrd=$(mktemp "${TMPDIR:-/tmp}/ebpfmini-vm-probe-initrd-XXXXXX")
  log=$(mktemp "${TMPDIR:-/tmp}/ebpfmini-vm-probe-log-XXXXXX")
  tmp_paths+=("$root" "$initrd" "$log")
  mkdir -p "$root/bin"
  cp "$busybox_bin" "$root/bin/busybox"
  printf '#!/bin/busybox sh\n/bin/busybox echo "%skvm-ok"\n/bin/busybox poweroff -f\n' "$MARK" >"$root/init"
  chmod 755 "$root/init"
  (cd "$root" && find . | cpio -o -H newc --quiet) >"$initrd" || die "cpio failed"
  # in a subshell whose stderr is the log, so that a qemu killed by a signal is reported there
  (timeout -s KILL 60 qemu-system-x86_64 "${ACCEL[@]}" -smp 1 -m 256M \
    -kernel "$kdir/boot/vmlinuz-$kver" -initrd "$initrd" -nographic -monitor none -no-reboot \
    -nic none -append "console=ttyS0 panic=-1 quiet rdinit=/init") </dev/null >"$log" 2>&1 &
  pid=$!
  for ((i = 0; i < 600; i++)); do
    if grep -q "^${MARK}kvm-ok" "$log"; then
      verdict=ok
      break
    fi
    grep -qE 'KVM internal error|failed to set MSR|kvm_.*Assertion' "$log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  pkill -TERM -P "$pid" timeout 2>/dev/null || true  # timeout passes it on to qemu
  wait "$pid" 2>/dev/null || true
  if [[ $verdict != ok ]]; then
    why=$(grep -m1 -E 'error|Assertion' "$log" | tr -d '\r')
    use_tcg "KVM did not boot a guest here: ${why:-no marker within 60 s}"
  fi
}

# Boot kernel dir $1; print the test lines as they come; the console goes to $2. Sets
# vm_pass/vm_skip/vm_fail/vm_done/vm_release.
boot() {
  local kdir=$1 log=$2 kver initrd start
  kver=$(ls "$kdir/lib/modules")
  initrd=$(mktemp "${TMPDIR:-/tmp}/ebpfmini-vm-initrd-XXXXXX")
  tmp_paths+=("$initrd")
  make_initramfs "$kdir" "$initrd"
  step "boot $kver: qemu-system-x86_64, $accel_name, -smp $VM_SMP -m $VM_MEM ($(du -h "$initrd" | cut -f1) initramfs)"
  start=$SECONDS
  timeout -s KILL "$vm_limit" qemu-system-x86_64 "${ACCEL[@]}" -smp "$VM_SMP" -m "$VM_MEM" \
    -kernel "$kdir/boot/vmlinuz-$kver" -initrd "$initrd" -nographic -monitor none -no-reboot \
    -nic none -append "console=ttyS0 panic=-1 oops=panic quiet loglevel=3 rdinit=/init" \
    </dev/null 2>&1 | sed -u 's/\r$//' | tee "$log" | sed -un "s/^$MARK//p" || true
  rm -f "$initrd"
  vm_secs=$((SECONDS - start))
  vm_release=$kver
  read -r vm_pass vm_skip vm_fail < <(grep -E "^${MARK}summary " "$log" |
    sed -E 's/.*: ([0-9]+) passed, ([0-9]+) skipped, ([0-9]+) failed/\1 \2 \3/' || true)
  vm_done=false
  grep -q "^${MARK}done" "$log" && vm_done=true
  return 0
}

kernels=("$@")
[[ ${#kernels[@]} -gt 0 ]] || kernels=(6.1 6.12)
mkdir -p "$VM_CACHE" "$BUILDDIR/meson-logs"
# apt-get download runs as the user _apt when it can enter the directory
chmod 755 "$VM_CACHE" 2>/dev/null || true
# once, here: the look-ups below run in subshells
for k in "${kernels[@]}"; do
  [[ $k == *.deb ]] || { apt_update_once || true; break; }
done

status=0
table=()
for k in "${kernels[@]}"; do
  case $k in
  *.deb) [[ -f $k ]] || die "$k: no such file"; deb=$(cd "$(dirname "$k")" && pwd)/$(basename "$k") ;;
  linux-image-*) deb=$(deb_of_package "$k") ;;
  [0-9]*.[0-9]*) deb=$(deb_of_package "$(package_of_series "$k")") ;;
  *) die "$k: not a kernel series (6.1), a package name (linux-image-...) or a .deb" ;;
  esac
  kdir=$(unpack "$deb")
  log="$BUILDDIR/meson-logs/vm-$(ls "$kdir/lib/modules").txt"
  vm_pass='' vm_skip='' vm_fail=''
  [[ -n ${accel_name:-} ]] || kvm_probe "$kdir"
  boot "$kdir" "$log"
  if ! $vm_done; then
    echo "vm.sh: $vm_release: the VM did not finish its tests (crash or time limit): see $log" >&2
    tail -n 30 "$log" >&2
    status=1
    table+=("$(printf '%-32s %6s %7s %6s  %5ss  (did not finish)' "$vm_release" "${vm_pass:-?}" \
      "${vm_skip:-?}" "${vm_fail:-?}" "$vm_secs")")
    continue
  fi
  [[ $vm_fail == 0 ]] || status=1
  table+=("$(printf '%-32s %6s %7s %6s  %5ss' "$vm_release" "$vm_pass" "$vm_skip" "$vm_fail" "$vm_secs")")
done

echo
printf '%-32s %6s %7s %6s  %6s\n' kernel passed skipped failed time
printf '%s\n' "${table[@]}"
exit $status
