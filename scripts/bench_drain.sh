#!/usr/bin/env bash
# Consumer drain of a backlog, for zero-copy pull measurements: a fresh `ringmq standalone` with
# --zerocopy-send-bytes THRESHOLD, a backlog of SIZE-byte messages produced for PRODUCE_S seconds,
# then `ringmq bench consume` for CONSUME_S seconds. Prints the MiB delivered and the broker's CPU
# per delivered MiB (from /proc/PID/stat around the drain). Loopback peers get copies unless the
# broker is told otherwise, so over 127.0.0.1 this measures the copying path; run it against a
# broker on another host's address to measure zero-copy.
#   scripts/bench_drain.sh [THRESHOLD=65536] [SIZE=16384] [PRODUCE_S=6] [CONSUME_S=8]
set -euo pipefail
THRESHOLD=${1:-65536}; SIZE=${2:-16384}; PRODUCE_S=${3:-6}; CONSUME_S=${4:-8}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$ROOT/build/src/cli/ringmq"
[[ -x "$BIN" ]] || { echo "build first: $BIN not found" >&2; exit 2; }
WORK="$(mktemp -d -t ringmq-drain-XXXXXX)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
NS_PORT=$(free_port); PORT=$(free_port)
"$BIN" --log-level warn standalone --namesrv-listen "127.0.0.1:$NS_PORT" --listen "127.0.0.1:$PORT" \
  --store "$WORK/store" --zerocopy-send-bytes "$THRESHOLD" > "$WORK/broker.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 0.2)" 2>/dev/null && break; sleep 0.1; done
sleep 0.5
"$BIN" --log-level warn bench produce --namesrv "127.0.0.1:$NS_PORT" --topic DrainBench --threads 4 --mode async \
  --batch 8 --size "$SIZE" --duration "$PRODUCE_S" --warmup 0 > "$WORK/produce.out" 2>&1
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
before=$(cpu_ticks)
"$BIN" --log-level warn bench consume --namesrv "127.0.0.1:$NS_PORT" --topic DrainBench --create-topic 0 --size "$SIZE" \
  --duration "$CONSUME_S" --warmup 0 --json > "$WORK/consume.out" 2>&1
after=$(cpu_ticks)
python3 - "$THRESHOLD" "$SIZE" "$before" "$after" "$WORK/consume.out" "$(getconf CLK_TCK)" <<'PY'
import json, sys
threshold, size, before, after, path, tick = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
samples = [json.loads(l) for l in open(path) if l.startswith("{")]
msgs = sum(s["msgs"] for s in samples if not s.get("summary"))
mib = msgs * size / 1048576
cpu_s = (after - before) / tick
per = f"{cpu_s * 1000 / mib:.2f} ms" if mib else "-"
print(f"zero-copy threshold {threshold}: delivered {msgs} msgs ({mib:.0f} MiB), broker CPU {cpu_s:.2f} s = {per} per MiB")
PY
