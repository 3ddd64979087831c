#!/usr/bin/env bash
# The standard benchmark set (1 KiB messages, `ringmq bench` as the client), run against:
#   - a fresh `ringmq standalone` per row (the default);
#   - any running RocketMQ-compatible NameServer + broker: --against NS_HOST:PORT --pid BROKER_PID
#     (rows whose flush mode is not --against-flush are skipped: a running broker has one mode);
#   - both, side by side: --compare starts a fresh ringmq and a fresh peer broker for every row,
#     alternating them, through a peer script with the interface `start NS_PORT BROKER_PORT
#     async|sync`, `pid`, `stop` (--peer-script; a development tool, never used by tests or CI).
# Every row reports msgs/s, MB/s, latency p50/p99/p999, and the CPU per message of the broker
# process and of the bench client (both read from /proc/PID/stat around the measured seconds:
# the client shares the machine, so its CPU caps what any broker can show here).
# --repeat N runs the whole set N times (alternating targets within each row) and prints medians.
#
# --ringmq-args "FLAGS" adds broker flags to every ringmq started (e.g. "--idle-poll-us 50").
#
#   scripts/bench.sh [--duration S] [--warmup S] [--cores N] [--bin ringmq] [--repeat N] [--ringmq-args F]
#                    [--rows a,b,...] [--against NS --pid PID [--against-flush async|sync]]
#                    [--compare --peer-script PATH]
set -euo pipefail

DURATION=10
WARMUP=2
CORES=""
RINGMQ_ARGS=""
BIN=""
REPEAT=1
ROWS=""
AGAINST=""
AGAINST_PID=""
AGAINST_FLUSH=async
COMPARE=0
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEER_SCRIPT=""
PEER_NS_PORT=19876
PEER_BROKER_PORT=20911
usage() { sed -n '2,21p' "$0" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --cores) CORES="$2"; shift 2 ;;
    --ringmq-args) RINGMQ_ARGS="$2"; shift 2 ;;
    --bin) BIN="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    --rows) ROWS="$2"; shift 2 ;;
    --against) AGAINST="$2"; shift 2 ;;
    --pid) AGAINST_PID="$2"; shift 2 ;;
    --against-flush) AGAINST_FLUSH="$2"; shift 2 ;;
    --compare) COMPARE=1; shift ;;
    --peer-script) PEER_SCRIPT="$2"; shift 2 ;;
    *) usage ;;
  esac
done
[[ -z "$BIN" ]] && BIN="$ROOT/build/src/cli/ringmq"
[[ -x "$BIN" ]] || { echo "ringmq binary not found; pass --bin" >&2; exit 2; }
if [[ -n "$AGAINST" && -z "$AGAINST_PID" ]]; then echo "--against needs --pid BROKER_PID" >&2; exit 2; fi
if [[ $COMPARE == 1 && ! -x "$PEER_SCRIPT" ]]; then echo "--compare needs --peer-script PATH (an executable start/pid/stop script)" >&2; exit 2; fi

# The standard set: key|label|flush|bench arguments.
ALL_ROWS=(
  "sync1|sync, 1 producer|async|produce --threads 1 --mode sync"
  "sync16|sync, 16 producers|async|produce --threads 16 --mode sync"
  "async4|async, 4 threads|async|produce --threads 4 --mode async"
  "batch32|async, batch 32|async|produce --threads 4 --mode async --batch 32"
  "e2e|e2e, 10k msgs/s|async|e2e --threads 4 --mode async --rate 10000"
  "flush1|sync flush, 1 producer|sync|produce --threads 1 --mode sync"
  "flush16|sync flush, 16 producers|sync|produce --threads 16 --mode sync"
)

WORK="$(mktemp -d -t ringmq-bench-XXXXXX)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 300); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
RINGMQ_PID=""
PEER_UP=0
stop_ringmq() {
  if [[ -n "$RINGMQ_PID" ]]; then kill "$RINGMQ_PID" 2>/dev/null || true; wait "$RINGMQ_PID" 2>/dev/null || true; fi
  RINGMQ_PID=""
  rm -rf "$WORK"/store-*
}
stop_peer() { if [[ $PEER_UP == 1 ]]; then "$PEER_SCRIPT" stop >/dev/null 2>&1 || true; PEER_UP=0; sleep 1; fi; }
cleanup() { stop_ringmq; stop_peer; rm -rf "$WORK"; }
trap cleanup EXIT

# start_ringmq FLUSH: a fresh standalone with its own store; sets NS and PID.
start_ringmq() {
  stop_ringmq
  local ns_port port cores_flag=() extra=()
  read -r -a extra <<< "$RINGMQ_ARGS"
  ns_port=$(free_port); port=$(free_port)
  [[ -n "$CORES" ]] && cores_flag=(--cores "$CORES")
  "$BIN" --log-level warn standalone --namesrv-listen "127.0.0.1:$ns_port" --listen "127.0.0.1:$port" \
    --store "$WORK/store-$1-$RANDOM" "${cores_flag[@]}" "${extra[@]}" --flush "$1" > "$WORK/broker.log" 2>&1 &
  RINGMQ_PID=$!
  wait_port "$port" || { echo "ringmq did not listen; log:" >&2; tail -5 "$WORK/broker.log" >&2; exit 1; }
  NS="127.0.0.1:$ns_port"; PID=$RINGMQ_PID
  sleep 0.5  # the broker's first registration with the NameServer
}

