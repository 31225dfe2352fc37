#!/usr/bin/env bash
# tcp_echo: samples/EchoServer (AsyncGen) beside a .NET Socket-async echo server, driven by the neutral load
# generator in ../shared/tools/echo-loadgen. Prints one key=value line per run (see the loadgen's README).
#
#   benchmarks/TcpEcho/run.sh [seconds] [warmup]
#
# Runs 64-byte echoes at 100 and 1000 connections against: AsyncGen on one LocalExecutor thread (async methods, and
# the hand-written state machine), AsyncGen on a 2-worker WorkStealingExecutor, and the .NET baseline. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-5}
warmup=${2:-2}
loadgen_src=${ECHO_LOADGEN_SRC:-../shared/tools/echo-loadgen}
[ -d "$loadgen_src" ] || loadgen_src=/work/shared/tools/echo-loadgen
bin=$(ECHO_LOADGEN_DIR=${ECHO_LOADGEN_DIR:-/tmp/asyncgen-tcp-echo-loadgen} "$loadgen_src/build.sh")

dotnet build -c Release samples/EchoServer -o /tmp/asyncgen-tcp-echo/asyncgen >/dev/null
dotnet build -c Release benchmarks/TcpEcho/DotNetEchoServer -o /tmp/asyncgen-tcp-echo/dotnet >/dev/null

echo "# $(date -u +%FT%TZ) $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg), $(dotnet --version)"

run() { # label rt port conns command...
  local label=$1 rt=$2 port=$3 conns=$4; shift 4
  "$@" >/dev/null &
  local server=$!
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done
  "$bin" addr=127.0.0.1:"$port" conns="$conns" seconds="$seconds" warmup="$warmup" threads=1 msg=64 label="$label" rt="$rt" || true
  kill "$server"; wait "$server" 2>/dev/null || true
}

for conns in 100 1000; do
  run asyncgen local 18080 "$conns" dotnet /tmp/asyncgen-tcp-echo/asyncgen/EchoServer.dll 18080
  run asyncgen-handwritten local 18083 "$conns" dotnet /tmp/asyncgen-tcp-echo/asyncgen/EchoServer.dll 18083 --hand-written
  run asyncgen workstealing-2 18082 "$conns" dotnet /tmp/asyncgen-tcp-echo/asyncgen/EchoServer.dll 18082 --workers 2
  run dotnet-socket-async threadpool 18081 "$conns" dotnet /tmp/asyncgen-tcp-echo/dotnet/DotNetEchoServer.dll 18081
done
