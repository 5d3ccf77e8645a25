#!/usr/bin/env python3
# check_names.py - unit test: every internal cross-file name says where it lives (em_<folder or file>_...)
"""Reads the static library with `nm` and checks each global `em_*` function or variable
a lib/ .c file defines: its name must begin with `em_<folder>_` or `em_<file>_`, where
<file> is the .c file's name without `.c` (so that a reader who meets the name in a call
knows which folder or file to open). lib/base is the library's vocabulary (em_log,
em_calloc, em_strdup, ...) and is exempt. Each offending name is printed as
`folder/file.c: name`; the script exits 1 if there is one, 0 otherwise.
"""
import argparse
import sys

from check_calls import read_symbols


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--static', required=True)
    ap.add_argument('--nm', default='nm')
    args = ap.parse_args()
    bad = set()
    for path, (defined, _) in read_symbols(args.nm, args.static).items():
        folder, _, file = path.partition('/')
        stem = file[:-2] if file.endswith('.c') else file
        if folder == 'base':
            continue
        for name in defined:
            if name.startswith('em_') and not (name.startswith(f'em_{folder}_') or
                                               name.startswith(f'em_{stem}_')):
                bad.add(f'{path}: {name}')
    for b in sorted(bad):
        print(b)
    if bad:
        print(f'{len(bad)} internal names do not begin with em_<folder>_ or em_<file>_',
              file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
