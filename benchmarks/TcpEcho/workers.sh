#!/usr/bin/env bash
# Does the work-stealing executor scale? samples/EchoServer on one LocalExecutor thread, on a WorkStealingExecutor
# with 1 worker and with 2 workers, interleaved (local, ws1, ws2, local, ws1, ws2, ...) so that a machine whose load
# changes over time hurts every variant alike. Prints one key=value line per run (the load generator's, plus the
# server's CPU seconds and requests per server CPU-second), then the median of each variant.
#
#   benchmarks/TcpEcho/workers.sh [conns=1000] [seconds=5] [repetitions=3]
#
# Each run also reports voluntary / involuntary context switches per 1,000 requests, io_uring_enter and epoll_wait per
# 1,000 requests (perf stat on the syscall tracepoints, when perf can; WORKERS_PERF=0 skips it) and the busiest
# thread's share of the server's CPU (two workers: ~0.5 when both rings hold connections, ~1 when one holds them all)
# and the voluntary context switches per 1,000 requests of the two busiest threads, busiest first (which worker sleeps),
# and the runtime's own counters per 1,000 requests (builds whose EchoServer prints them on SIGHUP, RuntimeStats.cs):
# parks, unparks (wakes of a blocked worker by another thread), tasks stolen, and cross-ring reads (reads of bytes
# another worker's ring received: a task stolen away from the ring its receive lives on).
#
# Default variants: local, ws1, ws2, and ws2a: two workers with the opt-in accepting-ring placement (every receive of a
# connection on the ring of the worker that accepted it, DriverOptions.ReceiveOnAcceptingRing), measured beside the
# default placement so that a quiet machine decides between them. WORKERS_VARIANTS="ws2" runs only those variants (of
# local, ws1, ws2, ws2a, and ws2b: two workers with the opt-in batched SINGLE_ISSUER | DEFER_TASKRUN rings); the order
# rotates each round.
# BASELINE_ECHO_DLL=/path/to/EchoServer.dll adds the same three variants of another build (e.g. main before a
# change: `git worktree add /tmp/base <commit> && dotnet build -c Release /tmp/base/samples/EchoServer -o /tmp/base-echo`)
# as base-local, base-ws1, base-ws2. Loopback only; 64-byte requests, one outstanding per connection.
set -euo pipefail
cd "$(dirname "$0")/../.."
conns=${1:-1000}
seconds=${2:-5}
repetitions=${3:-3}
out=${WORKERS_BENCH_OUT:-/tmp/asyncgen-workers-bench}
mkdir -p "$out"
loadgen_src=${ECHO_LOADGEN_SRC:-../shared/tools/echo-loadgen}
[ -d "$loadgen_src" ] || loadgen_src=/work/shared/tools/echo-loadgen
loadgen=$(ECHO_LOADGEN_DIR="$out/echo-loadgen" "$loadgen_src/build.sh")
dotnet build -c Release -nologo samples/EchoServer -o "$out/echo" >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }

declare -A command=(
  [local]="dotnet $out/echo/EchoServer.dll PORT"
  [ws1]="dotnet $out/echo/EchoServer.dll PORT --workers 1"
  [ws2]="dotnet $out/echo/EchoServer.dll PORT --workers 2"
  # Two workers whose rings are SINGLE_ISSUER | DEFER_TASKRUN with batched waits (opt-in, DriverOptions.BatchedWorkerRings).
  [ws2b]="env ASYNCGEN_IOURING_BATCHED_RINGS=1 dotnet $out/echo/EchoServer.dll PORT --workers 2"
  # Two workers, each connection's receives on the ring of the worker that accepted it (opt-in, DriverOptions.ReceiveOnAcceptingRing).
  [ws2a]="env ASYNCGEN_IOURING_ACCEPTING_RING=1 dotnet $out/echo/EchoServer.dll PORT --workers 2"
)
variants=(${WORKERS_VARIANTS:-local ws1 ws2 ws2a})
if [ -n "${BASELINE_ECHO_DLL:-}" ]; then
  command[base-local]="dotnet $BASELINE_ECHO_DLL PORT"
  command[base-ws1]="dotnet $BASELINE_ECHO_DLL PORT --workers 1"
  command[base-ws2]="dotnet $BASELINE_ECHO_DLL PORT --workers 2"
  command[base-ws2b]="env ASYNCGEN_IOURING_BATCHED_RINGS=1 dotnet $BASELINE_ECHO_DLL PORT --workers 2"
  command[base-ws2a]="env ASYNCGEN_IOURING_ACCEPTING_RING=1 dotnet $BASELINE_ECHO_DLL PORT --workers 2"
  for variant in ${WORKERS_VARIANTS:-local ws1 ws2 ws2a}; do variants+=("base-$variant"); done
