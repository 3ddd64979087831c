#!/usr/bin/env bash
# Starts or stops one of RocketMQ's four deployment modes on this machine, from the files in conf/:
#   scripts/cluster.sh up MODE     MODE: single | 2m-noslave | 2m-2s-async | 2m-2s-sync
#   scripts/cluster.sh down        stops what `up` started, by the PIDs it recorded
#   scripts/cluster.sh status      lists them
# One NameServer on 127.0.0.1:$NS_PORT (9876) and the mode's brokers, each with `-c` its conf file
# and flags that give it its own ports and store (flags win over the file): broker i listens on
# $BASE_PORT + 100*i (10911, 11011, ...) and, if a master, takes HA on that port + 1. Stores and
# logs go under $CLUSTER_DIR (./data/cluster). Needs a built binary (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
RINGMQ="${RINGMQ_BIN:-build/src/cli/ringmq}"
NS_PORT="${NS_PORT:-9876}"
BASE_PORT="${BASE_PORT:-10911}"
CORES="${CORES:-1}"
CLUSTER_DIR="${CLUSTER_DIR:-./data/cluster}"
PIDS="$CLUSTER_DIR/pids"

confs_of() {
  case "$1" in
    single) echo conf/broker.conf ;;
    2m-noslave) echo conf/2m-noslave/broker-a.properties conf/2m-noslave/broker-b.properties ;;
    2m-2s-async|2m-2s-sync)
      echo "conf/$1/broker-a.properties conf/$1/broker-b.properties conf/$1/broker-a-s.properties conf/$1/broker-b-s.properties" ;;
    *) echo "unknown mode '$1': single, 2m-noslave, 2m-2s-async or 2m-2s-sync" >&2; exit 2 ;;
  esac
}

start() {  # name, log; the rest is the command line
  local name="$1" log="$2"
  shift 2
  "$@" >"$log" 2>&1 &
  echo "$! $name" >>"$PIDS"
  echo "started $name (pid $!), log $log"
}

up() {
  local mode="$1" confs i=0
  confs="$(confs_of "$mode")"
  [ -x "$RINGMQ" ] || { echo "no $RINGMQ: run scripts/build.sh first" >&2; exit 2; }
  if [ -s "$PIDS" ]; then echo "a cluster is up (see $PIDS): scripts/cluster.sh down first" >&2; exit 2; fi
  mkdir -p "$CLUSTER_DIR"
  start namesrv "$CLUSTER_DIR/namesrv.log" "$RINGMQ" namesrv --listen "127.0.0.1:$NS_PORT" --cores 1
  sleep 0.5
  for conf in $confs; do
    local name port store
    name="$(basename "$conf" .properties)"
    [ "$name" = broker ] && name=broker-a
    port=$((BASE_PORT + 100 * i))
    store="$CLUSTER_DIR/$name"
    start "$name" "$CLUSTER_DIR/$name.log" "$RINGMQ" broker -c "$conf" --namesrv "127.0.0.1:$NS_PORT" \
      --listen "127.0.0.1:$port" --ha-listen-port $((port + 1)) --store "$store" --cores "$CORES"
    i=$((i + 1))
    sleep 0.3  # masters register before their slaves ask the NameServer for them
  done
  echo "mode $mode up: NAMESRV_ADDR=127.0.0.1:$NS_PORT; 'scripts/cluster.sh down' stops it"
}

down() {
  [ -s "$PIDS" ] || { echo "nothing recorded in $PIDS"; return 0; }
  # Brokers first (they unregister), the NameServer last: reverse order of start.
  tac "$PIDS" | while read -r pid name; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
      echo "stopped $name (pid $pid)"
    fi
  done
  rm -f "$PIDS"
}

status() {
  [ -s "$PIDS" ] || { echo "no cluster up"; return 0; }
  while read -r pid name; do
    if kill -0 "$pid" 2>/dev/null; then echo "$name pid $pid running"; else echo "$name pid $pid gone"; fi
  done <"$PIDS"
}

case "${1:-}" in
  up) up "${2:?usage: scripts/cluster.sh up single|2m-noslave|2m-2s-async|2m-2s-sync}" ;;
  down) down ;;
  status) status ;;
  *) echo "usage: scripts/cluster.sh up MODE | down | status" >&2; exit 2 ;;
esac
