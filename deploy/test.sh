#!/usr/bin/env bash
# Installs what is missing, builds, starts a throwaway redis-server on a free loopback port, runs
# the whole CTest suite against it, stops what it started. Exits non-zero on any failure.
#   deploy/test.sh [ctest arguments...]     e.g. deploy/test.sh -L storage
source "$(dirname "$0")/common.sh"
cd "$TALENTBOT_ROOT"

# Chromium (Debian's) and CJK fonts for the browser test of the simulator's chat page.
install_missing chromium fonts-noto-cjk
install_node
build

# From the npm registry, cached under var/npm: the official @wecom/crypto package for the crypto
# cross-check, and playwright-core to drive Debian's Chromium (it downloads no browser itself).
export TALENTBOT_NPM_CACHE="$TALENTBOT_ROOT/var/npm"
for pkg in @wecom/crypto@1.0.1 playwright-core@1; do
  if [ ! -d "$TALENTBOT_NPM_CACHE/node_modules/${pkg%@*}" ]; then
    mkdir -p "$TALENTBOT_NPM_CACHE"
    log "installing $pkg into $TALENTBOT_NPM_CACHE"
    (cd "$TALENTBOT_NPM_CACHE" && npm install --no-audit --no-fund --silent "$pkg") ||
      log "npm install of $pkg failed: the tests that need it will be skipped and say so"
  fi
done

REDIS_DIR=$(mktemp -d /tmp/talentbot-test-redis.XXXXXX)
trap 'stop_redis "$REDIS_DIR"; rm -rf "$REDIS_DIR"' EXIT
port=$(start_redis "$REDIS_DIR")
export TALENTBOT_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
log "test redis on 127.0.0.1:$port"

ctest --test-dir "$TALENTBOT_BUILD" --output-on-failure -j2 "$@"
