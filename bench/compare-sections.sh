#!/usr/bin/env bash
# Compare-matching benchmark (not a test): bench/compare.sh with SHAPE=renamed — one policy of SECTIONS
# (200) sections of WORDS_PER (300) words with REVISIONS (20) revisions, each renaming every heading
# (so every section is matched by its text) and replacing EDITS (10) sentences. Issue 17's target:
# under 2 s for 200 sections, 300 words, 20 revisions.
#
# usage: bench/compare-sections.sh   (RUNS SECTIONS WORDS_PER REVISIONS EDITS BIN as in bench/compare.sh)
exec env SHAPE=renamed "$(dirname "$0")/compare.sh" "$@"
