#!/usr/bin/env bash
# Speed benchmark for issue 22 (not a test). In one interleaved run (A B C D, A B C D, …, so drift in a
# shared machine's load hits each alike), at 1,000 and 10,000 pages of bench/gen_site.py:
#   floor   – examples/bare_render: rayon + pulldown-cmark render of the same files, written into an
#             existing folder (its previous output left in place)
#   rebuild – `policysite build` into an existing output, nothing changed (the memo keeps every page)
#   edit    – the same after one page's text changed (that page is rendered and the search index
#             updated in place, README "After an edit of page text"), on a copy of the site with
#             its own output
#   heading – the same after four headings were added to one page, on a third copy: more sections
#             than the page's range of section numbers holds, so every later section is numbered
#             anew and the search index is made whole (README "After an edit of page text"; one
#             heading more or fewer usually fits the range and costs what `edit` does): the
#             costliest one-page edit, shown for its time and peak memory
#   template – the same after an edit of the theme's page template, on a fourth copy: the structure
#             changed, so every page is rendered again and the search index made whole; no note of
#             the recycled folder is read (README "The build memo"): its time and peak memory
#   all     – `policysite build --render-all` into an existing output: every page rendered and
#             compared with what the output holds (what `rebuild` was before the memo)
#   clean   – `policysite build` after removing the old output (the removal is inside the timer)
#   hugo    – Hugo with the generator's minimal theme and no search (when installed), into its existing
#             output (Hugo rewrites every page: its rebuild)
#   hugoclean – Hugo after removing its old output (the removal inside the timer): what `clean` is
#             compared with, as in the issue's table (Hugo 9.77 s clean against 5.48 s rebuilt)
# Prints medians, peak RSS (/usr/bin/time -v "Maximum resident set size") and the issue's ratios; then
# the search index on disk beside Pagefind's (PAGEFIND=1, needs `npm ci` in bench/ or the npm registry),
# the bytes one query loads (bench/search-measure.mjs in headless Chromium; QUERY=0 skips it), and the
# serve one-page-edit latency at 10,000 pages (examples/serve_bench, EDITS edits), then the same for
# edits that add a heading and take it away again (EDIT=heading).
#
# usage: bench/speed.sh [SIZES...]   (default: 1000 10000; RUNS=5 EDITS=20 PAGEFIND=0|1 SERVE=1|0 QUERY=1|0)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
EDITS=${EDITS:-20}
SIZES=("$@")
[ $# -gt 0 ] || SIZES=(1000 10000)
cargo build --release --quiet --bin policysite --example bare_render --example serve_bench
BIN=$PWD/target/release/policysite
BARE=$PWD/target/release/examples/bare_render
WORK=${BENCH_DIR:-/tmp/policysite-bench}
mkdir -p "$WORK"
echo "machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg); $(git rev-parse --short HEAD)"
# The file system decides the clean build: ext4 without a journal checks every inode it hands out
# against those deleted in the last minute or so (recently_deleted), so creating 24,000 files right after
# removing as many scans them over and over. BENCH_DIR on another file system compares the two.
# The top mount only (a folder mounted over twice, as /dev/shm can be, lists each).
dev=$(findmnt -no SOURCE -T "$WORK" 2>/dev/null | tail -n 1 || true)
fstype=$(findmnt -no FSTYPE -T "$WORK" 2>/dev/null | tail -n 1 || true)
journal=
if [ "$fstype" = ext4 ] && [ -n "$dev" ] && [ -d /proc/fs/jbd2 ]; then
  if ls /proc/fs/jbd2 | grep -q "^$(basename "$dev")-"; then journal=", journal"; else journal=", no journal"; fi
fi
echo "file system: ${fstype:-unknown} on ${dev:-?}$journal ($WORK)"

source bench/lib.sh # median
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f", k/1024}'; }

# One timed run: "seconds peak_kib user_s system_s". The command is a bash string (so a removal can be
# inside the timer). The CPU times show where a slow run went: on ext4 without a journal a clean
# build's time is mostly the kernel's (system time), for Hugo as for policysite.
once() {
  /usr/bin/time -v -o "$WORK/time.txt" bash -c "$1" >/dev/null 2>"$WORK/stderr.txt" || { cat "$WORK/stderr.txt" >&2; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; t=s}
              /Maximum resident set size/ {m=$2} /User time/ {u=$2} /System time/ {y=$2}
              END {print t, m, u, y}' "$WORK/time.txt"
}

for n in "${SIZES[@]}"; do
  echo "== $n pages (medians of $RUNS, interleaved)"
  python3 bench/gen_site.py "$n" "$WORK/site-$n" >/dev/null
  site=$WORK/site-$n/policysite
  rm -rf "$WORK/out-$n" "$WORK/.out-$n".* "$WORK/clean-$n" "$WORK/.clean-$n".* "$WORK/all-$n" "$WORK/.all-$n".*
  rm -rf "$WORK/edit-$n" "$WORK/.edit-$n".* "$WORK/site-$n-edit"
  rm -rf "$WORK/heading-$n" "$WORK/.heading-$n".* "$WORK/site-$n-heading"
  rm -rf "$WORK/template-$n" "$WORK/.template-$n".* "$WORK/site-$n-template"
  cp -r "$site" "$WORK/site-$n-edit"
  cp -r "$site" "$WORK/site-$n-heading"
  cp -r "$site" "$WORK/site-$n-template"
  templ=$WORK/site-$n-template/themes/default/templates/page.html
  sed -i 's|</article>|<!-- edited --></article>|' "$templ"
  grep -q '<!-- edited -->' "$templ" || { echo "error: $templ has no </article> to mark: the template row would edit nothing" >&2; exit 1; }
  edited=$WORK/site-$n-edit/content/s000/p00001.md
  headed=$WORK/site-$n-heading/content/s000/p00001.md
  # Warm the page cache, and let each folder's memo settle: a file is trusted once a build after the
  # one that wrote it found it unchanged (src/output/memo.rs), so the timed rebuilds are steady.
  for _ in 1 2 3 4; do
    "$BIN" --root "$site" build --output "$WORK/out-$n" >/dev/null 2>&1
    "$BIN" --root "$WORK/site-$n-edit" build --output "$WORK/edit-$n" >/dev/null 2>&1
    "$BIN" --root "$WORK/site-$n-heading" build --output "$WORK/heading-$n" >/dev/null 2>&1
    "$BIN" --root "$WORK/site-$n-template" build --output "$WORK/template-$n" >/dev/null 2>&1
  done
  "$BIN" --root "$site" build --render-all --output "$WORK/all-$n" >/dev/null 2>&1
  "$BARE" "$site/content" "$WORK/bare-$n"                          # the floor writes into an existing folder
  declare -A CMD=(
    [floor]="$BARE $site/content $WORK/bare-$n"
    [rebuild]="$BIN --root $site build --output $WORK/out-$n"
    [edit]="echo \"Edited at \$(date +%s%N).\" >> $edited; $BIN --root $WORK/site-$n-edit build --output $WORK/edit-$n"
    [heading]="for k in 1 2 3 4; do printf '\\n## Added at %s\\n\\nText.\\n' \$(date +%s%N) >> $headed; done; $BIN --root $WORK/site-$n-heading build --output $WORK/heading-$n"
    [template]="sed -i \"s|<!-- edited[^>]*-->|<!-- edited \$(date +%s%N) -->|\" $templ; $BIN --root $WORK/site-$n-template build --output $WORK/template-$n"
    [all]="$BIN --root $site build --render-all --output $WORK/all-$n"
    [clean]="rm -rf $WORK/clean-$n $WORK/.clean-$n.old $WORK/.clean-$n.building $WORK/.clean-$n.lock; $BIN --root $site build --output $WORK/clean-$n"
  )
  keys=(floor rebuild edit heading template all clean)
  if command -v hugo >/dev/null 2>&1; then
    CMD[hugo]="hugo --quiet --source $WORK/site-$n/hugo --destination $WORK/hugo-out-$n"
    CMD[hugoclean]="rm -rf $WORK/hugo-clean-$n; hugo --quiet --source $WORK/site-$n/hugo --destination $WORK/hugo-clean-$n"
    keys+=(hugo hugoclean)
    [ -d "$WORK/clean-$n" ] || "$BIN" --root "$site" build --output "$WORK/clean-$n" >/dev/null 2>&1
    [ -d "$WORK/hugo-clean-$n" ] || hugo --quiet --source "$WORK/site-$n/hugo" --destination "$WORK/hugo-clean-$n" >/dev/null 2>&1
  fi
  for k in "${keys[@]}"; do : > "$WORK/t.$k"; : > "$WORK/m.$k"; : > "$WORK/u.$k"; : > "$WORK/y.$k"; done
  for _ in $(seq "$RUNS"); do
    for k in "${keys[@]}"; do
      read -r t m u y < <(once "${CMD[$k]}")
      echo "$t" >> "$WORK/t.$k"; echo "$m" >> "$WORK/m.$k"; echo "$u" >> "$WORK/u.$k"; echo "$y" >> "$WORK/y.$k"
    done
  done
  declare -A MED MEM
  for k in "${keys[@]}"; do
    MED[$k]=$(median < "$WORK/t.$k"); MEM[$k]=$(sort -n "$WORK/m.$k" | tail -1)
    printf '%-9s median %6.2f s  peak %5s MiB  cpu user %5.2f sys %5.2f s   (runs: %s)\n' "$k" "${MED[$k]}" \
      "$(mib "${MEM[$k]}")" "$(median < "$WORK/u.$k")" "$(median < "$WORK/y.$k")" "$(tr '\n' ' ' < "$WORK/t.$k")"
  done
  for k in rebuild edit all; do
    echo "$k / floor: $(ratio "${MED[$k]}" "${MED[floor]}")x   (goal <= 1.5)"
  done
  if [ -n "${MED[hugo]:-}" ]; then
    for k in rebuild edit all; do
      echo "hugo $(hugo version | awk '{print $2}') / $k: $(ratio "${MED[hugo]}" "${MED[$k]}")x faster   (goal >= 4)"
    done
    echo "clean / hugo clean: $(ratio "${MED[clean]}" "${MED[hugoclean]}")   (goal <= 0.5; both remove their old output inside the timer)"
  else
    echo "hugo: not installed (apt-get install -y hugo)"
  fi
  echo "peak RSS: rebuild $(mib "${MEM[rebuild]}"), edit $(mib "${MEM[edit]}"), heading $(mib "${MEM[heading]}"), template $(mib "${MEM[template]}"), all $(mib "${MEM[all]}"), clean $(mib "${MEM[clean]}") MiB   (goal <= 200 MB)"
  "$BIN" --root "$site" build --output "$WORK/out-$n" --timings 2>&1 | tail -1
  "$BIN" --root "$site" build --render-all --output "$WORK/all-$n" --timings 2>&1 | tail -1
  out=$WORK/out-$n
  echo "output on disk: policysite $(du -sm --apparent-size "$out" | cut -f1) MiB, floor $(du -sm --apparent-size "$WORK/bare-$n" | cut -f1) MiB"
  ps_kib=$(du -sk --apparent-size "$out"/search | cut -f1)
  if [ "${PAGEFIND:-0}" = 1 ] && (cd bench && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1); then
    pf=$WORK/pf-$n; rm -rf "$pf"; cp -r "$out" "$pf"
    read -r pft pfm _ < <(once "npx --prefix bench pagefind --site $pf --output-subdir pagefind")
    echo "search index on disk: policysite $((ps_kib / 1024)) MiB, pagefind $(( $(du -sk --apparent-size "$pf/pagefind" | cut -f1) / 1024 )) MiB (pagefind indexing ${pft} s, $(mib "$pfm") MiB)"
  else
    echo "search index on disk: policysite $((ps_kib / 1024)) MiB (pagefind not run; PAGEFIND=1)"
  fi
  # Bytes one query loads in headless Chromium (every response but the search page's HTML, counted as
  # served; bench/search-measure.mjs): a common word, a rare one, three words; goal: one word <= 200 KB, three <= 300 KB.
  if [ "${QUERY:-1}" = 1 ] && [ -d bench/node_modules/playwright-core ]; then
    printf 'tool\tquery\tresults\tfiles\tbytes\tms-after-load\n'
    (cd bench && node search-measure.mjs "${pf:-$out}" records "policy 4321" "student records retention") || true
  fi
  [ -z "${pf:-}" ] || rm -rf "$pf"
  pf=
  unset CMD MED MEM
done

if [ "${SERVE:-1}" = 1 ]; then
  n=${SIZES[-1]}
  echo "== serve, $n pages: one-page edit to reload event, $EDITS edits"
  target/release/examples/serve_bench "$WORK/site-$n/policysite" s050/p05000.md "$EDITS" 1 | grep latency
  echo "== serve, $n pages: a heading added to one page, then taken away, $EDITS edits"
  EDIT=heading target/release/examples/serve_bench "$WORK/site-$n/policysite" s050/p05000.md "$EDITS" 1 | grep latency
fi
