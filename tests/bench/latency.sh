#!/usr/bin/env bash
# Callback-to-reply latency through the whole bot at a fixed open-loop rate (goal: p99 < 50 ms at
# 500 messages/s), spread over many simultaneous conversations, and then the Redis memory of an
# idle session (goal < 2 KB). talentbot_latency_bench seals callbacks itself and posts them to the
# bot on a timetable; the bot answers through the WeCom simulator, which records when each reply
# arrived. Also section 5 of run.sh.
# Usage: tests/bench/latency.sh   (LATENCY_RATE=500 LATENCY_SECONDS=20 LATENCY_USERS=1000; about 1 minute)
source "$(dirname "$0")/../../deploy/common.sh"
source "$(dirname "$0")/lib.sh"
cd "$TALENTBOT_ROOT"

RATE=${LATENCY_RATE:-500}
DURATION=${LATENCY_SECONDS:-20}
USERS=${LATENCY_USERS:-1000}
WORK=$TALENTBOT_ROOT/var/bench
mkdir -p "$WORK"
[ -n "${SKIP_BUILD:-}" ] || build talentbot talentbot-wecom-sim talentbot_latency_bench

start_bench_redis
# Every reply must stay in /sim/calls until the run is read back.
start_full_path "redis://127.0.0.1:$RPORT/0" latency --max-calls $((RATE * DURATION * 3 + 1000))
SIM_PID=${PIDS[-2]} BOT_PID=${PIDS[-1]} REDIS_PID=$(cat "$REDIS_DIR/redis.pid")
# CPU seconds a process has used (user + system), to tell where the time of a message goes.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
cpu_before=("$(cpu_s "$BOT_PID")" "$(cpu_s "$REDIS_PID")" "$(cpu_s "$SIM_PID")")
load_before=$(cut -d' ' -f1 /proc/loadavg)

env "${BENCH_WECOM[@]}" "$TALENTBOT_BUILD/tests/bench/talentbot_latency_bench" --config deploy/talentbot.example.yaml \
  --bot "http://127.0.0.1:$FPORT/wecom/callback" --sim "http://127.0.0.1:$SPORT" \
  --rate "$RATE" --seconds "$DURATION" --users "$USERS" --raw "$WORK/latency-raw.txt" | tee "$WORK/latency.txt"
cpu_after=("$(cpu_s "$BOT_PID")" "$(cpu_s "$REDIS_PID")" "$(cpu_s "$SIM_PID")")
load_after=$(cut -d' ' -f1 /proc/loadavg)
curl -s "http://127.0.0.1:$FPORT/metrics" >"$WORK/latency-metrics.txt"
cp "$REDIS_DIR/redis.log" "$WORK/latency-redis.log" 2>/dev/null || true

# Every conversation is idle now. (Through a file: `--scan | head` would end the scan with
# SIGPIPE, which pipefail turns fatal.)
redis-cli -p "$RPORT" --scan --pattern 'tb:*:session:*' >"$WORK/sessions.txt"
sessions=$(wc -l <"$WORK/sessions.txt")
session_bytes=$(sed -n '1,200p' "$WORK/sessions.txt" |
  while read -r k; do redis-cli -p "$RPORT" memory usage "$k"; done | awk '{s+=$1; n++} END { printf "%.0f", n ? s / n : 0 }')

field() { sed -n 's/^RESULT.* '"$1"'=\([^ ]*\).*/\1/p' "$WORK/latency.txt"; }
printf '\n%-44s %8s %8s %8s %8s %8s %9s\n' "callback to reply, $USERS users, ${DURATION}s" "msgs/s" "p50 ms" "p90 ms" \
  "p99 ms" "max ms" "replied"
printf '%-44s %8s %8s %8s %8s %8s %9s\n' "full path at $RATE/s asked (goal p99 < 50 ms)" "$(field rate)" "$(field p50_ms)" \
  "$(field p90_ms)" "$(field p99_ms)" "$(field max_ms)" "$(field replied)/$(field sent)"
printf '%-44s %8s %8s %8s %8s %8s %9s\n' "  of which the callback's own answer (ack)" - "$(field ack_p50_ms)" - \
  "$(field ack_p99_ms)" - "$(field acked)"
per_message() { awk -v a="$1" -v b="$2" -v n="$(field sent)" 'BEGIN { printf "%.0f", n ? 1e6 * (b - a) / n : 0 }'; }
echo "CPU per message (µs, whole run incl. drain): talentbot $(per_message "${cpu_before[0]}" "${cpu_after[0]}")," \
  "redis-server $(per_message "${cpu_before[1]}" "${cpu_after[1]}"), simulator $(per_message "${cpu_before[2]}" "${cpu_after[2]}");" \
  "load average $load_before before, $load_after after on $(nproc) cores"
echo "Redis memory per idle session: $session_bytes bytes (MEMORY USAGE, mean of up to 200 of $sessions sessions; goal < 2 KB)"
echo "raw outputs: $WORK/latency*.txt"
