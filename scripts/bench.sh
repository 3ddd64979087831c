#!/usr/bin/env bash
# Standard benchmark: starts a fresh `ringmq standalone` (own data dir under a temp dir, free
# ports), runs a fixed set of `ringmq bench` runs of 1 KiB messages, kills the broker by PID and
# prints one table.
#   scripts/bench.sh [--duration S] [--warmup S] [--cores N] [--bin path/to/ringmq]
set -euo pipefail

DURATION=10
WARMUP=2
CORES=2
BIN=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --cores) CORES="$2"; shift 2 ;;
    --bin) BIN="$2"; shift 2 ;;
    *) echo "usage: $0 [--duration S] [--warmup S] [--cores N] [--bin ringmq]" >&2; exit 2 ;;
  esac
done
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [[ -z "$BIN" ]]; then
  BIN="$ROOT/build/src/cli/ringmq"
fi
[[ -x "$BIN" ]] || { echo "ringmq binary not found; pass --bin" >&2; exit 2; }

WORK="$(mktemp -d -t ringmq-bench-XXXXXX)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
BROKER_PID=""
cleanup() {
  if [[ -n "$BROKER_PID" ]]; then kill "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_broker FLUSH: a fresh standalone with its own store; sets NS and BROKER_PID.
start_broker() {
  [[ -n "$BROKER_PID" ]] && { kill "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null || true; }
  local ns_port port store
  ns_port=$(free_port); port=$(free_port); store="$WORK/store-$1-$RANDOM"
  "$BIN" --log-level warn standalone --namesrv-listen "127.0.0.1:$ns_port" --listen "127.0.0.1:$port" \
    --store "$store" --cores "$CORES" --flush "$1" --segment-bytes $((256 * 1024 * 1024)) \
    > "$WORK/broker.log" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 100); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then break; fi
    sleep 0.1
  done
  NS="127.0.0.1:$ns_port"
  sleep 0.5  # the broker's first registration with the NameServer
}

RESULTS="$WORK/results.txt"
: > "$RESULTS"
# run NAME FLUSH bench-args...: one bench run; its summary lines go into the table.
run() {
  local name="$1" flush="$2"; shift 2
  start_broker "$flush"
  echo "== $name (flush $flush, broker cores $CORES): ringmq bench $*" >&2
  "$BIN" --log-level warn bench "$@" --namesrv "$NS" --duration "$DURATION" --warmup "$WARMUP" --size 1024 --json \
    > "$WORK/run.json" 2> "$WORK/run.err" || { echo "  failed: $(tail -1 "$WORK/run.err")" >&2; }
  grep "send failed" "$WORK/run.err" | sed 's/^/  /' >&2 || true
  # A run full of errors usually means the broker died; its log goes with the temp dir, so show it.
  kill -0 "$BROKER_PID" 2>/dev/null || { echo "  broker exited during the run; last log lines:"; tail -5 "$WORK/broker.log"; } >&2
  python3 - "$name" "$WORK/run.json" >> "$RESULTS" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
for line in open(path):
    try:
        d = json.loads(line)
    except ValueError:
        continue
    if d.get("summary"):
        l = d["latency_ms"]
        print(f"{name + ' [' + d['run'] + ']':<34} {d['msgs_per_s']:>11.0f} {d['mb_per_s']:>9.1f} {l['p50']:>8.3f} "
              f"{l['p99']:>8.3f} {l['p999']:>8.3f} {l['max']:>9.3f} {d['errors']:>7}")
PY
}

run "sync, 1 producer"            async produce --threads 1 --mode sync
run "sync, 16 producers"          async produce --threads 16 --mode sync
run "async, 4 threads"            async produce --threads 4 --mode async
run "async, batch 32"             async produce --threads 4 --mode async --batch 32
run "sync flush, 16 producers"    sync  produce --threads 16 --mode sync
run "e2e, 10k msgs/s"             async e2e --threads 4 --mode async --rate 10000

printf '%-34s %11s %9s %8s %8s %8s %9s %7s\n' "run (1 KiB, broker --cores $CORES)" "msgs/s" "MB/s" "p50 ms" "p99 ms" "p999 ms" "max ms" "errors"
cat "$RESULTS"
