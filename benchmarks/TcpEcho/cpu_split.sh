#!/usr/bin/env bash
# tcp_echo servers interleaved in one invocation, with where their CPU goes per request: user and kernel µs per
# request, voluntary and involuntary context switches per 1,000 requests (blocking in epoll_wait vs being preempted),
# and requests per server CPU-second at nanosecond resolution (/proc/<pid>/task/*/schedstat; /proc/<pid>/stat's
# 10 ms ticks are coarse when a loaded machine gives the server half a CPU-second per run):
#
#   benchmarks/TcpEcho/cpu_split.sh [rounds=3] [seconds=4] [conns=1000] [servers...=c tokio-multi asyncgen-local]
#
# servers: as benchmarks/Compare/echo.sh. The environment is passed on (ASYNCGEN_DRIVER=epoll ...). Each run: start
# the server, 2 s warm-up of the same load ($COMPARE_ECHO_WARMUP), then the measured run; one line per run.
set -uo pipefail
source "$(dirname "$0")/../Compare/lib.sh"
rounds=${1:-3}
seconds=${2:-4}
conns=${3:-1000}
shift $(($# < 3 ? $# : 3))
servers=("$@")
[ ${#servers[@]} -gt 0 ] || servers=(c tokio-multi asyncgen-local)
build_loadgen
for s in "${servers[@]}"; do
  case $s in
    c) build_c ;;
    tokio-*) build_tokio ;;
    asyncgen-* | dotnet) build_dotnet_echo ;;
  esac
done

# CPU ns, user ticks, system ticks, voluntary and involuntary context switches, summed over the threads of $1.
sample() {
  local pid=$1 ns=0 u=0 k=0 v=0 n=0 t stat
  for t in /proc/"$pid"/task/*; do
    read -r run _ < "$t/schedstat" || continue
    stat=$(sed 's/^.*) //' "$t/stat") || continue
    ns=$((ns + run))
    u=$((u + $(awk '{ print $12 }' <<<"$stat")))
    k=$((k + $(awk '{ print $13 }' <<<"$stat")))
    v=$((v + $(awk '/^voluntary_ctxt_switches/ { print $2 }' "$t/status")))
    n=$((n + $(awk '/^nonvoluntary_ctxt_switches/ { print $2 }' "$t/status")))
  done
  echo "$ns $u $k $v $n"
}

hz=$(getconf CLK_TCK)
for round in $(seq 1 "$rounds"); do
  for s in "${servers[@]}"; do
    port=$(free_port) || { echo "no free port" >&2; exit 1; }
    cmd=$(echo_server_command "$s" "$port") || exit 2
    $cmd >"$COMPARE_OUT/server-$s.log" 2>&1 &
    server=$!
    if ! wait_listening "$server" "$port"; then
      echo "round=$round server=$s did not start (see $COMPARE_OUT/server-$s.log)"
      kill "$server" 2>/dev/null; wait "$server" 2>/dev/null
      continue
    fi
    "$loadgen" addr="127.0.0.1:$port" conns="$conns" seconds="${COMPARE_ECHO_WARMUP:-2}" warmup=0 threads=1 msg=64 label=warmup >/dev/null || true
    read -r ns0 u0 k0 v0 n0 < <(sample "$server")
    load=$(cut -d' ' -f1 /proc/loadavg)
    line=$("$loadgen" addr="127.0.0.1:$port" conns="$conns" seconds="$seconds" warmup=0 threads=1 msg=64 label="$s" rt=- || true)
    read -r ns1 u1 k1 v1 n1 < <(sample "$server")
    kill "$server" 2>/dev/null; wait "$server" 2>/dev/null
    requests=$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$line")
    p99=$(sed -n 's/.* p99_us=\([0-9.]*\).*/\1/p' <<<"$line")
    awk -v round="$round" -v s="$s" -v c="$conns" -v r="${requests:-0}" -v ns=$((ns1 - ns0)) -v u=$((u1 - u0)) \
        -v k=$((k1 - k0)) -v v=$((v1 - v0)) -v n=$((n1 - n0)) -v hz="$hz" -v p99="${p99:-0}" -v load="$load" 'BEGIN {
      if (r == 0) { printf "round=%d conns=%d server=%s failed (no requests)\n", round, c, s; exit }
      printf "round=%d conns=%d server=%s requests=%d cpu_s=%.3f req_per_cpu_s=%.0f user_us_per_req=%.2f sys_us_per_req=%.2f voluntary_per_kreq=%.1f involuntary_per_kreq=%.1f p99_us=%s load=%s\n",
        round, c, s, r, ns / 1e9, (ns > 0 ? r / (ns / 1e9) : 0), u / hz * 1e6 / r, k / hz * 1e6 / r, v * 1000 / r, n * 1000 / r, p99, load }'
  done
done
