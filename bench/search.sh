#!/usr/bin/env bash
# Search benchmark (not a test): policysite's sharded search against Pagefind on the synthetic manuals
# of 1,000 and 10,000 pages (bench/gen_site.py). For each: index build time, total index size, and, in
# headless Chromium, the bytes one query loads (scripts, index, excerpts; the search page's HTML aside)
# and the query's latency once its files are loaded. Also the output size of the same 1,000 pages flat
# (all at the top level) against in sections.
#
# Needs Pagefind and playwright-core from bench/package-lock.json (npm ci here; the tests do not
# install them) and Debian's chromium.
#
# usage: bench/search.sh [SIZES...]   (default: 1000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("$@")
[ $# -gt 0 ] || SIZES=(1000 10000)
QUERIES=("policy" "photo consent" "deleting records" "policy 4321")
(cd bench && npm ci --no-audit --no-fund --loglevel=error)
cargo build --release --quiet --bin policysite --example search_index
BIN=$PWD/target/release/policysite
WORK=${BENCH_DIR:-/tmp/policysite-bench}
mkdir -p "$WORK"
secs() { /usr/bin/time -f '%e' -o "$WORK/t.txt" "$@" >/dev/null 2>"$WORK/err.txt" || { cat "$WORK/err.txt" >&2; exit 1; }; cat "$WORK/t.txt"; }
kib() { du -sk --apparent-size "$@" | awk '{s+=$1} END {print s}'; }

for n in "${SIZES[@]}"; do
  echo "== $n pages"
  python3 bench/gen_site.py "$n" "$WORK/site-$n" >/dev/null
  out=$WORK/search-out-$n
  build_s=$(secs "$BIN" --root "$WORK/site-$n/policysite" build --output "$out")
  read -r emit_ms files bytes < <(target/release/examples/search_index "$WORK/site-$n/policysite")
  pf_s=$(secs npx --prefix bench pagefind --site "$out" --output-subdir pagefind)
  ps_kib=$(kib "$out"/search/entry.js "$out"/search/s "$out"/search/x)
  pf_kib=$(kib "$out/pagefind")
  pf_files=$(find "$out/pagefind" -type f | wc -l)
  echo "index build: policysite ${emit_ms} ms (index files from the model; whole build ${build_s} s), pagefind ${pf_s} s (whole run over the built HTML)"
  echo "index size: policysite ${ps_kib} KiB in ${files} files, pagefind ${pf_kib} KiB in ${pf_files} files"
  printf 'tool\tquery\tresults\tfiles\tbytes\tms-after-load\n'
  (cd bench && node search-measure.mjs "$out" "${QUERIES[@]}")
done

echo "== output size, 1,000 pages flat vs in sections"
python3 bench/gen_site.py 1000 "$WORK/flat-1000" --flat >/dev/null
[ -d "$WORK/site-1000" ] || python3 bench/gen_site.py 1000 "$WORK/site-1000" >/dev/null
"$BIN" --root "$WORK/flat-1000/policysite" build --output "$WORK/flat-out-1000" >/dev/null 2>&1
"$BIN" --root "$WORK/site-1000/policysite" build --output "$WORK/sect-out-1000" >/dev/null 2>&1
flat=$(kib "$WORK/flat-out-1000"); sect=$(kib "$WORK/sect-out-1000")
echo "flat ${flat} KiB, sectioned ${sect} KiB, ratio $(echo "$flat $sect" | awk '{printf "%.2f", $1/$2}') (target ≤ 2)"
