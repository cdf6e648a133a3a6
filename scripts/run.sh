#!/usr/bin/env bash
# Installs what a fresh machine lacks, builds, and runs Guestroom on a SQLite file under
# ./data/ (or on DATABASE_URL). Pass --release for an optimised build.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

mode=debug
[ "${1:-}" = "--release" ] && mode=release

"$ROOT/scripts/build.sh" "$@"
cd "$ROOT"
step "starting Guestroom"
export LEPTOS_SITE_ROOT="$SITE_ROOT"
exec "$CARGO_TARGET_DIR/$mode/guestroom"
