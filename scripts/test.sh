#!/usr/bin/env bash
# Installs dependencies, builds, runs every default test (unit, integration, compat) and prints
# one final line: "N passed, N failed". Long-running tests: scripts/test-long.sh.
# Usage: scripts/test.sh [build-dir] [meson test args...]
set -uo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
shift || true

scripts/deps.sh || { echo "0 passed, 1 failed"; exit 1; }
if ! scripts/build.sh "$build_dir"; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

meson test -C "$build_dir" --no-rebuild --print-errorlogs --no-suite long "$@"
meson_rc=$?
python3 scripts/count_results.py "$build_dir/meson-logs/testlog.json"
count_rc=$?
[ $meson_rc -eq 0 ] && [ $count_rc -eq 0 ]