fi

# CPU nanoseconds (/proc/<pid>/task/*/schedstat: nanosecond resolution, where /proc/<pid>/stat's 10 ms ticks are
# coarse when a loaded machine gives the server half a CPU-second per run) and context switches (voluntary: blocked,
# e.g. a worker asleep in its ring; involuntary: preempted), summed over the threads of process $1.
sample() {
  local pid=$1 ns=0 v=0 n=0 t run
  for t in /proc/"$pid"/task/*; do
    read -r run _ <"$t/schedstat" 2>/dev/null || continue
    ns=$((ns + run))
    v=$((v + $(awk '/^voluntary_ctxt_switches/ { print $2 }' "$t/status" 2>/dev/null || echo 0)))
    n=$((n + $(awk '/^nonvoluntary_ctxt_switches/ { print $2 }' "$t/status" 2>/dev/null || echo 0)))
  done
  echo "$ns $v $n"
}

# "tid ns" per thread of process $1: which threads did the work (with two workers, whether both rings held
# connections — decided by which worker polled each connection first — or one ring held them all).
# A third column, the thread's voluntary context switches, tells which worker sleeps: with two workers the busier one
# often runs on while the other sleeps and wakes for every few requests of its ring.
thread_ns() {
  local t run
  for t in /proc/"$1"/task/*; do
    read -r run _ <"$t/schedstat" 2>/dev/null \
      && echo "${t##*/} $run $(awk '/^voluntary_ctxt_switches/ { print $2 }' "$t/status" 2>/dev/null || echo 0)"
  done
}

# System calls of the server during the measured window, if perf can count tracepoints here (WORKERS_PERF=0: skip):
# io_uring_enter per 1,000 requests (the io_uring driver's submissions and parks), epoll_wait likewise.
use_perf=${WORKERS_PERF:-1}
if [ "$use_perf" != 0 ] && ! { command -v perf >/dev/null && perf stat -e syscalls:sys_enter_io_uring_enter true >/dev/null 2>&1; }; then
  use_perf=0
  echo "# perf cannot count syscalls:sys_enter_io_uring_enter here: enter_per_kreq not measured"
fi

