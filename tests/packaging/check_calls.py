#!/usr/bin/env python3
# check_calls.py - unit test: calls between lib/ .c files go one way only (no call circle between files)
"""Builds the graph of which lib/ .c file calls (or takes the address of) a function or uses
a variable defined in which other lib/ .c file, from the object files of the static
library: `nm` lists, for every member, the symbols it defines and the ones it leaves
undefined; an undefined symbol that another member defines is an edge from the first file
to the second.

A circle between files (a.c uses b.c and b.c, directly or through others, uses a.c) means
the two files are one piece of code cut in the wrong place: each circle is printed as
`a.c -> b.c -> a.c` with the symbols behind every edge, and the script exits 1. Exits 0
when the graph has no circle.

KNOWN could list knots not cut yet: a knot inside one of them is reported but passes, a
KNOWN entry no knot needs any more fails, so that the list only shrinks. It is empty.
"""
import argparse
import subprocess
import sys


# Knots of files still calling each other: none left; a new one must be cut, not listed.
KNOWN = []


def member_name(member):
    """'btf_btf_dump_c.c.o' -> 'btf/btf_dump_c.c' (members are named folder_file.c.o)."""
    base = member[:-2] if member.endswith('.o') else member
    folder, _, rest = base.partition('_')
    return f'{folder}/{rest}' if rest else base


def read_symbols(nm, archive):
    """{file: (defined set, undefined set)} for each member of the archive."""
    out = subprocess.run([nm, '-A', archive], check=True, capture_output=True,
                         text=True).stdout
    files = {}
    for line in out.splitlines():
        # archive:member: [value] type name
        head, _, rest = line.rpartition(': ')
        if not head or ':' not in head:
            head, _, rest = line.rpartition(':')
        member = head.rsplit(':', 1)[-1]
        fields = rest.split()
        if len(fields) < 2:
            continue
        kind, name = fields[-2], fields[-1]
        defined, undefined = files.setdefault(member_name(member), (set(), set()))
        if kind == 'U':
            undefined.add(name)
        elif kind.isupper() and kind not in 'UW' or kind in 'TDBR':
            defined.add(name)
    return files


def call_graph(files):
    """{file: {other file: sorted symbols}} for uses of symbols defined in another file."""
    owner = {}
    for f, (defined, _) in files.items():
        for s in defined:
            owner.setdefault(s, f)
    graph = {f: {} for f in files}
    for f, (_, undefined) in files.items():
        for s in undefined:
            o = owner.get(s)
            if o and o != f:
                graph[f].setdefault(o, []).append(s)
    for edges in graph.values():
        for syms in edges.values():
            syms.sort()
    return graph


def components(graph):
    """Strongly connected components with more than one file (Tarjan, iterative)."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    n = stack.pop()
                    on_stack.discard(n)
                    comp.append(n)
                    if n == node:
                        break
                if len(comp) > 1:
                    result.append(sorted(comp))
    return result


def one_cycle(graph, comp):
    """A shortest circle through the first file of a component, as a list of files."""
    members = set(comp)
    start = comp[0]
    prev = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node]):
            if child not in members:
                continue
            if child == start:
                path = [node]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return [start] + path[::-1][1:] + [start] if path[-1] == start else path[::-1] + [start]
            if child not in prev:
                prev[child] = node
                queue.append(child)
    return comp + [comp[0]]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--static', required=True, help='libebpfmini.a')
    ap.add_argument('--nm', default='nm')
    args = ap.parse_args()
    graph = call_graph(read_symbols(args.nm, args.static))
    bad = 0
    used = set()
    for comp in components(graph):
        known = [i for i, k in enumerate(KNOWN) if set(comp) <= k]
        used.update(known)
        bad += not known
        cycle = one_cycle(graph, comp)
        print(f'{"known (issue 9) " if known else ""}call circle between lib files: '
              f'{" -> ".join(cycle)}')
        for a, b in zip(cycle, cycle[1:]):
            print(f'  {a} -> {b}: {", ".join(graph[a][b])}')
        if len(comp) > len(cycle) - 1:
            print(f'  (the circle is part of a knot of {len(comp)} files: {", ".join(comp)})')
    for i, k in enumerate(KNOWN):
        if i not in used:
            bad += 1
            print(f'no circle among {", ".join(sorted(k))} any more: remove it from KNOWN')
    if bad:
        print(f'{bad} call circle(s): cut the files so that calls between them go one way')
        return 1
    print(f'no call circle among {len(graph)} lib files' + (f' but {len(used)} known' if used else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
