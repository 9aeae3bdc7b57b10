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
source bench/lib.sh # median

# time one run of a command: prints "seconds peak_kib"
once() {
  /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/stderr.txt" || { cat "$WORK/stderr.txt" >&2; exit 1; }
  cat "$WORK/time.txt"
}

# The tools run in turn (A B C, A B C, …) so that drift in the machine's load affects each alike.
# Sets MED_<key> (median seconds) and MEM_<key> (max peak KiB) for each key.
interleave() {
  local keys=("$@") k i
  for k in "${keys[@]}"; do : > "$WORK/t.$k"; : > "$WORK/m.$k"; done
  for i in $(seq "$RUNS"); do
    for k in "${keys[@]}"; do
      [ -z "${PRE[$k]:-}" ] || eval "${PRE[$k]}"
      read -r t m < <(once ${CMD[$k]})
      echo "$t" >> "$WORK/t.$k"; echo "$m" >> "$WORK/m.$k"
    done
  done
  for k in "${keys[@]}"; do
    printf -v "MED_$k" '%s' "$(median < "$WORK/t.$k")"
    printf -v "MEM_$k" '%s' "$(sort -n "$WORK/m.$k" | tail -1)"
  done
}

for n in "${SIZES[@]}"; do
  echo "== $n pages"
  python3 bench/gen_site.py "$n" "$WORK/site-$n"
  site=$WORK/site-$n/policysite
  # Start from outputs this script made (older versions wrote no manifest, which a build now refuses).
  rm -rf "$WORK/out-$n" "$WORK/.out-$n".* "$WORK/clean-$n" "$WORK/.clean-$n".*
  "$BIN" --root "$site" build --output "$WORK/out-$n" >/dev/null   # warm the page cache
  declare -A CMD=(
    [ps]="$BIN --root $site build --output $WORK/out-$n"
    [clean]="$BIN --root $site build --output $WORK/clean-$n"
    [bare]="$BARE $site/content $WORK/bare-$n"
  )
  # A clean build starts with no previous output (removed before the timer starts).
  declare -A PRE=([clean]="rm -rf $WORK/clean-$n $WORK/.clean-$n.old $WORK/.clean-$n.building $WORK/.clean-$n.lock" [bare]="rm -rf $WORK/bare-$n")
  keys=(ps clean bare)
  if command -v hugo >/dev/null 2>&1; then
    CMD[hugo]="hugo --quiet --source $WORK/site-$n/hugo --destination $WORK/hugo-out-$n"
    keys+=(hugo)
  fi
  interleave "${keys[@]}"
  echo "policysite rebuild (previous output present): median ${MED_ps}s, peak ${MEM_ps} KiB"
  echo "policysite clean build (no previous output): median ${MED_clean}s, peak ${MEM_clean} KiB"
  echo "bare pulldown-cmark render+write into an empty folder: median ${MED_bare}s, peak ${MEM_bare} KiB"
  echo "ratio policysite/bare: rebuild $(echo "$MED_ps $MED_bare" | awk '{printf "%.2f", $1/$2}'), clean $(echo "$MED_clean $MED_bare" | awk '{printf "%.2f", $1/$2}')"
  if [ -n "${MED_hugo:-}" ]; then
    echo "hugo $(hugo version | awk '{print $2}'): median ${MED_hugo}s, peak ${MEM_hugo} KiB; hugo/policysite: rebuild $(echo "$MED_hugo $MED_ps" | awk '{printf "%.2f", $1/$2}'), clean $(echo "$MED_hugo $MED_clean" | awk '{printf "%.2f", $1/$2}')"
  fi
  "$BIN" --root "$site" build --output "$WORK/out-$n" --timings 2>&1 | tail -1
  # The swap: removing a previous output of this size (policysite does it in the next build's background).
  cp -r "$WORK/out-$n" "$WORK/rm-$n"
  read -r rs _ < <(once rm -rf "$WORK/rm-$n")
  echo "removing a previous output tree (rm -rf, for scale): ${rs}s"
  if command -v mdbook >/dev/null 2>&1; then
    echo "mdbook installed but not compared: its input is a SUMMARY.md book, not this layout"
  fi
done
