#!/usr/bin/env bash
# The engine benchmark: nnplay's training engine natively, then compiled to wasm and run in
# Node.js beside JavaScript peers (plain typed-array JS, convnetjs, tfjs cpu and tfjs wasm) on
# the same work. Prints the tables and writes target/bench/native.json and target/bench/engine.json.
#   bash scripts/bench-engine.sh                   1.5 to 2 minutes on two cores once built
#   BENCH_SECONDS=4 bash scripts/bench-engine.sh   seconds timed per workload (default 2)
# The first run installs the pinned npm packages into bench/node_modules (bench/package-lock.json)
# and builds the wasm module; later runs only check that both are up to date.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { printf '\033[1;34m[bench]\033[0m %s\n' "$*" >&2; }
export PATH="$HOME/.cargo/bin:$PATH"
target_dir="${CARGO_TARGET_DIR:-$root/target}"

for tool in cargo node npm; do
  command -v "$tool" >/dev/null || { echo "bench-engine: '$tool' is required" >&2; exit 1; }
done
if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown >&2
fi

# The peers, at the exact versions in bench/package.json; reinstalled only when one is missing
# or at another version.
peers_installed() {
  node -e '
    const want = require("./bench/package.json").dependencies;
    for (const [name, version] of Object.entries(want)) {
      const have = require(`./bench/node_modules/${name}/package.json`).version;
      if (have !== version) process.exit(1);
    }' 2>/dev/null
}
if ! peers_installed; then
  say "installing the JavaScript peers into bench/node_modules"
  (cd bench && npm ci --no-audit --no-fund >&2)
fi

say "building the wasm module (crates/engine/examples/wasm_bench.rs)"
cargo build --release --target wasm32-unknown-unknown -p nnplay-engine --example wasm_bench >&2
wasm="$target_dir/wasm32-unknown-unknown/release/examples/wasm_bench.wasm"

mkdir -p target/bench
say "native"
cargo run --quiet --release -p nnplay-engine --example native_bench
echo
say "wasm in Node.js $(node --version) against the JavaScript peers"
node bench/engine/run.mjs "$wasm" target/bench/engine.json target/bench/native.json
