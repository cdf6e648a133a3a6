#!/usr/bin/env bash
# Mutation testing with cargo-mutants: the code is changed one small way at a time (a
# comparison flipped, a function made to return a default) and the tests must notice.
# A mutant no test notices is a gap in the tests, or a change that makes no difference.
#   scripts/mutants.sh            every part in full (identity, identity-http,
#                                 identity-providers, identity-passkeys, persistence); each must catch
#                                 MUTANTS_THRESHOLD% of its viable mutants, the survivors
#                                 accepted in .cargo/mutants-accepted.txt counting as caught
#   scripts/mutants.sh PART…      those parts only
#   scripts/mutants.sh --smoke    two small files, every mutant must be caught (CI)
# Reports go to target/mutants/<part>/mutants.out (missed.txt lists the survivors).
#
# Each part is tested where its tests are: identity's rules and tokens by the crate's own
# tests, its HTTP layer (the identity middleware, the cross-site guard) and its sign-in
# slices (providers, passkeys: rules, protocol, endpoints) by those and the server's tests
# (with the test provider running),
# persistence and the roster's rules by their own tests and the store suite on SQLite (the
# PostgreSQL half runs the same assertions and would double the time).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
# Mutants are judged by the tests alone: a lint failing on one would pass it as unviable.
unset RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS

# The bar of docs/operations.md ("Mutation testing"), per part.
MUTANTS_THRESHOLD=90
ACCEPTED="$ROOT/.cargo/mutants-accepted.txt"

install_cargo_tool cargo-mutants 27.1.0 "cargo mutants --version" "cargo-mutants 27.1.0" --locked
out="$ROOT/target/mutants"
mkdir -p "$out"

# run_part PART ARGS…: one cargo-mutants run over PART, its survivors printed as found.
run_part() {
  local part=$1
  shift
  step "mutation testing: $part"
  rm -rf "${out:?}/$part" "$out/$part.status"
  {
    local code=0
    cargo mutants --timeout 120 -o "$out/$part" "$@" 2>&1 || code=$?
    echo "$code" >"$out/$part.status"
  } | tee "$out/$part.log" | { grep -E '^(MISSED|TIMEOUT)' || true; }
  grep -E 'mutants tested in' "$out/$part.log" || true
  # 0: every mutant caught, 2: some missed, 3: some timed out; anything else (4: the tests
  # fail on the unmutated tree, 1 or 70: a usage or internal error) means nothing was judged.
  local status
  status=$(cat "$out/$part.status")
  case "$status" in
    0 | 2 | 3) ;;
    *)
      tail -40 "$out/$part.log" >&2
      echo "cargo mutants stopped with status $status: no verdict for $part" >&2
      return 1
      ;;
  esac
}

# The lines of PART's KIND.txt, each a mutant's name without its line and column, so an
# accepted survivor stays accepted when the code above it moves.
names() {
  local file="$out/$1/mutants.out/$2.txt"
  [ -f "$file" ] || return 0
  sed -E 's/^([^:]+):[0-9]+:[0-9]+: /\1: /' "$file" | sort
}

# verdict PART MIN_PERCENT: prints PART's score; fails when fewer than MIN_PERCENT of its
# viable mutants were caught, counting timeouts and accepted survivors as caught.
verdict() {
  local part=$1 min=$2
  local caught missed timeout unviable viable accepted_count
  caught=$(names "$part" caught | grep -c . || true)
  missed=$(names "$part" missed | grep -c . || true)
  timeout=$(names "$part" timeout | grep -c . || true)
  unviable=$(names "$part" unviable | grep -c . || true)
  viable=$((caught + missed + timeout))
  local accepted_list unaccepted
  accepted_list=$(grep -vE '^(#|$)' "$ACCEPTED" | sort -u || true)
  unaccepted=$(comm -23 <(names "$part" missed) <(echo "$accepted_list"))
  accepted_count=$(comm -12 <(names "$part" missed) <(echo "$accepted_list") | grep -c . || true)
  if [ "$viable" -eq 0 ]; then
    echo "$part: no viable mutant was tested" >&2
    return 1
  fi
  local score=$((100 * (caught + timeout) / viable))
  local counted=$((100 * (caught + timeout + accepted_count) / viable))
  echo "$part: $caught caught, $timeout timed out, $missed missed ($accepted_count accepted), $unviable unviable; $score% of $viable viable caught, $counted% with the accepted survivors (bar: $min%)"
  if [ -n "$unaccepted" ]; then
    echo "$part: survivors not accepted:"
    sed 's/^/  /' <<<"$unaccepted"
  fi
  if [ "$counted" -lt "$min" ]; then
    echo "$part: below the bar of $min%" >&2
    return 1
  fi
}

