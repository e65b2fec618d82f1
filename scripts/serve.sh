#!/usr/bin/env bash
# Builds the release bundle and serves nnplay at http://127.0.0.1:8080 (installing tools first).
#   bash scripts/serve.sh          release build, served with live reload on file changes
#   bash scripts/serve.sh --dev    debug build (faster to compile, slower to train)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/setup.sh
mode=--release
[ "${1:-}" = "--dev" ] && mode=
echo "nnplay: building and serving at http://127.0.0.1:8080 (Ctrl-C stops)" >&2
exec trunk serve $mode --address 127.0.0.1 --port 8080
