#!/usr/bin/env python3
"""Prints a JMH JSON result (-rf json) as a table: median per benchmark and shape, and the ratio
to the copy floor measured in the same run (copyFloor of the same class and shape)."""
import json, sys
from collections import defaultdict

rows = json.load(open(sys.argv[1]))
med = defaultdict(dict)
for r in rows:
    cls, name = r["benchmark"].rsplit(".", 2)[-2:]
    shape = r["params"]["shape"]
    m = r["primaryMetric"]
    p50 = m.get("scorePercentiles", {}).get("50.0", m["score"])
    med[(cls, shape)][name] = p50
print(f"| class | shape | benchmark | median ms | ratio to floor |")
print(f"| --- | --- | --- | --- | --- |")
for (cls, shape), d in med.items():
    floor = d.get("copyFloor")
    for name, v in sorted(d.items()):
        ratio = f"{v / floor:.2f}" if floor and name != "copyFloor" and floor > 0 else ""
        print(f"| {cls} | {shape} | {name} | {v:.4f} | {ratio} |")
