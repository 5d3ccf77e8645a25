#!/usr/bin/env python3
# test_gen_helper_defs.py - runs gen_helper_defs.py on the in-tree list, on both UAPI mapper formats and on bad input (unit test)
#
# Usage: test_gen_helper_defs.py path/to/gen_helper_defs.py path/to/linux/bpf.h path/to/bpf_helpers.list
#
# The in-tree list must hold every helper of the build machine's UAPI header
# with the same id and prototype (refreshing it from that header changes
# nothing), and give a deterministic header; a malformed list is refused.
# The installed UAPI header uses one of the two helper-list formats. This test
# rewrites it into the other one (Linux <= 6.1: "FN(name)" inside
# __BPF_FUNC_MAPPER; Linux >= 6.2: "FN(name, id, ##ctx)" inside
# ___BPF_FUNC_MAPPER plus a compatibility __BPF_FUNC_MAPPER) and checks that
# the generator emits the same header for both, that it is deterministic, that
# explicit ids are honoured (a documented helper added with a gap in the ids),
# and that input without a helper list is refused.

import os
import re
import subprocess
import sys
import tempfile

FAILED = []


def check(cond, what):
    print(('ok     ' if cond else 'FAILED ') + what)
    if not cond:
        FAILED.append(what)


def run(gen, src_text, tmp, tag):
    """--from-uapi on src_text: (exit code, list text or None, stderr)."""
    src = os.path.join(tmp, tag + '.h')
    with open(src, 'w') as f:
        f.write(src_text)
    r = subprocess.run([sys.executable, gen, '--from-uapi', src], capture_output=True, text=True)
    return r.returncode, r.stdout if r.returncode == 0 else None, r.stderr


def run_header(gen, list_path, tmp, tag):
    """The build step on a list file: (exit code, header text or None, stderr)."""
    out = os.path.join(tmp, tag + '.out.h')
    r = subprocess.run([sys.executable, gen, list_path, out], capture_output=True, text=True)
    return r.returncode, open(out).read() if r.returncode == 0 else None, r.stderr


def mapper_span(text):
    """(start, end, names, ids) of the mapper macro that holds the FN list."""
    for m in re.finditer(r'^#define (_{2,3})BPF_FUNC_MAPPER\(([^)]*)\)[^\n]*\\\n', text, re.M):
        end = m.end()
        while True:
            nl = text.index('\n', end)
            line = text[end:nl]
            end = nl + 1
            if not line.rstrip().endswith('\\'):
                break
        body = text[m.start():end]
        entries = re.findall(r'\bFN\((\w+)(?:,\s*(\d+))?', body)
        if entries:
            return m.start(), end, entries
    raise SystemExit('no helper mapper in the UAPI header')


def to_old(text):
    start, end, entries = mapper_span(text)
    if not entries[0][1]:
        return text
    lines = ['#define __BPF_FUNC_MAPPER(FN)\t\\']
    lines += ['\tFN(%s),\t\\' % n for n, _ in entries]
    lines += ['\t/* */', '']
    return drop_compat(text[:start] + '\n'.join(lines) + text[end:])


def drop_compat(text):
    """Removes the compatibility wrappers that come with the new format."""
    text = re.sub(r'^#define __BPF_FUNC_MAPPER_APPLY[^\n]*\n', '', text, flags=re.M)
    return re.sub(r'^#define __BPF_FUNC_MAPPER\(FN\) ___BPF_FUNC_MAPPER[^\n]*\n', '', text, flags=re.M)


def to_new(text, extra=None):
    """extra: (name, id) appended with an explicit id."""
    text = drop_compat(text)
    start, end, entries = mapper_span(text)
    entries = [(n, int(i) if i else pos) for pos, (n, i) in enumerate(entries)]
    if extra:
        entries.append(extra)
    lines = ['#define ___BPF_FUNC_MAPPER(FN, ctx...)\t\t\t\\']
    lines += ['\tFN(%s, %d, ##ctx)\t\t\\' % e for e in entries]
    lines += ['\t/* */', '',
              '#define __BPF_FUNC_MAPPER_APPLY(name, value, FN) FN(name),',
              '#define __BPF_FUNC_MAPPER(FN) ___BPF_FUNC_MAPPER(__BPF_FUNC_MAPPER_APPLY, FN)', '']
    return text[:start] + '\n'.join(lines) + text[end:]


