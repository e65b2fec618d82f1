#!/usr/bin/env bash
# Runs every test suite and ends with one line `N passed, N failed` summing them all:
#   formatting, clippy (host and wasm32), native `cargo test`, the exported Python run with NumPy
#   against the engine (tests/export_python.rs), wasm tests in headless Chromium
#   (wasm-bindgen-test), end-to-end tests (playwright-core) against the release build, the smoke
#   tests in Firefox (tests/firefox/, selenium-webdriver and geckodriver) against the same build,
#   and `scripts/serve.sh` run on a fresh clone of HEAD (tests/fresh_clone/serve.mjs, one test).
# Installs what the tests need when missing (see scripts/setup.sh). Exit code 1 on any failure.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/setup.sh --tests || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
set +e

export CHROMEDRIVER=/usr/bin/chromedriver
export CARGO_TERM_COLOR=never
logs="$root/target/test-logs"
mkdir -p "$logs"
passed=0
failed=0

banner() { printf '\n\033[1;35m== %s ==\033[0m\n' "$*"; }

# A check that is one test: it passes when the command succeeds.
check() {
  local name=$1; shift
  banner "$name"
  if "$@" >"$logs/$name.log" 2>&1; then
    passed=$((passed + 1)); echo "ok: $name"
  else
    failed=$((failed + 1)); cat "$logs/$name.log"; echo "FAILED: $name"
  fi
}

# A suite whose output has libtest summary lines (`test result: ... N passed; M failed`).
cargo_suite() {
  local name=$1; shift
  banner "$name"
  "$@" 2>&1 | tee "$logs/$name.log"
  local status=${PIPESTATUS[0]}
  local p f
  p=$(grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed' "$logs/$name.log" | grep -Eo '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
  f=$(grep -Eo '[0-9]+ failed' "$logs/$name.log" | awk '{s+=$1} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    failed=$((failed + 1)); echo "FAILED: $name exited with $status before reporting a failing test"
  fi
}

# node:test files run with the TAP reporter, which ends with `# pass N` and `# fail N`.
node_suite() {
  local name=$1; shift
  banner "$name"
  node --test --test-reporter=tap --test-concurrency=1 "$@" 2>&1 | tee "$logs/$name.log"
  local status=${PIPESTATUS[0]} p f
  p=$(grep -E '^# pass [0-9]+' "$logs/$name.log" | awk '{s+=$3} END {print s+0}')
  f=$(grep -E '^# fail [0-9]+' "$logs/$name.log" | awk '{s+=$3} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    failed=$((failed + 1)); echo "FAILED: $name exited with $status before reporting a failing test"
  fi
}

check fmt cargo fmt --all -- --check
check clippy-host cargo clippy --workspace --all-targets -- -D warnings
check clippy-wasm cargo clippy --workspace --target wasm32-unknown-unknown --all-targets -- -D warnings
cargo_suite native cargo test --workspace
# The exported scripts and notebook, run with python3 and NumPy, against the engine's run.
cargo_suite export-python cargo test --test export_python -- --ignored
cargo_suite wasm-browser cargo test --target wasm32-unknown-unknown --test web

banner "release build for the end-to-end tests"
if trunk build --release >"$logs/trunk-build.log" 2>&1; then
  node_suite e2e tests/e2e/
  node_suite firefox tests/firefox/
else
  cat "$logs/trunk-build.log"; echo "FAILED: trunk build --release"
  failed=$((failed + 1))
fi

# The README's first command as a newcomer meets it: clone HEAD into a temporary folder, run
# `bash scripts/serve.sh` there, load the page, watch it train, stop the server. After the
# end-to-end build, whose compiled dependencies the clone's build reuses.
check fresh-clone-serve node tests/fresh_clone/serve.mjs

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