if [ "${1:-}" = "--smoke" ]; then
  # In place, in the shared target directory, where the test build has most of what it
  # needs: a minute, where a copy of the tree built in a directory of its own took three
  # (bench/RESULTS.md, "Build and CI times"). Each mutated file is written back when the
  # run ends, and its new time stamp has cargo build it again afterwards.
  # The files' own unit tests (`--lib`) must catch every mutant: seconds a mutant, where
  # the crate's integration tests (argon2 hashes) took several more.
  # The files are touched first: the last mutant's test binary stays in the shared
  # directory under the name of this tree's own, and a checkout whose files are older than
  # it (another clone sharing the directory) took it for fresh, so the unmutated baseline
  # ran a mutant and failed.
  smoke_files=(crates/identity/src/http/cookies.rs crates/identity/src/clock.rs)
  touch "${smoke_files[@]}"
  run_part smoke -p guestroom-identity --in-place \
    -f "${smoke_files[0]}" -f "${smoke_files[1]}" -- --lib
  # Every mutant of these files must be caught, accepted or not.
  ACCEPTED=/dev/null verdict smoke 100
  exit
fi

# Copies of the tree, so the tree can be worked on meanwhile, built in a target directory
# of their own: the copies' crates have the same fingerprints as ours, so the last
# mutant's build would stay in the shared directory and look fresh to the next
# `cargo test` there.
export CARGO_TARGET_DIR="$CARGO_TARGET_DIR-mutants"
# One mutant at a time: in one target directory, two copies' builds overwrite each other
# (cargo names a workspace crate's build after its path within the workspace, the same in
# every copy), and a mutant is then judged by another's binary. A run with
# CARGO_MUTANTS_JOBS=2 reported mutants the tests catch as missed.
export CARGO_MUTANTS_JOBS=1
start_test_provider
# edge NAME: the identity crate's src/NAME/ (the HTTP layer, providers, passkeys),
# judged by the crate's own tests and, for what survives them, by the server's tests too.
# A mutant the crate's tests catch would be caught by both; each mutant the server's tests
# judge costs a build of every crate above identity (about a minute), so only the
# survivors go there, each named exactly (`-F`, its line and column included).
edge() {
  local name="identity-$1" files="crates/identity/src/$1/**"
  run_part "$name" -p guestroom-identity -f "$files" || return 1
  local survivors=() mutant
  while IFS= read -r mutant; do
    survivors+=(-F "^$(sed 's/[][\.*^$+?(){}|]/\\&/g' <<<"$mutant")\$")
  done <"$out/$name/mutants.out/missed.txt"
  if [ "${#survivors[@]}" -gt 0 ]; then
    # cargo-mutants' baseline would run only the mutated package's tests; both pass on the
    # unmutated tree in scripts/test.sh.
    run_part "$name-server" -p guestroom-identity -f "$files" "${survivors[@]}" --baseline=skip \
      --test-package guestroom-identity --test-package guestroom-server || return 1
    # The second run's verdicts replace the first's for the mutants it judged.
    local first="$out/$name/mutants.out" second="$out/$name-server/mutants.out" kind
    for kind in caught timeout; do cat "$second/$kind.txt" >>"$first/$kind.txt"; done
    cp "$second/missed.txt" "$first/missed.txt"
  fi
}

run() {
  case "$1" in
    identity)
      run_part identity -p guestroom-identity -e 'crates/identity/src/http/**' \
        -e 'crates/identity/src/providers/**' -e 'crates/identity/src/passkeys/**'
      ;;
    identity-http | identity-providers | identity-passkeys) edge "${1#identity-}" ;;
    persistence)
      # The roster's rules (the domain crate) by their own tests and the store suite, which
      # refuses what they refuse.
      run_part persistence -p guestroom-persistence -p guestroom-domain \
        --test-package guestroom-persistence --test-package guestroom-domain -- -- --skip postgres
      ;;
    *)
      echo "unknown part: $1 (identity, identity-http, identity-providers, identity-passkeys, persistence)" >&2
      return 2
      ;;
  esac
}

parts=("$@")
[ "${#parts[@]}" -gt 0 ] || parts=(identity identity-http identity-providers identity-passkeys persistence)
failed=0
for name in "${parts[@]}"; do
  { run "$name" && verdict "$name" "$MUTANTS_THRESHOLD"; } || failed=1
done
exit "$failed"
