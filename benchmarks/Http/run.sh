#!/usr/bin/env bash
# http_plaintext / http_json: samples/HttpServer (AsyncGen, on each I/O driver) beside Kestrel (minimal APIs, as
# TechEmpower runs it) and a raw .NET Socket server using the same HTTP code, all driven by wrk on loopback.
#
#   benchmarks/Http/run.sh [seconds] [rounds] [connections...]
#
# seconds: length of each measured wrk run (default 4). rounds: how many times the whole matrix runs, interleaved
# (default 3; the table shows the median round). connections: default "64 256".
# Tests, as TechEmpower: plaintext with 16 requests pipelined per write, json without pipelining.
# Environment: WRK_THREADS (default 1: the machine this was written on has 2 cores, shared by wrk and the server);
# WARMUP (default 5): seconds of unmeasured load per server and test before the first round, at the highest
# connection count (Kestrel needs it most: tiered compilation and dynamic PGO take seconds to reach its fast code).
# Five servers, two tests, two connection counts, 3 rounds of 4 s, plus warm-up and builds: about 6 minutes.
#
# Prints one raw line per run, then one table: requests/s, server CPU-seconds (utime+stime of the server process from
# /proc/<pid>/stat over the wrk run) and requests per server CPU-second, with ratios to the best of each test.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-4}
rounds=${2:-3}
shift $(( $# > 2 ? 2 : $# )) || true
connections=${*:-64 256}
threads=${WRK_THREADS:-1}
warmup=${WARMUP:-5}
out=/tmp/asyncgen-http-bench
script=benchmarks/Http/pipeline.lua

command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }

dotnet build -c Release samples/HttpServer -o "$out/asyncgen" >/dev/null
dotnet build -c Release benchmarks/Http/KestrelServer -o "$out/kestrel" >/dev/null
dotnet build -c Release benchmarks/Http/SocketServer -o "$out/socket" >/dev/null

echo "# $(date -u +%FT%TZ) $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg), dotnet $(dotnet --version), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), wrk threads $threads"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

names=() ports=() servers=()
start() { # name port expected-banner-substring command...
  local name=$1 port=$2 expect=$3; shift 3
  "$@" >"$out/$name.log" 2>&1 &
  local pid=$!
  for _ in $(seq 150); do grep -q "$expect" "$out/$name.log" 2>/dev/null && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if ! grep -q "$expect" "$out/$name.log"; then
    echo "# $name: not benchmarked (no '$expect' in its banner: $(head -c 300 "$out/$name.log" | tr '\n' ' '))"
    kill "$pid" 2>/dev/null || true
    return 0
  fi
  pids+=("$pid"); names+=("$name"); ports+=("$port"); servers+=("$pid")
}

# Every server starts once and stays up (idle servers use no CPU); each run reads only its server's CPU time.
start asyncgen-epoll 18201 "driver Epoll" env ASYNCGEN_DRIVER=epoll dotnet "$out/asyncgen/HttpServer.dll" --port 18201
start asyncgen-io_uring 18202 "driver IoUring" env ASYNCGEN_DRIVER=io_uring dotnet "$out/asyncgen/HttpServer.dll" --port 18202
start asyncgen-portable 18203 "driver Portable" env ASYNCGEN_DRIVER=portable dotnet "$out/asyncgen/HttpServer.dll" --port 18203
start kestrel 18204 "Kestrel HTTP server" dotnet "$out/kestrel/KestrelServer.dll" --port 18204
start dotnet-socket 18205 ".NET Socket HTTP server" dotnet "$out/socket/SocketServer.dll" --port 18205

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime, in clock ticks (fields after "(comm)")

wrk_run() { # port test conns seconds → "requests errors"
  local port=$1 test=$2 conns=$3 secs=$4 log
  if [ "$test" = plaintext ]; then
    log=$(wrk -t "$threads" -c "$conns" -d "${secs}s" --timeout 8 -H 'Host: localhost' \
      -H 'Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7' \
      -H 'Connection: keep-alive' -s "$script" "http://127.0.0.1:$port/plaintext" -- 16 2>&1)
  else
    log=$(wrk -t "$threads" -c "$conns" -d "${secs}s" --timeout 8 -H 'Host: localhost' \
      -H 'Accept: application/json,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7' \
      -H 'Connection: keep-alive' "http://127.0.0.1:$port/json" 2>&1)
  fi
  local requests errors
  requests=$(awk '/requests in/ { print $1 }' <<<"$log")
  errors=$(awk '/Non-2xx|Socket errors/ { gsub(/,/, ""); s = s $0 "; " } END { print s == "" ? "none" : s }' <<<"$log")
  echo "${requests:-0}|$errors"
}

# Warm-up: JIT tiering and dynamic PGO, once per server and test, not measured.
most=$(tr ' ' '\n' <<<"$connections" | sort -n | tail -1)
for i in "${!names[@]}"; do
  for test in plaintext json; do wrk_run "${ports[$i]}" "$test" "$most" "$warmup" >/dev/null; done
done

results=$out/results.txt
: >"$results"
for round in $(seq "$rounds"); do
  for conns in $connections; do
    for test in plaintext json; do
      for i in "${!names[@]}"; do
        pid=${servers[$i]}
        before=$(cpu_ticks "$pid")
        result=$(wrk_run "${ports[$i]}" "$test" "$conns" "$seconds")
        after=$(cpu_ticks "$pid")
        requests=${result%%|*}
        errors=${result#*|}
        cpu=$(awk -v t=$((after - before)) -v hz="$ticks" 'BEGIN { printf "%.2f", t / hz }')
        echo "round=$round test=$test conns=$conns server=${names[$i]} requests=$requests seconds=$seconds server_cpu_s=$cpu errors=$errors"
        echo "$test $conns ${names[$i]} $round $requests $cpu" >>"$results"
      done
    done
  done
done

# The median round of each (test, conns, server) by requests per CPU-second; ratios (of requests per CPU-second) to the
# best server of the test and connection count, to Kestrel and to the raw Socket server; last, requests/s to the best.
echo
printf '%-10s %5s  %-18s %12s %8s %12s %9s %10s %10s %9s\n' test conns server requests/s cpu-s req/cpu-s "vs best" "vs kestrel" "vs socket" "rps best"
sort -k1,1 -k2,2n -k3,3 "$results" | awk -v secs="$seconds" '
  function flush(   n, i, j, t, k) {
    if (key == "") return
    n = count
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (eff[j] < eff[i]) { t = eff[i]; eff[i] = eff[j]; eff[j] = t; t = rps[i]; rps[i] = rps[j]; rps[j] = t; t = cpu[i]; cpu[i] = cpu[j]; cpu[j] = t }
    k = int((n + 1) / 2)
    rows[++nrows] = key; reff[nrows] = eff[k]; rrps[nrows] = rps[k]; rcpu[nrows] = cpu[k]
    count = 0
  }
  { k = $1 " " $2 " " $3
    if (k != key) { flush(); key = k }
    count++; rps[count] = $5 / secs; cpu[count] = $6; eff[count] = ($6 > 0 ? $5 / $6 : 0) }
  END {
    flush()
    for (r = 1; r <= nrows; r++) {
      split(rows[r], f, " "); g = f[1] " " f[2]
      if (reff[r] > beff[g]) beff[g] = reff[r]
      if (rrps[r] > brps[g]) brps[g] = rrps[r]
      if (f[3] == "kestrel") keff[g] = reff[r]
      if (f[3] == "dotnet-socket") seff[g] = reff[r]
    }
    for (r = 1; r <= nrows; r++) {
      split(rows[r], f, " "); g = f[1] " " f[2]
      printf "%-10s %5s  %-18s %12.0f %8.2f %12.0f %8.2fx %9.2fx %9.2fx %8.2fx\n", f[1], f[2], f[3], rrps[r], rcpu[r], reff[r], reff[r] / beff[g], (keff[g] > 0 ? reff[r] / keff[g] : 0), (seff[g] > 0 ? reff[r] / seff[g] : 0), rrps[r] / brps[g]
    }
  }'
