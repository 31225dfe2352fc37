#!/usr/bin/env bash
# Soak run (not CI): echo server + channel/timer workloads with fault injection for a configurable time.
#
#   benchmarks/soak.sh [minutes] [extra options for benchmarks/Soak]
#
# e.g. benchmarks/soak.sh 10
#      benchmarks/soak.sh 60 --clients 256 --sleepers 2000
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-10}"
shift || true
dotnet build -c Release benchmarks/Soak >/dev/null
exec dotnet benchmarks/Soak/bin/Release/net10.0/Soak.dll --minutes "$minutes" "$@"
