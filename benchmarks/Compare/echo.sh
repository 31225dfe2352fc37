#!/usr/bin/env bash
# One tcp_echo measurement against one server, driven by ../shared/tools/echo-loadgen (64-byte requests, one
# outstanding per connection), with the server's CPU per request:
#
#   benchmarks/Compare/echo.sh <server> [conns=100] [seconds=5]
#
# server: c (plain C epoll, one thread: the ceiling), tokio-current, tokio-multi (tokio 1.24.2, one worker per core),
# asyncgen-local (samples/EchoServer, one LocalExecutor thread), asyncgen-ws2 (--workers 2), dotnet (Socket async),
# asyncgen-base (another build of samples/EchoServer on one thread, for before/after runs: BASELINE_ECHO_DLL=
# /path/to/EchoServer.dll, e.g. `git worktree add /tmp/base main && dotnet build -c Release /tmp/base/samples/EchoServer
# -o /tmp/base-echo`).
# Builds only what that server needs (into /tmp/asyncgen-compare); the server gets a free port in 20000-29999. The environment is passed on, so for example
# `ASYNCGEN_DRIVER=io_uring benchmarks/Compare/echo.sh asyncgen-local 1000` measures another driver.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
name=${1:?usage: echo.sh <server> [conns] [seconds]; servers: c tokio-current tokio-multi asyncgen-local asyncgen-ws2 asyncgen-base dotnet}
conns=${2:-100}
seconds=${3:-5}
build_loadgen
case $name in
  c) build_c ;;
  tokio-*) build_tokio ;;
  asyncgen-* | dotnet) build_dotnet_echo ;;
  *) echo_server_command "$name" 0 >/dev/null ;;
esac
echo_run "$name" "$conns" "$seconds"