def add_doc(text, proto, desc):
    """Appends a documented helper at the end of the helper description block."""
    start = text.index('Start of BPF helper function descriptions:')
    close = text.index('\n */', start)
    doc = '\n *\n * %s\n * \tDescription\n * \t\t%s\n * \tReturn\n * \t\t0.' % (proto, desc)
    return text[:close] + doc + text[close:]


def main():
    gen, uapi, tree_list = sys.argv[1], sys.argv[2], sys.argv[3]
    text = open(uapi).read()
    old_fmt, new_fmt = to_old(text), to_new(text)
    with tempfile.TemporaryDirectory() as tmp:
        rc1, out_old, err1 = run(gen, old_fmt, tmp, 'old')
        rc2, out_new, err2 = run(gen, new_fmt, tmp, 'new')
        r = subprocess.run([sys.executable, gen, '--from-uapi', uapi, tree_list],
                           capture_output=True, text=True)
        check(r.returncode == 0 and r.stdout == open(tree_list).read(),
              'the in-tree list holds every helper of ' + uapi + ' unchanged ' + r.stderr)
        rh1, h1, errh = run_header(gen, tree_list, tmp, 'tree1')
        rh2, h2, _ = run_header(gen, tree_list, tmp, 'tree2')
        check(rh1 == 0 and h1 == h2, 'header from the in-tree list, deterministic ' + errh)
        check(h1 is not None and '(* const bpf_cgrp_storage_delete)(void *map, struct cgroup *cgroup)'
              ' = (void *) 211;' in h1, 'bpf_cgrp_storage_delete declared whatever the host headers')
        for tag, bad in (('dup', '1\tlong bpf_a(void)\n1\tlong bpf_b(void)\n'),
                         ('noid', 'long bpf_a(void)\n'), ('empty', '# nothing\n'),
                         ('zero', '0\tlong bpf_unspec(void)\n')):
            path = os.path.join(tmp, tag + '.list')
            with open(path, 'w') as f:
                f.write(bad)
            rb, _, errb = run_header(gen, path, tmp, tag)
            check(rb == 1 and 'gen_helper_defs' in errb, 'malformed list refused: ' + tag)

        check(rc1 == 0, 'FN(name) format accepted ' + err1)
        check(rc2 == 0, 'FN(name, id, ##ctx) format accepted ' + err2)
        check(out_old is not None and out_old == out_new, 'both formats give the same list')
        rc3, out_again, _ = run(gen, old_fmt, tmp, 'again')
        check(rc3 == 0 and out_again == out_old, 'output is deterministic')

        n = len(mapper_span(text)[2])
        gap_id = n + 5
        ext = add_doc(to_new(text, ('ebpfmini_test', gap_id)),
                      'long bpf_ebpfmini_test(struct bpf_map *map, u64 flags, struct sk_buff *skb)',
                      'Test helper, closing */ comments early would break the header.')
        rc4, out_ext, err4 = run(gen, ext, tmp, 'ext')
        check(rc4 == 0, 'explicit ids with a gap accepted ' + err4)
        want = ('%d\tlong bpf_ebpfmini_test(void *map, __u64 flags, '
                'struct __sk_buff *skb)\n' % gap_id)
        check(out_ext is not None and want in out_ext, 'explicit id used: ' + want)

        rc5, _, err5 = run(gen, re.sub(r'\bFN\(', 'XX(', text), tmp, 'nolist')
        check(rc5 != 0 and 'BPF_FUNC_MAPPER' in err5, 'input without a helper list refused')
        rc6, _, _ = run(gen, text.replace('Start of BPF helper function descriptions:', ''), tmp,
                        'nodocs')
        check(rc6 != 0, 'input without the helper documentation refused')
    if FAILED:
        print('%d check(s) failed' % len(FAILED))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
