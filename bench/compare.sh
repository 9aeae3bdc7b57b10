#!/usr/bin/env bash
# Compare benchmark (not a test): how long a build takes for one policy with many revisions, against
# the same site with the policy's newest revision only. The difference is the cost of the archive
# pages, the compare pages and the review check. Median of RUNS runs, alternating the two sites so
# machine load affects both alike. The policy comes from bench/gen_revisions.py:
#   SHAPE=mixed (default): 40 sections, WORDS words in all (10,000); each revision edits, adds or drops
#     EDITS (5) sentences, one renames a heading, one moves a section;
#   SHAPE=renamed (bench/compare-sections.sh): SECTIONS sections of WORDS_PER words; each revision
#     replaces EDITS sentences and renames every heading, so each section is matched by its text.
#
# usage: bench/compare.sh   (RUNS=5 REVISIONS=20 SHAPE=mixed WORDS=10000 EDITS=5 | SHAPE=renamed
#        SECTIONS=200 WORDS_PER=300 EDITS=10; BIN=path to a binary already built, else a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
REVISIONS=${REVISIONS:-20}
SHAPE=${SHAPE:-mixed}
if [ "$SHAPE" = renamed ]; then
  SECTIONS=${SECTIONS:-200}; WORDS_PER=${WORDS_PER:-300}; EDITS=${EDITS:-10}
else
  SECTIONS=40; WORDS_PER=$(( ${WORDS:-10000} / 40 )); EDITS=${EDITS:-5}
fi
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet --bin policysite
  BIN=$PWD/target/release/policysite
fi
WORK=${BENCH_DIR:-/tmp/policysite-bench-compare-$SHAPE}
rm -rf "$WORK" && mkdir -p "$WORK"
python3 bench/gen_revisions.py "$WORK" "$PWD" "$SHAPE" "$SECTIONS" "$WORDS_PER" "$REVISIONS" "$EDITS"

source bench/lib.sh # median
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
echo "build, ${SHAPE} policy of ${SECTIONS} sections, ${REVISIONS} revisions, ${EDITS} edits each (${pages} compare pages): median ${with} s over ${RUNS} runs"
echo "build, same policy, newest revision only: median ${without} s"
awk -v a="$with" -v b="$without" 'BEGIN { printf "revisions + compare cost: %.2f s\n", a - b }'
