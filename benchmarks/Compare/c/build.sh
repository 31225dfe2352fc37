#!/usr/bin/env bash
# Builds the C epoll echo server and prints the path of the binary (installs gcc if missing).
# Output dir: $COMPARE_OUT (default /tmp/asyncgen-compare).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v gcc >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends gcc libc6-dev) >&2
out=${COMPARE_OUT:-/tmp/asyncgen-compare}
mkdir -p "$out"
gcc -O2 -Wall -Wextra -Werror -o "$out/epoll_echo" "$here/epoll_echo.c"
echo "$out/epoll_echo"
