#!/usr/bin/python3
"""PyTorch's F.unfold / F.fold on the CPU, as a peer that `unfold4j bench --torch-cpu` drives call
by call, so that each shape's PyTorch calls alternate with the Java backend's calls in one loop and
the shared machine's drift affects both alike (Note [the PyTorch CPU peer] in BenchRuns).

    unfold4j bench --backend java --torch-cpu "/usr/bin/python3 bench/torch_cpu_peer.py"

It speaks a line protocol on stdin/stdout, one request, one answer line:
    info                               -> a one-line description (torch version, threads)
    shape N C H W KH KW S P D          -> "ok" once the input and its columns exist
    unfold | fold                      -> nanoseconds of one allocating call (perf_counter_ns)
    quit

PyTorch has no out= for unfold or fold, so every call allocates its result, as a caller of
F.unfold does. torch.set_num_threads(2) matches the Java backend's two threads on this machine
(THREADS below, or --threads). Debian's python3-torch lives in /usr/bin/python3; `apt-get install
-y python3-torch python3-numpy` installs it (bench/report-cpu.sh checks).
"""
import argparse
import sys
import time

import torch
import torch.nn.functional as F


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set
    x = cols = None
    geometry = None
    out = sys.stdout
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        cmd = words[0]
        if cmd == "info":
            out.write(f"torch {torch.__version__} on the CPU, {torch.get_num_threads()} threads\n")
        elif cmd == "shape":
            n, c, h, w, kh, kw, s, p, d = map(int, words[1:10])
            torch.manual_seed(0)
            x = torch.rand(n, c, h, w)
            geometry = dict(kernel_size=(kh, kw), dilation=d, padding=p, stride=s)
            cols = F.unfold(x, **geometry)
            size = (h, w)
            out.write("ok\n")
        elif cmd == "unfold":
            t0 = time.perf_counter_ns()
            r = F.unfold(x, **geometry)
            t1 = time.perf_counter_ns()
            del r
            out.write(f"{t1 - t0}\n")
        elif cmd == "fold":
            t0 = time.perf_counter_ns()
            r = F.fold(cols, size, **geometry)
            t1 = time.perf_counter_ns()
            del r
            out.write(f"{t1 - t0}\n")
        elif cmd == "quit":
            break
        else:
            out.write(f"error unknown request {cmd!r}\n")
        out.flush()


if __name__ == "__main__":
    main()
