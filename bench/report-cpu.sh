#!/usr/bin/env bash
# Measures everything bench/RESULTS.md reports for a CPU machine, in one run:
#   1. unfold4j bench on the Java backend and on OpenCL (PoCL here), with the copy floors, the
#      CLBlast peer and the PyTorch CPU peer (bench/torch_cpu_peer.py, call by call between the
#      Java backend's calls) measured side by side                -> bench/results/cpu-bench.json
#   2. JMH: the Java backend and its floor (into outputs and allocating), a call's fixed cost
#      (JavaCallCost), the JVM peer ND4J (profile nd4j, ~130 MB download), and OpenCL kernel
#      times from profiling events (PoCL here)                    -> bench/results/cpu-jmh.json
#   3. the chart of ratio to floor                               -> bench/ratio-to-floor.png
# Takes about 15 minutes on 2 cores.
# Usage: bench/report-cpu.sh [--no-nd4j] [--torch-only]
#   --no-nd4j     skip the ND4J peer (and its download)
#   --torch-only  only the Java backend against PyTorch on the CPU (the command line's bench,
#                 -> bench/results/cpu-torch.json) and the fixed-cost JMH (-> bench/results/cpu-callcost.json)
# PyTorch for the CPU comes from Debian, in Debian's own /usr/bin/python3 (not necessarily the
# python3 first on PATH): apt-get install -y python3-torch python3-numpy. Set TORCH_PYTHON to use
# another interpreter that has torch.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
nd4j=1 torch_only=0
for arg in "$@"; do
  case "$arg" in
    --no-nd4j) nd4j=0 ;;
    --torch-only) torch_only=1 ;;
    *) echo "report-cpu.sh: unknown option $arg (--no-nd4j, --torch-only)" >&2; exit 2 ;;
  esac
done
py="${TORCH_PYTHON:-/usr/bin/python3}"
if ! "$py" -c 'import torch' 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "report-cpu.sh: no torch in $py; installing Debian's python3-torch" >&2
    apt-get install -y python3-torch python3-numpy >/dev/null
  else
    echo "report-cpu.sh: $py has no torch: apt-get install -y python3-torch python3-numpy (as root)," \
      "or TORCH_PYTHON=/path/to/python-with-torch" >&2
    exit 1
  fi
fi
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, where this machine sets them, only slow a current
# OpenBLAS (F.unfold and F.fold call no BLAS); the peer runs without them.
peer="env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $py bench/torch_cpu_peer.py --threads 2"
if [ "$torch_only" = 1 ]; then
  ./unfold4j bench --backend java --torch-cpu "$peer" --json bench/results/cpu-torch.json
  bench/run-jmh.sh JavaCallCost -rf json -rff bench/results/cpu-callcost.json
  python3 bench/results.py bench/results/cpu-torch.json
  python3 bench/jmh_table.py bench/results/cpu-callcost.json
  exit 0
fi
./unfold4j bench --backend all --torch-cpu "$peer" --json bench/results/cpu-bench.json
if [ "$nd4j" = 0 ]; then
  bench/run-jmh.sh 'JavaBenchmarks|JavaCallCost|OpenCLKernelTimes' -rf json -rff bench/results/cpu-jmh.json
else
  bench/run-jmh.sh --with-nd4j 'JavaBenchmarks|JavaCallCost|Nd4jPeerBenchmarks|OpenCLKernelTimes' -rf json -rff bench/results/cpu-jmh.json
fi
java bench/Chart.java bench/results/cpu-bench.json bench/ratio-to-floor.png
python3 bench/results.py bench/results/cpu-bench.json
python3 bench/jmh_table.py bench/results/cpu-jmh.json
