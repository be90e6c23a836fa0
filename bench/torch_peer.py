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

import torch
import torch.nn.functional as F

# name: (N, C, H, W, kernel, stride, padding, dilation) -- the performance issue's table.
SHAPES = {
    "conv3x3": (8, 64, 112, 112, (3, 3), 1, 1, 1),
    "vit16": (32, 3, 224, 224, (16, 16), 16, 0, 1),
    "tile256": (1, 3, 2048, 2048, (256, 256), 128, 0, 1),
    "dilated": (8, 32, 64, 64, (3, 3), 1, 2, 2),
    "seed": (2, 5, 3, 4, (2, 3), 1, 0, 1),
}


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
    for shape, (n, c, h, w, k, s, p, d) in SHAPES.items():
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
