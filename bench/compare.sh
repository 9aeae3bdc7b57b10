#!/usr/bin/env bash
# Compare benchmark (not a test): how long a build takes for one ~10,000-word policy with 20
# revisions (each revision edits a few sentences, one renames a heading, one moves a section),
# against the same site with the policy's newest revision only. The difference is the cost of the
# archive pages, the 37 compare pages and the review check. Median of RUNS runs (default 5),
# alternating the two sites so machine load affects both alike.
#
# usage: bench/compare.sh            (RUNS=5 WORDS=10000 REVISIONS=20)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
WORDS=${WORDS:-10000}
REVISIONS=${REVISIONS:-20}
cargo build --release --quiet --bin policysite
BIN=$PWD/target/release/policysite
WORK=${BENCH_DIR:-/tmp/policysite-bench-compare}
rm -rf "$WORK" && mkdir -p "$WORK"

python3 - "$WORK" "$WORDS" "$REVISIONS" "$PWD" <<'EOF'
import os, random, shutil, sys
work, words, revs, repo = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = random.Random(6973)
vocab = ("account district staff student record platform policy regulation public training request "
         "school principal communications privacy approval social media post comment message retention "
         "officer department program club team administrator monitor archive directory law").split()
def sentence():
    w = [rng.choice(vocab) for _ in range(rng.randint(8, 20))]
    return " ".join(w).capitalize() + "."
# 40 sections of about WORDS/40 words, a few paragraphs each.
sections = []
per = words // 40
for i in range(40):
    paras, n = [], 0
    while n < per:
        p = [sentence() for _ in range(4)]
        n += sum(len(s.split()) for s in p)
        paras.append(p)
    sections.append([f"Section {i + 1} heading", paras])
versions = []
for r in range(revs):
    if r:
        for _ in range(5):  # edit, add or drop a few sentences
            s = rng.choice(sections); p = rng.choice(s[1]); k = rng.randrange(len(p))
            op = rng.random()
            if op < 0.5: p[k] = sentence()
            elif op < 0.8: p.insert(k, sentence())
            elif len(p) > 1: p.pop(k)
        if r == revs // 2:
            sections[3][0] = "Section 4 renamed"
        if r == revs - 3:
            sections.append(sections.pop(7))
    body = "".join(f"## {t}\n\n" + "\n\n".join(" ".join(p) for p in ps) + "\n\n" for t, ps in sections)
    versions.append(body)
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
    open(os.path.join(root, "content", "policy.md"), "w").write("---\ntitle: Big policy\nnumber: \"9999\"\ntemplate: regulation.html\n---\n")
    for r in range(revs - keep, revs):
        d = f"{2000 + r:04d}-01-01"
        open(os.path.join(root, "content", "policy", f"{d}.md"), "w").write(f"---\nnote: Revision {r + 1}.\n---\n\n{versions[r]}")
site("revisions", revs)
site("newest-only", 1)
print(f"generated: {len(versions[-1].split())} words, {revs} revisions")
EOF

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
: > "$WORK/t.revisions"; : > "$WORK/t.newest-only"
for _ in $(seq "$RUNS"); do
  for s in revisions newest-only; do
    /usr/bin/time -f '%e' -o "$WORK/time.txt" "$BIN" --root "$WORK/$s" build --today 2030-01-01 >/dev/null 2>"$WORK/stderr.txt" \
      || { cat "$WORK/stderr.txt" >&2; exit 1; }
    cat "$WORK/time.txt" >> "$WORK/t.$s"
  done
done
pages=$(find "$WORK/revisions/public" -path '*compare/*-to-*' -name index.html | wc -l)
with=$(median < "$WORK/t.revisions")
without=$(median < "$WORK/t.newest-only")
echo "build, ${WORDS}-word policy, ${REVISIONS} revisions (${pages} compare pages): median ${with} s over ${RUNS} runs"
echo "build, same policy, newest revision only:                 median ${without} s"
awk -v a="$with" -v b="$without" 'BEGIN { printf "revisions + compare cost: %.2f s\n", a - b }'
