#!/usr/bin/env bash
# Syscalls per tcp_echo request: every syscall the server's process makes (perf stat on the syscalls:sys_enter_*
# tracepoints, all threads), counted over exactly one load-generator run and divided by the requests it completed;
# plus the server's context switches. One 1 s warm-up run first (JIT, pools), not counted.
#
#   benchmarks/TcpEcho/syscalls.sh <server> [conns=100] [seconds=4]
#
# ECHO_LOADGEN_THREADS=2 gives the load generator two threads (default 1): a load generator that outpaces the server
# keeps the server busy, so its io_uring_enter / epoll_wait per request show the server's own batching, not how often
# it waited for the load generator (benchmarks/README.md, "io_uring_enter per request at 1,000 connections").
#
# server: as benchmarks/Compare/echo.sh (c, tokio-current, tokio-multi, asyncgen-local, asyncgen-ws2, dotnet); the
# environment is passed on (ASYNCGEN_DRIVER=epoll ...). Connection setup and teardown are inside the counted run, so
# at 1,000 connections their syscalls (accept4, epoll_ctl, close, ...) weigh by the requests each connection made.
# Needs perf (installed from Debian's linux-perf if missing) and the right to read tracepoints (root here).
# Why not strace -c: tracing slows every syscall by tens of µs, which changes what the server finds when it reads
# (benchmarks/README.md).
set -euo pipefail
source "$(dirname "$0")/../Compare/lib.sh"
name=${1:?usage: syscalls.sh <server> [conns] [seconds]}
conns=${2:-100}
seconds=${3:-4}
command -v perf >/dev/null || { apt-get install -y -q linux-perf >/dev/null; }
build_loadgen
case $name in
  c) build_c ;;
  tokio-*) build_tokio ;;
  asyncgen-* | dotnet) build_dotnet_echo ;;
esac
port=$(free_port)
cmd=$(echo_server_command "$name" "$port")
$cmd >/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
wait_listening "$server" "$port" || { echo "syscalls.sh: $name did not start listening on $port" >&2; exit 1; }
"$loadgen" addr="127.0.0.1:$port" conns="$conns" seconds=1 warmup=0 threads="${ECHO_LOADGEN_THREADS:-1}" msg=64 label=warmup >/dev/null || true
stat=$(mktemp)
line=$(perf stat -x, -e 'syscalls:sys_enter_*' -e context-switches -p "$server" -o "$stat" -- \
  "$loadgen" addr="127.0.0.1:$port" conns="$conns" seconds="$seconds" warmup=0 threads="${ECHO_LOADGEN_THREADS:-1}" msg=64 label="$name" rt=-)
requests=$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$line")
awk -F, -v r="${requests:-0}" -v name="$name" -v c="$conns" '
  BEGIN { printf "server=%s conns=%d requests=%d", name, c, r }
  /^[0-9]/ && $1 > 0 {
    event = $3; sub(/.*:/, "", event); sub(/^sys_enter_/, "", event)
    if ($3 ~ /sys_enter_/) all += $1
    printf " %s=%.4f", event, (r > 0 ? $1 / r : 0)
  }
  END { printf " all_syscalls_per_req=%.4f\n", (r > 0 ? all / r : 0) }' "$stat"
rm -f "$stat"
