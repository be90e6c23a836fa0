#!/usr/bin/env python3
"""Markdown tables of `unfold4j bench --json` results (and the PyTorch peer's, bench/torch_peer.py),
with each performance target of the performance issue marked met or missed.

    python3 bench/results.py RESULT.json... > tables.md

Which ratio a target is judged on: on CPU devices and the JVM, the host-timed median over the
host-timed copy floor (launch and wait included, as a caller sees it); on GPUs, where launching
and waiting cost about as much as the small shapes' kernels, the device's own kernel time over the
copy's (`kernel_ratio`, from OpenCL profiling events), which is also what PyTorch's CUDA-event
timings measure. Both are printed.
"""
import json
import sys

# Every shape of bench/shapes.tsv is judged on its bandwidth target but these, whose few hundred
# bytes measure a call's fixed cost, not bandwidth (Note [one list of shapes] in shapes.tsv).
LATENCY_SHAPES = ("seed",)


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


def judged_ratio(row):
    """(ratio, what) the target is judged on (see the module docstring)."""
    if row["backend"] == "opencl" and not cpu_device(row) and row.get("kernel_ratio") is not None:
        return row["kernel_ratio"], "kernel time"
    return row.get("ratio"), "host-timed"


def verdict(row, torch, torch_cpu):
    t = targets(row)
    notes = []
    ratio, what = judged_ratio(row)
    if t and row["shape"] not in LATENCY_SHAPES and ratio is not None:
        limit = t[0] if row["op"] == "unfold" else t[1]
        notes.append(("met" if ratio <= limit else f"**missed** ({ratio / limit:.2f}x over)")
                     + f" (target ≤ {limit}x, {what})")
    if row["backend"] == "opencl-host" and cpu_device(row):
        notes.append("ratio to the bare transfer; no target on a CPU device (GPU target ≤ 1.3x)")
    if row["backend"] in ("java", "java-alloc") and row["shape"] == "seed":
        us = row["median_ms"] * 1000
        notes.append(("met" if us < 5 else "**missed**") + f" ({us:.1f} µs, target < 5 µs)")
    peer = row.get("peer_ms")
    if peer:
        notes.append(("faster than CLBlast" if row["median_ms"] < peer else "**slower than CLBlast**")
                     + f" ({peer / row['median_ms']:.2f}x)")
    peer_kernel = row.get("peer_kernel_ms")
    if peer_kernel and row.get("kernel_ms"):
        notes.append((f"kernels {peer_kernel / row['kernel_ms']:.2f}x faster than CLBlast's"
                      if row["kernel_ms"] < peer_kernel else
                      f"**kernels slower than CLBlast's** ({peer_kernel / row['kernel_ms']:.2f}x)"))
    # PyTorch on the CPU, timed call by call in the same loop (Note [the PyTorch CPU peer]); its
    # only call allocates, so both Java rows (into an output, allocating) are compared with it.
    t_cpu = torch_cpu.get((row["shape"], row["op"]))
    if row["backend"] in ("java", "java-alloc") and t_cpu:
        notes.append(("faster than PyTorch CPU" if row["median_ms"] < t_cpu else "**slower than PyTorch CPU**")
                     + f" ({t_cpu / row['median_ms']:.2f}x; F.{row['op']} {t_cpu:.4f} ms, allocating)")
    # Only full-size runs on a GPU compare with PyTorch's CUDA timings of the standard shapes.
    t_ms = None if cpu_device(row) or row.get("quick") else torch.get((row["shape"], row["op"]))
    if row["backend"] == "opencl" and t_ms:
        ours = row.get("kernel_ms") or row["median_ms"]
        notes.append(("faster than PyTorch" if ours < t_ms else "**slower than PyTorch**")
                     + f" ({t_ms / ours:.2f}x; kernel {ours:.4f} ms vs CUDA events {t_ms:.4f} ms; "
                     + f"host-timed {t_ms / row['median_ms']:.2f}x)")
    return "; ".join(notes)


def fmt(v, digits=4):
    return "" if v is None else f"{v:.{digits}f}"


def main():
    rows = []
    for path in sys.argv[1:]:
        with open(path) as f:
            rows.extend(json.load(f))
    # PyTorch's F.unfold / F.fold times (CUDA events) per shape and op, from the same GPU run.
    torch = {(r["shape"], r["op"]): r["median_ms"] for r in rows if r["backend"] == "torch-cuda"}
    torch_cpu = {(r["shape"], r["op"]): r["median_ms"] for r in rows if r["backend"] == "torch-cpu"}
    print("| shape | op | backend | device | median ms | floor ms | ratio | kernel ms | kernel ratio | CLBlast ms | target |")
    print("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in rows:
        backend = r["backend"]
        if "overlap" in r:
            backend += ", overlapped" if r["overlap"] else ", in sequence"
        print(f"| {r['shape']} | {r['op']} | {backend} | {r.get('device', '')} | {fmt(r['median_ms'])} | "
              f"{fmt(r['floor_ms'])} | {fmt(r.get('ratio'), 2)} | {fmt(r.get('kernel_ms'))} | "
              f"{fmt(r.get('kernel_ratio'), 2)} | {fmt(r.get('peer_ms'))} | {verdict(r, torch, torch_cpu)} |")


if __name__ == "__main__":
    main()
