#!/usr/bin/env bash
# Fuzzes what Guestroom parses from a request (fuzz/): the guest token, the member
# session, names and emoji, form bodies through the account rules. cargo-fuzz (libFuzzer
# with AddressSanitizer) on the pinned nightly.
#   scripts/fuzz.sh            10 million executions per target, then the corpus minimised
#   scripts/fuzz.sh --smoke    the committed corpus replayed plus 20,000 new inputs each,
#                              the new ones kept in a temporary folder (a test run leaves
#                              the tree as it found it)
#   scripts/fuzz.sh RUNS [TARGET…]
# New inputs that find new paths are added to fuzz/corpus/<target>; commit them.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT/fuzz"

install_wasm_nightly
install_cargo_tool cargo-fuzz 0.13.2 "cargo fuzz --version" "cargo-fuzz 0.13.2" --locked

runs=10000000
minimise=true
if [ "${1:-}" = "--smoke" ]; then runs=20000; minimise=false; shift
elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then runs=$1; shift
fi
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(guest_token session_token names forms)

for target in "${targets[@]}"; do
  step "fuzzing $target: $runs executions"
  mkdir -p "corpus/$target"
  # -max_total_time bounds a run whatever the speed; a crash stops it with exit 1 and
  # leaves the input in fuzz/artifacts/.
  log="$(mktemp)"
  # libFuzzer writes new inputs into the first folder it is given and reads all of them.
  folders=("corpus/$target")
  if [ "$minimise" = false ]; then
    fresh="$(mktemp -d)"
    at_exit "rm -rf '$fresh'"
    folders=("$fresh" "corpus/$target")
  fi
  if ! cargo +"$WASM_NIGHTLY" fuzz run "$target" "${folders[@]}" -- \
    -runs="$runs" -max_total_time=3600 -print_final_stats=1 >"$log" 2>&1; then
    tail -60 "$log"
    echo "fuzzing $target failed: the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|INFO: seed corpus)' "$log" || true
  rm -f "$log"
  if [ "$minimise" = true ]; then
    cargo +"$WASM_NIGHTLY" fuzz cmin "$target" "corpus/$target" >/dev/null 2>&1
    echo "corpus/$target: $(ls "corpus/$target" | wc -l) inputs after minimising"
  fi
done
