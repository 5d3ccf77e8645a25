#!/usr/bin/env python3
# gen_helper_defs.py - generates include/ebpfmini/bpf_helper_defs.h from the UAPI <linux/bpf.h> (build tool)
#
# Usage: gen_helper_defs.py path/to/linux/bpf.h path/to/bpf_helper_defs.h
#
# Two things are read from the UAPI header:
#   1. the helper id list: the FN(...) entries of the __BPF_FUNC_MAPPER macro
#      (Linux <= 6.1: "FN(name)", id = position in the list) or of
#      ___BPF_FUNC_MAPPER (Linux >= 6.2: "FN(name, id, ##ctx)", id explicit);
#   2. the helper documentation comment that follows the line
#      " * Start of BPF helper function descriptions:", where each helper starts
#      with a C prototype line (" * long bpf_x(u32 a, void *b)") followed by
#      indented "Description" and "Return" sections.
# For every helper id except 0 (unspec) one constant function pointer is
# emitted; calling it makes clang emit "call ID", which is how BPF programs
# call helpers. Output depends only on the input text (deterministic).

import re
import sys

# Kernel-internal type spellings in the documentation mapped to what BPF C
# code sees. The context objects a program receives are the UAPI mirror
# structs (the verifier rewrites their accesses), and maps are passed as
# pointers to the anonymous structs that BTF map definitions declare.
TYPE_MAP = {
    'u8': '__u8', 'u16': '__u16', 'u32': '__u32', 'u64': '__u64',
    's8': '__s8', 's16': '__s16', 's32': '__s32', 's64': '__s64',
    'size_t': 'unsigned long',
    'struct bpf_map': 'void',
    'struct sk_buff': 'struct __sk_buff',
    'struct xdp_buff': 'struct xdp_md',
    'struct sk_msg_buff': 'struct sk_msg_md',
}

QUALIFIERS = ('const', 'volatile', 'restrict')

START_MARK = 'Start of BPF helper function descriptions:'
PROTO_RE = re.compile(r'^(?P<ret>.*?[\s*])(?P<name>bpf_\w+)\s*\((?P<args>.*)\)\s*$')
MAPPER_DEF_RE = re.compile(r'^\s*#\s*define\s+(_{2,3}BPF_FUNC_MAPPER)\s*\(([^)]*)\)(.*)$')
FN_RE = re.compile(r'\bFN\(\s*(\w+)\s*(?:,\s*(\d+)\s*)?(?:,[^)]*)?\)')


class GenError(Exception):
    pass


def parse_type(text):
    """Split a C type spelling into (qualifiers, base, stars) and map the base."""
    text = text.replace('*', ' * ')
    tokens = text.split()
    quals = [t for t in tokens if t in QUALIFIERS]
    stars = tokens.count('*')
    base = ' '.join(t for t in tokens if t not in QUALIFIERS and t != '*')
    if not base:
        raise GenError('empty type in %r' % text)
    return quals, TYPE_MAP.get(base, base), stars


def type_str(quals, base, stars):
    s = ' '.join(list(quals) + [base])
    if stars:
        s += ' ' + '*' * stars
    return s


class Arg:
    def __init__(self, text):
        text = text.strip()
        self.variadic = text == '...'
        self.name = ''
        self.quals, self.base, self.stars = [], '', 0
        if self.variadic:
            return
        m = re.match(r'^(.*?[\s*])(\w+)$', text)
        if m and m.group(1).strip():
            type_text, self.name = m.group(1), m.group(2)
        else:
            type_text = text  # a bare type without a parameter name
        self.quals, self.base, self.stars = parse_type(type_text)

    def ctype(self):
        return type_str(self.quals, self.base, self.stars)

    def render(self):
        if self.variadic:
            return '...'
        t = self.ctype()
        if not self.name:
            return t
        return t + self.name if t.endswith('*') else t + ' ' + self.name


class Proto:
    def __init__(self, ret, name, args_text):
        self.name = name
        self.ret = parse_type(ret)
        args_text = args_text.strip()
        if args_text in ('', 'void'):
            self.args = []
        else:
            self.args = [Arg(a) for a in args_text.split(',')]


def merge_protos(protos):
    """One helper documented with several prototypes (one per program type):
    keep the first, and make a parameter 'void *' where the pointer types
    differ between the variants."""
    first = protos[0]
    for other in protos[1:]:
        if len(other.args) != len(first.args):
            continue
        for a, b in zip(first.args, other.args):
            if a.variadic or b.variadic:
                continue
            if a.ctype() != b.ctype() and a.stars and b.stars:
                a.quals, a.base, a.stars = [], 'void', 1
                if a.name != b.name and a is first.args[0]:
                    a.name = 'ctx'
    return first


