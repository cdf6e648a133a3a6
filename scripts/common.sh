# Shared by the scripts in this folder: paths, and installing the build tools a fresh
# machine lacks. Source it; do not run it.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Outside the clone by default, so a fresh clone on the same machine reuses the
# dependency build (minutes on 2 cores). Override to build elsewhere.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/guestroom/target}"
# A CI run builds once from a clean clone: incremental caches (tens of GB over a day of
# runs) would only take disk.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL=0; fi
# Where the browser bundle is assembled; the server serves it (LEPTOS_SITE_ROOT).
SITE_ROOT="$ROOT/target/site"
WASM_BINDGEN_VERSION=0.2.130 # must equal the `wasm-bindgen` pin in Cargo.toml
# The release bundle is built with this nightly: it rebuilds the standard library for
# size with panics as a bare abort (see build.sh). Pinned: a nightly is a moving target.
WASM_NIGHTLY=nightly-2026-05-19

step() { printf '\n==> %s\n' "$*"; }

# psql as PostgreSQL's superuser, started from `/`: the clone may sit in a folder that
# user cannot enter (a private temporary one), and psql would say so at every call.
psql_as_postgres() { (cd / && runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q "$@"); }

# Commands run when the script exits, however it exits (add with `at_exit "command"`).
EXIT_COMMANDS=()
at_exit() { EXIT_COMMANDS+=("$1"); }
run_exit_commands() { for command in "${EXIT_COMMANDS[@]}"; do eval "$command" || true; done; }
trap run_exit_commands EXIT

# Starts the OpenID Connect provider the tests sign in at (npm `oidc-provider`,
# tests/oidc/provider.mjs) on loopback, unless GUESTROOM_TEST_OIDC_ISSUER names one
# already, and stops it when the script exits.
start_test_provider() {
  if [ -n "${GUESTROOM_TEST_OIDC_ISSUER:-}" ]; then return; fi
  local port="${OIDC_TEST_PORT:-5556}" log
  log="$(mktemp)"
  step "starting the OpenID Connect provider for the tests (oidc-provider, port $port)"
  node "$ROOT/tests/oidc/provider.mjs" "$port" >"$log" 2>&1 &
  at_exit "kill $! 2>/dev/null; rm -f '$log'"
  for _ in $(seq 50); do
    if grep -q '^issuer ' "$log"; then
      export GUESTROOM_TEST_OIDC_ISSUER="http://localhost:$port"
      return
    fi
    sleep 0.2
  done
  cat "$log" >&2
  echo "the test provider did not start" >&2
  exit 1
}

# Starts the SMTP server the tests send mail through (npm `maildev`: SMTP on loopback, and
# a REST API to read what arrived) unless GUESTROOM_TEST_SMTP_URL names one already, and
# stops it when the script exits. Exports GUESTROOM_TEST_SMTP_URL and
# GUESTROOM_TEST_MAILDEV (the REST API's address).
start_test_mail_server() {
  if [ -n "${GUESTROOM_TEST_SMTP_URL:-}" ]; then return; fi
  local smtp="${MAILDEV_SMTP_PORT:-1025}" web="${MAILDEV_WEB_PORT:-1080}" log
  log="$(mktemp)"
  step "starting the SMTP server for the tests (maildev, ports $smtp and $web)"
  "$ROOT/node_modules/.bin/maildev" --ip 127.0.0.1 --smtp "$smtp" --web "$web" --silent >"$log" 2>&1 &
  at_exit "kill $! 2>/dev/null; rm -f '$log'"
  for _ in $(seq 100); do
    if node -e "fetch('http://127.0.0.1:$web/email').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; then
      export GUESTROOM_TEST_SMTP_URL="smtp://127.0.0.1:$smtp" GUESTROOM_TEST_MAILDEV="http://127.0.0.1:$web"
      return
    fi
    sleep 0.2
  done
  cat "$log" >&2
  echo "the test SMTP server did not start" >&2
  exit 1
}

# install_cargo_tool CRATE VERSION "COMMAND" "ANSWER" [ARGS…]: installs CRATE at VERSION
# from crates.io (with ARGS) unless COMMAND already answers ANSWER. Built without
# optimisation: what these tools do takes seconds, and building them optimised took
# minutes more on 2 cores (bench/RESULTS.md, "Build and CI times"). In a temporary target
# directory, which cargo removes afterwards.
install_cargo_tool() {
  local crate=$1 version=$2 command=$3 answer=$4
  shift 4
  if [ "$($command 2>/dev/null || true)" = "$answer" ]; then return; fi
  step "installing $crate $version (once)"
  env -u CARGO_TARGET_DIR CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_DEBUG=0 \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256 CARGO_PROFILE_RELEASE_LTO=false \
    cargo install "$crate" --version "$version" "$@"
}

# Rust's wasm target, the matching wasm-bindgen CLI and the npm tools (wasm-opt).
install_build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  # Not --locked: the CLI's lock file names a yanked crate version. Only the `wasm-bindgen`
  # binary, without the test runner's TLS.
  install_cargo_tool wasm-bindgen-cli "$WASM_BINDGEN_VERSION" "wasm-bindgen --version" \
    "wasm-bindgen $WASM_BINDGEN_VERSION" --bin wasm-bindgen --no-default-features
  if [ ! -x "$ROOT/node_modules/.bin/wasm-opt" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    step "installing npm packages (wasm-opt, Playwright)"
    (cd "$ROOT" && npm ci --no-audit --no-fund)
  fi
}

# The pinned nightly with the standard library's source (for -Zbuild-std) and Clippy
# (which lints the browser crates as the release bundle builds); only the release bundle
# and the fuzz targets need it. About 20 seconds, once.
install_wasm_nightly() {
  local installed
  installed=$(rustup component list --toolchain "$WASM_NIGHTLY" --installed 2>/dev/null || true)
  if ! grep -q '^rust-src' <<<"$installed" || ! grep -q '^clippy' <<<"$installed"; then
    step "installing $WASM_NIGHTLY with rust-src and clippy (for the size-optimised release bundle)"
    rustup toolchain install "$WASM_NIGHTLY" --profile minimal --component rust-src,clippy
  fi
}

# What the browser tests use from Debian: Chromium (never a test tool's own browser
# download) and the sqlite3 shell (tests change the database as an operator would).
install_browser_test_tools() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v sqlite3 >/dev/null || missing+=(sqlite3)
  if [ "${#missing[@]}" -gt 0 ]; then
    step "installing ${missing[*]} from Debian"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  fi
}
