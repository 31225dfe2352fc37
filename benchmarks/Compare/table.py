#!/usr/bin/env python3
"""Turns run.sh's raw key=value lines into one markdown table: median over the rounds, ratio to the best per row.

    table.py raw.txt "header sentence" > results.md
"""
import statistics
import sys
from collections import defaultdict

IMPLS = ["asyncgen-local", "asyncgen-ws2", "dotnet", "tokio-current", "tokio-multi", "c"]
WORKLOADS = ["spawn_join", "nested_await", "ping_pong_channel", "ping_pong_oneshot", "yield_many"]
# (key, label, better): better = "low" or "high" gets a ratio to the best of the row; None gets none.
MICRO_METRICS = [("ns_per_op", "ns/op", "low"), ("cpu_ns_per_op", "CPU ns/op", "low"), ("bytes_per_op", "bytes/op", None), ("allocs_per_op", "allocations/op", None)]
TIMER_METRICS = [
    ("overshoot_p50_ms", "overshoot p50 ms", "low"),
    ("overshoot_p99_ms", "overshoot p99 ms", "low"),
    ("overshoot_max_ms", "overshoot max ms", "low"),
    ("early", "woke early (of 100k)", None),
    ("overshoot_min_ms", "overshoot min ms", None),
    ("cpu_ns_per_op", "CPU ns per sleep (all threads)", "low"),
    ("bytes_per_op", "bytes per spawned sleep", None),
    ("allocs_per_op", "allocations per spawned sleep", None),
]
ECHO_METRICS = [
    ("rps", "requests/s", "high"),
    ("req_per_cpu_s", "requests per server CPU-s", "high"),
    ("p50_us", "p50 µs", "low"),
    ("p99_us", "p99 µs", "low"),
]


def parse(path):
    """{(workload, impl): {key: [values over rounds]}}, and the echo rows that had errors or mismatches."""
    cells = defaultdict(lambda: defaultdict(list))
    flawed = set()
    for line in open(path):
        kv = dict(f.split("=", 1) for f in line.split() if "=" in f)
        if "impl" in kv:
            row, impl = kv["workload"], kv["impl"]
        elif "runtime" in kv:
            row, impl = "tcp_echo %s" % kv["conns"], kv["runtime"]
            if kv.get("errors", "0") != "0" or kv.get("mismatches", "0") != "0":
                flawed.add((row, impl))
        else:
            continue
        for key, value in kv.items():
            try:
                cells[(row, impl)][key].append(float(value))
            except ValueError:
                pass
    return cells, flawed


# Pairs whose ratio of requests per server CPU-second is taken within each round (issue 14's tcp_echo goals).
ECHO_PAIRS = [("asyncgen-local", "c"), ("asyncgen-local", "tokio-multi"), ("asyncgen-ws2", "asyncgen-local")]


def round_ratios(path):
    """{(conns, a, b): [a / b per round]} of req_per_cpu_s: runs of one round are seconds apart, so a load that
    drifts between rounds moves both sides of a ratio alike, where a ratio of medians mixes rounds."""
    per_round = {}
    for line in open(path):
        kv = dict(f.split("=", 1) for f in line.split() if "=" in f)
        if "runtime" in kv and "round" in kv and "req_per_cpu_s" in kv:
            per_round[(kv["conns"], kv["runtime"], kv["round"])] = float(kv["req_per_cpu_s"])
    ratios = defaultdict(list)
    for (conns, impl, rnd), value in sorted(per_round.items()):
        for a, b in ECHO_PAIRS:
            if impl == a and (conns, b, rnd) in per_round and per_round[(conns, b, rnd)] > 0:
                ratios[(conns, a, b)].append(value / per_round[(conns, b, rnd)])
    return ratios


def fmt(value):
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def main():
    cells, flawed = parse(sys.argv[1])
    header = sys.argv[2] if len(sys.argv) > 2 else ""
    impls = [i for i in IMPLS if any(impl == i for (_, impl) in cells)]
    rows = [(w, MICRO_METRICS) for w in WORKLOADS] + [("timers", TIMER_METRICS)]
    rows += [("tcp_echo 100", ECHO_METRICS), ("tcp_echo 1000", ECHO_METRICS)]
    out = [header, "", "| workload | metric | " + " | ".join(impls) + " |", "|---|---|" + "---:|" * len(impls)]
    for workload, metrics in rows:
        for key, label, better in metrics:
            medians, spreads = {}, {}
            for impl in impls:
                values = cells.get((workload, impl), {}).get(key)
                if values:
                    medians[impl] = statistics.median(values)
                    if len(values) > 1 and medians[impl] > 0 and better:
                        spreads[impl] = (max(values) - min(values)) / 2 / medians[impl]
            if not medians:
                continue
            best = None
            if better == "low":
                best = min(medians.values())
            elif better == "high":
                best = max(medians.values())
            line = []
            for impl in impls:
                if impl not in medians:
                    line.append("—")
                    continue
                cell = fmt(medians[impl])
                if best:
                    cell += f" ({medians[impl] / best:.2f})"
                if impl in spreads:
                    cell += f" ±{spreads[impl]:.0%}"
                if (workload, impl) in flawed:
                    cell += " ⚠"
                line.append(cell)
            out.append(f"| {workload} | {label} | " + " | ".join(line) + " |")
    ratios = round_ratios(sys.argv[1])
    if ratios:
        out += ["", "| tcp_echo, requests per server CPU-s | conns | ratio within each round | median |", "|---|---:|---|---:|"]
        for (conns, a, b), values in sorted(ratios.items(), key=lambda item: (int(item[0][0]), item[0][1:])):
            listed = ", ".join(f"{v:.2f}" for v in values)
            out.append(f"| {a} ÷ {b} | {conns} | {listed} | {statistics.median(values):.2f} |")
    out += [
        "",
        "Medians over the rounds; in parentheses the ratio to the best of the row (1.00 = best; above 1 is slower or",
        "later for times, below 1 is fewer for requests); ± half the range over the rounds, relative to the median.",
        "⚠ = the load generator saw errors or mismatches.",
        "ns/op: spawn_join per task, nested_await per depth-10 chain, ping_pong per round trip, yield_many per yield.",
        "bytes/op: .NET `GC.GetTotalAllocatedBytes(precise: true)`; tokio a counting global allocator (allocations/op",
        "too). tcp_echo: 64-byte requests, one outstanding per connection, `../shared/tools/echo-loadgen` on the same",
        "cores; requests per server CPU-s = requests / (utime + stime of the server, /proc/<pid>/stat) — the figure",
        "that survives a loaded machine. One 5 s run moves by up to ±20 % from round to round, whatever the server",
        "(benchmarks/README.md, \"Why drivers.sh and the suite disagreed\"): the within-round ratios, runs seconds",
        "apart, are the figures to judge a tcp_echo goal by, with their spread.",
    ]
    print("\n".join(out))


main()
