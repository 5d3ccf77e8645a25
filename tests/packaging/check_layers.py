#!/usr/bin/env python3
# check_layers.py - docs test: lib/meson.build, HACKING.md and ebpfmini(7) describe every folder and .c file of lib/; first lines name the layer
"""Checks the layer table of lib/ against the tree:

1. every folder of lib/ holding sources is a layer of lib/meson.build's `lib_layers`, and
   every .c file of a folder is in that layer's 'sources' (and the reverse);
2. HACKING.md's "Code rules" table has one row per folder (`folder/` in its folder cell)
   that names each .c file of the folder (`name.c`) and no other, and whose "may use" cell
   names exactly the folders of the layer's 'below' list ("libc" when it is empty);
3. man/ebpfmini.7's "Layers" subsection has one .TP item per folder whose tag names
   `folder/` and "(..., uses a, b)" with exactly the 'below' folders ("uses libc" when
   empty), and whose text names each .c file of the folder and no other;
4. every .c and .h file of lib/ opens with a one-line comment that names the file and the
   layer of its folder as HACKING.md's table gives it: `/* name.c - what it is (L2 obj,
   pure) */`.

Prints every difference, saying which file is missing from which document, and exits 1
when there is one; exits 0 otherwise.
"""
import argparse
import ast
import os
import re
import sys

C_FILE = re.compile(r'\b([A-Za-z0-9_]+\.c)\b')


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def meson_layers(path):
    """lib_layers of lib/meson.build: folder -> {'below': [...], 'sources': [...]}, in order."""
    text = read(path)
    m = re.search(r'^lib_layers\s*=\s*\{', text, re.M)
    if not m:
        raise SystemExit(f'{path}: no "lib_layers = {{" found')
    depth, i = 0, m.end() - 1
    for j in range(i, len(text)):
        depth += {'{': 1, '}': -1}.get(text[j], 0)
        if depth == 0:
            break
    # the meson dictionary literal is a Python literal (comments included)
    return ast.literal_eval(text[i:j + 1])


def tree(lib):
    """folder -> sorted .c files, for every folder of lib/ holding .c or .h files."""
    out = {}
    for name in sorted(os.listdir(lib)):
        d = os.path.join(lib, name)
        if not os.path.isdir(d):
            continue
        files = os.listdir(d)
        if any(f.endswith(('.c', '.h')) for f in files):
            out[name] = sorted(f for f in files if f.endswith('.c'))
    return out


def hacking_rows(path):
    """folder -> (files cell, may-use cell, layer) of the table under "## Code rules"."""
    text = read(path)
    m = re.search(r'^## Code rules\n(.*?)(?=^## )', text, re.M | re.S)
    if not m:
        return None
    lines = [l for l in m.group(1).splitlines() if l.startswith('|')]
    if len(lines) < 3:
        return None
    head = [c.strip().lower() for c in lines[0].strip('|').split('|')]
    try:
        fcol, filecol, usecol = head.index('folder'), head.index('files'), head.index('may use')
        lcol = head.index('layer')
    except ValueError:
        return None
    rows = {}
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) != len(head):
            continue
        for folder in re.findall(r'`([a-z0-9_]+)/`', cells[fcol]):
            m = re.match(r"L\d'?", cells[lcol])
            rows[folder] = (cells[filecol], cells[usecol], m.group(0) if m else None)
    return rows


def man_items(path):
    """folder -> (tag, text) of the .TP items of the "Layers" subsection."""
    lines = read(path).splitlines()
    try:
        start = lines.index('.SS Layers')
    except ValueError:
        return None
    items, tag, body = {}, None, []

    def flush():
        if tag is not None:
            for folder in re.findall(r'\b([a-z0-9_]+)/', tag):
                items[folder] = (tag, '\n'.join(body))

    i = start + 1
    while i < len(lines) and not lines[i].startswith(('.SS', '.SH')):
        line = lines[i]
        if line == '.TP' and i + 1 < len(lines):
            flush()
            tag, body = lines[i + 1], []
            i += 2
            continue
        if line.startswith(('.PP', '.P', '.LP')) and line.split()[0] in ('.PP', '.P', '.LP'):
            flush()
            tag, body = None, []
        elif tag is not None:
            body.append(line)
        i += 1
    flush()
    return items


