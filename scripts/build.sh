#!/usr/bin/env bash
# Builds the browser bundle (wasm + JS + CSS into target/site/pkg; in a release build
# content-hashed and precompressed by scripts/pack-assets.mjs) and the server.
#   scripts/build.sh            debug build
#   scripts/build.sh --release  release build: size-optimised wasm (pinned nightly, build-std),
#                               wasm-opt, optimised server
#   scripts/build.sh [--release] --bundle   the browser bundle only (scripts/test.sh: the
#                               browser tests run the server `cargo test` built)
#   scripts/build.sh [--release] --server   the server only; in debug, with the stylesheet in
#                               place for a server that starts before its bundle (run.sh)
#   scripts/build.sh --release --lint   the browser crates linted by Clippy as they build
#                               (warnings are errors), with the pinned nightly's Clippy
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

mode=debug
server=true
bundle=true
lint=false
for arg in "$@"; do
  case "$arg" in
    --release) mode=release ;;
    --bundle) server=false ;;
    --server) bundle=false ;;
    --lint) lint=true ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

cd "$ROOT"

# A cargo profile and the folder it builds into ("dev" builds into "debug").
if [ "$mode" = release ]; then
  wasm_profile=wasm-release; wasm_dir=wasm-release; server_flags=(--release)
else
  wasm_profile=dev; wasm_dir=debug; server_flags=()
fi

# The stylesheet and the picker's script: files, copied as they are.
copy_static_files() {
  mkdir -p "$SITE_ROOT/pkg"
  cp "$ROOT/apps/web/style/main.css" "$SITE_ROOT/pkg/guestroom.css"
  # The emoji picker, loaded when a picker is first opened (apps/web/app/src/roster/picker/).
  cp "$ROOT/apps/web/app/src/roster/picker/picker.js" "$SITE_ROOT/pkg/guestroom.picker.js"
}

if $bundle; then
  step "building the browser bundle ($mode)"
  install_build_tools
  if [ "$mode" = release ]; then
    # Smallest bundle: the standard library rebuilt for size, panics compiled to a bare
    # abort (no message formatting or locations in the wasm), on the pinned nightly. This is
    # what keeps the first load inside its budget (docs/architecture.md, "Weight").
    install_wasm_nightly
    wasm_flags=(-p guestroom-frontend --lib --target wasm32-unknown-unknown --profile "$wasm_profile"
      -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size)
    export RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none"
    cargo "+$WASM_NIGHTLY" build "${wasm_flags[@]}"
    if $lint; then
      # Linted after the build, not as it builds: Clippy's compiler changes the code it
      # makes (382 B more brotli wasm), and the bundle tested is the one shipped. Its
      # check reuses the build's dependencies: only our crates are checked again.
      cargo "+$WASM_NIGHTLY" clippy "${wasm_flags[@]}" -- -D warnings
    fi
    unset RUSTFLAGS
  else
    cargo build -p guestroom-frontend --lib --target wasm32-unknown-unknown --profile "$wasm_profile"
  fi
  wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/$wasm_dir/guestroom_frontend.wasm"

  rm -rf "$SITE_ROOT/pkg" "$SITE_ROOT/hash.txt"
  copy_static_files
  wasm-bindgen --target web --no-typescript --out-dir "$SITE_ROOT/pkg" --out-name guestroom "$wasm"
  if [ "$mode" = release ]; then
    # binaryen from npm: Debian's older wasm-opt silently breaks the release bundle.
    # `--converge` repeats the passes until the size stops falling: 694 B less brotli for
    # about 9 s more (docs/architecture.md, "Weight").
    "$ROOT/node_modules/.bin/wasm-opt" -Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int \
      -o "$SITE_ROOT/pkg/guestroom_bg.wasm" "$SITE_ROOT/pkg/guestroom_bg.wasm"
    node "$ROOT/scripts/pack-assets.mjs" "$SITE_ROOT"
  fi
  # A debug bundle keeps wasm-bindgen's plain names and no hash.txt: the server links
  # those whatever is built (scripts/run.sh starts it before the bundle) and serves them
  # with `no-cache`, so a rebuilt bundle arrives with a reload, without a restart.
fi

if $server; then
  if ! $bundle && [ "$mode" = debug ]; then
    # A server started before its bundle (scripts/run.sh) serves styled pages that work
    # without JavaScript until the bundle lands beside the stylesheet.
    rm -rf "$SITE_ROOT/pkg" "$SITE_ROOT/hash.txt"
    copy_static_files
  fi
  step "building the server ($mode)"
  cargo build -p guestroom-server --bin guestroom "${server_flags[@]}"
  echo "built: $CARGO_TARGET_DIR/$mode/guestroom, site in $SITE_ROOT"
else
  echo "built: site in $SITE_ROOT"
fi
