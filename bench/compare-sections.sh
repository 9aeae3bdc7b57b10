#!/usr/bin/env bash
# Compare-matching benchmark (not a test): one policy of SECTIONS sections of WORDS_PER words with
# REVISIONS revisions, where every revision renames every heading (so no section keeps its id and each
# must be matched by its text) and edits a few sentences. Reports the median time of `build` over RUNS
# runs, and the same site with the newest revision only; the difference is the cost of the compare
# pages and the review check. Issue 17's target: under 2 s for 200 sections, 300 words, 20 revisions.
#
# usage: bench/compare-sections.sh     (RUNS=5 SECTIONS=200 WORDS_PER=300 REVISIONS=20 EDITS=10; BIN=path to
#        use a binary already built, else a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SECTIONS=${SECTIONS:-200}
WORDS_PER=${WORDS_PER:-300}
REVISIONS=${REVISIONS:-20}
EDITS=${EDITS:-10}   # sentences replaced in each revision (at random sections)
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet --bin policysite
  BIN=$PWD/target/release/policysite
fi
WORK=${BENCH_DIR:-/tmp/policysite-bench-compare-sections}
rm -rf "$WORK" && mkdir -p "$WORK"

python3 - "$WORK" "$SECTIONS" "$WORDS_PER" "$REVISIONS" "$PWD" "$EDITS" <<'PY'
import os, random, shutil, sys
work, nsec, per, revs, repo, edits = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
rng = random.Random(17)
vocab = ("account district staff student record platform policy regulation public training request "
         "school principal communications privacy approval social media post comment message retention "
         "officer department program club team administrator monitor archive directory law board "
         "parent guardian photo video consent review notice complaint incident report").split()
def sentence():
    return " ".join(rng.choice(vocab) for _ in range(rng.randint(8, 16))).capitalize() + "."
sections = []
for i in range(nsec):
    paras, n = [], 0
    while n < per:
        p = [sentence() for _ in range(4)]
        n += sum(len(s.split()) for s in p)
        paras.append(p)
    sections.append(paras)
versions = []
for r in range(revs):
    if r:
        for _ in range(edits):
            p = rng.choice(rng.choice(sections)); k = rng.randrange(len(p)); p[k] = sentence()
    # Every heading renamed in every revision: ids never match, text must.
    body = "".join(f"## Part {i + 1} ({'abcdefghijklmnopqrstuvwxyz'[r % 26]}{r})\n\n" + "\n\n".join(" ".join(p) for p in ps) + "\n\n"
                   for i, ps in enumerate(sections))
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
print(f"generated: {nsec} sections, {len(versions[-1].split())} words, {revs} revisions, every heading renamed each time")
PY

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
echo "build, ${SECTIONS} renamed sections x ${WORDS_PER} words, ${REVISIONS} revisions, ${EDITS} edits each (${pages} compare pages): median ${with} s over ${RUNS} runs"
echo "build, same policy, newest revision only: median ${without} s"
awk -v a="$with" -v b="$without" 'BEGIN { printf "revisions + compare cost: %.2f s\n", a - b }'
