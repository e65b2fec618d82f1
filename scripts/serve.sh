#!/usr/bin/env bash
# Builds nnplay and serves it at http://127.0.0.1:8080 (installing tools first), rebuilding and
# reloading the page when a file changes. Works on a fresh clone, first run and every run after.
#   bash scripts/serve.sh              release build
#   bash scripts/serve.sh --dev        debug build (faster to compile, slower to train)
#   bash scripts/serve.sh --port 9000  another port (NNPLAY_PORT=9000 does the same; default 8080)
# Listens on 127.0.0.1 only. Ctrl-C stops it; trunk is exec'd, so this script's PID is trunk's.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

usage() { sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
fail() { echo "serve.sh: $*" >&2; exit 2; }

mode=--release
port=${NNPLAY_PORT:-8080}
while [ $# -gt 0 ]; do
  case $1 in
    --dev) mode= ;;
    --port) [ $# -ge 2 ] || fail "--port needs a number"; port=$2; shift ;;
    --port=*) port=${1#--port=} ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; fail "unknown option: $1" ;;
  esac
  shift
done
case $port in '' | *[!0-9]*) fail "not a port number: '$port'" ;; esac
[ "$port" -ge 1 ] && [ "$port" -le 65535 ] || fail "not a port number: $port"

# trunk binds only after its first build (minutes on a first run): say now if the port is taken.
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  fail "something already listens on 127.0.0.1:$port; pick another port with --port N"
fi

source scripts/setup.sh

# trunk 0.21 canonicalises every `[watch] ignore` path in Trunk.toml when it starts and exits
# ("error taking the canonical path to the watch ignore path") if one is missing. On a fresh
# clone target/ and dist/ do not exist yet (nor target/ ever, when CARGO_TARGET_DIR points
# elsewhere); node_modules/ exists once setup.sh has run, bench/ and tests/ are tracked.
mkdir -p target dist node_modules

echo "nnplay: building and serving at http://127.0.0.1:$port (Ctrl-C stops)" >&2
exec trunk serve $mode --address 127.0.0.1 --port "$port"
