#!/bin/sh
# check_compile.sh - the public headers compile without a warning (-Wall -Wextra -Werror) as
# C11 with gcc and clang and as C++17 with g++ and clang++ (each compiler that is installed; gcc
# and g++ must be), and so does every generated skeleton with clang and clang++ (the build
# compiles each with gcc and g++ already, into kernel-skeleton-c and kernel-skeleton-cxx).
# usage: check_compile.sh SRC_INCLUDE BUILD_INCLUDE HEADER...
set -u
src_inc=$1 build_inc=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
compilers=""
for c in gcc clang g++ clang++; do
	command -v "$c" >/dev/null 2>&1 && compilers="$compilers $c"
done
case "$compilers" in *g++*) ;; *) echo "g++ is not installed (scripts/setup.sh installs it)"; exit 1 ;; esac
check() { # check INCLUDE-LINE NAME HEADER COMPILERS
	printf '%s\nint main(void) { return 0; }\n' "$1" > "$tmp/t.c"
	cp "$tmp/t.c" "$tmp/t.cpp"
	for c in $4; do
		case $c in
		*++) f="$tmp/t.cpp" std=-std=c++17 ;;
		*) f="$tmp/t.c" std=-std=c11 ;;
		esac
		if ! $c $std -Wall -Wextra -Werror -fsyntax-only -I"$src_inc" -I"$build_inc" \
			-I"$(dirname "$3")" "$f" 2> "$tmp/err"; then
			echo "FAIL: $2 with $c $std:"
			head -20 "$tmp/err"
			fail=1
		fi
	done
}
for h in "$src_inc"/ebpfmini/*.h; do
	case $(basename "$h") in bpf_* | *.bpf.h) continue ;; esac # BPF-side: clang -target bpf only
	check "#include <ebpfmini/$(basename "$h")>" "$h" "$h" "$compilers"
done
skel_compilers=$(echo "$compilers" | tr ' ' '\n' | grep clang | tr '\n' ' ')
for h in "$@"; do
	check "#include \"$(basename "$h")\"" "$h" "$h" "$skel_compilers"
done
echo "compilers:$compilers; $# skeletons"
exit $fail
