#!/usr/bin/env python3
# check_packaging.py - packaging tests: install tree, static link, subproject use, exported names
"""What a user of ebpfmini gets, checked from a finished build directory.

  install     `meson install --destdir TMP`, then: libebpfmini.so.0 with that SONAME and
              libc.so.6 as its only NEEDED entry, the .so link and the .a, every public
              header, ebpfmini.pc (pkg-config --modversion/--cflags --libs, then a program
              compiled with those flags runs against the installed library), every man page
  static      `cc -static` tests/packaging/static_main.c against the installed libebpfmini.a
              and run it
  subproject  a tiny meson project (tests/packaging/subproject_user) with subprojects/ebpfmini
              pointing at this source tree, built with -Debpfmini:tests=false, and run
  exports     the shared library exports only ebpfmini_* symbols, all at the version node,
              exactly the names listed in tests/packaging/exports.txt (so that a change of
              the ABI is deliberate), and the static library defines no global name outside
              ebpfmini_* and em_*

Each command prints what it checks and exits 1 on the first failure, 0 when all holds.
Temporary directories are removed in every case.
"""
import argparse
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
EXPORTS_LIST = os.path.join(HERE, 'exports.txt')
VERSION_NODE = 'EBPFMINI_0.1'


class Fail(Exception):
    pass


def run(cmd, **kw):
    """Run cmd; on failure raise Fail with its output."""
    print('+ ' + ' '.join(shlex.quote(str(c)) for c in cmd), flush=True)
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise Fail(f'{cmd[0]} exited {r.returncode}\n{r.stdout}{r.stderr}'.rstrip())
    return r.stdout


def check(cond, what, detail=''):
    """Print ok: what, or raise Fail naming what did not hold and the detail."""
    if not cond:
        raise Fail(f'{what}: {detail}' if detail else what)
    print(f'ok: {what}')


def clean_env():
    """The environment minus what `meson test` sets for its own tests."""
    env = dict(os.environ)
    for k in list(env):
        if k.startswith('MESON') or k in ('MALLOC_PERTURB_', 'LD_LIBRARY_PATH'):
            del env[k]
    return env


def dynamic_entries(readelf, path, tag):
    """Values of one dynamic-section tag (NEEDED, SONAME) of an ELF file."""
    out = run([readelf, '-d', '-W', path])
    return re.findall(r'\(' + tag + r'\)\s+[^\[]*\[([^\]]+)\]', out)


def under(root, path):
    """path (absolute, or relative to root) inside the destdir root."""
    return os.path.join(root, path.lstrip('/'))


class Tree:
    """Where `meson install --destdir` put things."""

    def __init__(self, args, destdir):
        prefix = under(destdir, args.prefix)
        self.destdir = destdir
        self.lib = under(destdir, args.libdir) if os.path.isabs(args.libdir) \
            else os.path.join(prefix, args.libdir)
        self.include = under(destdir, args.includedir) if os.path.isabs(args.includedir) \
            else os.path.join(prefix, args.includedir)
        self.man = under(destdir, args.mandir) if os.path.isabs(args.mandir) \
            else os.path.join(prefix, args.mandir)


def install(args, destdir):
    # `meson test` builds only what tests depend on; install builds the rest first (the
    # tests calling this run alone, is_parallel: false, so nothing else uses ninja meanwhile)
    run([*args.meson, 'install', '-C', args.build, '--quiet', '--destdir', destdir],
        env=clean_env())
    return Tree(args, destdir)


