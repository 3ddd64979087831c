#!/usr/bin/env bash
# Installs the Debian packages ringmq builds and tests with, if any are missing.
# Used by run.sh, test.sh and .ci/run; safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

packages=(
  build-essential meson ninja-build pkg-config python3
  liburing-dev libxxhash-dev libmimalloc-dev zlib1g-dev libisal-dev
  libsimdjson-dev libcli11-dev libfmt-dev
  doctest-dev libbenchmark-dev
  prometheus  # promtool: tests check /metrics and deploy/prometheus/ringmq-alerts.yml
  libssl-dev libyaml-dev
  clang libclang-rt-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The compatibility tests drive real third-party clients from npm (ali-ons). Node.js comes with
# the machine image; Debian's nodejs/npm are the fallback.
if [ "${RINGMQ_SKIP_NODE:-0}" != 1 ]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "deps: installing nodejs and npm"
    DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -qq nodejs npm >/dev/null
  fi
  if [ ! -d tests/compat/node_modules/ali-ons ]; then
    echo "deps: installing npm packages for tests/compat"
    (cd tests/compat && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi
