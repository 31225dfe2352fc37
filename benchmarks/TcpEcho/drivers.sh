#!/usr/bin/env bash
# tcp_echo on samples/EchoServer's io_uring and epoll drivers beside the C epoll server and tokio (multi_thread and
# current_thread), interleaved in one invocation (so load on the machine falls on every server alike), at 100 and
# 1,000 connections:
#
#   benchmarks/TcpEcho/drivers.sh [rounds=5] [seconds=5]
#   DRIVERS_CONNS=1000 DRIVERS_SERVERS="epoll c tokio-current" benchmarks/TcpEcho/drivers.sh 6 4   # a subset
#
# Method: the comparison suite's (benchmarks/Compare/run.sh, echo_run in benchmarks/Compare/lib.sh): every binary is
# built once, before the first run; each run starts its server on a free port, warms it up for 2 s
# (COMPARE_ECHO_WARMUP), then measures `seconds`; req_per_cpu_s = requests per server CPU-second (/proc/<pid>/stat).
# Each round starts at a different server, so none always runs first or always after the same one.
#
# Prints one line per run (round, conns, server, then echo_run's key=value line), then per connection count the
# median and range of requests per server CPU-second of each server, and the ratios io_uring ÷ tokio, io_uring ÷ C,
# epoll ÷ tokio and epoll ÷ C: each the median of the ratios within a round (runs seconds apart, so a load that
# drifts between rounds cancels out) with their range; then the p99 latency of each server (median and range, ms) and
# the p99 ratios to tokio current_thread within a round (issue 14: p99 ≤ tokio's). A server or pair left out by
# DRIVERS_SERVERS is skipped in the summary. A single 5 s run of one server moves by up to ±20 % from
# round to round even on a quiet machine (benchmarks/README.md, "Why drivers.sh and the suite disagreed"); read the
# ranges before a verdict.
set -uo pipefail
source "$(dirname "$0")/../Compare/lib.sh"
rounds=${1:-5}
seconds=${2:-5}
out="$COMPARE_OUT/drivers-raw.txt"

# Built once, here: an earlier version rebuilt samples/EchoServer (two `dotnet build`s, ~7 CPU-seconds and build
# servers left running) right before every AsyncGen run, and before none of the C and tokio runs.
set -e
build_loadgen
build_c
build_tokio
build_dotnet_echo
set +e

read -r -a servers <<<"${DRIVERS_SERVERS:-uring epoll c tokio-multi tokio-current}"
read -r -a conns_list <<<"${DRIVERS_CONNS:-100 1000}"
run_one() { # server conns: one echo_run line
  case $1 in
    uring) ASYNCGEN_DRIVER=io_uring echo_run asyncgen-local "$2" "$seconds" ;;
    epoll) ASYNCGEN_DRIVER=epoll echo_run asyncgen-local "$2" "$seconds" ;;
    *) echo_run "$1" "$2" "$seconds" ;;
  esac
}

echo "# $(date -u '+%F %T UTC') $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds, ${seconds} s runs, warm-up ${COMPARE_ECHO_WARMUP:-2} s; commit $(git -C "$repo_dir" rev-parse --short HEAD 2>/dev/null || echo unknown)"
: >"$out"
failures=0
for ((round = 1; round <= rounds; round++)); do
  for conns in "${conns_list[@]}"; do
    n=${#servers[@]}
    for ((i = 0; i < n; i++)); do
      s=${servers[$(((i + round - 1) % n))]}
      line=$(run_one "$s" "$conns" 2>&1 | tail -1)
      if [[ $line == *req_per_cpu_s=* && $line == *" errors=0 mismatches=0 "* ]]; then
        echo "round=$round conns=$conns server=$s $line" | tee -a "$out"
      else
        echo "round=$round conns=$conns server=$s FAILED ${line:-(no result)}"; failures=$((failures + 1))
      fi
    done
  done
done
echo "# ended $(date -u '+%T UTC'), load $(cut -d' ' -f1-3 /proc/loadavg); $failures failed runs"

# Summary: medians and ranges over the rounds; ratios per round, then their median and range.
awk -v servers="${servers[*]}" -v conns_list="${conns_list[*]}" '
function median(list,   n, a, i, j, t) {
  n = split(list, a, " ")
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
  if (n == 0) return "-"
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function lo(list,   n, a, i, m) { n = split(list, a, " "); m = a[1]; for (i = 2; i <= n; i++) if (a[i] + 0 < m + 0) m = a[i]; return m }
function hi(list,   n, a, i, m) { n = split(list, a, " "); m = a[1]; for (i = 2; i <= n; i++) if (a[i] + 0 > m + 0) m = a[i]; return m }
{
  for (f = 1; f <= NF; f++) { split($f, kv, "="); v[kv[1]] = kv[2] }
  key = v["conns"] SUBSEP v["server"]
  all[key] = all[key] " " v["req_per_cpu_s"]
  p99[key] = p99[key] " " v["p99_us"] / 1000
  byround[v["round"], v["conns"], v["server"]] = v["req_per_cpu_s"]
  p99round[v["round"], v["conns"], v["server"]] = v["p99_us"]
  if (v["round"] > maxround) maxround = v["round"]
}
END {
  nnames = split(servers, names, " ")
  split("uring/tokio-multi uring/c epoll/tokio-multi epoll/c", pairs, " ")
  split("uring/tokio-current epoll/tokio-current c/tokio-current tokio-multi/tokio-current", p99pairs, " ")
  nconns = split(conns_list, connss, " ")
  for (ci = 1; ci <= nconns; ci++) {
    conns = connss[ci]
    printf "conns=%d requests per server CPU-second, median [min-max]:", conns
    for (i = 1; i <= nnames; i++) {
      list = all[conns, names[i]]
      if (list == "") continue
      printf " %s %d [%d-%d]", names[i], median(list), lo(list), hi(list)
    }
    printf "\nconns=%d ratios within a round, median [min-max]:", conns
    for (p = 1; p <= 4; p++) ratio(pairs[p], conns, byround)
    printf "\nconns=%d p99 ms, median [min-max]:", conns
    for (i = 1; i <= nnames; i++) {
      list = p99[conns, names[i]]
      if (list == "") continue
      printf " %s %.2f [%.2f-%.2f]", names[i], median(list), lo(list), hi(list)
    }
    printf "\nconns=%d p99 ratios within a round, median [min-max]:", conns
    for (p = 1; p <= 4; p++) ratio(p99pairs[p], conns, p99round)
    printf "\n"
  }
}
function ratio(pair, conns, table,   ab, list, r) {
  split(pair, ab, "/"); list = ""
  for (r = 1; r <= maxround; r++)
    if ((r, conns, ab[1]) in table && (r, conns, ab[2]) in table && table[r, conns, ab[2]] > 0)
      list = list " " sprintf("%.3f", table[r, conns, ab[1]] / table[r, conns, ab[2]])
  if (list != "") printf " %s÷%s %.2f [%.2f-%.2f]", ab[1], ab[2], median(list), lo(list), hi(list)
}' "$out"
[ $failures -eq 0 ]
