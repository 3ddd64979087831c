#!/usr/bin/env bash
# Runs the long tests (suite 'long': soak, crash loops, large loads), kept out of scripts/test.sh.
# Prints "N passed, N failed" like test.sh. Usage: scripts/test-long.sh [build-dir]
set -uo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
scripts/deps.sh && scripts/build.sh "$build_dir" || { echo "0 passed, 1 failed"; exit 1; }
meson test -C "$build_dir" --no-rebuild --print-errorlogs --suite long
rc=$?
python3 scripts/count_results.py "$build_dir/meson-logs/testlog.json"
exit $rc
