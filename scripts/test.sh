#!/usr/bin/env bash
# Runs every test Guestroom has, after preparing what they need on this kind of machine:
# the build tools, PostgreSQL (started, with the test role), Debian's Chromium and sqlite3.
#   1. Rust: unit tests and one integration-test binary per crate; the store's
#      conformance suite runs on SQLite and on PostgreSQL.
#   2. Browser: Playwright drives Chromium against the release bundle, on SQLite; the
#      roster, cache, account, provider and passkey journeys run on PostgreSQL at the same
#      time. A real OpenID Connect provider (npm `oidc-provider`, tests/oidc/provider.mjs)
#      runs on loopback for the whole script.
#   3. A short run of each benchmark script, of the fuzz targets, of mutation testing and
#      of the reliability suite, so they keep working (the outage scenario stops and
#      restarts PostgreSQL).
#
# The browser tests, the benchmark's and the reliability suite's smoke runs drive the
# server binary `cargo test` builds in step 1 (the test profile), not the shipped fat-LTO
# release build: what they check does not depend on the server's optimisation, and that
# build was the longest step of a CI run on a fresh machine (bench/RESULTS.md, "Build and
# CI times"). The bundle is the shipped release one: the weight test measures it.
# `scripts/run.sh --release` and `bench/run.sh` build the release server.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

if [ -n "${GUESTROOM_TEST_SKIP_POSTGRES:-}" ]; then
  echo "GUESTROOM_TEST_SKIP_POSTGRES is set: the whole suite runs the store tests on PostgreSQL" \
    "too, and would count the skipped ones as passed. Unset it (plain \`cargo test\` honours it)." >&2
  exit 1
fi

install_build_tools
install_browser_test_tools
step "preparing PostgreSQL"
"$ROOT/scripts/postgres.sh"
export GUESTROOM_TEST_POSTGRES_URL="${GUESTROOM_TEST_POSTGRES_URL:-postgres://guestroom:guestroom@127.0.0.1:5432/postgres}"

log_dir="$(mktemp -d)"
at_exit "rm -rf '$log_dir'"

start_test_provider
start_test_mail_server

step "the pages' own scripts, linted (esbuild's checks)"
node "$ROOT/scripts/lint-js.mjs"

step "Rust tests (unit, integration, store on SQLite and PostgreSQL), linted as they build"
# Clippy lints our crates while they build for the tests (what `cargo clippy` does, through
# the same driver and its CLIPPY_ARGS), so the lints need no second build of every
# dependency (bench/RESULTS.md, "Build and CI times"). `--all-targets`: the benches too,
# each run once. Only stable cargo commands may carry it (not the nightly bundle or fuzz
# builds), and never the mutation runs, where a lint would pass a mutant as unviable.
linted=(env RUSTC_WORKSPACE_WRAPPER="$(rustc --print sysroot)/bin/clippy-driver" CLIPPY_ARGS=-Dwarnings)
"${linted[@]}" cargo test --workspace --exclude guestroom-frontend --all-targets 2>&1 | tee "$log_dir/cargo.log"
sqlite_tests=$(grep -cE '^test (accounts::)?sqlite::[a-z_]+ \.\.\. ok$' "$log_dir/cargo.log" || true)
postgres_tests=$(grep -cE '^test (accounts::)?postgres::[a-z_]+ \.\.\. ok$' "$log_dir/cargo.log" || true)
rust_passed=$(grep -E '^test result: ok\.' "$log_dir/cargo.log" | awk '{ n += $4 } END { print n + 0 }')
if [ "$sqlite_tests" -eq 0 ] || [ "$postgres_tests" -ne "$sqlite_tests" ]; then
  echo "the store suite must run in full on both backends: $sqlite_tests on SQLite, $postgres_tests on PostgreSQL" >&2
  exit 1
fi
# What `cargo test` built for the server's integration tests: the server and the ceiling.
export GUESTROOM_BIN="$CARGO_TARGET_DIR/debug/guestroom" LEPTOS_SITE_ROOT="$SITE_ROOT"

step "the release browser bundle for the browser tests, its crates linted as they build"
"$ROOT/scripts/build.sh" --release --bundle --lint

step "browser tests (Playwright, Debian's Chromium, the release bundle): every file on SQLite and, at the same time, the roster, accounts, providers, passkeys, password reset, address confirmation, sign-in links, change of email, the guest's retention note, a shared guest cookie, a full account's choice, device codes, the merge matrix and changes made offline on PostgreSQL"
# Waiting on browsers more than computing, the two runs share the cores well: at once
# they took a third less time than one after the other (bench/RESULTS.md).
psql_as_postgres \
  -c 'DROP DATABASE IF EXISTS guestroom_e2e' -c 'CREATE DATABASE guestroom_e2e OWNER guestroom'
node apps/web/end2end/run.mjs >"$log_dir/e2e.log" 2>&1 &
on_sqlite=$!
at_exit "kill $on_sqlite 2>/dev/null"
GUESTROOM_E2E_DATABASE_URL="postgres://guestroom:guestroom@127.0.0.1:5432/guestroom_e2e" \
  node apps/web/end2end/run.mjs \
  apps/web/end2end/tests/{roster,cache,offline,accounts,manage,providers,passkeys,recovery,confirm,link,change,retention,shared-guest,keep,devices,merge-matrix}.test.mjs \
  >"$log_dir/e2e-postgres.log" 2>&1 &
on_postgres=$!
at_exit "kill $on_postgres 2>/dev/null"
sqlite_status=0 postgres_status=0
wait "$on_sqlite" || sqlite_status=$?
wait "$on_postgres" || postgres_status=$?
printf -- '--- on SQLite\n'
cat "$log_dir/e2e.log"
printf -- '--- on PostgreSQL\n'
cat "$log_dir/e2e-postgres.log"
if [ "$sqlite_status" -ne 0 ] || [ "$postgres_status" -ne 0 ]; then
  echo "browser tests failed: on SQLite $sqlite_status, on PostgreSQL $postgres_status" >&2
  exit 1
fi
browser_passed=$(sed -nE 's/^browser tests: ([0-9]+) passed.*/\1/p' "$log_dir/e2e.log")
browser_postgres_passed=$(sed -nE 's/^browser tests: ([0-9]+) passed.*/\1/p' "$log_dir/e2e-postgres.log")

step "benchmark smoke runs (the full runs are in the README)"
node bench/enumeration.mjs 10
# Linted as the Rust tests were, so its `cargo test` of the benches reuses their build.
"${linted[@]}" "$ROOT/bench/run.sh" --smoke

step "fuzzing, smoke run: the committed corpora and 20,000 new inputs per target (the full run: scripts/fuzz.sh)"
"$ROOT/scripts/fuzz.sh" --smoke

step "mutation testing, smoke run (the full run: scripts/mutants.sh)"
"$ROOT/scripts/mutants.sh" --smoke

step "reliability suite, smoke run (the full run: scripts/reliability.sh)"
node tests/reliability/run.mjs --smoke

step "summary"
echo "store conformance tests: $sqlite_tests passed on SQLite, $postgres_tests passed on PostgreSQL"
echo "rust tests: $rust_passed passed; browser tests: $browser_passed passed on SQLite, $browser_postgres_passed on PostgreSQL"
# Every failure above has already stopped the script.
echo "all: $((rust_passed + browser_passed + browser_postgres_passed)) passed, 0 failed"
