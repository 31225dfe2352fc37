#!/usr/bin/env bash
# Longer systematic-concurrency runs (not CI): the Coyote tests of tests/AsyncGen.Runtime.Coyote.Tests with many more
# schedules per test than the suite's 2,000.
#
#   benchmarks/coyote.sh [schedules-per-test] [test-filter]
#
# e.g. benchmarks/coyote.sh 200000                     # every Coyote test, 200k schedules each
#      benchmarks/coyote.sh 1000000 ReadinessTests     # one class, a million schedules
# A failure prints Coyote's bug report (the failed assertion and the thread that was stuck).
set -euo pipefail
cd "$(dirname "$0")/.."
schedules="${1:-100000}"
filter="${2:-}"
dotnet build tests/AsyncGen.Runtime.Coyote.Tests -c Release >/dev/null
args=(test tests/AsyncGen.Runtime.Coyote.Tests -c Release --no-build --logger "console;verbosity=normal")
if [[ -n "$filter" ]]; then args+=(--filter "FullyQualifiedName~$filter"); fi
echo "Coyote: $schedules schedules per test${filter:+, filter $filter}"
ASYNCGEN_COYOTE_ITERATIONS="$schedules" dotnet "${args[@]}" | grep -E '^\s+(Passed|Failed) |Error Message|Stuck|Passed!|Failed!' || true
