#!/usr/bin/env python3
"""One policy with many revisions, for the compare benchmarks (bench/compare.sh): writes WORK/revisions
(every revision) and WORK/newest-only (the newest revision alone), each a small site built from this
repository's theme and platform list.

usage: gen_revisions.py WORK REPO SHAPE SECTIONS WORDS_PER REVISIONS EDITS
  SHAPE mixed:   each revision edits, adds or drops EDITS sentences; one revision renames a heading
                 and one moves a section (a policy as it is usually revised).
  SHAPE renamed: each revision replaces EDITS sentences and renames every heading, so no section keeps
                 its id and each must be matched by its text (issue 17's worst case)."""
import os
import random
import shutil
import sys

work, repo, shape = sys.argv[1], sys.argv[2], sys.argv[3]
nsec, per, revs, edits = (int(a) for a in sys.argv[4:8])
VOCAB = ("account district staff student record platform policy regulation public training request "
         "school principal communications privacy approval social media post comment message retention "
         "officer department program club team administrator monitor archive directory law").split()
if shape == "renamed":
    VOCAB += "board parent guardian photo video consent review notice complaint incident report".split()
rng = random.Random(17 if shape == "renamed" else 6973)
longest = 16 if shape == "renamed" else 20


def sentence():
    return " ".join(rng.choice(VOCAB) for _ in range(rng.randint(8, longest))).capitalize() + "."


sections = []
for i in range(nsec):
    paras, n = [], 0
    while n < per:
        p = [sentence() for _ in range(4)]
        n += sum(len(s.split()) for s in p)
        paras.append(p)
    sections.append([f"Section {i + 1} heading", paras])


def revise_mixed(r):
    for _ in range(edits):  # edit, add or drop a sentence
        s = rng.choice(sections); p = rng.choice(s[1]); k = rng.randrange(len(p))
        op = rng.random()
        if op < 0.5: p[k] = sentence()
        elif op < 0.8: p.insert(k, sentence())
        elif len(p) > 1: p.pop(k)
    if r == revs // 2:
        sections[3][0] = "Section 4 renamed"
    if r == revs - 3:
        sections.append(sections.pop(7))


def revise_renamed(r):
    for _ in range(edits):
        p = rng.choice(rng.choice(sections)[1]); k = rng.randrange(len(p)); p[k] = sentence()


def rename_all(r):
    """Every heading renamed in every revision: ids never match, text must."""
    for i, s in enumerate(sections):
        s[0] = f"Part {i + 1} ({'abcdefghijklmnopqrstuvwxyz'[r % 26]}{r})"


versions = []
for r in range(revs):
    if r:
        (revise_renamed if shape == "renamed" else revise_mixed)(r)
    if shape == "renamed":
        rename_all(r)
    versions.append("".join(f"## {t}\n\n" + "\n\n".join(" ".join(p) for p in ps) + "\n\n" for t, ps in sections))


def site(name, keep):
    root = os.path.join(work, name)
    os.makedirs(os.path.join(root, "content", "policy"))
    shutil.copytree(os.path.join(repo, "themes"), os.path.join(root, "themes"))
    os.makedirs(os.path.join(root, "data"))
    shutil.copy(os.path.join(repo, "data", "platforms.yaml"), os.path.join(root, "data"))
    with open(os.path.join(root, "site.yaml"), "w") as f:
        f.write("title: Bench\ndistrict: Bench\ndescription: Bench\nemail_domains: [example.org]\n"
                "communications: {name: Communications, email: comms@example.org}\n")
    open(os.path.join(root, "content", "_index.md"), "w").write("---\ntitle: Home\n---\nHome.\n")
    open(os.path.join(root, "content", "policy.md"), "w").write(
        "---\ntitle: Big policy\nnumber: \"9999\"\ntemplate: regulation.html\n---\n")
    for r in range(revs - keep, revs):
        d = f"{2000 + r:04d}-01-01"
        open(os.path.join(root, "content", "policy", f"{d}.md"), "w").write(
            f"---\nnote: Revision {r + 1}.\n---\n\n{versions[r]}")


site("revisions", revs)
site("newest-only", 1)
print(f"generated: {len(sections)} sections, {len(versions[-1].split())} words, {revs} revisions ({shape})")
