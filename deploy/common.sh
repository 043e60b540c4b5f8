#!/usr/bin/env bash
# Shared by quickstart.sh, test.sh and the benchmarks: install what is missing (Debian 12 packages
# only, by name), then configure and build incrementally. Sourced, not run.
set -euo pipefail

TALENTBOT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TALENTBOT_BUILD=${TALENTBOT_BUILD:-$TALENTBOT_ROOT/build}

# Build and runtime dependencies. Boost 1.81's headers are all we use (Asio, Beast, System).
TALENTBOT_PACKAGES=(
  g++ cmake make pkg-config
  libboost1.81-dev libssl-dev libhiredis-dev nlohmann-json3-dev libpugixml-dev
  libyaml-cpp-dev libicu-dev libopencc-dev libre2-dev libgtest-dev
  redis-server ca-certificates
)

log() { printf '\033[1m[talentbot]\033[0m %s\n' "$*" >&2; }

# install_missing [extra packages...]: apt-get only what dpkg does not already have, so a second
# run costs a dpkg query, not a download.
install_missing() {
  local missing=() p
  for p in "${TALENTBOT_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

# Node.js is used by the crypto cross-check against the official @wecom/crypto package. A machine
# that already has a node (e.g. from NodeSource) keeps it; otherwise Debian's packages.
install_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    install_missing nodejs npm
  fi
}

# build TARGET...: configure once (Release), then an incremental build of the given targets.
build() {
  if [ ! -f "$TALENTBOT_BUILD/CMakeCache.txt" ]; then
    log "configuring $TALENTBOT_BUILD"
    cmake -S "$TALENTBOT_ROOT" -B "$TALENTBOT_BUILD" -DCMAKE_BUILD_TYPE=Release -DTALENTBOT_TESTS=ON >/dev/null
  fi
  local targets=() t
  for t in "$@"; do targets+=(--target "$t"); done
  log "building ${*:-everything}"
  cmake --build "$TALENTBOT_BUILD" -j2 "${targets[@]}"
}

# start_redis DIR: a throwaway redis-server on a free loopback port; prints the port.
start_redis() {
  local dir=$1 port i
  mkdir -p "$dir"
  for i in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save "" --appendonly no \
      --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null 2>&1 || continue
    for _ in $(seq 1 100); do
      if redis-cli -p "$port" ping >/dev/null 2>&1; then
        echo "$port"
        return 0
      fi
      sleep 0.05
    done
    [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
  done
  log "could not start redis-server on a free port (see $dir/redis.log)"
  return 1
}

stop_redis() {
  local dir=$1
  if [ -f "$dir/redis.pid" ]; then
    kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
    rm -f "$dir/redis.pid"
  fi
}