echo "# $(date -u +%FT%TZ) $(uname -srm), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), conns=$conns seconds=$seconds repetitions=$repetitions"
results="$out/results.txt"
: >"$results"
port=18300
for rep in $(seq "$repetitions"); do
  # The order rotates by one each round, so no variant always runs first (or last) in a round whose load drifts.
  shift_by=$(((rep - 1) % ${#variants[@]}))
  order=("${variants[@]:shift_by}" "${variants[@]:0:shift_by}")
  for variant in "${order[@]}"; do
    port=$((port + 1)) # a fresh port per run: no TIME_WAIT interference
    ASYNCGEN_ECHO_STATS=1 ${command[$variant]//PORT/$port} >"$out/server.txt" &
    server=$!
    for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
    # 1 s of the same load first, not measured: JIT, tiered compilation, connection setup.
    "$loadgen" addr="127.0.0.1:$port" conns="$conns" seconds=1 warmup=0 threads=1 msg=64 label=warmup >/dev/null || true
    perf_pid=
    if [ "$use_perf" != 0 ]; then
      perf stat -x, -e syscalls:sys_enter_io_uring_enter,syscalls:sys_enter_epoll_wait -p "$server" -o "$out/perf.txt" 2>/dev/null &
      perf_pid=$!
    fi
    thread_ns "$server" >"$out/threads0.txt"
    # The runtime's counters before and after the window (samples/EchoServer/RuntimeStats.cs), if this build prints
    # them: an older one (a baseline) announces nothing, and SIGHUP would end it.
    stats=0
    grep -q '^stats: on SIGHUP' "$out/server.txt" 2>/dev/null && stats=1
    [ "$stats" = 1 ] && kill -HUP "$server"
    read -r ns0 v0 n0 < <(sample "$server")
    line=$("$loadgen" addr="127.0.0.1:$port" conns="$conns" seconds="$seconds" warmup=0 threads=1 msg=64 label="$variant" rt=rep$rep || true)
    read -r ns1 v1 n1 < <(sample "$server")
    [ "$stats" = 1 ] && kill -HUP "$server"
    thread_ns "$server" >"$out/threads1.txt"
    enters=na epolls=na
    if [ -n "$perf_pid" ]; then
      kill -INT "$perf_pid" 2>/dev/null; wait "$perf_pid" 2>/dev/null || true
      enters=$(awk -F, '$3 ~ /io_uring_enter/ && $1 ~ /^[0-9]+$/ { print $1 }' "$out/perf.txt" 2>/dev/null || true)
      epolls=$(awk -F, '$3 ~ /epoll_wait/ && $1 ~ /^[0-9]+$/ { print $1 }' "$out/perf.txt" 2>/dev/null || true)
      enters=${enters:-na} epolls=${epolls:-na}
    fi
    # Wakes (unparks of a blocked worker), parks, steals and reads of bytes another worker's ring received, per 1,000
    # requests of the window: the differences of the two stats lines (the handler prints asynchronously: wait for it).
    runtime_stats="parks_per_kreq=na unparks_per_kreq=na steals_per_kreq=na cross_ring_reads_per_kreq=na"
    if [ "$stats" = 1 ]; then
      for _ in $(seq 100); do [ "$(grep -c '^stats ' "$out/server.txt")" -ge 2 ] && break; sleep 0.02; done
      runtime_stats=$(grep '^stats ' "$out/server.txt" | head -2 | awk -v r="$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$line")" '
        { for (f = 2; f <= NF; f++) { split($f, kv, "="); v[NR, kv[1]] = kv[2] } }
        function per(name) { return (NR >= 2 && r > 0 ? sprintf("%.1f", (v[2, name] - v[1, name]) * 1000 / r) : "na") }
        END { printf "parks_per_kreq=%s unparks_per_kreq=%s steals_per_kreq=%s cross_ring_reads_per_kreq=%s",
          per("asyncgen.executor.parks"), per("asyncgen.executor.unparks"), per("asyncgen.executor.steals"), per("asyncgen.io.cross_ring_reads") }')
    fi
    kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true
    # The busiest thread's share of the server's CPU in the window (two workers: ~0.5 when both rings are busy).
    # Also the voluntary switches of the two busiest threads (the workers), busiest first, in the same window.
    read -r busiest top_vcs < <(LC_ALL=C join <(LC_ALL=C sort "$out/threads0.txt") <(LC_ALL=C sort "$out/threads1.txt") | awk '{ print $4 - $2, $5 - $3 }' | sort -rn | awk '{ s += $1; if (NR == 1) m = $1; if (NR <= 2) v = v (NR == 1 ? "" : "/") $2 } END { printf "%.2f %s\n", (s > 0 ? m / s : 0), (v == "" ? "na" : v) }')
    requests=$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$line")
    line=$(awk -v line="$line" -v ns=$((ns1 - ns0)) -v v=$((v1 - v0)) -v n=$((n1 - n0)) -v r="${requests:-0}" \
        -v e="$enters" -v w="$epolls" -v b="$busiest" -v tv="$top_vcs" -v rs="$runtime_stats" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
      cpu = ns / 1e9; printf "%s server_cpu_s=%.3f req_per_cpu_s=%.0f vcs_per_kreq=%.1f ivcs_per_kreq=%.1f", line, cpu,
        (cpu > 0 ? r / cpu : 0), (r > 0 ? v * 1000 / r : 0), (r > 0 ? n * 1000 / r : 0)
      k = split(tv, t, "/"); tvs = (r > 0 && k > 0 ? sprintf("%.1f", t[1] * 1000 / r) : "na")
      if (r > 0 && k > 1) tvs = tvs sprintf("/%.1f", t[2] * 1000 / r)
      printf " enter_per_kreq=%s epoll_wait_per_kreq=%s busiest_thread_share=%s top_threads_vcs_per_kreq=%s %s load=%s\n",
        (e == "na" || r == 0 ? "na" : sprintf("%.1f", e * 1000 / r)), (w == "na" || r == 0 ? "na" : sprintf("%.1f", w * 1000 / r)), b, tvs, rs, load }')
    echo "$line"
    echo "$line" >>"$results"
  done
done

echo "# medians over $repetitions runs (load at the end: $(cut -d' ' -f1-3 /proc/loadavg)); vcs = voluntary context switches"
printf '%-11s %10s %14s %10s %10s %11s %12s %12s %12s %12s\n' variant rps req/cpu_s p50_us p99_us vcs/kreq parks/kreq unparks/kreq steals/kreq cross/kreq
for variant in "${variants[@]}"; do
  grep "runtime=$variant " "$results" | awk -v v="$variant" '
    function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    { for (f = 1; f <= NF; f++) { split($f, kv, "="); val[kv[1], NR] = kv[2] } n = NR }
    function med(name,   i, a) { for (i = 1; i <= n; i++) { if (val[name, i] == "na" || val[name, i] == "") return "na"; a[i] = val[name, i] } return sprintf("%.1f", median(a, n)) }
    END { for (i = 1; i <= n; i++) { r[i] = val["rps", i]; c[i] = val["req_per_cpu_s", i]; p[i] = val["p50_us", i]; q[i] = val["p99_us", i]; s[i] = val["vcs_per_kreq", i] }
      printf "%-11s %10.0f %14.0f %10.0f %10.0f %11.1f %12s %12s %12s %12s\n", v, median(r, n), median(c, n), median(p, n), median(q, n), median(s, n),
        med("parks_per_kreq"), med("unparks_per_kreq"), med("steals_per_kreq"), med("cross_ring_reads_per_kreq") }'
done
# Requests per server CPU-second of ws2 over local and over ws1, round by round: the runs of one round are seconds
# apart, so these ratios survive a load that drifts between rounds better than a ratio of medians does.
[[ " ${variants[*]} " == *" local ws1 ws2 "* ]] && awk '{ for (f = 1; f <= NF; f++) { split($f, kv, "="); val[kv[1]] = kv[2] } c[val["rt"], val["runtime"]] = val["req_per_cpu_s"]; rounds[val["rt"]] = 1 }
  END { printf "# ws2 / local, ws2 / ws1 per round (req per server CPU-s):"
    for (r in rounds) printf " %s %.2f %.2f;", r, (c[r, "local"] > 0 ? c[r, "ws2"] / c[r, "local"] : 0), (c[r, "ws1"] > 0 ? c[r, "ws2"] / c[r, "ws1"] : 0)
    printf "\n" }' "$results"
# The same for the accepting-ring placement (ws2a), and ws2a over ws2 (placement against placement), when they ran.
[[ " ${variants[*]} " == *" ws1 "* && " ${variants[*]} " == *" ws2 "* && " ${variants[*]} " == *" ws2a "* ]] && awk '{ for (f = 1; f <= NF; f++) { split($f, kv, "="); val[kv[1]] = kv[2] } c[val["rt"], val["runtime"]] = val["req_per_cpu_s"]; rounds[val["rt"]] = 1 }
  END { printf "# ws2a / ws1, ws2a / ws2 per round (req per server CPU-s):"
    for (r in rounds) printf " %s %.2f %.2f;", r, (c[r, "ws1"] > 0 ? c[r, "ws2a"] / c[r, "ws1"] : 0), (c[r, "ws2"] > 0 ? c[r, "ws2a"] / c[r, "ws2"] : 0)
    printf "\n" }' "$results"
# With a baseline: each variant over the same variant of the baseline build, round by round (the A/B of a change).
if [ -n "${BASELINE_ECHO_DLL:-}" ]; then
  for variant in ${WORKERS_VARIANTS:-local ws1 ws2}; do
    awk -v v="$variant" '{ for (f = 1; f <= NF; f++) { split($f, kv, "="); val[kv[1]] = kv[2] } c[val["rt"], val["runtime"]] = val["req_per_cpu_s"]; rounds[val["rt"]] = 1 }
      END { printf "# %s / base-%s per round (req per server CPU-s):", v, v
        for (r in rounds) printf " %s %.2f;", r, (c[r, "base-" v] > 0 ? c[r, v] / c[r, "base-" v] : 0)
        printf "\n" }' "$results"
  done
fi
