#!/usr/bin/env bash
# The comparison suite (issue 14, item 5): every workload on AsyncGen (LocalExecutor, WorkStealingExecutor), .NET
# async, tokio (current_thread, multi_thread) and, for tcp_echo, a plain C epoll server; the whole suite runs, then
# again, `rounds` times, so drift and neighbours spread over every implementation alike. Prints one table (medians
# over the rounds, ratios to the best of each row) and writes it as markdown to `out`.
#
#   benchmarks/Compare/run.sh [--rounds 3] [--min-ms 500] [--echo-seconds 5] [--echo-warmup 2] [--out benchmarks/Compare/results.md]
#
# --min-ms: measured time per workload and implementation (after a warm-up of half that);
# --echo-seconds: measured time per tcp_echo run (after --echo-warmup, default 2 s, of the same load).
# Installs what it lacks (Debian: librust-tokio-dev, librust-libc-dev, gcc, python3, iproute2); needs dotnet and cargo
# (rustup's ~/.cargo/bin). Builds into /tmp/asyncgen-compare (COMPARE_OUT); raw lines go to $COMPARE_OUT/raw.txt.
# Non-interactive; each process has a time limit. Default run: 10.5 minutes on a heavily loaded 2-core machine.
# A benchmark, not a test: CI does not run it.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

rounds=3 min_ms=500 echo_seconds=5 out="$compare_dir/results.md"
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --min-ms) min_ms=$2; shift 2 ;;
    --echo-seconds) echo_seconds=$2; shift 2 ;;
    --echo-warmup) export COMPARE_ECHO_WARMUP=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "usage: run.sh [--rounds N] [--min-ms N] [--echo-seconds N] [--echo-warmup N] [--out FILE]" >&2; exit 2 ;;
  esac
done

# --- install and build -------------------------------------------------------------------------------------------
missing=()
[ -d /usr/share/cargo/registry/tokio-1.24.2 ] || missing+=(librust-tokio-dev)
ls /usr/share/cargo/registry 2>/dev/null | grep -q '^libc-' || missing+=(librust-libc-dev)
command -v gcc >/dev/null || missing+=(gcc libc6-dev)
command -v python3 >/dev/null || missing+=(python3)
command -v ss >/dev/null || missing+=(iproute2)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  (apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}") >"$COMPARE_OUT/apt.log" 2>&1 \
    || { cat "$COMPARE_OUT/apt.log" >&2; exit 1; }
fi
for tool in dotnet cargo; do
  command -v $tool >/dev/null || { echo "$tool is required (dotnet SDK 10; cargo from rustup in ~/.cargo/bin)" >&2; exit 1; }
done

set -e
echo "building (into $COMPARE_OUT) ..."
build_loadgen
build_c
build_tokio
build_dotnet_echo
dotnet_build "$compare_dir/DotNet" "$COMPARE_OUT/dotnet-bench"
set +e

# --- run -----------------------------------------------------------------------------------------------------------
bench_impls=(asyncgen-local asyncgen-ws2 dotnet tokio-current tokio-multi)
limit=600 # seconds: no single process may hang the suite
raw="$COMPARE_OUT/raw.txt"
: >"$raw"
started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
failures=0

bench() { # impl
  case $1 in
    tokio-*) timeout $limit "$tokio_bin" bench "${1#tokio-}" --min-ms "$min_ms" ;;
    *) timeout $limit dotnet "$COMPARE_OUT/dotnet-bench/Compare.DotNet.dll" "$1" --min-ms "$min_ms" ;;
  esac
}

# Each round starts at a different implementation, so none is always first (or always after the same one).
rotate() { # offset items...
  local k=$1; shift
  local items=("$@") n=$# i
  for ((i = 0; i < n; i++)); do echo "${items[$(((i + k) % n))]}"; done
}

for ((round = 1; round <= rounds; round++)); do
  echo "round $round/$rounds: workloads ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
  for impl in $(rotate $((round - 1)) "${bench_impls[@]}"); do
    if ! bench "$impl" | sed "s/^/round=$round /" | tee -a "$raw" | sed 's/^/  /'; then
      echo "  $impl: FAILED (exit code ${PIPESTATUS[0]})"; failures=$((failures + 1))
    fi
  done
  echo "round $round/$rounds: tcp_echo ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
  for conns in 100 1000; do
    for server in $(rotate $((round - 1)) "${echo_servers[@]}"); do
      line=$(timeout $limit bash -c "source '$compare_dir/lib.sh'; loadgen='$loadgen' c_echo='$c_echo' tokio_bin='$tokio_bin'; echo_run $server $conns $echo_seconds")
      if [[ $line == *requests=* && $line == *" errors=0 mismatches=0 "* ]]; then
        echo "round=$round $line" >>"$raw"
        echo "  $server conns=$conns: $(grep -o 'rps=[0-9]*\|req_per_cpu_s=[0-9]*\|p99_us=[0-9.]*\|errors=[0-9]*' <<<"$line" | xargs)"
      else
        echo "  $server conns=$conns: FAILED ${line:-(no result)}"; failures=$((failures + 1))
      fi
    done
  done
done

# --- table ---------------------------------------------------------------------------------------------------------
machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(uname -sr) $(uname -m), .NET SDK $(dotnet --version), $(rustc --version | cut -d' ' -f1-2), tokio 1.24.2, gcc $(gcc -dumpversion)"
commit=$(git -C "$repo_dir" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$repo_dir" diff --quiet HEAD -- src samples benchmarks 2>/dev/null || commit="$commit+local changes"
header="Run of $started to $(date -u '+%H:%M UTC'): $machine; load average $load_start at start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; $rounds rounds, --min-ms $min_ms, --echo-seconds $echo_seconds, --echo-warmup ${COMPARE_ECHO_WARMUP:-2}; commit $commit; $failures failed runs."
python3 "$compare_dir/table.py" "$raw" "$header" >"$out" || { echo "table.py failed (raw lines: $raw)" >&2; exit 1; }
echo
cat "$out"
echo
echo "written to $out (raw lines: $raw)"
[ $failures -eq 0 ]
