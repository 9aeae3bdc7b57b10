#!/usr/bin/env python3
"""Import graph of src/: which file names which module (`crate::a::b`, `super::x`, `use` lines and
paths in code, and uses of the crate's exported macros), and the import circles (strongly connected components) between files and between
top-level modules. Issue 23's yardstick: `python3 scripts/import-graph.py` prints the circles; exit 1
when there is one. `--edges` lists every edge."""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src')


def modules():
    """Module path (tuple) -> file, for every .rs under src/."""
    out = {}
    for dirpath, _, files in os.walk(ROOT):
        for f in files:
            if not f.endswith('.rs'):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), ROOT)
            parts = rel[:-3].split(os.sep)
            if parts[-1] in ('mod', 'lib', 'main'):
                parts = parts[:-1]
            if parts and parts[0] == 'bin':
                continue
            out[tuple(parts)] = rel
    return out


def strip_tests(text):
    """Drop `#[cfg(test)] mod tests { … }` blocks: test code may name anything."""
    m = re.search(r'#\[cfg\(test\)\]\s*mod\s+\w+\s*\{', text)
    return text[: m.start()] if m else text


def resolve(mods, here, path):
    """The longest module prefix of `path` (a list of segments), from module `here`."""
    if path[0] == 'crate':
        path = path[1:]
    elif path[0] in ('super', 'self'):
        base = list(here)
        while path and path[0] in ('super', 'self'):
            if path[0] == 'super':
                base = base[:-1]
            path = path[1:]
        path = base + path
    elif tuple(here) + (path[0],) in mods:
        path = list(here) + path  # a child module named without `self::`
    else:
        return None
    for n in range(len(path), 0, -1):
        if tuple(path[:n]) in mods:
            return tuple(path[:n])
    return None


def exported_macros(mods):
    """`#[macro_export] macro_rules! name` -> the module defining it: a use of `crate::name!` (or
    `name!`) depends on that module, whose paths the macro expands to."""
    out = {}
    for mod, rel in mods.items():
        text = open(os.path.join(ROOT, rel), encoding='utf-8').read()
        for m in re.finditer(r'#\[macro_export\]\s*macro_rules!\s*(\w+)', text):
            out[m.group(1)] = mod
    return out


def edges(mods):
    result = {}
    macros = exported_macros(mods)
    for mod, rel in mods.items():
        text = strip_tests(open(os.path.join(ROOT, rel), encoding='utf-8').read())
        text = re.sub(r'//[^\n]*', '', text)
        targets = set()
        # `use crate::a::{b, c::d}` groups expand to their paths.
        children = '|'.join(m[-1] for m in mods if len(m) == len(mod) + 1 and m[: len(mod)] == mod)
        roots = 'crate|super|self' + ('|' + children if children else '')
        for m in re.finditer(r'\buse\s+((?:' + roots + r')(?:::\w+)*)(?:::\{([^;]*)\})?', text):
            head = m.group(1).split('::')
            groups = [g.strip() for g in re.split(r'[,{}]', m.group(2) or '') if g.strip()]
            for g in groups or ['']:
                seg = [s for s in g.split('::') if s and s != 'self' and not s.startswith('*')]
                seg = [s.split(' as ')[0].strip() for s in seg]
                t = resolve(mods, mod, head + seg)
                if t:
                    targets.add(t)
        for m in re.finditer(r'(?<![\w:])((?:' + roots + r')(?:::\w+)+)', text):
            t = resolve(mods, mod, m.group(1).split('::'))
            if t:
                targets.add(t)
        for name, home in macros.items():
            if re.search(r'(?<![\w:$])(?:crate::)?' + name + r'!', text):
                targets.add(home)
        # A parent only declaring `mod child;` makes no edge (no path is named); one that uses or
        # re-exports a child's items does.
        result[mod] = {t for t in targets if t != mod}
    return result


def sccs(graph):
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    mods = modules()
    g = edges(mods)
    name = lambda m: '/'.join(m) or 'crate'
    if '--edges' in sys.argv:
        for a in sorted(g):
            for b in sorted(g[a]):
                print(f'{name(a)} -> {name(b)}')
    file_circles = sccs(g)
    top = {}
    for a, ts in g.items():
        if not a:
            continue
        for b in ts:
            if b and a[0] != b[0]:
                top.setdefault(a[0], set()).add(b[0])
            top.setdefault(a[0], set())
    top_circles = sccs(top)
    print(f'files: {len(mods)}, import edges: {sum(len(t) for t in g.values())}')
    print(f'circles between files: {len(file_circles)}')
    for c in file_circles:
        print('  ' + ' <-> '.join(name(m) for m in c))
    print(f'circles between top-level modules: {len(top_circles)} (of {len(top)} modules)')
    for c in top_circles:
        print('  ' + ', '.join(c))
    return 1 if file_circles or top_circles else 0


if __name__ == '__main__':
    sys.exit(main())
