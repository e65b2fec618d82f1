#!/usr/bin/env bash
# The page benchmark: serves the release bundle on 127.0.0.1, opens the playground in headless
# Chromium training a 2-8-8-1 network on 500 points (circle; paused, the default pace, speed=fast,
# speed=normal, and the default pace and speed=fast again with the loss-surface view open), and
# measures the sustained frame rate (requestAnimationFrame) and SGD examples per second (the step
# count and the page's own readout); then times how long the circle takes to reach 99% test
# accuracy at the default pace. Prints a table and writes target/bench/page.json.
#   bash scripts/bench-page.sh                about a minute and a half once built
#   bash scripts/bench-page.sh --build        rebuild dist/ first (default: only when missing)
#   bash scripts/bench-page.sh --labs         the labs instead: frame times while each lab works
#                                             under a heavy load (bench/page/labs.mjs, about 40 s)
#   BENCH_SECONDS=20 bash scripts/bench-page.sh        measured seconds per speed (default 10)
#   BENCH_SPEEDS=idle,default,slow,normal,fast,fast+race bash scripts/bench-page.sh   (+surface,
#                                             +race: the loss-surface view open, its race running)
#   BENCH_FITS=10 bash scripts/bench-page.sh          times to time the fit of the circle (default 5)
#   NNPLAY_DIST=target/e2e-dist bash scripts/bench-page.sh   benchmark another bundle (never built here)
# Headless Chromium's frame clock is not a real display's: see the note the command prints.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { printf '\033[1;34m[bench-page]\033[0m %s\n' "$*" >&2; }

build=0
bench=bench/page/run.mjs
for arg in "$@"; do
  case "$arg" in
    --build) build=1 ;;
    --labs) bench=bench/page/labs.mjs ;;
    *) echo "usage: bash scripts/bench-page.sh [--build] [--labs]" >&2; exit 2 ;;
  esac
done

# Chromium, playwright-core and the build tools (a second run only checks versions).
source scripts/setup.sh --tests
cd "$root"
export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"

if [ -n "${NNPLAY_DIST:-}" ]; then
  [ -f "$NNPLAY_DIST/index.html" ] || { echo "bench-page: $NNPLAY_DIST/index.html not found" >&2; exit 1; }
elif [ "$build" = 1 ] || [ ! -f dist/index.html ]; then
  say "building the release bundle (trunk build --release)"
  trunk build --release >&2
fi

node "$bench"
