#!/usr/bin/env bash
# Measures talentbot against baselines measured in the same run, on this machine, and prints the
# figures (medians of RUNS runs) with their ratios:
#   1. Redis client: storage::RedisClient commands/s, one at a time and pipelined, against
#      redis-benchmark (-c 1, and -P 16) on the same redis-server.
#   2. GET /healthz: talentbot against the bare Beast server of ../shared/peers (the ceiling).
#   3. POST /wecom/callback with distinct valid encrypted callbacks (../shared/peers/loadgen):
#      talentbot's whole inbound path (verify, decrypt, parse, dedupe, XADD, ack) against the Beast
#      server's transport-only sink, with p50/p99 latency; also at light load (4 connections).
#   4. The full path: a burst of callbacks handled and answered through the WeCom simulator.
#   5. latency.sh: callback-to-reply latency at a fixed rate from 1,000 conversations, and the
#      Redis memory per idle session.
# Usage: tests/bench/run.sh           (RUNS=3 DURATION=10 by default; about 9 minutes)
source "$(dirname "$0")/../../deploy/common.sh"
source "$(dirname "$0")/lib.sh"
cd "$TALENTBOT_ROOT"

RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
POOL=${POOL:-400000}  # > 10 s at 30k callbacks/s, so every request of a run is a new message
PEERS_SRC=${PEERS_SRC:-$TALENTBOT_ROOT/../shared/peers}
WORK=$TALENTBOT_ROOT/var/bench
mkdir -p "$WORK"

install_missing wrk
install_node
build talentbot talentbot-wecom-sim talentbot_redis_bench talentbot_latency_bench

# The reference programs are read-only where they live: work on a copy.
if [ ! -d "$WORK/peers" ]; then
  cp -r "$PEERS_SRC" "$WORK/peers"
  chmod -R u+w "$WORK/peers"
fi
[ -x "$WORK/peers/beast-hello/beast-hello" ] || "$WORK/peers/beast-hello/build.sh" >/dev/null
if [ "$(wc -l < "$WORK/peers/loadgen/data/requests.tsv" 2>/dev/null || echo 0)" -lt "$POOL" ]; then
  log "generating $POOL distinct encrypted callbacks (about 320 MB, once)"
  (cd "$WORK/peers/loadgen" && npm install --no-audit --no-fund --silent && node gen.js --n "$POOL" --out data >/dev/null)
fi
LUA=$WORK/peers/loadgen/wrk-callback.lua
POOLFILE=$WORK/peers/loadgen/data/requests.tsv

start_bench_redis
RURL="redis://127.0.0.1:$RPORT/0"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
field() { sed -n 's/.*RESULT.* '"$1"'=\([^ ]*\).*/\1/p' "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", (b > 0 ? 100 * a / b : 0) }'; }
wrk_run() {  # wrk_run OUT CONNS URL [lua args...]
  local out=$1 conns=$2 url=$3
  shift 3
  wrk -t2 -c"$conns" -d"${DURATION}s" --latency -s "$LUA" "$url" ${1:+--} "$@" >"$out" 2>&1
}

echo "machine: $(nproc) cores, $(uname -r); $(redis-server --version | cut -d' ' -f3); runs=$RUNS x ${DURATION}s"

# 1. Redis client against redis-benchmark.
for i in $(seq 1 "$RUNS"); do
  "$TALENTBOT_BUILD/tests/bench/talentbot_redis_bench" "$RURL" 5 256 >"$WORK/redis-ours-$i.txt"
  redis-benchmark -p "$RPORT" -t set -n 300000 -c 1 --csv 2>/dev/null | tail -1 | cut -d, -f2 | tr -d '"' >"$WORK/redis-rb1-$i.txt"
  redis-benchmark -p "$RPORT" -t set -n 2000000 -P 16 --csv 2>/dev/null | tail -1 | cut -d, -f2 | tr -d '"' >"$WORK/redis-rb16-$i.txt"
done
ours1=$(for i in $(seq 1 "$RUNS"); do sed -n 's/mode=single .*ops_per_s=//p' "$WORK/redis-ours-$i.txt"; done | median)
oursP=$(for i in $(seq 1 "$RUNS"); do sed -n 's/mode=pipelined .*ops_per_s=//p' "$WORK/redis-ours-$i.txt"; done | median)
rb1=$(cat "$WORK"/redis-rb1-*.txt | median)
rb16=$(cat "$WORK"/redis-rb16-*.txt | median)

# 2 and 3. HTTP: the Beast baseline and talentbot (ingress only, no access log) on the same Redis.
BPORT=$(free_port)
"$WORK/peers/beast-hello/beast-hello" 127.0.0.1 "$BPORT" 2 shared >"$WORK/beast.log" 2>&1 &
PIDS+=($!)
TPORT=$(free_port)
TALENTBOT_SERVER_LISTEN="127.0.0.1:$TPORT" TALENTBOT_SERVER_THREADS=2 TALENTBOT_REDIS_URL="$RURL" \
  TALENTBOT_LOG_LEVEL=warn TALENTBOT_LOG_ACCESS=false TALENTBOT_QUEUE_WORKERS=false \
  env "${BENCH_WECOM[@]}" "$TALENTBOT_BUILD/bot/talentbot" >"$WORK/talentbot.log" 2>&1 &
PIDS+=($!)
wait_http "$BPORT" && wait_http "$TPORT" || { log "a server did not start (see $WORK/*.log)"; exit 1; }

