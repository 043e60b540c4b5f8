#!/usr/bin/env bash
# Installs what is missing, builds, starts a throwaway redis-server on a free loopback port, runs
# the whole CTest suite against it, stops what it started. Exits non-zero on any failure.
#   deploy/test.sh [ctest arguments...]     e.g. deploy/test.sh -L storage
source "$(dirname "$0")/common.sh"
cd "$TALENTBOT_ROOT"

install_missing
install_node
build

# The official @wecom/crypto package for the crypto cross-check, cached under var/ (npm registry).
export TALENTBOT_NPM_CACHE="$TALENTBOT_ROOT/var/npm"
if [ ! -d "$TALENTBOT_NPM_CACHE/node_modules/@wecom/crypto" ]; then
  mkdir -p "$TALENTBOT_NPM_CACHE"
  log "installing @wecom/crypto into $TALENTBOT_NPM_CACHE"
  (cd "$TALENTBOT_NPM_CACHE" && npm install --no-audit --no-fund --silent @wecom/crypto@1.0.1) ||
    log "npm install failed: the @wecom/crypto cross-check will be skipped"
fi

REDIS_DIR=$(mktemp -d /tmp/talentbot-test-redis.XXXXXX)
trap 'stop_redis "$REDIS_DIR"; rm -rf "$REDIS_DIR"' EXIT
port=$(start_redis "$REDIS_DIR")
export TALENTBOT_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
log "test redis on 127.0.0.1:$port"

ctest --test-dir "$TALENTBOT_BUILD" --output-on-failure -j2 "$@"
