#!/usr/bin/env bash
# A/B of policysite binaries (not a test): what one change buys, each binary's builds interleaved
# (A B, A B, …, so drift in a shared machine's load hits both alike), at 10,000 pages of
# bench/gen_site.py. Per binary, on its own output folders and its own copy of the site for the edit:
#   reb    – `build` into an existing output, nothing changed
#   edit   – the same after one page's text changed
#   all    – `build --render-all` into an existing output
#   clean  – `build` after removing the old output (the removal inside the timer)
# Prints each run's median and the highest peak RSS (/usr/bin/time), per binary. Build the binaries
# first, e.g. `git worktree add /tmp/a COMMIT && (cd /tmp/a && cargo build --release)`, and copy
# each `target/release/policysite` to a name of its own (the name labels its lines).
#
# usage: bench/ab.sh RUNS BIN...   (WORK=/tmp/policysite-ab: where the site and outputs go; its file
#                                    system decides much, see README "Benchmarks")
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: bench/ab.sh RUNS BIN..." >&2; exit 2; }
RUNS=$1
shift
W=${WORK:-/tmp/policysite-ab}
mkdir -p "$W"
[ -d "$W/site-10000" ] || python3 bench/gen_site.py 10000 "$W/site-10000" >/dev/null
site=$W/site-10000/policysite
kinds="reb edit all clean"
for b in "$@"; do
  t=$(basename "$b")
  rm -rf "$W/edit-$t" "$W"/.edit-"$t".* "$W/site-$t" "$W/reb-$t" "$W"/.reb-"$t".* \
    "$W/all-$t" "$W"/.all-"$t".* "$W/clean-$t" "$W"/.clean-"$t".*
  cp -r "$site" "$W/site-$t"
  # Four builds each, so each folder's memo settles (README "Rebuilds: the build memo").
  for _ in 1 2 3 4; do
    "$b" --root "$W/site-$t" build --output "$W/edit-$t" >/dev/null 2>&1
    "$b" --root "$site" build --output "$W/reb-$t" >/dev/null 2>&1
  done
  "$b" --root "$site" build --render-all --output "$W/all-$t" >/dev/null 2>&1
  "$b" --root "$site" build --output "$W/clean-$t" >/dev/null 2>&1
  for k in $kinds; do : >"$W/ab.$t.$k"; : >"$W/ab.$t.$k.mem"; done
done
# One timed run: the command is a bash string (so the clean build's removal is inside the timer).
one() {
  /usr/bin/time -f "%e %M" -o "$W/ab.time" bash -c "$2" >/dev/null 2>&1
  read -r s m <"$W/ab.time"
  echo "$s" >>"$W/ab.$1"
  echo "$m" >>"$W/ab.$1.mem"
}
for _ in $(seq "$RUNS"); do
  for b in "$@"; do
    t=$(basename "$b")
    one "$t.reb" "$b --root $site build --output $W/reb-$t"
    echo "Edited at $(date +%s%N)." >>"$W/site-$t/content/s000/p00001.md"
    one "$t.edit" "$b --root $W/site-$t build --output $W/edit-$t"
    one "$t.all" "$b --root $site build --render-all --output $W/all-$t"
    one "$t.clean" "rm -rf $W/clean-$t $W/.clean-$t.*; $b --root $site build --output $W/clean-$t"
  done
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "medians of $RUNS, interleaved, 10,000 pages in $W ($(findmnt -no FSTYPE -T "$W" | tail -n 1)); seconds (peak MiB)"
for b in "$@"; do
  t=$(basename "$b")
  line="$t:"
  for k in $kinds; do
    peak=$(sort -n "$W/ab.$t.$k.mem" | tail -1 | awk '{printf "%.0f", $1/1024}')
    line="$line $k $(median <"$W/ab.$t.$k") ($peak)"
  done
  echo "$line"
done
