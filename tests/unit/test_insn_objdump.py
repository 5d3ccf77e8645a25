#!/usr/bin/env python3
# test_insn_objdump.py - the disassembler (lib/format/insn.c) against llvm-objdump
#
# Usage: test_insn_objdump.py INSN_DUMP BUILD_ROOT BPF_HELPER_DEFS_H
#
# Every *.bpf.o under BUILD_ROOT (tests/bpf, examples, bench: whatever the
# build made) is disassembled twice: by insn_dump (ebpfmini_insn_format() of
# every instruction of every code section) and by llvm-objdump -d, whose text
# is rewritten into the kernel verifier's syntax. Each instruction must read
# the same. Helper names are checked against the generated
# bpf_helper_defs.h, not against the library's own table.

import glob
import os
import re
import shutil
import subprocess
import sys


def find_objdump():
    clang = shutil.which('clang')
    version = ''
    if clang:
        out = subprocess.run([clang, '--version'], capture_output=True, text=True).stdout
        m = re.search(r'version (\d+)', out)
        version = m.group(1) if m else ''
    for name in ('llvm-objdump-' + version, 'llvm-objdump'):
        path = shutil.which(name)
        if path:
            return path
    sys.exit('llvm-objdump not found (install the llvm package of clang ' + version + ')')


def helper_names(defs_h):
    names = {}
    for m in re.finditer(r'\(\* const (bpf_\w+)\)\(.*\) = \(void \*\) (\d+);', open(defs_h).read()):
        names[int(m.group(2))] = m.group(1)
    return names


def s32(v):
    return v - (1 << 32) if v & (1 << 31) else v


def u32(v):
    return v & 0xffffffff


def mem(text):
    """(r1 + 4) -> (r1 +4), (r10 - 8) -> (r10 -8)"""
    return re.sub(r'\((r\d+) ([+-]) (\d+)\)', r'(\1 \2\3)', text)


def normalise(text, raw, helpers):
    """llvm-objdump's text of one instruction (raw: its 8 or 16 bytes) in the verifier's syntax."""
    code, regs = raw[0], raw[1]
    src = regs >> 4
    imm = s32(int.from_bytes(bytes(raw[4:8]), 'little'))
    m = re.fullmatch(r'(r\d+) = (-?\d+) ll', text)
    if m:
        return '%s = 0x%x' % (m.group(1), int(m.group(2)) & (2 ** 64 - 1))
    if code == 0x85:
        if src == 1:
            return 'call pc%+d' % imm
        if src == 2:
            return 'call kernel-function#%d' % imm
        return 'call %s#%d' % (helpers.get(imm, 'unknown'), imm)
    text = re.sub(r' <[^>]*>$', '', text)  # the jump target's symbol
    m = re.fullmatch(r'if ([rw]\d+) (\S+) (-?\d+) goto ([+-]\d+)', text)
    if m:
        return 'if %s %s 0x%x goto pc%s' % (m.group(1), m.group(2), u32(int(m.group(3))),
                                          m.group(4))
    text = re.sub(r'goto ([+-]\d+)$', r'goto pc\1', text)
    # atomics: llvm 14's spellings
    m = re.fullmatch(r'([rw])(\d+) = atomic_fetch_(\w+)\(\((u\d+) \*\)\((r\d+ [+-] \d+)\), [rw]\d+\)',
                     text)
    if m:
        return 'r%s = atomic%s_fetch_%s((%s *)(%s), r%s)' % (
            m.group(2), '64' if m.group(1) == 'r' else '', m.group(3), m.group(4),
            mem('(' + m.group(5) + ')')[1:-1], m.group(2))
    m = re.fullmatch(r'([rw])(\d+) = xchg(?:32)?_(\d+)\((r\d+ [+-] \d+), [rw](\d+)\)', text)
    if m:
        return 'r%s = atomic%s_xchg((u%s *)%s, r%s)' % (
            m.group(2), '64' if m.group(3) == '64' else '', m.group(3),
            mem('(' + m.group(4) + ')'), m.group(5))
    m = re.fullmatch(r'[rw]0 = cmpxchg(?:32)?_(\d+)\((r\d+ [+-] \d+), [rw]0, [rw](\d+)\)', text)
    if m:
        return 'r0 = atomic%s_cmpxchg((u%s *)%s, r0, r%s)' % (
            '64' if m.group(1) == '64' else '', m.group(1), mem('(' + m.group(2) + ')'),
            m.group(3))
    return mem(text)