# start_peer FLUSH: a fresh peer broker (RocketMQ) through the peer script; sets NS and PID.
start_peer() {
  stop_peer
  "$PEER_SCRIPT" start "$PEER_NS_PORT" "$PEER_BROKER_PORT" "$1" >&2
  PEER_UP=1
  NS="127.0.0.1:$PEER_NS_PORT"; PID=$("$PEER_SCRIPT" pid)
}

RESULTS="$WORK/results.jsonl"
: > "$RESULTS"
# measure TARGET KEY LABEL ARGS...: one bench run against NS/PID; appends a JSON line to RESULTS.
measure() {
  local target="$1" key="$2" label="$3"; shift 3
  echo "== $label on $target: ringmq bench $*" >&2
  python3 "$ROOT/scripts/bench_run.py" --broker-pid "$PID" --duration "$DURATION" -- \
    "$BIN" --log-level warn bench "$@" --namesrv "$NS" --topic RingmqBench --duration "$DURATION" --warmup "$WARMUP" --size 1024 --json \
    2> "$WORK/run.err" > "$WORK/run.json" || true
  grep -h "send failed\|error\|ringmq bench:" "$WORK/run.err" | head -3 | sed 's/^/  /' >&2 || true
  if [[ "$target" == ringmq ]] && ! kill -0 "$RINGMQ_PID" 2>/dev/null; then
    echo "  broker exited during the run; last log lines:" >&2; tail -5 "$WORK/broker.log" >&2
  fi
  python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read() or "{}"); d.update(target=sys.argv[2], key=sys.argv[3], label=sys.argv[4]); print(json.dumps(d))' \
    "$WORK/run.json" "$target" "$key" "$label" >> "$RESULTS"
}

for ((rep = 1; rep <= REPEAT; rep++)); do
  for row in "${ALL_ROWS[@]}"; do
    IFS='|' read -r key label flush args <<< "$row"
    [[ -n "$ROWS" && ",$ROWS," != *",$key,"* ]] && continue
    # shellcheck disable=SC2086
    if [[ -n "$AGAINST" ]]; then
      if [[ "$flush" == "$AGAINST_FLUSH" ]]; then NS="$AGAINST"; PID="$AGAINST_PID"; measure against "$key" "$label" $args; fi
      continue
    fi
    start_ringmq "$flush"; measure ringmq "$key" "$label" $args; stop_ringmq
    if [[ $COMPARE == 1 ]]; then start_peer "$flush"; measure rocketmq "$key" "$label" $args; stop_peer; fi
  done
done

python3 - "$RESULTS" "${CORES:-default}" "$REPEAT" <<'PY'
import json, statistics, sys
path, cores, repeat = sys.argv[1], sys.argv[2], sys.argv[3]
runs = [json.loads(l) for l in open(path) if l.strip()]
order, groups = [], {}
for r in runs:
    k = (r["key"], r["target"])
    if k not in groups:
        groups[k] = []
        order.append(k)
    groups[k].append(r)

def med(rs, f):
    vals = [v for v in (f(r) for r in rs) if v is not None]
    return statistics.median(vals) if vals else None

def row(rs):
    ok = [r for r in rs if "msgs_per_s" in r]
    return {
        "label": rs[0]["label"], "n": len(ok),
        "msgs": med(ok, lambda r: r["msgs_per_s"]), "mb": med(ok, lambda r: r["mb_per_s"]),
        "p50": med(ok, lambda r: r["latency_ms"]["p50"]), "p99": med(ok, lambda r: r["latency_ms"]["p99"]),
        "p999": med(ok, lambda r: r["latency_ms"]["p999"]),
        "bcpu": med(ok, lambda r: r.get("broker_cpu_us_per_msg")), "ccpu": med(ok, lambda r: r.get("client_cpu_us_per_msg")),
        "err": sum(r.get("errors", 0) for r in ok),
    }

fmt = lambda v, p=0: "-" if v is None else f"{v:,.{p}f}"
print(f"\n1 KiB messages, client: ringmq bench, ringmq --cores {cores}, medians of {repeat} run(s)")
print(f"{'run':<26} {'broker':<9} {'msgs/s':>9} {'MB/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'p999 ms':>8} "
      f"{'brk us/msg':>10} {'cli us/msg':>10} {'errors':>6} {'x thru':>7} {'x cpu':>6}")
seen = set()
for key, target in order:
    r = row(groups[(key, target)])
    ratio_t = ratio_c = ""
    peer = groups.get((key, "rocketmq"))
    if target == "ringmq" and peer:
        p = row(peer)
        if r["msgs"] and p["msgs"]: ratio_t = f"{r['msgs'] / p['msgs']:.2f}"
        if r["bcpu"] and p["bcpu"]: ratio_c = f"{p['bcpu'] / r['bcpu']:.1f}"
    print(f"{r['label'] if key not in seen else '':<26} {target:<9} {fmt(r['msgs']):>9} {fmt(r['mb'], 1):>7} "
          f"{fmt(r['p50'], 3):>7} {fmt(r['p99'], 3):>7} {fmt(r['p999'], 3):>8} {fmt(r['bcpu'], 1):>10} "
          f"{fmt(r['ccpu'], 1):>10} {r['err']:>6} {ratio_t:>7} {ratio_c:>6}")
    seen.add(key)
print("x thru = ringmq msgs/s / rocketmq msgs/s; x cpu = rocketmq broker us/msg / ringmq broker us/msg")
PY