def parse_docs(lines):
    """Returns {helper name: (list of Proto, list of doc lines)}."""
    docs = {}
    try:
        start = next(i for i, l in enumerate(lines) if START_MARK in l)
    except StopIteration:
        raise GenError('no "%s" line found' % START_MARK)
    cur = None
    base = None
    for line in lines[start + 1:]:
        if line.strip() == '*/':
            break
        if not line.startswith(' *'):
            raise GenError('unexpected line in helper documentation: %r' % line)
        body = line[2:].expandtabs(8).rstrip()
        stripped = body.lstrip()
        indent = len(body) - len(stripped)
        if stripped and indent == 1:
            m = PROTO_RE.match(stripped)
            if not m:
                raise GenError('cannot parse helper prototype: %r' % stripped)
            proto = Proto(m.group('ret'), m.group('name'), m.group('args'))
            name = proto.name[len('bpf_'):]
            entry = docs.setdefault(name, ([], []))
            entry[0].append(proto)
            if entry[1] and entry[1][-1] != '':
                entry[1].append('')
            if len(entry[0]) > 1:
                entry[1].append('Variant: ' + stripped)
            cur = entry[1]
            base = None
            continue
        if cur is None:
            continue
        if stripped in ('Description', 'Return'):
            if cur and cur[-1] != '':
                cur.append('')
            cur.append(stripped + ':')
            base = None
            continue
        if not stripped:
            cur.append('')
            continue
        if base is None:
            base = indent
        # keep indentation beyond the section's first line (lists, code)
        cur.append('  ' + body[min(indent, base):])
    for entry in docs.values():
        while entry[1] and entry[1][-1] == '':
            entry[1].pop()
    return docs


def parse_ids(lines):
    """Returns [(id, name)] from the helper mapper macro."""
    best = None
    for i, line in enumerate(lines):
        m = MAPPER_DEF_RE.match(line)
        if not m:
            continue
        body = [m.group(3)]
        j = i
        while lines[j].rstrip().endswith('\\') and j + 1 < len(lines):
            j += 1
            body.append(lines[j])
        entries = FN_RE.findall('\n'.join(body))
        if entries and (best is None or len(entries) > len(best)):
            best = entries
    if not best:
        raise GenError('no __BPF_FUNC_MAPPER / ___BPF_FUNC_MAPPER list found')
    explicit = [e for e in best if e[1]]
    if explicit and len(explicit) != len(best):
        raise GenError('helper mapper mixes FN(name) and FN(name, id) entries')
    result = []
    seen_ids, seen_names = set(), set()
    for pos, (name, idtext) in enumerate(best):
        hid = int(idtext) if idtext else pos
        if hid in seen_ids or name in seen_names:
            raise GenError('duplicate helper %s / id %d' % (name, hid))
        seen_ids.add(hid)
        seen_names.add(name)
        result.append((hid, name))
    result.sort()
    return result


def comment_safe(text):
    return text.replace('*/', '*\\/').replace('/*', '/\\*')


def generate(src_text):
    lines = src_text.split('\n')
    ids = parse_ids(lines)
    docs = parse_docs(lines)

    helpers = []
    fwd = set()
    for hid, name in ids:
        if hid == 0:
            continue  # BPF_FUNC_unspec is not callable
        if name in docs:
            proto = merge_protos(docs[name][0])
            doc = docs[name][1]
            for q, base, s in [proto.ret] + [(a.quals, a.base, a.stars) for a in proto.args]:
                if base.startswith('struct ') or base.startswith('union '):
                    fwd.add(base)
            ret = type_str(*proto.ret)
            args = ', '.join(a.render() for a in proto.args) or 'void'
        else:
            doc = ['(no documentation or prototype in the UAPI header)']
            ret, args = 'long', ''
        helpers.append((hid, name, ret, args, doc))

    out = []
    out.append('/* bpf_helper_defs.h - BPF helper prototypes (generated, BPF side) */')
    out.append('/*')
    out.append(' * Generated by scripts/gen_helper_defs.py from the kernel UAPI header')
    out.append(' * <linux/bpf.h>: do not edit. Include <ebpfmini/bpf_helpers.h>, not this')
    out.append(' * file, after the type definitions (<linux/types.h> or vmlinux.h).')
    out.append(' *')
    out.append(' * Each helper is a constant pointer whose value is the helper id; clang')
    out.append(' * turns a call through it into the BPF "call <id>" instruction.')
    out.append(' */')
    out.append('#ifndef EBPFMINI_BPF_HELPER_DEFS_H')
    out.append('#define EBPFMINI_BPF_HELPER_DEFS_H')
    out.append('')
    out.append('/* types used by the prototypes below */')
    for s in sorted(fwd):
        out.append(s + ';')
    out.append('')
    for hid, name, ret, args, doc in helpers:
        out.append('/*')
        out.append(' * bpf_%s (helper id %d)' % (name, hid))
        if doc:
            out.append(' *')
        for d in doc:
            d = comment_safe(d).rstrip()
            out.append(' *' + (' ' + d if d else ''))
        out.append(' */')
        sep = '' if ret.endswith('*') else ' '
        out.append('static %s%s(* const bpf_%s)(%s) = (void *) %d;' % (ret, sep, name, args, hid))
        out.append('')
    out.append('#endif /* EBPFMINI_BPF_HELPER_DEFS_H */')
    return '\n'.join(out) + '\n'


def main(argv):
    if len(argv) != 3:
        sys.stderr.write('usage: %s linux/bpf.h bpf_helper_defs.h\n' % argv[0])
        return 2
    try:
        with open(argv[1], encoding='utf-8', errors='replace') as f:
            text = f.read()
        result = generate(text)
    except (OSError, GenError) as e:
        sys.stderr.write('gen_helper_defs: %s: %s\n' % (argv[1], e))
        return 1
    with open(argv[2], 'w', encoding='utf-8', newline='\n') as f:
        f.write(result)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
