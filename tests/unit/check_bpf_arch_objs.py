#!/usr/bin/env python3
# check_bpf_arch_objs.py - the BPF objects of hdr_compat.bpf.c built for each architecture are BPF ELF with every program and the helper calls expected (unit test)
#
# Usage: check_bpf_arch_objs.py OBJ...   (hdr_compat_<arch>.bpf.o; built by meson, so a header
#                                          that does not compile for an architecture fails the build)

import struct
import sys

EM_BPF = 247
PROGRAMS = ['tp/syscalls/sys_enter_getpid', 'fentry/do_unlinkat', 'kprobe/do_unlinkat',
            'kretprobe/do_unlinkat', 'tp_btf/cgroup_mkdir']
# helper ids the tp_btf program calls: bpf_cgrp_storage_get, bpf_cgrp_storage_delete
CGRP_CALLS = {210, 211}


def sections(data):
    """{name: bytes} of an ELF64 file of either byte order."""
    if data[:4] != b'\x7fELF' or data[4] != 2:
        raise ValueError('not an ELF64 file')
    e = '<' if data[5] == 1 else '>'
    machine = struct.unpack_from(e + 'H', data, 18)[0]
    if machine != EM_BPF:
        raise ValueError('e_machine %d, not EM_BPF' % machine)
    shoff = struct.unpack_from(e + 'Q', data, 40)[0]
    shentsize, shnum, shstrndx = struct.unpack_from(e + 'HHH', data, 58)
    hdrs = [struct.unpack_from(e + 'IIQQQQIIQQ', data, shoff + i * shentsize) for i in range(shnum)]
    strtab = hdrs[shstrndx]
    out = {}
    for h in hdrs:
        start = strtab[4] + h[0]
        name = data[start:data.index(b'\0', start)].decode()
        out.setdefault(name, data[h[4]:h[4] + h[5]])
    return e, out


def calls(e, code):
    """Immediates of the helper calls (BPF_JMP|BPF_CALL, src_reg 0) in code."""
    found = set()
    for off in range(0, len(code) - 7, 8):
        op, regs, _, imm = struct.unpack_from(e + 'BBhi', code, off)
        src = (regs & 0x0f) if e == '>' else (regs >> 4)
        if op == 0x85 and src == 0:
            found.add(imm)
    return found


def main(paths):
    failed = 0
    for path in paths:
        try:
            e, secs = sections(open(path, 'rb').read())
            missing = [p for p in PROGRAMS if p not in secs]
            if missing:
                raise ValueError('no section ' + ', '.join(missing))
            got = calls(e, secs['tp_btf/cgroup_mkdir'])
            if not CGRP_CALLS <= got:
                raise ValueError('cgroup storage helper calls %s not among %s' % (sorted(CGRP_CALLS), sorted(got)))
            print('ok     %s' % path)
        except (OSError, ValueError, struct.error) as err:
            print('FAILED %s: %s' % (path, err))
            failed += 1
    return 1 if failed or not paths else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
