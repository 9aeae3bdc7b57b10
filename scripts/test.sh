#!/usr/bin/env bash
# Run every test of policysite: Rust unit and integration tests, the shared code vectors in Node, and
# the browser and accessibility tests in Debian's headless Chromium. Installs what it needs on a fresh
# Debian machine (Chromium, poppler-utils, the npm packages from the lockfile). Fails loudly, never
# skips, when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
LOGS=$(mktemp -d)
# Free disk before the build, so a run that fails with "No space left on device" says how much there was.
echo "==> disk: $(df -h . | awk 'NR==2 {print $4 " free of " $2}')"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v make >/dev/null 2>&1 || need_apt+=(make) # jemalloc's C build (tikv-jemalloc-sys runs configure and make)
command -v cc >/dev/null 2>&1 || need_apt+=(gcc)
command -v xmllint >/dev/null 2>&1 || need_apt+=(libxml2-utils) # SCORM manifest validation (tests/integration/scorm_export.rs)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "==> installing ${need_apt[*]} (Debian packages)"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
command -v chromium >/dev/null 2>&1 || { echo "error: chromium is not installed and could not be installed" >&2; exit 1; }
command -v node >/dev/null 2>&1 || { echo "error: node is required for the browser tests" >&2; exit 1; }

echo "==> npm packages (from tests/browser/package-lock.json)"
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

echo "==> Python feedparser (policy revisions: feed.xml is parsed as Atom in tests/browser/policy.test.mjs)"
command -v python3 >/dev/null 2>&1 || { echo "error: python3 is required to validate feed.xml" >&2; exit 1; }
[ -x target/feedparser-venv/bin/python ] || python3 -m venv target/feedparser-venv
target/feedparser-venv/bin/pip install --quiet --disable-pip-version-check feedparser==6.0.14
export FEEDPARSER_PYTHON="$PWD/target/feedparser-venv/bin/python"

echo "==> cargo fmt --check, clippy"
cargo fmt --all -- --check
cargo clippy --all-targets --all-features --quiet -- -D warnings

echo "==> cargo test"
# `test-hooks`: the kill-during-approve test pauses the binary there (never in a release build).
cargo build --quiet --features test-hooks
set +e
cargo test --quiet --features test-hooks 2>&1 | tee "$LOGS/cargo-test.log" | grep -E '^(test result|running|error|failures|---- )'
cargo_status=${PIPESTATUS[0]}
set -e
if [ "$cargo_status" -ne 0 ] || grep -qE 'test result: FAILED' "$LOGS/cargo-test.log"; then
  cat "$LOGS/cargo-test.log"
  exit 1
fi
cargo_pass=$(grep -oE 'test result: ok\. [0-9]+ passed' "$LOGS/cargo-test.log" | awk '{s+=$4} END {print s+0}')

echo "==> browser, accessibility and JavaScript tests (headless Chromium)"
export POLICYSITE_BIN="$PWD/target/debug/policysite"
(cd tests/browser && node --test --test-concurrency=1 ./*.test.mjs) 2>&1 | tee "$LOGS/node-test.log"
node_pass=$(grep -E '^# pass ' "$LOGS/node-test.log" | awk '{print $3}')
node_fail=$(grep -E '^# fail ' "$LOGS/node-test.log" | awk '{print $3}')

echo
echo "rust: ${cargo_pass} passed; node: ${node_pass} passed, ${node_fail} failed"
echo "$((cargo_pass + node_pass)) passed, ${node_fail} failed"
[ "${node_fail}" = "0" ]
