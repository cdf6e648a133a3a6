#!/usr/bin/env bash
# Mutation testing with cargo-mutants: the code is changed one small way at a time (a
# comparison flipped, a function made to return a default) and the tests must notice.
# A mutant no test notices is a gap in the tests, or a change that makes no difference.
#   scripts/mutants.sh            identity and persistence in full (about an hour and a half)
#   scripts/mutants.sh --smoke    two small files, every mutant must be caught (CI)
# Reports go to target/mutants/<part>/mutants.out (missed.txt lists the survivors).
#
# Each part is tested where its tests are: identity's rules and tokens by the crate's own
# tests, its HTTP layer (the identity middleware, the cross-site guard) and OpenID Connect
# by those and the server's tests (with the test provider running), persistence by the
# store suite on SQLite (the PostgreSQL half runs the same assertions and would double
# the time).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

CARGO_MUTANTS_VERSION=27.1.0
if [ "$(cargo mutants --version 2>/dev/null || true)" != "cargo-mutants $CARGO_MUTANTS_VERSION" ]; then
  step "installing cargo-mutants $CARGO_MUTANTS_VERSION (a few minutes, once)"
  cargo install cargo-mutants --locked --version "$CARGO_MUTANTS_VERSION"
fi
out="$ROOT/target/mutants"
mkdir -p "$out"
# A target directory of its own: cargo-mutants builds copies of the tree whose crates
# have the same fingerprints as ours, so the last mutant's build would stay in the shared
# directory and look fresh to the next `cargo test` there.
export CARGO_TARGET_DIR="$HOME/.cache/guestroom/mutants-target"

# mutants PART ARGS…: one run, its summary line kept.
mutants() {
  local part=$1
  shift
  step "mutation testing: $part"
  local status=0
  cargo mutants --timeout 120 -o "$out/$part" "$@" 2>&1 | tee "$out/$part.log" | grep -E '^(MISSED|TIMEOUT)' || true
  status=${PIPESTATUS[0]}
  grep -E 'mutants tested in' "$out/$part.log" || true
  return "$status"
}

if [ "${1:-}" = "--smoke" ]; then
  # cargo-mutants exits non-zero when a mutant survives.
  mutants smoke -p guestroom-identity -f crates/identity/src/http/cookies.rs -f crates/identity/src/clock.rs
  exit
fi

failed=0
start_test_provider
mutants identity -p guestroom-identity -e 'crates/identity/src/http/**' \
  -e 'crates/identity/src/oidc/**' -e 'crates/identity/src/passkey/**' || failed=1
# The HTTP layer, OpenID Connect and passkeys by their own unit tests and the server's tests.
# (cargo-mutants' baseline would run only the mutated package's tests; both pass on the
# unmutated tree in scripts/test.sh.)
mutants identity-edge -p guestroom-identity -f 'crates/identity/src/http/**' \
  -f 'crates/identity/src/oidc/**' -f 'crates/identity/src/passkey/**' --baseline=skip \
  --test-package guestroom-identity --test-package guestroom-server || failed=1
mutants persistence -p guestroom-persistence -- -- --skip postgres || failed=1
exit "$failed"
