#!/usr/bin/env bash
# Prints the size of the page's bundle as the browser downloads it: each file of the release
# build (wasm, js, css, html, icons) raw and gzipped (-9), and the total of wasm + js + css.
#   bash scripts/size.sh            builds the release bundle into dist/ first
#   bash scripts/size.sh --no-build measures the dist/ that is there
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ "${1:-}" != "--no-build" ]; then
  source scripts/setup.sh
  trunk build --release >&2
fi
[ -d dist ] || { echo "size.sh: no dist/ (run without --no-build)" >&2; exit 1; }
total=0
printf '%-44s %10s %10s\n' file bytes gzipped
for f in dist/*; do
  [ -f "$f" ] || continue
  raw=$(wc -c <"$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  printf '%-44s %10d %10d\n' "${f#dist/}" "$raw" "$gz"
  case $f in *.wasm | *.js | *.css) total=$((total + gz)) ;; esac
done
awk -v t="$total" 'BEGIN { printf "wasm + js + css gzipped: %d bytes (%.1f KB)\n", t, t / 1024 }'
