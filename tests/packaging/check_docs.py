#!/usr/bin/env python3
# check_docs.py - docs test: every exported symbol documented in man/ and in a header; man pages lint-clean
"""Checks, for the built libebpfmini.so:

1. every symbol it exports (nm -D --defined-only, the version node excluded) is documented
   in some man/*.3 page: named in the NAME or SYNOPSIS section, in an .SS heading, or in
   bold (.B, .BI, .BR, .IB, .RB, \\fB) outside SEE ALSO; a bold cross-reference such as
   ".BR ebpfmini_x (3)" does not count;
2. every exported symbol is mentioned in a /** doc comment in include/ebpfmini/*.h;
3. every man page passes `groff -ww -z -man` with nothing on stderr and
   `mandoc -Tlint -W warning` with no message.

Prints each problem and exits 1 when there is one; exits 0 otherwise.
"""
import argparse
import glob
import os
import re
import subprocess
import sys

IDENT = re.compile(r'\bebpfmini_[A-Za-z0-9_]+')
BOLD_MACROS = ('.B', '.BI', '.BR', '.IB', '.RB')
# a cross-reference to a page: name followed by "(3)" etc. as the next macro argument
XREF = re.compile(r'(ebpfmini_[A-Za-z0-9_]+)"?\s+\(\d[a-z]*\)')


def exported_symbols(nm, lib):
    """Names of the defined dynamic symbols of lib, without @VERSION and version nodes."""
    out = subprocess.run([nm, '-D', '--defined-only', lib], check=True,
                         capture_output=True, text=True).stdout
    syms = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) < 2:
            continue
        kind, name = fields[-2], fields[-1]
        name = name.split('@', 1)[0]
        if kind == 'A':  # version node such as EBPFMINI_0.1
            continue
        syms.add(name)
    return syms


def man_documented(path):
    """Identifiers a man page documents (see the module docstring for what counts)."""
    names = set()
    section = ''
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('.SH'):
                section = line[3:].strip().strip('"').upper()
                continue
            if line.startswith('.\\"'):
                continue
            if section in ('NAME', 'SYNOPSIS'):
                names.update(IDENT.findall(line))
                continue
            if section == 'SEE ALSO':
                continue
            macro = line.split(None, 1)[0] if line.startswith('.') else ''
            if macro == '.SS':
                names.update(IDENT.findall(line))
            elif macro in BOLD_MACROS:
                refs = set(XREF.findall(line))
                names.update(n for n in IDENT.findall(line) if n not in refs)
            for m in re.finditer(r'\\fB([^\\]*)', line):
                rest = line[m.end():]
                if re.match(r'\\f[RP]\(\d', rest):  # \fBname\fR(3) is a reference
                    continue
                names.update(IDENT.findall(m.group(1)))
    return names


def header_documented(path):
    """Identifiers mentioned in the /** ... */ comments of a header."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    names = set()
    for m in re.finditer(r'/\*\*(.*?)\*/', text, re.S):
        names.update(IDENT.findall(m.group(1)))
    return names


def lint(pages, groff, mandoc):
    problems = []
    for page in pages:
        if groff:
            r = subprocess.run([groff, '-ww', '-z', '-man', page], capture_output=True,
                               text=True)
            if r.returncode != 0 or r.stderr.strip():
                problems.append(f'{page}: groff -ww -z -man (exit {r.returncode}):\n'
                                + r.stderr.rstrip())
        if mandoc:
            r = subprocess.run([mandoc, '-Tlint', '-W', 'warning', page], capture_output=True,
                               text=True)
            msg = (r.stdout + r.stderr).rstrip()
            if r.returncode != 0 or msg:
                problems.append(f'{page}: mandoc -Tlint -W warning (exit {r.returncode}):\n'
                                + msg)
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--lib', required=True, help='the built libebpfmini.so')
    ap.add_argument('--man', required=True, help='the man/ directory')
    ap.add_argument('--headers', required=True, help='the include/ebpfmini/ directory')
    ap.add_argument('--nm', default='nm')
    ap.add_argument('--groff', default='', help='groff program ("" when not installed)')
    ap.add_argument('--mandoc', default='', help='mandoc program ("" when not installed)')
    args = ap.parse_args()

    failed = False
    syms = exported_symbols(args.nm, args.lib)
    if not syms:
        print(f'{args.lib}: exports no symbols at all: is the version script applied?')
        return 1

    man3 = sorted(glob.glob(os.path.join(args.man, '*.3')))
    all_pages = sorted(p for p in glob.glob(os.path.join(args.man, '*.[1-9]')))
    in_man = {}
    for page in man3:
        for name in man_documented(page):
            in_man.setdefault(name, os.path.basename(page))
    in_headers = set()
    for header in sorted(glob.glob(os.path.join(args.headers, '*.h'))):
        in_headers |= header_documented(header)

    no_man = sorted(s for s in syms if s not in in_man)
    no_doc = sorted(s for s in syms if s not in in_headers)
    if no_man:
        failed = True
        print(f'{len(no_man)} exported symbol(s) not documented in any man/*.3 page '
              '(NAME, SYNOPSIS, .SS or bold outside SEE ALSO):')
        for s in no_man:
            print(f'  {s}')
    if no_doc:
        failed = True
        print(f'{len(no_doc)} exported symbol(s) without a /** doc comment in '
              f'{args.headers}/*.h:')
        for s in no_doc:
            print(f'  {s}')

    if not args.groff and not args.mandoc:
        print('neither groff nor mandoc is installed: cannot lint the man pages '
              '(apt-get install groff-base mandoc)')
        failed = True
    for tool, name in ((args.groff, 'groff'), (args.mandoc, 'mandoc')):
        if not tool:
            print(f'note: {name} not installed, its lint is not run')
    problems = lint(all_pages, args.groff, args.mandoc)
    if problems:
        failed = True
        print(f'{len(problems)} man page lint failure(s):')
        for p in problems:
            print(p)

    print(f'{len(syms)} exported symbols, {len(syms) - len(no_man)} in man pages, '
          f'{len(syms) - len(no_doc)} with doc comments; {len(all_pages)} man pages linted')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
