#!/bin/sh
# fuzz-seed.sh - build seed corpora for the libFuzzer harnesses in tests/fuzz from the
# clang-built objects of a build directory (tests/bpf/*.bpf.o, tests/unit/core_target_*.o).
#
# usage: scripts/fuzz-seed.sh BUILD_DIR OUT_DIR
# Writes OUT_DIR/<target>/ for every harness: elf, btf, btf_ext, object, core, inflate, kconfig.
# Needs llvm-objcopy (or readelf + dd), gzip and python3 (raw DEFLATE seeds).
set -eu

if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DIR OUT_DIR" >&2
  exit 2
fi
build=$1
out=$2
objs=$(ls "$build"/tests/bpf/*.bpf.o)
targets=$(ls "$build"/tests/unit/core_target_*.o)

for t in elf btf btf_ext object core inflate kconfig; do
  mkdir -p "$out/$t"
done

# section NAME of ELF file $2 into file $3; nothing when the file has no such section
section() {
  if command -v llvm-objcopy >/dev/null 2>&1; then
    llvm-objcopy --dump-section "$1=$3" "$2" /dev/null 2>/dev/null || rm -f "$3"
    return 0
  fi
  # readelf -SW: "[Nr] Name Type Address Off Size ..."; offset and size are hex
  set -- "$1" "$2" "$3" $(readelf -SW "$2" | sed 's/^ *\[ *[0-9]*\]//' |
                          awk -v n="$1" '$1 == n { print $4, $5 }')
  [ $# -eq 5 ] || return 0
  dd if="$2" of="$3" bs=1 skip=$((0x$4)) count=$((0x$5)) status=none
}

# a one-byte mode prefix followed by the bytes of a file
prefixed() {
  printf "$1" >"$3"
  cat "$2" >>"$3"
}

for o in $objs $targets; do
  b=$(basename "$o" .o)
  cp "$o" "$out/elf/$b"
  section .BTF "$o" "$out/btf/$b"
  section .BTF.ext "$o" "$out/btf_ext/$b"
done
for o in $objs; do
  cp "$o" "$out/object/$(basename "$o" .o)"
done
# small x86-64 files for the uprobe side of the ELF reader (program headers, .dynsym,
# PT_LOAD address translation): a shared library and a static executable
tmp=$(mktemp -d)
printf 'int helper(int x) { return x + 1; }\nint probe_me(int x) { return helper(x) * 2; }\n' >"$tmp/lib.c"
printf 'void _start(void) { for (;;) ; }\nint probe_me(int x) { return x * 2; }\n' >"$tmp/exe.c"
if cc -O1 -shared -fPIC -nostdlib -Wl,-z,noseparate-code -o "$out/elf/x86-lib.so" "$tmp/lib.c" &&
   cc -O1 -static -nostdlib -no-pie -Wl,-z,noseparate-code -o "$out/elf/x86-exe" "$tmp/exe.c"; then
  :
else
  cp /bin/true "$out/elf/true" # no C compiler: a bigger stand-in
fi
rm -rf "$tmp"

# core: 0/2 = fuzzed target BTF (core_reads / core_flavors), 1 = fuzzed object,
# 3 = fuzzed object relocated against its own BTF
for o in $targets; do
  b=$(basename "$o" .o)
  if [ -f "$out/btf/$b" ]; then
    prefixed '\000' "$out/btf/$b" "$out/core/reads-$b"
    prefixed '\002' "$out/btf/$b" "$out/core/flavors-$b"
  fi
done
for b in core_reads core_flavors core_task load_core; do
  prefixed '\001' "$build/tests/bpf/$b.bpf.o" "$out/core/obj-$b"
  prefixed '\003' "$build/tests/bpf/$b.bpf.o" "$out/core/self-$b"
done

# kconfig: "release\nconfig text" ("!" first: no config readable)
cat >"$out/kconfig/all" <<'CFG'
6.18.3-amd64
CONFIG_EM_BOOL=y
CONFIG_EM_TRI=m
CONFIG_EM_CHAR=y
CONFIG_EM_NUM=-42
CONFIG_EM_HEX=0xdeadbeefcafe
CONFIG_EM_STR="a\"b"
# CONFIG_EM_OFF is not set
CFG
printf '5.15.0\nCONFIG_EM_BOOL=n\nCONFIG_EM_TRI=y\nCONFIG_EM_CHAR=m\nCONFIG_EM_NUM=7\r\nCONFIG_EM_HEX=12\nCONFIG_EM_STR="0123456789"\nCONFIG_EM_OFF=n\n' >"$out/kconfig/other"
printf '!6.1\n' >"$out/kconfig/noconfig"
printf 'x\nCONFIG_EM_BOOL=m\n' >"$out/kconfig/bad"

# inflate: even first byte = gzip, odd = raw DEFLATE
cat "$out/kconfig/all" "$out/kconfig/other" >"$out/inflate.txt"
i=0
for lvl in 1 6 9; do
  { printf '\000'; gzip -c -"$lvl" "$out/inflate.txt"; } >"$out/inflate/gzip-$lvl"
done
{ printf '\000'; printf 'y' | gzip -c; } >"$out/inflate/gzip-short"
{ printf '\000'; head -c 3000 "$build/tests/bpf/btf_sample.bpf.o" | gzip -c -9; } >"$out/inflate/gzip-bin"
python3 - "$out/inflate.txt" "$out/inflate" <<'PY'
import sys, zlib
text = open(sys.argv[1], "rb").read()
for name, level, data in (("raw-stored", 0, text), ("raw-fixed", 9, b"abcabcabc"),
                          ("raw-dynamic", 9, text * 3)):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    open(sys.argv[2] + "/" + name, "wb").write(b"\x01" + c.compress(data) + c.flush())
PY
rm -f "$out/inflate.txt"

# btf: a blob of over 48 KiB of types (large blobs get a compact offset table),
# structs of every size, pointers and arrays between them
python3 - "$out/btf/many-types" <<'PY'
import struct, sys
strs, types = bytearray(b"\0"), []
def name(s):
    off = len(strs); strs.extend(s.encode() + b"\0"); return off
types.append(struct.pack("<IIII", name("int"), 1 << 24, 4, 32))
for i in range(1500):  # type_len about 55 KB: more than 4096 records could fit
    n = i % 5
    if n == 0:
        types.append(struct.pack("<III", 0, 2 << 24, 1 + (i * 7) % (len(types))))
    elif n == 1:
        types.append(struct.pack("<IIIIII", 0, 3 << 24, 0, 1, 1, i % 16))
    else:
        rec = struct.pack("<III", name("s%d" % i), 4 << 24 | n, 4 * n)
        for m in range(n):
            rec += struct.pack("<III", name("m%d" % m), 1 + (i + m) % len(types), 32 * m)
        types.append(rec)
t = b"".join(types)
hdr = struct.pack("<HBBIIIII", 0xEB9F, 1, 0, 24, 0, len(t), len(t), len(strs))
open(sys.argv[1], "wb").write(hdr + t + bytes(strs))
PY
for t in elf btf btf_ext object core inflate kconfig; do
  echo "$t: $(ls "$out/$t" | wc -l) seeds"
done
