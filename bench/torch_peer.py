#!/usr/bin/env python3
"""PyTorch's F.unfold / F.fold on the standard shapes, timed on the same GPU in the same run as
unfold4j's bench (see ci/gpu-bundle.sh): CUDA events, median of 50 after 10 warm-up calls, and
the copy floor measured the same way (a device-to-device copy of the same bytes moved).

    python3 bench/torch_peer.py --json OUT/torch.json

Writes a JSON array with one object per shape x op: shape, op, backend ("torch-cuda"), device,
median_ms, floor_ms, ratio -- the fields of `unfold4j bench --json`.
"""
import argparse
import json
from pathlib import Path

import torch
import torch.nn.functional as F


def read_shapes(path=Path(__file__).resolve().with_name("shapes.tsv")):
    """name: (N, C, H, W, kernel, stride, padding, dilation), from shapes.tsv beside this script
    (Note [one list of shapes] there; ci/gpu-bundle.sh copies both)."""
    shapes = {}
    rows = [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    for name, n, c, h, w, kernel, s, p, d, _quick, _what in rows[1:]:  # rows[0] is the header
        k = tuple(int(v) for v in kernel.split(","))
        shapes[name] = (int(n), int(c), int(h), int(w), k if len(k) == 2 else (k[0], k[0]), int(s), int(p), int(d))
    return shapes


def median_ms(fn, reps=50, warmup=10):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    times.sort()
    return times[len(times) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", required=True, help="where to write the results")
    parser.add_argument("--reps", type=int, default=50)
    args = parser.parse_args()

    device = torch.device("cuda")
    name = torch.cuda.get_device_name(device)
    results = []
    for shape, (n, c, h, w, k, s, p, d) in read_shapes().items():
        x = torch.rand(n, c, h, w, device=device)
        cols = F.unfold(x, k, dilation=d, padding=p, stride=s)
        moved = 4 * (x.numel() + cols.numel())
        src = torch.empty(moved // 8, dtype=torch.float32, device=device)
        dst = torch.empty_like(src)
        floor = median_ms(lambda: dst.copy_(src), args.reps)
        for op, fn in (("unfold", lambda: F.unfold(x, k, dilation=d, padding=p, stride=s)),
                       ("fold", lambda: F.fold(cols, (h, w), k, dilation=d, padding=p, stride=s))):
            t = median_ms(fn, args.reps)
            results.append({"shape": shape, "op": op, "backend": "torch-cuda", "device": name,
                            "median_ms": t, "floor_ms": floor, "ratio": t / floor if floor > 0 else None})
            print(f"{shape:8s} {op:6s} {t:9.4f} ms  floor {floor:8.4f} ms", flush=True)
    with open(args.json, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
