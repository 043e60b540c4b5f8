#!/usr/bin/env bash
# Installs what is missing, builds (Release) and runs talentbot on 127.0.0.1 with a private
# redis-server it starts and stops itself (data under var/redis). Ctrl-C stops everything.
#   PORT=8080 deploy/quickstart.sh
source "$(dirname "$0")/common.sh"
cd "$TALENTBOT_ROOT"

install_missing
build talentbot

PORT=${PORT:-8080}
export TALENTBOT_SERVER_LISTEN="127.0.0.1:$PORT"
export TALENTBOT_REDIS_DATA_DIR="$TALENTBOT_ROOT/var/redis"
CONFIG="$TALENTBOT_ROOT/deploy/talentbot.example.yaml"

cat >&2 <<INFO

  talentbot is starting on http://127.0.0.1:$PORT
    health     http://127.0.0.1:$PORT/healthz
    readiness  http://127.0.0.1:$PORT/readyz     (200 while Redis answers)
    metrics    http://127.0.0.1:$PORT/metrics
  config: $CONFIG (override any key with TALENTBOT_<SECTION>_<KEY>)
  Ctrl-C stops the server and its Redis.

INFO
exec "$TALENTBOT_BUILD/bot/talentbot" --config "$CONFIG"