def cmd_install(args, tmp):
    t = install(args, os.path.join(tmp, 'dest'))

    so0 = os.path.join(t.lib, 'libebpfmini.so.0')
    check(os.path.exists(so0), f'{so0} installed')
    check(os.path.exists(os.path.join(t.lib, 'libebpfmini.so')), 'libebpfmini.so link installed')
    check(os.path.isfile(os.path.join(t.lib, 'libebpfmini.a')), 'libebpfmini.a installed')
    soname = dynamic_entries(args.readelf, so0, 'SONAME')
    check(soname == ['libebpfmini.so.0'], 'SONAME is libebpfmini.so.0', f'got {soname}')
    needed = dynamic_entries(args.readelf, so0, 'NEEDED')
    check(needed == ['libc.so.6'], 'NEEDED lists only libc.so.6', f'got {needed}')

    headers = [os.path.basename(h) for h in glob.glob(os.path.join(args.source, 'include',
                                                                    'ebpfmini', '*.h'))]
    headers.append('bpf_helper_defs.h')
    missing = [h for h in headers
               if not os.path.isfile(os.path.join(t.include, 'ebpfmini', h))]
    check(not missing, f'{len(headers)} headers installed in include/ebpfmini',
          f'missing {missing}')

    pages = sorted(glob.glob(os.path.join(args.source, 'man', '*.[1-9]')))
    missing = []
    for page in pages:
        name = os.path.basename(page)
        if not os.path.isfile(os.path.join(t.man, 'man' + name[-1], name)):
            missing.append(name)
    check(pages and not missing, f'{len(pages)} man pages installed',
          f'missing {missing}: list them in man/meson.build')

    pcdir = os.path.join(t.lib, 'pkgconfig')
    check(os.path.isfile(os.path.join(pcdir, 'ebpfmini.pc')), 'ebpfmini.pc installed')
    env = clean_env()
    env['PKG_CONFIG_LIBDIR'] = pcdir            # only ours, not a system copy
    env['PKG_CONFIG_SYSROOT_DIR'] = t.destdir   # -I/-L point into the destdir
    version = run([args.pkg_config, '--modversion', 'ebpfmini'], env=env).strip()
    check(version == args.version, f'pkg-config --modversion is {args.version}', f'got {version}')
    flags = shlex.split(run([args.pkg_config, '--cflags', '--libs', 'ebpfmini'], env=env))
    check('-lebpfmini' in flags, 'pkg-config --libs gives -lebpfmini', f'got {flags}')

    prog = os.path.join(tmp, 'dynamic_main')
    run([*args.cc, '-std=c99', '-Wall', '-Werror', '-o', prog,
         os.path.join(HERE, 'static_main.c'), *flags])
    check('libebpfmini.so.0' in dynamic_entries(args.readelf, prog, 'NEEDED'),
          'a program built with pkg-config flags links libebpfmini.so.0')
    env = clean_env()
    env['LD_LIBRARY_PATH'] = t.lib
    print(run([prog], env=env).rstrip())
    check(True, 'it runs against the installed library')


def cmd_static(args, tmp):
    t = install(args, os.path.join(tmp, 'dest'))
    archive = os.path.join(t.lib, 'libebpfmini.a')
    check(os.path.isfile(archive), f'{archive} installed')
    prog = os.path.join(tmp, 'static_main')
    run([*args.cc, '-static', '-std=c99', '-Wall', '-Werror', '-o', prog,
         os.path.join(HERE, 'static_main.c'), '-I', t.include, archive])
    check(dynamic_entries(args.readelf, prog, 'NEEDED') == [],
          'the program is linked statically (no NEEDED entries)')
    print(run([prog], env=clean_env()).rstrip())
    check(True, 'the static program runs')


def cmd_subproject(args, tmp):
    proj = os.path.join(tmp, 'user')
    shutil.copytree(os.path.join(HERE, 'subproject_user'), proj)
    os.mkdir(os.path.join(proj, 'subprojects'))
    os.symlink(os.path.abspath(args.source), os.path.join(proj, 'subprojects', 'ebpfmini'))
    build = os.path.join(proj, 'build')
    env = clean_env()
    # forcefallback: use the subproject even when an ebpfmini.pc is installed on the system
    run([*args.meson, 'setup', build, proj, '--wrap-mode=forcefallback',
         '-Debpfmini:tests=false', '-Debpfmini:bench=false'], env=env)
    run([*args.meson, 'compile', '-C', build], env=env)
    prog = os.path.join(build, 'user')
    check('libebpfmini.so.0' in dynamic_entries(args.readelf, prog, 'NEEDED'),
          'the user program links the subproject\'s libebpfmini.so.0')
    print(run([prog], env=env).rstrip())
    check(True, 'the user program runs')