def llvm_listing(objdump, paths):
    """{path: {section: [(index, text, raw bytes)]}} from one llvm-objdump -d of every object."""
    out = subprocess.run([objdump, '-d'] + paths, capture_output=True, text=True, check=True).stdout
    objects, sections, cur = {}, None, None
    for line in out.splitlines():
        m = re.match(r'(.*):\tfile format ', line)
        if m:
            sections, cur = objects.setdefault(m.group(1), {}), None
            continue
        m = re.match(r'Disassembly of section (.*):$', line)
        if m:
            cur = sections.setdefault(m.group(1), [])
            continue
        m = re.match(r'\s*(\d+):\t((?:[0-9a-f]{2} ?)+)\t(.*)$', line)
        if m and cur is not None:
            cur.append((int(m.group(1)), m.group(3).strip(),
                        [int(b, 16) for b in m.group(2).split()]))
    return objects


def ours_listing(insn_dump, paths):
    out = subprocess.run([insn_dump] + paths, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit('insn_dump failed:\n' + out.stderr + out.stdout[-2000:])
    objects, cur_obj, cur = {}, None, None
    for line in out.stdout.splitlines():
        if line.startswith('object '):
            cur_obj = objects.setdefault(line[7:], {})
        elif line.startswith('section '):
            cur = cur_obj.setdefault(line[8:], [])
        else:
            idx, text = line.split(': ', 1)
            cur.append((int(idx), text))
    return objects


def main():
    insn_dump, build_root, defs_h = sys.argv[1:4]
    objdump = find_objdump()
    helpers = helper_names(defs_h)
    paths = sorted(p for p in glob.glob(os.path.join(build_root, '**', '*.bpf.o'), recursive=True)
                   if '/meson-' not in p)
    # the library reads little-endian objects only (bpfeb ones are refused at open)
    big = [p for p in paths if open(p, 'rb').read(6)[5:6] == b'\x02']
    for p in big:
        print('skipped, big-endian:', os.path.relpath(p, build_root))
    paths = [p for p in paths if p not in big]
    if len(paths) < 10:
        sys.exit('only %d BPF objects under %s: is the build complete?' % (len(paths), build_root))
    ours = ours_listing(insn_dump, paths)
    llvm = llvm_listing(objdump, paths)
    total, bad = 0, []
    for path in paths:
        theirs = llvm.get(path, {})
        mine = ours.get(path, {})
        if set(theirs) != set(mine):
            bad.append('%s: sections differ: llvm %s, ours %s' % (path, sorted(theirs), sorted(mine)))
            continue
        for sec, insns in theirs.items():
            if [i for i, _, _ in insns] != [i for i, _ in mine[sec]]:
                bad.append('%s: section %s: instruction boundaries differ' % (path, sec))
                continue
            for (idx, text, raw), (_, our) in zip(insns, mine[sec]):
                total += 1
                want = normalise(text, raw, helpers)
                if want != our:
                    bad.append('%s: %s: %d: llvm "%s" -> "%s", ours "%s"' % (
                        os.path.relpath(path, build_root), sec, idx, text, want, our))
    for line in bad[:60]:
        print(line)
    print('%d objects, %d instructions, %d mismatches' % (len(paths), total, len(bad)))
    sys.exit(1 if bad or not total else 0)


main()
