#!/usr/bin/env bash
# Installs what a fresh machine lacks, builds, and runs Guestroom on a SQLite file under
# ./data/ (or on DATABASE_URL). Pass --release for an optimised build.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

mode=debug
[ "${1:-}" = "--release" ] && mode=release
export LEPTOS_SITE_ROOT="$SITE_ROOT"
server="$CARGO_TARGET_DIR/$mode/guestroom"

if [ "$mode" = release ]; then
  "$ROOT/scripts/build.sh" --release
  cd "$ROOT"
  step "starting Guestroom"
  exec "$server"
fi

# Debug: the server answers first, and the browser bundle is built while it runs. Its pages
# work without JavaScript (the forms post), so a fresh machine answers minutes sooner; a
# reload after "the browser bundle is in place" brings the islands.
"$ROOT/scripts/build.sh" --server
cd "$ROOT"
step "starting Guestroom"
"$server" &
server_pid=$!
at_exit "kill $server_pid 2>/dev/null"
"$ROOT/scripts/build.sh" --bundle
step "the browser bundle is in place: reload the page for its islands"
wait "$server_pid"
