#!/usr/bin/env bash
# Installs what building and testing nnplay needs, skipping everything already present.
#   bash scripts/setup.sh          build tools: wasm32 target, trunk, wasm-bindgen CLI, wasm-opt
#   bash scripts/setup.sh --tests  also Chromium + ChromeDriver and Firefox ESR (apt, needs root),
#                                  geckodriver (cargo), and NumPy for the tests that run the
#                                  exported Python
# Sourced by serve.sh and test.sh; safe to run again (a second run only checks versions).
set -euo pipefail

TRUNK_VERSION=0.21.14
# Must equal the wasm-bindgen crate version pinned with `=` in Cargo.toml.
WASM_BINDGEN_VERSION=0.2.130
# The tests run the exported scripts with this NumPy (tests/export_python.rs).
NUMPY_VERSION=2.4.6
# Drives Firefox for tests/firefox/ (built from crates.io; no prebuilt download).
GECKODRIVER_VERSION=0.37.1

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }

has_version() { # command, expected substring of `command --version`
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q -- "$2"
}

export PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"

if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown >&2
fi

if ! has_version trunk "trunk $TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (several minutes on two cores)"
  cargo install --locked "trunk@$TRUNK_VERSION" >&2
fi

if ! has_version wasm-bindgen "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
  cargo install --force "wasm-bindgen-cli@$WASM_BINDGEN_VERSION" >&2
fi

npm_packages_present() {
  for p in "$@"; do [ -f "$root/node_modules/$p/package.json" ] || return 1; done
}

if ! npm_packages_present binaryen playwright-core selenium-webdriver; then
  say "installing npm tools (binaryen's wasm-opt, playwright-core, selenium-webdriver)"
  (cd "$root" && npm ci --no-audit --no-fund >&2)
fi

if [ "${1:-}" = "--tests" ]; then
  browsers=()
  [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || browsers+=(chromium chromium-driver)
  [ -x /usr/bin/firefox-esr ] || browsers+=(firefox-esr)
  if [ ${#browsers[@]} -gt 0 ]; then
    say "installing Debian's ${browsers[*]}"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${browsers[@]}" >&2
  fi

  if ! has_version geckodriver "geckodriver $GECKODRIVER_VERSION"; then
    say "installing geckodriver $GECKODRIVER_VERSION (a few minutes)"
    cargo install --locked "geckodriver@$GECKODRIVER_VERSION" >&2
  fi

  if ! python3 -c "import numpy, sys; sys.exit(numpy.__version__ != '$NUMPY_VERSION')" 2>/dev/null; then
    say "installing NumPy $NUMPY_VERSION for python3"
    if ! python3 -m pip --version >/dev/null 2>&1; then
      if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
      $SUDO apt-get update >&2
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y python3-pip >&2
    fi
    # Debian's own python3 refuses installs outside a virtual environment unless told.
    python3 -m pip install --quiet "numpy==$NUMPY_VERSION" >&2 ||
      python3 -m pip install --quiet --break-system-packages "numpy==$NUMPY_VERSION" >&2
  fi
fi
