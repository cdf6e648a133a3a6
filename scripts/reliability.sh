#!/usr/bin/env bash
# The reliability suite (tests/reliability): kill -9 under write load on SQLite and on
# PostgreSQL, kill -9 during guest → member merges on both, a PostgreSQL outage under load, three instances on one database, slowloris,
# and a soak. In full it takes about 12 minutes (10 of them the soak); `--smoke` runs
# each scenario briefly (as scripts/test.sh does). Name scenarios to run only those:
#   scripts/reliability.sh [--smoke] [kill-sqlite kill-postgres kill-merge-sqlite kill-merge-postgres outage instances slowloris soak]
# Loopback traffic only. Needs root for the outage (it stops and starts PostgreSQL).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

install_build_tools
"$ROOT/scripts/postgres.sh"
"$ROOT/scripts/build.sh" --release
GUESTROOM_BIN="$CARGO_TARGET_DIR/release/guestroom" LEPTOS_SITE_ROOT="$SITE_ROOT" \
  node tests/reliability/run.mjs "$@"
