#!/usr/bin/env bash
# The benchmark: builds the release server, the ceiling (bare axum) and the reference (the
# same work written by hand, bench/reference), installs wrk when missing, starts
# PostgreSQL, and prints Markdown ready for bench/RESULTS.md, headed by the date, the git
# revision and the machine:
#   1. bench/http.mjs: the HTTP figures on SQLite and on PostgreSQL (1–3 instances), the
#      cold start, the binary's size and the first load on the wire; then
#      bench/postgres-cost.mjs: what each request costs PostgreSQL (docs/scaling.md);
#      bench/instructions.mjs: instructions per request beside the reference (callgrind);
#      bench/memory.mjs: the resident set of a server alone under the read and the page;
#   2. bench/lighthouse.mjs: Lighthouse on `/`;
#   3. the criterion micro-benchmarks (crates/*/benches, apps/web/app/benches).
#   bench/run.sh           the full run (about 15 minutes after the build)
#   bench/run.sh --smoke   short runs of the server GUESTROOM_BIN names, the ceiling and
#                          the reference beside it, as built (scripts/test.sh: the test
#                          profile's); the micro-benchmarks each run once, as a check, in
#                          the test profile
#   bench/run.sh --runs=N  N measured runs of each HTTP shape (3 by default)
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
cd "$ROOT"

smoke=false
[ "${1:-}" = "--smoke" ] && smoke=true

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v valgrind >/dev/null || missing+=(valgrind)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]} from Debian"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi
if $smoke; then
  : "${GUESTROOM_BIN:?the smoke run measures the server GUESTROOM_BIN names (scripts/test.sh sets it)}"
else
  "$ROOT/scripts/build.sh" --release >&2
  cargo build --release -p guestroom-server --bin bench-ceiling >&2
  cargo build --release -p bench-reference >&2
  export GUESTROOM_BIN="$CARGO_TARGET_DIR/release/guestroom"
fi
"$ROOT/scripts/postgres.sh" >&2
psql_as_postgres \
  -c 'DROP DATABASE IF EXISTS guestroom_bench WITH (FORCE)' -c 'CREATE DATABASE guestroom_bench OWNER guestroom'

revision="$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' with uncommitted changes')"
memory="$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)"
echo "## $(date -u +%Y-%m-%d) at $revision: $(nproc) cores, $memory GiB, \`bench/run.sh${*:+ $*}\`"
echo
export LEPTOS_SITE_ROOT="$SITE_ROOT"
export BENCH_POSTGRES_URL="postgres://guestroom:guestroom@127.0.0.1:5432/guestroom_bench"
node bench/http.mjs "$@"
echo
node bench/postgres-cost.mjs "$@"
echo
node bench/instructions.mjs "$@"
echo
node bench/memory.mjs "$@"
node bench/lighthouse.mjs
node bench/signin-burst.mjs "$@"

# Criterion prints each result as "name  time: [low estimate high]", the name on a line
# of its own when it is long; the table keeps the estimate and its interval.
echo
echo "Micro-benchmarks (criterion; the estimate, and its 95% interval):"
echo
echo "| what | time |"
echo "|---|---:|"
if $smoke; then
  # `cargo test` runs each criterion benchmark once; with the workspace's packages it
  # reuses the test build scripts/test.sh made, where `cargo bench` would build them all
  # again in the fat-LTO release profile.
  cargo test --quiet --workspace --exclude guestroom-frontend --bench tokens --bench validation --bench render
else
  for bench in "-p guestroom-identity --bench tokens" "-p guestroom-domain --bench validation" \
    "-p guestroom-app --features ssr --bench render"; do
    # shellcheck disable=SC2086 # the package and bench arguments, split on purpose
    cargo bench --quiet $bench -- --warm-up-time 2 --measurement-time 5 || exit 1
  done
fi | awk '
  /time:/ {
    line = $0; sub(/ *time:.*/, "", line); if (line != "") name = line
    sub(/^ */, "", name)
    match($0, /\[.*\]/); split(substr($0, RSTART + 1, RLENGTH - 2), t, " ")
    printf "| %s | %s %s (%s %s – %s %s) |\n", name, t[3], t[4], t[1], t[2], t[5], t[6]
    next
  }
  /^Testing / { sub(/^Testing /, ""); sub(/[ \t]*$/, ""); printf "| %s | ran once (smoke) |\n", $0; next }
  NF { name = $0 }'
