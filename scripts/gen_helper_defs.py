#!/usr/bin/env python3
# gen_helper_defs.py - generates include/ebpfmini/bpf_helper_defs.h from the in-tree helper list (build tool)
#
# Usage:
#   gen_helper_defs.py bpf_helpers.list bpf_helper_defs.h
#       the build step: one constant function pointer per helper of the list
#   gen_helper_defs.py --from-uapi path/to/linux/bpf.h [bpf_helpers.list]
#       maintenance: prints the list read from a kernel UAPI header, keeping the
#       entries of the given list that the header lacks (an older header never
#       drops helpers); redirect it over scripts/bpf_helpers.list when the kernel
#       adds helpers
#
# The list (scripts/bpf_helpers.list) has one helper a line, "ID<TAB>prototype",
# the prototype in the types BPF C sees (__u32, struct __sk_buff, void *map);
# '#' starts a comment line. Nothing is read from the build machine's kernel
# headers, so every build declares the same helpers.
#
# From a UAPI header two things are read:
#   1. the helper id list: the FN(...) entries of the __BPF_FUNC_MAPPER macro
#      (Linux <= 6.1: "FN(name)", id = position in the list) or of
#      ___BPF_FUNC_MAPPER (Linux >= 6.2: "FN(name, id, ##ctx)", id explicit);
#   2. the helper documentation comment that follows the line
#      " * Start of BPF helper function descriptions:", where each helper starts
#      with a C prototype line (" * long bpf_x(u32 a, void *b)") followed by
#      indented "Description" and "Return" sections.
# Calling a helper pointer makes clang emit "call ID", which is how BPF
# programs call helpers. Output depends only on the input text (deterministic).

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



def proto_text(name, proto):
    ret = type_str(*proto.ret)
    sep = '' if ret.endswith('*') else ' '
    args = ', '.join(a.render() for a in proto.args) or 'void'
    return '%s%sbpf_%s(%s)' % (ret, sep, name, args)


def uapi_to_list(src_text, old_list_text=None):
    """The helper list of a UAPI header, merged over an existing list."""
    lines = src_text.split('\n')
    ids = parse_ids(lines)
    docs = parse_docs(lines)
    entries = dict(parse_list(old_list_text)) if old_list_text else {}
    for hid, name in ids:
        if hid == 0:
            continue  # BPF_FUNC_unspec is not callable
        if name not in docs:
            raise GenError('helper %s (id %d) has no documented prototype' % (name, hid))
        entries[hid] = (name, merge_protos(docs[name][0]))
    out = ['# bpf_helpers.list - BPF helper ids and prototypes, as the kernel UAPI <linux/bpf.h> documents them',
           '# (read by scripts/gen_helper_defs.py; refresh with its --from-uapi mode)',
           '# id<TAB>prototype, in the types BPF C sees']
    for hid in sorted(entries):
        name, proto = entries[hid]
        out.append('%d\t%s' % (hid, proto_text(name, proto)))
    return '\n'.join(out) + '\n'


def parse_list(text):
    """Returns [(id, (name, Proto))] from the list format, checked."""
    result = []
    seen_ids, seen_names = set(), set()
    for n, line in enumerate(text.split('\n'), 1):
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        m = re.match(r'^(\d+)\t(.*)$', line.rstrip())
        pm = PROTO_RE.match(m.group(2)) if m else None
        if not pm:
            raise GenError('line %d: not "id<TAB>prototype": %r' % (n, line))
        hid, name = int(m.group(1)), pm.group('name')[len('bpf_'):]
        if hid == 0 or hid in seen_ids or name in seen_names:
            raise GenError('line %d: id 0, or duplicate helper %s / id %d' % (n, name, hid))
        seen_ids.add(hid)
        seen_names.add(name)
        result.append((hid, (name, Proto(pm.group('ret'), pm.group('name'), pm.group('args')))))
    if not result:
        raise GenError('no helpers in the list')
    return sorted(result, key=lambda e: e[0])


def generate(list_text):
    helpers = parse_list(list_text)
    fwd = set()
    for _, (_, proto) in helpers:
        for q, base, s in [proto.ret] + [(a.quals, a.base, a.stars) for a in proto.args]:
            if base.startswith('struct ') or base.startswith('union '):
                fwd.add(base)
    out = []
    out.append('/* bpf_helper_defs.h - BPF helper prototypes (generated, BPF side) */')
    out.append('/*')
    out.append(' * Generated by scripts/gen_helper_defs.py from scripts/bpf_helpers.list (the')
    out.append(' * helper ids and prototypes of the kernel UAPI <linux/bpf.h>): do not edit.')
    out.append(' * Include <ebpfmini/bpf_helpers.h>, not this file, after the type')
    out.append(' * definitions (<linux/types.h> or vmlinux.h).')
    out.append(' *')
    out.append(' * Each helper is a constant pointer whose value is the helper id; clang')
    out.append(' * turns a call through it into the BPF "call <id>" instruction. The')
    out.append(' * kernel documents each helper in bpf-helpers(7) and in <linux/bpf.h>.')
    out.append(' */')
    out.append('#ifndef EBPFMINI_BPF_HELPER_DEFS_H')
    out.append('#define EBPFMINI_BPF_HELPER_DEFS_H')
    out.append('')
    out.append('/* types used by the prototypes below */')
    for s in sorted(fwd):
        out.append(s + ';')
    out.append('')
    for hid, (name, proto) in helpers:
        ret = type_str(*proto.ret)
        sep = '' if ret.endswith('*') else ' '
        args = ', '.join(a.render() for a in proto.args) or 'void'
        out.append('static %s%s(* const bpf_%s)(%s) = (void *) %d;' % (ret, sep, name, args, hid))
    out.append('')
    out.append('#endif /* EBPFMINI_BPF_HELPER_DEFS_H */')
    return '\n'.join(out) + '\n'


def read(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        return f.read()


def main(argv):
    try:
        if len(argv) in (3, 4) and argv[1] == '--from-uapi':
            sys.stdout.write(uapi_to_list(read(argv[2]), read(argv[3]) if len(argv) == 4 else None))
            return 0
        if len(argv) != 3 or argv[1].startswith('-'):
            sys.stderr.write('usage: %s bpf_helpers.list bpf_helper_defs.h\n'
                             '       %s --from-uapi linux/bpf.h [bpf_helpers.list]\n' % (argv[0], argv[0]))
            return 2
        result = generate(read(argv[1]))
    except (OSError, GenError) as e:
        sys.stderr.write('gen_helper_defs: %s: %s\n' % (argv[-1] if argv[1] == '--from-uapi' else argv[1], e))
        return 1
    with open(argv[2], 'w', encoding='utf-8', newline='\n') as f:
        f.write(result)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
