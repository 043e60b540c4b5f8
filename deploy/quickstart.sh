#!/usr/bin/env bash
# Installs what is missing, builds (Release) and runs talentbot on 127.0.0.1 with a private
# redis-server it starts and stops itself (data under var/redis), beside the local WeCom
# simulator, whose chat page lets you talk to the bot as a talent or a specialist at once.
# Ctrl-C stops everything.
#   PORT=8080 SIM_PORT=8090 deploy/quickstart.sh
source "$(dirname "$0")/common.sh"
cd "$TALENTBOT_ROOT"

install_missing
build talentbot talentbot-wecom-sim

PORT=${PORT:-8080}
SIM_PORT=${SIM_PORT:-8090}
CONFIG="$TALENTBOT_ROOT/deploy/talentbot.example.yaml"
export TALENTBOT_SERVER_LISTEN="127.0.0.1:$PORT"
export TALENTBOT_REDIS_DATA_DIR="$TALENTBOT_ROOT/var/redis"
export TALENTBOT_WECOM_API_BASE="http://127.0.0.1:$SIM_PORT"  # the simulator plays WeCom

"$TALENTBOT_BUILD/adapters/simulator/talentbot-wecom-sim" --config "$CONFIG" --listen "127.0.0.1:$SIM_PORT" \
  --bot-url "http://127.0.0.1:$PORT/wecom/callback" &
SIM_PID=$!
trap 'kill "$SIM_PID" 2>/dev/null; wait "$SIM_PID" 2>/dev/null' EXIT

cat >&2 <<INFO

  talentbot is starting on http://127.0.0.1:$PORT
    chat with it  http://127.0.0.1:$SIM_PORT/   (the WeCom simulator: pick a user id, type, press Enter)
    health        http://127.0.0.1:$PORT/healthz
    readiness     http://127.0.0.1:$PORT/readyz     (200 while Redis answers)
    metrics       http://127.0.0.1:$PORT/metrics
  config: $CONFIG (override any key with TALENTBOT_<SECTION>_<KEY>)
  Ctrl-C stops the bot, its Redis and the simulator.

INFO
"$TALENTBOT_BUILD/bot/talentbot" --config "$CONFIG"
