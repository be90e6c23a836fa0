#!/usr/bin/env python3
"""Markdown tables of `unfold4j bench --json` results (and the PyTorch peer's, bench/torch_peer.py),
with each performance target of the performance issue marked met or missed.

    python3 bench/results.py RESULT.json... > tables.md
"""
import json
import sys

BANDWIDTH_SHAPES = ("conv3x3", "vit16", "tile256", "dilated")


def cpu_device(row):
    device = row.get("device", "").lower()
    return "pthread" in device or "cpu" in device or "epyc" in device or "xeon" in device


def targets(row):
    """(unfold, fold) ratio targets for this row's backend and device, or None.

    "opencl-host" rows are host-resident calls against the bare transfer (upload + download);
    the issue sets that target (1.3x) for GPUs only."""
    if row["backend"] == "java":
        return 1.5, 2.0
    if row["backend"] == "opencl":
        return (2.0, 3.0) if cpu_device(row) else (1.5, 2.0)
    if row["backend"] == "opencl-host" and not cpu_device(row):
        return 1.3, 1.3
    return None


def verdict(row):
    t = targets(row)
    notes = []
    if t and row["shape"] in BANDWIDTH_SHAPES and row.get("ratio") is not None:
        limit = t[0] if row["op"] == "unfold" else t[1]
        notes.append(("met" if row["ratio"] <= limit else f"**missed** ({row['ratio'] / limit:.2f}x over)")
                     + f" (target ≤ {limit}x)")
    if row["backend"] == "opencl-host" and cpu_device(row):
        notes.append("ratio to the bare transfer; no target on a CPU device (GPU target ≤ 1.3x)")
    if row["backend"] == "java" and row["shape"] == "seed":
        us = row["median_ms"] * 1000
        notes.append(("met" if us < 5 else "**missed**") + f" ({us:.1f} µs, target < 5 µs)")
    peer = row.get("peer_ms")
    if peer:
        notes.append(("faster than CLBlast" if row["median_ms"] < peer else "**slower than CLBlast**")
                     + f" ({peer / row['median_ms']:.2f}x)")
    return "; ".join(notes)


def main():
    rows = []
    for path in sys.argv[1:]:
        with open(path) as f:
            rows.extend(json.load(f))
    print("| shape | op | backend | device | median ms | floor ms | ratio | CLBlast ms | target |")
    print("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |")
    for r in rows:
        peer = r.get("peer_ms")
        ratio = r.get("ratio")
        print(f"| {r['shape']} | {r['op']} | {r['backend']} | {r.get('device', '')} | {r['median_ms']:.4f} | "
              f"{r['floor_ms']:.4f} | {ratio:.2f} | {peer:.4f} | {verdict(r)} |" if peer else
              f"| {r['shape']} | {r['op']} | {r['backend']} | {r.get('device', '')} | {r['median_ms']:.4f} | "
              f"{r['floor_ms']:.4f} | {ratio:.2f} | | {verdict(r)} |")


if __name__ == "__main__":
    main()
