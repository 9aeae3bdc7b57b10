#!/usr/bin/env bash
# Serve benchmark (not a test): edit-to-reload latency (p50/p95) and static-serving throughput, on the
# bundled site and on a 10,000-page synthetic site (see bench/gen_site.py). All traffic is loopback.
#
# usage: bench/serve.sh [EDITS]   (default 40)
set -euo pipefail
cd "$(dirname "$0")/.."
EDITS=${1:-40}
cargo build --release --quiet --bin policysite --example serve_bench
WORK=${BENCH_DIR:-/tmp/policysite-bench}
mkdir -p "$WORK"
rm -rf "$WORK/bundled" && mkdir -p "$WORK/bundled"
cp -r site.yaml content data quizzes themes "$WORK/bundled/"
echo "== bundled site"
target/release/examples/serve_bench "$WORK/bundled" training/public-records.md "$EDITS" 5
[ -d "$WORK/site-10000/policysite" ] || python3 bench/gen_site.py 10000 "$WORK/site-10000"
echo "== 10,000-page synthetic site"
target/release/examples/serve_bench "$WORK/site-10000/policysite" s050/p05000.md "$EDITS" 5
