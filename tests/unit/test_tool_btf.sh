#!/bin/sh
# test_tool_btf.sh - `ebpfmini btf dump` as a user runs it: raw and C output of an object's
# BTF (and of the kernel's when readable), a header clang accepts, wrong usage refused
# usage: test_tool_btf.sh EBPFMINI CLANG OBJ_DIR
set -u
tool=$1 clang=$2 objdir=$3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

obj=$objdir/btf_sample.bpf.o
"$tool" btf dump "$obj" --format raw >"$tmp/raw" || fail "btf dump --format raw exited $?"
head -n 1 "$tmp/raw" | grep -q '^\[1\] ' || fail "raw listing does not start with [1]: $(head -n 1 "$tmp/raw")"
grep -q "^\[[0-9]*\] STRUCT 'sample_bits' size=16 vlen=4\$" "$tmp/raw" || fail "no sample_bits line"
"$tool" btf dump "$obj" >"$tmp/sample.h" || fail "btf dump (C) exited $?"
grep -q '^struct sample_value {$' "$tmp/sample.h" || fail "no struct sample_value in the header"
"$clang" -target bpf -Wall -Werror -fsyntax-only -x c "$tmp/sample.h" || fail "clang refused the header"

"$tool" btf dump "$obj" --format xml >/dev/null 2>&1
[ $? -eq 2 ] || fail "--format xml was not refused as usage"
"$tool" btf dump "$tmp/does-not-exist" >/dev/null 2>&1 && fail "a missing file gave success"
"$tool" btf dump "$tmp/raw" >/dev/null 2>&1 && fail "a text file gave success"

if [ -r /sys/kernel/btf/vmlinux ]; then
	"$tool" btf dump >"$tmp/vmlinux.h" || fail "btf dump of the kernel exited $?"
	grep -q '^struct task_struct {$' "$tmp/vmlinux.h" || fail "no task_struct in vmlinux.h"
	"$clang" -target bpf -fsyntax-only -x c "$tmp/vmlinux.h" || fail "clang refused vmlinux.h"
else
	echo "/sys/kernel/btf/vmlinux not readable: kernel BTF not dumped"
fi
echo ok