def uses(text):
    """The folder names after "uses" (in "(L3', uses base, sys)") in a man tag."""
    m = re.search(r'\buses\b([^)]*)', text)
    if not m:
        return None
    return set(re.findall(r'[a-z0-9_]+', m.group(1))) - {'and'}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--source', required=True, help='project source root')
    args = ap.parse_args()
    src = args.source
    lib = os.path.join(src, 'lib')
    problems = []

    layers = meson_layers(os.path.join(lib, 'meson.build'))
    folders = tree(lib)

    # 1. lib/meson.build compiles what is in the tree
    for folder, cfiles in folders.items():
        if folder not in layers:
            problems.append(f'lib/{folder}/ is not a layer of lib/meson.build\'s lib_layers')
            continue
        listed = layers[folder].get('sources', [])
        for c in cfiles:
            if c not in listed:
                problems.append(f'lib/{folder}/{c} is missing from lib/meson.build '
                                f'(lib_layers[\'{folder}\'][\'sources\'])')
        for c in listed:
            if c not in cfiles:
                problems.append(f'lib/meson.build lists {folder}/{c}, which does not exist')
    for folder in layers:
        if folder not in folders:
            problems.append(f'lib/meson.build has a layer \'{folder}\' but lib/{folder}/ '
                            'holds no sources')
    known = [f for f in layers if f in folders]

    # 2. HACKING.md's Code rules table
    rows = hacking_rows(os.path.join(src, 'HACKING.md'))
    if rows is None:
        problems.append('HACKING.md: no table with the columns "folder", "files" and '
                        '"may use" under "## Code rules"')
    for folder in known if rows is not None else []:
        if folder not in rows:
            problems.append(f'HACKING.md: the Code rules table has no row for `{folder}/` '
                            f'(lib/{folder}/)')
            continue
        files_cell, use_cell, _ = rows[folder]
        named = set(re.findall(r'`([A-Za-z0-9_]+\.c)`', files_cell))
        for c in folders[folder]:
            if c not in named:
                problems.append(f'HACKING.md: lib/{folder}/{c} is missing from the Code rules '
                                f'table (row `{folder}/`, as `{c}`)')
        for c in sorted(named - set(folders[folder])):
            problems.append(f'HACKING.md: the Code rules table lists `{c}` in row `{folder}/`, '
                            f'but lib/{folder}/{c} does not exist')
        below = set(layers[folder].get('below', []))
        said = set(re.findall(r'`([a-z0-9_]+)/?`', use_cell))
        if below and said != below:
            problems.append(f'HACKING.md: row `{folder}/` may use {sorted(said)}, '
                            f'lib/meson.build says {sorted(below)}')
        if not below and 'libc' not in use_cell:
            problems.append(f'HACKING.md: row `{folder}/` should say it may use only libc')
    for folder in sorted(set(rows or {}) - set(folders)):
        problems.append(f'HACKING.md: the Code rules table has a row `{folder}/`, '
                        f'but lib/{folder}/ does not exist')

    # 3. ebpfmini(7), .SS Layers
    items = man_items(os.path.join(src, 'man', 'ebpfmini.7'))
    if items is None:
        problems.append('man/ebpfmini.7: no ".SS Layers" subsection')
    for folder in known if items is not None else []:
        if folder not in items:
            problems.append(f'man/ebpfmini.7: the Layers subsection has no .TP item for '
                            f'{folder}/ (lib/{folder}/)')
            continue
        tag, body = items[folder]
        named = set(C_FILE.findall(body.replace('\\', '')))
        for c in folders[folder]:
            if c not in named:
                problems.append(f'man/ebpfmini.7: lib/{folder}/{c} is missing from the Layers '
                                f'item of {folder}/ (as .IR {c})')
        for c in sorted(named - set(folders[folder])):
            problems.append(f'man/ebpfmini.7: the Layers item of {folder}/ names {c}, '
                            f'but lib/{folder}/{c} does not exist')
        below = set(layers[folder].get('below', [])) or {'libc'}
        said = uses(tag)
        if said != below:
            problems.append(f'man/ebpfmini.7: the tag of {folder}/ should say '
                            f'"uses {", ".join(sorted(below))}" (lib/meson.build), '
                            f'it says {"nothing" if said is None else sorted(said)}')
    for folder in sorted(set(items or {}) - set(folders)):
        problems.append(f'man/ebpfmini.7: the Layers subsection has an item {folder}/, '
                        f'but lib/{folder}/ does not exist')

    # 4. the first line of every file names it and its layer
    for folder in known if rows else []:
        layer = rows.get(folder, (None, None, None))[2]
        if not layer:
            continue
        # L3 must not match L3' and the reverse
        want = re.compile(r'\b' + re.escape(layer) + (r"(?!')" if "'" not in layer else ''))
        d = os.path.join(lib, folder)
        for name in sorted(os.listdir(d)):
            if not name.endswith(('.c', '.h')):
                continue
            with open(os.path.join(d, name), encoding='utf-8') as f:
                first = f.readline().rstrip('\n')
            if not (first.startswith(f'/* {name} - ') and first.endswith('*/')
                    and want.search(first)):
                problems.append(f'lib/{folder}/{name}: the first line should be a comment '
                                f'"/* {name} - <its concept> ({layer} {folder}) */" naming '
                                f'the layer of {folder}/ ({layer}, HACKING.md), not: {first}')

    for p in problems:
        print(f'FAIL: {p}')
    if problems:
        print(f'{len(problems)} problem(s): lib/meson.build, HACKING.md\'s Code rules table and '
              'ebpfmini(7)\'s Layers list every folder of lib/ and every .c file in it, and '
              'each file\'s first line names the file and its layer')
        return 1
    print(f'ok: {len(folders)} folders and {sum(len(v) for v in folders.values())} .c files of '
          'lib/ in lib/meson.build, HACKING.md and ebpfmini(7), with the layers each may use')
    return 0


if __name__ == '__main__':
    sys.exit(main())
