#!/usr/bin/env python3
"""Prints a JMH JSON result (-rf json) as a table: median (average for average-time benchmarks such
as JavaCallCost) per benchmark and shape, in milliseconds, and the ratio
to the copy floor measured in the same run (copyFloor of the same class and shape). Where a
benchmark also reports the secondary results kernelNanos and kernelCalls (OpenCLKernelTimes: kernel
time from OpenCL profiling events), it gets a second table of kernel times and their ratio to the copy's."""
import json, sys
from collections import defaultdict

rows = json.load(open(sys.argv[1]))
med = defaultdict(dict)
kernel = defaultdict(dict)
for r in rows:
    cls, name = r["benchmark"].rsplit(".", 2)[-2:]
    shape = r.get("params", {}).get("shape", "seed")  # JavaCallCost times the seed shape only
    m = r["primaryMetric"]
    p50 = m.get("scorePercentiles", {}).get("50.0", m["score"])
    # Sample-time benchmarks report ms/op; JavaCallCost (average time) us/op.
    med[(cls, shape)][name] = p50 / 1000 if m.get("scoreUnit") == "us/op" else p50
    sec = r.get("secondaryMetrics", {})
    if "kernelNanos" in sec and sec.get("kernelCalls", {}).get("score"):
        # JMH sums event counters over the measured iterations: their quotient is the average.
        kernel[(cls, shape)][name] = sec["kernelNanos"]["score"] / sec["kernelCalls"]["score"] / 1e6
print(f"| class | shape | benchmark | median ms | ratio to floor |")
print(f"| --- | --- | --- | --- | --- |")
for (cls, shape), d in med.items():
    floor = d.get("copyFloor")
    for name, v in sorted(d.items()):
        ratio = f"{v / floor:.2f}" if floor and name != "copyFloor" and floor > 0 else ""
        print(f"| {cls} | {shape} | {name} | {v:.4f} | {ratio} |")
if kernel:
    print()
    print("| class | shape | benchmark | kernel ms (profiling events) | kernel ratio to the copy's |")
    print("| --- | --- | --- | --- | --- |")
    for (cls, shape), d in kernel.items():
        floor = d.get("copyFloor")
        for name, v in sorted(d.items()):
            ratio = f"{v / floor:.2f}" if floor and name != "copyFloor" and floor > 0 else ""
            print(f"| {cls} | {shape} | {name} | {v:.4f} | {ratio} |")
