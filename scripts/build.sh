#!/usr/bin/env bash
# Configures (once) and builds ringmq. Usage: scripts/build.sh [build-dir] [extra meson setup args...]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
shift || true
if [ ! -f "$build_dir/build.ninja" ]; then
  meson setup "$build_dir" "$@" >/dev/null
fi
ninja -C "$build_dir" -j2
