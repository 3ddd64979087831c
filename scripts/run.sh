#!/usr/bin/env bash
# Installs missing dependencies, builds, and starts `ringmq standalone` (NameServer on :9876 and
# broker on :10911 in one process) in the foreground, data under ./data. Extra arguments go to
# `ringmq standalone`, e.g. scripts/run.sh --flush sync --cores 2
set -euo pipefail
cd "$(dirname "$0")/.."
RINGMQ_SKIP_NODE=1 scripts/deps.sh
scripts/build.sh build
mkdir -p data
exec build/src/cli/ringmq standalone --store ./data/broker-a "$@"
