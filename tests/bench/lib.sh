# Shared by the benchmark scripts (run.sh, latency.sh): free ports, waiting for a server, and the
# full path: the WeCom simulator and a talentbot with workers on one Redis database. Sourced after
# deploy/common.sh, with WORK set and a PIDS array the caller kills on exit.

# The test keys of wecom-protocol.md; the simulator and the bot must agree on them.
BENCH_WECOM=(TALENTBOT_WECOM_CORP_ID=wx5823bf96d3bd56c7 TALENTBOT_WECOM_TOKEN=QDG6eK
  TALENTBOT_WECOM_ENCODING_AES_KEY=jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C TALENTBOT_WECOM_AGENT_ID=1000002
  TALENTBOT_WECOM_SECRET=bench)

# start_bench_redis: a private redis-server (RPORT, REDIS_DIR), stopped with everything in PIDS
# when the script exits (or when it calls cleanup).
start_bench_redis() {
  PIDS=()
  REDIS_DIR=$(mktemp -d /tmp/talentbot-bench.XXXXXX)
  trap cleanup EXIT
  RPORT=$(start_redis "$REDIS_DIR")
}
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  stop_redis "$REDIS_DIR"
  rm -rf "$REDIS_DIR"
}

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

wait_http() { for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }

# start_full_path REDIS_URL NAME [simulator flags...]: starts the simulator and a talentbot that
# handles and answers (logs in $WORK/NAME-sim.log and $WORK/NAME-talentbot.log); sets SPORT (the
# simulator) and FPORT (the bot).
start_full_path() {
  local redis_url=$1 name=$2
  shift 2
  SPORT=$(free_port)
  FPORT=$(free_port)
  env "${BENCH_WECOM[@]}" TALENTBOT_LOG_LEVEL=warn \
    "$TALENTBOT_BUILD/adapters/simulator/talentbot-wecom-sim" --config deploy/talentbot.example.yaml \
    --listen "127.0.0.1:$SPORT" --bot-url "http://127.0.0.1:$FPORT/wecom/callback" "$@" >"$WORK/$name-sim.log" 2>&1 &
  PIDS+=($!)
  env "${BENCH_WECOM[@]}" TALENTBOT_SERVER_LISTEN="127.0.0.1:$FPORT" TALENTBOT_REDIS_URL="$redis_url" \
    TALENTBOT_LOG_LEVEL=warn TALENTBOT_LOG_ACCESS=false TALENTBOT_WECOM_API_BASE="http://127.0.0.1:$SPORT" \
    "$TALENTBOT_BUILD/bot/talentbot" >"$WORK/$name-talentbot.log" 2>&1 &
  PIDS+=($!)
  wait_http "$SPORT" && wait_http "$FPORT" || { log "the simulator or talentbot did not start (see $WORK/$name-*.log)"; return 1; }
}
