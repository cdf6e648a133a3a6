#!/usr/bin/env bash
# The benchmark: builds the release server and the ceiling (bare axum), installs wrk when
# missing, and runs bench/http.mjs on loopback. Prints Markdown, headed by the date, the
# git revision and the machine, ready for bench/RESULTS.md.
#   bench/run.sh           the full run (about 3 minutes after the build)
#   bench/run.sh --smoke   2-second runs on the release build already there (scripts/test.sh)
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
cd "$ROOT"

if ! command -v wrk >/dev/null; then
  step "installing wrk from Debian"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y wrk
fi
[ "${1:-}" = "--smoke" ] || "$ROOT/scripts/build.sh" --release >&2
cargo build --release -p guestroom-server --bin bench-ceiling >&2

revision="$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' with uncommitted changes')"
memory="$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)"
echo "## $(date -u +%Y-%m-%d) at $revision: $(nproc) cores, $memory GiB, \`bench/run.sh ${*}\`"
echo
GUESTROOM_BIN="$CARGO_TARGET_DIR/release/guestroom" LEPTOS_SITE_ROOT="$SITE_ROOT" \
  node bench/http.mjs "$@"
