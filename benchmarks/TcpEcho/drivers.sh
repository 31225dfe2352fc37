#!/usr/bin/env bash
# tcp_echo on samples/EchoServer's io_uring and epoll drivers beside the C epoll server and tokio multi_thread,
# interleaved in one invocation (so load on the machine falls on every server alike), at 100 and 1,000 connections:
#
#   benchmarks/TcpEcho/drivers.sh [rounds=3] [seconds=4]
#
# One line per run from benchmarks/Compare/echo.sh (2 s warm-up, then the measured run; req_per_cpu_s = requests per
# server CPU-second from /proc/<pid>/stat), prefixed with round, conns and server. Take medians over the rounds.
set -uo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
seconds=${2:-4}
for round in $(seq 1 "$rounds"); do
  for conns in 100 1000; do
    for s in uring epoll c tokio-multi; do
      case $s in
        uring) out=$(ASYNCGEN_DRIVER=io_uring benchmarks/Compare/echo.sh asyncgen-local $conns "$seconds" 2>&1 | tail -1) ;;
        epoll) out=$(ASYNCGEN_DRIVER=epoll benchmarks/Compare/echo.sh asyncgen-local $conns "$seconds" 2>&1 | tail -1) ;;
        *) out=$(benchmarks/Compare/echo.sh $s $conns "$seconds" 2>&1 | tail -1) ;;
      esac
      echo "round=$round conns=$conns server=$s $out"
    done
  done
done
