#!/usr/bin/env bash
# A/B of policysite binaries (not a test): what one change buys. Each binary's builds run
# interleaved (A B, A B, …, so drift in a shared machine's load hits both alike), at 10,000 pages of
# bench/gen_site.py, each binary on its own output folders and its own copy of the site for the edit:
#   reb    – `build` into an existing output, nothing changed
#   edit   – the same after one page's text changed
#   all    – `build --render-all` into an existing output
#   clean  – `build` after removing the old output (the removal inside the timer)
# Prints, per binary and kind, the median over RUNS runs and the highest peak RSS (/usr/bin/time).
# Build the binaries first, e.g. `git worktree add /tmp/a COMMIT && (cd /tmp/a && cargo build
# --release)`, and copy each `target/release/policysite` to a name of its own: the name labels its
# lines and folders, so two binaries may not share one.
#
# usage: bench/ab.sh RUNS BIN...   (WORK=/tmp/policysite-ab: where the site and outputs go; its file
#                                    system decides much, see README "Benchmarks" and bench/RESULTS.md)
set -euo pipefail
usage() { echo "usage: bench/ab.sh RUNS BIN...   (RUNS a number from 1, each BIN a policysite binary)" >&2; exit 2; }
[ $# -ge 2 ] || usage
[[ $1 =~ ^[1-9][0-9]*$ ]] || usage
RUNS=$1
shift
# Paths as given, from the caller's folder (the script then works from the repository's).
BINS=()
declare -A SEEN=()
for b in "$@"; do
  [ -x "$b" ] || { echo "error: $b is not an executable file" >&2; exit 2; }
  t=$(basename "$b")
  [ -z "${SEEN[$t]:-}" ] || { echo "error: two binaries named $t; copy each to a name of its own" >&2; exit 2; }
  SEEN[$t]=1
  BINS+=("$(cd "$(dirname "$b")" && pwd)/$t")
done
W=${WORK:-/tmp/policysite-ab}
mkdir -p "$W"
W=$(cd "$W" && pwd)
cd "$(dirname "$0")/.."
[ -d "$W/site-10000" ] || python3 bench/gen_site.py 10000 "$W/site-10000" >/dev/null
site=$W/site-10000/policysite
kinds="reb edit all clean"
q() { printf '%q' "$1"; }
# Run a command quietly; on failure show what it printed and stop.
quiet() { "$@" >/dev/null 2>"$W/ab.stderr" || { echo "error: $* failed:" >&2; cat "$W/ab.stderr" >&2; exit 1; }; }
for b in "${BINS[@]}"; do
  t=$(basename "$b")
  rm -rf "$W/edit-$t" "$W"/.edit-"$t".* "$W/site-$t" "$W/reb-$t" "$W"/.reb-"$t".* \
    "$W/all-$t" "$W"/.all-"$t".* "$W/clean-$t" "$W"/.clean-"$t".*
  cp -r "$site" "$W/site-$t"
  # Four builds each, so each folder's memo settles (README "Rebuilds: the build memo").
  for _ in 1 2 3 4; do
    quiet "$b" --root "$W/site-$t" build --output "$W/edit-$t"
    quiet "$b" --root "$site" build --output "$W/reb-$t"
  done
  quiet "$b" --root "$site" build --render-all --output "$W/all-$t"
  quiet "$b" --root "$site" build --output "$W/clean-$t"
  for k in $kinds; do : >"$W/ab.$t.$k"; : >"$W/ab.$t.$k.mem"; done
done
# One timed run of a bash command string (so the clean build's removal is inside the timer): wall
# time in milliseconds from bash's clock (`/usr/bin/time` counts hundredths, too coarse for a change
# of a few milliseconds), peak memory from `/usr/bin/time`.
one() {
  local t0=$EPOCHREALTIME
  /usr/bin/time -f "%M" -o "$W/ab.time" bash -c "$2" >/dev/null 2>"$W/ab.stderr" ||
    { echo "error: $2 failed:" >&2; cat "$W/ab.stderr" >&2; exit 1; }
  local t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f\n", (b - a) * 1000}' >>"$W/ab.$1"
  read -r m <"$W/ab.time"
  echo "$m" >>"$W/ab.$1.mem"
}
for _ in $(seq "$RUNS"); do
  for b in "${BINS[@]}"; do
    t=$(basename "$b")
    B=$(q "$b") S=$(q "$site") O=$(q "$W")
    one "$t.reb" "$B --root $S build --output $O/reb-$(q "$t")"
    echo "Edited at $(date +%s%N)." >>"$W/site-$t/content/s000/p00001.md"
    one "$t.edit" "$B --root $O/site-$(q "$t") build --output $O/edit-$(q "$t")"
    one "$t.all" "$B --root $S build --render-all --output $O/all-$(q "$t")"
    one "$t.clean" "rm -rf $O/clean-$(q "$t") $O/.clean-$(q "$t").*; $B --root $S build --output $O/clean-$(q "$t")"
  done
done
source bench/lib.sh # median
echo "medians of $RUNS, interleaved, 10,000 pages in $W ($(findmnt -no FSTYPE -T "$W" | tail -n 1)); milliseconds (peak MiB)"
for b in "${BINS[@]}"; do
  t=$(basename "$b")
  line="$t:"
  for k in $kinds; do
    peak=$(sort -n "$W/ab.$t.$k.mem" | tail -1 | awk '{printf "%.0f", $1/1024}')
    line="$line $k $(median <"$W/ab.$t.$k") ($peak)"
  done
  echo "$line"
done
