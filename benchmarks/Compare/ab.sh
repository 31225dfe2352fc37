#!/usr/bin/env bash
# Before/after of a runtime change, interleaved in one invocation: Compare.DotNet built from two git revisions, run
# in turn with tokio current_thread on the same workloads, `rounds` times (each round starts at a different one), so
# load and drift spread over all three alike. Prints the raw key=value lines, then per workload and metric the median
# and range over the rounds of ns/op, CPU ns/op and bytes/op, and the load average at start and end.
#
#   benchmarks/Compare/ab.sh <before-rev> <after-rev> [--impl asyncgen-local] [--rounds 5] [--min-ms 1000] workload...
#   e.g. benchmarks/Compare/ab.sh main~3 main ping_pong_channel ping_pong_oneshot
#
# Revisions are checked out as detached worktrees under $COMPARE_OUT/ab-<rev> (default /tmp/asyncgen-compare) and
# built there; the repository's own checkout is not touched. A benchmark, not a test: CI does not run it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ $# -ge 3 ] || { echo "usage: ab.sh <before-rev> <after-rev> [--impl NAME] [--rounds N] [--min-ms N] workload..." >&2; exit 2; }
before=$1 after=$2; shift 2
impl=asyncgen-local rounds=5 min_ms=1000 workloads=()
while [ $# -gt 0 ]; do
  case $1 in
    --impl) impl=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --min-ms) min_ms=$2; shift 2 ;;
    *) workloads+=("$1"); shift ;;
  esac
done

build_rev() { # rev → path of the built Compare.DotNet.dll
  local sha dir
  sha=$(git -C "$repo_dir" rev-parse --short=10 "$1^{commit}")
  dir="$COMPARE_OUT/ab-$sha"
  # Not named "src": Directory.Build.props holds every project under a "/src/" path to the product's warning bar.
  [ -d "$dir/tree" ] || git -C "$repo_dir" worktree add -f --detach "$dir/tree" "$sha" >/dev/null 2>&1
  dotnet_build "$dir/tree/benchmarks/Compare/DotNet" "$dir/bin" >&2 || return 1
  echo "$dir/bin/Compare.DotNet.dll"
}
echo "building $before and $after ..." >&2
before_dll=$(build_rev "$before") || exit 1
after_dll=$(build_rev "$after") || exit 1
build_tokio

raw="$COMPARE_OUT/ab-raw.txt"
{
  echo "# start $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg) before=$before after=$after impl=$impl"
  builds=(before after tokio)
  for round in $(seq 1 "$rounds"); do
    for k in 0 1 2; do
      build=${builds[$(((round + k) % 3))]}
      case $build in
        before) timeout 600 dotnet "$before_dll" "$impl" "${workloads[@]}" --min-ms "$min_ms" ;;
        after) timeout 600 dotnet "$after_dll" "$impl" "${workloads[@]}" --min-ms "$min_ms" ;;
        tokio) timeout 600 "$tokio_bin" bench current "${workloads[@]}" --min-ms "$min_ms" ;;
      esac | sed "s/^/round=$round build=$build /"
    done
  done
  echo "# end $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$raw"

python3 - "$raw" <<'PY'
import statistics, sys
from collections import defaultdict
rows = defaultdict(list)
for line in open(sys.argv[1]):
    if line.startswith("#") or "workload=" not in line:
        continue
    kv = dict(field.split("=", 1) for field in line.split() if "=" in field)
    # gc_pause_ns_per_op: Compare.DotNet's GC pauses per operation (tokio has none).
    for metric in ("ns_per_op", "cpu_ns_per_op", "bytes_per_op", "gc_pause_ns_per_op"):
        if metric in kv:
            rows[(kv["workload"], metric, kv["build"])].append(float(kv[metric]))
print(f"{'workload':20} {'metric':14} {'build':7} {'median':>9}  range")
for (workload, metric, build), values in sorted(rows.items()):
    print(f"{workload:20} {metric:14} {build:7} {statistics.median(values):9.1f}  {min(values):.1f}-{max(values):.1f} (n={len(values)})")
PY
