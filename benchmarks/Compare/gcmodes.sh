#!/usr/bin/env bash
# One workload in both .NET GC modes beside tokio current_thread, interleaved in one invocation: AsyncGen's
# LocalExecutor (and, with --dotnet, .NET's Task version) with the default runtime config (workstation, concurrent
# GC) and with DOTNET_gcConcurrent=0, each with --gc-events (collections, promoted bytes, pause, page faults: see
# README.md), and tokio current_thread; `rounds` times, each round starting at a different one. Prints the raw lines
# (also in $COMPARE_OUT/gcmodes-raw.txt), then per configuration the median and range over the rounds of ns/op,
# CPU ns/op, suspended ns/op and bytes promoted into gen1 and gen2 per op, and the ratio of the medians to tokio's.
#
#   benchmarks/Compare/gcmodes.sh [--rounds 5] [--min-ms 1000] [--dotnet] [--also spawn_join_kept] [--dll name=path/Compare.DotNet.dll ...] [workload=spawn_join]
#
# --also W: AsyncGen runs workload W too, in both modes (e.g. spawn_join_kept, which tokio has no counterpart of:
# its ratios are to tokio's run of the main workload).
# --dll (repeatable): Compare.DotNet builds to measure side by side, e.g. before and after a change (default: build
# benchmarks/Compare/DotNet into $COMPARE_OUT/dotnet-bench, named asyncgen).
# Extra configurations: GCMODES_EXTRA="DOTNET_GCgen0size=0x4000000 DOTNET_gcServer=1" runs AsyncGen once more per
# round under each of those variables. A benchmark, not a test: CI does not run it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

rounds=5 min_ms=1000 dlls=() workload=spawn_join dotnet=0 also=""
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --min-ms) min_ms=$2; shift 2 ;;
    --dll) dlls+=("$2"); shift 2 ;;
    --dotnet) dotnet=1; shift ;;
    --also) also=$2; shift 2 ;;
    -*) echo "usage: gcmodes.sh [--rounds N] [--min-ms N] [--dotnet] [--dll PATH] [workload]" >&2; exit 2 ;;
    *) workload=$1; shift ;;
  esac
done

if [ ${#dlls[@]} = 0 ]; then
  dotnet_build "$compare_dir/DotNet" "$COMPARE_OUT/dotnet-bench"
  dlls=("asyncgen=$COMPARE_OUT/dotnet-bench/Compare.DotNet.dll")
fi
build_tokio

# name|environment|implementation|dll|workload: the environment is one VAR=value (X=1 for none).
configs=()
for named in "${dlls[@]}"; do
  name=${named%%=*} dll=${named#*=}
  for w in $workload $also; do
    label=$name; [ "$w" = "$workload" ] || label="$name-$w"
    configs+=("$label-default|X=1|asyncgen-local|$dll|$w" "$label-nonconcurrent|DOTNET_gcConcurrent=0|asyncgen-local|$dll|$w")
    for extra in ${GCMODES_EXTRA:-}; do configs+=("$label-$extra|$extra|asyncgen-local|$dll|$w"); done
  done
done
dll=${dlls[0]#*=}
if [ $dotnet = 1 ]; then configs+=("dotnet-default|X=1|dotnet|$dll|$workload" "dotnet-nonconcurrent|DOTNET_gcConcurrent=0|dotnet|$dll|$workload"); fi
configs+=("tokio-current||tokio||$workload")

raw="$COMPARE_OUT/gcmodes-raw.txt"
{
  echo "# start $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg) workload=$workload builds: ${dlls[*]}"
  n=${#configs[@]}
  for round in $(seq 1 "$rounds"); do
    for ((k = 0; k < n; k++)); do
      IFS='|' read -r name env impl dll w <<<"${configs[$(((round + k) % n))]}"
      case $impl in
        tokio) timeout 600 "$tokio_bin" bench current "$w" --min-ms "$min_ms" ;;
        *) timeout 600 env "$env" dotnet "$dll" "$impl" "$w" --min-ms "$min_ms" --gc-events | grep -v '^gc_settings' ;;
      esac | sed "s/^/round=$round config=$name /"
    done
  done
  echo "# end $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$raw"

python3 - "$raw" <<'PY'
import statistics, sys
from collections import defaultdict
runs = defaultdict(lambda: defaultdict(list))
for line in open(sys.argv[1]):
    if line.startswith('#'):
        print(line.strip())
        continue
    fields = dict(f.split('=', 1) for f in line.split() if '=' in f)
    for key in ('ns_per_op', 'cpu_ns_per_op', 'suspended_ns_per_op', 'promoted_gen1_bytes_per_op', 'promoted_gen2_bytes_per_op', 'bytes_per_op'):
        if key in fields:
            runs[fields['config']][key].append(float(fields[key]))
tokio = runs.get('tokio-current', {})
def cell(values, base):
    m = statistics.median(values)
    text = f"{m:,.1f} [{min(values):,.0f}–{max(values):,.0f}]"
    return text + (f" ({m / statistics.median(base):.2f}×)" if base else "")
print()
print(f"{'config':<34} {'ns/op (× tokio)':<30} {'CPU ns/op (× tokio)':<30} {'suspended ns':<20} {'promoted gen1 / gen2 B/op'}")
for name, metrics in runs.items():
    promoted = ''
    if 'promoted_gen1_bytes_per_op' in metrics:
        promoted = f"{statistics.median(metrics['promoted_gen1_bytes_per_op']):.1f} / {statistics.median(metrics['promoted_gen2_bytes_per_op']):.1f}"
    suspended = f"{statistics.median(metrics['suspended_ns_per_op']):.1f}" if 'suspended_ns_per_op' in metrics else ''
    print(f"{name:<34} {cell(metrics['ns_per_op'], tokio.get('ns_per_op')):<30} {cell(metrics['cpu_ns_per_op'], tokio.get('cpu_ns_per_op')):<30} {suspended:<20} {promoted}")
PY
