#!/usr/bin/env bash
# Installs the Debian packages ringmq builds and tests with, if any are missing.
# Used by run.sh, test.sh and .ci/run; safe to run repeatedly.
set -euo pipefail

packages=(
  build-essential meson ninja-build pkg-config python3
  liburing-dev libxxhash-dev libmimalloc-dev zlib1g-dev
  libsimdjson-dev libcli11-dev libfmt-dev
  doctest-dev libbenchmark-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
