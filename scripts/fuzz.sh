#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer. Builds the fuzz/ targets with clang under ASan + UBSan in
# build-fuzz (-Dfuzz=enabled) and runs each for SECONDS (default 60) over a scratch copy of its
# corpus. A crash leaves its input in build-fuzz/crashes/<target>/; fix the bug and add the input
# to fuzz/corpus/<target>/, where the default test suite replays it from then on.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]     (exit status 1 if any target crashed)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
dir=${FUZZ_BUILD_DIR:-build-fuzz}
if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for f in fuzz/fuzz_*.cc; do t=${f#fuzz/fuzz_}; targets+=("${t%.cc}"); done
fi
if [ ! -f "$dir/build.ninja" ]; then
  CC=clang CXX=clang++ meson setup "$dir" -Dfuzz=enabled -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbench=disabled -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C "$dir" -j2 $(printf 'fuzz/fuzz_%s ' "${targets[@]}")

export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
rc=0
for t in "${targets[@]}"; do
  work=$(mktemp -d)
  cp fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
  mkdir -p "$dir/crashes/$t"
  log="$dir/fuzz_$t.log"
  if "$dir/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="$dir/crashes/$t/" "$work" >"$log" 2>&1; then
    echo "fuzz_$t: ok ($(grep -o 'exec/s: [0-9]*' "$log" | tail -1), corpus $(ls "$work" | wc -l))"
  else
    echo "fuzz_$t: FAILED, input in $dir/crashes/$t/, log $log"
    tail -30 "$log"
    rc=1
  fi
  rm -rf "$work"
done
exit $rc