def defined_globals(nm, path, dynamic):
    cmd = [nm, '--defined-only', '-g'] + (['-D'] if dynamic else []) + [path]
    syms = []
    for line in run(cmd).splitlines():
        fields = line.split()
        if len(fields) >= 2 and len(fields[-2]) == 1:
            syms.append((fields[-2], fields[-1]))
    return syms


def read_exports_list(path):
    """The names of the exports list: one a line, '#' starts a comment line."""
    with open(path) as f:
        return [line.strip() for line in f
                if line.strip() and not line.lstrip().startswith('#')]


def check_exports_list(exported):
    """The shared library exports exactly the names of EXPORTS_LIST (sorted, no repeats)."""
    listed = read_exports_list(EXPORTS_LIST)
    rel = os.path.relpath(EXPORTS_LIST, os.path.dirname(os.path.dirname(HERE)))
    check(listed == sorted(set(listed)), f'{rel} is sorted and has no repeats',
          'sort it (LC_ALL=C sort -u)')
    added = sorted(set(exported) - set(listed))
    removed = sorted(set(listed) - set(exported))
    detail = []
    if added:
        detail.append('exported but not in the list (new ABI):\n    ' + '\n    '.join(added))
    if removed:
        detail.append('in the list but not exported (removed ABI):\n    '
                      + '\n    '.join(removed))
    detail.append(f'if the change is deliberate, update {rel} in the same commit')
    check(not added and not removed,
          f'the {len(exported)} exported names are exactly those of {rel}', '\n'.join(detail))


def cmd_exports(args, tmp):
    syms = defined_globals(args.nm, args.shared, True)
    funcs = [(k, n) for k, n in syms if k != 'A']
    check(funcs, f'{args.shared} exports symbols')
    bad = [n for _, n in funcs if not n.startswith('ebpfmini_')]
    check(not bad, f'all {len(funcs)} exported symbols start with ebpfmini_', f'others: {bad}')
    unversioned = [n for _, n in funcs if not n.endswith('@@' + VERSION_NODE)]
    check(not unversioned, f'all carry the version {VERSION_NODE}', f'others: {unversioned}')
    check_exports_list(sorted({n.split('@')[0] for _, n in funcs}))

    syms = defined_globals(args.nm, args.static, False)
    # compiler-generated names (sanitizers, stack protector) start with "__"
    bad = sorted({n for _, n in syms
                  if not n.startswith(('ebpfmini_', 'em_', '__'))})
    check(not bad, 'libebpfmini.a defines no global name outside ebpfmini_* and em_*',
          f'these could clash with names of a program linking it statically: {bad}')


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('command', choices=['install', 'static', 'subproject', 'exports'])
    ap.add_argument('--source', required=True, help='project source root')
    ap.add_argument('--build', help='project build root')
    ap.add_argument('--meson', default='meson', help='meson command')
    ap.add_argument('--cc', default='cc', help='C compiler command')
    ap.add_argument('--pkg-config', default='pkg-config')
    ap.add_argument('--readelf', default='readelf')
    ap.add_argument('--nm', default='nm')
    ap.add_argument('--prefix', default='/usr/local')
    ap.add_argument('--libdir', default='lib')
    ap.add_argument('--includedir', default='include')
    ap.add_argument('--mandir', default='share/man')
    ap.add_argument('--version', default='')
    ap.add_argument('--shared', help='the built libebpfmini.so (exports)')
    ap.add_argument('--static', help='the built libebpfmini.a (exports)')
    args = ap.parse_args()
    args.meson = shlex.split(args.meson)
    args.cc = shlex.split(args.cc)

    tmp = tempfile.mkdtemp(prefix=f'ebpfmini-{args.command}-')
    try:
        globals()['cmd_' + args.command](args, tmp)
    except Fail as e:
        print(f'FAIL: {e}')
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
