#!/usr/bin/env bash
# The soak test (not part of scripts/test.sh): trains in headless Chromium for 10 minutes and
# checks that wasm memory and the JS heap stay flat after warm-up and the frame rate steady.
#   bash scripts/soak.sh                       10 minutes, a sample every 30 s
#   SOAK_MINUTES=2 bash scripts/soak.sh        shorter
#   SOAK_SCENE='#dataset=…&play=1' bash scripts/soak.sh
# Builds the release bundle first if dist/ is missing. Writes target/bench/soak.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/setup.sh --tests
cd "$root"
if [ ! -f dist/index.html ]; then
  trunk build --release >&2
fi
exec node bench/soak/run.mjs