for i in $(seq 1 "$RUNS"); do
  wrk_run "$WORK/hz-beast-$i.txt" 64 "http://127.0.0.1:$BPORT/healthz"
  wrk_run "$WORK/hz-ours-$i.txt" 64 "http://127.0.0.1:$TPORT/healthz"
  wrk_run "$WORK/cb-beast-$i.txt" 64 "http://127.0.0.1:$BPORT" "$POOLFILE" 0 2
  redis-cli -p "$RPORT" flushdb >/dev/null  # each run sends new (not yet seen) messages
  wrk_run "$WORK/cb-ours-$i.txt" 64 "http://127.0.0.1:$TPORT" "$POOLFILE" 0 2
  redis-cli -p "$RPORT" flushdb >/dev/null
  wrk_run "$WORK/cb-light-$i.txt" 4 "http://127.0.0.1:$TPORT" "$POOLFILE" 0 2
done
# 4. The full path, callback to reply: the first FULL_N messages of the pool (about as many
#    senders) go in at once; a second talentbot with workers handles them (NLU, dialogue, session,
#    outbox) and sends the replies to the WeCom simulator. Measured: messages handled per second,
#    and the outbound rate of delivered replies.
FULL_N=${FULL_N:-5000}
redis-cli -p "$RPORT" -n 1 flushdb >/dev/null
start_full_path "redis://127.0.0.1:$RPORT/1" full || exit 1
delivered() { curl -s "http://127.0.0.1:$SPORT/sim/calls" | grep -o '"delivered":true' | wc -l; }
handled() { curl -s "http://127.0.0.1:$FPORT/metrics" | sed -n 's/^talentbot_pipeline_messages_total{stage="handled"} //p'; }
t0=$(date +%s.%N)
DURATION=2 wrk_run "$WORK/full-in.txt" 8 "http://127.0.0.1:$FPORT" "$POOLFILE" "$FULL_N" 2
t_in=$(date +%s.%N)
last=-1; stable=0; t_handled=""; polls=0
while [ "$stable" -lt 10 ] && [ "$polls" -lt 900 ]; do  # settled for 2 s, or 3 minutes at most
  polls=$((polls + 1))
  sleep 0.2
  h=$(handled); [ -z "$t_handled" ] && [ "${h:-0}" -ge "$FULL_N" ] && t_handled=$(date +%s.%N)
  d=$(delivered)
  if [ "$d" = "$last" ] && [ "$d" -gt 0 ]; then stable=$((stable + 1)); else stable=0; t_out=$(date +%s.%N); fi
  last=$d
done
full_rate=$(awk -v n="$FULL_N" -v a="$t0" -v b="${t_handled:-$t_out}" 'BEGIN { printf "%.0f", n / (b - a) }')
out_rate=$(awk -v n="$last" -v a="$t0" -v b="$t_out" 'BEGIN { printf "%.0f", n / (b - a) }')

med() { for i in $(seq 1 "$RUNS"); do field "$2" "$WORK/$1-$i.txt"; done | median; }
non2xx=$(for i in $(seq 1 "$RUNS"); do field non2xx "$WORK/cb-ours-$i.txt"; done | awk '{s+=$1} END {print s+0}')

hz_b=$(med hz-beast rps); hz_o=$(med hz-ours rps)
cb_b=$(med cb-beast rps); cb_o=$(med cb-ours rps)
printf '\n%-44s %12s %10s %10s %8s\n' "benchmark (median of $RUNS)" "ops/s" "p50 ms" "p99 ms" "ratio"
printf '%-44s %12.0f %10s %10s %8s\n' "redis SET, one at a time: talentbot client" "$ours1" - - "$(ratio "$ours1" "$rb1")"
printf '%-44s %12.0f %10s %10s %8s\n' "redis SET, one at a time: redis-benchmark -c1" "$rb1" - - "base"
printf '%-44s %12.0f %10s %10s %8s\n' "redis SET, pipelined: talentbot (256 in flight)" "$oursP" - - "$(ratio "$oursP" "$rb16")"
printf '%-44s %12.0f %10s %10s %8s\n' "redis SET, pipelined: redis-benchmark -P 16" "$rb16" - - "base"
printf '%-44s %12.0f %10s %10s %8s\n' "GET /healthz: talentbot" "$hz_o" "$(med hz-ours p50_ms)" "$(med hz-ours p99_ms)" "$(ratio "$hz_o" "$hz_b")"
printf '%-44s %12.0f %10s %10s %8s\n' "GET /healthz: bare Beast server" "$hz_b" "$(med hz-beast p50_ms)" "$(med hz-beast p99_ms)" "base"
printf '%-44s %12.0f %10s %10s %8s\n' "POST /wecom/callback: talentbot, 64 conns" "$cb_o" "$(med cb-ours p50_ms)" "$(med cb-ours p99_ms)" "$(ratio "$cb_o" "$hz_b")*"
printf '%-44s %12.0f %10s %10s %8s\n' "POST /wecom/callback: talentbot, 4 conns" "$(med cb-light rps)" "$(med cb-light p50_ms)" "$(med cb-light p99_ms)" "-"
printf '%-44s %12.0f %10s %10s %8s\n' "POST callback sink: bare Beast (no work)" "$cb_b" "$(med cb-beast p50_ms)" "$(med cb-beast p99_ms)" "-"
printf '%-44s %12s %10s %10s %8s\n' "full path: $FULL_N callbacks handled (NLU+dialogue)" "$full_rate" - - "-"
printf '%-44s %12s %10s %10s %8s\n' "outbound: $last replies sent to the simulator" "$out_rate" - - "-"
echo "* callback throughput as a share of the bare Beast /healthz of the same run; non-2xx answers: ${non2xx:-0}"
echo "raw outputs: $WORK"

# 5. Latency at a fixed rate, and memory per idle session: its own servers and Redis.
cleanup
trap - EXIT
SKIP_BUILD=1 "$TALENTBOT_ROOT/tests/bench/latency.sh"
