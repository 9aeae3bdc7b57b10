#!/usr/bin/env bash
# Build benchmark (not a test): times `policysite build` on synthetic manuals of 1,000 and 10,000 pages,
# median of RUNS runs, with peak memory; compares with a bare pulldown-cmark render-and-write of the
# same files, and with Hugo and mdBook where they are installed. Also times the atomic swap's removal
# of the previous output.
#
# usage: bench/build.sh [SIZES...]   (default: 1000 10000; RUNS=5)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SIZES=("${@:-1000 10000}")
[ $# -gt 0 ] || SIZES=(1000 10000)
cargo build --release --quiet --bin policysite --example bare_render
BIN=$PWD/target/release/policysite
BARE=$PWD/target/release/examples/bare_render
WORK=${BENCH_DIR:-/tmp/policysite-bench}
mkdir -p "$WORK"

# median of a list of numbers
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# run CMD RUNS times; print "median_seconds peak_kib"
measure() {
  local times=() mems=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/stderr.txt" || { cat "$WORK/stderr.txt"; exit 1; }
    read -r t m < "$WORK/time.txt"
    times+=("$t"); mems+=("$m")
  done
  echo "$(printf '%s\n' "${times[@]}" | median) $(printf '%s\n' "${mems[@]}" | sort -n | tail -1)"
}

for n in "${SIZES[@]}"; do
  echo "== $n pages"
  python3 bench/gen_site.py "$n" "$WORK/site-$n"
  site=$WORK/site-$n/policysite
  "$BIN" --root "$site" build --output "$WORK/out-$n" >/dev/null 2>&1   # warm the page cache
  read -r ps pm < <(measure "$BIN" --root "$site" build --output "$WORK/out-$n")
  read -r bs bm < <(measure "$BARE" "$site/content" "$WORK/bare-$n")
  echo "policysite build: median ${ps}s, peak ${pm} KiB"
  echo "bare pulldown-cmark render+write: median ${bs}s, peak ${bm} KiB"
  echo "ratio policysite/bare: $(echo "$ps $bs" | awk '{printf "%.2f", $1/$2}')"
  "$BIN" --root "$site" build --output "$WORK/out-$n" --timings 2>&1 | tail -1
  # The swap: removing a previous output of this size.
  cp -r "$WORK/out-$n" "$WORK/rm-$n"
  read -r rs _ < <(RUNS=1 measure rm -rf "$WORK/rm-$n")
  echo "removing a previous output tree (rm -rf, for scale): ${rs}s"
  if command -v hugo >/dev/null 2>&1; then
    read -r hs hm < <(measure hugo --quiet --source "$WORK/site-$n/hugo" --destination "$WORK/hugo-out-$n")
    echo "hugo: median ${hs}s, peak ${hm} KiB; hugo/policysite: $(echo "$hs $ps" | awk '{printf "%.2f", $1/$2}')"
  fi
  if command -v mdbook >/dev/null 2>&1; then
    echo "mdbook installed but not compared: its input is a SUMMARY.md book, not this layout"
  fi
done
