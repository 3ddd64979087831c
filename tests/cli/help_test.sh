#!/usr/bin/env bash
# `ringmq --help` lists every subcommand, and each subcommand answers --help with its flags.
set -u
ringmq="$1"
failed=0
check() {  # check <description> <command...>: passes when the command succeeds
  local what="$1"; shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; failed=1; fi
}
top=$("$ringmq" --help)
for sub in namesrv broker standalone admin bench; do
  check "--help lists $sub" grep -q "^  $sub " <<<"$top"
  check "$sub --help exits 0" bash -c "'$ringmq' $sub --help >/dev/null"
done
check "broker --help lists --flush" grep -q -- "--flush" <<<"$("$ringmq" broker --help)"
check "standalone --help lists --namesrv-listen" grep -q -- "--namesrv-listen" <<<"$("$ringmq" standalone --help)"
check "an unknown subcommand fails" bash -c "! '$ringmq' nosuchcommand >/dev/null 2>&1"
exit $failed
