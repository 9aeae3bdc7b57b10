#!/usr/bin/env python3
"""Issue 23's size yardstick: every function over 80 lines and every file over 400 lines in src/.

A function counts from its `fn` line to the closing brace at the same indent (so a doc comment or an
attribute above it does not count, and a nested `fn` is counted on its own as well as inside its
parent). Test code counts like any other code. `python3 scripts/long-fns.py` prints one line per
finding, longest first; exit 1 when there is one. `--fn-limit N` / `--file-limit N` change the limits."""
import argparse
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src')
FN = re.compile(r'^(\s*)(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?'
                r'(?:extern\s+"[^"]*"\s+)?fn\s+(\w+)')


def functions(lines):
    """(name, first line number, line count) for each `fn` with a body in `lines`."""
    for i, line in enumerate(lines):
        m = FN.match(line)
        if not m:
            continue
        indent = m.group(1)
        # a declaration without a body (a trait item) ends with `;` before any `{`
        j = i
        while j < len(lines) and '{' not in lines[j] and not lines[j].rstrip().endswith(';'):
            j += 1
        if j == len(lines) or '{' not in lines[j]:
            continue
        if lines[j].rstrip().endswith('}') and j == i:
            continue  # a one-line fn
        close = indent + '}'
        for k in range(j + 1, len(lines)):
            if lines[k].rstrip() == close:
                yield m.group(2), i + 1, k - i + 1
                break


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--fn-limit', type=int, default=80)
    ap.add_argument('--file-limit', type=int, default=400)
    args = ap.parse_args()
    found = []
    for dirpath, _, files in os.walk(ROOT):
        for f in sorted(files):
            if not f.endswith('.rs'):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, os.path.join(ROOT, '..'))
            with open(path, encoding='utf-8') as fh:
                lines = fh.read().split('\n')
            if lines and lines[-1] == '':
                lines.pop()
            if len(lines) > args.file_limit:
                found.append((len(lines), f'file {rel}: {len(lines)} lines'))
            for name, start, count in functions(lines):
                if count > args.fn_limit:
                    found.append((count, f'fn   {rel}:{start} {name}: {count} lines'))
    for _, text in sorted(found, key=lambda t: (-t[0], t[1])):
        print(text)
    fns = sum(1 for _, t in found if t.startswith('fn'))
    print(f'{fns} functions over {args.fn_limit} lines, {len(found) - fns} files over '
          f'{args.file_limit} lines', file=sys.stderr)
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
